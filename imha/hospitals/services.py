"""Actions that change hospital records. Each runs in one transaction with its audit entry.

Audit summaries say what kind of thing happened, never the patient's name or status: the
audit log is read more widely than the records themselves.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from imha.accounts.models import User
from imha.audit.models import AuditAction
from imha.audit.services import record
from imha.hospitals import selectors
from imha.hospitals.emails import reminder_digest_messages
from imha.hospitals.models import (
    TRACKED,
    AutomaticReferral,
    DigestStatus,
    Hospital,
    InformationGiven,
    QualifyingNotice,
    ReminderDigest,
    StatusChange,
    Ward,
)
from imha.hospitals.reminders import (
    ReminderPolicy,
    ScheduledReminder,
    information_due_by,
    next_reminder,
    reminder_schedule,
)
from imha.hospitals.signals import automatic_referral_requested
from imha.hospitals.tallies import contribution, record_change, record_changes
from imha.hospitals.written_information import render_pdf, written_text_for
from imha.law import Circumstances, Decision, Jurisdiction, assess, lookup
from imha.law.serialise import decision_as_dict

logger = logging.getLogger(__name__)

NOTICE = "qualifying_notice"


def service_jurisdiction() -> Jurisdiction:
    return Jurisdiction.parse(str(settings.IMHA_SERVICE["jurisdiction"]))


def assess_status(status: str) -> Decision:
    """What the rules engine says about a status for a hospital in the service's nation."""
    return assess(Circumstances(jurisdiction=service_jurisdiction(), status=status))


def reminder_policy(hospital: Hospital) -> ReminderPolicy:
    return ReminderPolicy(
        interval_weeks=hospital.reminder_interval_weeks,
        before_period_ends=hospital.remind_before_period_ends,
        when_tribunal_window_opens=hospital.remind_when_tribunal_window_opens,
        on_status_change=hospital.remind_on_status_change,
        first_information_working_days=hospital.first_information_working_days,
        region=service_jurisdiction().value,
    )


def schedule_for(
    notice: QualifyingNotice, hospital: Hospital | None = None
) -> list[ScheduledReminder]:
    """The notice's full reminder schedule under its hospital's current policy."""
    hospital = hospital or notice.hospital
    return reminder_schedule(
        status=notice.status,
        started_on=notice.status_started_on,
        qualifies=notice.qualifies,
        policy=reminder_policy(hospital),
        # The patient qualified before this status began, so they were already told once.
        status_changed=notice.qualifying_since is not None
        and notice.qualifying_since < notice.status_started_on,
        discharged_on=notice.discharged_on,
    )


def refresh_tracking(notice: QualifyingNotice, hospital: Hospital | None = None) -> None:
    """Bring the copied dates (deadline for first information, next reminder, when the next
    action is due) up to date.

    Does not save: callers save with the rest of their change (and its tally change).
    """
    hospital = hospital or notice.hospital
    policy = reminder_policy(hospital)
    notice.information_due_by = (
        information_due_by(notice.qualifying_since, policy) if notice.qualifying_since else None
    )
    upcoming = next_reminder(schedule_for(notice, hospital), notice.last_informed_on)
    if notice.is_tracked and upcoming is not None:
        notice.next_reminder_on = upcoming.due_on
        notice.next_reminder_reason = upcoming.reason[:200]
    else:
        notice.next_reminder_on = None
        notice.next_reminder_reason = ""
    notice.action_due_on = action_due_on(notice)


def action_due_on(notice: QualifyingNotice) -> date | None:
    """When the next thing is due for the patient: first telling them, while they have not
    been told both verbally and in writing, otherwise their next reminder."""
    if not notice.is_tracked:
        return None
    if notice.information_due_by is not None and not notice.told_both_ways:
        return notice.information_due_by
    return notice.next_reminder_on


TRACKING_FIELDS = [
    "information_due_by",
    "next_reminder_on",
    "next_reminder_reason",
    "action_due_on",
    "updated_at",
]


