"""GOV.UK markup helpers for the hospital pages' selects, radios and file inputs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def hosp_widget(field: BoundField, base_class: str) -> SafeString:
    """Render a select or file input with its GOV.UK class, error class and aria wiring."""
    classes = [base_class]
    if field.errors:
        classes.append(f"{base_class}--error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    described_by = _described_by(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    return field.as_widget(attrs=attrs)


@register.simple_tag
def hosp_radio_options(field: BoundField) -> list[dict[str, Any]]:
    """The options of a radio field, the first one carrying the field's own id.

    The error summary links to the field's id, and GOV.UK expects that link to land on the
    first radio.
    """
    current = field.value()
    options = []
    for number, (value, label) in enumerate(field.field.choices, start=1):  # type: ignore[attr-defined]
        if value == "":
            continue
        options.append(
            {
                "id": field.auto_id if number == 1 else f"{field.auto_id}-{number}",
                "value": value,
                "label": label,
                "checked": current is not None and str(current) == str(value),
            }
        )
    return options


@register.filter
def hosp_day(value: date | None) -> str:
    """A date as people write it in letters: 5 March 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"
