"""Stored statutory dates (`CaseDeadline`): writing them, and the rule for reading them.

Each open or on-hold case keeps the caseload events of its current legal status period
(`deadlines.events_for`) from the day they were written to `deadlines_stored_until`,
about two years on. Closed cases keep none: no caseload lists them, and there is no way
to reopen one.

`rebuild` is the only writer. The case services call it inside their own transaction
whenever something the dates depend on changes (a status recorded or ended, the date of
birth, the case closed); `manage.py rebuild_case_deadlines` calls it for every case after
a change to the rules engine; the data migration and the benchmark data call it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import batched
from typing import TYPE_CHECKING, Any

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Q, QuerySet

from imha.cases import deadlines
from imha.cases.models import ACTIVE_STATUSES, DeadlinePoint

if TYPE_CHECKING:
    from django.apps.registry import Apps

    from imha.cases.models import CaseDeadline

# Cases handled per transaction: small enough to hold few locks for long, large enough
# that a full rebuild is a few hundred round trips.
BATCH = 500


def stored_until(today: date) -> date:
    return today + timedelta(days=deadlines.STORED_DAYS_AHEAD)


def rebuild(case_ids: Iterable[int], *, today: date | None = None, apps: Apps | None = None) -> int:
    """Rewrite the stored dates of these cases from their current legal status period;
    returns the number of rows written.

    Each batch locks its cases before reading their periods, and every service that changes
    a period locks the case too, so a status recorded meanwhile is never overwritten by
    dates worked out from the one it replaced.

    `apps` lets the data migration pass its historical models; only fields that exist from
    migration 0004 are read.
    """
    registry = apps or installed_apps
    case_model: Any = registry.get_model("cases", "Case")
    period_model: Any = registry.get_model("cases", "LegalStatusPeriod")
    deadline_model: Any = registry.get_model("cases", "CaseDeadline")
    today = today or deadlines.local_today()
    until = stored_until(today)
    written = 0
    for chunk in batched(case_ids, BATCH):
        with transaction.atomic():
            cases = list(
                case_model.objects.select_for_update(of=("self",))
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", "status", "client__date_of_birth")
            )
            birth_dates = {pk: born for pk, status, born in cases if status in ACTIVE_STATUSES}
            inactive = [pk for pk, status, _ in cases if status not in ACTIVE_STATUSES]
            current: dict[int, Any] = {}
            running = period_model.objects.filter(
                case_id__in=list(birth_dates), ended_on__isnull=True
            ).order_by("case_id", "-started_on", "-id")
            for period in running:
                # The newest running period is the case's current status, as on the case page.
                current.setdefault(period.case_id, period)
            deadline_model.objects.filter(case_id__in=[pk for pk, _, _ in cases]).delete()
            rows = [
                deadline_model(
                    case_id=case_id,
                    period_id=period.pk,
                    due_on=event.due_on,
                    kind=event.kind,
                    point=event.point.value,
                    shown_from=event.shown_from,
                )
                for case_id, period in current.items()
                for event in deadlines.events_for(period, birth_dates[case_id], today, until)
            ]
            deadline_model.objects.bulk_create(rows, batch_size=5000)
            written += len(rows)
            if birth_dates:
                case_model.objects.filter(pk__in=list(birth_dates)).update(
                    deadlines_stored_until=until
                )
            if inactive:
                case_model.objects.filter(pk__in=inactive).update(deadlines_stored_until=None)
    return written


def shown_between(
    rows: QuerySet[CaseDeadline], today: date, horizon: date
) -> QuerySet[CaseDeadline]:
    """Stored rows a caseload lists today: `deadlines.is_shown`, as a query."""
    return (
        rows.filter(due_on__gte=today, due_on__lte=horizon)
        .exclude(point=DeadlinePoint.OPENS, due_on=today)
        .filter(Q(shown_from__isnull=True) | Q(shown_from__lte=today))
    )


def complete_through(horizon: date) -> Q:
    """Cases whose stored dates reach the horizon, so can be read rather than worked out."""
    return Q(deadlines_stored_until__gte=horizon)


# `--only-expiring` renews cases whose stored dates end within this many days.
EXPIRING_WITHIN_DAYS = 60


def rebuild_all(*, only_expiring: bool = False, today: date | None = None) -> tuple[int, int]:
    """Rebuild every open or on-hold case (or only those whose stored dates are about to
    run out) and drop any rows left on other cases; returns (cases, rows written)."""
    from imha.cases.models import Case, CaseDeadline

    today = today or deadlines.local_today()
    active = Case.objects.filter(status__in=ACTIVE_STATUSES)
    if only_expiring:
        soon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
        active = active.filter(
            Q(deadlines_stored_until__isnull=True) | Q(deadlines_stored_until__lt=soon)
        )
    else:
        CaseDeadline.objects.exclude(case__status__in=ACTIVE_STATUSES).delete()
        Case.objects.exclude(status__in=ACTIVE_STATUSES).exclude(
            deadlines_stored_until=None
        ).update(deadlines_stored_until=None)
    case_ids = list(active.order_by("pk").values_list("pk", flat=True))
    return len(case_ids), rebuild(case_ids, today=today)
