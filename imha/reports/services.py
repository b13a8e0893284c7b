"""Actions in the reports app: exporting the return and recalculating it, each audited."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from imha.accounts.models import User
from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.core import freshness
from imha.hospitals.models import Hospital
from imha.reports import caching, selectors
from imha.reports.figures import QuarterlyReturn
from imha.reports.periods import ReportPeriod

QUARTERLY_RETURN = "quarterly_return"


def _object_id(period: ReportPeriod) -> str:
    return f"{period.first_day.isoformat()}/{period.last_day.isoformat()}"


def record_export(
    *, report: QuarterlyReturn, file_format: str, actor: User, request: HttpRequest | None
) -> None:
    """Write the audit entry for one download. The summary names the period and area only."""
    figures = "suppressed" if report.is_suppressed else "exact"
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=QUARTERLY_RETURN,
        object_id=_object_id(report.period),
        summary=(
            f"Exported the quarterly return as {file_format.upper()} for "
            f"{report.period.dates_label}, {report.area_label} ({figures} figures)"
        ),
        request=request,
    )


def recalculate_quarterly_return(
    *,
    period: ReportPeriod,
    hospital: Hospital | None,
    actor: User,
    request: HttpRequest | None,
) -> QuarterlyReturn:
    """Count the return again now, replacing the kept figures for every audience, and
    audit it. Returns the figures as `actor` sees them.

    Both audiences are replaced together, so a commissioner looking after a manager has
    recalculated sees the same moment's figures, suppressed.
    """
    # Read before counting, so the figures are kept under a version no newer than the data
    # they were counted from (see imha.reports.caching.store).
    version = freshness.data_version()
    returns = selectors.returns_for_every_audience(period, hospital=hospital)
    report = returns[selectors.audience_of(actor)]
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=QUARTERLY_RETURN,
            object_id=_object_id(period),
            summary=(
                f"Recalculated the quarterly return for {period.dates_label}, {report.area_label}"
            ),
            request=request,
        )
    # Kept only once the audit entry is saved, so no recalculation goes unrecorded.
    kept = caching.store(
        period, hospital.pk if hospital is not None else None, returns, version=version
    )
    return kept[selectors.audience_of(actor)]
