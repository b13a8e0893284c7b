"""The questions a referral asks.

Each public page is one `QuestionForm`. The staff intake form is all of them on one page
plus when and how the referral arrived, so both routes ask exactly the same questions and
apply the same checks.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar, cast

from django import forms
from django.utils import timezone

from imha.hospitals.models import Hospital
from imha.referrals import fields
from imha.referrals.models import (
    Channel,
    CommunicationNeed,
    Consent,
    ContactMethod,
    HelpTopic,
    LegalStatusAnswer,
    ReferrerType,
    ResponseMethod,
    TreatmentAnswer,
    YesNo,
)

SOMEWHERE_ELSE = "elsewhere"


class QuestionForm(forms.Form):
    """One page of questions.

    `heading` is the page's title. When `question_field` is set, that field's label is the
    page heading (the GOV.UK pattern for a page that asks one question). `self_wording`
    rewords fields for a person referring themself: {field: (label, required message)}.
    """

    heading: ClassVar[str] = ""
    heading_for_self: ClassVar[str] = ""
    question_field: ClassVar[str | None] = None
    self_wording: ClassVar[dict[str, tuple[str, str | None]]] = {}

    def __init__(self, *args: Any, about_self: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.about_self = about_self
        if about_self:
            for name, (label, required_message) in self.self_wording.items():
                if name not in self.fields:
                    continue
                self.fields[name].label = label
                if required_message:
                    self.fields[name].error_messages["required"] = required_message

    @property
    def page_heading(self) -> str:
        if self.about_self and self.heading_for_self:
            return self.heading_for_self
        if self.question_field:
            return str(self.fields[self.question_field].label)
        return self.heading

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_answers(cleaned)
        return cleaned

    def check_answers(self, cleaned: dict[str, Any]) -> None:
        """Checks that involve more than one field. Each page adds its own."""

    def session_answers(self) -> dict[str, Any]:
        """The cleaned answers in a form the session can store (JSON)."""
        answers = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            answers[name] = value.isoformat() if isinstance(value, date) else value
        return answers

    def require(self, cleaned: dict[str, Any], name: str, message: str) -> None:
        if not cleaned.get(name) and name not in self.errors:
            self.add_error(name, message)


class WhoIsReferringForm(QuestionForm):
    question_field = "referrer_type"
    referrer_type = fields.radios(
        "Who is making this referral?",
        ReferrerType.choices,
        required_message="Select who is making this referral",
    )


class ReferrerDetailsForm(QuestionForm):
    heading = "Your details"
    referrer_messages: ClassVar[dict[str, str]] = {
        "name": "Enter your full name",
        "role": "Enter your relationship to them, or your job title",
        "contact": "Enter a phone number or an email address, so we can reply to you",
    }
    referrer_name = fields.text(
        "Your full name", 100, attrs={"autocomplete": "name", "spellcheck": "false"}
    )
    referrer_role = fields.text(
        "Your relationship to them, or your job title",
        100,
        help_text="For example: mother, ward nurse, social worker.",
    )
    referrer_organisation = fields.text(
        "Organisation or team (optional)", 150, help_text="If you are referring as a professional."
    )
    referrer_phone = fields.PhoneField("Phone number")
    referrer_email = fields.email(
        "Email address",
        help_text="We will send a confirmation to this address. It will not include any "
        "health details.",
    )

    def check_answers(self, cleaned: dict[str, Any]) -> None:
        # Optional at field level so the staff form (where the person may be referring
        # themself) can skip this page's rules; the public page always applies them.
        self.require(cleaned, "referrer_name", self.referrer_messages["name"])
        self.require(cleaned, "referrer_role", self.referrer_messages["role"])
        has_contact = cleaned.get("referrer_phone") or cleaned.get("referrer_email")
        contact_already_wrong = self.has_error("referrer_phone") or self.has_error("referrer_email")
        if not has_contact and not contact_already_wrong:
            self.add_error("referrer_phone", self.referrer_messages["contact"])


class PersonForm(QuestionForm):
    heading = "Their details"
    heading_for_self = "Your details"
    self_wording = {
        "first_name": ("First name", "Enter your first name"),
        "last_name": ("Last name", "Enter your last name"),
        "preferred_name": ("What do you like to be called? (optional)", None),
    }
    first_name = fields.text(
        "First name", 100, required_message="Enter their first name", attrs={"spellcheck": "false"}
    )
    last_name = fields.text(
        "Last name", 100, required_message="Enter their last name", attrs={"spellcheck": "false"}
    )
    preferred_name = fields.text(
        "What do they like to be called? (optional)", 100, attrs={"spellcheck": "false"}
    )
    date_of_birth = fields.DateField(
        "Date of birth (optional)",
        name_in_errors="Date of birth",
        help_text="For example, 27 3 1980. Leave it blank if you do not know it.",
    )
    nhs_number = fields.NhsNumberField()


class WhereForm(QuestionForm):
    question_field = "location"
    location = fields.radios(
        "Where are they now?",
        [],
        required_message="Select where they are now",
        help_text="If they are in hospital, choose the hospital.",
    )
    location_details = fields.text(
        "If somewhere else, where are they? (optional)",
        200,
        help_text="For example, at home in Exampletown, or a hospital not listed here.",
    )
    ward = fields.text("Ward (optional)", 100, help_text="If you know it.")
    self_wording = {"location": ("Where are you now?", "Select where you are now")}

    # The option that reveals a follow-up box, and the box it reveals.
    reveals: ClassVar[dict[str, dict[str, str]]] = {
        "location": {SOMEWHERE_ELSE: "location_details"}
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location = cast(forms.ChoiceField, self.fields["location"])
        location.choices = [
            *(
                (str(pk), name)
                for pk, name in Hospital.objects.filter(is_active=True).values_list("pk", "name")
            ),
            (SOMEWHERE_ELSE, "Somewhere else, or not in hospital"),
        ]


class LegalStatusForm(QuestionForm):
    question_field = "legal_status_answer"
    legal_status_answer = fields.radios(
        "Are they on a section of the Mental Health Act?",
        LegalStatusAnswer.choices,
        required_message="Select their section, or select I do not know",
        help_text="It is fine not to know. We will find out.",
    )
    legal_status_other = fields.text(
        "If another section, which one?", 100, help_text="For example, section 35."
    )
    self_wording = {
        "legal_status_answer": (
            "Are you on a section of the Mental Health Act?",
            "Select your section, or select I do not know",
        )
    }
    reveals: ClassVar[dict[str, dict[str, str]]] = {
        "legal_status_answer": {LegalStatusAnswer.OTHER: "legal_status_other"}
    }

    def check_answers(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("legal_status_answer") == LegalStatusAnswer.OTHER:
            self.require(
                cleaned, "legal_status_other", "Enter which section, or select I do not know"
            )


# The legal status answers after which we ask about treatment. Anyone detained already
# qualifies, so the answer could not change anything for them. "I do not know" is included:
# many people who do not know their section are not on one, and if doctors are considering
# brain surgery (or ECT for someone under 18) the person qualifies whatever their status,
# so staff need to know. The question has its own "I do not know" answer, so nobody is
# held up by it.
ASKS_ABOUT_TREATMENT = frozenset({LegalStatusAnswer.INFORMAL, LegalStatusAnswer.DONT_KNOW})


def asks_about_treatment(answers: dict[str, Any]) -> bool:
    """True when the answers so far make the treatment question apply."""
    return answers.get("legal_status_answer") in ASKS_ABOUT_TREATMENT


class TreatmentForm(QuestionForm):
    question_field = "treatment_considered"
    treatment_considered = fields.radios(
        "Are doctors thinking about giving them one of these treatments?",
        TreatmentAnswer.choices,
        required_message="Select whether doctors are thinking about one of these treatments, "
        "or select I do not know",
        help_text="Some treatments mean a person can have an advocate even if they are not on "
        "a section. Brain surgery for a mental health condition is very rare. A hormone implant "
        "to reduce sex drive is a small implant put under the skin. ECT (electroconvulsive "
        "therapy) passes a small electric current through the brain while the person is asleep "
        "under an anaesthetic. It is fine not to know.",
    )
    self_wording = {
        "treatment_considered": (
            "Are doctors thinking about giving you one of these treatments?",
            "Select whether doctors are thinking about one of these treatments, or select "
            "I do not know",
        )
    }


class HelpForm(QuestionForm):
    question_field = "help_with"
    help_with = fields.checkboxes(
        "What would they like help with?",
        HelpTopic.choices,
        help_text="Select all that apply. Leave them all blank if you are not sure.",
    )
    help_other = fields.text("What else would they like help with?", 200)
    more_information = fields.text(
        "Is anything coming up soon? (optional)",
        2000,
        textarea=True,
        help_text="For example, a tribunal or ward round, and its date.",
    )
    self_wording = {"help_with": ("What would you like help with?", None)}
    reveals: ClassVar[dict[str, dict[str, str]]] = {"help_with": {HelpTopic.OTHER: "help_other"}}

    def check_answers(self, cleaned: dict[str, Any]) -> None:
        if HelpTopic.OTHER in cleaned.get("help_with", []):
            self.require(cleaned, "help_other", "Enter what else they would like help with")


class CommunicationForm(QuestionForm):
    question_field = "communication_needs"
    communication_needs = fields.checkboxes(
        "Do they need anything to help them communicate with us?",
        CommunicationNeed.choices,
        help_text="Select all that apply.",
    )
    interpreter_language = fields.text("Which language?", 100)
    access_needs = fields.text(
        "Tell us what would help",
        1000,
        textarea=True,
        help_text="For example, large print, a quiet room, or extra time.",
    )
    self_wording = {
        "communication_needs": ("Do you need anything to help you communicate with us?", None)
    }
    reveals: ClassVar[dict[str, dict[str, str]]] = {
        "communication_needs": {
            CommunicationNeed.INTERPRETER: "interpreter_language",
            CommunicationNeed.OTHER: "access_needs",
        }
    }

    def check_answers(self, cleaned: dict[str, Any]) -> None:
        needs = cleaned.get("communication_needs", [])
        if CommunicationNeed.INTERPRETER in needs:
            self.require(cleaned, "interpreter_language", "Enter the language they need")
        if CommunicationNeed.OTHER in needs:
            self.require(cleaned, "access_needs", "Tell us what would help them communicate")


class ConsentForm(QuestionForm):
    question_field = "consent"
    consent = fields.radios(
        "Does the person know about this referral and agree to it?",
        Consent.choices,
        required_message="Select whether they know about this referral and agree to it",
        help_text="We will still contact them. It is up to them whether they want an advocate.",
    )


class ContactForm(QuestionForm):
    heading = "How can we contact them safely?"
    heading_for_self = "How can we contact you safely?"
    contact_method = fields.radios(
        "What is the best way to contact them?",
        ContactMethod.choices,
        required_message="Select the best way to contact them",
    )
    person_phone = fields.PhoneField("Their phone number (optional)")
    person_email = fields.email("Their email address (optional)")
    safe_to_leave_message = fields.radios(
        "Is it safe to leave a message?",
        YesNo.choices,
        required_message="Select whether it is safe to leave a message",
    )
    contact_notes = fields.text(
        "Anything else we should know to contact them safely (optional)",
        1000,
        textarea=True,
        help_text="For example, times to avoid, or people who must not know about this.",
    )
    self_wording = {
        "contact_method": (
            "What is the best way to contact you?",
            "Select the best way to contact you",
        ),
        "person_phone": ("Your phone number (optional)", None),
        "person_email": ("Your email address (optional)", None),
        "contact_notes": ("Anything else we should know to contact you safely (optional)", None),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.about_self:
            method = cast(forms.ChoiceField, self.fields["contact_method"])
            method.choices = [c for c in ContactMethod.choices if c[0] != ContactMethod.REFERRER]
            self.fields["person_email"].help_text = (
                "We will send a confirmation to this address. It will not include any "
                "health details."
            )

    def check_answers(self, cleaned: dict[str, Any]) -> None:
        method = cleaned.get("contact_method")
        whose = "your" if self.about_self else "their"
        if method == ContactMethod.PHONE:
            self.require(cleaned, "person_phone", f"Enter {whose} phone number")
        elif method == ContactMethod.EMAIL:
            self.require(cleaned, "person_email", f"Enter {whose} email address")


class ReceivedForm(forms.Form):
    """How and when a referral reached the service, for referrals logged by staff."""

    channel = fields.radios(
        "How did the referral arrive?",
        # Online and automatic referrals arrive by themselves; staff never log them by hand.
        [c for c in Channel.choices if c[0] not in {Channel.ONLINE, Channel.AUTOMATIC}],
        required_message="Select how the referral arrived",
    )
    received_date = fields.DateField(
        "Date received",
        name_in_errors="Date received",
        required_message="Enter the date the referral was received",
        help_text="For example, 27 3 2026.",
    )
    received_time = fields.TimeField(
        "Time received",
        required_message="Enter the time the referral was received",
        help_text="For example, 14:30. For a voicemail or email, the time it arrived.",
    )


# The same answers in the words intake staff use.
STAFF_TREATMENT_CHOICES = [
    (
        TreatmentAnswer.S57,
        "Section 57 treatment: neurosurgery for mental disorder, or a surgical hormone "
        "implant to reduce male sex drive",
    ),
    (TreatmentAnswer.ECT, "ECT (section 58A treatment)"),
    (TreatmentAnswer.NEITHER, "Neither"),
    (TreatmentAnswer.DONT_KNOW, "Not known"),
]


class StaffReferralForm(
    ReceivedForm,
    WhoIsReferringForm,
    ReferrerDetailsForm,
    PersonForm,
    WhereForm,
    LegalStatusForm,
    TreatmentForm,
    HelpForm,
    CommunicationForm,
    ConsentForm,
    ContactForm,
):
    """Every question on one page, for intake staff taking a referral by phone or email."""

    referrer_messages: ClassVar[dict[str, str]] = {
        "name": "Enter the referrer's full name",
        "role": "Enter the referrer's relationship to the person, or their job title",
        "contact": "Enter the referrer's phone number or email address",
    }

    # The sections of the page, in order: (heading, fields).
    SECTIONS: ClassVar[list[tuple[str, list[str]]]] = [
        ("How it arrived", ["channel", "received_date", "received_time"]),
        ("Who is referring", ["referrer_type", *ReferrerDetailsForm.base_fields]),
        ("The person", list(PersonForm.base_fields)),
        ("Where they are", ["location", "location_details", "ward"]),
        (
            "Mental Health Act status",
            ["legal_status_answer", "legal_status_other", "treatment_considered"],
        ),
        ("Help wanted", list(HelpForm.base_fields)),
        ("Communication", list(CommunicationForm.base_fields)),
        ("Consent and contact", ["consent", *ContactForm.base_fields]),
    ]
    reveals: ClassVar[dict[str, dict[str, str]]] = {
        **WhereForm.reveals,
        **LegalStatusForm.reveals,
        **HelpForm.reveals,
        **CommunicationForm.reveals,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].required = False
        self.fields["referrer_type"].label = "Who made the referral?"
        self.fields["location"].label = "Where are they now?"
        self.fields["consent"].help_text = "Not needed when the person referred themself."
        # Optional here: intake staff often will not know, and the answer only counts for
        # people who are not detained (see services.referral_fields_from_answers).
        treatment = cast(forms.ChoiceField, self.fields["treatment_considered"])
        treatment.required = False
        treatment.label = "Are doctors considering one of these treatments?"
        treatment.choices = STAFF_TREATMENT_CHOICES
        treatment.help_text = (
            "Only for people who are not detained, or whose section is not known. Informal "
            "patients qualify for an IMHA when section 57 treatment is being considered, or "
            "ECT if they are under 18. Ignored if you choose a section above."
        )
        self.fields["referrer_name"].label = "Referrer's full name"
        self.fields["referrer_role"].label = "Referrer's relationship or job title"
        self.fields[
            "referrer_email"
        ].help_text = "We will send the referrer a confirmation with no health details."
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("received_date", now.date())
            self.initial.setdefault("received_time", now.strftime("%H:%M"))

    @property
    def page_heading(self) -> str:
        return "Log a referral"

    def check_answers(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("referrer_type") and cleaned["referrer_type"] != ReferrerType.SELF:
            ReferrerDetailsForm.check_answers(self, cleaned)
            self.require(
                cleaned, "consent", "Select whether they know about this referral and agree"
            )
        LegalStatusForm.check_answers(self, cleaned)
        HelpForm.check_answers(self, cleaned)
        CommunicationForm.check_answers(self, cleaned)
        ContactForm.check_answers(self, cleaned)
        received = self.received_at(cleaned)
        if received is not None and received > timezone.now():
            self.add_error("received_time", "The time received must be in the past")
        cleaned["received_at"] = received

    @staticmethod
    def received_at(cleaned: dict[str, Any]) -> datetime | None:
        day, at = cleaned.get("received_date"), cleaned.get("received_time")
        if not isinstance(day, date) or not isinstance(at, time):
            return None
        return timezone.make_aware(datetime.combine(day, at))


class RecordResponseForm(forms.Form):
    response_method = fields.radios(
        "How did you respond?",
        ResponseMethod.choices,
        required_message="Select how you responded",
    )
    response_note = fields.text(
        "Note (optional)",
        1000,
        textarea=True,
        help_text="For example, who you spoke to and what you agreed.",
    )


class DecisionForm(forms.Form):
    """Accepting, declining or withdrawing. Records the response too if none was recorded."""

    response_method = fields.radios(
        "How did you tell the referrer?",
        ResponseMethod.choices,
        required_message="Select how you told the referrer",
    )
    outcome_reason = fields.text("Reason", 1000, textarea=True)

    def __init__(
        self,
        *args: Any,
        needs_response: bool,
        reason_label: str,
        reason_required_message: str | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not needs_response:
            del self.fields["response_method"]
        reason = self.fields["outcome_reason"]
        reason.label = reason_label
        reason.required = reason_required_message is not None
        if reason_required_message:
            reason.error_messages["required"] = reason_required_message
