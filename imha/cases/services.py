"""Actions on clients and cases. Each runs in one transaction and writes its audit entry.

Audit summaries name the record and what happened to it, never anything about the
person's health or what was said: the log is read more widely than case records.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.cases import deadlines, stored_deadlines
from imha.cases.attachments import check_attachment
from imha.cases.matching import normalised_name
from imha.cases.models import (
    ACTIVE_STATUSES,
    Activity,
    Attachment,
    CalendarFeed,
    Case,
    CaseIssue,
    CaseNote,
    CaseStatus,
    Client,
    IssueOutcome,
    IssueTopic,
    LegalStatusPeriod,
    RecordsRequest,
)
from imha.law import lookup
from imha.referrals.models import Referral, YesNo


class CaseStateError(Exception):
    """The action does not fit the case as it is now (for example, it is already closed)."""


def _record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object,
    summary: str,
    request: HttpRequest | None,
) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        request=request,
    )


def _apply(instance: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    changed = []
    for name in allowed:
        if name in fields and getattr(instance, name) != fields[name]:
            setattr(instance, name, fields[name])
            changed.append(name)
    return changed


# --- clients and cases opened from referrals ------------------------------------------------


def _nothing_to_store_until() -> date:
    # A new case has no legal status period, so no statutory dates: its (empty) stored
    # dates are complete, and caseloads need not work them out live.
    return stored_deadlines.stored_until(deadlines.local_today())


def client_for_referral(referral: Referral) -> tuple[Client, bool]:
    """The existing client this referral is about, or a new one; True if new.

    An NHS number is the surest match. Otherwise name and date of birth must both match
    exactly one client: two people can share a name, so anything looser makes a new
    client, which staff can merge later, rather than attach a case to the wrong person.
    """
    if referral.nhs_number:
        by_nhs_number = Client.objects.filter(nhs_number=referral.nhs_number).first()
        if by_nhs_number is not None:
            return by_nhs_number, False
    if referral.date_of_birth is not None:
        by_name = list(
            Client.objects.filter(
                normalised_name=normalised_name(referral.first_name, referral.last_name),
                date_of_birth=referral.date_of_birth,
            )[:2]
        )
        if len(by_name) == 1:
            return by_name[0], False
    client = Client.objects.create(
        first_name=referral.first_name,
        last_name=referral.last_name,
        preferred_name=referral.preferred_name,
        date_of_birth=referral.date_of_birth,
        nhs_number=referral.nhs_number,
        phone=referral.person_phone,
        email=referral.person_email,
        safe_to_leave_message=(
            None
            if not referral.safe_to_leave_message
            else referral.safe_to_leave_message == YesNo.YES
        ),
        contact_notes=referral.contact_notes,
        interpreter_language=referral.interpreter_language,
        communication_needs=list(referral.communication_needs),
        access_needs=referral.access_needs,
    )
    return client, True


@transaction.atomic
def open_case_from_referral(
    *, referral: Referral, actor: User | None, request: HttpRequest | None = None
) -> Case:
    """Open a case for an accepted referral, finding or creating its client.

    What the person wanted help with becomes the case's first issues, so the advocate starts
    from the referrer's words rather than retyping them.
    """
    client, created = client_for_referral(referral)
    if created:
        _record(
            actor,
            AuditAction.CREATE,
            "client",
            client.pk,
            f"Client created from referral {referral.reference}",
            request,
        )
    case = Case.objects.create(
        client=client,
        referral=referral,
        status=CaseStatus.OPEN,
        opened_at=timezone.now(),
        hospital=referral.hospital,
        ward=referral.ward,
        community_location="" if referral.hospital_id else referral.location_details,
        legal_status_code=referral.legal_status_code,
        deadlines_stored_until=_nothing_to_store_until(),
    )
    topics = [code for code in referral.help_with if code in IssueTopic.values]
    CaseIssue.objects.bulk_create(
        CaseIssue(
            case=case,
            topic=topic,
            description=referral.help_other if topic == IssueTopic.OTHER else "",
            created_by=actor,
        )
        for topic in topics
    )
    _record(
        actor,
        AuditAction.CREATE,
        "case",
        case.pk,
        f"Case opened from referral {referral.reference}",
        request,
    )
    return case


@transaction.atomic
def open_case_for_client(
    *, client: Client, actor: User, request: HttpRequest | None = None
) -> Case:
    """A new period of advocacy for someone the service has supported before."""
    case = Case.objects.create(
        client=client,
        status=CaseStatus.OPEN,
        opened_at=timezone.now(),
        deadlines_stored_until=_nothing_to_store_until(),
    )
    if actor.role == Role.ADVOCATE:
        case.allocated_advocate = actor
        case.allocated_at = case.opened_at
        case.save(update_fields=["allocated_advocate", "allocated_at"])
    _record(actor, AuditAction.CREATE, "case", case.pk, f"Case {case.reference} opened", request)
    return case


CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "phone",
    "email",
    "safe_to_leave_message",
    "contact_notes",
    "interpreter_language",
    "access_needs",
    "sex",
    "gender_identity",
    "ethnicity",
    "disability",
    "religion",
    "sexual_orientation",
    "first_language",
    "first_language_other",
)


@transaction.atomic
def update_client(
    *, client: Client, fields: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> Client:
    if client.anonymised_at is not None:
        raise CaseStateError("This person's details were removed under the retention policy.")
    changed = _apply(client, fields, CLIENT_FIELDS)
    if changed:
        client.save(update_fields=changed)
        if "date_of_birth" in changed:
            # The hospital managers' reference comes sooner for someone under 18.
            stored_deadlines.rebuild(
                client.cases.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True)
            )
        _record(
            actor,
            AuditAction.UPDATE,
            "client",
            client.pk,
            f"Client {client.pk} details changed ({len(changed)} fields)",
            request,
        )
    return client


def record_client_view(*, client: Client, actor: User, request: HttpRequest) -> None:
    _record(actor, AuditAction.VIEW, "client", client.pk, f"Viewed client {client.pk}", request)


def record_case_view(*, case: Case, actor: User, request: HttpRequest) -> None:
    _record(actor, AuditAction.VIEW, "case", case.pk, f"Viewed case {case.reference}", request)


# --- allocation and the case's own details ---------------------------------------------------


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def allocate_case(
    *, case: Case, advocate: User, actor: User, request: HttpRequest | None = None
) -> Case:
    if advocate.role != Role.ADVOCATE or not advocate.is_active:
        raise CaseStateError("Cases can only be allocated to an active advocate.")
    current = _locked(case)
    if current.status == CaseStatus.CLOSED:
        raise CaseStateError("This case is closed.")
    previous = current.allocated_advocate_id
    if previous == advocate.pk:
        return current
    current.allocated_advocate = advocate
    current.allocated_at = timezone.now()
    current.save(update_fields=["allocated_advocate", "allocated_at", "updated_at"])
    verb = "reallocated" if previous else "allocated"
    _record(
        actor,
        AuditAction.UPDATE,
        "case",
        current.pk,
        f"Case {current.reference} {verb} to {advocate.username}",
        request,
    )
    return current


CASE_DETAIL_FIELDS = ("hospital", "hospital_ward", "ward", "community_location", "status")


@transaction.atomic
def update_case_details(
    *, case: Case, fields: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> Case:
    current = _locked(case)
    if current.status == CaseStatus.CLOSED:
        raise CaseStateError("This case is closed.")
    if fields.get("status") == CaseStatus.CLOSED:
        raise CaseStateError("Close a case with its closing page, which asks why.")
    changed = _apply(current, fields, CASE_DETAIL_FIELDS)
    if changed:
        current.save(update_fields=[*changed, "updated_at"])
        _record(
            actor,
            AuditAction.UPDATE,
            "case",
            current.pk,
            f"Case {current.reference} details changed",
            request,
        )
    return current


@transaction.atomic
def close_case(
    *, case: Case, reason: str, note: str, actor: User, request: HttpRequest | None = None
) -> Case:
    current = _locked(case)
    if current.status == CaseStatus.CLOSED:
        raise CaseStateError("This case is already closed.")
    now = timezone.now()
    current.status = CaseStatus.CLOSED
    current.closed_at = now
    current.closure_reason = reason
    current.closure_note = note
    current.age_band_at_closure = current.client.age_band_on(timezone.localdate(now))
    current.save()
    # A closed case is on nobody's caseload, so its stored dates go.
    stored_deadlines.rebuild([current.pk])
    _record(
        actor, AuditAction.UPDATE, "case", current.pk, f"Case {current.reference} closed", request
    )
    return current


# --- legal status ----------------------------------------------------------------------------

PERIOD_FIELDS = (
    "status_code",
    "started_on",
    "started_at_time",
    "ended_on",
    "first_medication_on",
    "admitted_on",
    "tribunal_applied_in_first_six_months",
    "last_tribunal_consideration_on",
    "notes",
)


@transaction.atomic
def add_legal_status_period(
    *, case: Case, fields: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> LegalStatusPeriod:
    """Record a new status. A status still running that began earlier ends the day before,
    because a person is held under one status at a time."""
    current = _locked(case)
    period = LegalStatusPeriod(case=current, recorded_by=actor)
    _apply(period, {**fields, "status_code": lookup(fields["status_code"]).code}, PERIOD_FIELDS)
    period.save()
    if period.ended_on is None:
        earlier_running = current.legal_statuses.filter(
            ended_on__isnull=True, started_on__lt=period.started_on
        ).exclude(pk=period.pk)
        for earlier in earlier_running:
            earlier.ended_on = period.started_on - timedelta(days=1)
            earlier.save(update_fields=["ended_on"])
    _sync_case_status_code(current)
    stored_deadlines.rebuild([current.pk])
    _record(
        actor,
        AuditAction.CREATE,
        "legal_status_period",
        period.pk,
        f"Legal status recorded on case {current.reference}",
        request,
    )
    return period


@transaction.atomic
def end_legal_status_period(
    *, period: LegalStatusPeriod, ended_on: date, actor: User, request: HttpRequest | None = None
) -> LegalStatusPeriod:
    if ended_on < period.started_on:
        raise CaseStateError("The end date must be on or after the day it started.")
    period.ended_on = ended_on
    period.save(update_fields=["ended_on"])
    _sync_case_status_code(period.case)
    stored_deadlines.rebuild([period.case_id])
    _record(
        actor,
        AuditAction.UPDATE,
        "legal_status_period",
        period.pk,
        f"Legal status ended on case {period.case.reference}",
        request,
    )
    return period


def _sync_case_status_code(case: Case) -> None:
    running = case.legal_statuses.filter(ended_on__isnull=True).order_by("-started_on", "-id")
    newest = running.first()
    code = newest.status_code if newest else ""
    if case.legal_status_code != code:
        case.legal_status_code = code
        case.save(update_fields=["legal_status_code", "updated_at"])


# --- issues and outcomes ---------------------------------------------------------------------


@transaction.atomic
def add_issue(
    *,
    case: Case,
    topic: str,
    description: str,
    actor: User,
    request: HttpRequest | None = None,
) -> CaseIssue:
    issue = CaseIssue.objects.create(
        case=case, topic=topic, description=description, created_by=actor
    )
    _record(
        actor,
        AuditAction.CREATE,
        "case_issue",
        issue.pk,
        f"Issue added to case {case.reference}",
        request,
    )
    return issue


@transaction.atomic
def record_outcomes(
    *,
    issue: CaseIssue,
    outcomes: list[str],
    persons_words: str,
    status: str,
    actor: User,
    request: HttpRequest | None = None,
) -> CaseIssue:
    """Add the outcomes not already recorded for the issue and set its status. The person's
    words go with each new outcome, as that is what they were describing."""
    existing = set(issue.outcomes.values_list("outcome", flat=True))
    today = timezone.localdate()
    IssueOutcome.objects.bulk_create(
        IssueOutcome(
            issue=issue,
            outcome=outcome,
            persons_words=persons_words,
            recorded_on=today,
            recorded_by=actor,
        )
        for outcome in outcomes
        if outcome not in existing
    )
    if persons_words and not set(outcomes) - existing:
        # Only words, no new outcome: keep them with the newest outcome.
        newest = issue.outcomes.order_by("-recorded_on", "-id").first()
        if newest is not None:
            newest.persons_words = persons_words
            newest.save(update_fields=["persons_words"])
    issue.status = status
    issue.save(update_fields=["status", "updated_at"])
    _record(
        actor,
        AuditAction.UPDATE,
        "case_issue",
        issue.pk,
        f"Outcomes recorded on case {issue.case.reference}",
        request,
    )
    return issue


# --- activities, records requests, notes and attachments -------------------------------------

ACTIVITY_FIELDS = (
    "kind",
    "occurs_on",
    "starts_at_time",
    "duration_minutes",
    "with_whom",
    "notes",
    "outcome",
)


@transaction.atomic
def record_activity(
    *, case: Case, fields: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> Activity:
    # It goes in the diary of whoever records it if they are an advocate, else in the
    # allocated advocate's, so a manager can book a hearing for the advocate.
    diary_owner = actor if actor.role == Role.ADVOCATE else case.allocated_advocate
    activity = Activity(case=case, advocate=diary_owner, created_by=actor)
    _apply(activity, fields, ACTIVITY_FIELDS)
    activity.save()
    _record(
        actor,
        AuditAction.CREATE,
        "activity",
        activity.pk,
        f"Activity recorded on case {case.reference}",
        request,
    )
    return activity


@transaction.atomic
def update_activity(
    *, activity: Activity, fields: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> Activity:
    changed = _apply(activity, fields, ACTIVITY_FIELDS)
    if changed:
        activity.save(update_fields=[*changed, "updated_at"])
        _record(
            actor,
            AuditAction.UPDATE,
            "activity",
            activity.pk,
            f"Activity changed on case {activity.case.reference}",
            request,
        )
    return activity


RECORDS_REQUEST_FIELDS = (
    "records",
    "holder",
    "basis",
    "holder_decision",
    "asked_on",
    "received_on",
    "status",
    "notes",
)


@transaction.atomic
def save_records_request(
    *,
    case: Case,
    fields: dict[str, Any],
    actor: User,
    existing: RecordsRequest | None = None,
    request: HttpRequest | None = None,
) -> RecordsRequest:
    records_request = existing or RecordsRequest(case=case, created_by=actor)
    changed = _apply(records_request, fields, RECORDS_REQUEST_FIELDS)
    if existing is None or changed:
        records_request.save()
        _record(
            actor,
            AuditAction.UPDATE if existing else AuditAction.CREATE,
            "records_request",
            records_request.pk,
            f"Records request {'changed' if existing else 'recorded'} on case {case.reference}",
            request,
        )
    return records_request


@transaction.atomic
def add_note(*, case: Case, text: str, actor: User, request: HttpRequest | None = None) -> CaseNote:
    note = CaseNote.objects.create(case=case, text=text, author=actor)
    _record(
        actor,
        AuditAction.CREATE,
        "case_note",
        note.pk,
        f"Note added to case {case.reference}",
        request,
    )
    return note


@transaction.atomic
def add_attachment(
    *,
    case: Case,
    upload: UploadedFile,
    description: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Attachment:
    """Store a checked file under a random name; raises ValidationError if it is refused."""
    checked = check_attachment(upload)
    attachment = Attachment(
        case=case,
        kind=checked.kind,
        original_name=checked.display_name,
        size_bytes=checked.size_bytes,
        description=description,
        uploaded_by=actor,
    )
    attachment.file.save(checked.display_name, upload, save=False)
    # If the row cannot be saved the file must not linger, unreferenced, on disk.
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    _record(
        actor,
        AuditAction.CREATE,
        "attachment",
        attachment.pk,
        f"File attached to case {case.reference}",
        request,
    )
    return attachment


def record_attachment_download(
    *, attachment: Attachment, actor: User, request: HttpRequest
) -> None:
    _record(
        actor,
        AuditAction.VIEW,
        "attachment",
        attachment.pk,
        f"Downloaded a file from case {attachment.case.reference}",
        request,
    )


# --- calendar feeds --------------------------------------------------------------------------

# 32 random bytes, as URL-safe text.
FEED_TOKEN_BYTES = 32


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_calendar_feed(*, user: User, request: HttpRequest | None = None) -> str:
    """Make a new private feed address for the user, replacing any old one; returns the
    token, which is shown once and never stored."""
    token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": feed_token_hash(token), "last_used_at": None}
    )
    _record(
        user, AuditAction.CREATE, "calendar_feed", user.pk, "Calendar feed address made", request
    )
    return token


@transaction.atomic
def revoke_calendar_feed(*, user: User, request: HttpRequest | None = None) -> bool:
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    if deleted:
        _record(
            user, AuditAction.DELETE, "calendar_feed", user.pk, "Calendar feed turned off", request
        )
    return bool(deleted)
