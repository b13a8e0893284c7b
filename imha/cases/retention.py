"""The retention policy: removing identifying details once the service no longer needs them.

When every case of a client has been closed for longer than the retention period, the
client is anonymised: names, date of birth, NHS number, contact details and every
free-text note about them are blanked, and attached files are deleted. What the
commissioner's statistics need stays: age band at closure, the equality monitoring
answers, activity types and durations, issue topics and outcomes, dates and places.

The period is `IMHA_CASE_RETENTION_DAYS` in settings (default 6 years after closure).
Anonymising is done once per client (`Client.anonymised_at`), so running the command
again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.cases.models import (
    Activity,
    Attachment,
    Case,
    CaseIssue,
    CaseNote,
    CaseStatus,
    Client,
    IssueOutcome,
    LegalStatusPeriod,
    RecordsRequest,
)
from imha.referrals.models import OutgoingEmail, Referral

DEFAULT_RETENTION_DAYS = 6 * 365
ANONYMISED_NAME = "Anonymised"
REMOVED = "Removed under the retention policy"


# What anonymising leaves in a client's personal fields.
ANONYMISED_CLIENT_FIELDS: dict[str, object] = {
    "first_name": ANONYMISED_NAME,
    "last_name": "",
    "preferred_name": "",
    "normalised_name": "",
    "date_of_birth": None,
    "nhs_number": "",
    "phone": "",
    "email": "",
    "safe_to_leave_message": None,
    "contact_notes": "",
    "interpreter_language": "",
    "communication_needs": [],
    "access_needs": "",
}


def retention_days() -> int:
    return int(getattr(settings, "IMHA_CASE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def clients_due(now: datetime) -> QuerySet[Client]:
    """Clients not yet anonymised whose cases are all closed, the last one before the cutoff."""
    cutoff = now - timedelta(days=retention_days())
    return (
        Client.objects.filter(anonymised_at__isnull=True, cases__isnull=False)
        .exclude(cases__status__in=[CaseStatus.OPEN, CaseStatus.ON_HOLD])
        .annotate(last_closed=Max("cases__closed_at"))
        .filter(last_closed__lt=cutoff)
        .order_by("pk")
    )


def anonymise_referral(referral: Referral) -> None:
    """Blank the personal fields of a referral. The referrals app owns the model; this
    updates its rows directly so retention needs nothing from that app."""
    Referral.objects.filter(pk=referral.pk).update(
        first_name=ANONYMISED_NAME,
        last_name="",
        preferred_name="",
        normalised_name="",
        date_of_birth=None,
        nhs_number="",
        person_phone="",
        person_email="",
        contact_notes="",
        referrer_name="",
        referrer_phone="",
        referrer_email="",
        location_details="",
        help_other="",
        more_information="",
        interpreter_language="",
        access_needs="",
        response_note="",
        outcome_reason="",
    )
    # The outbox keeps who each email went to; a unique placeholder per row keeps its
    # one-email-per-recipient rule satisfied.
    for email in OutgoingEmail.objects.filter(referral=referral).only("pk"):
        OutgoingEmail.objects.filter(pk=email.pk).update(
            recipient=f"removed-{email.pk}@anonymised.invalid", last_error=""
        )


@transaction.atomic
def anonymise_client(client: Client, now: datetime) -> bool:
    """Anonymise one client and everything personal on their cases; False if another run
    got there first."""
    locked = Client.objects.select_for_update().filter(pk=client.pk, anonymised_at__isnull=True)
    current = locked.first()
    if current is None:
        return False
    cases = Case.objects.filter(client=current)
    for case in cases.filter(Q(age_band_at_closure="") & Q(closed_at__isnull=False)):
        # Cases closed before the age band was recorded get it now, while the date of
        # birth is still known.
        case.age_band_at_closure = current.age_band_on(timezone.localdate(case.closed_at))
        case.save(update_fields=["age_band_at_closure"])
    cases.update(closure_note="", community_location="")
    LegalStatusPeriod.objects.filter(case__in=cases).update(notes="")
    CaseIssue.objects.filter(case__in=cases).update(description="")
    IssueOutcome.objects.filter(issue__case__in=cases).update(persons_words="")
    Activity.objects.filter(case__in=cases).update(notes="", outcome="", with_whom="")
    RecordsRequest.objects.filter(case__in=cases).update(
        records=REMOVED, holder="", holder_decision="", notes=""
    )
    CaseNote.objects.filter(case__in=cases).update(text="")
    attachments = list(Attachment.objects.filter(case__in=cases))
    stored_names = [str(attachment.file.name) for attachment in attachments if attachment.file]
    # Files go when the transaction commits, so a failure leaves them with their rows.
    transaction.on_commit(lambda: _delete_files(stored_names))
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    for referral in Referral.objects.filter(case__client=current):
        anonymise_referral(referral)
    # Records merged into this one (imha.cases.services.merge_clients) have no cases of their
    # own left, so they are never due by themselves; they still hold the same person's name,
    # date of birth and contact details, and go with the record they were merged into.
    retired = list(
        Client.objects.select_for_update()
        .filter(merged_into=current, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Client.objects.filter(pk__in=[current.pk, *retired]).update(
        **ANONYMISED_CLIENT_FIELDS, anonymised_at=now
    )
    for client_id in (current.pk, *retired):
        audit.record(
            actor=None,
            action=AuditAction.UPDATE,
            object_type="client",
            object_id=client_id,
            summary=f"Client {client_id} anonymised under the retention policy",
        )
    return True


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@dataclass(frozen=True)
class RetentionRun:
    anonymised: int
    retention_days: int


def apply_retention(now: datetime | None = None) -> RetentionRun:
    moment = now or timezone.now()
    count = 0
    for client in clients_due(moment).iterator(chunk_size=500):
        if anonymise_client(client, moment):
            count += 1
    return RetentionRun(anonymised=count, retention_days=retention_days())
