"""Forms for case work. Fields come from `imha.referrals.fields`, which speak in GOV.UK's
style ("Enter the date it started") rather than Django's defaults."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from imha.accounts.models import Role, User
from imha.cases.models import (
    ActivityKind,
    CaseStatus,
    Client,
    ClosureReason,
    Disability,
    Ethnicity,
    FirstLanguage,
    GenderIdentity,
    IssueStatus,
    IssueTopic,
    OutcomeKind,
    RecordsBasis,
    RecordsRequestStatus,
    Religion,
    Sex,
    SexualOrientation,
)
from imha.hospitals.models import Hospital, Ward
from imha.law import SECTIONS, DeadlineRequest, LawInputError, compute_deadlines
from imha.referrals import fields as govuk


class OptionalTimeField(govuk.TimeField):
    """A time of day that may be left blank."""

    def __init__(self, label: str, *, help_text: str = "") -> None:
        super().__init__(label, required_message="", help_text=help_text)
        self.required = False

    def clean(self, value: Any) -> time | None:  # type: ignore[override]
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            return None
        return super().clean(value)


def date_field(
    label: str, name: str, *, required: bool = True, past_only: bool = True, help_text: str = ""
) -> govuk.DateField:
    return govuk.DateField(
        label,
        name_in_errors=name,
        required_message=f"Enter {name.lower()}" if required else None,
        must_be_past=past_only,
        help_text=help_text,
    )


def select(label: str, choices: Any, *, required_message: str | None = None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required_message is not None,
        error_messages={
            "required": required_message or "",
            "invalid_choice": "Select one of the options",
        },
    )


YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("", "Not known")]


class ClientForm(forms.Form):
    first_name = govuk.text("First name", 100, required_message="Enter their first name")
    last_name = govuk.text("Last name", 100, required_message="Enter their last name")
    preferred_name = govuk.text("Name they like to be called (optional)", 100)
    date_of_birth = date_field("Date of birth (optional)", "Date of birth", required=False)
    nhs_number = govuk.NhsNumberField()
    phone = govuk.PhoneField("Phone (optional)")
    email = govuk.email("Email (optional)")
    safe_to_leave_message = govuk.radios(
        "Is it safe to leave a message?", [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
    )
    contact_notes = govuk.text("How to contact them safely (optional)", 1000, textarea=True)
    interpreter_language = govuk.text("Interpreter language (optional)", 100)
    access_needs = govuk.text("Access needs (optional)", 1000, textarea=True)
    sex = govuk.radios("Sex", Sex.choices, required_message="Select their sex, or 'Not known'")
    gender_identity = govuk.radios(
        "Is the gender they identify with the same as their sex registered at birth?",
        GenderIdentity.choices,
        required_message="Select an answer, or 'Not known'",
    )
    ethnicity = select(
        "Ethnic group", Ethnicity.choices, required_message="Select an ethnic group, or 'Not known'"
    )
    disability = govuk.radios(
        "Are their day-to-day activities limited by a health problem or disability?",
        Disability.choices,
        required_message="Select an answer, or 'Not known'",
    )
    religion = govuk.radios(
        "Religion", Religion.choices, required_message="Select a religion, or 'Not known'"
    )
    sexual_orientation = govuk.radios(
        "Sexual orientation",
        SexualOrientation.choices,
        required_message="Select a sexual orientation, or 'Not known'",
    )
    first_language = govuk.radios(
        "First language",
        FirstLanguage.choices,
        required_message="Select a first language, or 'Not known'",
    )
    first_language_other = govuk.text("Which language? (if another language)", 100)

    EQUALITY_FIELDS = Client.EQUALITY_FIELDS

    def clean_safe_to_leave_message(self) -> bool | None:
        answer = self.cleaned_data.get("safe_to_leave_message")
        return {"yes": True, "no": False}.get(answer or "")

    @staticmethod
    def initial_for(client: Any) -> dict[str, Any]:
        initial = {name: getattr(client, name) for name in ClientForm.base_fields}
        initial["safe_to_leave_message"] = {True: "yes", False: "no"}.get(
            client.safe_to_leave_message, "unknown"
        )
        return initial


class WardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.hospital}: {obj.name}"


class AdvocateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.team or 'no team'})"


class CaseDetailsForm(forms.Form):
    status = govuk.radios(
        "Case status",
        [(CaseStatus.OPEN, "Open"), (CaseStatus.ON_HOLD, "On hold")],
        required_message="Select whether the case is open or on hold",
    )
    hospital = forms.ModelChoiceField(
        label="Hospital (optional)",
        queryset=Hospital.objects.filter(is_active=True),
        required=False,
        empty_label="Not in hospital",
        error_messages={"invalid_choice": "Select a hospital from the list"},
    )
    hospital_ward = WardChoiceField(
        label="Ward (optional)",
        queryset=Ward.objects.filter(is_active=True).select_related("hospital"),
        required=False,
        empty_label="Not listed",
        error_messages={"invalid_choice": "Select a ward from the list"},
    )
    ward = govuk.text(
        "Ward, if not listed (optional)", 100, help_text="As the referrer or hospital named it."
    )
    community_location = govuk.text("Where they are seen, if not in hospital (optional)", 200)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ward = cleaned.get("hospital_ward")
        hospital = cleaned.get("hospital")
        if ward is not None and ward.hospital_id != getattr(hospital, "pk", None):
            self.add_error("hospital_ward", "Select a ward in the hospital you chose")
        return cleaned


class AllocationForm(forms.Form):
    advocate = AdvocateChoiceField(
        label="Advocate",
        empty_label="Choose an advocate",
        queryset=User.objects.filter(role=Role.ADVOCATE, is_active=True)
        .select_related("team")
        .order_by("team__name", "last_name", "first_name"),
        error_messages={
            "required": "Select an advocate",
            "invalid_choice": "Select an advocate from the list",
        },
    )


class CloseCaseForm(forms.Form):
    closure_reason = govuk.radios(
        "Why is the case closing?",
        ClosureReason.choices,
        required_message="Select why the case is closing",
    )
    closure_note = govuk.text(
        "Anything else to say about closing it (optional)", 1000, textarea=True
    )


STATUS_CHOICES = [("", "Choose a status")] + [
    (section.code, f"{section.title} ({section.code})") for section in SECTIONS
]


class LegalStatusForm(forms.Form):
    status_code = select(
        "Mental Health Act status", STATUS_CHOICES, required_message="Select the status"
    )
    started_on = date_field(
        "Date it started",
        "The date it started",
        help_text="For a renewed section, the day the section first began: renewals are "
        "worked out from it. For example, 27 3 2026",
    )
    started_at_time = OptionalTimeField(
        "Time it started (for holding powers and places of safety)",
        help_text="For example, 14:30. Needed for sections 4, 5, 135, 136 and a CTO recall.",
    )
    first_medication_on = date_field(
        "Date medication was first given in this detention (optional)",
        "The date medication was first given",
        required=False,
        help_text="Used for the section 58 three-month point.",
    )
    admitted_on = date_field(
        "Date of the first admission, if earlier (optional)",
        "The date of the first admission",
        required=False,
        help_text="For example, the section 2 admission before a section 3.",
    )
    tribunal_applied_in_first_six_months = forms.BooleanField(
        label="An application or reference to the tribunal has been made in the first 6 months",
        required=False,
    )
    last_tribunal_consideration_on = date_field(
        "When the tribunal last considered the case (optional)",
        "The date the tribunal last considered the case",
        required=False,
    )
    ended_on = date_field(
        "Date it ended (optional)",
        "The date it ended",
        required=False,
        help_text="Leave blank if it is still in force.",
    )
    notes = govuk.text("Notes (optional)", 2000, textarea=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("status_code")
        started_on = cleaned.get("started_on")
        if not code or started_on is None:
            return cleaned
        ended_on = cleaned.get("ended_on")
        if ended_on is not None and ended_on < started_on:
            self.add_error("ended_on", "The date it ended must be on or after the date it started")
        if code in ("informal", "s17"):
            return cleaned
        started_at = cleaned.get("started_at_time")
        start = datetime.combine(started_on, started_at) if started_at else started_on
        try:
            compute_deadlines(DeadlineRequest(status=code, start=start, periods=1))
        except LawInputError as error:
            if error.field == "start" and started_at is None:
                self.add_error("started_at_time", "Enter the time it started, like 14:30")
            else:
                self.add_error("status_code", error.message)
        return cleaned


class EndStatusForm(forms.Form):
    ended_on = date_field("Date it ended", "The date it ended")


class IssueForm(forms.Form):
    topic = govuk.radios(
        "What do they want help with?", IssueTopic.choices, required_message="Select a topic"
    )
    description = govuk.text("In more detail (optional)", 2000, textarea=True)


class OutcomeForm(forms.Form):
    outcomes = govuk.checkboxes("Outcomes", OutcomeKind.choices)
    persons_words = govuk.text(
        "What the person said about it, in their own words (optional)", 2000, textarea=True
    )
    status = govuk.radios(
        "Where has this issue got to?",
        IssueStatus.choices,
        required_message="Select where the issue has got to",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        nothing_given = not cleaned.get("outcomes") and not cleaned.get("persons_words")
        if nothing_given and cleaned.get("status") == IssueStatus.OPEN:
            self.add_error("outcomes", "Select at least one outcome, or enter their words")
        return cleaned


class ActivityForm(forms.Form):
    kind = govuk.radios(
        "What kind of activity?", ActivityKind.choices, required_message="Select the activity"
    )
    occurs_on = date_field("Date", "The date", past_only=False, help_text="For example, 27 3 2026")
    starts_at_time = OptionalTimeField(
        "Start time (optional)",
        help_text="Give a time for anything booked, such as a ward round or hearing.",
    )
    duration_minutes = forms.IntegerField(
        label="Time spent, in minutes",
        min_value=0,
        max_value=24 * 60,
        help_text="Include travel. For something booked, the time you expect it to take.",
        error_messages={
            "required": "Enter the time spent in minutes, or 0",
            "invalid": "Time spent must be a whole number of minutes, like 45",
            "min_value": "Time spent cannot be less than 0 minutes",
            "max_value": "Time spent must be 1,440 minutes (a day) or fewer",
        },
    )
    with_whom = govuk.text(
        "With whom (optional)", 200, help_text="For meetings and interviews: name and job."
    )
    notes = govuk.text("Notes (optional)", 5000, textarea=True)
    outcome = govuk.text("Outcome (optional)", 2000, textarea=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].widget.attrs.update(
            {"inputmode": "numeric", "class": "govuk-input--width-4"}
        )


class RecordsRequestForm(forms.Form):
    records = govuk.text(
        "Which records?", 300, required_message="Enter which records were asked for"
    )
    holder = govuk.text("Who holds them?", 200, required_message="Enter who holds the records")
    basis = govuk.radios(
        "On what basis?", RecordsBasis.choices, required_message="Select the basis for access"
    )
    holder_decision = govuk.text(
        "The record holder's decision (if the person lacks capacity)",
        300,
        help_text="Who decided access is appropriate, and when.",
    )
    asked_on = date_field("Date asked", "The date asked")
    received_on = date_field("Date received (optional)", "The date received", required=False)
    status = govuk.radios(
        "Status", RecordsRequestStatus.choices, required_message="Select the status"
    )
    notes = govuk.text("Notes (optional)", 2000, textarea=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("basis") == RecordsBasis.LACKS_CAPACITY and not cleaned.get(
            "holder_decision"
        ):
            self.add_error(
                "holder_decision",
                "Enter the record holder's decision: without it, section 130B(4) does not "
                "allow access",
            )
        asked, received = cleaned.get("asked_on"), cleaned.get("received_on")
        if asked and received and received < asked:
            self.add_error("received_on", "The date received must be on or after the date asked")
        return cleaned


class NoteForm(forms.Form):
    text = govuk.text("Note", 10000, required_message="Enter the note", textarea=True)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A PDF, Word document (.docx), PNG or JPEG, smaller than 10 MB.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    description = govuk.text(
        "What is it? (optional)", 200, help_text="For example, 'Signed consent form'."
    )


class FindClientForm(forms.Form):
    """The other record of a merge, found by its client number (shown as "Client 1234" at
    the top of every client page)."""

    number = govuk.text(
        "Client number of the other record",
        12,
        required_message="Enter the client number of the other record",
        help_text="It is at the top of their page, above their name. For example, 1234.",
        attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"},
    )

    def clean_number(self) -> int:
        raw: str = self.cleaned_data["number"]
        # People copy "Client 1234" from the page as often as the number alone.
        digits = raw.strip().removeprefix("Client").removeprefix("client").strip()
        if not digits.isdigit() or int(digits) == 0:
            raise ValidationError("Enter the client number as digits only, like 1234")
        return int(digits)


class MergeClientsForm(forms.Form):
    """The confirmation of a merge. The box is asked for only when the dates of birth
    differ: then it is the person's word that they checked, recorded in the audit log."""

    same_person = forms.BooleanField(
        label="I have checked these are the same person",
        required=False,
    )

    def __init__(self, *args: Any, dates_of_birth_differ: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not dates_of_birth_differ:
            del self.fields["same_person"]


def error_for(form: forms.Form, field: str, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(field, message)
