"""Template helpers for the case pages: GOV.UK form rows, and small display helpers."""

from __future__ import annotations

from typing import Any

from django import forms, template

from imha.referrals.templatetags.referral_forms import FieldRow, build_row

register = template.Library()


def _row(form: forms.Form, name: str) -> FieldRow:
    bound = form[name]
    widget = bound.field.widget
    # Selects, file inputs and single checkboxes have their own GOV.UK markup; everything
    # else (text, textareas, radios, checkboxes, dates) uses the referral form's rows.
    if isinstance(widget, forms.Select):
        return FieldRow(field=bound, kind="select")
    if isinstance(widget, forms.FileInput):
        return FieldRow(field=bound, kind="file")
    if isinstance(widget, forms.CheckboxInput):
        return FieldRow(field=bound, kind="checkbox")
    return build_row(form, name, {})


@register.simple_tag
def case_rows(form: forms.Form) -> list[FieldRow]:
    return [_row(form, name) for name in form.fields]


@register.filter
def minutes_as_hours(minutes: Any) -> str:
    """45 -> "45 minutes", 90 -> "1 hour 30 minutes"."""
    try:
        total = int(minutes or 0)
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
