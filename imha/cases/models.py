"""Clients, their cases, and the advocacy work recorded on each case.

A client is a person; a case is one period of advocacy for them, usually opened by
accepting a referral. Everything an advocate does (visits, ward rounds, records requests,
the issues the person wants help with and how they turned out) hangs off a case.

Choice values are stored in the database and read by the reporting app, so they never
change once released: add new values instead. `imha/cases/README.md` lists them.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from imha.cases.matching import normalised_name
from imha.law import UnknownSectionError, lookup

# --- equality monitoring (ONS 2021 Census categories for England and Wales) ----------------


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known or not asked"


class GenderIdentity(models.TextChoices):
    """The 2021 Census question: is the gender you identify with the same as your sex
    registered at birth?"""

    SAME_AS_SEX_AT_BIRTH = "same", "Yes, the same as their sex registered at birth"
    DIFFERENT = "different", "No, a different gender identity"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known or not asked"


class Ethnicity(models.TextChoices):
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = (
        "black_other",
        "Black, Black British, Caribbean or African: any other Black, Black British or "
        "Caribbean background",
    )
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or multiple ethnic groups: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or multiple ethnic groups: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or multiple ethnic groups: White and Black Caribbean",
    )
    MIXED_OTHER = (
        "mixed_other",
        "Mixed or multiple ethnic groups: any other Mixed or multiple ethnic background",
    )
    WHITE_BRITISH = (
        "white_british",
        "White: English, Welsh, Scottish, Northern Irish or British",
    )
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_IRISH_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known or not asked"


class Disability(models.TextChoices):
    """The 2021 Census question on day-to-day activities limited by a health condition."""

    YES_A_LOT = "yes_a_lot", "Yes, limited a lot"
    YES_A_LITTLE = "yes_a_little", "Yes, limited a little"
    NO = "no", "No"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known or not asked"


class Religion(models.TextChoices):
    NO_RELIGION = "none", "No religion"
    CHRISTIAN = "christian", "Christian"
    BUDDHIST = "buddhist", "Buddhist"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known or not asked"


class SexualOrientation(models.TextChoices):
    STRAIGHT = "straight", "Straight or heterosexual"
    GAY_OR_LESBIAN = "gay_or_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Another sexual orientation"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known or not asked"


class FirstLanguage(models.TextChoices):
    ENGLISH = "english", "English"
    WELSH = "welsh", "Welsh"
    BSL = "bsl", "British Sign Language"
    OTHER = "other", "Another language"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefer not to say"
    NOT_KNOWN = "not_known", "Not known or not asked"


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    FROM_18_TO_24 = "18_24", "18 to 24"
    FROM_25_TO_34 = "25_34", "25 to 34"
    FROM_35_TO_44 = "35_44", "35 to 44"
    FROM_45_TO_54 = "45_54", "45 to 54"
    FROM_55_TO_64 = "55_64", "55 to 64"
    FROM_65_TO_74 = "65_74", "65 to 74"
    FROM_75 = "75_plus", "75 or over"
    NOT_KNOWN = "not_known", "Not known"


# Lower age of each band, oldest first, so the first one the person has reached is theirs.
_AGE_BAND_FLOORS = [
    (75, AgeBand.FROM_75),
    (65, AgeBand.FROM_65_TO_74),
    (55, AgeBand.FROM_55_TO_64),
    (45, AgeBand.FROM_45_TO_54),
    (35, AgeBand.FROM_35_TO_44),
    (25, AgeBand.FROM_25_TO_34),
    (18, AgeBand.FROM_18_TO_24),
    (0, AgeBand.UNDER_18),
]


def age_on(date_of_birth: date, day: date) -> int:
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def age_band(date_of_birth: date | None, on: date) -> AgeBand:
    if date_of_birth is None or date_of_birth > on:
        return AgeBand.NOT_KNOWN
    age = age_on(date_of_birth, on)
    return next(band for floor, band in _AGE_BAND_FLOORS if age >= floor)


class Client(models.Model):
    """A person the service supports. One client can have several cases over time."""

    # The equality monitoring answers: asked and shown together, and reported apart from the
    # person's other details (the edit form, the subject access export, merging).
    EQUALITY_FIELDS = (
        "sex",
        "gender_identity",
        "ethnicity",
        "disability",
        "religion",
        "sexual_orientation",
        "first_language",
        "first_language_other",
    )

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    # Kept in step with the name fields by imha.cases.matching, so duplicate checks are one
    # indexed lookup rather than a scan.
    normalised_name = models.CharField(max_length=201, db_index=True, editable=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    safe_to_leave_message = models.BooleanField(null=True)
    contact_notes = models.TextField(max_length=1000, blank=True)
    interpreter_language = models.CharField(max_length=100, blank=True)
    communication_needs = models.JSONField(default=list, blank=True)
    access_needs = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Equality monitoring for the commissioner. Asked, never assumed: "not known" is the
    # honest default until the person has been asked.
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(
        max_length=20, choices=GenderIdentity.choices, default=GenderIdentity.NOT_KNOWN
    )
    ethnicity = models.CharField(
        max_length=30, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    disability = models.CharField(
        max_length=20, choices=Disability.choices, default=Disability.NOT_KNOWN
    )
    religion = models.CharField(max_length=20, choices=Religion.choices, default=Religion.NOT_KNOWN)
    sexual_orientation = models.CharField(
        max_length=20, choices=SexualOrientation.choices, default=SexualOrientation.NOT_KNOWN
    )
    first_language = models.CharField(
        max_length=20, choices=FirstLanguage.choices, default=FirstLanguage.NOT_KNOWN
    )
    first_language_other = models.CharField("other first language", max_length=100, blank=True)

    # Set when the retention policy removed the person's identifying details.
    anonymised_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Set when this record turned out to be a duplicate and was merged into another
    # (`services.merge_clients`). The row is kept, retired, rather than deleted: the audit
    # log and old links name its ID, and what it held stays visible to a subject access
    # export. Nothing points at a retired row but other retired rows' `merged_into`.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | Q(merged_into__isnull=False, merged_at__isnull=False),
                name="merged_client_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="client_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        if self.anonymised_at is not None:
            return f"Anonymised client {self.pk}"
        return f"{self.first_name} {self.last_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalised_name = normalised_name(self.first_name, self.last_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "normalised_name"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def is_retired(self) -> bool:
        return self.merged_into_id is not None

    def age_band_on(self, day: date) -> AgeBand:
        return age_band(self.date_of_birth, day)

    @property
    def current_age_band(self) -> AgeBand:
        return self.age_band_on(timezone.localdate())


# --- cases ----------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


# Cases that still belong on somebody's caseload.
ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.ON_HOLD)


class ClosureReason(models.TextChoices):
    WORK_COMPLETE = "work_complete", "The advocacy work is finished"
    PERSON_ENDED = "person_ended", "The person no longer wants an advocate"
    DISCHARGED = "discharged", "Discharged and no longer eligible"
    MOVED_AWAY = "moved_away", "Moved out of the area the service covers"
    NO_CONTACT = "no_contact", "We could not make contact"
    DIED = "died", "The person died"
    OTHER = "other", "Another reason"


class Case(models.Model):
    """One period of advocacy for a client, usually opened by accepting a referral."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases")
    # One referral opens at most one case; cases opened without a referral have none.
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(max_length=1000, blank=True)
    # Kept so reports can count by age after the date of birth is removed under retention.
    age_band_at_closure = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    hospital = models.ForeignKey(
        "hospitals.Hospital",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    # A ward from the hospital's list when there is one; `ward` keeps what a referrer typed.
    hospital_ward = models.ForeignKey(
        "hospitals.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    ward = models.CharField(max_length=100, blank=True)
    community_location = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the person lives or is seen, when they are not in hospital.",
    )
    # The code of the current legal status period (copied by services so lists and reports
    # can filter without a join); blank when not known.
    legal_status_code = models.CharField(max_length=30, blank=True)
    allocated_advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_cases",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The last day the case's `CaseDeadline` rows are complete to; caseloads work out any
    # later dates live. Empty for closed cases, which keep no stored dates.
    deadlines_stored_until = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # Case lists are newest first, with the ID to break ties, so a page is read
            # straight from an index in order and deep pages skip index entries only.
            models.Index(fields=["status", "opened_at", "id"], name="case_status_newest"),
            models.Index(fields=["opened_at", "id"], name="case_newest"),
            models.Index(fields=["allocated_advocate", "status"]),
            models.Index(fields=["status", "closed_at"]),
            # The allocation queue: the few active cases with nobody allocated, oldest first.
            models.Index(
                fields=["opened_at", "id"],
                condition=Q(allocated_advocate__isnull=True, status__in=["open", "on_hold"]),
                name="case_waiting_oldest_first",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_at__isnull=False) & ~Q(closure_reason="")),
                name="closed_case_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.reference}"

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}" if self.pk else "C-new"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def location(self) -> str:
        """Where the work happens, without anything about the person's health."""
        if self.hospital_id is not None:
            ward = self.hospital_ward.name if self.hospital_ward is not None else self.ward
            return f"{self.hospital}, {ward}" if ward else str(self.hospital)
        return self.community_location or "Community"

    @property
    def legal_status_title(self) -> str:
        return status_title(self.legal_status_code)


