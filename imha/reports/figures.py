"""The quarterly return as data: what the page, the CSV and the spreadsheet all show.

`imha.reports.selectors.quarterly_return` fills these in with exact figures;
`imha.reports.suppression.suppressed` returns a copy with small numbers hidden. A hidden
figure keeps no value at all, so nothing that renders it can leak the number by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from imha.reports.periods import LONDON, ReportPeriod

# Activity types (imha.cases.models.ActivityKind values) that are hearings.
HEARING_KINDS = ("tribunal_hearing", "managers_hearing")
SMALL_NUMBER_LIMIT = 5  # counts from 1 to 4 are "small numbers"
SMALL_NUMBER_TEXT = "<5"
SMALL_NUMBER_WORDS = "fewer than 5"
HIDDEN_TEXT = "[c]"
HIDDEN_WORDS = "hidden so a figure marked <5 cannot be worked out"


class Shown(StrEnum):
    EXACT = "exact"
    SMALL = "small"  # primary suppression: the count is from 1 to 4
    HIDDEN = "hidden"  # secondary suppression: shown, it would give away a small count


@dataclass(frozen=True)
class Figure:
    """A count of people or records, or one that has been suppressed (value None)."""

    value: int | None
    shown: Shown = Shown.EXACT

    @classmethod
    def exact(cls, value: int) -> Figure:
        return cls(value, Shown.EXACT)

    @property
    def is_suppressed(self) -> bool:
        return self.shown != Shown.EXACT

    @property
    def display(self) -> str:
        """For people: thousands separated by commas, suppressed figures as <5 or [c]."""
        if self.shown == Shown.SMALL:
            return SMALL_NUMBER_TEXT
        if self.shown == Shown.HIDDEN or self.value is None:
            return HIDDEN_TEXT
        return f"{self.value:,}"

    @property
    def spoken(self) -> str:
        """The same, in words for screen readers and chart labels."""
        if self.shown == Shown.SMALL:
            return SMALL_NUMBER_WORDS
        if self.shown == Shown.HIDDEN or self.value is None:
            return "hidden"
        return f"{self.value:,}"

    @property
    def export_value(self) -> int | str:
        """For CSV and spreadsheets: the number itself, or the suppression marker."""
        if self.value is None or self.shown != Shown.EXACT:
            return SMALL_NUMBER_TEXT if self.shown == Shown.SMALL else HIDDEN_TEXT
        return self.value


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figure: Figure


@dataclass(frozen=True)
class Breakdown:
    """Counts by category. The categories never overlap, so the rows add up to the total."""

    slug: str
    title: str
    rows: tuple[Row, ...]
    total: Figure
    chart: bool = True

    @property
    def largest(self) -> int:
        shown = [row.figure.value or 0 for row in self.rows if not row.figure.is_suppressed]
        return max(shown, default=0)


@dataclass(frozen=True)
class Rate:
    """A percentage of `part` out of `whole`; suppressed whenever it could reveal a small
    count (see imha.reports.suppression)."""

    part: Figure
    whole: Figure
    suppressed: bool = False

    @property
    def percent(self) -> float | None:
        if self.suppressed or self.part.value is None or not self.whole.value:
            return None
        return 100 * self.part.value / self.whole.value

    @property
    def display(self) -> str:
        if self.suppressed:
            return "Not shown (small numbers)"
        percent = self.percent
        if percent is None:
            return "None due"
        return f"{percent:.1f}%"

    @property
    def export_value(self) -> float | str:
        percent = self.percent
        if percent is None:
            return self.display
        return round(percent, 1)


@dataclass(frozen=True)
class Median:
    """The median of a measure over `based_on` records; suppressed when they are 1 to 4."""

    value: float | None
    based_on: Figure
    unit: str
    suppressed: bool = False

    @property
    def display(self) -> str:
        if self.suppressed:
            return "Not shown (small numbers)"
        if self.value is None:
            return "None yet"
        return f"{_number(self.value)} {self.unit if self.value != 1 else self.unit[:-1]}"

    @property
    def export_value(self) -> float | str:
        if self.suppressed or self.value is None:
            return self.display
        return self.value


@dataclass(frozen=True)
class AdvocateTime:
    """Total minutes spent on `activities` activities (of one type, when `label` says)."""

    minutes: int | None
    activities: Figure
    label: str = "All activities"
    suppressed: bool = False

    @property
    def display(self) -> str:
        if self.suppressed:
            return "Not shown (small numbers)"
        minutes = self.minutes or 0
        hours, rest = divmod(minutes, 60)
        return f"{hours:,} hours {rest} minutes"

    @property
    def hours(self) -> float | str:
        if self.suppressed or self.minutes is None:
            return "Not shown (small numbers)"
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class ResponseTimes:
    """How quickly referrals received in the period were answered."""

    outcomes: Breakdown  # every referral received: answered in time, late, and so on
    answered_in_time: Rate
    median_working_days: Median


@dataclass(frozen=True)
class CaseCounts:
    open_at_end: Figure
    opened: Figure
    closed: Figure


@dataclass(frozen=True)
class HospitalDuty:
    """One hospital's record of telling qualifying patients about IMHAs in the period."""

    name: str
    became_qualifying: Figure
    deadline_reached: Figure
    told_verbally_in_time: Rate
    given_in_writing_in_time: Rate


@dataclass(frozen=True)
class QuarterlyReturn:
    period: ReportPeriod
    hospital_name: str | None
    generated_at: datetime
    is_suppressed: bool

    referrals_received: Figure
    referral_breakdowns: tuple[Breakdown, ...]
    response: ResponseTimes
    cases: CaseCounts
    cases_closed_by_reason: Breakdown
    activities_by_type: Breakdown
    minutes_by_type: tuple[AdvocateTime, ...]
    advocate_time: AdvocateTime
    outcomes: Breakdown
    people_supported: Figure
    equality: tuple[Breakdown, ...]
    duty_to_inform: tuple[HospitalDuty, ...]
    # The token of the data these figures were counted from (imha.core.freshness), set
    # when they are kept; empty for figures counted and not kept.
    data_version: str = ""

    @property
    def hearings_supported(self) -> tuple[Row, ...]:
        """The hearing rows of the activities table, suppressed exactly as they are there.

        They are taken from that table rather than counted again, so a figure hidden there
        cannot appear here.
        """
        return tuple(row for row in self.activities_by_type.rows if row.key in HEARING_KINDS)

    @property
    def area_label(self) -> str:
        return self.hospital_name or "All hospitals and the community"

    @property
    def calculated_at_label(self) -> str:
        """When the figures were counted, in UK time: "10:32 on 25 November 2026"."""
        moment = self.generated_at.astimezone(LONDON)
        return f"{moment:%H:%M} on {moment.day} {moment:%B %Y}"


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"
