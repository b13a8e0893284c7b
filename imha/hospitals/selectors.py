"""Read queries for hospital records, with scoping built in.

A hospital user sees only their own hospital's notices: every query that returns patient
records starts from `notices_visible_to(user)`, so a page cannot forget the filter. Service
staff see only aggregate figures, never patient records. Dashboards run a fixed number of
queries however many wards and patients there are, and read only current patients (through
partial indexes) or the small first-information tallies, never the whole history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from imha.accounts.models import Role, User
from imha.core.kept_sql import KeptPages, fetch_rows, kept_rows, sql_of
from imha.hospitals.models import (
    FirstInformationTally,
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


# Conditions on a patient who is still at the hospital. The figures apply them to a join that
# holds only current patients, so they name only columns of the partial index
# `notice_current_by_ward` (not discharged_on), which keeps the counts index-only reads.
CURRENT = Q(discharged_on__isnull=True)
QUALIFYING = Q(qualifies=True)


def first_information_overdue(today: date) -> Q:
    """Qualifying, past the deadline, and not yet told both ways."""
    return (
        QUALIFYING
        & Q(information_due_by__lt=today)
        & (Q(first_told_verbally_on__isnull=True) | Q(first_given_in_writing_on__isnull=True))
    )


def reminder_overdue(today: date) -> Q:
    return QUALIFYING & Q(next_reminder_on__lt=today)


def reminder_due_soon(today: date, days: int) -> Q:
    return QUALIFYING & Q(
        next_reminder_on__gte=today, next_reminder_on__lte=today + timedelta(days)
    )


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


def ward_summaries(hospital: Hospital | DashboardHospital, today: date) -> list[WardSummary]:
    """One row per ward (closed wards only while they still have patients): one query.

    The join takes only the hospital's current patients, which the partial index
    `notice_current_by_ward` holds with every column counted here.
    """
    sql, params = _ward_summaries_sql(connection.vendor, hospital.pk, hospital.due_soon_days, today)
    return [
        WardSummary(ward_id, name, bool(is_active), *counts)
        for ward_id, name, is_active, *counts in fetch_rows(sql, params)
    ]


# The SQL of the ward figures changes only with its arguments (the date among them, so once
# a day); it is built once and kept (see imha.core.kept_sql).
@lru_cache(maxsize=256)
def _ward_summaries_sql(
    vendor: str, hospital_id: int, due_soon_days: int, today: date
) -> tuple[str, tuple[Any, ...]]:
    current = FilteredRelation(
        "notices", condition=Q(notices__hospital_id=hospital_id) & _on("notices", CURRENT)
    )
    wards = (
        Ward.objects.filter(hospital_id=hospital_id)
        .annotate(current=current)
        .annotate(
            patients=Count("current"),
            qualifying=Count("current", filter=_on("current", QUALIFYING)),
            first_overdue=Count("current", filter=_on("current", first_information_overdue(today))),
            overdue=Count("current", filter=_on("current", reminder_overdue(today))),
            due_soon=Count(
                "current", filter=_on("current", reminder_due_soon(today, due_soon_days))
            ),
        )
        .filter(Q(is_active=True) | Q(patients__gt=0))
        .order_by("name")
        # In WardSummary's order.
        .values_list(
            "pk",
            "name",
            "is_active",
            "patients",
            "qualifying",
            "first_overdue",
            "overdue",
            "due_soon",
        )
    )
    return sql_of(wards)


def _on(relation: str, condition: Q) -> Q:
    """Rewrite a condition on notices so it can filter an aggregate over a relation to them."""
    children: list[Q | tuple[str, object]] = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(_on(relation, child))
        else:
            field, value = child  # type: ignore[misc]
            children.append((f"{relation}__{field}", value))
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


# What the dashboard's list shows and works out from each patient (including what the model's
# properties read), leaving out the large stored decision of the rules engine.
ACTION_FIELDS = [
    "id",
    "hospital_id",
    "ward__name",
    "patient_name",
    "qualifies",
    "discharged_on",
    "information_due_by",
    "first_told_verbally_on",
    "first_given_in_writing_on",
    "next_reminder_on",
    "next_reminder_reason",
    "action_due_on",
]


def notices_needing_action(hospital: Hospital, today: date) -> QuerySet[QualifyingNotice]:
    """Patients with something overdue or due within the hospital's "due soon" days, soonest
    first: first telling them while they have not been told both ways, otherwise a reminder.

    `action_due_on` is set only while a patient is tracked (qualifying and still here), so
    the filter needs nothing else, and the rows are read in the order of the
    `notice_action_due` index: a page costs only its own rows.
    """
    return (
        _needing_action(hospital.pk, _action_horizon(hospital, today))
        .select_related("ward")
        .only(*ACTION_FIELDS)
    )


def _action_horizon(hospital: Hospital | DashboardHospital, today: date) -> date:
    """The last day whose actions count as due soon: the list holds everything due by then."""
    return today + timedelta(days=hospital.due_soon_days)


def _needing_action(hospital_id: int, until: date) -> QuerySet[QualifyingNotice]:
    """The hospital's patients with something due by `until`, in the list's order."""
    return QualifyingNotice.objects.filter(
        hospital_id=hospital_id, action_due_on__lte=until
    ).order_by("action_due_on", "patient_name", "id")


@dataclass(frozen=True)
class ActionDue:
    """One row of the dashboard's list: what is due for the patient, by when."""

    notice: QualifyingNotice
    first_information: bool
    due_on: date
    overdue: bool


