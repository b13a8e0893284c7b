"""Staff pages: who can see referrals, the inbox, logging phone referrals, and actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.accounts.models import Role
from imha.audit.models import AuditAction, AuditEvent
from imha.cases.models import Case, CaseStatus
from imha.cases.models import Client as CaseClient
from imha.referrals import selectors, services
from imha.referrals.models import Referral, ReferralStatus
from tests.conftest import london

pytestmark = pytest.mark.django_db


def staff_urls(reference: str) -> list[str]:
    base = f"/staff/referrals/{reference}/"
    return [
        "/staff/referrals/",
        "/staff/referrals/new/",
        base,
        f"{base}response/",
        f"{base}accept/",
        f"{base}decline/",
        f"{base}withdraw/",
    ]


def test_signed_out_visitors_are_sent_to_sign_in(make_referral):
    referral = make_referral()
    for url in [*staff_urls(referral.reference), f"/staff/referrals/{referral.reference}/pick-up/"]:
        response = Client().get(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith("/sign-in/"), url


@pytest.mark.parametrize("role", [Role.HOSPITAL, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_hospital_users_and_commissioners_never_see_referrals(verified_client, make_referral, role):
    referral = make_referral()
    client = verified_client(role)
    for url in staff_urls(referral.reference):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Alex" not in response.content
    assert client.post(f"/staff/referrals/{referral.reference}/pick-up/").status_code == 403
    assert (
        client.post(
            f"/staff/referrals/{referral.reference}/decline/",
            {"response_method": "phone", "outcome_reason": "x"},
        ).status_code
        == 403
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW


def test_advocates_can_read_but_not_act(verified_client, make_referral):
    referral = make_referral()
    client = verified_client(Role.ADVOCATE)
    assert client.get("/staff/referrals/").status_code == 200
    page = client.get(f"/staff/referrals/{referral.reference}/")
    assert page.status_code == 200
    assert b"Pick up this referral" not in page.content
    assert client.get("/staff/referrals/new/").status_code == 403
    assert client.post(f"/staff/referrals/{referral.reference}/pick-up/").status_code == 403


def test_viewing_a_referral_is_audited(intake_client, make_referral):
    referral = make_referral()
    intake_client.get(f"/staff/referrals/{referral.reference}/")
    viewed = AuditEvent.objects.get(action=AuditAction.VIEW, object_type="referral")
    assert viewed.object_id == str(referral.pk)
    assert viewed.actor_role == Role.INTAKE
    assert "Alex" not in viewed.summary


def test_the_inbox_lists_open_referrals_soonest_due_first_with_flags(intake_client, make_referral):
    now = timezone.now()
    later = make_referral(received_at=now, first_name="Later")
    overdue = make_referral(received_at=now - timedelta(days=10), first_name="Overdue")
    make_referral(received_at=now, first_name="Friend", referrer_type="other")
    html = intake_client.get("/staff/referrals/").content.decode()
    assert html.index(overdue.reference) < html.index(later.reference)
    assert "Overdue" in html
    assert html.count("govuk-tag--purple") == 2  # the two AMHP referrals are statutory
    assert "Possible duplicate" not in html


def test_due_today_is_highlighted(make_referral):
    referral = make_referral()
    moment = referral.respond_by - timedelta(hours=1)
    [row] = selectors.inbox_page(selectors.InboxView.NEEDS_RESPONSE, now=moment).rows
    assert row.clock is selectors.ClockState.DUE_TODAY
    assert row.due_today and not row.overdue
    [row] = selectors.inbox_page(
        selectors.InboxView.NEEDS_RESPONSE, now=referral.respond_by + timedelta(minutes=1)
    ).rows
    assert row.clock is selectors.ClockState.OVERDUE
    assert row.overdue and not row.due_today


@pytest.mark.usefixtures("pages_worked_out")
def test_the_inbox_uses_the_same_number_of_queries_however_many_referrals(
    intake_client, make_referral, hospital
):
    make_referral()
    with CaptureQueriesContext(connection) as few:
        assert intake_client.get("/staff/referrals/").status_code == 200
    for index in range(15):
        make_referral(first_name=f"Person{index}", location=str(hospital.pk))
    with CaptureQueriesContext(connection) as many:
        assert intake_client.get("/staff/referrals/").status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 10


def test_the_inbox_list_and_its_counts_are_one_query_each(make_referral, django_assert_num_queries):
    for index in range(5):
        make_referral(first_name=f"Person{index}")
    with django_assert_num_queries(1):
        page = selectors.inbox_page(selectors.InboxView.ALL)
    # Everything the inbox template shows, including the hospital, came with that query.
    assert {(row.hospital_name, row.ward) for row in page.rows} == {
        ("Testing Fields Hospital", "Willow")
    }
    assert {row.person_name for row in page.rows} == {
        f"Person{index} Example" for index in range(5)
    }
    with django_assert_num_queries(1):
        counts = selectors.inbox_counts()
    # A counted tab's page reuses the counts instead of counting again.
    with django_assert_num_queries(1):
        selectors.inbox_page(selectors.InboxView.NEEDS_RESPONSE, counts=counts)


def test_tabs_show_each_status(intake_client, make_referral, make_user):
    accepted = make_referral(first_name="Accepted")
    services.accept_referral(
        referral=accepted, actor=make_user(Role.MANAGER), response_method="phone"
    )
    make_referral(first_name="Waiting")
    needs = intake_client.get("/staff/referrals/").content.decode()
    assert "Waiting" in needs and "Accepted Example" not in needs
    done = intake_client.get("/staff/referrals/?show=accepted").content.decode()
    assert "Accepted Example" in done and "Waiting" not in done
    assert intake_client.get("/staff/referrals/?show=nonsense").status_code == 404


STAFF_FORM = {
    "channel": "phone",
    "received_date_day": "22",
    "received_date_month": "5",
    "received_date_year": "2026",
    "received_time": "4pm",
    "referrer_type": "responsible_clinician",
    "referrer_name": "Dr Rowan Clinician",
    "referrer_role": "Consultant psychiatrist",
    "referrer_phone": "01632 960 222",
    "first_name": "Sam",
    "last_name": "Sample",
    "location": "elsewhere",
    "location_details": "Home",
    "legal_status_answer": "s17a",
    "consent": "not_yet",
    "contact_method": "phone",
    "person_phone": "01632 960 333",
    "safe_to_leave_message": "yes",
    "submission_token": "0c7e4a3e-1111-4000-8000-000000000001",
}


def test_intake_logs_a_phone_referral_with_the_time_it_arrived(intake_client):
    response = intake_client.post("/staff/referrals/new/", STAFF_FORM)
    assert response.status_code == 302, response.content.decode()[:3000]
    referral = Referral.objects.get()
    assert response["Location"] == f"/staff/referrals/{referral.reference}/"
    assert referral.channel == "phone"
    assert referral.recorded_by.role == Role.INTAKE
    assert referral.received_at == london(2026, 5, 22, 16, 0)
    # Friday 4pm before the spring bank holiday: due Thursday.
    assert referral.respond_by == london(2026, 5, 28, 17, 0)
    assert referral.is_statutory is True
    assert referral.eligibility["category"] == "cto"
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="referral")
    assert created.actor_role == Role.INTAKE
    # Saving the same form again does not make a second referral.
    intake_client.post("/staff/referrals/new/", STAFF_FORM)
    assert Referral.objects.count() == 1


def test_the_staff_form_explains_mistakes_and_keeps_answers(intake_client):
    data = {**STAFF_FORM, "received_time": "25:00", "referrer_name": "", "first_name": "Kept"}
    response = intake_client.post("/staff/referrals/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a real time" in html
    assert "Enter the referrer&#x27;s full name" in html
    assert 'value="Kept"' in html
    assert Referral.objects.count() == 0


def test_a_referral_in_the_future_is_refused(intake_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {
        **STAFF_FORM,
        "received_date_day": str(tomorrow.day),
        "received_date_month": str(tomorrow.month),
        "received_date_year": str(tomorrow.year),
    }
    response = intake_client.post("/staff/referrals/new/", data)
    assert "must be in the past" in response.content.decode()


def test_picking_up_then_responding_stops_the_clock(intake_client, make_referral):
    referral = make_referral()
    base = f"/staff/referrals/{referral.reference}/"
    intake_client.post(f"{base}pick-up/")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_RESPONSE
    assert referral.picked_up_by.role == Role.INTAKE

    assert intake_client.post(f"{base}response/", {}).status_code == 400
    intake_client.post(f"{base}response/", {"response_method": "phone", "response_note": "Spoke"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RESPONDED
    assert referral.responded_at is not None
    assert referral.response_method == "phone"
    assert not referral.clock_running
    updates = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="referral")
    assert updates.count() == 2


def test_accepting_opens_a_case_for_a_new_client(intake_client, make_referral):
    referral = make_referral(nhs_number="4857773456")
    response = intake_client.post(
        f"/staff/referrals/{referral.reference}/accept/", {"response_method": "visit"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.responded_at is not None  # telling them stopped the clock
    case = Case.objects.get(referral=referral)
    assert case.status == CaseStatus.OPEN
    assert case.hospital == referral.hospital
    assert case.legal_status_code == "s3"
    assert case.client.nhs_number == "4857773456"
    assert AuditEvent.objects.filter(object_type="case", action=AuditAction.CREATE).exists()
    assert AuditEvent.objects.filter(object_type="client", action=AuditAction.CREATE).exists()
    # A second acceptance is refused rather than opening a second case.
    intake_client.post(
        f"/staff/referrals/{referral.reference}/accept/", {"response_method": "visit"}
    )
    assert Case.objects.count() == 1


def test_accepting_a_referral_for_an_existing_client_reuses_them(make_referral, make_user):
    manager = make_user(Role.MANAGER)
    first = make_referral(nhs_number="4857773456")
    services.accept_referral(referral=first, actor=manager, response_method="phone")
    second = make_referral(nhs_number="4857773456")
    services.accept_referral(referral=second, actor=manager, response_method="phone")
    assert CaseClient.objects.count() == 1
    assert Case.objects.count() == 2


def test_declining_needs_a_reason(intake_client, make_referral):
    referral = make_referral()
    url = f"/staff/referrals/{referral.reference}/decline/"
    response = intake_client.post(url, {"response_method": "phone", "outcome_reason": " "})
    assert response.status_code == 400
    assert "Enter why you are declining this referral" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW
    with pytest.raises(services.ReferralStateError):
        services.decline_referral(
            referral=referral, actor=referral.recorded_by, reason="", response_method="phone"
        )
    intake_client.post(url, {"response_method": "phone", "outcome_reason": "Not in our area"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.outcome_reason == "Not in our area"


def test_withdrawing_stops_the_clock_without_a_response(intake_client, make_referral):
    referral = make_referral()
    intake_client.post(f"/staff/referrals/{referral.reference}/withdraw/", {"outcome_reason": ""})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert referral.responded_at is None
    assert not referral.clock_running


def test_finished_referrals_are_listed_newest_first(make_referral, make_user):
    manager = make_user(Role.MANAGER)
    older = make_referral(received_at=timezone.now() - timedelta(days=3))
    newer = make_referral(received_at=timezone.now() - timedelta(days=1))
    for referral in (older, newer):
        services.withdraw_referral(referral=referral, actor=manager, reason="")
    rows = selectors.inbox_page(selectors.InboxView.WITHDRAWN).rows
    assert [row.pk for row in rows] == [newer.pk, older.pk]
