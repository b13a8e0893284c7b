"""Prepare form fields for the GOV.UK radios, checkboxes, date and textarea templates.

The templates stay free of logic: everything they need (which option is checked, which
follow-up question an option reveals, which ids to link errors to) is worked out here.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, cast

from django import forms, template
from django.forms import BoundField

from imha.referrals import fields as referral_fields

register = template.Library()

# Options shown after an "or" divider, because they mean "none of the above".
OPTIONS_AFTER_DIVIDER = {"dont_know", "elsewhere"}


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool
    divider_before: bool = False
    reveal: FieldRow | None = None


@dataclass
class FieldRow:
    field: BoundField
    kind: str
    is_page_heading: bool = False
    input_class: str = ""
    options: list[Option] = dataclass_field(default_factory=list)
    date_parts: list[Any] = dataclass_field(default_factory=list)

    @property
    def described_by(self) -> str:
        ids = []
        if self.field.help_text:
            ids.append(f"{self.field.auto_id}-hint")
        if self.field.errors:
            ids.append(f"{self.field.auto_id}-error")
        return " ".join(ids)


def kind_of(bound: BoundField) -> str:
    widget = bound.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it must be tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, referral_fields.DateWidget):
        return "date"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


def input_class_for(bound: BoundField) -> str:
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
    row = FieldRow(
        field=bound,
        kind=kind_of(bound),
        is_page_heading=getattr(form, "question_field", None) == name,
        input_class=input_class_for(bound),
    )
    if row.kind in ("radios", "checkboxes"):
        value = bound.value()
        chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        revealed_by_option = reveals.get(name, {})
        choices = list(bound.field.choices)  # type: ignore[attr-defined]
        for index, (option_value, label) in enumerate(choices):
            option_id = bound.auto_id if index == 0 else f"{bound.auto_id}-{index + 1}"
            revealed = revealed_by_option.get(str(option_value))
            row.options.append(
                Option(
                    value=str(option_value),
                    label=str(label),
                    id=option_id,
                    checked=str(option_value) in chosen,
                    divider_before=str(option_value) in OPTIONS_AFTER_DIVIDER and index > 0,
                    reveal=build_row(form, revealed, {}) if revealed in form.fields else None,
                )
            )
    elif row.kind == "date":
        value = bound.value()
        widget = cast(referral_fields.DateWidget, bound.field.widget)
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        row.date_parts = ["" if part is None else part for part in parts]
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
