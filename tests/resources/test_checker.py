"""The public "Check if you can get an IMHA" question flow, through the Django test client."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from imha.law import Circumstances, Jurisdiction, LawInputError, Treatment, assess
from imha.resources import eligibility
from imha.resources.eligibility import PLAIN_DUTY_HOLDERS, decide, walk

pytestmark = pytest.mark.django_db

START = reverse("resources:checker")
WHERE = reverse("resources:checker_where")
SITUATION = reverse("resources:checker_situation")
SECTION = reverse("resources:checker_section")
SECOND_DOCTOR = reverse("resources:checker_second_doctor")
TREATMENT = reverse("resources:checker_treatment")
AGE = reverse("resources:checker_age")
RESULT = reverse("resources:checker_result")

YES = "You can get an IMHA"
NO_ENGLAND = "You probably cannot get an IMHA in England"
NO_WALES = "You probably cannot get an IMHA in Wales"
UNCLEAR = "We need to talk to you to find out"

ENGLAND = Jurisdiction.ENGLAND
WALES = Jurisdiction.WALES


class PageReader(HTMLParser):
    """Reads what a person would see of a question page: its form, radios and back link."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: list[tuple[str, str]] = []
        self.radios: list[tuple[str, str, bool]] = []
        self.back: str | None = None
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and found.get("method") == "get":
            self.action = found["action"]
        elif tag == "input" and found.get("type") == "hidden":
            self.hidden.append((found["name"], found["value"]))
        elif tag == "input" and found.get("type") == "radio":
            self.radios.append((found["name"], found["value"], "checked" in found))
        elif tag == "a" and "govuk-back-link" in found.get("class", ""):
            self.back = found["href"]
        elif tag == "h1":
            self.h1 += 1


def back_link(response) -> str:
    back = read(response).back
    assert back is not None, "the page has no back link"
    return back


def read(response) -> PageReader:
    reader = PageReader()
    reader.feed(response.content.decode())
    return reader


