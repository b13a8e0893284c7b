"""Actions on clients and cases. Each runs in one transaction and writes its audit entry.

Audit summaries name the record and what happened to it, never anything about the
person's health or what was said: the log is read more widely than case records.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from dataclasses import dataclass
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
from imha.cases.matching import normalised_name, normalised_nhs_number
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
    FirstLanguage,
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
    client, which staff can merge later (`merge_clients`), rather than attach a case to the
    wrong person.

    Records retired by a merge are never matched: their cases have moved to the record
    kept. The match is locked, as `merge_clients` locks the records it merges, so a case is
    never added to a record in the moment it is being retired: on PostgreSQL this waits for
    the merge and then sees the record as retired.
    """
    current = Client.objects.select_for_update().filter(merged_into__isnull=True)
    if referral.nhs_number:
        by_nhs_number = current.filter(nhs_number=referral.nhs_number).order_by("pk").first()
        if by_nhs_number is not None:
            return by_nhs_number, False
    if referral.date_of_birth is not None:
        by_name = list(
            current.filter(
                normalised_name=normalised_name(referral.first_name, referral.last_name),
                date_of_birth=referral.date_of_birth,
            ).order_by("pk")[:2]
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
    # Locked so that a merge retiring this record cannot finish in between: the case would
    # be left on a record nobody can open.
    current = Client.objects.select_for_update().filter(pk=client.pk, merged_into__isnull=True)
    if current.first() is None:
        raise CaseStateError("This record was merged into another. Open the case from that one.")
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
    *Client.EQUALITY_FIELDS,
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


# --- merging two records of the same person -------------------------------------------------


class MergeRefused(CaseStateError):
    """The two records may not be merged; the message says why, in words for the page."""


MERGE_INTO_ITSELF = "A record cannot be merged into itself. Enter the other record's number."
DIFFERENT_NHS_NUMBERS = (
    "These records have different NHS numbers, so they are about different people. If one "
    "of the NHS numbers is wrong, correct it on that record first."
)
DIFFERENT_DATES_OF_BIRTH = (
    "The dates of birth are different. Check these are the same person, then tick the box "
    "to say you have"
)

# How the confirmation page names each field it will fill.
MERGE_FIELD_LABELS = {
    "preferred_name": "name they like to be called",
    "date_of_birth": "date of birth",
    "nhs_number": "NHS number",
    "phone": "phone",
    "email": "email",
    "safe_to_leave_message": "safe to leave a message",
    "contact_notes": "how to contact them safely",
    "interpreter_language": "interpreter language",
    "communication_needs": "communication needs",
    "access_needs": "access needs",
    "sex": "sex",
    "gender_identity": "gender identity",
    "ethnicity": "ethnic group",
    "disability": "disability",
    "religion": "religion",
    "sexual_orientation": "sexual orientation",
    "first_language": "first language",
    "first_language_other": "which other first language",
}
# Copied from the record being retired when blank on the record kept: every field the
# confirmation page can name. Names are never blank (both are required), so the kept
# record's names always stay. `first_language_other` is not copied on its own: it goes with
# `first_language` (see `_fill_blanks`).
MERGE_FILLED_FIELDS = tuple(name for name in MERGE_FIELD_LABELS if name != "first_language_other")
# The equality questions' "Not known or not asked" is the blank answer: anything else,
# "Prefer not to say" included, is what the person told us, and fills it.
_NOT_KNOWN = "not_known"


def merge_refusal(keep: Client, duplicate: Client) -> str:
    """Why these two records may never be merged, or "" if they may.

    Different dates of birth are not here: a mistyped date is common, so staff may merge
    after checking (`dates_of_birth_differ`). Different NHS numbers are: each number is
    checked against its check digit when typed, so two of them mean two people, and a
    wrong one should be corrected on its record before anything is merged. Anonymised
    records are refused because nothing is left on them to check who they were.
    """
    if keep.pk == duplicate.pk:
        return MERGE_INTO_ITSELF
    for record in (duplicate, keep):
        if record.merged_into_id is not None:
            return (
                f"Client {record.pk} has already been merged into client "
                f"{record.merged_into_id}. Use that record instead."
            )
    for record in (duplicate, keep):
        if record.anonymised_at is not None:
            return (
                f"Client {record.pk}'s identifying details were removed under the retention "
                "policy, so it cannot be checked against another record or merged."
            )
    keep_nhs = normalised_nhs_number(keep.nhs_number)
    duplicate_nhs = normalised_nhs_number(duplicate.nhs_number)
    if keep_nhs and duplicate_nhs and keep_nhs != duplicate_nhs:
        return DIFFERENT_NHS_NUMBERS
    return ""


def dates_of_birth_differ(keep: Client, duplicate: Client) -> bool:
    # A date on one record only is not a difference: the blank is filled by the merge.
    return (
        keep.date_of_birth is not None
        and duplicate.date_of_birth is not None
        and keep.date_of_birth != duplicate.date_of_birth
    )


def _is_blank(client: Client, name: str) -> bool:
    value = getattr(client, name)
    return value is None or value in ("", []) or value == _NOT_KNOWN


def _fill_blanks(keep: Client, duplicate: Client) -> list[str]:
    """Copy to `keep` what only `duplicate` holds; returns the fields filled."""
    filled = []
    for name in MERGE_FILLED_FIELDS:
        if _is_blank(keep, name) and not _is_blank(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            filled.append(name)
    # "Which other language" only makes sense beside the answer "another language" it
    # explains, so it is taken only when both records give that answer.
    if (
        keep.first_language == FirstLanguage.OTHER
        and duplicate.first_language == FirstLanguage.OTHER
        and not keep.first_language_other
        and duplicate.first_language_other
    ):
        keep.first_language_other = duplicate.first_language_other
        filled.append("first_language_other")
    return filled


def merged_details(keep: Client, duplicate: Client) -> tuple[Client, list[str]]:
    """What `keep` would hold after a merge, and the fields filled, for the confirmation
    page; nothing is saved."""
    preview = copy.copy(keep)
    return preview, _fill_blanks(preview, duplicate)


@dataclass(frozen=True)
class MergedClients:
    kept: Client
    retired: Client
    moved_case_ids: list[int]
    filled_fields: list[str]


@transaction.atomic
def merge_clients(
    *,
    keep: Client,
    duplicate: Client,
    actor: User,
    same_person_confirmed: bool = False,
    request: HttpRequest | None = None,
) -> MergedClients:
    """Merge `duplicate` into `keep`: its cases move to `keep`, it fills the blanks on
    `keep`, and it is retired (`merged_into`, `merged_at`). Raises MergeRefused.

    Everything that points at a client is moved: today only `Case.client`, and
    tests/cases/test_merge_clients.py fails if another link to Client is added without
    being handled here. Earlier records retired into `duplicate` are pointed at `keep`, so
    following `merged_into` is always one step.
    """
    if keep.pk == duplicate.pk:
        raise MergeRefused(MERGE_INTO_ITSELF)
    # Both rows are locked lower ID first, whichever is kept, so two merges of the same
    # pair begun from opposite ends wait for each other rather than deadlock. The checks are
    # made again on the locked rows: the page's copies may be out of date.
    locked = {
        client.pk: client
        for client in Client.objects.select_for_update()
        .filter(pk__in=[keep.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise Client.DoesNotExist("One of the records to merge no longer exists.")
    kept, retired = locked[keep.pk], locked[duplicate.pk]
    if refusal := merge_refusal(kept, retired):
        raise MergeRefused(refusal)
    birth_dates_differed = dates_of_birth_differ(kept, retired)
    if birth_dates_differed and not same_person_confirmed:
        raise MergeRefused(DIFFERENT_DATES_OF_BIRTH)

    born_before = kept.date_of_birth
    filled = _fill_blanks(kept, retired)
    if filled:
        kept.save(update_fields=filled)
    now = timezone.now()
    moved = list(Case.objects.filter(client=retired).order_by("pk").values_list("pk", flat=True))
    Case.objects.filter(pk__in=moved).update(client=kept, updated_at=now)
    Client.objects.filter(merged_into=retired).update(merged_into=kept)
    retired.merged_into = kept
    retired.merged_at = now
    retired.save(update_fields=["merged_into", "merged_at"])
    if kept.date_of_birth != born_before or (moved and retired.date_of_birth != kept.date_of_birth):
        # Some case now counts the person's age from a different date of birth, and the
        # hospital managers' reference comes sooner for someone under 18.
        stored_deadlines.rebuild(
            kept.cases.filter(status__in=ACTIVE_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    checked = (
        ", dates of birth differed and were checked as the same person"
        if birth_dates_differed
        else ""
    )
    _record(
        actor,
        AuditAction.MERGE,
        "client",
        kept.pk,
        f"Client {retired.pk} merged into client {kept.pk}: {len(moved)} cases moved, "
        f"{len(filled)} blank details filled{checked}",
        request,
    )
    _record(
        actor,
        AuditAction.MERGE,
        "client",
        retired.pk,
        f"Client {retired.pk} merged into client {kept.pk} and retired",
        request,
    )
    for case_id in moved:
        _record(
            actor,
            AuditAction.UPDATE,
            "case",
            case_id,
            f"Case C{case_id:06d} moved from client {retired.pk} to client {kept.pk} "
            "(records merged)",
            request,
        )
    return MergedClients(kept=kept, retired=retired, moved_case_ids=moved, filled_fields=filled)


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
