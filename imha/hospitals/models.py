"""Hospitals, their wards, and the hospitals' duty to tell qualifying patients about IMHAs.

A `QualifyingNotice` is one patient's record at one hospital: the status they are held under,
what the rules engine said about it, when they were told about the service and when they
should next be reminded. Several dates on it are copies of what its history says (first told
verbally, next reminder due); services keep them in step so dashboards can count and filter in
the database instead of working through every patient in Python.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from imha.law import UnknownSectionError, lookup


class Hospital(models.Model):
    """A hospital (or independent hospital site) whose patients the service supports.

    Hospital users are tied to one of these, which is what scopes what they can see. The
    reminder settings are the hospital's own policy: the Act sets the first duty to inform,
    the Code of Practice leaves how often to remind to each hospital.
    """

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Short identifier used in imports and reports, for example 'fictional-moor'.",
    )
    address = models.TextField(blank=True, max_length=500)
    is_active = models.BooleanField(default=True)

    automatic_referral_enabled = models.BooleanField(
        "automatic referral (opt-out)",
        default=False,
        help_text=(
            "When on, every new qualifying patient is referred to the IMHA service "
            "automatically unless they have said they do not want this."
        ),
    )
    first_information_working_days = models.PositiveSmallIntegerField(
        "working days to tell a new patient",
        default=1,
        validators=[MaxValueValidator(10)],
        help_text=(
            "The law says 'as soon as practicable'. A patient not told verbally and in writing "
            "within this many working days of qualifying is shown as overdue."
        ),
    )
    reminder_interval_weeks = models.PositiveSmallIntegerField(
        "remind every (weeks)",
        default=4,
        validators=[MaxValueValidator(52)],
        help_text="Remind each patient this often, counted from the start of their status. "
        "0 turns regular reminders off.",
    )
    remind_before_period_ends = models.BooleanField(
        "remind before each period ends",
        default=True,
        help_text="When the renewal examination starts, or 7 days before a period that cannot "
        "be renewed ends.",
    )
    remind_when_tribunal_window_opens = models.BooleanField(
        "remind when a tribunal window opens", default=True
    )
    remind_on_status_change = models.BooleanField("remind when the status changes", default=True)
    due_soon_days = models.PositiveSmallIntegerField(
        "days ahead counted as due soon", default=7, validators=[MaxValueValidator(60)]
    )
    reminder_digest_enabled = models.BooleanField(
        "email a daily summary of reminders due",
        default=True,
        help_text="Each morning, the hospital's active users are emailed how many patients on "
        "each ward are overdue or due to be told about IMHAs, with a link to sign in. The "
        "email names no patients.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="wards")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(
        default=True, help_text="Inactive wards keep their patients but cannot be chosen again."
    )

    class Meta:
        ordering = ["hospital__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"], name="ward_name_unique_in_hospital"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AutomaticReferral(models.TextChoices):
    REQUESTED = "requested", "Requested automatically"
    DECLINED = "declined", "Patient said no"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class QualifyingNotice(models.Model):
    """One patient at one hospital who is, or was recorded as possibly, a qualifying patient."""

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="notices")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="notices")
    patient_name = models.CharField(max_length=200)
    hospital_number = models.CharField(max_length=40, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    responsible_clinician = models.CharField(max_length=200)

    # The current status, as a canonical imha.law code, and what the engine decided about it.
    status = models.CharField(max_length=30)
    status_started_on = models.DateField()
    qualifies = models.BooleanField()
    eligibility_category = models.CharField(max_length=40)
    duty_holder = models.CharField(max_length=300, blank=True)
    decision = models.JSONField(help_text="imha.law decision_as_dict for the current status")

    # The duty to inform: when the patient first qualified at this hospital and the deadline
    # for telling them ("as soon as practicable", measured in the hospital's working days).
    qualifying_since = models.DateField(null=True, blank=True)
    information_due_by = models.DateField(null=True, blank=True)
    first_told_verbally_on = models.DateField(null=True, blank=True)
    first_given_in_writing_on = models.DateField(null=True, blank=True)
    last_informed_on = models.DateField(null=True, blank=True)
    next_reminder_on = models.DateField(null=True, blank=True)
    next_reminder_reason = models.CharField(max_length=200, blank=True)
    # What the dashboard's "needs telling or reminding" list sorts and filters on, stored so
    # an index can answer it: the deadline for first telling the patient while they have not
    # been told both verbally and in writing (the outstanding legal duty comes first),
    # otherwise the next reminder. Empty when the patient is not tracked.
    action_due_on = models.DateField(null=True, blank=True)

    discharged_on = models.DateField(null=True, blank=True)

    automatic_referral = models.CharField(
        max_length=20, choices=AutomaticReferral.choices, default=AutomaticReferral.NOT_APPLICABLE
    )
    automatic_referral_requested_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["patient_name", "id"]
        indexes = [
            models.Index(fields=["hospital", "ward", "next_reminder_on"]),
            models.Index(fields=["hospital", "information_due_by"]),
            # The quarterly return's duty-to-inform figures read one period's notices.
            models.Index(fields=["qualifying_since"], name="notice_by_qualifying_date"),
            # Patients still at the hospital, with every column the ward and hospital
            # figures count, so those are index-only reads of current patients however much
            # history (discharged patients) the table holds. The counted columns are key
            # columns rather than INCLUDE ones because SQLite has no INCLUDE.
            models.Index(
                fields=[
                    "hospital",
                    "ward",
                    "qualifies",
                    "information_due_by",
                    "first_told_verbally_on",
                    "first_given_in_writing_on",
                    "next_reminder_on",
                    "id",
                ],
                condition=Q(discharged_on__isnull=True),
                name="notice_current_by_ward",
            ),
            # The dashboard's list of patients needing action, soonest first: read in index
            # order, so a page of it touches only the rows it shows.
            models.Index(
                fields=["hospital", "action_due_on", "patient_name", "id"],
                condition=Q(action_due_on__isnull=False),
                name="notice_action_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None

    @property
    def is_tracked(self) -> bool:
        """Reminders apply only while the patient qualifies and is still with the hospital."""
        return self.qualifies and self.discharged_on is None

    @property
    def told_both_ways(self) -> bool:
        """Told about IMHAs both verbally and in writing at least once."""
        return (
            self.first_told_verbally_on is not None and self.first_given_in_writing_on is not None
        )

    def first_information_overdue(self, today: date) -> bool:
        """Past the deadline without being told both verbally and in writing."""
        return (
            self.is_tracked
            and self.information_due_by is not None
            and self.information_due_by < today
            and not self.told_both_ways
        )

    @property
    def status_title(self) -> str:
        try:
            return lookup(self.status).title
        except UnknownSectionError:
            return self.status


# Reminders are worked out only for notices matching this; dashboards use the same filter.
TRACKED = Q(qualifies=True, discharged_on__isnull=True)


class FirstInformationTally(models.Model):
    """Running counts behind the service's compliance page, one row per hospital, day the
    patients first qualified and deadline for telling them.

    `patients` is how many notices have that qualifying day and deadline; the other two are
    how many of them were told verbally, and given it in writing, by the deadline. The
    services change these in the same transaction as the notice itself, so the page adds up
    a few hundred rows per hospital a year instead of reading every patient's record.
    """

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="+")
    qualifying_since = models.DateField()
    information_due_by = models.DateField()
    patients = models.PositiveIntegerField(default=0)
    told_verbally_in_time = models.PositiveIntegerField(default=0)
    given_in_writing_in_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "qualifying_since", "information_due_by"],
                name="one_tally_per_hospital_day_and_deadline",
            )
        ]
        indexes = [models.Index(fields=["qualifying_since"])]

    def __str__(self) -> str:
        return f"{self.patients} qualifying on {self.qualifying_since}"


class DigestStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"


class ReminderDigest(models.Model):
    """One day's reminder summary email to a hospital's users.

    The row is the claim: the unique constraint lets only one run a day create it, so the
    summary goes out at most once per hospital per day however often the command runs. It
    keeps no addresses and no patient figures: only how many people it went to and whether
    it went.
    """

    hospital = models.ForeignKey(
        Hospital, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField()
    status = models.CharField(
        max_length=10, choices=DigestStatus.choices, default=DigestStatus.SENDING
    )
    recipients = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "hospital_id"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "day"], name="one_reminder_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"Reminder summary for {self.day} ({self.status})"


class StatusChange(models.Model):
    """Each status a notice has held, in order: the first row is the status it was created with."""

    notice = models.ForeignKey(
        QualifyingNotice, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(max_length=30)
    started_on = models.DateField()
    qualifies = models.BooleanField()
    decision = models.JSONField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.status} from {self.started_on}"


class InformationMethod(models.TextChoices):
    VERBAL = "verbal", "Told verbally"
    WRITTEN = "written", "Given in writing"
    BOTH = "both", "Told verbally and given in writing"


class Understanding(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class WantsAdvocate(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNDECIDED = "undecided", "Not decided yet"


def written_information_path(entry: InformationGiven, filename: str) -> str:
    # Named by notice and a random part so one file name reveals nothing about the patient.
    return f"hospitals/written-information/notice-{entry.notice_id}/{filename}"


class InformationGiven(models.Model):
    """One occasion when the patient was told about the IMHA service (first time or reminder)."""

    notice = models.ForeignKey(
        QualifyingNotice, on_delete=models.CASCADE, related_name="information_log"
    )
    given_on = models.DateField()
    method = models.CharField(max_length=10, choices=InformationMethod.choices)
    given_by = models.CharField(max_length=200, help_text="Name and job of the person")
    understood = models.CharField(max_length=10, choices=Understanding.choices)
    wants_advocate = models.CharField(max_length=10, choices=WantsAdvocate.choices)
    large_print = models.BooleanField(default=False)
    written_information = models.FileField(
        upload_to=written_information_path, max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name_plural = "information given"

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.given_on}"

    @property
    def told_verbally(self) -> bool:
        return self.method in (InformationMethod.VERBAL, InformationMethod.BOTH)

    @property
    def given_in_writing(self) -> bool:
        return self.method in (InformationMethod.WRITTEN, InformationMethod.BOTH)


PLACEHOLDERS = {
    "patient_name": "the patient's name",
    "section_title": "the name of their status, such as 'Admission for treatment'",
    "section_code": "the status code, such as 's3'",
    "hospital_name": "the hospital's name",
    "duty_holder": "who must tell the patient about IMHAs",
    "service_name": "the IMHA service's name",
    "service_phone": "the IMHA service's phone number",
    "service_textphone": "the IMHA service's textphone number",
    "service_email": "the IMHA service's email address",
    "service_address": "the IMHA service's address",
    "service_opening_hours": "when the IMHA service is open",
}


def parse_status_codes(text: str) -> list[str]:
    """Turn 's2, section 3, 37/41' into canonical codes; raises UnknownSectionError."""
    return [lookup(part.strip()).code for part in text.split(",") if part.strip()]


class WrittenInformationTemplate(models.Model):
    """The service's wording for the written information given to patients.

    The service keeps this text, not the code, so it can be corrected without a release. A
    template with no status codes is the general one, used when no other template fits.
    """

    name = models.CharField(max_length=100, unique=True)
    status_codes = models.CharField(
        max_length=300,
        blank=True,
        help_text="Statuses this wording is for, separated by commas, for example "
        "'s2, s3, s37'. Leave empty for the general wording used when nothing else fits.",
    )
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Plain text. Leave a blank line between paragraphs; start a line with "
        "'- ' for a bullet point. You can use: "
        + ", ".join("{" + key + "}" for key in PLACEHOLDERS)
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from imha.hospitals.written_information import unknown_placeholders

        errors: dict[str, Any] = {}
        try:
            self.status_codes = ", ".join(parse_status_codes(self.status_codes))
        except UnknownSectionError as error:
            errors["status_codes"] = error.message
        for field in ("title", "body"):
            unknown = unknown_placeholders(getattr(self, field))
            if unknown:
                errors[field] = "These are not placeholders this service fills in: " + ", ".join(
                    "{" + name + "}" for name in unknown
                )
        if errors:
            raise ValidationError(errors)

    @property
    def codes(self) -> list[str]:
        return [code.strip() for code in self.status_codes.split(",") if code.strip()]
