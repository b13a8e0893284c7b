"""Template helpers for the hospital pages. Form fields are drawn by the shared templates in
includes/fields/."""

from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def hosp_day(value: date | None) -> str:
    """A date as people write it in letters: 5 March 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"
