"""The public "Check if you can get an IMHA" question flow.

This module only asks questions and turns the answers into facts. Every legal decision,
including which follow-up questions could change the answer, comes from `imha.law.assess`.

State lives in the query string, not in a session, so the public site still sets no
cookies. Each question page is a GET form that carries the earlier answers in hidden fields.
Anything missing or tampered with sends the person back to the first question that needs
an answer, with an error message there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.urls import reverse

from imha.core.templatetags.govuk import Choice, choices_for
from imha.law import (
    Category,
    Circumstances,
    Decision,
    Jurisdiction,
    LawInputError,
    Treatment,
    assess,
)

# The hidden field a question form sends with every submission. It tells "Continue was
# pressed with nothing chosen" apart from "the page was opened".
SUBMITTED = "answered"

Answers = dict[str, str]


@dataclass(frozen=True)
class Facts:
    """What one answer tells the rules engine. Fields left as None say nothing."""

    jurisdiction: Jurisdiction | None = None
    status: str | None = None
    in_hospital: bool | None = None
    treatment: Treatment | None = None
    age: int | None = None
    second_recommendation: bool | None = None

    def add(self, other: Facts) -> Facts:
        changes = {
            name: value
            for name, value in vars(other).items()
            if value is not None  # later answers add to earlier ones
        }
        return replace(self, **changes)

    def circumstances(self) -> Circumstances:
        return Circumstances(
            jurisdiction=self.jurisdiction or Jurisdiction.ENGLAND,
            status=self.status,
            age=self.age,
            treatment_under_consideration=self.treatment,
            in_hospital=self.in_hospital,
            second_recommendation_received=bool(self.second_recommendation),
        )


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""
    facts: Facts = Facts()
    # Draw the word "or" before this option, as GOV.UK does before "I don't know".
    divider: bool = False


@dataclass(frozen=True)
class Wording:
    title: str
    hint: str
    error: str
    summary: str
    options: tuple[Option, ...]

    def option(self, value: str | None) -> Option | None:
        for option in self.options:
            if option.value == value:
                return option
        return None


@dataclass(frozen=True)
class Question:
    key: str
    slug: str
    wording_for: Callable[[Answers], Wording]
    # "always", "with_section" or "if_it_matters" (asked only when the engine gives a
    # different answer for different options).
    ask: str

    @property
    def url_name(self) -> str:
        return f"resources:checker_{self.key}"

    def applies(self, valid: Answers) -> bool:
        if self.ask == "always":
            return True
        if self.ask == "with_section":
            return valid.get("situation") in SECTION_WORDINGS
        return _could_change_the_answer(self, valid)


ENGLAND = Facts(jurisdiction=Jurisdiction.ENGLAND)
DONT_KNOW = "dont-know"
NOT_SURE = "not-sure"

WHERE = Wording(
    title="Are you in England or Wales?",
    hint="If you are in hospital, choose the country the hospital is in. "
    "The rules are different in each country.",
    error="Select if you are in England or Wales",
    summary="England or Wales",
    options=(
        Option("england", "England", facts=ENGLAND),
        Option("wales", "Wales", facts=Facts(jurisdiction=Jurisdiction.WALES)),
        Option(
            NOT_SURE, "I'm not sure", "We will use the rules for England.", ENGLAND, divider=True
        ),
    ),
)

SITUATION = Wording(
    title="Which of these best describes you now?",
    hint="If you are doing this for someone else, answer for them.",
    error="Select the option that best describes you now",
    summary="Your situation",
    options=(
        Option(
            "detained",
            "I am detained in hospital under a section",
            "For example section 2, 3 or 37. Choose this if you are on leave from hospital too.",
        ),
        Option(
            "cto",
            "I am on a community treatment order (CTO)",
            "You live outside hospital but must follow some rules, "
            "and you can be called back to hospital.",
            Facts(status="s17a"),
        ),
        Option(
            "guardianship",
            "I am under guardianship",
            "A guardian, usually the council, can make some choices for you, like where you live.",
            Facts(status="s7"),
        ),
        Option(
            "conditional-discharge",
            "I have left hospital on a conditional discharge",
            "You were on a section with restrictions, like 37/41, "
            "and you left hospital with rules you must follow.",
            Facts(status="conditional_discharge"),
        ),
        Option(
            "short-hold",
            "I am being held in hospital for a short time",
            "Under section 4, 5(2) or 5(4).",
        ),
        Option(
            "place-of-safety",
            "The police have taken me to a place of safety",
            "Under section 135 or 136. A place of safety is often a hospital.",
        ),
        Option(
            "informal",
            "I am in hospital by choice",
            "You are an informal or voluntary patient, not under a section.",
            Facts(status="informal", in_hospital=True),
        ),
        Option(
            "not-in-hospital",
            "I am not in hospital and not under a section",
            facts=Facts(status="informal", in_hospital=False),
        ),
        Option(DONT_KNOW, "I don't know", facts=Facts(status="dont_know"), divider=True),
    ),
)


def _section(value: str, name: str, hint: str, status: str) -> Option:
    return Option(value, name, hint, Facts(status=status))


SECTION_WORDINGS = {
    "detained": Wording(
        title="Which section are you detained under?",
        hint="It is on the leaflet about your rights that the hospital gave you. "
        "You can also ask a nurse.",
        error="Select the section you are detained under, or select "
        "'Another section, or I don't know'",
        summary="Section",
        options=(
            _section("2", "Section 2", "To find out what help you need.", "s2"),
            _section("3", "Section 3", "For treatment.", "s3"),
            _section("37", "Section 37", "A hospital order from a court.", "s37"),
            _section("37-41", "Section 37/41", "A hospital order with restrictions.", "s37/41"),
            _section("47", "Section 47", "A move from prison to hospital.", "s47"),
            _section("47-49", "Section 47/49", "A move from prison, with restrictions.", "s47/49"),
            _section("48", "Section 48", "An urgent move from prison to hospital.", "s48"),
            _section(
                "48-49", "Section 48/49", "An urgent move from prison, with restrictions.", "s48/49"
            ),
            _section("35", "Section 35", "A court wants a report on your mental health.", "s35"),
            _section("36", "Section 36", "A court has sent you for treatment.", "s36"),
            _section("38", "Section 38", "A short hospital order from a court.", "s38"),
            _section("45a", "Section 45A", "A hospital order alongside a prison sentence.", "s45a"),
            Option(
                DONT_KNOW,
                "Another section, or I don't know",
                facts=Facts(status="dont_know"),
                divider=True,
            ),
        ),
    ),
    "short-hold": Wording(
        title="Which power are you being held under?",
        hint="A nurse or doctor can tell you.",
        error="Select the power you are being held under, or select I don't know",
        summary="Power",
        options=(
            _section("4", "Section 4", "An emergency admission agreed by one doctor.", "s4"),
            _section(
                "5-2", "Section 5(2)", "A doctor has stopped you leaving for a short time.", "s5(2)"
            ),
            _section(
                "5-4", "Section 5(4)", "A nurse has stopped you leaving for a short time.", "s5(4)"
            ),
            Option(DONT_KNOW, "I don't know", facts=Facts(status="dont_know"), divider=True),
        ),
    ),
    "place-of-safety": Wording(
        title="Which power did the police use?",
        hint="The police should have told you.",
        error="Select the power the police used, or select I don't know",
        summary="Power",
        options=(
            _section(
                "136",
                "Section 136",
                "The police found you somewhere that is not a home, like a street or a shop.",
                "s136",
            ),
            _section(
                "135", "Section 135", "The police came into a home with a court warrant.", "s135"
            ),
            Option(DONT_KNOW, "I don't know", facts=Facts(status="dont_know"), divider=True),
        ),
    ),
}

SECOND_DOCTOR = Wording(
    title="Has a second doctor agreed that you need to stay in hospital?",
    hint="Section 4 is agreed by one doctor. Choose yes if another doctor has now agreed too.",
    error="Select yes if a second doctor has agreed that you need to stay in hospital",
    summary="Second doctor agreed",
    options=(
        Option("yes", "Yes", facts=Facts(second_recommendation=True)),
        Option("no", "No", facts=Facts(second_recommendation=False)),
        Option(DONT_KNOW, "I don't know", divider=True),
    ),
)

TREATMENT = Wording(
    title="Is a doctor talking to you about either of these treatments?",
    hint="We ask because these treatments can change the answer.",
    error="Select if a doctor is talking to you about brain surgery or ECT",
    summary="Treatment",
    options=(
        Option(
            "brain-surgery",
            "Brain surgery for a mental health condition",
            "This is very rare.",
            Facts(treatment=Treatment.S57),
        ),
        Option(
            "ect",
            "ECT (electroconvulsive therapy)",
            "A small electric current is passed through the brain while you are asleep.",
            Facts(treatment=Treatment.S58A),
        ),
        Option("neither", "Neither of these"),
        Option(DONT_KNOW, "I don't know", divider=True),
    ),
)

# The engine only asks whether the person is under 18, so each band stands for one age.
AGE = Wording(
    title="How old are you?",
    hint="The rules about ECT are different for people under 18.",
    error="Select if you are under 18 or 18 or over",
    summary="Age",
    options=(
        Option("under-18", "Under 18", facts=Facts(age=17)),
        Option("18-or-over", "18 or over", facts=Facts(age=18)),
    ),
)


def _fixed(wording: Wording) -> Callable[[Answers], Wording]:
    return lambda _valid: wording


def _section_wording(valid: Answers) -> Wording:
    return SECTION_WORDINGS[valid["situation"]]


QUESTIONS = (
    Question("where", "where", _fixed(WHERE), "always"),
    Question("situation", "situation", _fixed(SITUATION), "always"),
    Question("section", "section", _section_wording, "with_section"),
    Question("second_doctor", "second-doctor", _fixed(SECOND_DOCTOR), "if_it_matters"),
    Question("treatment", "treatment", _fixed(TREATMENT), "if_it_matters"),
    Question("age", "age", _fixed(AGE), "if_it_matters"),
)
KEYS = tuple(question.key for question in QUESTIONS)


# --- from answers to the engine ------------------------------------------------


def facts_for(valid: Answers) -> Facts:
    """The facts given by a set of answers already checked by `walk`."""
    facts = Facts()
    for question in QUESTIONS:
        if question.key in valid:
            option = question.wording_for(valid).option(valid[question.key])
            if option is not None:
                facts = facts.add(option.facts)
    return facts


def decide(valid: Answers) -> Decision:
    return assess(facts_for(valid).circumstances())


def _could_change_the_answer(question: Question, valid: Answers) -> bool:
    """Ask a follow-up only when the engine answers differently for different options."""
    base = facts_for(valid)
    try:
        categories = {
            assess(base.add(option.facts).circumstances()).category
            for option in question.wording_for(valid).options
        }
    except LawInputError:
        # The engine cannot judge these answers; `result_step` handles that.
        return False
    return len(categories) > 1


# --- where the person is in the flow -------------------------------------------


@dataclass(frozen=True)
class Walk:
    """The questions on this person's path, in order, up to the first one not answered."""

    asked: tuple[Question, ...]
    valid: Answers
    stop: Question | None

    def state_through(self, question: Question) -> list[tuple[str, str]]:
        """The answers up to and including `question`, to carry in a link."""
        state = []
        for asked in self.asked:
            if asked.key in self.valid:
                state.append((asked.key, self.valid[asked.key]))
            if asked is question:
                break
        return state

    def state_before(self, question: Question) -> list[tuple[str, str]]:
        return [(key, value) for key, value in self.state_through(question) if key != question.key]

    def previous(self, question: Question) -> Question | None:
        index = self.asked.index(question)
        return self.asked[index - 1] if index > 0 else None


