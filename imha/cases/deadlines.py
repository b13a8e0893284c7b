"""Statutory dates for a case, from the rules engine (`imha.law.compute_deadlines`).

Dates are worked out when a page is shown rather than stored, so they are never stale and
a correction to the engine reaches every case at once. The engine is plain Python and
takes well under a millisecond a case, so a caseload of hundreds costs nothing noticeable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from imha.law import DeadlineRequest, ItemKind, KeyDate, LawInputError, compute_deadlines
from imha.law.deadlines import MAX_PERIODS

if TYPE_CHECKING:
    from imha.cases.models import Case, LegalStatusPeriod

# How far ahead the list of periods must reach: a section renewed for years still shows
# its current and next period.
LOOK_AHEAD = timedelta(days=400)
FIRST_TRY_PERIODS = 4

# What each kind of item means for an advocate, in a few words for lists.
KIND_LABELS = {
    ItemKind.PERIOD: "Period",
    ItemKind.EXPIRY: "Ends",
    ItemKind.EXTENSION_LIMIT: "Latest extension",
    ItemKind.RENEWAL_EXAMINATION: "Renewal examination",
    ItemKind.TRIBUNAL_WINDOW: "Tribunal application window",
    ItemKind.MANAGERS_REFERENCE: "Hospital managers' reference to the tribunal",
    ItemKind.SECRETARY_OF_STATE_REFERENCE: "Secretary of State's reference to the tribunal",
    ItemKind.CONSENT_TO_TREATMENT: "Section 58 three-month point",
}


def local_today() -> date:
    """Today in the UK. One place to ask, so tests can fix the date the pages work from."""
    return timezone.localdate()


@dataclass(frozen=True)
class DeadlineRow:
    """One date or window from the engine, ready for a template."""

    kind: str
    heading: str
    label: str
    source: str
    start: date
    end: date
    sequence: int | None

    @property
    def is_window(self) -> bool:
        return self.start != self.end


@dataclass(frozen=True)
class CaseDeadlines:
    status_title: str
    current_period: DeadlineRow | None
    rows: list[DeadlineRow]
    past_rows: list[DeadlineRow]
    notes: list[str]
    problem: str = ""


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _row(item: KeyDate) -> DeadlineRow:
    return DeadlineRow(
        kind=item.kind.value,
        heading=KIND_LABELS[item.kind],
        label=item.label,
        source=item.source,
        start=_day(item.start),
        end=_day(item.end),
        sequence=item.sequence,
    )


def deadlines_for(
    period: LegalStatusPeriod, date_of_birth: date | None, today: date
) -> CaseDeadlines:
    """The statutory dates for a legal status period, split into current and past ones."""
    periods = FIRST_TRY_PERIODS
    while True:
        try:
            result = compute_deadlines(
                DeadlineRequest(
                    status=period.status_code,
                    start=period.start_moment,
                    periods=periods,
                    admission_date=period.admitted_on,
                    tribunal_applied_in_first_six_months=(
                        period.tribunal_applied_in_first_six_months
                    ),
                    last_tribunal_consideration=period.last_tribunal_consideration_on,
                    date_of_birth=date_of_birth,
                    first_medication=period.first_medication_on,
                )
            )
        except LawInputError as error:
            return CaseDeadlines(
                status_title=period.title,
                current_period=None,
                rows=[],
                past_rows=[],
                notes=[],
                problem=error.message,
            )
        rows = [_row(item) for item in result.items]
        latest = max((row.end for row in rows), default=today)
        # Long-running sections need more periods listed before they reach today.
        if latest >= today + LOOK_AHEAD or periods >= MAX_PERIODS:
            break
        periods = min(MAX_PERIODS, periods * 2)
    current_period = next(
        (row for row in rows if row.kind == "period" and row.start <= today <= row.end), None
    )
    if current_period is not None and not any(
        row.kind == "expiry" and row.end == current_period.end for row in rows
    ):
        # The engine names the end of the first period only; a renewed section's current
        # period ends too, unless renewed again, and that is the date advocates watch.
        rows.append(
            DeadlineRow(
                kind="expiry",
                heading=KIND_LABELS[ItemKind.EXPIRY],
                label=f"{result.title} ends at the end of this day unless it is renewed.",
                source=current_period.source,
                start=current_period.end,
                end=current_period.end,
                sequence=current_period.sequence,
            )
        )
    still_relevant = [row for row in rows if row.end >= today and row.kind != "period"]
    past = [row for row in rows if row.end < today and row.kind != "period"]
    return CaseDeadlines(
        status_title=result.title,
        current_period=current_period,
        rows=sorted(still_relevant, key=lambda row: (row.start, row.end)),
        past_rows=sorted(past, key=lambda row: (row.start, row.end)),
        notes=list(result.notes),
    )


@dataclass(frozen=True)
class UpcomingDeadline:
    case: Case
    due_on: date
    what: str
    row: DeadlineRow


def upcoming(
    case: Case, found: CaseDeadlines, today: date, horizon: date
) -> list[UpcomingDeadline]:
    """Dates falling between today and the horizon: a single date, or a window opening or
    closing."""
    items = []
    for row in found.rows:
        if not row.is_window:
            if today <= row.end <= horizon:
                items.append(UpcomingDeadline(case, row.end, row.heading, row))
            continue
        if today < row.start <= horizon:
            items.append(UpcomingDeadline(case, row.start, f"{row.heading} opens", row))
        if today <= row.end <= horizon:
            items.append(UpcomingDeadline(case, row.end, f"{row.heading} closes", row))
    return items