def action_due(notice: QualifyingNotice, today: date) -> ActionDue:
    """What the dashboard says is due for a notice from `notices_needing_action`."""
    if notice.action_due_on is None:
        raise ValueError("Only a notice with something due can be listed as needing action.")
    if notice.information_due_by is not None and not notice.told_both_ways:
        return ActionDue(notice, True, notice.information_due_by, notice.information_due_by < today)
    return ActionDue(notice, False, notice.action_due_on, notice.action_due_on < today)


# The columns of a row of the dashboard's list, in the order `action_row` takes them.
ACTION_ROW_COLUMNS = (
    "pk",
    "patient_name",
    "ward__name",
    "information_due_by",
    "first_told_verbally_on",
    "first_given_in_writing_on",
    "next_reminder_reason",
    "action_due_on",
)


@dataclass(frozen=True, slots=True)
class DashboardHospital:
    """What the dashboard shows and works out from the person's own hospital."""

    pk: int
    name: str
    first_information_working_days: int
    due_soon_days: int


def dashboard_hospital(user: User) -> DashboardHospital:
    """The person's own hospital, as the dashboard needs it; 404 without one.

    Read with SQL kept per hospital (imha.core.kept_sql): loading the whole Hospital
    through the ORM cost more than the database took to answer. The settings are read
    afresh every time, so a change in the admin shows on the next view.
    """
    hospital_id = user.hospital_id
    if hospital_id is None:  # the database refuses this for hospital users; belt and braces
        raise Http404
    found = kept_rows(
        (__name__, "dashboard-hospital", hospital_id),
        lambda: (
            Hospital.objects.filter(pk=hospital_id)
            .order_by()
            .values_list("pk", "name", "first_information_working_days", "due_soon_days")
        ),
    )
    if not found:
        raise Http404
    return DashboardHospital(*found[0])


@dataclass(frozen=True)
class NeedingAction:
    """The dashboard's list of patients needing action: `rows` (tuples of
    `ACTION_ROW_COLUMNS`, for a KnownCountPaginator to page through) and their number."""

    rows: KeptPages
    total: int


def needing_action(hospital: DashboardHospital, today: date) -> NeedingAction:
    """`notices_needing_action` for the dashboard, as plain tuples, and counted.

    Making a QualifyingNotice and a Ward for every row cost more than the query (the page
    shows eight of their fields), and the ORM took longer to build the SQL of the count and
    of each page than the database took to answer, so that SQL is kept (imha.core.kept_sql).
    Both depend only on the hospital and the last day counted as due soon, which the keys
    name; the rows are read afresh on every view.
    """
    hospital_id, until = hospital.pk, _action_horizon(hospital, today)
    counted = kept_rows(
        (__name__, "needing-action-count", hospital_id, until),
        # Grouped by the one hospital, so that the count is a values_list query: no row
        # means no patients. Read from the `notice_action_due` index alone.
        lambda: (
            _needing_action(hospital_id, until)
            .order_by()
            .values("hospital_id")
            .annotate(total=Count("*"))
            .values_list("total")
        ),
    )
    return NeedingAction(
        rows=KeptPages(
            (__name__, "needing-action", hospital_id, until),
            lambda: _needing_action(hospital_id, until).values_list(*ACTION_ROW_COLUMNS),
        ),
        total=counted[0][0] if counted else 0,
    )


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One row of the dashboard's list as the page shows it: what `action_due` says, in words."""

    notice_id: int
    patient_name: str
    ward_name: str
    what: str
    due_on: date
    overdue: bool
    url: str


def action_row(values: tuple[Any, ...], today: date, notice_url: Callable[[int], str]) -> ActionRow:
    """The row for a tuple from `needing_action`, decided as `action_due` does."""
    (
        notice_id,
        patient_name,
        ward_name,
        information_due_by,
        told_verbally_on,
        given_in_writing_on,
        next_reminder_reason,
        action_due_on,
    ) = values
    if action_due_on is None:
        raise ValueError("Only a notice with something due can be listed as needing action.")
    if information_due_by is not None and (told_verbally_on is None or given_in_writing_on is None):
        due_on = information_due_by
        if told_verbally_on is not None:
            what = "Give them the information about IMHAs in writing"
        elif given_in_writing_on is not None:
            what = "Tell them about IMHAs verbally"
        else:
            what = "Tell them about IMHAs for the first time, verbally and in writing"
    else:
        due_on, what = action_due_on, next_reminder_reason
    return ActionRow(
        notice_id, patient_name, ward_name, what, due_on, due_on < today, notice_url(notice_id)
    )


