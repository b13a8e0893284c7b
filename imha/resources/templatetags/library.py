"""Template helpers for the library pages: file sizes, dates, times and paragraphs. Form
fields are drawn by the shared templates in includes/fields/."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from imha.resources.uploads import human_size

register = template.Library()


@register.filter
def file_size(size_bytes: int) -> str:
    return human_size(size_bytes)


@register.filter
def day_month_year(value: date | datetime | None) -> str:
    """A date as people write it: 5 March 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def clock_time(value: datetime | None) -> str:
    """A time as GOV.UK writes it: 2pm, 10:30am, midday."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


@register.filter
def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