def read_answers(query: QueryDict) -> Answers:
    answers: Answers = {}
    for key in KEYS:
        value = query.get(key)  # the last value, if the key is repeated
        if isinstance(value, str):
            answers[key] = value
    return answers


def walk(answers: Mapping[str, str]) -> Walk:
    valid: Answers = {}
    asked: list[Question] = []
    for question in QUESTIONS:
        if not question.applies(valid):
            continue
        asked.append(question)
        value = answers.get(question.key)
        if value is None or question.wording_for(valid).option(value) is None:
            return Walk(tuple(asked), valid, question)
        valid[question.key] = value
    return Walk(tuple(asked), valid, None)


def link(url_name: str, state: list[tuple[str, str]], submitted: bool = False) -> str:
    url = reverse(url_name)
    query = list(state)
    if submitted:
        query.append((SUBMITTED, "yes"))
    return f"{url}?{urlencode(query)}" if query else url


RESULT_URL_NAME = "resources:checker_result"
START_URL_NAME = "resources:checker"


@dataclass(frozen=True)
class Redirect:
    url: str


def _send_to_stop(progress: Walk, stop: Question, show_error: bool) -> Redirect:
    return Redirect(link(stop.url_name, progress.state_before(stop), submitted=show_error))


# --- question pages ------------------------------------------------------------


