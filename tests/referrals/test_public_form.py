"""The public referral form, driven through its pages without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from imha.audit.models import AuditAction, AuditEvent
from imha.referrals import services
from imha.referrals.models import EmailKind, OutgoingEmail, PublicSubmission, Referral

pytestmark = pytest.mark.django_db

REFER = "/refer/"


def answer_pages(client: Client, hospital, *, self_referral: bool = False) -> None:
    """Answer every page the way a person would, following each redirect."""
    pages = [
        ("who-is-referring", {"referrer_type": "self" if self_referral else "amhp"}),
        (
            "your-details",
            {
                "referrer_name": "Robin Referrer",
                "referrer_role": "AMHP",
                "referrer_email": "robin@example.org",
            },
        ),
        (
            "their-details",
            {
                "first_name": "Alex",
                "last_name": "Example",
                "date_of_birth_day": "27",
                "date_of_birth_month": "3",
                "date_of_birth_year": "1980",
            },
        ),
        ("where-they-are", {"location": str(hospital.pk), "ward": "Willow"}),
        ("mental-health-act", {"legal_status_answer": "s3"}),
        ("help-wanted", {"help_with": ["tribunal", "ward_round"]}),
        (
            "communication",
            {"communication_needs": ["interpreter"], "interpreter_language": "Polish"},
        ),
        ("consent", {"consent": "yes"}),
        (
            "contact",
            {
                "contact_method": "email" if self_referral else "ward",
                "person_email": "alex@example.org" if self_referral else "",
                "safe_to_leave_message": "no",
            },
        ),
    ]
    for slug, data in pages:
        if self_referral and slug in ("your-details", "consent"):
            continue
        response = client.post(f"{REFER}{slug}/", data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])


def send(client: Client, **extra: str):
    page = client.get(f"{REFER}check-your-answers/")
    assert page.status_code == 200
    token = re.search(r'name="submission_token" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(f"{REFER}check-your-answers/", {"submission_token": token, **extra}), token


def test_a_referral_goes_through_every_page_and_is_stored(client, hospital):
    answer_pages(client, hospital)
    response, _ = send(client)
    assert response.status_code == 302
    assert response["Location"] == "/refer/referral-sent/"

    referral = Referral.objects.get()
    assert referral.person_name == "Alex Example"
    assert referral.hospital == hospital
    assert referral.ward == "Willow"
    assert referral.legal_status_code == "s3"
    assert referral.interpreter_language == "Polish"
    assert referral.channel == "online"
    assert referral.recorded_by is None
    # The rules engine's answer is kept as it was when the referral arrived.
    assert referral.eligibility["qualifies"] is True
    assert referral.eligibility["category"] == "detained"
    assert referral.is_statutory is True

    confirmation = client.get(response["Location"])
    assert referral.reference in confirmation.content.decode()
    # The public submission is audited with no actor.
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="referral")
    assert created.actor_id is None
    assert created.object_id == str(referral.pk)


def test_each_kind_of_question_uses_its_gov_uk_component(client, hospital):
    answer_pages(client, hospital)
    assert 'type="checkbox"' in client.get(f"{REFER}communication/").content.decode()
    assert 'type="radio"' in client.get(f"{REFER}consent/").content.decode()
    assert 'class="govuk-date-input"' in client.get(f"{REFER}their-details/").content.decode()
    assert 'class="govuk-textarea' in client.get(f"{REFER}help-wanted/").content.decode()


def test_pages_cannot_be_skipped(client):
    response = client.get(f"{REFER}mental-health-act/")
    assert response.status_code == 302
    assert response["Location"] == "/refer/who-is-referring/"
    assert client.get(f"{REFER}check-your-answers/")["Location"] == "/refer/who-is-referring/"


def test_someone_referring_themself_is_not_asked_for_their_details_twice(client, hospital):
    answer_pages(client, hospital, self_referral=True)
    assert client.get(f"{REFER}your-details/")["Location"] == "/refer/check-your-answers/"
    send(client)
    referral = Referral.objects.get()
    assert referral.referrer_type == "self"
    assert referral.consent == "yes"
    assert referral.acknowledgement_address == "alex@example.org"
    assert referral.is_statutory is True


def test_an_other_professional_is_not_a_statutory_referrer(client, hospital):
    answer_pages(client, hospital)
    client.post(f"{REFER}who-is-referring/", {"referrer_type": "other_professional"})
    send(client)
    assert Referral.objects.get().is_statutory is False


def test_not_knowing_the_section_never_stops_a_referral(client, hospital):
    answer_pages(client, hospital)
    client.post(f"{REFER}mental-health-act/", {"legal_status_answer": "dont_know"})
    # Not knowing makes the treatment question apply, and not knowing that is an answer too.
    client.post(f"{REFER}treatment/", {"treatment_considered": "dont_know"})
    send(client)
    referral = Referral.objects.get()
    assert referral.legal_status_code == ""
    assert referral.treatment_considered == "dont_know"
    assert referral.eligibility_category == "unclear"


def test_an_unrecognised_section_is_kept_as_typed_and_treated_as_unknown(client, hospital):
    answer_pages(client, hospital)
    client.post(
        f"{REFER}mental-health-act/",
        {"legal_status_answer": "other", "legal_status_other": "section 99"},
    )
    send(client)
    referral = Referral.objects.get()
    assert referral.legal_status_other == "section 99"
    assert referral.eligibility_category == "unclear"


def test_errors_say_what_to_do_and_keep_what_was_typed(client, hospital):
    answer_pages(client, hospital)
    response = client.post(
        f"{REFER}their-details/",
        {
            "first_name": "Alexandra",
            "last_name": "",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "1980",
            "nhs_number": "123",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Enter their last name" in html
    assert "Date of birth must be a real date" in html
    assert "Enter a real NHS number" in html
    assert 'value="Alexandra"' in html
    assert 'value="31"' in html


def test_every_text_answer_has_a_maximum_length(client, hospital):
    answer_pages(client, hospital)
    response = client.post(
        f"{REFER}their-details/", {"first_name": "A" * 101, "last_name": "Example"}
    )
    assert response.status_code == 400
    assert "First name must be 100 characters or fewer" in response.content.decode()
    response = client.post(
        f"{REFER}help-wanted/", {"help_with": ["tribunal"], "more_information": "x" * 2001}
    )
    assert "must be 2000 characters or fewer" in response.content.decode()
    # Every model text field has a limit too, so nothing unbounded reaches the database.
    for field in Referral._meta.get_fields():
        if field.get_internal_type() in ("CharField", "TextField", "EmailField"):
            assert field.max_length, field.name


def test_sending_twice_makes_one_referral(client, hospital):
    answer_pages(client, hospital)
    first, token = send(client)
    again = client.post(f"{REFER}check-your-answers/", {"submission_token": token})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == "/refer/referral-sent/"
    assert Referral.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


def test_the_service_returns_the_first_referral_for_a_repeated_token(answers):
    first = services.submit_public_referral(
        answers=answers, submission_token="6b3f7c1e-0000-4000-8000-000000000001", ip_address=None
    )
    second = services.submit_public_referral(
        answers=answers, submission_token="6b3f7c1e-0000-4000-8000-000000000001", ip_address=None
    )
    assert first.created and not second.created
    assert first.referral.pk == second.referral.pk


def test_a_filled_in_trap_field_stops_the_submission(client, hospital):
    answer_pages(client, hospital)
    response, _ = send(client, website="http://spam.example")
    assert response.status_code == 400
    assert Referral.objects.count() == 0
    # The person's answers survive, so a real person caught by mistake can try again.
    assert client.get(f"{REFER}check-your-answers/").status_code == 200


def test_too_many_submissions_from_one_address_are_refused(client, hospital, settings):
    settings.IMHA_PUBLIC_REFERRALS_PER_HOUR = 2
    address = services.address_hash("127.0.0.1")
    PublicSubmission.objects.bulk_create(
        [PublicSubmission(address_hash=address), PublicSubmission(address_hash=address)]
    )
    answer_pages(client, hospital)
    response, _ = send(client)
    assert response.status_code == 429
    assert "Too many referrals" in response.content.decode()
    assert Referral.objects.count() == 0
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    answer_pages(other, hospital)
    assert send(other)[0].status_code == 302


def test_the_address_is_stored_only_as_a_keyed_hash(client, hospital):
    answer_pages(client, hospital)
    send(client)
    stored = PublicSubmission.objects.get()
    assert "127.0.0.1" not in stored.address_hash
    assert len(stored.address_hash) == 64


def test_the_acknowledgement_is_owed_to_the_referrer(client, hospital):
    answer_pages(client, hospital)
    send(client)
    email = OutgoingEmail.objects.get()
    assert email.kind == EmailKind.ACKNOWLEDGEMENT
    assert email.recipient == "robin@example.org"
    assert email.status == "pending"


def test_changing_an_answer_returns_to_check_your_answers(client, hospital):
    answer_pages(client, hospital)
    response = client.post(f"{REFER}where-they-are/?change=1", {"location": "elsewhere"})
    assert response["Location"] == "/refer/check-your-answers/"
    page = client.get(f"{REFER}check-your-answers/").content.decode()
    assert "Somewhere else, or not in hospital" in page


def test_changing_to_referring_someone_else_asks_the_new_questions(client, hospital):
    answer_pages(client, hospital, self_referral=True)
    response = client.post(f"{REFER}who-is-referring/?change=1", {"referrer_type": "amhp"})
    assert response["Location"] == "/refer/your-details/?change=1"
    assert client.get(f"{REFER}check-your-answers/")["Location"] == "/refer/your-details/"