def text(response) -> str:
    """The page as words, with tags removed and entities decoded."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def heading(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "the page has no h1"
    return unescape(match.group(1)).strip()


def answer(client: Client, page, key: str, value: str):
    """Choose `value` on the question page and press Continue, as the form would."""
    form = read(page)
    names = {name for name, _, _ in form.radios}
    assert names == {key}, f"expected the {key!r} question, got {names}"
    assert value in [radio_value for _, radio_value, _ in form.radios]
    assert form.action
    query = urlencode([*form.hidden, (key, value)])
    return client.get(f"{form.action}?{query}", follow=True)


def go_through(client: Client, steps: list[tuple[str, str]]):
    page = client.get(WHERE)
    assert page.status_code == 200
    for key, value in steps:
        page = answer(client, page, key, value)
        assert page.status_code == 200
    assert page.request["PATH_INFO"] == RESULT, "the questions did not end at the answer"
    return page


# Each path: the answers in the order the questions come, the heading expected, and the same
# facts written straight as engine input, so the page must show exactly the engine's reasons.
PATHS = {
    "section 3 in England": (
        [("where", "england"), ("situation", "detained"), ("section", "3")],
        YES,
        Circumstances(ENGLAND, "s3"),
    ),
    "section 37/41 in England": (
        [("where", "england"), ("situation", "detained"), ("section", "37-41")],
        YES,
        Circumstances(ENGLAND, "s37/41"),
    ),
    "section 136 in England": (
        [
            ("where", "england"),
            ("situation", "place-of-safety"),
            ("section", "136"),
            ("treatment", "neither"),
        ],
        NO_ENGLAND,
        Circumstances(ENGLAND, "s136"),
    ),
    "section 136 in Wales": (
        [("where", "wales"), ("situation", "place-of-safety"), ("section", "136")],
        YES,
        Circumstances(WALES, "s136"),
    ),
    "informal, under 18, ECT in England": (
        [
            ("where", "england"),
            ("situation", "informal"),
            ("treatment", "ect"),
            ("age", "under-18"),
        ],
        YES,
        Circumstances(ENGLAND, "informal", 17, Treatment.S58A, in_hospital=True),
    ),
    "informal adult, ECT in England": (
        [
            ("where", "england"),
            ("situation", "informal"),
            ("treatment", "ect"),
            ("age", "18-or-over"),
        ],
        NO_ENGLAND,
        Circumstances(ENGLAND, "informal", 18, Treatment.S58A, in_hospital=True),
    ),
    "informal adult, no special treatment in England": (
        [("where", "england"), ("situation", "informal"), ("treatment", "neither")],
        NO_ENGLAND,
        Circumstances(ENGLAND, "informal", in_hospital=True),
    ),
    "informal, brain surgery in England (age not asked)": (
        [("where", "england"), ("situation", "informal"), ("treatment", "brain-surgery")],
        YES,
        Circumstances(ENGLAND, "informal", None, Treatment.S57, in_hospital=True),
    ),
    # Brain surgery (or ECT under 18) qualifies anyone, so someone unsure of their status is
    # asked about treatment before being told "we need to talk to you".
    "does not know the situation": (
        [("where", "england"), ("situation", "dont-know"), ("treatment", "neither")],
        UNCLEAR,
        Circumstances(ENGLAND, "dont_know"),
    ),
    "detained but does not know the section": (
        [
            ("where", "england"),
            ("situation", "detained"),
            ("section", "dont-know"),
            ("treatment", "dont-know"),
        ],
        UNCLEAR,
        Circumstances(ENGLAND, "dont_know"),
    ),
    "does not know the situation, brain surgery discussed": (
        [("where", "england"), ("situation", "dont-know"), ("treatment", "brain-surgery")],
        YES,
        Circumstances(ENGLAND, "dont_know", treatment_under_consideration=Treatment.S57),
    ),
    "section 4 with a second doctor in England": (
        [
            ("where", "england"),
            ("situation", "short-hold"),
            ("section", "4"),
            ("second_doctor", "yes"),
        ],
        YES,
        Circumstances(ENGLAND, "s4", second_recommendation_received=True),
    ),
    "section 4 without a second doctor in England": (
        [
            ("where", "england"),
            ("situation", "short-hold"),
            ("section", "4"),
            ("second_doctor", "no"),
            ("treatment", "neither"),
        ],
        NO_ENGLAND,
        Circumstances(ENGLAND, "s4", second_recommendation_received=False),
    ),
    "section 4, not sure about a second doctor, in England": (
        [
            ("where", "england"),
            ("situation", "short-hold"),
            ("section", "4"),
            ("second_doctor", "dont-know"),
            ("treatment", "dont-know"),
        ],
        NO_ENGLAND,
        Circumstances(ENGLAND, "s4"),
    ),
    "section 4 in Wales (second doctor not asked)": (
        [("where", "wales"), ("situation", "short-hold"), ("section", "4")],
        YES,
        Circumstances(WALES, "s4"),
    ),
    "section 5(4), under 18, ECT in England": (
        [
            ("where", "england"),
            ("situation", "short-hold"),
            ("section", "5-4"),
            ("treatment", "ect"),
            ("age", "under-18"),
        ],
        YES,
        Circumstances(ENGLAND, "s5(4)", 17, Treatment.S58A),
    ),
    "community treatment order": (
        [("where", "england"), ("situation", "cto")],
        YES,
        Circumstances(ENGLAND, "s17a"),
    ),
    "guardianship": (
        [("where", "england"), ("situation", "guardianship")],
        YES,
        Circumstances(ENGLAND, "s7"),
    ),
    "conditional discharge": (
        [("where", "england"), ("situation", "conditional-discharge")],
        YES,
        Circumstances(ENGLAND, "conditional_discharge"),
    ),
    "informal in hospital in Wales": (
        [("where", "wales"), ("situation", "informal")],
        YES,
        Circumstances(WALES, "informal", in_hospital=True),
    ),
    "not in hospital in Wales": (
        [("where", "wales"), ("situation", "not-in-hospital"), ("treatment", "neither")],
        NO_WALES,
        Circumstances(WALES, "informal", in_hospital=False),
    ),
    "not sure of the country, section 2": (
        [("where", "not-sure"), ("situation", "detained"), ("section", "2")],
        YES,
        Circumstances(ENGLAND, "s2"),
    ),
}


@pytest.mark.parametrize(("steps", "expected", "facts"), PATHS.values(), ids=PATHS.keys())
def test_each_path_ends_in_the_engines_answer(steps, expected, facts):
    client = Client()
    page = go_through(client, steps)
    assert heading(page) == expected
    words = text(page)
    decision = assess(facts)
    for reason in decision.reasons:
        assert reason in words
    if decision.duty_to_inform:
        plain = PLAIN_DUTY_HOLDERS[decision.duty_to_inform.holder]
        assert f"{plain[0].upper()}{plain[1:]} must tell you about IMHAs" in words
    else:
        assert "must tell you about IMHAs" not in words
    # Every answer, even "no", points to a referral and to the service's own contacts.
    html = page.content.decode()
    assert f'href="{reverse("resources:how_to_refer")}"' in html
    assert "Make a referral" in words
    assert 'href="tel:01632960000"' in html
    assert "referrals@imha.example.org" in words
    assert f'<a class="govuk-link" href="{WHERE}">Start again</a>' in html
    assert "not legal advice" in words
    # The answers travel in the address, so nothing sets a cookie.
    assert client.cookies == {}


def test_a_no_answer_still_invites_contact():
    page = go_through(Client(), PATHS["section 136 in England"][0])
    words = text(page)
    assert "You can still contact us" in words
    assert "other advocacy" in words


def test_an_unclear_answer_says_we_will_work_it_out():
    page = go_through(Client(), PATHS["does not know the situation"][0])
    assert "we will work it out with you" in text(page)


def test_not_sure_of_the_country_uses_england_and_says_so():
    page = go_through(Client(), PATHS["not sure of the country, section 2"][0])
    assert "so we used the rules for England" in text(page)


def test_wales_answers_mention_finding_a_service_in_wales():
    page = go_through(Client(), PATHS["section 136 in Wales"][0])
    assert "right advocacy service in Wales" in text(page)
    england = go_through(Client(), PATHS["section 3 in England"][0])
    assert "in Wales" not in text(england)


def test_result_lists_the_answers_with_change_links():
    page = go_through(Client(), PATHS["section 4 with a second doctor in England"][0])
    html = page.content.decode()
    words = text(page)
    for shown in ("England", "I am being held in hospital for a short time", "Section 4", "Yes"):
        assert f"{shown} Change" in words
    change = (
        f"{SECOND_DOCTOR}?where=england&amp;situation=short-hold&amp;section=4"
        "&amp;second_doctor=yes"
    )
    assert f'href="{change}"' in html


def all_complete_answers():
    """Every set of answers that reaches the answer page, found by walking the flow."""
    found = []

    def explore(answers):
        progress = walk(answers)
        if progress.stop is None:
            found.append(dict(progress.valid))
            return
        for option in progress.stop.wording_for(progress.valid).options:
            explore({**progress.valid, progress.stop.key: option.value})

    explore({})
    return found


def test_every_possible_path_gives_an_answer_page():
    client = Client()
    paths = all_complete_answers()
    assert len(paths) > 100
    for answers in paths:
        response = client.get(RESULT, answers)
        assert response.status_code == 200, answers
        assert heading(response) in {YES, NO_ENGLAND, NO_WALES, UNCLEAR}, answers
        decision = decide(answers)
        if decision.duty_to_inform:
            # Each way the engine names the duty holder has plain words for the public.
            assert decision.duty_to_inform.holder in PLAIN_DUTY_HOLDERS


QUESTION_PAGES = {
    "where": (WHERE, {}, "where", "Select if you are in England or Wales"),
    "situation": (
        SITUATION,
        {"where": "england"},
        "situation",
        "Select the option that best describes you now",
    ),
    "detained section": (
        SECTION,
        {"where": "england", "situation": "detained"},
        "section",
        "Select the section you are detained under",
    ),
    "short-term power": (
        SECTION,
        {"where": "england", "situation": "short-hold"},
        "section",
        "Select the power you are being held under, or select I don't know",
    ),
    "police power": (
        SECTION,
        {"where": "england", "situation": "place-of-safety"},
        "section",
        "Select the power the police used, or select I don't know",
    ),
    "second doctor": (
        SECOND_DOCTOR,
        {"where": "england", "situation": "short-hold", "section": "4"},
        "second_doctor",
        "Select yes if a second doctor has agreed that you need to stay in hospital",
    ),
    "treatment": (
        TREATMENT,
        {"where": "england", "situation": "informal"},
        "treatment",
        "Select if a doctor is talking to you about brain surgery or ECT",
    ),
    "age": (
        AGE,
        {"where": "england", "situation": "informal", "treatment": "ect"},
        "age",
        "Select if you are under 18 or 18 or over",
    ),
}


@pytest.mark.parametrize(
    ("url", "earlier", "key", "message"), QUESTION_PAGES.values(), ids=QUESTION_PAGES.keys()
)
def test_question_opens_without_errors(url, earlier, key, message):
    response = Client().get(url, earlier)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" not in html
    assert read(response).h1 == 1
    assert {name for name, _, _ in read(response).radios} == {key}
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


@pytest.mark.parametrize(
    ("url", "earlier", "key", "message"), QUESTION_PAGES.values(), ids=QUESTION_PAGES.keys()
)
def test_continue_with_nothing_chosen_shows_the_error(url, earlier, key, message):
    response = Client().get(url, {**earlier, "answered": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    assert "There is a problem" in html
    # The summary links to the first radio, which carries the field's id.
    assert f'<a href="#{key}">{message}' in unescape(html)
    assert f'id="{key}" name="{key}" type="radio"' in html
    assert f'<p id="{key}-error" class="govuk-error-message">' in html
    assert "govuk-form-group--error" in html
    assert f'aria-describedby="{key}-hint {key}-error"' in html
    # The earlier answers stay on the page, ready for the next try.
    assert set(earlier.items()) <= set(read(response).hidden)


def test_a_good_answer_moves_to_the_next_question():
    response = Client().get(
        SITUATION, {"where": "england", "situation": "detained", "answered": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{SECTION}?where=england&situation=detained"


TAMPERED = {
    "made-up situation on its own page": (
        f"{SITUATION}?where=england&situation=hacker",
        SITUATION,
        "Select the option that best describes you now",
    ),
    "made-up situation sent to the answer": (
        f"{RESULT}?where=england&situation=hacker",
        SITUATION,
        "Select the option that best describes you now",
    ),
    "made-up country": (f"{RESULT}?where=mars", WHERE, "Select if you are in England or Wales"),
    "nothing at all sent to the answer": (RESULT, WHERE, "Select if you are in England or Wales"),
    "a later question opened first": (AGE, WHERE, "Select if you are in England or Wales"),
    "a section from another list": (
        f"{RESULT}?where=england&situation=place-of-safety&section=3",
        SECTION,
        "Select the power the police used",
    ),
    "unknown section": (
        f"{RESULT}?where=wales&situation=detained&section=99",
        SECTION,
        "Select the section you are detained under",
    ),
    "empty answer": (f"{RESULT}?where=", WHERE, "Select if you are in England or Wales"),
    "made-up age": (
        f"{AGE}?where=england&situation=informal&treatment=ect&age=42",
        AGE,
        "Select if you are under 18 or 18 or over",
    ),
    "missing treatment answer": (
        f"{RESULT}?where=england&situation=informal",
        TREATMENT,
        "Select if a doctor is talking to you about brain surgery or ECT",
    ),
    "very long value": (
        f"{RESULT}?where=england&situation={'x' * 5000}",
        SITUATION,
        "Select the option that best describes you now",
    ),
    "not plain text": (
        f"{RESULT}?where=%3Cscript%3E&situation=%F0%9F%98%80",
        WHERE,
        "Select if you are in England or Wales",
    ),
}


@pytest.mark.parametrize(("url", "lands_on", "message"), TAMPERED.values(), ids=TAMPERED.keys())
def test_tampered_or_missing_answers_go_back_to_the_right_question(url, lands_on, message):
    response = Client().get(url, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == lands_on
    assert "There is a problem" in response.content.decode()
    assert message in unescape(response.content.decode())
    assert "<script>" not in response.content.decode().split("</head>")[1]


def test_repeated_values_use_the_last_one():
    response = Client().get(f"{RESULT}?where=mars&where=wales&situation=informal")
    assert response.status_code == 200
    assert heading(response) == YES


@pytest.mark.parametrize(
    ("url", "lands_on"),
    [
        # Questions that do not matter for these answers are skipped.
        (f"{SECTION}?where=england&situation=cto", RESULT),
        (f"{SECOND_DOCTOR}?where=england&situation=detained&section=3", RESULT),
        (f"{AGE}?where=england&situation=informal&treatment=brain-surgery", RESULT),
        (f"{SECOND_DOCTOR}?where=wales&situation=short-hold&section=4", RESULT),
        # A later question opened while an earlier one is unanswered.
        (f"{AGE}?where=england&situation=informal", TREATMENT),
    ],
)
def test_questions_that_do_not_apply_send_the_person_on(url, lands_on):
    response = Client().get(url, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == lands_on


def test_an_unanswered_later_question_opens_without_an_error():
    response = Client().get(SECTION, {"where": "england", "situation": "cto"}, follow=True)
    assert "There is a problem" not in response.content.decode()
    # The section question does not apply; the next one (treatment) is simply asked.
    response = Client().get(SECTION, {"where": "england", "situation": "informal"}, follow=True)
    assert response.request["PATH_INFO"] == TREATMENT
    assert "There is a problem" not in response.content.decode()


def test_an_engine_error_never_becomes_a_server_error(monkeypatch):
    def refuse(circumstances):
        raise LawInputError("status", "refused for the test")

    monkeypatch.setattr(eligibility, "assess", refuse)
    response = Client().get(RESULT, {"where": "england", "situation": "cto"}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == SITUATION
    assert "There is a problem" in response.content.decode()


BACK_LINKS = {
    "first question goes to the start page": (WHERE, {}, START),
    "situation": (SITUATION, {"where": "wales"}, f"{WHERE}?where=wales"),
    "section": (
        SECTION,
        {"where": "england", "situation": "detained"},
        f"{SITUATION}?where=england&situation=detained",
    ),
    "second doctor": (
        SECOND_DOCTOR,
        {"where": "england", "situation": "short-hold", "section": "4"},
        f"{SECTION}?where=england&situation=short-hold&section=4",
    ),
    "treatment skips the section question it did not ask": (
        TREATMENT,
        {"where": "england", "situation": "informal"},
        f"{SITUATION}?where=england&situation=informal",
    ),
    "age": (
        AGE,
        {"where": "england", "situation": "informal", "treatment": "ect"},
        f"{TREATMENT}?where=england&situation=informal&treatment=ect",
    ),
    "answer page": (
        RESULT,
        {"where": "england", "situation": "detained", "section": "3"},
        f"{SECTION}?where=england&situation=detained&section=3",
    ),
}


@pytest.mark.parametrize(("url", "query", "back"), BACK_LINKS.values(), ids=BACK_LINKS.keys())
def test_back_link_goes_to_the_previous_question(url, query, back):
    response = Client().get(url, query)
    assert response.status_code == 200
    assert back_link(response) == back


def test_going_back_shows_the_earlier_answer_chosen():
    client = Client()
    page = go_through(client, PATHS["informal, under 18, ECT in England"][0])
    page = client.get(back_link(page))
    assert ("age", "under-18", True) in read(page).radios
    page = client.get(back_link(page))
    assert ("treatment", "ect", True) in read(page).radios
    assert [checked for _, _, checked in read(page).radios].count(True) == 1


def test_changing_an_earlier_answer_drops_answers_that_no_longer_fit():
    client = Client()
    response = client.get(
        SITUATION,
        {"where": "england", "situation": "cto", "section": "3", "answered": "yes"},
    )
    assert response["Location"] == f"{RESULT}?where=england&situation=cto"


def test_start_page_explains_and_starts():
    response = Client().get(START)
    assert response.status_code == 200
    html = response.content.decode()
    assert heading(response) == "Check if you can get an IMHA"
    assert f'href="{WHERE}"' in html and "Start now" in html
    assert "not legal advice" in text(response)
    assert response.cookies == {}


@pytest.mark.parametrize("url_name", ["resources:home", "resources:who_qualifies"])
def test_information_pages_link_to_the_checker(url_name):
    html = Client().get(reverse(url_name)).content.decode()
    assert f'href="{START}"' in html
    assert re.search(r"[Cc]heck if you can get an IMHA</a>", html)
