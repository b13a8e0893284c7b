"""Dates and times written the GOV.UK way: "5pm", "9:30am", "Tuesday 16 June 2026".

Django's own "a" format gives "p.m.", which the GOV.UK style guide avoids.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def plain_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return _clock_time(timezone.localtime(moment) if timezone.is_aware(moment) else moment)


def _clock_time(local: datetime) -> str:
    """`plain_time` of a time already in the local zone: converting again would only cost."""
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


@register.filter
def plain_datetime(moment: datetime | None) -> str:
    """For example "5pm on Tuesday 16 June 2026"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{_clock_time(local)} on {local:%A} {local.day} {local:%B %Y}"


@register.filter
def short_datetime(moment: datetime | None) -> str:
    """For tables: "Tue 16 Jun 2026, 5pm"."""
    if moment is None:
        return ""
    return short_local_datetime(timezone.localtime(moment) if timezone.is_aware(moment) else moment)


# The names strftime's %a and %b give, for the dates of table rows: looking them up is a
# fraction of the cost of formatting them, and a table of 50 rows has 50 dates.
DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def short_local_datetime(local: datetime) -> str:
    """`short_datetime` of a time already in the local zone, for a table's rows: each row
    converts its time in the zone the table looked up once, rather than looking it up again."""
    return (
        f"{DAY_ABBREVIATIONS[local.weekday()]} {local.day}"
        f" {MONTH_ABBREVIATIONS[local.month - 1]} {local.year}, {_clock_time(local)}"
    )
