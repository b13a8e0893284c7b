"""The question about treatments that can make someone who is not detained qualify.

Under s130C(3) a person who is not otherwise a qualifying patient (an informal patient, say)
qualifies while section 57 treatment is being considered, or ECT if they are under 18. The
public form asks about it only when the person is not detained or nobody knows; the staff
form asks it in its Mental Health Act section.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imha.hospitals.models import Hospital
from imha.referrals.journey import SESSION_KEY, STEPS_BY_SLUG
from imha.referrals.models import Referral
from tests.referrals.test_public_form import REFER, answer_pages, send
from tests.referrals.test_staff import STAFF_FORM

pytestmark = pytest.mark.django_db

TREATMENT = f"{REFER}treatment/"
MENTAL_HEALTH_ACT = f"{REFER}mental-health-act/"
CHECK = f"{REFER}check-your-answers/"
ECT_LABEL = "ECT (electroconvulsive therapy)"


def birth_date_at_age(age: int) -> date:
    """A birth date that makes someone `age` today, with their birthday safely passed."""
    day = timezone.localdate() - timedelta(days=100)
    return day.replace(year=day.year - age, day=min(day.day, 28))


def date_parts(day: date) -> dict[str, str]:
    return {
        "date_of_birth_day": str(day.day),
        "date_of_birth_month": str(day.month),
        "date_of_birth_year": str(day.year),
    }


def informal_journey(client: Client, hospital: Hospital, treatment: str, age: int = 30) -> None:
    """A whole journey for an informal patient of `age`, answering the treatment question."""
    answer_pages(client, hospital)
    response = client.post(
        f"{REFER}their-details/?change=1",
        {"first_name": "Alex", "last_name": "Example", **date_parts(birth_date_at_age(age))},
    )
    assert response.status_code == 302
    response = client.post(f"{MENTAL_HEALTH_ACT}?change=1", {"legal_status_answer": "informal"})
    assert response["Location"] == f"{TREATMENT}?change=1"
    response = client.post(f"{TREATMENT}?change=1", {"treatment_considered": treatment})
    assert response["Location"] == CHECK


def stored_answers(client: Client) -> dict[str, object]:
    return client.session[SESSION_KEY]["answers"]


# --- when the page is asked -------------------------------------------------------------


@pytest.mark.parametrize("status", ["informal", "dont_know"])
def test_the_question_follows_not_detained_or_not_known(client, hospital, status):
    client.post(f"{REFER}who-is-referring/", {"referrer_type": "self"})
    client.post(f"{REFER}their-details/", {"first_name": "Alex", "last_name": "Example"})
    client.post(f"{REFER}where-they-are/", {"location": str(hospital.pk)})
    response = client.post(MENTAL_HEALTH_ACT, {"legal_status_answer": status})
    assert response["Location"] == TREATMENT

    page = client.get(TREATMENT)
    assert page.status_code == 200
    html = page.content.decode()
    # Someone referring themself is asked about themself, in everyday words.
    assert "Are doctors thinking about giving you one of these treatments?" in html
    assert "Brain surgery for a mental health condition" in html
    assert "hormone implant to reduce sex drive" in html
    assert ECT_LABEL in html
    assert "It is fine not to know." in html
    assert "section 57" not in html.lower()
    # The back link goes to the question before it.
    assert f'href="{MENTAL_HEALTH_ACT}" class="govuk-back-link"' in html
    assert client.post(TREATMENT, {"treatment_considered": "dont_know"})["Location"] == (
        f"{REFER}help-wanted/"
    )


@pytest.mark.parametrize(
    "answer",
    [
        {"legal_status_answer": "s3"},
        {"legal_status_answer": "s17a"},
        {"legal_status_answer": "other", "legal_status_other": "section 35"},
    ],
)
def test_people_on_a_section_are_not_asked(client, hospital, answer):
    answer_pages(client, hospital)
    response = client.post(MENTAL_HEALTH_ACT, answer)
    assert response["Location"] == f"{REFER}help-wanted/"
    # Typing the address does not reach the page either.
    assert client.get(TREATMENT)["Location"] == CHECK
    client.post(TREATMENT, {"treatment_considered": "ect"})
    assert "treatment_considered" not in stored_answers(client)
    assert "Are doctors thinking" not in client.get(CHECK).content.decode()


def test_the_page_cannot_be_reached_before_the_earlier_pages(client):
    assert client.get(TREATMENT)["Location"] == f"{REFER}who-is-referring/"


def test_an_answer_is_needed_but_not_knowing_is_one(client, hospital):
    informal_journey(client, hospital, "dont_know")
    response = client.post(TREATMENT, {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Select whether doctors are thinking about one of these treatments" in html
    response = client.post(TREATMENT, {"treatment_considered": "brain-ray"})
    assert response.status_code == 400


# --- changing an earlier answer -----------------------------------------------------------


def test_changing_to_a_section_drops_the_treatment_answer(client, hospital):
    informal_journey(client, hospital, "ect", age=16)
    summary = client.get(CHECK).content.decode()
    assert "Are they on a section" in summary
    assert ECT_LABEL in summary

    response = client.post(f"{MENTAL_HEALTH_ACT}?change=1", {"legal_status_answer": "s3"})
    assert response["Location"] == CHECK
    assert "treatment_considered" not in stored_answers(client)
    assert "treatment" not in client.session[SESSION_KEY]["completed"]
    summary = client.get(CHECK).content.decode()
    assert ECT_LABEL not in summary
    assert "Are doctors thinking" not in summary

    send(client)
    referral = Referral.objects.get()
    assert referral.legal_status_code == "s3"
    assert referral.treatment_considered == ""
    assert referral.eligibility_category == "detained"


def test_changing_back_to_not_detained_asks_again(client, hospital):
    informal_journey(client, hospital, "ect", age=16)
    client.post(f"{MENTAL_HEALTH_ACT}?change=1", {"legal_status_answer": "s3"})
    response = client.post(f"{MENTAL_HEALTH_ACT}?change=1", {"legal_status_answer": "informal"})
    # The question is asked afresh, not answered from before; the summary waits for it.
    assert response["Location"] == f"{TREATMENT}?change=1"
    assert client.get(CHECK)["Location"] == TREATMENT
    page = client.get(f"{TREATMENT}?change=1").content.decode()
    assert "checked" not in page
    # Back goes to the answer just changed, not to the summary that would send them here.
    assert f'href="{MENTAL_HEALTH_ACT}?change=1" class="govuk-back-link"' in page
    # Once answered, straight back to the summary, not through every later page.
    response = client.post(f"{TREATMENT}?change=1", {"treatment_considered": "neither"})
    assert response["Location"] == CHECK
    assert "No, neither of these" in client.get(CHECK).content.decode()


def test_an_answer_changed_from_the_summary_goes_back_to_it(client, hospital):
    informal_journey(client, hospital, "neither")
    page = client.get(f"{TREATMENT}?change=1").content.decode()
    assert f'href="{CHECK}" class="govuk-back-link"' in page
    response = client.post(f"{TREATMENT}?change=1", {"treatment_considered": "s57"})
    assert response["Location"] == CHECK
    summary = client.get(CHECK).content.decode()
    assert "Brain surgery for a mental health condition" in summary
    assert f'href="{TREATMENT}?change=1"' in summary


def test_a_stale_answer_in_the_session_is_never_sent(client, hospital):
    """Even if a stale answer somehow stays in the session, the referral ignores it."""
    answer_pages(client, hospital)  # section 3
    session = client.session
    session[SESSION_KEY]["answers"]["treatment_considered"] = "s57"
    session.save()
    assert "Are doctors thinking" not in client.get(CHECK).content.decode()
    send(client)
    assert Referral.objects.get().treatment_considered == ""


# --- what the engine makes of it ----------------------------------------------------------


def test_informal_and_brain_surgery_qualifies_through_the_public_form(client, hospital):
    informal_journey(client, hospital, "s57")
    response, _ = send(client)
    assert response["Location"] == "/refer/referral-sent/"
    referral = Referral.objects.get()
    assert referral.legal_status_code == "informal"
    assert referral.treatment_considered == "s57"
    assert referral.eligibility_category == "informal_s57"
    assert referral.eligibility["qualifies"] is True
    assert referral.eligibility["duty_to_inform"]["holder"].startswith("The doctor")
    assert any("section 57" in reason for reason in referral.eligibility["reasons"])
    # An AMHP is a referrer the Act names, so the request must be acted on.
    assert referral.is_statutory is True


@pytest.mark.parametrize(
    ("treatment", "age", "category", "qualifies"),
    [
        ("s57", 30, "informal_s57", True),
        ("s57", 16, "informal_s57", True),
        ("ect", 16, "informal_under18_s58a", True),
        ("ect", 17, "informal_under18_s58a", True),
        ("ect", 30, "not_qualifying", False),
        ("ect", 18, "not_qualifying", False),
        ("neither", 16, "not_qualifying", False),
        ("dont_know", 16, "not_qualifying", False),
    ],
)
def test_eligibility_of_an_informal_patient(make_referral, treatment, age, category, qualifies):
    referral = make_referral(
        legal_status_answer="informal",
        treatment_considered=treatment,
        date_of_birth=birth_date_at_age(age).isoformat(),
    )
    assert referral.treatment_considered == treatment
    assert referral.eligibility_category == category
    assert referral.eligibility["qualifies"] is qualifies


def test_ect_with_no_age_is_unclear_rather_than_refused(make_referral):
    referral = make_referral(
        legal_status_answer="informal", treatment_considered="ect", date_of_birth=""
    )
    assert referral.eligibility_category == "unclear"


def test_the_answer_does_not_change_anything_for_someone_detained(make_referral):
    referral = make_referral(legal_status_answer="s2", treatment_considered="s57")
    assert referral.treatment_considered == ""
    assert referral.eligibility_category == "detained"


def test_in_wales_an_informal_patient_at_home_qualifies_through_treatment(make_referral, settings):
    settings.IMHA_SERVICE = {**settings.IMHA_SERVICE, "jurisdiction": "wales"}
    at_home = {"legal_status_answer": "informal", "location": "elsewhere"}
    # Somewhere other than a listed hospital may still be a hospital, so without the
    # treatment route the engine cannot tell.
    assert make_referral(**at_home, treatment_considered="neither").eligibility_category == (
        "unclear"
    )
    referral = make_referral(**at_home, treatment_considered="s57")
    assert referral.eligibility_category == "wales_compulsory"
    assert referral.eligibility["qualifies"] is True


def test_referrals_made_without_the_question_have_no_answer(make_referral):
    # As for automatic referrals from hospitals, and referrals stored before it was asked.
    referral = make_referral(legal_status_answer="informal")
    assert referral.treatment_considered == ""
    assert referral.eligibility_category == "not_qualifying"
    assert Referral().treatment_considered == ""


# --- the staff form -------------------------------------------------------------------------


def staff_form(**changes: str) -> dict[str, str]:
    return {**STAFF_FORM, **changes, "submission_token": "0c7e4a3e-2222-4000-8000-000000000002"}


def test_the_staff_form_asks_it_in_the_mental_health_act_section(intake_client):
    html = intake_client.get("/staff/referrals/new/").content.decode()
    section = html.split("Mental Health Act status", 1)[1].split("Help wanted", 1)[0]
    assert 'name="treatment_considered"' in section
    assert "Section 57 treatment" in section
    assert "ECT (section 58A treatment)" in section


def test_intake_logs_an_informal_under_18_ect_referral(intake_client):
    response = intake_client.post(
        "/staff/referrals/new/",
        staff_form(
            legal_status_answer="informal",
            treatment_considered="ect",
            **date_parts(birth_date_at_age(16)),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    referral = Referral.objects.get()
    assert referral.treatment_considered == "ect"
    assert referral.eligibility_category == "informal_under18_s58a"
    assert referral.eligibility["qualifies"] is True
    assert referral.is_statutory is True
    page = intake_client.get(f"/staff/referrals/{referral.reference}/").content.decode()
    assert "Treatment being considered" in page
    assert referral.get_treatment_considered_display() in page


def test_the_staff_form_works_without_an_answer(intake_client):
    response = intake_client.post(
        "/staff/referrals/new/", staff_form(legal_status_answer="informal")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    referral = Referral.objects.get()
    assert referral.treatment_considered == ""
    assert referral.eligibility_category == "not_qualifying"


def test_the_staff_form_ignores_it_next_to_a_section(intake_client):
    response = intake_client.post(
        "/staff/referrals/new/", staff_form(legal_status_answer="s3", treatment_considered="s57")
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.treatment_considered == ""
    assert referral.eligibility_category == "detained"


def test_the_staff_form_refuses_an_unknown_answer(intake_client):
    response = intake_client.post(
        "/staff/referrals/new/",
        staff_form(legal_status_answer="informal", treatment_considered="surgery"),
    )
    assert response.status_code == 400
    assert Referral.objects.count() == 0


# --- the whole journey without JavaScript, and bad input -----------------------------------


def test_a_16_year_old_referred_for_ect_goes_through_every_page(client, hospital):
    """Page by page, as a browser without JavaScript would, following each redirect."""
    url = f"{REFER}who-is-referring/"
    pages = {
        "who-is-referring": {"referrer_type": "nearest_relative"},
        "your-details": {
            "referrer_name": "Sam Parent",
            "referrer_role": "Mother",
            "referrer_phone": "01632 960 555",
        },
        "their-details": {
            "first_name": "Riley",
            "last_name": "Pretend",
            **date_parts(birth_date_at_age(16)),
        },
        "where-they-are": {"location": str(hospital.pk), "ward": "Elm"},
        "mental-health-act": {"legal_status_answer": "informal"},
        "treatment": {"treatment_considered": "ect"},
        "help-wanted": {"help_with": ["treatment"]},
        "communication": {},
        "consent": {"consent": "yes"},
        "contact": {"contact_method": "ward", "safe_to_leave_message": "no"},
    }
    visited = []
    while url != CHECK:
        slug = url.removeprefix(REFER).strip("/")
        assert client.get(url).status_code == 200, slug
        visited.append(slug)
        response = client.post(url, pages[slug])
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
        url = response["Location"]
    assert visited == list(pages)

    summary = client.get(CHECK).content.decode()
    assert "Are doctors thinking about giving them one of these treatments?" in summary
    assert ECT_LABEL in summary
    found = re.search(r'name="submission_token" value="([^"]+)"', summary)
    assert found is not None
    token = found.group(1)
    response = client.post(CHECK, {"submission_token": token})
    assert response["Location"] == "/refer/referral-sent/"
    referral = Referral.objects.get()
    assert referral.treatment_considered == "ect"
    assert referral.eligibility_category == "informal_under18_s58a"
    assert referral.is_statutory is True


def test_the_step_is_conditional():
    step = STEPS_BY_SLUG["treatment"]
    assert step.applies({"legal_status_answer": "informal"})
    assert step.applies({"legal_status_answer": "dont_know", "referrer_type": "self"})
    assert not step.applies({"legal_status_answer": "s3"})
    assert not step.applies({})


hostile = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["", "\x00", "s57" * 400, "<script>alert(1)</script>", "ECT", "none"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(
        st.sampled_from(["treatment_considered", "legal_status_answer", "other"]),
        st.one_of(hostile, st.lists(hostile, max_size=3)),
        max_size=3,
    )
)
def test_the_treatment_page_survives_bad_input(hospital, data):
    client = Client()
    informal_journey(client, hospital, "neither")
    response = client.post(TREATMENT, data)
    assert response.status_code < 500, data
    assert client.get(CHECK).status_code < 500
