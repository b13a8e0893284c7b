"""Referrals: requests for an advocate, from the public form or logged by intake staff.

A referral is stored the moment it arrives, with its response deadline already worked out,
and everything that follows (acknowledgement emails, alerts, the response, the decision)
hangs off that stored row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReferralStatus(models.TextChoices):
    NEW = "new", "New"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    RESPONDED = "responded", "Responded"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Statuses in which someone still has to do something with the referral.
OPEN_STATUSES = (
    ReferralStatus.NEW,
    ReferralStatus.AWAITING_RESPONSE,
    ReferralStatus.RESPONDED,
)
# Statuses in which the response clock is still running.
UNANSWERED_STATUSES = (ReferralStatus.NEW, ReferralStatus.AWAITING_RESPONSE)


class ReferrerType(models.TextChoices):
    SELF = "self", "The person themself"
    NEAREST_RELATIVE = "nearest_relative", "Their nearest relative or nominated person"
    RESPONSIBLE_CLINICIAN = "responsible_clinician", "Their responsible clinician"
    AMHP = "amhp", "An approved mental health professional (AMHP)"
    OTHER_PROFESSIONAL = (
        "other_professional",
        "Another professional, such as a nurse or social worker",
    )
    OTHER = "other", "Someone else, such as a friend or carer"


class Channel(models.TextChoices):
    ONLINE = "online", "Online form"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    AUTOMATIC = "automatic", "Automatic referral from a hospital"
    OTHER = "other", "Other"


class LegalStatusAnswer(models.TextChoices):
    """What the referrer told us about the Mental Health Act, as offered on the form."""

    S2 = "s2", "Section 2 (assessment)"
    S3 = "s3", "Section 3 (treatment)"
    CTO = "s17a", "Community treatment order (CTO)"
    S37 = "s37", "Section 37 (hospital order from a court)"
    S37_41 = "s37/41", "Section 37/41 (hospital order with restrictions)"
    OTHER = "other", "Another section"
    INFORMAL = "informal", "Not detained (an informal or voluntary patient)"
    DONT_KNOW = "dont_know", "I do not know"


class TreatmentAnswer(models.TextChoices):
    """Whether doctors are considering a treatment that can itself make someone eligible.

    Asked only about people who are not detained (or whose status is not known): under
    s130C(3) a discussion of section 57 treatment, or of ECT for someone under 18, makes
    an informal patient a qualifying patient. The labels are the public form's wording.
    """

    S57 = (
        "s57",
        "Brain surgery for a mental health condition, or a hormone implant to reduce sex drive",
    )
    ECT = "ect", "ECT (electroconvulsive therapy)"
    NEITHER = "neither", "No, neither of these"
    DONT_KNOW = "dont_know", "I do not know"


class HelpTopic(models.TextChoices):
    RIGHTS = "rights", "Understanding their rights"
    WARD_ROUND = "ward_round", "A ward round"
    CPA_REVIEW = "cpa_review", "A care programme approach (CPA) review"
    TRIBUNAL = "tribunal", "A mental health tribunal"
    MANAGERS_HEARING = "managers_hearing", "A hospital managers' hearing"
    CONCERN = "concern", "Raising a concern or complaint"
    TREATMENT = "treatment", "Their treatment or medication"
    OTHER = "other", "Something else"


class CommunicationNeed(models.TextChoices):
    INTERPRETER = "interpreter", "A spoken language interpreter"
    BSL = "bsl", "British Sign Language (BSL)"
    EASY_READ = "easy_read", "Easy read information"
    OTHER = "other", "Other access needs"


class Consent(models.TextChoices):
    YES = "yes", "Yes, they know about it and agree"
    NOT_YET = "not_yet", "No, they do not know yet or have not agreed"
    UNABLE = "unable", "They are not able to tell us at the moment"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    WARD = "ward", "Through the ward staff"
    REFERRER = "referrer", "Through the person making this referral"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class ResponseMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    VISIT = "visit", "In person, for example a ward visit"
    OTHER = "other", "Another way"


# Plain-English names for imha.law's eligibility categories, for staff pages.
ELIGIBILITY_LABELS = {
    "detained": "Qualifies: detained patient",
    "cto": "Qualifies: on a community treatment order",
    "guardianship": "Qualifies: under guardianship",
    "conditionally_discharged": "Qualifies: conditionally discharged",
    "informal_s57": "Qualifies: section 57 treatment being discussed",
    "informal_under18_s58a": "Qualifies: under 18 and ECT being discussed",
    "wales_compulsory": "Qualifies: compulsory patient (Wales)",
    "wales_informal": "Qualifies: informal in-patient (Wales)",
    "not_qualifying": "Does not seem to qualify",
    "unclear": "Not clear yet",
}


class Referral(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    # Sent with the final form submission, so pressing the button twice (or the browser
    # resending the request) finds the first referral instead of making a second one.
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member of staff who logged a phone, email or letter referral.",
    )
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )

    # The response clock, worked out by imha.law.respond_by when the referral is stored.
    received_at = models.DateTimeField()
    counted_as_received_on = models.DateField()
    respond_by = models.DateTimeField()
    breach_alerted_at = models.DateTimeField(null=True, blank=True)

    # Who is referring.
    referrer_type = models.CharField(max_length=30, choices=ReferrerType.choices)
    referrer_name = models.CharField(max_length=100, blank=True)
    referrer_role = models.CharField(max_length=100, blank=True)
    referrer_organisation = models.CharField(max_length=150, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(max_length=254, blank=True)

    # The person who would get the advocate.
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    normalised_name = models.CharField(max_length=201, editable=False)

    # Where they are.
    hospital = models.ForeignKey(
        "hospitals.Hospital",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    ward = models.CharField(max_length=100, blank=True)
    location_details = models.CharField(max_length=200, blank=True)

    # Their legal status as far as the referrer knows it.
    legal_status_answer = models.CharField(max_length=20, choices=LegalStatusAnswer.choices)
    legal_status_other = models.CharField(max_length=100, blank=True)
    legal_status_code = models.CharField(
        max_length=30, blank=True, help_text="Canonical imha.law code, blank when unknown."
    )
    # Blank when the question did not apply (the person is detained) and on referrals made
    # before it was asked.
    treatment_considered = models.CharField(
        max_length=20, choices=TreatmentAnswer.choices, blank=True
    )

    # What they want help with.
    help_with = models.JSONField(default=list, blank=True)
    help_other = models.CharField(max_length=200, blank=True)
    more_information = models.TextField(max_length=2000, blank=True)

    # Communication.
    communication_needs = models.JSONField(default=list, blank=True)
    interpreter_language = models.CharField(max_length=100, blank=True)
    access_needs = models.TextField(max_length=1000, blank=True)

    # Consent and safe contact.
    consent = models.CharField(max_length=20, choices=Consent.choices)
    person_phone = models.CharField(max_length=40, blank=True)
    person_email = models.EmailField(max_length=254, blank=True)
    contact_method = models.CharField(max_length=20, choices=ContactMethod.choices, blank=True)
    safe_to_leave_message = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    contact_notes = models.TextField(max_length=1000, blank=True)

    # What the rules engine said when the referral arrived (imha.law.serialise shape).
    eligibility = models.JSONField(default=dict)
    eligibility_category = models.CharField(max_length=40)
    # The Act puts a duty on the service to act on requests from these referrers.
    is_statutory = models.BooleanField()
    possible_duplicate = models.BooleanField(default=False)

    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    picked_up_at = models.DateTimeField(null=True, blank=True)

    # The response stops the clock.
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    response_method = models.CharField(max_length=20, choices=ResponseMethod.choices, blank=True)
    response_note = models.TextField(max_length=1000, blank=True)

    # The outcome: accepted, declined or withdrawn.
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_reason = models.TextField(max_length=1000, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["respond_by"]
        indexes = [
            models.Index(fields=["status", "respond_by"]),
            # The inbox's "needs a response" tab, in its order (soonest due, then id), from
            # a small index holding only those referrals: a page reads 50 entries, and the
            # tab's count reads a few thousand, however many decided referrals pile up.
            models.Index(
                fields=["respond_by", "id"],
                condition=Q(status__in=[status.value for status in UNANSWERED_STATUSES]),
                name="referral_unanswered_due_idx",
            ),
            # The decided tabs, newest first; with id included, a page's ids come from the
            # index alone, so a later page skips index entries rather than whole rows.
            models.Index(
                fields=["status", "received_at", "id"], name="referral_status_received_idx"
            ),
            # The "All" tab, the same way; the quarterly return also reads referrals by the
            # day they arrived.
            models.Index(fields=["received_at", "id"], name="referral_received_id_idx"),
            models.Index(fields=["normalised_name", "date_of_birth"]),
            models.Index(fields=["nhs_number"]),
        ]
        constraints = [
            # A declined referral always says why, so the decision can be explained later.
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(outcome_reason=""),
                name="declined_referral_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | Q(response_method__gt=""),
                name="response_records_how",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def person_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def eligibility_label(self) -> str:
        return ELIGIBILITY_LABELS.get(self.eligibility_category, self.eligibility_category)

    @property
    def legal_status_display(self) -> str:
        if self.legal_status_answer == LegalStatusAnswer.OTHER:
            return f"Another section: {self.legal_status_other}"
        return LegalStatusAnswer(self.legal_status_answer).label

    @property
    def help_with_labels(self) -> list[str]:
        return [HelpTopic(code).label for code in self.help_with if code in HelpTopic.values]

    @property
    def communication_need_labels(self) -> list[str]:
        return [
            CommunicationNeed(code).label
            for code in self.communication_needs
            if code in CommunicationNeed.values
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def clock_running(self) -> bool:
        return self.status in UNANSWERED_STATUSES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.clock_running and self.respond_by < (now or timezone.now())

    def responded_late(self) -> bool:
        return self.responded_at is not None and self.responded_at > self.respond_by

    @property
    def acknowledgement_address(self) -> str:
        """Where the acknowledgement goes: the referrer's email, if they gave one."""
        if self.referrer_type == ReferrerType.SELF:
            return self.person_email or self.referrer_email
        return self.referrer_email


class EmailKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement to the referrer"
    BREACH_ALERT = "breach_alert", "Late response alert to a manager"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENT = "sent", "Sent"
    FAILED = "failed", "Gave up"


class OutgoingEmail(models.Model):
    """One email the service owes someone about a referral, kept until it has gone.

    The row is written in the same transaction as the change that calls for the email, and
    a task sends it afterwards. A failed send leaves the row pending with a later
    `next_attempt_at`, so a retry (queued, or picked up by the sweep command) finds it.
    The body is built from the referral at send time rather than stored, so the outbox
    holds no more personal data than it needs.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="emails")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    recipient = models.EmailField(max_length=254)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            # Each email is owed once: a second sweep or a double submit cannot queue it twice.
            models.UniqueConstraint(
                fields=["referral", "kind", "recipient"], name="one_email_per_kind_and_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.referral_id} ({self.status})"


class PublicSubmission(models.Model):
    """A referral sent through the public form, kept briefly to limit submissions per address.

    The address is stored as a keyed hash: enough to count repeats, not enough to say who
    sent it.
    """

    address_hash = models.CharField(max_length=64, db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.address_hash[:8]} at {self.submitted_at:%Y-%m-%d %H:%M}"