def status_title(code: str) -> str:
    if not code:
        return "Not known"
    try:
        return lookup(code).title
    except UnknownSectionError:
        return code


class LegalStatusPeriod(models.Model):
    """One Mental Health Act status the person was held under, from start to end.

    Renewals of a section do not start a new period: the rules engine works out each renewal
    from the first day. A new section, a CTO, a conditional discharge or discharge does.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_statuses")
    status_code = models.CharField(
        max_length=30, help_text="A code the rules engine understands, such as s2, s3 or s17a."
    )
    started_on = models.DateField()
    # Hour-based powers (s4, s5(2), s136 and so on) are counted from a time of day.
    started_at_time = models.TimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    first_medication_on = models.DateField(null=True, blank=True)
    # The first day of the continuous detention when it began under an earlier section
    # (for example s2 then s3), for the hospital managers' 6-month reference.
    admitted_on = models.DateField(null=True, blank=True)
    tribunal_applied_in_first_six_months = models.BooleanField(default=False)
    last_tribunal_consideration_on = models.DateField(null=True, blank=True)
    notes = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["case", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.status_code} from {self.started_on}"

    @property
    def title(self) -> str:
        return status_title(self.status_code)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()


class DeadlinePoint(models.TextChoices):
    """Values of `imha.cases.deadlines.EventPoint`, for the database."""

    DATE = "date", "Date"
    OPENS = "opens", "Window opens"
    CLOSES = "closes", "Window closes"


class CaseDeadline(models.Model):
    """One statutory date of an open or on-hold case, from the rules engine, kept so a
    caseload lists the next 14 days with one indexed query rather than running the engine
    for every case on every view.

    Derived data: `imha.cases.stored_deadlines.rebuild` rewrites a case's rows whenever its
    current legal status, the person's date of birth or the case's status changes, and
    `manage.py rebuild_case_deadlines` rewrites them all (after a rules-engine change). Rows
    run from the day they were written to `Case.deadlines_stored_until`.
    """

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="stored_deadlines",
        # The (case, due_on) index below serves lookups by case alone as well.
        db_index=False,
    )
    # The legal status period the date comes from.
    period = models.ForeignKey(
        LegalStatusPeriod, on_delete=models.CASCADE, related_name="stored_deadlines"
    )
    due_on = models.DateField()
    # An `imha.law.ItemKind` value, such as "expiry" or "tribunal_window".
    kind = models.CharField(max_length=40)
    point = models.CharField(max_length=10, choices=DeadlinePoint.choices)
    # For the end of a later period: listed only once that period has begun.
    shown_from = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "case_id", "id"]
        indexes = [models.Index(fields=["case", "due_on"], name="case_deadline_by_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.point} on {self.due_on}"


class IssueTopic(models.TextChoices):
    """What the person wants help with. The first values match referrals' HelpTopic, so a
    referral's answers become issues unchanged."""

    RIGHTS = "rights", "Understanding their rights"
    WARD_ROUND = "ward_round", "A ward round"
    CPA_REVIEW = "cpa_review", "A care programme approach (CPA) review"
    TRIBUNAL = "tribunal", "A mental health tribunal"
    MANAGERS_HEARING = "managers_hearing", "A hospital managers' hearing"
    CONCERN = "concern", "Raising a concern or complaint"
    TREATMENT = "treatment", "Their treatment or medication"
    LEAVE = "leave", "Section 17 leave"
    DISCHARGE = "discharge", "Discharge and aftercare"
    RECORDS = "records", "Seeing their records"
    OTHER = "other", "Something else"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Being worked on"
    RESOLVED = "resolved", "Resolved"
    CLOSED_UNRESOLVED = "closed_unresolved", "Closed without being resolved"


