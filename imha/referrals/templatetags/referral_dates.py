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
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local:%a} {local.day} {local:%b %Y}, {_clock_time(local)}"
