from __future__ import annotations

from django.db.models import QuerySet

from imha.audit.models import AuditEvent

# Records whose history managers may read, and how each is named on the page.
AUDITABLE_RECORDS = {
    "referral": "Referral",
    "case": "Case",
    "client": "Client",
    "qualifying_notice": "Qualifying-patient notice",
}


def history_of(object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Every audit entry about one record, newest first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by(
        "-occurred_at", "-id"
    )
