"""Everything the service holds about one person, for a subject access request.

Article 15 of the UK GDPR gives a person the right to a copy of their personal data. This
module gathers it from every place it is kept and produces two files: a JSON file that is
the complete record, and a PDF that summarises it in plain English for the person to read.

Where the data comes from:
- the client record, including the equality monitoring answers;
- each case, with its legal status periods, issues and outcomes (with the person's own
  words), activities, records requests, notes and file details (not the files themselves:
  the export lists them so the member of staff sending it can add copies);
- the referrals that opened the cases, and any other referral that matches the person by
  NHS number or by name and date of birth, using the same rules as the duplicate check
  (`imha.referrals.selectors.person_match`);
- hospital duty-to-inform records matching the person the same way, with their status
  history and each time the person was told about the service;
- the audit log entries about all of the records above.

Records merged into this one (`Client.merged_into`, see `services.merge_clients`) are the
same person: their cases have moved here already, and each retired record is exported as
it was left ("merged_records"), its referrals, hospital records and audit entries found the
same way as this record's. Asked for a retired record, the export is of the record it was
merged into, so every route reaches the whole of the person's data.

Staff in the export: each record and each audit entry says which member of staff made or
read it, by name (the account's username when no name is set) and role, with the date. The
person has a right to know who has handled their information, and staff were acting in
their work role, so names are given rather than withheld. The audit log's network addresses
and hashes are left out: they describe staff computers and the log's own security, not the
person. Whoever sends the export still reads it first for details of other people (a
referrer's name, say), which the law may allow them to hold back.

Everything is ordered by date and then by ID, so two exports of unchanged data are the same
byte for byte. Dates and times are ISO 8601 (times in UTC); every coded answer is given as
both its stored value and its label.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from imha.accounts.models import Role, User
from imha.audit import services as audit
from imha.audit.models import AuditAction, AuditEvent
from imha.cases.matching import normalised_name, normalised_nhs_number
from imha.cases.models import (
    Activity,
    Attachment,
    Case,
    CaseIssue,
    CaseNote,
    Client,
    IssueOutcome,
    LegalStatusPeriod,
    RecordsRequest,
    status_title,
)
from imha.cases.retention import retention_days
from imha.hospitals.models import InformationGiven, QualifyingNotice, StatusChange
from imha.hospitals.written_information import UNICODE_FONT, UNICODE_FONT_BOLD
from imha.referrals.models import (
    ELIGIBILITY_LABELS,
    CommunicationNeed,
    HelpTopic,
    OutgoingEmail,
    Referral,
)
from imha.referrals.selectors import person_match

# fpdf2 hands font subsetting to fontTools, which logs every glyph at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FORMAT_VERSION = 1

# Fields that are a technical copy of something already in the export, or a random value
# with no meaning to the person; listing them would only confuse. (The stored statutory
# dates, `CaseDeadline`, are likewise worked out from the legal status periods exported.)
_NOT_EXPORTED = {"normalised_name", "submission_token", "deadlines_stored_until"}

# Stored lists of codes, turned into value and label pairs like every other coded answer.
_CODE_LISTS: dict[str, type[models.TextChoices]] = {
    "communication_needs": CommunicationNeed,
    "help_with": HelpTopic,
}

# Linked rows shown by one of their own fields rather than by an ID.
_NAMED_BY_TEXT = {
    "referrals.Referral": "reference",
    "hospitals.Hospital": "name",
    "hospitals.Ward": "name",
}
# Stored codes of the rules engine's eligibility categories, given a label like any choice.
_CODE_LABELS = {"eligibility_category": ELIGIBILITY_LABELS}

# Audit log object types, each with the records of that type found for the person.
_AUDITED_TYPES = {
    "client": "Your client record",
    "case": "Case",
    "legal_status_period": "Legal status record",
    "case_issue": "Issue",
    "activity": "Activity",
    "records_request": "Records request",
    "case_note": "Note",
    "attachment": "File",
    "referral": "Referral",
    "qualifying_notice": "Hospital record",
    "duty_to_inform_entry": "Record of being told about the service",
}


# --- turning rows into plain values -------------------------------------------------------------


def _iso(value: date | datetime | time) -> str:
    if isinstance(value, datetime):
        # UTC whatever the database hands back, so SQLite and PostgreSQL export the same.
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def _choice(value: str, choices: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    labels = {str(key): str(label) for key, label in choices}
    return {"value": value, "label": labels.get(value, "")}


class _Collector:
    """Builds the export, remembering staff accounts so each is read from the database once."""

    def __init__(self) -> None:
        self._users: dict[int, User | None] = {}
        self._names: dict[tuple[str, Any], str | None] = {}

    def user(self, user_id: int | None) -> User | None:
        if user_id is None:
            return None
        if user_id not in self._users:
            self._users[user_id] = User.objects.filter(pk=user_id).first()
        return self._users[user_id]

    def staff(self, user_id: int | None, *, username: str = "", role: str = "") -> Any:
        """Who a member of staff is, as the person should see it: name and role."""
        user = self.user(user_id)
        if user is None and not username:
            return None
        name = (user.get_full_name() or user.username) if user is not None else username
        return {"name": name, "role": _choice(role or (user.role if user else ""), Role.choices)}

    def fields(self, row: models.Model, *, leave_out: Iterable[str] = ()) -> dict[str, Any]:
        """Every stored field of a row, as JSON-ready values, in the model's field order."""
        skipped = _NOT_EXPORTED | set(leave_out)
        result: dict[str, Any] = {}
        for field in row._meta.concrete_fields:
            if field.name in skipped or isinstance(field, models.FileField):
                continue
            result[field.name] = self.value(row, field)
        return result

    def value(self, row: models.Model, field: models.Field[Any, Any]) -> Any:
        raw = getattr(row, field.attname)
        if raw is None:
            return None
        if field.is_relation:
            return self.related(field, raw)
        if field.choices:
            return _choice(str(raw), field.flatchoices)
        if field.name in _CODE_LABELS:
            return _choice(str(raw), _CODE_LABELS[field.name].items())
        if field.name in _CODE_LISTS and isinstance(raw, list):
            return [_choice(str(code), _CODE_LISTS[field.name].choices) for code in raw]
        if isinstance(raw, date | datetime | time):
            return _iso(raw)
        return raw

    def related(self, field: models.Field[Any, Any], raw_id: Any) -> Any:
        """A linked row as the person would recognise it: staff by name, a case or referral
        by its reference, a hospital or ward by its name."""
        target = field.related_model
        if target is User:
            return self.staff(raw_id)
        if target is Case:
            return f"C{raw_id:06d}"
        if not isinstance(target, type) or target._meta.label not in _NAMED_BY_TEXT:
            return raw_id
        key = (target._meta.label, raw_id)
        if key not in self._names:
            found = target._default_manager.filter(pk=raw_id).first()
            self._names[key] = (
                None if found is None else getattr(found, _NAMED_BY_TEXT[target._meta.label])
            )
        return self._names[key]


