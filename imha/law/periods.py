"""Counting statutory periods.

The Mental Health Act measures most periods as "N days/months beginning with"
a day (for example s2(4): 28 days beginning with the day of admission).  The
rules applied here:

* "Beginning with" includes that day: it is day 1.  A period of 28 days
  beginning with 1 March ends at the end of 28 March.  (This is the settled
  reading of "beginning with", as opposed to "from" or "after": Trow v Ind
  Coope (West Midlands) Ltd [1967] 2 QB 899 (CA); Zoan v Rouamba [2000]
  1 WLR 1509 (CA).)
* A "month" is a calendar month (Interpretation Act 1978, s5 and Sch 1).
* Corresponding date rule (Dodds v Walker [1981] 1 WLR 1027 (HL)): a period of
  N months beginning with day D ends on the day before the day numbered D in
  the month N months later.  When that later month is too short to have a day
  D (e.g. D is 31 August and the later month is February), the period ends on
  the last day of that later month.  So six months beginning with 31 August
  2026 ends on 28 February 2027, not 27 February.
* Periods set in hours (s4, s5(2), s5(4), s135, s136, s17E) run from the
  moment stated in the Act, to the minute.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def shift_months(day: date, months: int) -> date:
    """The date `months` calendar months after `day`, clamped to month end.

    31 January + 1 month is 28 (or 29) February.  Negative `months` go back.
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def last_day_of_months_period(start: date, months: int) -> date:
    """Last day of a period of `months` calendar months beginning with `start`."""
    if months < 1:
        raise ValueError("a period of months must be at least one month long")
    month_index = start.year * 12 + (start.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    if start.day > days_in_month(year, month):
        # No corresponding day in the later month: the period runs to its end.
        return date(year, month, days_in_month(year, month))
    return date(year, month, start.day) - timedelta(days=1)


def last_day_of_days_period(start: date, days: int) -> date:
    """Last day of a period of `days` days beginning with `start` (start is day 1)."""
    if days < 1:
        raise ValueError("a period of days must be at least one day long")
    return start + timedelta(days=days - 1)
