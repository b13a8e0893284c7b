"""Bad input on the public pages: whatever arrives, the answer is a page, never a 500.

Hypothesis sends random, oversized and hostile values to the eligibility checker and to
every step of the referral form (on top of a genuine journey, so the deeper pages are
reached too), and to the staff sign-in form.
"""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imha.hospitals.models import Hospital
from imha.referrals.journey import STEPS
from imha.resources.eligibility import QUESTIONS
from tests.referrals.test_public_form import answer_pages

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=5000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            '=HYPERLINK("http://x")',
            "9" * 400,
            "-1",
            "2026-02-30",
            "\u202e\u0000\ud7ff",
        ]
    ),
)
# Field names the pages know, plus invented ones, with one or several values each.
known_fields = sorted({field for step in STEPS for field in step.form_class.base_fields})
field_names = st.one_of(st.sampled_from(known_fields), st.text(min_size=1, max_size=20))
form_data = st.dictionaries(
    field_names, st.one_of(hostile_text, st.lists(hostile_text, max_size=3)), max_size=12
)
CHECKER_KEYS = sorted({question.key for question in QUESTIONS} | {"answered", "change"})
checker_params = st.dictionaries(
    st.one_of(st.sampled_from(CHECKER_KEYS), st.text(min_size=1, max_size=10)),
    hostile_text,
    max_size=8,
)


@FUZZ
@given(params=checker_params)
def test_the_eligibility_checker_never_fails(params):
    client = Client()
    for path in ["/check-if-you-can-get-an-imha/result/"] + [
        f"/check-if-you-can-get-an-imha/{question.slug}/" for question in QUESTIONS
    ]:
        response = client.get(path, params)
        assert response.status_code < 500, (path, params)


@pytest.fixture
def fuzz_hospital(db):
    return Hospital.objects.get_or_create(code="fuzz-general", defaults={"name": "Fuzz General"})[0]


@FUZZ
@given(data=form_data, step_index=st.integers(min_value=0, max_value=len(STEPS) - 1))
def test_every_referral_step_survives_bad_input(fuzz_hospital, data, step_index):
    client = Client()
    answer_pages(client, fuzz_hospital)
    step = STEPS[step_index]
    response = client.post(f"/refer/{step.slug}/", data)
    assert response.status_code < 500, (step.slug, data)
    # The journey still finishes, whatever was sent on the way.
    summary = client.get("/refer/check-your-answers/")
    assert summary.status_code < 500


@FUZZ
@given(data=form_data)
def test_check_your_answers_survives_bad_input(fuzz_hospital, data):
    client = Client()
    answer_pages(client, fuzz_hospital)
    response = client.post("/refer/check-your-answers/", data)
    assert response.status_code < 500, data


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["username", "password", "next"]), hostile_text))
def test_sign_in_survives_bad_input(data):
    response = Client().post("/sign-in/", data)
    assert response.status_code < 500, data