@dataclass(frozen=True)
class WardActions:
    """How many patients on a ward are in the dashboard's list: overdue, or due soon."""

    name: str
    is_active: bool
    overdue: int
    due_soon: int


def actions_due_by_ward(hospital: Hospital, today: date) -> list[WardActions]:
    """The dashboard's list of patients needing action, counted by ward (wards with none
    left out): what the daily summary email says. One query."""
    until = today + timedelta(days=hospital.due_soon_days)
    rows = (
        QualifyingNotice.objects.filter(hospital=hospital, action_due_on__lte=until)
        .values("ward__name", "ward__is_active")
        .annotate(
            overdue=Count("pk", filter=Q(action_due_on__lt=today)),
            due_soon=Count("pk", filter=Q(action_due_on__gte=today)),
        )
        .order_by("ward__name")
    )
    return [
        WardActions(row["ward__name"], row["ward__is_active"], row["overdue"], row["due_soon"])
        for row in rows
    ]


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
    """Per hospital, how well the duty to inform is being met. Two queries, counted in the
    database: current figures from the hospitals' current patients, and the period's figures
    from the first-information tallies.

    The percentages cover patients who became qualifying in the period and whose deadline for
    first information has been reached, so patients still within their deadline are not
    counted as failures.
    """
    hospitals_sql, tallies_sql = _compliance_sql(connection.vendor, today, period_days)
    in_period = {
        hospital_id: _PeriodFigures(*figures) for hospital_id, *figures in fetch_rows(*tallies_sql)
    }
    rows = []
    for hospital_id, name, code, qualifying_now, first_overdue, overdue in fetch_rows(
        *hospitals_sql
    ):
        period = in_period.get(hospital_id, _PeriodFigures())
        rows.append(
            HospitalCompliance(
                hospital_id=hospital_id,
                name=name,
                code=code,
                qualifying_now=qualifying_now,
                became_qualifying=period.became,
                deadline_reached=period.deadline_reached,
                told_verbally_in_time=period.verbal,
                given_in_writing_in_time=period.written,
                first_information_overdue=first_overdue,
                reminders_overdue=overdue,
            )
        )
    return rows


@lru_cache(maxsize=16)
def _compliance_sql(
    vendor: str, today: date, period_days: int
) -> tuple[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...]]]:
    """The SQL of `compliance_by_hospital`'s two queries, built once a day (see
    `_ward_summaries_sql`)."""
    since = today - timedelta(days=period_days)
    hospitals = (
        Hospital.objects.filter(is_active=True)
        .annotate(current=FilteredRelation("notices", condition=_on("notices", CURRENT)))
        .annotate(
            qualifying_now=Count("current", filter=_on("current", QUALIFYING)),
            first_overdue=Count("current", filter=_on("current", first_information_overdue(today))),
            overdue=Count("current", filter=_on("current", reminder_overdue(today))),
        )
        .order_by("name")
        .values_list("pk", "name", "code", "qualifying_now", "first_overdue", "overdue")
    )
    deadline_reached = Q(information_due_by__lte=today)
    tallies = (
        FirstInformationTally.objects.filter(qualifying_since__gte=since)
        .order_by()
        .values("hospital_id")
        .annotate(
            became=Coalesce(Sum("patients"), 0),
            deadline_reached=Coalesce(Sum("patients", filter=deadline_reached), 0),
            verbal=Coalesce(Sum("told_verbally_in_time", filter=deadline_reached), 0),
            written=Coalesce(Sum("given_in_writing_in_time", filter=deadline_reached), 0),
        )
        # In _PeriodFigures' order, after the hospital.
        .values_list("hospital_id", "became", "deadline_reached", "verbal", "written")
    )
    return sql_of(hospitals), sql_of(tallies)


@dataclass(frozen=True)
class _PeriodFigures:
    """One hospital's sums from the first-information tallies for the period."""

    became: int = 0
    deadline_reached: int = 0
    verbal: int = 0
    written: int = 0


def reminder_digest_recipients(hospital: Hospital) -> list[str]:
    """The addresses of the hospital's active users, each once."""
    return list(
        User.objects.filter(role=Role.HOSPITAL, hospital=hospital, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def hospital_by_code(code: str) -> Hospital:
    return get_object_or_404(Hospital, code=code)
