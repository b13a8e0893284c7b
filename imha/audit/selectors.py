from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from imha.audit.models import AuditEvent
from imha.law.working_days import LONDON

# Records whose history managers may read, and how each is named on the page.
AUDITABLE_RECORDS = {
    "referral": "Referral",
    "case": "Case",
    "client": "Client",
    "qualifying_notice": "Qualifying-patient notice",
}

# Kinds of record offered in the access log search. Entries of other kinds still show; these
# are the ones people ask about.
RECORD_KINDS = {
    **AUDITABLE_RECORDS,
    "activity": "Case activity",
    "legal_status_period": "Legal status",
    "records_request": "Records request",
    "attachment": "Case attachment",
    "case_note": "Case note",
    "duty_to_inform_entry": "Duty to inform entry",
    "account": "Staff account",
    "quarterly_return": "Quarterly return",
    "audit_log": "Access log",
}


def history_of(object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Every audit entry about one record, newest first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by(
        "-occurred_at", "-id"
    )


@dataclass(frozen=True)
class AccessLogFilter:
    person: str = ""
    action: str = ""
    record_type: str = ""
    record_id: str = ""
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        """A short account of the search for its own audit entry (no health details)."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("person", self.person),
                ("action", self.action),
                ("type", self.record_type),
                ("id", self.record_id),
                ("from", self.start.isoformat() if self.start else ""),
                ("to", self.end.isoformat() if self.end else ""),
            )
            if value
        ]
        return "Searched the access log: " + (", ".join(parts) or "everything")


def start_of_day(day: date) -> datetime:
    # Dates typed by people are days in England, whatever the server's clock says.
    return datetime.combine(day, time.min, tzinfo=LONDON)


def search_access_log(criteria: AccessLogFilter) -> QuerySet[AuditEvent]:
    """Entries matching every criterion given, newest first."""
    entries = AuditEvent.objects.all()
    if criteria.person:
        entries = entries.filter(actor_username=criteria.person)
    if criteria.action:
        entries = entries.filter(action=criteria.action)
    if criteria.record_type:
        entries = entries.filter(object_type=criteria.record_type)
    if criteria.record_id:
        entries = entries.filter(object_id=criteria.record_id)
    if criteria.start:
        entries = entries.filter(occurred_at__gte=start_of_day(criteria.start))
    if criteria.end:
        entries = entries.filter(occurred_at__lt=start_of_day(criteria.end + timedelta(days=1)))
    return entries.order_by("-occurred_at", "-id")


def unsealed_entry_count() -> int:
    return AuditEvent.objects.filter(chain_position__isnull=True).count()
