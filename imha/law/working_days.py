"""Working days for the referral response clock.

A working day is Monday to Friday and not a bank holiday in the chosen nation.
Bank holidays come from the `holidays` package, which computes them offline
(including substitute days such as Monday 28 December 2026 for Boxing Day), so
nothing here needs the network.

Counting convention (used by every function in this module): adding n working
days to a date moves to the n-th working day strictly after it, and
`working_days_between(start, end)` counts the working days d with
start < d <= end.  The two are inverses: for any start,
working_days_between(start, add_working_days(start, n)) == n when n >= 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from .errors import LawInputError
from .jurisdiction import Jurisdiction

LONDON = ZoneInfo("Europe/London")
DEFAULT_CUTOFF = time(17, 0)
DEFAULT_RESPONSE_WORKING_DAYS = 3


@cache
def _bank_holidays(region: Jurisdiction) -> holidays.HolidayBase:
    # One calendar object per nation: it fills in further years lazily as dates
    # from those years are looked up, so caching it keeps lookups cheap.
    return holidays.country_holidays("GB", subdiv=region.holidays_subdivision)


def is_working_day(day: date, region: str | Jurisdiction = Jurisdiction.ENGLAND) -> bool:
    """True when `day` is a weekday that is not a bank holiday in `region`."""
    nation = Jurisdiction.parse(region, "region")
    return day.weekday() < 5 and day not in _bank_holidays(nation)


def bank_holiday_name(day: date, region: str | Jurisdiction = Jurisdiction.ENGLAND) -> str | None:
    """The bank holiday's name when `day` is one in `region`, else None."""
    nation = Jurisdiction.parse(region, "region")
    name: str | None = _bank_holidays(nation).get(day)
    return name


def next_working_day(day: date, region: str | Jurisdiction = Jurisdiction.ENGLAND) -> date:
    """The first working day strictly after `day`."""
    return add_working_days(day, 1, region)


def add_working_days(
    start: date, n: int, region: str | Jurisdiction = Jurisdiction.ENGLAND
) -> date:
    """Move `n` working days on from `start` (backwards when `n` is negative).

    `start` itself is never counted, so it need not be a working day; n == 0
    returns `start` unchanged.
    """
    nation = Jurisdiction.parse(region, "region")
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    current = start
    while remaining:
        current += step
        if is_working_day(current, nation):
            remaining -= 1
    return current


def working_days_between(
    start: date, end: date, region: str | Jurisdiction = Jurisdiction.ENGLAND
) -> int:
    """Count working days d with start < d <= end (negative if end is before start)."""
    nation = Jurisdiction.parse(region, "region")
    if end < start:
        return -working_days_between(end, start, nation)
    # Whole weeks contribute five weekdays each; only the leftover days and the
    # bank holidays need looking at one by one, which keeps long spans fast.
    span = (end - start).days
    whole_weeks, leftover = divmod(span, 7)
    weekdays = whole_weeks * 5
    for offset in range(1, leftover + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            weekdays += 1
    calendar = _bank_holidays(nation)
    for year in range(start.year, end.year + 1):
        calendar.get(date(year, 1, 1))  # make sure every year in range is populated
    weekday_holidays = sum(
        1 for holiday in calendar if start < holiday <= end and holiday.weekday() < 5
    )
    return weekdays - weekday_holidays


def to_london(moment: datetime) -> datetime:
    """Express `moment` in UK local time.

    Naive datetimes are taken to be UK local time already (that is what a
    member of staff typing a time means); aware ones are converted.
    """
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        return moment.replace(tzinfo=LONDON)
    return moment.astimezone(LONDON)


def receipt_working_day(
    received_at: datetime,
    cutoff: time = DEFAULT_CUTOFF,
    region: str | Jurisdiction = Jurisdiction.ENGLAND,
) -> date:
    """The working day a referral counts as received on.

    A referral that arrives on a working day before the cutoff counts that day.
    One that arrives at or after the cutoff, or on a weekend or bank holiday,
    counts from the next working day: nobody is in the office to pick it up.
    """
    nation = Jurisdiction.parse(region, "region")
    local = to_london(received_at)
    day = local.date()
    if is_working_day(day, nation) and local.timetz().replace(tzinfo=None) < cutoff:
        return day
    return next_working_day(day, nation)


@dataclass(frozen=True)
class ResponseDue:
    """When a referral must be answered, and how that was worked out."""

    received_at: datetime
    counted_as_received_on: date
    working_days: int
    due_date: date
    due_at: datetime
    region: Jurisdiction


def respond_by(
    received_at: datetime,
    working_days: int = DEFAULT_RESPONSE_WORKING_DAYS,
    cutoff: time = DEFAULT_CUTOFF,
    region: str | Jurisdiction = Jurisdiction.ENGLAND,
) -> ResponseDue:
    """The deadline for answering a referral.

    Received on working day D before the cutoff, the answer is due by the cutoff
    time at the end of working day D + `working_days`.
    """
    if working_days < 0:
        raise LawInputError("working_days", "must be zero or more")
    nation = Jurisdiction.parse(region, "region")
    received_on = receipt_working_day(received_at, cutoff, nation)
    due_date = add_working_days(received_on, working_days, nation)
    due_at = datetime.combine(due_date, cutoff, tzinfo=LONDON)
    return ResponseDue(
        received_at=to_london(received_at),
        counted_as_received_on=received_on,
        working_days=working_days,
        due_date=due_date,
        due_at=due_at,
        region=nation,
    )