# --- gathering --------------------------------------------------------------------------------


def _by_date(rows: models.QuerySet[Any], *fields: str) -> models.QuerySet[Any]:
    # Nullable fields sort first on both databases (SQLite and PostgreSQL disagree by
    # default), and the ID breaks ties, so the order never changes between runs.
    return rows.order_by(*[F(name).asc(nulls_first=True) for name in fields], "pk")


def _case_data(collect: _Collector, case: Case) -> dict[str, Any]:
    data = {
        "reference": case.reference,
        **collect.fields(case, leave_out=["client"]),
        "legal_status_title": case.legal_status_title,
    }
    data["legal_status_periods"] = [
        {**collect.fields(period, leave_out=["case"]), "title": period.title}
        for period in _by_date(LegalStatusPeriod.objects.filter(case=case), "started_on")
    ]
    data["issues"] = [
        {
            **collect.fields(issue, leave_out=["case"]),
            "outcomes": [
                collect.fields(outcome, leave_out=["issue"])
                for outcome in _by_date(IssueOutcome.objects.filter(issue=issue), "recorded_on")
            ],
        }
        for issue in _by_date(CaseIssue.objects.filter(case=case), "created_at")
    ]
    data["activities"] = [
        collect.fields(activity, leave_out=["case"])
        for activity in _by_date(Activity.objects.filter(case=case), "occurs_on", "starts_at_time")
    ]
    data["records_requests"] = [
        collect.fields(request, leave_out=["case"])
        for request in _by_date(RecordsRequest.objects.filter(case=case), "asked_on")
    ]
    data["notes"] = [
        collect.fields(note, leave_out=["case"])
        for note in _by_date(CaseNote.objects.filter(case=case), "created_at")
    ]
    data["attachments"] = [
        {
            **collect.fields(attachment, leave_out=["case"]),
            "download_path": reverse("cases:attachment_download", args=[case.pk, attachment.pk]),
        }
        for attachment in _by_date(Attachment.objects.filter(case=case), "uploaded_at")
    ]
    return data


def _add_reason(found: list[str], reason: str) -> None:
    # Two merged records often share a detail; each reason is given once.
    if reason not in found:
        found.append(reason)


def _matching_referrals(
    people: list[Client], cases: list[Case]
) -> list[tuple[Referral, list[str]]]:
    """Referrals that opened one of the cases, or that match any record of the person
    (the current one and any merged into it); with the reasons."""
    reasons: dict[int, list[str]] = {}
    for case in cases:
        if case.referral_id is not None:
            reasons.setdefault(case.referral_id, []).append(f"Opened case {case.reference}")
    for client in people:
        digits = normalised_nhs_number(client.nhs_number)
        match = person_match(
            "normalised_name", client.normalised_name, client.date_of_birth, digits
        )
        if match is None:
            continue
        for referral in Referral.objects.filter(match).only(
            "pk", "nhs_number", "normalised_name", "date_of_birth"
        ):
            found = reasons.setdefault(referral.pk, [])
            if digits and referral.nhs_number == digits:
                _add_reason(found, "Same NHS number")
            if (
                client.date_of_birth is not None
                and referral.normalised_name == client.normalised_name
                and referral.date_of_birth == client.date_of_birth
            ):
                _add_reason(found, "Same name and date of birth")
    referrals = _by_date(Referral.objects.filter(pk__in=reasons), "received_at")
    return [(referral, reasons[referral.pk]) for referral in referrals]


