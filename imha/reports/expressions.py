"""Database expressions the reports need that Django does not provide.

Working days between two dates are counted inside the database, so that the median
response time can be found by sorting there rather than by fetching every referral. The
count follows imha.law.working_days_between: the working days d with start < d <= end.

It works on day numbers (days since Monday 1 January 1990). The weekdays on or before day
N number 5 * (N div 7) + min(N mod 7 + 1, 5), because every whole week has five and the
days of the last part week are Monday first. Bank holidays on weekdays are then taken off
with one CASE expression over the (few) bank holidays in the reporting window, worked out
in Python from the same calendar the response clock uses.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Aggregate,
    Case,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.functions import Least
from django.db.models.lookups import GreaterThanOrEqual

from imha.law import Jurisdiction, is_working_day

DAY_ZERO = date(1990, 1, 1)  # a Monday, so day number mod 7 is the weekday (0 is Monday)


class DayNumber(Func):
    """Days from DAY_ZERO to a date expression, as an integer."""

    output_field = IntegerField()
    # PostgreSQL subtracts dates to give whole days.
    template = "(%(expressions)s - DATE '" + DAY_ZERO.isoformat() + "')"
    sqlite_template = (
        "CAST(julianday(%(expressions)s) - julianday('" + DAY_ZERO.isoformat() + "') AS INTEGER)"
    )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template=self.sqlite_template, **extra_context)


def weekdays_up_to(day_number: Expression) -> Expression:
    """Weekdays from DAY_ZERO up to and including the day.

    Integer division truncates on both databases, and day numbers here are never negative.
    The remainder is worked out by hand because SQLite's MOD returns a float.
    """
    whole_weeks = day_number / Value(7)
    days_into_week = day_number - Value(7) * whole_weeks
    return Value(5) * whole_weeks + Least(days_into_week + Value(1), Value(5))


def weekday_bank_holidays(first: date, last: date, region: Jurisdiction) -> list[date]:
    """Bank holidays falling Monday to Friday, first to last inclusive."""
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and not is_working_day(day, region)]


def bank_holidays_up_to(day_number: Expression, holidays: list[date]) -> Expression:
    """How many of `holidays` fall on or before the day (0 before the first of them)."""
    numbers = sorted((holiday - DAY_ZERO).days for holiday in holidays)
    if not numbers:
        return Value(0)
    whens = [
        When(GreaterThanOrEqual(day_number, Value(number)), then=Value(count))
        for count, number in reversed(list(enumerate(numbers, start=1)))
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def working_days_between(
    start: Expression | F, end: Expression | F, holidays: list[date]
) -> Expression:
    """Working days d with start < d <= end, for two date expressions.

    `holidays` must include every weekday bank holiday that can fall between them.
    """
    start_number = DayNumber(start)
    end_number = DayNumber(end)
    weekdays = weekdays_up_to(end_number) - weekdays_up_to(start_number)
    holiday_days = bank_holidays_up_to(end_number, holidays) - bank_holidays_up_to(
        start_number, holidays
    )
    return weekdays - holiday_days


class Median(Aggregate):
    """PostgreSQL's exact median (the middle value, or halfway between the two middle ones)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False