class QuestionForm(forms.Form):
    """One radios question. Its field is named after the query-string key."""

    def __init__(self, question: Question, wording: Wording, data: QueryDict | None) -> None:
        super().__init__(data=data, auto_id="%s")
        self.fields[question.key] = forms.ChoiceField(
            label=wording.title,
            help_text=wording.hint,
            choices=[(option.value, option.label) for option in wording.options],
            widget=forms.RadioSelect,
            error_messages={"required": wording.error, "invalid_choice": wording.error},
        )


def radio_items(field: forms.BoundField, options: tuple[Option, ...]) -> list[Choice]:
    """Items for includes/fields/radios.html: the field's choices (the first takes the
    field's id, which the error summary links to), each with its option's hint and "or"."""
    by_value = {option.value: option for option in options}
    items = choices_for(field)
    for item in items:
        item.hint = by_value[item.value].hint
        item.divider = by_value[item.value].divider
    return items


@dataclass(frozen=True)
class QuestionPage:
    title: str
    form: QuestionForm
    field: forms.BoundField
    options: list[Choice]
    hidden: list[tuple[str, str]]
    action: str
    back_url: str
    submitted_name: str = SUBMITTED


def question_step(question: Question, query: QueryDict) -> Redirect | QuestionPage:
    """Show `question`, or say where the person should go instead."""
    progress = walk(read_answers(query))
    if question not in progress.asked:
        # Not on this person's path: an earlier answer is missing or wrong, or the question
        # does not matter for them.
        if progress.stop is None:
            return Redirect(link(RESULT_URL_NAME, progress.state_through(progress.asked[-1])))
        earlier = QUESTIONS.index(progress.stop) < QUESTIONS.index(question)
        return _send_to_stop(progress, progress.stop, show_error=earlier)

    wording = question.wording_for(progress.valid)
    submitted = SUBMITTED in query
    # Bind when Continue was pressed, or when a value came in the link: a good value is shown
    # as chosen (after "Back"), a bad one gets an error.
    bound = submitted or question.key in query
    form = QuestionForm(question, wording, query if bound else None)
    if submitted and form.is_valid():
        answered = dict(progress.state_before(question))
        answered[question.key] = form.cleaned_data[question.key]
        following = walk(answered)
        if following.stop is None:
            return Redirect(link(RESULT_URL_NAME, following.state_through(following.asked[-1])))
        return _send_to_stop(following, following.stop, show_error=False)

    previous = progress.previous(question)
    field = form[question.key]
    return QuestionPage(
        title=wording.title,
        form=form,
        field=field,
        options=radio_items(field, wording.options),
        hidden=progress.state_before(question),
        action=reverse(question.url_name),
        back_url=(
            reverse(START_URL_NAME)
            if previous is None
            else link(previous.url_name, progress.state_through(previous))
        ),
    )