def _referral_data(collect: _Collector, referral: Referral, reasons: list[str]) -> dict[str, Any]:
    data = {"found_because": reasons, **collect.fields(referral)}
    data["emails"] = [
        collect.fields(email, leave_out=["referral", "last_error", "next_attempt_at"])
        for email in _by_date(OutgoingEmail.objects.filter(referral=referral), "created_at")
    ]
    return data


def _matching_notices(people: list[Client]) -> list[tuple[QualifyingNotice, list[str]]]:
    """Hospital records for the person, matching any of their records. The hospital types
    the whole name in one box, so it is normalised the same way as a client's first and
    last name and compared."""
    identities = [
        (normalised_nhs_number(client.nhs_number), client.normalised_name, client.date_of_birth)
        for client in people
    ]
    conditions = Q()
    for digits, name, born in identities:
        if digits:
            conditions |= Q(nhs_number=digits)
        if born is not None and name:
            conditions |= Q(date_of_birth=born)
    if not conditions:
        return []
    found = []
    for notice in _by_date(QualifyingNotice.objects.filter(conditions), "created_at"):
        reasons: list[str] = []
        for digits, name, born in identities:
            if digits and notice.nhs_number == digits:
                _add_reason(reasons, "Same NHS number")
            if (
                born is not None
                and notice.date_of_birth == born
                and normalised_name(notice.patient_name, "") == name
            ):
                _add_reason(reasons, "Same name and date of birth")
        if reasons:
            found.append((notice, reasons))
    return found


def _notice_data(
    collect: _Collector, notice: QualifyingNotice, reasons: list[str]
) -> dict[str, Any]:
    data = {"found_because": reasons, **collect.fields(notice), "status_title": notice.status_title}
    data["status_history"] = [
        {**collect.fields(change, leave_out=["notice"]), "title": status_title(change.status)}
        for change in _by_date(StatusChange.objects.filter(notice=notice), "started_on")
    ]
    data["information_given"] = [
        {
            **collect.fields(entry, leave_out=["notice"]),
            "written_information_file": (
                PurePosixPath(entry.written_information.name).name
                if entry.written_information
                else None
            ),
        }
        for entry in _by_date(InformationGiven.objects.filter(notice=notice), "given_on")
    ]
    return data


def _audit_data(
    collect: _Collector, ids: dict[str, list[int]], names: dict[tuple[str, str], str]
) -> list[dict[str, Any]]:
    conditions = Q()
    for object_type, pks in ids.items():
        if pks:
            conditions |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    if not conditions:
        return []
    entries = []
    for event in AuditEvent.objects.filter(conditions).order_by("pk"):
        entries.append(
            {
                "id": event.pk,
                "occurred_at": _iso(event.occurred_at),
                "action": _choice(event.action, AuditAction.choices),
                "record": {
                    "type": event.object_type,
                    "id": event.object_id,
                    "description": names.get((event.object_type, event.object_id), ""),
                },
                "summary": event.summary,
                "by": collect.staff(
                    event.actor_id, username=event.actor_username, role=event.actor_role
                ),
            }
        )
    return entries


def current_record(client: Client) -> Client:
    """The record in use for this person, fresh from the database: the client itself, or
    the one a retired record was merged into."""
    current = Client.objects.get(pk=client.pk)
    seen = {current.pk}
    # `merge_clients` keeps this one step; the loop guards against rows changed by hand.
    while current.merged_into_id is not None and current.merged_into_id not in seen:
        current = Client.objects.get(pk=current.merged_into_id)
        seen.add(current.pk)
    return current


def merged_records(client: Client) -> list[Client]:
    """Every record retired into this one, directly or through another, oldest first."""
    found: list[Client] = []
    seen = {client.pk}
    waiting = [client.pk]
    while waiting:
        retired = list(Client.objects.filter(merged_into__in=waiting).exclude(pk__in=seen))
        found.extend(retired)
        seen.update(record.pk for record in retired)
        waiting = [record.pk for record in retired]
    return sorted(found, key=lambda record: record.pk)


