"""Statutory dates for a case, from the rules engine (`imha.law.compute_deadlines`).

Two views of the same dates:

- `deadlines_for` works out everything for one legal status period when a case page is
  shown, so the panel there is always the engine's latest word.
- `events_for` turns the same rows into the single days a caseload lists ("Ends", "Tribunal
  application window opens", ...). `imha.cases.stored_deadlines` keeps these as
  `CaseDeadline` rows so a caseload of hundreds of cases is one indexed query instead of
  hundreds of engine calls. `is_shown` is the rule for which of them a caseload lists on a
  given day; the stored query applies the same rule in SQL, and `upcoming` is the same
  answer worked out live, used for cases whose stored dates have run out.

Nothing the engine returns depends on the day it is asked: more periods only add rows
after the ones already listed. What depends on today is which rows are still to come,
and which period is current. So stored dates are every event from the day they were
written to a horizon (`STORED_DAYS_AHEAD`), filtered by today when read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
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
# How far past the day they are written stored dates go. A case whose legal status does
# not change for this long has its dates worked out live (and `rebuild_case_deadlines
# --only-expiring` renews them); two years keeps the table small, since almost every case
# closes or changes status well before then.
STORED_DAYS_AHEAD = 731

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


@dataclass(frozen=True)
class EngineRows:
    title: str
    rows: list[DeadlineRow]
    notes: list[str]


def _request(
    period: LegalStatusPeriod, date_of_birth: date | None, periods: int
) -> DeadlineRequest:
    # Only plain fields are read (no model properties), so a data migration can pass its
    # historical model instances.
    start: date | datetime = period.started_on
    if period.started_at_time is not None:
        start = datetime.combine(period.started_on, period.started_at_time)
    return DeadlineRequest(
        status=period.status_code,
        start=start,
        periods=periods,
        admission_date=period.admitted_on,
        tribunal_applied_in_first_six_months=period.tribunal_applied_in_first_six_months,
        last_tribunal_consideration=period.last_tribunal_consideration_on,
        date_of_birth=date_of_birth,
        first_medication=period.first_medication_on,
    )


def engine_rows(period: LegalStatusPeriod, date_of_birth: date | None, reach: date) -> EngineRows:
    """Every row the engine gives for the period, listing enough periods (or tribunal
    windows) to reach `reach`. Raises LawInputError when the engine cannot work the status
    out (informal, section 17 leave, an hour-based power recorded without a time).

    Only the numbered rows (periods, renewal examinations, tribunal windows) grow with the
    number of periods asked for, so only they decide whether to ask for more: a reference
    date years ahead must not stop the list short of today.
    """
    periods = FIRST_TRY_PERIODS
    while True:
        result = compute_deadlines(_request(period, date_of_birth, periods))
        rows = [_row(item) for item in result.items]
        numbered = [row for row in rows if row.sequence is not None]
        listed_all = max((row.sequence or 0 for row in numbered), default=0) < periods
        reached = max((row.end for row in numbered), default=reach) >= reach
        if listed_all or reached or periods >= MAX_PERIODS:
            return EngineRows(title=result.title, rows=rows, notes=list(result.notes))
        periods = min(MAX_PERIODS, periods * 2)


def deadlines_for(
    period: LegalStatusPeriod, date_of_birth: date | None, today: date
) -> CaseDeadlines:
    """The statutory dates for a legal status period, split into current and past ones."""
    try:
        found = engine_rows(period, date_of_birth, today + LOOK_AHEAD)
    except LawInputError as error:
        return CaseDeadlines(
            status_title=period.title,
            current_period=None,
            rows=[],
            past_rows=[],
            notes=[],
            problem=error.message,
        )
    rows = found.rows
    current_period = next(
        (row for row in rows if row.kind == "period" and row.start <= today <= row.end), None
    )
    if current_period is not None and not _has_expiry_on(rows, current_period.end):
        # The engine names the end of the first period only; a renewed section's current
        # period ends too, unless renewed again, and that is the date advocates watch.
        rows.append(
            DeadlineRow(
                kind="expiry",
                heading=KIND_LABELS[ItemKind.EXPIRY],
                label=f"{found.title} ends at the end of this day unless it is renewed.",
                source=current_period.source,
                start=current_period.end,
                end=current_period.end,
                sequence=current_period.sequence,
            )
        )
    still_relevant = [row for row in rows if row.end >= today and row.kind != "period"]
    past = [row for row in rows if row.end < today and row.kind != "period"]
    return CaseDeadlines(
        status_title=found.title,
        current_period=current_period,
        rows=sorted(still_relevant, key=lambda row: (row.start, row.end)),
        past_rows=sorted(past, key=lambda row: (row.start, row.end)),
        notes=found.notes,
    )


def _has_expiry_on(rows: list[DeadlineRow], day: date) -> bool:
    return any(row.kind == ItemKind.EXPIRY.value and row.end == day for row in rows)


class EventPoint(StrEnum):
    """Which end of a date an event is: a single date, or a window opening or closing."""

    DATE = "date"
    OPENS = "opens"
    CLOSES = "closes"


def event_title(kind: str, point: str) -> str:
    """What a caseload says about an event, such as "Tribunal application window opens"."""
    heading = KIND_LABELS[ItemKind(kind)]
    return heading if point == EventPoint.DATE else f"{heading} {point}"


@dataclass(frozen=True)
class StatutoryEvent:
    """One day a caseload may list. `shown_from` is set for the end of a period that is
    not the first: a caseload names it only once that period has begun, as the case page
    does ("the date advocates watch" is the end of the period now running)."""

    due_on: date
    kind: str
    point: EventPoint
    shown_from: date | None = None

    @property
    def title(self) -> str:
        return event_title(self.kind, self.point)


def events_for(
    period: LegalStatusPeriod, date_of_birth: date | None, first_day: date, last_day: date
) -> list[StatutoryEvent]:
    """The caseload events for a period falling from first_day to last_day inclusive, or
    none when the engine cannot work the status out (the case page says why)."""
    try:
        rows = engine_rows(period, date_of_birth, last_day).rows
    except LawInputError:
        return []
    events: list[StatutoryEvent] = []
    expiry_days = {row.end for row in rows if row.kind == ItemKind.EXPIRY.value}
    for row in rows:
        if row.kind == ItemKind.PERIOD.value:
            # The engine names only the first period's end; each later one ends too.
            if row.end not in expiry_days:
                events.append(
                    StatutoryEvent(row.end, ItemKind.EXPIRY.value, EventPoint.DATE, row.start)
                )
        elif row.is_window:
            events.append(StatutoryEvent(row.start, row.kind, EventPoint.OPENS))
            events.append(StatutoryEvent(row.end, row.kind, EventPoint.CLOSES))
        else:
            events.append(StatutoryEvent(row.end, row.kind, EventPoint.DATE))
    return [event for event in events if first_day <= event.due_on <= last_day]


def is_shown(event: StatutoryEvent, today: date, horizon: date) -> bool:
    """Whether a caseload lists the event today: it falls from today to the horizon, a
    window opening today is already open so is not news, and a later period's end waits
    until that period begins. `stored_deadlines.shown_between` is the same rule in SQL."""
    if not today <= event.due_on <= horizon:
        return False
    if event.point == EventPoint.OPENS and event.due_on == today:
        return False
    return event.shown_from is None or event.shown_from <= today


@dataclass(frozen=True)
class UpcomingDeadline:
    case: Case
    due_on: date
    what: str


def upcoming(
    case: Case, found: CaseDeadlines, today: date, horizon: date
) -> list[UpcomingDeadline]:
    """Dates falling between today and the horizon, worked out live: a single date, or a
    window opening or closing."""
    items = []
    for row in found.rows:
        if not row.is_window:
            if today <= row.end <= horizon:
                items.append(UpcomingDeadline(case, row.end, row.heading))
            continue
        if today < row.start <= horizon:
            items.append(UpcomingDeadline(case, row.start, f"{row.heading} opens"))
        if today <= row.end <= horizon:
            items.append(UpcomingDeadline(case, row.end, f"{row.heading} closes"))
    return items