@dataclass(frozen=True)
class NoticeDetails:
    """What a hospital records about a patient becoming (possibly) qualifying."""

    patient_name: str
    status: str
    started_on: date
    ward: Ward
    responsible_clinician: str
    hospital_number: str = ""
    nhs_number: str = ""
    date_of_birth: date | None = None
    declined_referral: bool = False


@transaction.atomic
def create_notice(
    *, hospital: Hospital, details: NoticeDetails, actor: User, request: HttpRequest | None = None
) -> QualifyingNotice:
    """Record a patient, ask the rules engine about their status, and start tracking.

    If the hospital has automatic referral on and the patient qualifies and has not said no,
    `automatic_referral_requested` is sent once the transaction commits.
    """
    if details.ward.hospital_id != hospital.pk:
        raise ValueError("The ward must belong to the hospital.")
    section = lookup(details.status)
    decision = assess_status(section.code)
    referral = AutomaticReferral.NOT_APPLICABLE
    if decision.qualifies and hospital.automatic_referral_enabled:
        referral = (
            AutomaticReferral.DECLINED if details.declined_referral else AutomaticReferral.REQUESTED
        )
    notice = QualifyingNotice(
        hospital=hospital,
        ward=details.ward,
        patient_name=details.patient_name.strip(),
        hospital_number=details.hospital_number.strip(),
        nhs_number=details.nhs_number,
        date_of_birth=details.date_of_birth,
        responsible_clinician=details.responsible_clinician.strip(),
        status=section.code,
        status_started_on=details.started_on,
        created_by=actor,
        automatic_referral=referral,
        automatic_referral_requested_at=timezone.now()
        if referral == AutomaticReferral.REQUESTED
        else None,
        **_decision_fields(decision),
    )
    if decision.qualifies:
        notice.qualifying_since = details.started_on
    refresh_tracking(notice, hospital)
    notice.save()
    record_change(None, contribution(notice))
    StatusChange.objects.create(
        notice=notice,
        status=section.code,
        started_on=details.started_on,
        qualifies=decision.qualifies,
        decision=notice.decision,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=NOTICE,
        object_id=notice.pk,
        summary="Recorded a patient for the duty to inform"
        + ("; automatic referral requested" if referral == AutomaticReferral.REQUESTED else ""),
        request=request,
    )
    if referral == AutomaticReferral.REQUESTED:
        transaction.on_commit(lambda: _send_automatic_referral(notice))
    return notice


def _send_automatic_referral(notice: QualifyingNotice) -> None:
    # send_robust: the notice is already saved, so a failing receiver must not turn the
    # hospital's successful save into an error page (which invites a duplicate resubmission).
    for receiver, result in automatic_referral_requested.send_robust(
        sender=QualifyingNotice, notice=notice
    ):
        if isinstance(result, Exception):
            logger.error(
                "Automatic referral receiver %r failed for notice %s",
                receiver,
                notice.pk,
                exc_info=result,
            )


def _decision_fields(decision: Decision) -> dict[str, object]:
    duty = decision.duty_to_inform
    return {
        "qualifies": decision.qualifies,
        "eligibility_category": decision.category.value,
        "duty_holder": duty.holder[:300] if duty else "",
        "decision": decision_as_dict(decision),
    }


@transaction.atomic
def change_status(
    notice: QualifyingNotice,
    *,
    status: str,
    started_on: date,
    actor: User,
    request: HttpRequest | None = None,
) -> StatusChange:
    """Move the patient onto a new status; the old one stays in the history."""
    notice = (
        QualifyingNotice.objects.select_for_update().select_related("hospital").get(pk=notice.pk)
    )
    if started_on < notice.status_started_on:
        raise ValueError("A new status cannot start before the current one.")
    before = contribution(notice)
    section = lookup(status)
    decision = assess_status(section.code)
    notice.status = section.code
    notice.status_started_on = started_on
    for field, value in _decision_fields(decision).items():
        setattr(notice, field, value)
    if decision.qualifies and notice.qualifying_since is None:
        notice.qualifying_since = started_on
    refresh_tracking(notice)
    notice.save()
    record_change(before, contribution(notice))
    change = StatusChange.objects.create(
        notice=notice,
        status=section.code,
        started_on=started_on,
        qualifies=decision.qualifies,
        decision=notice.decision,
        recorded_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=NOTICE,
        object_id=notice.pk,
        summary="Recorded a change of status",
        request=request,
    )
    return change