# --- the answer ----------------------------------------------------------------

# The engine says who must tell the person about IMHAs in the words of the Act. These say
# the same in plain words, to the person. Anything not listed is shown as the engine says it.
PLAIN_DUTY_HOLDERS = {
    "The managers of the hospital where the patient is detained.": (
        "the hospital where you are detained"
    ),
    "The managers of the responsible hospital.": (
        "the hospital in charge of your community treatment order"
    ),
    "The responsible local social services authority (the council).": (
        "the council that is in charge of your guardianship"
    ),
    "The patient's responsible clinician.": (
        "your responsible clinician (the professional in charge of your care)"
    ),
    "The doctor or approved clinician who first discusses the treatment with the patient.": (
        "the doctor who first talks to you about the treatment"
    ),
    "The managers of the hospital the patient is an in-patient in.": (
        "the hospital you are staying in"
    ),
}


def plain_duty_holder(holder: str) -> str:
    return PLAIN_DUTY_HOLDERS.get(holder, holder.rstrip("."))


@dataclass(frozen=True)
class SummaryRow:
    key: str
    value: str
    change_url: str


@dataclass(frozen=True)
class ResultPage:
    decision: Decision
    outcome: str  # "yes", "no" or "unclear"
    heading: str
    duty_holder: str | None
    rows: list[SummaryRow]
    back_url: str
    not_sure_where: bool
    in_wales: bool


def _heading(decision: Decision) -> tuple[str, str]:
    if decision.qualifies:
        return "yes", "You can get an IMHA"
    if decision.category is Category.UNCLEAR:
        return "unclear", "We need to talk to you to find out"
    country = "Wales" if decision.jurisdiction is Jurisdiction.WALES else "England"
    return "no", f"You probably cannot get an IMHA in {country}"


def result_step(query: QueryDict) -> Redirect | ResultPage:
    progress = walk(read_answers(query))
    if progress.stop is not None:
        return _send_to_stop(progress, progress.stop, show_error=True)
    try:
        decision = decide(progress.valid)
    except LawInputError:
        # The answers are all from fixed lists, so this should not happen; if the engine
        # ever refuses them, ask about the situation again rather than fail.
        situation = QUESTIONS[1]
        return _send_to_stop(progress, situation, show_error=True)

    rows = []
    for question in progress.asked:
        wording = question.wording_for(progress.valid)
        option = wording.option(progress.valid[question.key])
        rows.append(
            SummaryRow(
                key=wording.summary,
                value=option.label if option else "",
                change_url=link(question.url_name, progress.state_through(question)),
            )
        )
    outcome, heading = _heading(decision)
    last = progress.asked[-1]
    duty = decision.duty_to_inform
    return ResultPage(
        decision=decision,
        outcome=outcome,
        heading=heading,
        duty_holder=plain_duty_holder(duty.holder) if duty else None,
        rows=rows,
        back_url=link(last.url_name, progress.state_through(last)),
        not_sure_where=progress.valid.get("where") == NOT_SURE,
        in_wales=decision.jurisdiction is Jurisdiction.WALES,
    )
