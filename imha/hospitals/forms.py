from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from imha.hospitals.models import (
    Hospital,
    InformationMethod,
    QualifyingNotice,
    Understanding,
    WantsAdvocate,
    Ward,
)
from imha.hospitals.validation import clean_nhs_number, clean_status, parse_date
from imha.law import SECTIONS

DATE_HINT = "For example, 27/3/2026"


def status_choices() -> list[tuple[str, str]]:
    return [("", "Choose a status")] + [
        (section.code, f"{_display_code(section.code)}: {section.title}") for section in SECTIONS
    ]


def _display_code(code: str) -> str:
    if code.startswith("s") and code[1:2].isdigit():
        return "Section " + code[1:]
    return code.replace("_", " ").capitalize()


class UKDateField(forms.CharField):
    """A date typed into one box, read the way hospital staff write dates (day first)."""

    def __init__(self, *, what: str, allow_future: bool = False, **kwargs: Any) -> None:
        self.what = what
        self.allow_future = allow_future
        self.today = date.today()
        kwargs.setdefault("help_text", DATE_HINT)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> date | None:
        text = super().clean(value)
        if not text:
            return None
        return parse_date(text, what=self.what, today=self.today, allow_future=self.allow_future)


def set_today(form: forms.Form, today: date) -> None:
    for field in form.fields.values():
        if isinstance(field, UKDateField):
            field.today = today


class NoticeForm(forms.Form):
    patient_name = forms.CharField(
        label="Patient's full name",
        max_length=200,
        error_messages={"required": "Enter the patient's full name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    hospital_number = forms.CharField(
        label="Hospital number (optional)", max_length=40, required=False
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        max_length=20,
        required=False,
        help_text="10 digits, like 943 476 5919",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    date_of_birth = UKDateField(
        what="Date of birth", label="Date of birth (optional)", required=False
    )
    status = forms.ChoiceField(
        label="Mental Health Act status",
        choices=status_choices,
        error_messages={"required": "Choose the patient's Mental Health Act status"},
    )
    started_on = UKDateField(
        what="Start date",
        label="Date the status started",
        error_messages={"required": "Enter the date the status started"},
    )
    ward = forms.ModelChoiceField(
        label="Ward",
        queryset=Ward.objects.none(),
        empty_label="Choose a ward",
        error_messages={"required": "Choose the ward", "invalid_choice": "Choose a ward"},
    )
    responsible_clinician = forms.CharField(
        label="Responsible clinician",
        max_length=200,
        error_messages={"required": "Enter the responsible clinician's name"},
    )
    declined_referral = forms.BooleanField(
        label="The patient has said they do not want to be referred to the IMHA service",
        required=False,
    )

    def __init__(self, *args: Any, hospital: Hospital, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from imha.hospitals.selectors import wards_for_choice

        ward_field = self.fields["ward"]
        if isinstance(ward_field, forms.ModelChoiceField):
            ward_field.queryset = wards_for_choice(hospital.pk)
        if not hospital.automatic_referral_enabled:
            # Without automatic referral there is nothing to opt out of.
            del self.fields["declined_referral"]
        set_today(self, today)

    def clean_nhs_number(self) -> str:
        return clean_nhs_number(self.cleaned_data["nhs_number"])

    def clean_status(self) -> str:
        return clean_status(self.cleaned_data["status"]).code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        born, started = cleaned.get("date_of_birth"), cleaned.get("started_on")
        if born and started and born > started:
            self.add_error("date_of_birth", "Date of birth must be before the start date")
        return cleaned


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label="New Mental Health Act status",
        choices=status_choices,
        error_messages={"required": "Choose the new status"},
    )
    started_on = UKDateField(
        what="Start date",
        label="Date the new status started",
        error_messages={"required": "Enter the date the new status started"},
    )

    def __init__(self, *args: Any, notice: QualifyingNotice, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice
        set_today(self, today)

    def clean_status(self) -> str:
        return clean_status(self.cleaned_data["status"]).code

    def clean_started_on(self) -> date:
        started: date = self.cleaned_data["started_on"]
        if started < self.notice.status_started_on:
            raise ValidationError(
                "The new status cannot start before the current one, which started on "
                f"{self.notice.status_started_on:%d/%m/%Y}"
            )
        return started


class InformationForm(forms.Form):
    given_on = UKDateField(
        what="Date",
        label="Date the patient was told",
        error_messages={"required": "Enter the date the patient was told"},
    )
    method = forms.ChoiceField(
        label="How was the patient told?",
        choices=InformationMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the patient was told"},
    )
    large_print = forms.BooleanField(
        label="Make the written information large print", required=False
    )
    given_by = forms.CharField(
        label="Who told them",
        max_length=200,
        help_text="Name and job, for example 'Jo Bloggs, staff nurse'",
        error_messages={"required": "Enter who told the patient"},
    )
    understood = forms.ChoiceField(
        label="Did the patient understand?",
        choices=Understanding.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the patient understood"},
    )
    wants_advocate = forms.ChoiceField(
        label="Does the patient want an IMHA?",
        choices=WantsAdvocate.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the patient wants an IMHA"},
    )

    def __init__(self, *args: Any, notice: QualifyingNotice, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice
        set_today(self, today)

    def clean_given_on(self) -> date:
        given: date = self.cleaned_data["given_on"]
        if self.notice.qualifying_since and given < self.notice.qualifying_since:
            raise ValidationError(
                "The date cannot be before the patient qualified, on "
                f"{self.notice.qualifying_since:%d/%m/%Y}"
            )
        return given


class DischargeForm(forms.Form):
    discharged_on = UKDateField(
        what="Discharge date",
        label="Date the patient was discharged or left the hospital's care",
        error_messages={"required": "Enter the discharge date"},
    )

    def __init__(self, *args: Any, notice: QualifyingNotice, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice
        set_today(self, today)

    def clean_discharged_on(self) -> date:
        discharged: date = self.cleaned_data["discharged_on"]
        if discharged < self.notice.status_started_on:
            raise ValidationError("The discharge date cannot be before the current status started")
        return discharged


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Up to 1 MB, saved as CSV UTF-8. Use the template's column names.",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty",
        },
    )
