"""Actions in the reports app: exporting is the only one, and each export is audited."""

from __future__ import annotations

from django.http import HttpRequest

from imha.accounts.models import User
from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.reports.figures import QuarterlyReturn

QUARTERLY_RETURN = "quarterly_return"


def record_export(
    *, report: QuarterlyReturn, file_format: str, actor: User, request: HttpRequest | None
) -> None:
    """Write the audit entry for one download. The summary names the period and area only."""
    figures = "suppressed" if report.is_suppressed else "exact"
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=QUARTERLY_RETURN,
        object_id=f"{report.period.first_day.isoformat()}/{report.period.last_day.isoformat()}",
        summary=(
            f"Exported the quarterly return as {file_format.upper()} for "
            f"{report.period.dates_label}, {report.area_label} ({figures} figures)"
        ),
        request=request,
    )
