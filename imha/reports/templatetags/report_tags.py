"""Template helpers for the report pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def chart_for(charts: dict[str, Any], slug: str) -> Any:
    """The chart drawn for a table, or None when the table has no chart."""
    return charts.get(slug)
