"""Template helpers for the case pages: GOV.UK form rows, and small display helpers."""

from __future__ import annotations

from typing import Any

from django import forms, template

from imha.core.templatetags.govuk import FieldRow
from imha.referrals.templatetags.referral_forms import build_row

register = template.Library()


@register.simple_tag
def case_rows(form: forms.Form) -> list[FieldRow]:
    """Rows for every field, drawn as the referral forms draw theirs, so a question looks
    the same wherever it is asked."""
    return [build_row(form, name, {}) for name in form.fields]


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