def collect_subject_data(
    client: Client, *, produced_at: datetime | None = None, produced_by: User | None = None
) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data.

    `produced_at` and `produced_by` describe this export; left out, they are recorded as
    unknown, so the rest of the data can be compared between two calls.
    """
    collect = _Collector()
    client = current_record(client)  # the stored values, not a caller's edits
    merged = merged_records(client)
    cases = list(_by_date(Case.objects.filter(client=client), "opened_at"))
    case_data = [_case_data(collect, case) for case in cases]
    referrals = _matching_referrals([client, *merged], cases)
    notices = _matching_notices([client, *merged])

    ids: dict[str, list[int]] = {
        "client": [client.pk, *(record.pk for record in merged)],
        "case": [case.pk for case in cases],
        "referral": [referral.pk for referral, _ in referrals],
        "qualifying_notice": [notice.pk for notice, _ in notices],
    }
    names = {("client", str(client.pk)): _AUDITED_TYPES["client"]}
    names.update(
        {
            ("client", str(record.pk)): f"Your earlier client record {record.pk}, merged"
            for record in merged
        }
    )
    names.update({("case", str(case.pk)): f"Case {case.reference}" for case in cases})
    names.update({("referral", str(r.pk)): f"Referral {r.reference}" for r, _ in referrals})
    nested = {
        "legal_status_period": "legal_status_periods",
        "case_issue": "issues",
        "activity": "activities",
        "records_request": "records_requests",
        "case_note": "notes",
        "attachment": "attachments",
    }
    for object_type, key in nested.items():
        ids[object_type] = [row["id"] for case in case_data for row in case[key]]
    notice_data = [_notice_data(collect, notice, reasons) for notice, reasons in notices]
    ids["duty_to_inform_entry"] = [
        entry["id"] for notice in notice_data for entry in notice["information_given"]
    ]
    for object_type, pks in ids.items():
        for pk in pks:
            names.setdefault((object_type, str(pk)), f"{_AUDITED_TYPES[object_type]} {pk}")

    return {
        "export": _export_details(client, produced_at, produced_by, collect),
        # Always empty on the current record, which is the one exported.
        "client": collect.fields(client, leave_out=["merged_into", "merged_at"]),
        "merged_records": [collect.fields(record) for record in merged],
        "cases": case_data,
        "referrals": [_referral_data(collect, r, reasons) for r, reasons in referrals],
        "hospital_records": notice_data,
        "audit_log": _audit_data(collect, ids, names),
        "files_to_add": _files_to_add(case_data, notice_data),
    }


def _files_to_add(
    case_data: list[dict[str, Any]], notice_data: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The stored files about the person, which staff add to what they send by hand: they
    can be large, and some may need reading first for details of other people."""
    files = [
        {
            "name": attachment["original_name"],
            "type": attachment["kind"],
            "size_bytes": attachment["size_bytes"],
            "date": attachment["uploaded_at"],
            "where": f"Case {case['reference']}",
            "how_to_get": f"Download it from case {case['reference']}, under Files.",
            "download_path": attachment["download_path"],
        }
        for case in case_data
        for attachment in case["attachments"]
    ]
    files.extend(
        {
            "name": entry["written_information_file"],
            "type": {"value": "pdf", "label": "PDF"},
            "size_bytes": None,
            "date": entry["given_on"],
            "where": f"Hospital record {notice['id']}",
            # Only the hospital's own staff can download these leaflets through the site.
            "how_to_get": f"Ask the Mental Health Act office at {notice['hospital']}.",
            "download_path": None,
        }
        for notice in notice_data
        for entry in notice["information_given"]
        if entry["written_information_file"]
    )
    return files


def _export_details(
    client: Client, produced_at: datetime | None, produced_by: User | None, collect: _Collector
) -> dict[str, Any]:
    notes = [
        "This JSON file is the complete record. The PDF that comes with it is a summary.",
        "Files such as letters are listed under files_to_add but not included; copies are "
        "sent separately.",
        "Staff are given by name and role. The audit log's network addresses and security "
        "hashes are left out.",
        "Dates and times are ISO 8601; times are in UTC.",
    ]
    if client.anonymised_at is not None:
        notes.insert(
            0,
            "The person's identifying details and free-text notes were removed under the "
            "retention policy before this export was made. Only what was left is included.",
        )
    return {
        "format_version": FORMAT_VERSION,
        "service": str(settings.IMHA_SERVICE["name"]),
        "client_id": client.pk,
        "produced_at": _iso(produced_at) if produced_at is not None else None,
        "produced_by": (
            collect.staff(produced_by.pk, role=produced_by.role) if produced_by else None
        ),
        "anonymised": client.anonymised_at is not None,
        "anonymised_at": _iso(client.anonymised_at) if client.anonymised_at else None,
        "retention_days": retention_days(),
        "notes": notes,
    }


def subject_access_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


# --- the PDF summary ------------------------------------------------------------------------------

