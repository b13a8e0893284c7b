"""The shared GOV.UK field templates in includes/fields/: each wires its label, hint, error
message and aria-describedby the way GOV.UK Frontend does, whichever form it is used in.
Every page that uses them is also covered by its own tests and by the axe checks."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django import forms
from django.template.loader import render_to_string

from imha.core.templatetags.govuk import field_row
from imha.referrals.fields import DateField as ReferralDateField
from imha.resources.fields import GovukDateField


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=50, help_text="As on their letters")
    notes = forms.CharField(label="Notes", max_length=500, widget=forms.Textarea, required=False)
    colour = forms.ChoiceField(
        label="Colour", choices=[("", "Choose a colour"), ("red", "Red"), ("blue", "Blue")]
    )
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    extras = forms.MultipleChoiceField(
        label="Extras",
        choices=[("a", "Apples"), ("b", "Bananas")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose any",
    )
    agreed = forms.BooleanField(label="I agree", required=False)
    upload = forms.FileField(label="A file", required=False)
    born = GovukDateField(what="Date of birth", label="Date of birth", required=False)
    started = ReferralDateField("Start date", name_in_errors="Start date")


def draw(template: str, **context: object) -> str:
    return " ".join(render_to_string(f"includes/fields/{template}.html", context).split())


def bound(data: dict[str, object] | None = None) -> ExampleForm:
    form = ExampleForm(data)
    if data is not None:
        form.is_valid()
    return form


def test_a_text_input_is_described_by_its_hint_and_error():
    form = bound({"name": "x" * 60})
    html = draw("input", field=form["name"], input_class="govuk-input--width-20")
    assert '<div class="govuk-form-group govuk-form-group--error">' in html
    assert '<label class="govuk-label" for="id_name">Full name</label>' in html
    assert '<div id="id_name-hint" class="govuk-hint">As on their letters</div>' in html
    assert '<p id="id_name-error" class="govuk-error-message">' in html
    assert 'class="govuk-input govuk-input--width-20 govuk-input--error"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html


def test_a_textarea_has_no_maxlength_so_nothing_pasted_is_cut_off():
    html = draw("textarea", field=bound()["notes"], label_class="govuk-label--s")
    assert '<label class="govuk-label govuk-label--s" for="id_notes">Notes</label>' in html
    assert 'class="govuk-textarea"' in html
    assert "maxlength" not in html


def test_a_select_marks_the_chosen_option_and_its_error():
    form = bound({"colour": "blue"})
    html = draw("select", field=form["colour"])
    assert '<option value="blue" selected>Blue</option>' in html
    assert '<option value="red">Red</option>' in html
    assert 'id="id_colour"' in html and 'name="colour"' in html

    wrong = draw("select", field=bound({"colour": "green"})["colour"])
    assert 'class="govuk-select govuk-select--error"' in wrong
    assert 'aria-describedby="id_colour-error"' in wrong
    assert '<option value="" selected>Choose a colour</option>' not in wrong


def test_an_unchosen_select_selects_its_placeholder():
    html = draw("select", field=bound()["colour"])
    assert '<option value="" selected>Choose a colour</option>' in html
    assert " required" in html


def test_radios_describe_the_fieldset_and_the_first_takes_the_field_id():
    form = bound({"size": "l"})
    html = draw("radios", field=form["size"], size="m")
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">' in html
    assert 'id="id_size" name="size" type="radio" value="s">' in html
    assert 'id="id_size-2" name="size" type="radio" value="l" checked>' in html
    assert html.count("aria-describedby") == 0

    missing = draw("radios", field=bound({})["size"])
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_size-error">' in missing


def test_a_radios_question_can_be_the_page_heading():
    html = draw("radios", field=bound()["size"], heading=True, caption="A caption")
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">' in html
    assert '<span class="govuk-caption-l">A caption</span>' in html
    assert '<h1 class="govuk-fieldset__heading">Size</h1>' in html


def test_options_can_carry_hints_and_an_or():
    options = [
        {"id": "id_size", "value": "s", "label": "Small", "hint": "Fits a pocket"},
        {"id": "id_size-2", "value": "x", "label": "Not sure", "divider": True},
    ]
    html = draw("radios", field=bound()["size"], options=options)
    assert 'value="s" aria-describedby="id_size-item-hint">' in html
    assert (
        '<div id="id_size-item-hint" class="govuk-hint govuk-radios__hint">Fits a pocket</div>'
    ) in html
    assert '<div class="govuk-radios__divider">or</div>' in html


def test_checkboxes_keep_every_choice_ticked():
    html = draw("checkboxes", field=bound({"extras": ["a", "b"]})["extras"])
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_extras-hint">' in html
    assert 'id="id_extras" name="extras" type="checkbox" value="a" checked>' in html
    assert 'id="id_extras-2" name="extras" type="checkbox" value="b" checked>' in html


def test_a_single_checkbox_has_a_fieldset_only_with_a_legend():
    form = bound({"agreed": "on"})
    with_legend = draw("checkboxes", field=form["agreed"], legend="Agreement")
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s"> Agreement' in (
        with_legend
    )
    assert 'class="govuk-checkboxes govuk-checkboxes--small"' in with_legend
    assert 'id="id_agreed" name="agreed" type="checkbox" value="on" checked>' in with_legend

    alone = draw("checkboxes", field=form["agreed"])
    assert "fieldset" not in alone
    assert '<label class="govuk-label govuk-checkboxes__label" for="id_agreed">I agree</label>' in (
        alone
    )


def test_checkboxes_without_a_form_field():
    options = [{"id": "filter-a", "value": "a", "label": "Apples", "checked": True}]
    html = draw("checkboxes", name="fruit", legend="Fruit", options=options, small=True)
    assert "Fruit </legend>" in html
    assert 'id="filter-a" name="fruit" type="checkbox" value="a" checked>' in html
    assert 'class="govuk-checkboxes govuk-checkboxes--small"' in html
    assert "aria-describedby" not in html


def test_a_file_upload():
    html = draw("file", field=bound()["upload"])
    assert '<label class="govuk-label" for="id_upload">A file</label>' in html
    assert 'type="file" name="upload" class="govuk-file-upload"' in html


@pytest.mark.parametrize(
    ("name", "data", "names", "values"),
    [
        # A plain widget reads GOV.UK Frontend's names; a MultiWidget names its own boxes.
        ("born", {"born-day": "3", "born-month": "", "born-year": "1990"}, "-", ["3", "", "1990"]),
        (
            "started",
            {"started_day": "1", "started_month": "2", "started_year": "20"},
            "_",
            ["1", "2", "20"],
        ),
    ],
)
def test_a_date_input_keeps_what_was_typed_in_each_box(name, data, names, values):
    html = draw("date", field=bound(data)[name])
    assert f'<fieldset class="govuk-fieldset" role="group" aria-describedby="id_{name}-error">' in (
        html
    )
    ids = re.findall(r'<input [^>]*id="([^"]+)"', html)
    assert ids == [f"id_{name}", f"id_{name}-month", f"id_{name}-year"]
    assert re.findall(r'name="([^"]+)"', html) == [
        f"{name}{names}{part}"
        for part in (
            "day",
            "month",
            "year",
        )
    ]
    assert re.findall(r'value="([^"]*)"', html) == values
    assert html.count("govuk-input--error") == 3


def test_a_date_input_shows_a_saved_date():
    form = ExampleForm(initial={"born": date(1990, 3, 27), "started": date(2026, 11, 2)})
    assert re.findall(r'value="([^"]*)"', draw("date", field=form["born"])) == ["27", "3", "1990"]
    assert re.findall(r'value="([^"]*)"', draw("date", field=form["started"])) == [
        "2",
        "11",
        "2026",
    ]


def test_a_row_draws_the_template_its_widget_calls_for():
    form = bound()
    kinds = {
        name: field_row(form[name]).kind
        for name in ("name", "notes", "colour", "size", "extras", "agreed", "upload")
    }
    assert kinds == {
        "name": "input",
        "notes": "textarea",
        "colour": "select",
        "size": "radios",
        "extras": "checkboxes",
        "agreed": "checkboxes",
        "upload": "file",
    }
    # A date widget is the app's own, so its rows say so.
    assert field_row(form["started"], kind="date").template == "includes/fields/date.html"
    html = " ".join(
        render_to_string("includes/fields/row.html", {"row": field_row(form["size"])}).split()
    )
    assert 'id="id_size-2" name="size" type="radio" value="l">' in html