@dataclass(frozen=True)
class InformationDetails:
    given_on: date
    method: str
    given_by: str
    understood: str
    wants_advocate: str
    large_print: bool = False


@transaction.atomic
def record_information(
    notice: QualifyingNotice,
    *,
    details: InformationDetails,
    actor: User,
    request: HttpRequest | None = None,
) -> InformationGiven:
    """Log that the patient was told about IMHAs; in writing also makes the PDF they were given."""
    notice = (
        QualifyingNotice.objects.select_for_update().select_related("hospital").get(pk=notice.pk)
    )
    before = contribution(notice)
    entry = InformationGiven(
        notice=notice,
        given_on=details.given_on,
        method=details.method,
        given_by=details.given_by.strip(),
        understood=details.understood,
        wants_advocate=details.wants_advocate,
        large_print=details.large_print and details.method != "verbal",
        recorded_by=actor,
    )
    if entry.given_in_writing:
        pdf = render_pdf(
            written_text_for(notice),
            large_print=entry.large_print,
            service_name=str(settings.IMHA_SERVICE["name"]),
        )
        # The file name carries no patient details; the random part stops guessing.
        name = f"written-information-{details.given_on:%Y%m%d}-{secrets.token_hex(8)}.pdf"
        entry.written_information.save(name, ContentFile(pdf), save=False)
    try:
        entry.save()
    except Exception:
        # A file on disk is not rolled back with the database; do not leave it orphaned.
        if entry.written_information:
            entry.written_information.delete(save=False)
        raise
    if entry.told_verbally and (
        notice.first_told_verbally_on is None or details.given_on < notice.first_told_verbally_on
    ):
        notice.first_told_verbally_on = details.given_on
    if entry.given_in_writing and (
        notice.first_given_in_writing_on is None
        or details.given_on < notice.first_given_in_writing_on
    ):
        notice.first_given_in_writing_on = details.given_on
    if notice.last_informed_on is None or details.given_on > notice.last_informed_on:
        notice.last_informed_on = details.given_on
    refresh_tracking(notice)
    notice.save()
    record_change(before, contribution(notice))
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="duty_to_inform_entry",
        object_id=entry.pk,
        summary=f"Recorded information given for notice {notice.pk}",
        request=request,
    )
    return entry


@transaction.atomic
def record_discharge(
    notice: QualifyingNotice,
    *,
    discharged_on: date,
    actor: User,
    request: HttpRequest | None = None,
) -> QualifyingNotice:
    """The patient has left the hospital's care: reminders stop from this date."""
    notice = (
        QualifyingNotice.objects.select_for_update().select_related("hospital").get(pk=notice.pk)
    )
    if discharged_on < notice.status_started_on:
        raise ValueError("Discharge cannot be before the current status started.")
    before = contribution(notice)
    notice.discharged_on = discharged_on
    refresh_tracking(notice)
    notice.save()
    record_change(before, contribution(notice))
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=NOTICE,
        object_id=notice.pk,
        summary="Recorded discharge",
        request=request,
    )
    return notice


