"""GOV.UK Frontend markup for Django form fields.

The templates in includes/fields/ draw each kind of question the way GOV.UK Frontend's
macros do; everything they need that takes more than a lookup (which option is checked,
which ids a control is described by, the three boxes of a date) is worked out here, so
that every form in the service wires labels, hints and errors the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

SELECTED = SafeString(" selected")


def described_by(bound: BoundField | str) -> str:
    """The ids of the field's hint and error message, which GOV.UK puts in the control's
    (or the fieldset's) aria-describedby so that screen readers read them with it."""
    if not isinstance(bound, BoundField):
        return ""
    ids = []
    if bound.help_text:
        ids.append(f"{bound.auto_id}-hint")
    if bound.errors:
        ids.append(f"{bound.auto_id}-error")
    return " ".join(ids)


register.filter("govuk_described_by", described_by)


def kind_of(bound: BoundField) -> str:
    """Which template in includes/fields/ draws the field, from its widget. A single
    checkbox (a BooleanField) is drawn as checkboxes with one option."""
    widget = bound.field.widget
    # CheckboxSelectMultiple is a kind of RadioSelect, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


# --- one control beside a label: text inputs, textareas, selects and file uploads ------------


@register.simple_tag
def govuk_control(bound: BoundField, govuk_class: str, extra_classes: str = "") -> SafeString:
    """The field's control with its GOV.UK class (`govuk-input`, `govuk-textarea`,
    `govuk-select` or `govuk-file-upload`), that class's error modifier when the field has
    errors, any `extra_classes` (such as a width), and aria-describedby."""
    classes = [govuk_class, *extra_classes.split()]
    if bound.errors:
        classes.append(f"{govuk_class}--error")
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    if ids := described_by(bound):
        attrs["aria-describedby"] = ids
    widget = bound.field.widget
    if isinstance(widget, forms.Textarea):
        # GOV.UK asks for no maxlength on a textarea: text pasted past it is cut off without
        # a word. The form's own error message says how long it may be.
        attrs["maxlength"] = False
    if isinstance(widget, forms.Select):
        return _select(bound, widget, attrs)
    return bound.as_widget(attrs=attrs)


def _attributes(attrs: Mapping[str, Any]) -> SafeString:
    """HTML attributes as Django's widget templates write them: True alone, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


def _select(bound: BoundField, widget: forms.Select, attrs: dict[str, Any]) -> SafeString:
    """The select written here rather than by Django's widget templates, which draw each
    option through a template of its own: for a list of a few dozen hospitals that took
    longer than the rest of the page. The attributes are those Django would give it."""
    final = widget.build_attrs(widget.attrs, bound.build_widget_attrs(attrs, widget))
    if bound.auto_id and "id" not in widget.attrs:
        final.setdefault("id", bound.auto_id)
    if widget.allow_multiple_selected:
        final["multiple"] = True
    chosen = set(widget.format_value(bound.value()))
    selected_one = False

    def option(value: Any, label: Any) -> SafeString:
        nonlocal selected_one
        text = "" if value is None else str(value)
        # As Django does, only the first match is selected unless several may be.
        selected = text in chosen and (widget.allow_multiple_selected or not selected_one)
        selected_one = selected_one or selected
        return format_html(
            '<option value="{}"{}>{}</option>', text, SELECTED if selected else "", label
        )

    def options(choices: Iterable[tuple[Any, Any]]) -> SafeString:
        return format_html_join(
            "\n",
            "{}",
            (
                (
                    format_html('<optgroup label="{}">{}</optgroup>', value, options(label))
                    if isinstance(label, list | tuple)
                    else option(value, label),
                )
                for value, label in choices
            ),
        )

    return format_html(
        '<select name="{}"{}>\n{}\n</select>',
        bound.html_name,
        _attributes(final),
        options(widget.choices),
    )


# --- radios and checkboxes ---------------------------------------------------------------------


@dataclass
class Choice:
    """One radio or checkbox. `reveal` is a FieldRow for a follow-up question shown under
    this option; `divider` draws GOV.UK's "or" before it (radios only)."""

    id: str
    value: str
    label: str
    checked: bool = False
    hint: str = ""
    divider: bool = False
    reveal: FieldRow | None = None


def choices_for(bound: BoundField) -> list[Choice]:
    """The options of a radios, checkboxes or single-checkbox field. The first takes the
    field's own id, which the error summary links to, as GOV.UK expects."""
    widget = bound.field.widget
    value = bound.value()
    if isinstance(widget, forms.CheckboxInput):
        return [Choice(bound.auto_id, "on", str(bound.label), widget.check_test(value))]
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    options = [
        (str(option_value), str(label))
        for option_value, label in bound.field.choices  # type: ignore[attr-defined]
        # A blank choice is how a select says "nothing chosen"; radios leave all unchecked.
        if str(option_value) != ""
    ]
    return [
        Choice(
            bound.auto_id if number == 1 else f"{bound.auto_id}-{number}",
            option_value,
            label,
            checked=value is not None and option_value in chosen,
        )
        for number, (option_value, label) in enumerate(options, start=1)
    ]


def _get(option: Any, name: str, default: Any = "") -> Any:
    if isinstance(option, Mapping):
        return option.get(name, default)
    return getattr(option, name, default)


@dataclass(frozen=True)
class ChoiceItem:
    id: str
    value: str
    label: str
    checked: bool
    hint: str
    divider: bool
    reveal: Any
    described_by: str


@dataclass(frozen=True)
class ChoiceGroup:
    # A single checkbox (a BooleanField) is a yes-or-no aside to its form, not a question
    # with answers to choose from, so it is drawn small.
    single: bool
    fieldset: bool
    legend: str
    name: str
    described_by: str
    items: list[ChoiceItem]


@register.simple_tag
def govuk_choice_group(
    bound: BoundField | str,
    options: Iterable[Any] | str = "",
    legend: str = "",
    name: str = "",
) -> ChoiceGroup:
    """What includes/fields/radios.html and checkboxes.html draw. `options` replaces the
    field's own choices (objects or dicts with id, value, label, checked and optionally
    hint, divider and reveal); without a form field, `name` and `legend` say what to call
    the inputs and the group.

    As in GOV.UK Frontend, the hint and error describe the fieldset; a single checkbox
    without a `legend` has no fieldset, so they describe the checkbox itself.
    """
    field = bound if isinstance(bound, BoundField) else None
    single = field is not None and isinstance(field.field.widget, forms.CheckboxInput)
    fieldset = bool(legend) or not single
    group_ids = described_by(field) if field is not None else ""
    chosen = list(options) if options else (choices_for(field) if field is not None else [])
    items = []
    for option in chosen:
        hint = str(_get(option, "hint") or "")
        ids = [] if fieldset or not group_ids else [group_ids]
        if hint:
            ids.append(f"{_get(option, 'id')}-item-hint")
        items.append(
            ChoiceItem(
                id=_get(option, "id"),
                value=str(_get(option, "value")),
                label=str(_get(option, "label")),
                checked=bool(_get(option, "checked", False)),
                hint=hint,
                divider=bool(_get(option, "divider", False)),
                reveal=_get(option, "reveal", None),
                described_by=" ".join(ids),
            )
        )
    return ChoiceGroup(
        single=single,
        fieldset=fieldset,
        legend=legend or (str(field.label) if field is not None else ""),
        name=name or (field.html_name if field is not None else ""),
        described_by=group_ids,
        items=items,
    )


# --- dates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatePart:
    label: str
    id: str
    name: str
    value: str
    width: int


@register.simple_tag
def govuk_date_parts(bound: BoundField) -> list[DatePart]:
    """The day, month and year boxes of a GOV.UK date input. The day box takes the field's
    own id, which the error summary links to.

    A MultiWidget names its boxes itself (Django's `<name>_day`); any other date widget reads
    the names GOV.UK Frontend gives them, `<name>-day`.
    """
    widget = bound.field.widget
    names = ("day", "month", "year")
    if isinstance(widget, forms.MultiWidget):
        # Set by MultiWidget.__init__ ("_day", or "_0" for unnamed widgets); not in the stubs.
        suffixes = list(widget.widgets_names)  # type: ignore[attr-defined]
    else:
        suffixes = [f"-{part}" for part in names]
    value = bound.value()
    parts: list[Any]
    if isinstance(value, list | tuple):
        parts = list(value)
    elif isinstance(widget, forms.MultiWidget):
        parts = list(widget.decompress(value) or [None, None, None])
    elif isinstance(value, date):
        parts = [value.day, value.month, value.year]
    else:
        parts = [None, None, None]
    return [
        DatePart(
            label=part.capitalize(),
            id=bound.auto_id if part == "day" else f"{bound.auto_id}-{part}",
            name=f"{bound.html_name}{suffix}",
            value="" if shown is None else str(shown),
            width=4 if part == "year" else 2,
        )
        for part, suffix, shown in zip(names, suffixes, parts, strict=True)
    ]


# --- whole forms -------------------------------------------------------------------------------


@dataclass
class FieldRow:
    """One question of a form drawn field by field (includes/fields/row.html): which
    template draws it, and how."""

    field: BoundField
    kind: str
    input_class: str = ""
    label_class: str = ""
    # The question is the page's heading: its legend is the h1.
    heading: bool = False
    options: list[Choice] = dataclass_field(default_factory=list)

    @property
    def template(self) -> str:
        return f"includes/fields/{self.kind}.html"


def field_row(bound: BoundField, **presentation: Any) -> FieldRow:
    """A row for `bound`, drawn by the template its widget calls for unless `kind` says
    otherwise (a date widget of the app's own, say)."""
    kind = presentation.pop("kind", None) or kind_of(bound)
    row = FieldRow(field=bound, kind=kind, **presentation)
    if kind in ("radios", "checkboxes") and not row.options:
        row.options = choices_for(bound)
    return row
