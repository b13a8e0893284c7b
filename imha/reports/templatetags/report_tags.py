"""Template helpers for the report pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def chart_for(charts: dict[str, Any], slug: str) -> Any:
    """The chart drawn for a table, or None when the table has no chart."""
    return charts.get(slug)


@dataclass(frozen=True)
class SelectOption:
    value: str
    label: str
    selected: bool


@register.simple_tag
def select_options(field: BoundField) -> list[SelectOption]:
    """The options of a select field, the chosen one marked, for writing the select by hand.

    Django's widget draws each option through a template of its own; for the quarter and
    hospital lists that took longer than all the rest of the page once its figures are
    cached.
    """
    current = field.value()
    chosen = "" if current is None else str(current)
    choices: Any = getattr(field.field, "choices", ())
    return [
        SelectOption(value=str(value), label=str(label), selected=str(value) == chosen)
        for value, label in choices
    ]
