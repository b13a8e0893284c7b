"""The public referral form as a series of question pages.

Answers live in the visitor's session until they send the referral, so going back, changing
an answer or fixing an error never loses what they typed, and the pages work without
JavaScript. Some pages only apply to some referrers (someone referring themself is not asked
for "your details" or for the person's consent), and some only after certain answers (the
treatment question only for people who are not detained).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from imha.referrals.fields import DateField
from imha.referrals.forms import (
    CommunicationForm,
    ConsentForm,
    ContactForm,
    HelpForm,
    LegalStatusForm,
    PersonForm,
    QuestionForm,
    ReferrerDetailsForm,
    TreatmentForm,
    WhereForm,
    WhoIsReferringForm,
    asks_about_treatment,
)
from imha.referrals.models import ReferrerType

SESSION_KEY = "imha_referral"
SENT_SESSION_KEY = "imha_referral_sent"


@dataclass(frozen=True)
class Step:
    """One question page.

    `condition`, when given, decides from the earlier answers whether the page is asked at
    all. A page whose condition stops holding (an earlier answer was changed) has its
    answers thrown away, so they can neither be sent nor shown; see `Journey.record`.
    """

    slug: str
    form_class: type[QuestionForm]
    asked_of_self_referrers: bool = True
    condition: Callable[[dict[str, Any]], bool] | None = None

    def applies(self, answers: dict[str, Any]) -> bool:
        if not self.asked_of_self_referrers and is_self_referral(answers):
            return False
        return self.condition is None or self.condition(answers)

    @property
    def field_names(self) -> list[str]:
        return list(self.form_class.base_fields)


STEPS: tuple[Step, ...] = (
    Step("who-is-referring", WhoIsReferringForm),
    Step("your-details", ReferrerDetailsForm, asked_of_self_referrers=False),
    Step("their-details", PersonForm),
    Step("where-they-are", WhereForm),
    Step("mental-health-act", LegalStatusForm),
    Step("treatment", TreatmentForm, condition=asks_about_treatment),
    Step("help-wanted", HelpForm),
    Step("communication", CommunicationForm),
    Step("consent", ConsentForm, asked_of_self_referrers=False),
    Step("contact", ContactForm),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}


def is_self_referral(answers: dict[str, Any]) -> bool:
    return answers.get("referrer_type") == ReferrerType.SELF


class Journey:
    """One visitor's progress through the form, kept in their session."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session
        stored = session.get(SESSION_KEY) or {}
        self.answers: dict[str, Any] = stored.get("answers", {})
        self.completed: list[str] = stored.get("completed", [])
        # Made once per journey and sent with the final submission; see Referral's field.
        self.token: str = stored.get("token") or str(uuid.uuid4())

    def save(self) -> None:
        self.session[SESSION_KEY] = {
            "answers": self.answers,
            "completed": self.completed,
            "token": self.token,
        }

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)

    def record(self, step: Step, answers: dict[str, Any]) -> None:
        self.answers.update(answers)
        if step.slug not in self.completed:
            self.completed.append(step.slug)
        self.forget_ruled_out()
        self.save()

    def forget_ruled_out(self) -> None:
        """Drop the answers to conditional pages that the answers now rule out.

        Someone who says "informal", answers the treatment question, then goes back and
        says "section 3" must not have the treatment answer sent or shown. The page is also
        marked unanswered, so if a later change makes it apply again it is asked afresh
        rather than bringing back an answer given about different circumstances.

        Pages skipped only because someone refers themself keep their answers, as before:
        those are the referrer's own details, which nobody wants to type twice, and the
        services ignore them for self-referrals.
        """
        for step in STEPS:
            if step.condition is None or step.condition(self.answers):
                continue
            for name in step.field_names:
                self.answers.pop(name, None)
            if step.slug in self.completed:
                self.completed.remove(step.slug)

    def applicable_steps(self) -> list[Step]:
        return [step for step in STEPS if step.applies(self.answers)]

    def first_incomplete(self) -> Step | None:
        return next((s for s in self.applicable_steps() if s.slug not in self.completed), None)

    def is_complete(self) -> bool:
        return self.first_incomplete() is None

    def can_visit(self, step: Step) -> bool:
        """A page can be shown once every page before it has been answered."""
        for earlier in self.applicable_steps():
            if earlier.slug == step.slug:
                return True
            if earlier.slug not in self.completed:
                return False
        return False

    def previous(self, step: Step) -> Step | None:
        steps = self.applicable_steps()
        index = next((i for i, s in enumerate(steps) if s.slug == step.slug), 0)
        return steps[index - 1] if index > 0 else None

    def form_for(self, step: Step, data: Any = None) -> QuestionForm:
        initial = {name: self.answers[name] for name in step.field_names if name in self.answers}
        return step.form_class(data, initial=initial, about_self=is_self_referral(self.answers))


@dataclass(frozen=True)
class AnswerRow:
    label: str
    lines: list[str]


@dataclass(frozen=True)
class AnswerSection:
    heading: str
    slug: str
    rows: list[AnswerRow]


NOT_GIVEN = "Not given"


def display_answer(form_field: Any, value: Any) -> list[str]:
    """An answer as the person would say it: option labels rather than codes."""
    if value in (None, "", []):
        return [NOT_GIVEN]
    choices = dict(getattr(form_field, "choices", []) or [])
    if isinstance(value, list):
        return [str(choices.get(item, item)) for item in value]
    if choices:
        return [str(choices.get(value, value))]
    if isinstance(form_field, DateField):
        day = date.fromisoformat(value)
        return [f"{day.day} {day:%B %Y}"]
    return [str(value)]


def answer_summary(journey: Journey) -> list[AnswerSection]:
    """Every answer given, page by page, for the check-your-answers page."""
    sections = []
    for step in journey.applicable_steps():
        form = journey.form_for(step)
        revealed = {
            name
            for by_option in getattr(form, "reveals", {}).values()
            for name in by_option.values()
        }
        rows = []
        for name, form_field in form.fields.items():
            value = journey.answers.get(name)
            if name in revealed and value in (None, ""):
                continue
            rows.append(AnswerRow(str(form_field.label), display_answer(form_field, value)))
        sections.append(AnswerSection(form.page_heading, step.slug, rows))
    return sections
