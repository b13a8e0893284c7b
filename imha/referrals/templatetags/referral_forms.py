"""Rows for the referral forms, drawn by the shared GOV.UK field templates
(includes/fields/row.html).

What is particular to these forms is worked out here: the referral date widget, input widths
for the referral field types, the "or" before options meaning "none of the above", the
question that is the page's heading, and which follow-up question each option reveals.
"""

from __future__ import annotations

from django import forms, template

from imha.core.templatetags.govuk import FieldRow, field_row
from imha.referrals import fields as referral_fields

register = template.Library()

# Options shown after an "or" divider, because they mean "none of the above".
OPTIONS_AFTER_DIVIDER = {"dont_know", "elsewhere"}


def input_class_for(bound: forms.BoundField) -> str:
    form_field = bound.field
    if isinstance(form_field, referral_fields.TimeField):
        return "govuk-input--width-5"
    if isinstance(form_field, referral_fields.NhsNumberField):
        return "govuk-input--width-10"
    if isinstance(form_field, referral_fields.PhoneField):
        return "govuk-input--width-20"
    if isinstance(form_field, forms.EmailField):
        return ""
    return "govuk-!-width-two-thirds"


def build_row(form: forms.Form, name: str, reveals: dict[str, dict[str, str]]) -> FieldRow:
    bound = form[name]
    is_date = isinstance(bound.field.widget, referral_fields.DateWidget)
    row = field_row(
        bound,
        kind="date" if is_date else None,
        input_class=input_class_for(bound),
        heading=getattr(form, "question_field", None) == name,
    )
    if row.kind == "textarea":
        # Bold, like the legends of the radios and dates around it: a question of its own.
        row.label_class = "govuk-label--s"
    revealed_by_option = reveals.get(name, {})
    for index, choice in enumerate(row.options):
        choice.divider = choice.value in OPTIONS_AFTER_DIVIDER and index > 0
        revealed = revealed_by_option.get(choice.value)
        if revealed in form.fields:
            choice.reveal = build_row(form, revealed, {})
    return row


@register.simple_tag
def field_rows(form: forms.Form, names: list[str] | None = None) -> list[FieldRow]:
    """Rows for the named fields (all by default), leaving out follow-up questions, which
    appear inside the option that reveals them."""
    reveals: dict[str, dict[str, str]] = getattr(form, "reveals", {})
    revealed = {name for by_option in reveals.values() for name in by_option.values()}
    wanted = names if names is not None else list(form.fields)
    return [
        build_row(form, name, reveals)
        for name in wanted
        if name in form.fields and name not in revealed
    ]
