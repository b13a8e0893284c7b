"""Template helpers that render Django form fields with GOV.UK Frontend markup."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def govuk_input(field: BoundField, extra_classes: str = "") -> SafeString:
    """Render a text-like input with the GOV.UK classes and the error and hint wiring.

    The error message and hint are linked with aria-describedby so a screen reader announces
    them with the field, as the GOV.UK pattern expects.
    """
    classes = ["govuk-input"]
    if extra_classes:
        classes.append(extra_classes)
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        classes.append("govuk-input--error")
        described_by.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
