"""Template helpers for the library pages: GOV.UK markup for form fields, sizes and dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.safestring import SafeString

from imha.resources import fields
from imha.resources.uploads import human_size

register = template.Library()


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def library_widget(field: BoundField, base_class: str) -> SafeString:
    """Render a textarea, select or file input with its GOV.UK class and aria wiring."""
    classes = [base_class]
    if field.errors:
        classes.append(f"{base_class}--error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    described_by = _described_by(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)


@register.filter
def described_by(field: BoundField) -> str:
    return _described_by(field)


@register.simple_tag
def choice_items(field: BoundField) -> list[dict[str, Any]]:
    """The options of a radios or checkboxes field. The first takes the field's own id, so
    the error summary's link lands on it as GOV.UK expects."""
    current = field.value()
    chosen = {str(v) for v in current} if isinstance(current, list | tuple) else {str(current)}
    items = []
    number = 0
    for value, label in field.field.choices:  # type: ignore[attr-defined]
        if value == "":
            continue
        number += 1
        items.append(
            {
                "id": field.auto_id if number == 1 else f"{field.auto_id}-{number}",
                "value": value,
                "label": label,
                "checked": current is not None and str(value) in chosen,
            }
        )
    return items


@register.simple_tag
def date_parts(field: BoundField) -> dict[str, str]:
    return fields.date_parts(field.value())


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