class CaseIssue(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="issues")
    topic = models.CharField(max_length=20, choices=IssueTopic.choices)
    description = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.get_topic_display()


class OutcomeKind(models.TextChoices):
    RIGHT_EXERCISED = "right_exercised", "A right was exercised"
    TRIBUNAL_APPLIED = "tribunal_applied", "Applied to the tribunal"
    MANAGERS_HEARING_APPLIED = "managers_hearing_applied", "Applied for a managers' hearing"
    CONCERN_RESOLVED = "concern_resolved", "Concern resolved"
    COMPLAINT_MADE = "complaint_made", "Complaint made"
    CARE_PLAN_CHANGED = "care_plan_changed", "Care plan changed"
    LEAVE_GRANTED = "leave_granted", "Leave granted"
    DISCHARGE = "discharge", "Discharged"
    MEDICATION_REVIEWED = "medication_reviewed", "Medication reviewed"
    PERSON_FELT_HEARD = "person_felt_heard", "The person felt heard"
    INFORMATION_UNDERSTOOD = "information_understood", "The person understood the information"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred to another service"
    NO_CHANGE = "no_change", "No change"


class IssueOutcome(models.Model):
    """One outcome of an issue, with what the person said about it in their own words."""

    issue = models.ForeignKey(CaseIssue, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(max_length=30, choices=OutcomeKind.choices)
    persons_words = models.TextField("the person's own words", max_length=2000, blank=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "outcome"], name="one_of_each_outcome_per_issue"
            )
        ]

    def __str__(self) -> str:
        return self.get_outcome_display()


