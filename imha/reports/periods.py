"""Reporting periods: financial-year quarters and custom date ranges.

The council's financial year runs from 1 April to 31 March, so quarter 1 is April to June,
quarter 2 July to September, quarter 3 October to December and quarter 4 January to March.
A period covers whole days in UK time, from the first day to the last day inclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# Periods are days in England, as the rules engine counts them.
from imha.law.working_days import LONDON

# The first financial year offered in the quarter picker. Earlier periods can still be
# chosen as a custom date range.
FIRST_FINANCIAL_YEAR = 2020
QUARTER_KEY = re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$")


@dataclass(frozen=True)
class ReportPeriod:
    """The days a report covers, first and last inclusive."""

    first_day: date
    last_day: date
    label: str

    @property
    def starts_at(self) -> datetime:
        """Midnight UK time at the start of the first day."""
        return datetime.combine(self.first_day, time.min, tzinfo=LONDON)

    @property
    def ends_before(self) -> datetime:
        """Midnight UK time after the last day: moments in the period are before this."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=LONDON)

    @property
    def dates_label(self) -> str:
        return f"{_day(self.first_day)} to {_day(self.last_day)}"


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    """Quarter `quarter` (1 to 4) of the financial year starting in April of `year`."""

    year: int
    quarter: int

    @classmethod
    def containing(cls, day: date) -> FinancialQuarter:
        year = day.year if day.month >= 4 else day.year - 1
        quarter = (day.month - 4) % 12 // 3 + 1
        return cls(year, quarter)

    @classmethod
    def from_key(cls, key: str) -> FinancialQuarter | None:
        match = QUARTER_KEY.match(key.strip())
        if match is None:
            return None
        return cls(int(match["year"]), int(match["quarter"]))

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def first_day(self) -> date:
        month = 4 + 3 * (self.quarter - 1)
        return date(self.year + month // 13, (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> FinancialQuarter:
        if self.quarter == 4:
            return FinancialQuarter(self.year + 1, 1)
        return FinancialQuarter(self.year, self.quarter + 1)

    def previous(self) -> FinancialQuarter:
        if self.quarter == 1:
            return FinancialQuarter(self.year - 1, 4)
        return FinancialQuarter(self.year, self.quarter - 1)

    @property
    def label(self) -> str:
        months = f"{self.first_day:%B} to {self.last_day:%B %Y}"
        return f"Q{self.quarter} {self.year} to {self.year + 1} ({months})"

    def as_period(self) -> ReportPeriod:
        return ReportPeriod(self.first_day, self.last_day, self.label)


def last_complete_quarter(today: date) -> FinancialQuarter:
    """The most recent quarter whose last day is before today."""
    return FinancialQuarter.containing(today).previous()


def quarters_to_offer(today: date) -> list[FinancialQuarter]:
    """Every quarter from the first offered year up to the current one, newest first."""
    current = FinancialQuarter.containing(today)
    quarter = FinancialQuarter(FIRST_FINANCIAL_YEAR, 1)
    offered = []
    while quarter <= current:
        offered.append(quarter)
        quarter = quarter.next()
    return list(reversed(offered))


def custom_period(first_day: date, last_day: date) -> ReportPeriod:
    return ReportPeriod(first_day, last_day, f"{_day(first_day)} to {_day(last_day)}")


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
