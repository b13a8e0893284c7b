"""The public library: toolkits and leaflets, "Advocacy in action" stories, and events.

Only the information pages and the eligibility checker existed before these, and they have
no tables. Everything here is published by staff and read by the public, so each model has
a published flag that the public selectors always filter on.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q


class Audience(models.TextChoices):
    PATIENT = "patient", "Patients"
    FAMILY = "family", "Family and friends"
    PROFESSIONAL = "professional", "Professionals and IMHAs"


class Topic(models.TextChoices):
    SECTIONS_2_AND_3 = "sections_2_3", "Sections 2 and 3"
    CTO = "cto", "Community treatment orders (CTOs)"
    CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditional discharge"
    TRIBUNALS = "tribunals", "Tribunals and hearings"
    TREATMENT = "treatment", "Treatment and consent"
    NEAREST_RELATIVE = "nearest_relative", "Nearest relative"
    GENERAL = "general", "General information"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh (Cymraeg)"
    POLISH = "pl", "Polish (Polski)"
    URDU = "ur", "Urdu (اردو)"
    PUNJABI = "pa", "Punjabi (ਪੰਜਾਬੀ)"
    BENGALI = "bn", "Bengali (বাংলা)"
    ARABIC = "ar", "Arabic (العربية)"
    ROMANIAN = "ro", "Romanian (Română)"
    SOMALI = "so", "Somali (Soomaali)"
    BRITISH_SIGN_LANGUAGE = "bfi", "British Sign Language (video transcript)"


class FileKind(models.TextChoices):
    """The file types the library accepts, found from the file's content, not its name."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self]

    @property
    def short_label(self) -> str:
        return "PDF" if self is FileKind.PDF else "DOCX"


CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def version_file_path(instance: ResourceVersion, filename: str) -> str:
    # A random name: the uploaded name is never used on disk, so it cannot clash or carry
    # path tricks. Files live under MEDIA_ROOT but are only ever sent by the download view.
    extension = PurePosixPath(filename).suffix.lower()
    return f"library/{uuid.uuid4().hex}{extension}"


class Resource(models.Model):
    """A toolkit or leaflet. What people download is its newest published version."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(
        max_length=600, help_text="One or two sentences shown in the library."
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    easy_read = models.BooleanField(default=False)
    is_published = models.BooleanField(default=False)
    # Kept in step by the services whenever a version is published, so the public library
    # reads each resource and its download in a single query.
    current_version = models.ForeignKey(
        "ResourceVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["is_published", "audience", "topic", "language"])]

    def __str__(self) -> str:
        return self.title


class ResourceVersion(models.Model):
    """One uploaded file for a resource. Older versions are kept, never overwritten."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_file_path, max_length=200)
    file_kind = models.CharField(max_length=10, choices=FileKind.choices)
    size_bytes = models.PositiveBigIntegerField()
    change_note = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="one_number_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} (version {self.number})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def kind(self) -> FileKind:
        return FileKind(self.file_kind)

    @property
    def download_name(self) -> str:
        """The name the file is saved under on the person's device."""
        return f"{self.resource.slug}-version-{self.number}.{self.kind.value}"


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", "Signed consent form"
    EASY_READ_FORM = "easy_read_form", "Signed easy read consent form"
    EMAIL = "email", "Email from the person"
    VERBAL = "verbal", "Said out loud, written in the case notes by the advocate"


# The confirmations a story needs before it can be published. The key names the model
# field; the words are what the person publishing ticks, so each says what they checked.
ANONYMISATION_CHECKS: tuple[tuple[str, str], ...] = (
    ("check_name_changed", "The person's name is changed, and the changed name is marked with *"),
    ("check_no_hospital_or_ward", "It names no hospital, ward or care team"),
    ("check_no_birth_date_or_age", "It gives no date of birth and no exact age"),
    ("check_no_exact_dates", "It gives no exact dates, only general times such as 'last spring'"),
    ("check_no_places", "It names no town, street or other place that could point to the person"),
    (
        "check_no_other_details",
        "It has no other detail that could identify the person or anyone else, such as a job, "
        "a relative's name or a rare condition",
    ),
    (
        "check_person_agreed_words",
        "The person who gave consent has read, or been read, the final words and agreed to them",
    ),
)


class Story(models.Model):
    """An "Advocacy in action" story, told with the person's consent and without their name."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(max_length=600)
    body = models.TextField()
    changed_name = models.CharField(
        max_length=60,
        help_text="The name used in the story instead of the person's real name, ending in *.",
    )
    check_name_changed = models.BooleanField(default=False)
    check_no_hospital_or_ward = models.BooleanField(default=False)
    check_no_birth_date_or_age = models.BooleanField(default=False)
    check_no_exact_dates = models.BooleanField(default=False)
    check_no_places = models.BooleanField(default=False)
    check_no_other_details = models.BooleanField(default=False)
    check_person_agreed_words = models.BooleanField(default=False)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


class StoryConsent(models.Model):
    """Who agreed to a story being published, when and how. Personal data: staff only.

    The public pages never read this table, so the real name cannot reach them.
    """

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="consent")
    given_by = models.CharField(
        max_length=200, help_text="The full name of the person who gave consent."
    )
    relationship = models.CharField(
        max_length=100,
        default="The person the story is about",
        help_text="For example, the person the story is about, or their nearest relative.",
    )
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    where_kept = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the signed form, email or case note can be found.",
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "story consent record"

    def __str__(self) -> str:
        return f"Consent for story {self.story_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class Event(models.Model):
    """A training session, masterclass or drop-in that the public can book."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    is_online = models.BooleanField(default=False)
    venue = models.CharField(max_length=300, blank=True)
    booking_contact = models.CharField(
        max_length=300, help_text="How to book: an email address, a phone number or both."
    )
    is_published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(is_online=True) | ~Q(venue=""),
                name="event_in_person_has_a_venue",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finishes_at(self) -> datetime:
        # An event with no end time counts as over once it has started.
        return self.ends_at or self.starts_at
