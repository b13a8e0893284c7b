"""Read queries for hospital records, with scoping built in.

A hospital user sees only their own hospital's notices: every query that returns patient
records starts from `notices_visible_to(user)`, so a page cannot forget the filter. Service
staff see only aggregate figures, never patient records. Dashboards run a fixed number of
queries however many wards and patients there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from imha.accounts.models import Role, User
from imha.hospitals.models import (
    TRACKED,
    Hospital,
    InformationGiven,
    QualifyingNotice,
    StatusChange,
    Ward,
)

COMPLIANCE_PERIOD_DAYS = 365


def notices_visible_to(user: User) -> QuerySet[QualifyingNotice]:
    if user.role == Role.HOSPITAL and user.hospital_id is not None and user.is_active:
        return QualifyingNotice.objects.filter(hospital_id=user.hospital_id)
    return QualifyingNotice.objects.none()


def notice_for(user: User, notice_id: int) -> QualifyingNotice:
    """The notice if this user may see it; 404 otherwise, so IDs reveal nothing."""
    return get_object_or_404(
        notices_visible_to(user).select_related("hospital", "ward", "created_by"), pk=notice_id
    )


def information_entry_for(user: User, notice_id: int, entry_id: int) -> InformationGiven:
    return get_object_or_404(
        InformationGiven.objects.select_related("notice").filter(
            notice__in=notices_visible_to(user)
        ),
        pk=entry_id,
        notice_id=notice_id,
    )


def information_log(notice: QualifyingNotice) -> list[InformationGiven]:
    return list(notice.information_log.select_related("recorded_by"))


def status_history(notice: QualifyingNotice) -> list[StatusChange]:
    return list(notice.status_changes.select_related("recorded_by"))


def wards_for_choice(hospital_id: int) -> QuerySet[Ward]:
    return Ward.objects.filter(hospital_id=hospital_id, is_active=True).order_by("name")


def first_information_overdue(today: date) -> Q:
    """Qualifying, still here, past the deadline, and not yet told both ways."""
    return (
        TRACKED
        & Q(information_due_by__lt=today)
        & (Q(first_told_verbally_on__isnull=True) | Q(first_given_in_writing_on__isnull=True))
    )


def reminder_overdue(today: date) -> Q:
    return TRACKED & Q(next_reminder_on__lt=today)


def reminder_due_soon(today: date, days: int) -> Q:
    return TRACKED & Q(next_reminder_on__gte=today, next_reminder_on__lte=today + timedelta(days))


@dataclass(frozen=True)
class WardSummary:
    ward_id: int
    name: str
    is_active: bool
    patients: int
    qualifying: int
    first_information_overdue: int
    reminders_overdue: int
    reminders_due_soon: int


def ward_summaries(hospital: Hospital, today: date) -> list[WardSummary]:
    """One row per ward (closed wards only while they still have patients): one query."""
    here = Q(notices__discharged_on__isnull=True)
    wards = (
        Ward.objects.filter(hospital=hospital)
        .annotate(
            patients=Count("notices", filter=here),
            qualifying=Count("notices", filter=_through_notices(TRACKED)),
            first_overdue=Count(
                "notices", filter=_through_notices(first_information_overdue(today))
            ),
            overdue=Count("notices", filter=_through_notices(reminder_overdue(today))),
            due_soon=Count(
                "notices",
                filter=_through_notices(reminder_due_soon(today, hospital.due_soon_days)),
            ),
        )
        .filter(Q(is_active=True) | Q(patients__gt=0))
        .order_by("name")
    )
    return [
        WardSummary(
            ward.pk,
            ward.name,
            ward.is_active,
            ward.patients,
            ward.qualifying,
            ward.first_overdue,
            ward.overdue,
            ward.due_soon,
        )
        for ward in wards
    ]


def _through_notices(condition: Q) -> Q:
    """Rewrite a condition on notices so it can filter an aggregate over ward.notices."""
    children: list[Q | tuple[str, object]] = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(_through_notices(child))
        else:
            field, value = child  # type: ignore[misc]
            children.append(("notices__" + field, value))
    rewritten = Q(*children, _connector=condition.connector, _negated=condition.negated)
    return rewritten


def notices_needing_action(hospital: Hospital, today: date) -> QuerySet[QualifyingNotice]:
    """Patients whose first information is overdue or whose reminder is overdue or due soon."""
    return (
        QualifyingNotice.objects.filter(hospital=hospital)
        .filter(
            first_information_overdue(today)
            | reminder_overdue(today)
            | reminder_due_soon(today, hospital.due_soon_days)
        )
        .select_related("ward")
        .order_by(F("next_reminder_on").asc(nulls_first=True), "patient_name")
    )


def notices_list(user: User, *, show: str) -> QuerySet[QualifyingNotice]:
    notices = notices_visible_to(user).select_related("ward")
    if show == "discharged":
        return notices.filter(discharged_on__isnull=False).order_by("-discharged_on", "id")
    if show == "all":
        return notices.order_by("patient_name", "id")
    return notices.filter(discharged_on__isnull=True).order_by("patient_name", "id")


@dataclass(frozen=True)
class HospitalCompliance:
    hospital_id: int
    name: str
    code: str
    qualifying_now: int
    became_qualifying: int
    deadline_reached: int
    told_verbally_in_time: int
    given_in_writing_in_time: int
    first_information_overdue: int
    reminders_overdue: int

    @property
    def verbal_percent(self) -> int | None:
        return _percent(self.told_verbally_in_time, self.deadline_reached)

    @property
    def written_percent(self) -> int | None:
        return _percent(self.given_in_writing_in_time, self.deadline_reached)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def compliance_by_hospital(
    today: date, period_days: int = COMPLIANCE_PERIOD_DAYS
) -> list[HospitalCompliance]:
    """Per hospital, how well the duty to inform is being met. One query, counted in the database.

    The percentages cover patients who became qualifying in the period and whose deadline for
    first information has been reached, so patients still within their deadline are not
    counted as failures.
    """
    since = today - timedelta(days=period_days)
    in_period = Q(
        notices__qualifying_since__gte=since,
        notices__information_due_by__lte=today,
    )
    hospitals = (
        Hospital.objects.filter(is_active=True)
        .annotate(
            qualifying_now=Count("notices", filter=_through_notices(TRACKED)),
            became_qualifying=Count("notices", filter=Q(notices__qualifying_since__gte=since)),
            deadline_reached=Count("notices", filter=in_period),
            told_verbally_in_time=Count(
                "notices",
                filter=in_period
                & Q(notices__first_told_verbally_on__lte=F("notices__information_due_by")),
            ),
            given_in_writing_in_time=Count(
                "notices",
                filter=in_period
                & Q(notices__first_given_in_writing_on__lte=F("notices__information_due_by")),
            ),
            first_overdue=Count(
                "notices", filter=_through_notices(first_information_overdue(today))
            ),
            overdue=Count("notices", filter=_through_notices(reminder_overdue(today))),
        )
        .order_by("name")
    )
    return [
        HospitalCompliance(
            hospital.pk,
            hospital.name,
            hospital.code,
            hospital.qualifying_now,
            hospital.became_qualifying,
            hospital.deadline_reached,
            hospital.told_verbally_in_time,
            hospital.given_in_writing_in_time,
            hospital.first_overdue,
            hospital.overdue,
        )
        for hospital in hospitals
    ]


def hospital_by_code(code: str) -> Hospital:
    return get_object_or_404(Hospital, code=code)