class ActivityKind(models.TextChoices):
    VISIT = "visit", "Visit in private"
    PHONE_CALL = "phone_call", "Phone call"
    WARD_ROUND = "ward_round", "Ward round"
    CPA_REVIEW = "cpa_review", "CPA review"
    TRIBUNAL_HEARING = "tribunal_hearing", "First-tier Tribunal hearing"
    MANAGERS_HEARING = "managers_hearing", "Hospital managers' hearing"
    PROFESSIONAL_MEETING = "professional_meeting", "Meeting or interview with a professional"
    LETTER = "letter", "Letter"
    CONCERN = "concern", "Concern raised or complaint supported"


class Activity(models.Model):
    """Something the advocate did or will do for the case, with the time it took."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    # Whose diary this is in: usually the allocated advocate.
    advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    occurs_on = models.DateField()
    # Given for anything booked for a time: ward rounds, reviews, hearings, visits.
    starts_at_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=0)
    with_whom = models.CharField(
        max_length=200, blank=True, help_text="For meetings and interviews: name and job."
    )
    notes = models.TextField(max_length=5000, blank=True)
    outcome = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurs_on", "-starts_at_time", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["advocate", "occurs_on"]),
            models.Index(fields=["case", "occurs_on"]),
            # The quarterly return counts a period's activities by kind and time; with these
            # columns in the index PostgreSQL answers from the index alone (SQLite ignores
            # INCLUDE and still uses the date).
            models.Index(
                fields=["occurs_on"],
                include=["kind", "duration_minutes", "case"],
                name="activity_by_day_for_reports",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurs_on}"

    @property
    def starts_at(self) -> datetime | None:
        if self.starts_at_time is None:
            return None
        return timezone.make_aware(datetime.combine(self.occurs_on, self.starts_at_time))

    @property
    def time_label(self) -> str:
        moment: time | None = self.starts_at_time
        if moment is None:
            return ""
        hour = moment.hour % 12 or 12
        minutes = f":{moment.minute:02d}" if moment.minute else ""
        return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


class RecordsBasis(models.TextChoices):
    """Section 130B(3) and (4) of the Mental Health Act 1983."""

    CONSENT = "consent", "The person has capacity and consents (section 130B(3))"
    LACKS_CAPACITY = (
        "lacks_capacity",
        "The person lacks capacity and the record holder agrees access is appropriate "
        "(section 130B(4))",
    )


class RecordsRequestStatus(models.TextChoices):
    ASKED = "asked", "Asked for"
    RECEIVED = "received", "Seen or received"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "No longer needed"


class RecordsRequest(models.Model):
    """The IMHA's right to see records relevant to the person (s130B(3)-(4))."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records_requests")
    records = models.CharField("which records", max_length=300)
    holder = models.CharField("who holds them", max_length=200)
    basis = models.CharField(max_length=20, choices=RecordsBasis.choices)
    # For s130B(4): the record holder's decision that access is appropriate.
    holder_decision = models.CharField("the record holder's decision", max_length=300, blank=True)
    asked_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RecordsRequestStatus.choices, default=RecordsRequestStatus.ASKED
    )
    notes = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-asked_on", "-id"]

    def __str__(self) -> str:
        return f"Records request {self.pk}"


class CaseNote(models.Model):
    """A plain-text note. Shown escaped, with line breaks kept; never treated as markup."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word document"
    PNG = "png", "PNG image"
    JPEG = "jpeg", "JPEG image"


def attachment_path(attachment: Attachment, filename: str) -> str:
    # A random name: the stored file's name says nothing about the person or the document.
    return f"cases/attachments/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A letter, consent form or similar. Only ever served through a checked download view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    original_name = models.CharField(max_length=150)
    size_bytes = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"


class CalendarFeed(models.Model):
    """An advocate's private calendar address. Only a hash of the token is kept, so the
    database alone cannot be used to read anybody's diary."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed for user {self.user_id}"
