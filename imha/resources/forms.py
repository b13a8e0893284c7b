"""Forms for the staff pages that publish toolkits, leaflets, stories and events."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from imha.resources.fields import GovukDateField
from imha.resources.models import (
    ANONYMISATION_CHECKS,
    Audience,
    ConsentMethod,
    Language,
    Resource,
    Story,
    StoryConsent,
    Topic,
)
from imha.resources.uploads import check_upload, human_size, max_upload_bytes

YES_NO = [("yes", "Yes"), ("no", "No")]


class LibraryFileField(forms.FileField):
    """A toolkit or leaflet file, refused unless its content really is a PDF or .docx."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Upload a file")
        kwargs.setdefault(
            "help_text",
            f"A PDF or Word document (.docx), smaller than {human_size(max_upload_bytes())}",
        )
        kwargs.setdefault("error_messages", {"required": "Select a PDF or Word document"})
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={
                    "accept": ".pdf,.docx,application/pdf,"
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["title", "summary", "audience", "topic", "language", "easy_read"]
        labels = {
            "title": "Title",
            "summary": "Summary",
            "audience": "Who is it for?",
            "topic": "Topic",
            "language": "Language",
            "easy_read": "This is an easy read version",
        }
        help_texts = {
            "title": "For example, Your rights on section 3",
            "summary": "One or two sentences shown under the title in the library",
        }
        error_messages = {
            "title": {"required": "Enter a title"},
            "summary": {"required": "Enter a summary"},
            "audience": {"required": "Select who it is for"},
            "topic": {"required": "Select a topic"},
            "language": {"required": "Select the language"},
        }
        widgets = {
            "audience": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A model field's choices start with a blank "---------"; these lists ask instead.
        self.fields["audience"].choices = Audience.choices  # type: ignore[attr-defined]
        self.fields["topic"].choices = [("", "Choose a topic"), *Topic.choices]  # type: ignore[attr-defined]
        self.fields["language"].choices = Language.choices  # type: ignore[attr-defined]


class NewResourceForm(ResourceForm):
    file = LibraryFileField()
    change_note = forms.CharField(
        label="Note about this file (optional)",
        max_length=300,
        required=False,
        help_text="Only staff see this",
    )


class VersionForm(forms.Form):
    file = LibraryFileField(label="Upload the new version")
    change_note = forms.CharField(
        label="What has changed?",
        max_length=300,
        help_text="For example, new phone number. Only staff see this",
        error_messages={"required": "Say what has changed in this version"},
    )
    publish_now = forms.ChoiceField(
        label="Should people download this version straight away?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="yes",
        help_text="Choose no to keep it as a draft and publish it later",
        error_messages={"required": "Select yes if people should download this version now"},
    )


class StoryForm(forms.ModelForm):
    confirmed_checks = forms.MultipleChoiceField(
        label="Anonymisation checklist",
        choices=[(field, label) for field, label in ANONYMISATION_CHECKS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick each one you have checked. A story cannot be published until all are "
        "ticked. You can save a draft before then",
    )

    class Meta:
        model = Story
        fields = ["title", "summary", "body", "changed_name"]
        labels = {
            "title": "Title",
            "summary": "Summary",
            "body": "Story",
            "changed_name": "Changed name",
        }
        help_texts = {
            "summary": "One or two sentences shown in the list of stories",
            "body": "Leave a blank line between paragraphs",
            "changed_name": "The name used instead of the person's real name, ending in *. "
            "For example, Sam*",
        }
        error_messages = {
            "title": {"required": "Enter a title"},
            "summary": {"required": "Enter a summary"},
            "body": {"required": "Enter the story"},
            "changed_name": {"required": "Enter the changed name, ending in *"},
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["confirmed_checks"] = [
                field for field, _label in ANONYMISATION_CHECKS if getattr(self.instance, field)
            ]

    def clean_changed_name(self) -> str:
        name = str(self.cleaned_data["changed_name"]).strip()
        if not name.endswith("*") or len(name) < 2:
            raise ValidationError("The changed name must end in *, for example Sam*")
        return name


class ConsentForm(forms.ModelForm):
    given_on = GovukDateField(
        what="Date consent was given",
        label="When was consent given?",
        help_text="For example, 27 3 2026",
    )

    class Meta:
        model = StoryConsent
        fields = ["given_by", "relationship", "given_on", "method", "where_kept"]
        labels = {
            "given_by": "Full name of the person who gave consent",
            "relationship": "Who are they?",
            "method": "How was consent recorded?",
            "where_kept": "Where is the record kept? (optional)",
        }
        help_texts = {
            "given_by": "Only staff see this. It is never shown on the website",
            "where_kept": "For example, the case file, or the email folder for stories",
        }
        error_messages = {
            "given_by": {"required": "Enter the full name of the person who gave consent"},
            "relationship": {"required": "Say who the person who gave consent is"},
            "method": {"required": "Select how consent was recorded"},
        }
        widgets = {"method": forms.RadioSelect}

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["method"].choices = ConsentMethod.choices  # type: ignore[attr-defined]

    def clean_given_on(self) -> date:
        given_on: date = self.cleaned_data["given_on"]
        if given_on > self.today:
            raise ValidationError("Date consent was given must be today or in the past")
        return given_on


def _time_field(label: str, *, required: bool) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=["%H:%M", "%H.%M"],
        help_text="Use the 24-hour clock, for example 14:00",
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower().removesuffix(' (optional)')} like 14:00",
        },
        widget=forms.TimeInput(format="%H:%M"),
    )


class EventForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(
        label="Description",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Who it is for and what it covers. Leave a blank line between paragraphs",
        error_messages={"required": "Enter a description"},
    )
    day = GovukDateField(what="Date of the event", label="Date", help_text="For example, 27 3 2026")
    start_time = _time_field("Start time", required=True)
    end_time = _time_field("End time (optional)", required=False)
    is_online = forms.ChoiceField(
        label="Where is it?",
        choices=[("no", "In person"), ("yes", "Online")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select if the event is in person or online"},
    )
    venue = forms.CharField(
        label="Venue (optional if online)",
        max_length=300,
        required=False,
        help_text="The name of the building and the address",
    )
    booking_contact = forms.CharField(
        label="How to book",
        max_length=300,
        help_text="An email address, a phone number or both",
        error_messages={"required": "Enter how to book"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_online") == "no" and not cleaned.get("venue"):
            self.add_error("venue", "Enter the venue, or select online")
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "End time must be after the start time")
        return cleaned

    @staticmethod
    def initial_for(starts_at: datetime, ends_at: datetime | None, **rest: Any) -> dict[str, Any]:
        starts_local = timezone.localtime(starts_at)
        return {
            **rest,
            "day": starts_local.date(),
            "start_time": starts_local.time(),
            "end_time": timezone.localtime(ends_at).time() if ends_at else None,
        }

    def starts_and_ends(self) -> tuple[datetime, datetime | None]:
        """The event's start and end as moments in time, read in the service's time zone."""
        day: date = self.cleaned_data["day"]
        start: time = self.cleaned_data["start_time"]
        end: time | None = self.cleaned_data["end_time"]
        starts_at = timezone.make_aware(datetime.combine(day, start))
        ends_at = timezone.make_aware(datetime.combine(day, end)) if end else None
        return starts_at, ends_at