@transaction.atomic
def recalculate_reminders(
    hospital: Hospital, *, actor: User | None, request: HttpRequest | None = None
) -> int:
    """Re-work every open notice's dates after the hospital's reminder settings change."""
    notices = list(QualifyingNotice.objects.select_for_update().filter(TRACKED, hospital=hospital))
    changes = []
    for notice in notices:
        before = contribution(notice)
        refresh_tracking(notice, hospital)
        notice.updated_at = timezone.now()
        changes.append((before, contribution(notice)))
    QualifyingNotice.objects.bulk_update(notices, TRACKING_FIELDS, batch_size=500)
    # A new working-day target moves deadlines, and with them the tally rows.
    record_changes(changes)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="hospital",
        object_id=hospital.pk,
        summary=f"Reminder dates recalculated for {len(notices)} patients",
        request=request,
    )
    return len(notices)


def record_notice_viewed(notice: QualifyingNotice, *, actor: User, request: HttpRequest) -> None:
    record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=NOTICE,
        object_id=notice.pk,
        request=request,
    )


def record_written_information_downloaded(
    entry: InformationGiven, *, actor: User, request: HttpRequest
) -> None:
    record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="duty_to_inform_entry",
        object_id=entry.pk,
        summary="Downloaded written information",
        request=request,
    )


# --- the daily reminder summary -------------------------------------------------------------


class DigestOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    ALREADY_SENT = "already_sent"
    NOTHING_DUE = "nothing_due"
    NO_RECIPIENTS = "no_recipients"
    SWITCHED_OFF = "switched_off"


def send_reminder_digest(hospital: Hospital, day: date) -> DigestOutcome:
    """Email the hospital's active users how many patients on each ward need telling or
    reminding (the dashboard's list, counted), at most once a day, and only when something
    is overdue or due soon.

    Today's `ReminderDigest` row is the claim: it is committed before anything is sent, and
    its unique constraint means a second run (even at the same moment) finds it and sends
    nothing. So a send that fails is not tried again that day; it is logged and marked on the
    row, and the next day's summary counts whatever is still due. Call it outside any
    transaction, so the claim commits first.
    """
    if not (hospital.is_active and hospital.reminder_digest_enabled):
        return DigestOutcome.SWITCHED_OFF
    if ReminderDigest.objects.filter(hospital=hospital, day=day).exists():
        return DigestOutcome.ALREADY_SENT
    recipients = selectors.reminder_digest_recipients(hospital)
    if not recipients:
        return DigestOutcome.NO_RECIPIENTS
    wards = selectors.actions_due_by_ward(hospital, day)
    if not wards:
        return DigestOutcome.NOTHING_DUE
    try:
        with transaction.atomic():
            digest = ReminderDigest.objects.create(
                hospital=hospital, day=day, recipients=len(recipients)
            )
    except IntegrityError:
        return DigestOutcome.ALREADY_SENT
    try:
        # One connection for all the copies; they succeed or fail together in practice.
        with mail.mailers.default as mailer:
            mailer.send_messages(reminder_digest_messages(hospital, wards, day, recipients))
    except Exception as error:
        # Whatever went wrong in the mail system, the claim stays, so nobody gets two.
        logger.exception("The reminder summary for hospital %s could not be sent", hospital.pk)
        digest.status = DigestStatus.FAILED
        digest.last_error = f"{type(error).__name__}: {error}"[:300]
        summary = f"Daily reminder summary could not be sent to {len(recipients)} hospital users"
    else:
        digest.status = DigestStatus.SENT
        digest.sent_at = timezone.now()
        summary = (
            f"Daily reminder summary (counts only) emailed to {len(recipients)} hospital users"
        )
    with transaction.atomic():
        digest.save(update_fields=["status", "last_error", "sent_at"])
        record(
            actor=None,
            action=AuditAction.EXPORT,
            object_type="hospital",
            object_id=hospital.pk,
            summary=summary,
        )
    return DigestOutcome(digest.status)


def send_reminder_digests(day: date | None = None) -> dict[str, int]:
    """Send the day's reminder summary for every active hospital; how many ended each way."""
    day = day or timezone.localdate()
    outcomes = {outcome.value: 0 for outcome in DigestOutcome}
    for hospital in Hospital.objects.filter(is_active=True).order_by("pk"):
        outcomes[send_reminder_digest(hospital, day).value] += 1
    return outcomes