_LABELS = {
    "id": "Record number",
    "reference": "Reference",
    "nhs_number": "NHS number",
    "preferred_name": "Likes to be called",
    "safe_to_leave_message": "Safe to leave a message",
    "contact_notes": "How to contact you safely",
    "treatment_considered": "Treatment doctors are considering",
    "created_at": "Record made",
    "updated_at": "Last changed",
    "gender_identity": "Gender identity same as sex registered at birth",
    "ethnicity": "Ethnic group",
    "first_language_other": "Other first language",
    "anonymised_at": "Identifying details removed",
    "merged_into": "Merged into record number",
    "merged_at": "Merged",
    "referral": "Opened from referral",
    "opened_at": "Opened",
    "closed_at": "Closed",
    "age_band_at_closure": "Age group when closed",
    "hospital_ward": "Ward",
    "community_location": "Where you live or are seen",
    "legal_status_code": "Mental Health Act status",
    "legal_status_answer": "Legal status the referrer gave",
    "allocated_advocate": "Advocate",
    "allocated_at": "Advocate given the case",
    "status_code": "Status",
    "started_on": "Started",
    "started_at_time": "Start time",
    "ended_on": "Ended",
    "first_medication_on": "First medication for mental disorder",
    "admitted_on": "First day of this stay in hospital",
    "tribunal_applied_in_first_six_months": "Tribunal applied for in the first six months",
    "last_tribunal_consideration_on": "Tribunal last considered the case",
    "topic": "What you wanted help with",
    "persons_words": "In your own words",
    "recorded_on": "Recorded",
    "kind": "Type",
    "advocate": "Advocate",
    "occurs_on": "Date",
    "starts_at_time": "Time",
    "duration_minutes": "Minutes spent",
    "with_whom": "With",
    "records": "Which records",
    "holder": "Who holds them",
    "basis": "Basis",
    "holder_decision": "The record holder's decision",
    "asked_on": "Asked for",
    "received_on": "Seen or received",
    "text": "Note",
    "author": "Written by",
    "original_name": "File name",
    "size_bytes": "Size in bytes",
    "uploaded_by": "Added by",
    "uploaded_at": "Added",
    "found_because": "Why it is included",
    "channel": "How it reached us",
    "received_at": "Received",
    "counted_as_received_on": "Counted as received on",
    "respond_by": "Reply due by",
    "breach_alerted_at": "Late reply alert sent",
    "referrer_type": "Who referred you",
    "legal_status_other": "Other legal status",
    "help_with": "Help wanted with",
    "help_other": "Other help wanted",
    "more_information": "More information",
    "person_phone": "Your phone",
    "person_email": "Your email",
    "contact_method": "How to contact you",
    "is_statutory": "Referral from someone the law says we must act on",
    "possible_duplicate": "Possibly the same as another referral",
    "picked_up_by": "Picked up by",
    "picked_up_at": "Picked up",
    "responded_at": "Replied",
    "responded_by": "Replied by",
    "response_method": "How we replied",
    "response_note": "Reply note",
    "decided_at": "Decided",
    "decided_by": "Decided by",
    "outcome_reason": "Reason for the decision",
    "eligibility_category": "Eligibility",
    "patient_name": "Name",
    "status_title": "Status",
    "status_started_on": "Status started",
    "qualifies": "Qualifies for an IMHA",
    "qualifying_since": "Qualifying since",
    "information_due_by": "Must be told about IMHAs by",
    "first_told_verbally_on": "First told in person",
    "first_given_in_writing_on": "First given it in writing",
    "last_informed_on": "Last told",
    "next_reminder_on": "Next reminder",
    "next_reminder_reason": "Reason for next reminder",
    "discharged_on": "Discharged",
    "automatic_referral_requested_at": "Automatic referral sent",
    "given_on": "Date",
    "method": "How",
    "given_by": "Told by",
    "understood": "Understood",
    "wants_advocate": "Wanted an advocate",
    "written_information_file": "Written information file",
    "recorded_at": "Recorded",
    "recorded_by": "Recorded by",
    "created_by": "Recorded by",
    "sent_at": "Sent",
    "recipient": "Sent to",
}
_EQUALITY_FIELDS = Client.EQUALITY_FIELDS
# Shown in the JSON only: raw output of the rules engine, or internal links and counters.
_PDF_SKIPS = {
    "eligibility",
    "decision",
    "download_path",
    "attempts",
    "title",
    "status_title",
    "legal_status_title",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?")
_DATE_AND_TIME_ENDINGS = ("_on", "_at", "_by", "_time", "_since", "_of_birth", "date")

SECTION_DETAILS = "Your details"
SECTION_EQUALITY = "Equality monitoring"
SECTION_MERGED = "Other records we combined with this one"
SECTION_CASES = "Your cases"
SECTION_REFERRALS = "Referrals"
SECTION_HOSPITAL = "Hospital records"
SECTION_FILES = "Files we hold"
SECTION_AUDIT = "Who has looked at or changed your records"
SECTION_ABOUT = "About this information"


def _label(name: str) -> str:
    return _LABELS.get(name) or name.replace("_", " ").capitalize()


def _readable(value: Any, name: str = "") -> str:
    """One value as a person would want to read it. Only fields named as dates or times are
    reformatted, so a note that happens to be just a date is shown as it was typed."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        if "label" in value:
            return str(value["label"] or value["value"])
        if "name" in value and "role" in value:
            role = value["role"]["label"]
            return f"{value['name']} ({role})" if role else str(value["name"])
        return ""
    if isinstance(value, list):
        return "; ".join(part for part in (_readable(item) for item in value) if part)
    text = str(value)
    if not name.endswith(_DATE_AND_TIME_ENDINGS):
        return text
    if _ISO_DATE.match(text):
        return f"{date.fromisoformat(text):%-d %B %Y}"
    if _ISO_DATETIME.match(text):
        moment = timezone.localtime(datetime.fromisoformat(text))
        return f"{moment:%-d %B %Y, %H:%M}"
    if _ISO_TIME.match(text):
        return text[:5]
    return text


def _when(value: str | None) -> str:
    return _readable(value, "date")


def _with_code(title: str, code: str) -> str:
    return f"{title} ({code})" if code and title != code else code


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class _Summary(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(size=9)
        self.cell(0, 8, f"{self.footer_text}. Page {self.page_no()} of {{nb}}", align="C")


class _Writer:
    """Small layout helpers over fpdf2: headings that appear in the PDF's outline, paragraphs
    and "label: value" lines that wrap and break across pages on their own."""

    def __init__(self, pdf: _Summary) -> None:
        self.pdf = pdf
        unicode_available = UNICODE_FONT.exists() and UNICODE_FONT_BOLD.exists()
        if unicode_available:
            pdf.add_font("dejavu", "", str(UNICODE_FONT))
            pdf.add_font("dejavu", "B", str(UNICODE_FONT_BOLD))
        # The core fonts cover Latin-1 only; they are the fallback without DejaVu.
        self.family = "dejavu" if unicode_available else "helvetica"
        pdf.set_font(self.family, size=11)

    def text(self, value: str) -> str:
        if self.family == "helvetica":
            return value.encode("latin-1", "replace").decode("latin-1")
        return value

    def heading(self, text: str, level: int = 0) -> None:
        sizes = (18, 14, 12)
        size = sizes[min(level, 2)]
        if level == 0:
            self.pdf.add_page()
        elif self.pdf.get_y() > self.pdf.h - self.pdf.b_margin - 30:
            # Too near the foot of the page: keep the heading with what follows it.
            self.pdf.add_page()
        else:
            self.pdf.ln(2)
        self.pdf.start_section(self.text(text), level=level)
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(
            0, size * 0.5, self.text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )
        self.pdf.ln(size * 0.2)
        self.pdf.set_font(self.family, "", 11)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", 11)
        self.pdf.multi_cell(0, 5.5, self.text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.pdf.ln(2)
        self.pdf.set_font(self.family, "", 11)

    def bullet(self, text: str) -> None:
        marker = "\u2022 " if self.family != "helvetica" else "- "
        self.pdf.multi_cell(
            0, 5.5, self.text(marker + text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )

    def row(self, label: str, value: str) -> None:
        self.pdf.set_font(self.family, "B", 11)
        self.pdf.write(5.5, self.text(f"{label}: "))
        self.pdf.set_font(self.family, "", 11)
        self.pdf.write(5.5, self.text(value))
        self.pdf.ln(6.5)

    def rows(self, record: dict[str, Any], *, show_empty: bool = False) -> None:
        for name, value in record.items():
            if name in _PDF_SKIPS or (isinstance(value, list) and value and _is_records(value)):
                continue
            shown = _readable(value, name)
            if shown or show_empty:
                self.row(_label(name), shown or "Not recorded")
        self.pdf.ln(2)


def _is_records(values: list[Any]) -> bool:
    return all(isinstance(item, dict) and "id" in item for item in values)


def _cover(writer: _Writer, data: dict[str, Any]) -> None:
    export = data["export"]
    client = data["client"]
    cases = data["cases"]
    writer.pdf.add_page()
    writer.pdf.set_font(writer.family, "B", 22)
    writer.pdf.multi_cell(0, 11, writer.text("Information we hold about you"), align="L")
    writer.pdf.ln(4)
    writer.pdf.set_font(writer.family, "", 11)
    if export["anonymised"]:
        who = f"Client {export['client_id']} (name removed under our retention policy)"
    else:
        who = f"{client['first_name']} {client['last_name']}".strip()
    writer.row("Prepared for", who)
    if client["date_of_birth"]:
        writer.row("Date of birth", _when(client["date_of_birth"]))
    writer.row("Our client number", str(export["client_id"]))
    writer.row("From", export["service"])
    if export["produced_at"]:
        writer.row("Produced on", _when(export["produced_at"]))
    producer = _readable(export["produced_by"]) or "Our systems team, from the command line"
    writer.row("Produced by", producer)
    writer.pdf.ln(3)
    writer.paragraph(
        "You asked for a copy of the personal information we hold about you. This is a "
        "summary of all of it, in plain English."
    )
    writer.paragraph(
        f"The complete record is in the file subject-access-{export['client_id']}.json that "
        "comes with this summary. It has every detail, including some technical ones left out "
        "here. Any computer can open it with a text editor."
    )
    if export["anonymised"]:
        writer.paragraph(
            f"On {_when(export['anonymised_at'])} we removed your name, date of birth, "
            "contact details and the notes about you, because your last case with us had "
            "closed long enough ago. We kept only what we need for statistics. This export "
            "shows what is left.",
            bold=True,
        )
    writer.paragraph("It contains:", bold=True)
    activity_count = sum(len(case["activities"]) for case in cases)
    note_count = sum(len(case["notes"]) for case in cases)
    writer.bullet(f"{SECTION_DETAILS} and your {SECTION_EQUALITY.lower()} answers")
    if data["merged_records"]:
        writer.bullet(f"{SECTION_MERGED}: {len(data['merged_records'])}")
    writer.bullet(
        f"{SECTION_CASES}: {_plural(len(cases), 'case', 'cases')}, with "
        f"{_plural(activity_count, 'activity', 'activities')} and "
        f"{_plural(note_count, 'note', 'notes')}"
    )
    writer.bullet(f"{SECTION_REFERRALS}: {len(data['referrals'])}")
    writer.bullet(f"{SECTION_HOSPITAL}: {len(data['hospital_records'])}")
    writer.bullet(f"{SECTION_FILES}: {len(data['files_to_add'])}")
    writer.bullet(f"{SECTION_AUDIT}: {_plural(len(data['audit_log']), 'entry', 'entries')}")
    writer.bullet(SECTION_ABOUT)


def _about(writer: _Writer, data: dict[str, Any]) -> None:
    days = int(data["export"]["retention_days"])
    period = f"{days // 365} years" if days % 365 == 0 else f"{days} days"
    writer.heading(SECTION_ABOUT)
    for title, text in (
        (
            "Why we hold it",
            "To give you an Independent Mental Health Advocate, as the Mental Health Act "
            "1983 says we must, and to show the people who pay for the service that it works.",
        ),
        (
            "Where it came from",
            "From you, from the person who referred you, and from the hospital looking after "
            "you, which records when it told you about advocates.",
        ),
        (
            "Who can see it",
            "Our advocates, intake workers and managers. Hospital staff see only the records "
            "their hospital made. The council that pays for the service sees numbers only, "
            "never names.",
        ),
        (
            "How long we keep it",
            f"Until {period} after your last case with us closes. Then we remove your name, "
            "date of birth, contact details and notes, and keep only figures for statistics.",
        ),
        (
            "Your rights",
            "You can ask us to correct anything that is wrong, and in some cases to delete it "
            "or stop using it. If you are unhappy with how we have used your information, you "
            "can complain to the Information Commissioner's Office: ico.org.uk or "
            "0303 123 1113.",
        ),
    ):
        writer.heading(title, 1)
        writer.paragraph(text)


def subject_access_pdf(data: dict[str, Any]) -> bytes:
    """A plain-English summary of `collect_subject_data`'s result, for the person to read."""
    export = data["export"]
    pdf = _Summary(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.footer_text = f"{export['service']}: information held about client {export['client_id']}"
    pdf.set_title("Information we hold about you")
    pdf.set_author(export["service"])
    pdf.set_creator(export["service"])
    pdf.set_lang("en-GB")
    writer = _Writer(pdf)
    _cover(writer, data)

    client = data["client"]
    writer.heading(SECTION_DETAILS)
    writer.rows({k: v for k, v in client.items() if k not in _EQUALITY_FIELDS}, show_empty=True)
    writer.heading(SECTION_EQUALITY, 1)
    writer.paragraph("We ask these questions to check that the service is fair to everyone.")
    writer.rows({k: v for k, v in client.items() if k in _EQUALITY_FIELDS}, show_empty=True)
    if data["merged_records"]:
        writer.heading(SECTION_MERGED, 1)
        writer.paragraph(
            "We had more than one record for you, because we could not be sure at first "
            "that they were about the same person. We combined them into this one and kept "
            "the others as they were when we combined them."
        )
        for record in data["merged_records"]:
            writer.heading(f"Record {record['id']}", 2)
            writer.rows(record)

    writer.heading(SECTION_CASES)
    if not data["cases"]:
        writer.paragraph("We have no cases for you.")
    for case in data["cases"]:
        _case_section(writer, case)

    writer.heading(SECTION_REFERRALS)
    writer.paragraph(
        "A referral is a request for an advocate for you. This lists the referrals that "
        "opened your cases, and any others with your NHS number or your name and date of birth."
    )
    if not data["referrals"]:
        writer.paragraph("We have no referrals for you.")
    for referral in data["referrals"]:
        writer.heading(f"Referral {referral['reference']}", 1)
        code = referral["legal_status_code"]
        writer.rows({**referral, "legal_status_code": _with_code(status_title(code), code)})
        for email in referral["emails"]:
            writer.heading("Email about this referral", 2)
            writer.rows(email)

    writer.heading(SECTION_HOSPITAL)
    writer.paragraph(
        "Hospitals must tell people held under the Mental Health Act about advocates, and "
        "record when they did. These records match your NHS number or your name and date of "
        "birth."
    )
    if not data["hospital_records"]:
        writer.paragraph("We have no hospital records for you.")
    for notice in data["hospital_records"]:
        writer.heading(f"Hospital record {notice['id']}: {notice['hospital']}", 1)
        writer.rows({**notice, "status": _with_code(notice["status_title"], notice["status"])})
        for change in notice["status_history"]:
            writer.heading(f"Status: {change['title']}", 2)
            writer.rows({**change, "status": _with_code(change["title"], change["status"])})
        for entry in notice["information_given"]:
            writer.heading(f"Told about IMHAs on {_when(entry['given_on'])}", 2)
            writer.rows(entry)

    writer.heading(SECTION_FILES)
    if not data["files_to_add"]:
        writer.paragraph("We hold no files, such as letters, about you.")
    else:
        writer.paragraph("Copies of these files come separately with this summary.")
    for item in data["files_to_add"]:
        writer.bullet(
            f"{item['name']} ({_readable(item['type'])}), {_when(item['date'])}, {item['where']}"
        )

    writer.heading(SECTION_AUDIT)
    writer.paragraph(
        "Every time a member of staff opens or changes one of your records, our system "
        "writes it down. This is that list, oldest first."
    )
    if not data["audit_log"]:
        writer.paragraph("There are no entries.")
    for entry in data["audit_log"]:
        who = _readable(entry["by"]) or "No member of staff (a form or an automatic task)"
        writer.bullet(
            f"{_when(entry['occurred_at'])}: {entry['action']['label']}, "
            f"{entry['record']['description']}, by {who}"
        )

    _about(writer, data)
    return bytes(pdf.output())


def _case_section(writer: _Writer, case: dict[str, Any]) -> None:
    writer.heading(f"Case {case['reference']}", 1)
    code = case["legal_status_code"]
    writer.rows({**case, "legal_status_code": _with_code(case["legal_status_title"], code)})
    for period in case["legal_status_periods"]:
        writer.heading(f"Legal status: {period['title']}", 2)
        writer.rows({**period, "status_code": _with_code(period["title"], period["status_code"])})
    for issue in case["issues"]:
        writer.heading(f"Issue: {_readable(issue['topic'])}", 2)
        writer.rows(issue)
        for outcome in issue["outcomes"]:
            writer.row("Outcome", _readable(outcome["outcome"]))
            writer.rows({k: v for k, v in outcome.items() if k != "outcome"})
    for activity in case["activities"]:
        writer.heading(f"{_readable(activity['kind'])} on {_when(activity['occurs_on'])}", 2)
        writer.rows(activity)
    for request in case["records_requests"]:
        writer.heading(f"Request to see records: {request['records']}", 2)
        writer.rows(request)
    for note in case["notes"]:
        writer.heading(f"Note written {_when(note['created_at'])}", 2)
        writer.rows(note)
    for attachment in case["attachments"]:
        writer.heading(f"File: {attachment['original_name']}", 2)
        writer.rows(attachment)


# --- producing and recording an export ------------------------------------------------------------


@dataclass(frozen=True)
class SubjectAccessExport:
    client_id: int
    json_bytes: bytes
    pdf_bytes: bytes

    @property
    def json_name(self) -> str:
        return f"subject-access-{self.client_id}.json"

    @property
    def pdf_name(self) -> str:
        return f"subject-access-{self.client_id}.pdf"

    @property
    def zip_name(self) -> str:
        return f"subject-access-{self.client_id}.zip"

    def files(self) -> Iterator[tuple[str, bytes]]:
        yield self.json_name, self.json_bytes
        yield self.pdf_name, self.pdf_bytes

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.files():
                archive.writestr(name, content)
        return buffer.getvalue()


def build_export(
    client: Client, *, actor: User | None, now: datetime | None = None
) -> SubjectAccessExport:
    """Both files for one person. Nothing is recorded: call `record_export` once they have
    been handed over, so a failure on the way does not log an export that never happened."""
    client = current_record(client)
    data = collect_subject_data(client, produced_at=now or timezone.now(), produced_by=actor)
    return SubjectAccessExport(
        client_id=client.pk,
        json_bytes=subject_access_json(data),
        pdf_bytes=subject_access_pdf(data),
    )


def record_export(
    client: Client, *, actor: User | None, request: HttpRequest | None = None, how: str
) -> None:
    # The summary names the record and the route only: never anything about the person.
    # Logged against the record exported, which for a retired one is where it was merged.
    client = current_record(client)
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="client",
        object_id=client.pk,
        summary=f"Subject access export of client {client.pk} ({how})",
        request=request,
    )
