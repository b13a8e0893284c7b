"""The forms advocates use during the day, through the real pages, and what they record."""

from __future__ import annotations

from datetime import date

import pytest

from imha.audit.models import AuditAction, AuditEvent
from imha.cases.models import (
    Activity,
    Case,
    CaseStatus,
    Client,
    Ethnicity,
    IssueOutcome,
    LegalStatusPeriod,
    RecordsRequest,
)
from imha.referrals import services as referral_services

pytestmark = pytest.mark.django_db


def date_fields(name: str, value: date) -> dict[str, str]:
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def test_recording_an_activity(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    client = sign_in(staff["ada"])
    response = client.post(
        f"/staff/cases/{case.pk}/activities/new/",
        {
            "kind": "professional_meeting",
            **date_fields("occurs_on", date(2026, 12, 2)),
            "starts_at_time": "2:30pm",
            "duration_minutes": "45",
            "with_whom": "Dr Example, responsible clinician",
            "notes": "Asked about leave",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(case=case)
    assert (activity.kind, activity.duration_minutes, activity.advocate) == (
        "professional_meeting",
        45,
        staff["ada"],
    )
    assert str(activity.starts_at_time) == "14:30:00"
    assert AuditEvent.objects.filter(object_type="activity", action=AuditAction.CREATE).exists()
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "45 minutes" in page and "With Dr Example, responsible clinician" in page


def test_activity_form_errors_keep_what_was_typed(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    response = sign_in(staff["ada"]).post(
        f"/staff/cases/{case.pk}/activities/new/",
        {"notes": "Typed before the mistake", "duration_minutes": "lots"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Record an activity" in html
    assert "Select the activity" in html
    assert "Enter the date" in html
    assert "Time spent must be a whole number of minutes" in html
    assert "Typed before the mistake" in html
    assert not Activity.objects.exists()


def test_case_notes_are_plain_text(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    client = sign_in(staff["ada"])
    client.post(
        f"/staff/cases/{case.pk}/notes/new/",
        {"text": "<script>alert('x')</script>\nSecond line & more"},
    )
    html = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>Second line &amp; more" in html


def test_legal_status_history_ends_the_previous_status(staff, make_case, sign_in):
    case = make_case(staff["ada"], status_code="s2", started_on=date(2026, 10, 1))
    response = sign_in(staff["ada"]).post(
        f"/staff/cases/{case.pk}/legal-status/new/",
        {
            "status_code": "s3",
            **date_fields("started_on", date(2026, 10, 20)),
            **date_fields("admitted_on", date(2026, 10, 1)),
        },
    )
    assert response.status_code == 302
    s2, s3 = LegalStatusPeriod.objects.filter(case=case).order_by("started_on")
    assert s2.ended_on == date(2026, 10, 19)
    assert s3.ended_on is None and s3.admitted_on == date(2026, 10, 1)
    case.refresh_from_db()
    assert case.legal_status_code == "s3"


def test_hour_based_powers_need_a_start_time(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    response = sign_in(staff["ada"]).post(
        f"/staff/cases/{case.pk}/legal-status/new/",
        {"status_code": "s136", **date_fields("started_on", date(2026, 11, 1))},
    )
    assert response.status_code == 400
    assert b"Enter the time it started" in response.content
    assert not LegalStatusPeriod.objects.exists()


def test_issue_outcomes_with_the_persons_words(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    client = sign_in(staff["ada"])
    client.post(f"/staff/cases/{case.pk}/issues/new/", {"topic": "leave", "description": "Home"})
    issue = case.issues.get()
    response = client.post(
        f"/staff/cases/{case.pk}/issues/{issue.pk}/outcomes/",
        {
            "outcomes": ["leave_granted", "person_felt_heard"],
            "persons_words": "They finally listened to me",
            "status": "resolved",
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == "resolved"
    assert set(IssueOutcome.objects.values_list("outcome", flat=True)) == {
        "leave_granted",
        "person_felt_heard",
    }
    assert b"They finally listened to me" in client.get(f"/staff/cases/{case.pk}/").content


def test_records_request_without_capacity_needs_the_holders_decision(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    client = sign_in(staff["ada"])
    form = {
        "records": "Ward notes",
        "holder": "Testing Fields Hospital",
        "basis": "lacks_capacity",
        **date_fields("asked_on", date(2026, 11, 2)),
        "status": "asked",
    }
    response = client.post(f"/staff/cases/{case.pk}/records-requests/new/", form)
    assert response.status_code == 400
    assert b"section 130B(4)" in response.content
    form["holder_decision"] = "Records manager agreed on 2 November"
    assert client.post(f"/staff/cases/{case.pk}/records-requests/new/", form).status_code == 302
    request = RecordsRequest.objects.get(case=case)
    response = client.post(
        f"/staff/cases/{case.pk}/records-requests/{request.pk}/",
        {**form, "status": "received", **date_fields("received_on", date(2026, 11, 9))},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.received_on) == ("received", date(2026, 11, 9))


def test_allocating_and_reallocating_is_audited(staff, make_case, sign_in):
    case = make_case(None)
    client = sign_in(staff["manager"])
    client.post(
        f"/staff/cases/{case.pk}/allocate/", {"advocate": staff["ada"].pk, "from": "allocation"}
    )
    client.post(f"/staff/cases/{case.pk}/allocate/", {"advocate": staff["sol"].pk})
    case.refresh_from_db()
    assert case.allocated_advocate == staff["sol"]
    summaries = list(
        AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).values_list(
            "summary", flat=True
        )
    )
    assert any("allocated to ada" in s for s in summaries)
    assert any("reallocated to sol" in s for s in summaries)
    # Only advocates can take cases.
    response = client.post(f"/staff/cases/{case.pk}/allocate/", {"advocate": staff["intake"].pk})
    assert response.status_code == 400


def test_closing_records_the_reason_and_locks_the_case(staff, make_case, sign_in):
    case = make_case(staff["ada"], date_of_birth=date(2000, 1, 1))
    client = sign_in(staff["ada"])
    response = client.post(f"/staff/cases/{case.pk}/close/", {})
    assert response.status_code == 400
    assert b"Select why the case is closing" in response.content
    client.post(f"/staff/cases/{case.pk}/close/", {"closure_reason": "moved_away"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == "moved_away"
    assert case.age_band_at_closure in {"18_24", "25_34"}
    response = client.post(f"/staff/cases/{case.pk}/notes/new/", {"text": "Too late"})
    assert response.status_code == 302
    assert not case.notes.exists()


def test_case_details_on_hold_and_ward_must_match_hospital(staff, make_case, sign_in, ward):
    from imha.hospitals.models import Hospital, Ward

    other = Hospital.objects.create(name="Elsewhere (fictional)", code="elsewhere")
    other_ward = Ward.objects.create(hospital=other, name="Far Ward")
    case = make_case(staff["ada"])
    client = sign_in(staff["ada"])
    bad = client.post(
        f"/staff/cases/{case.pk}/details/",
        {"status": "on_hold", "hospital": case.hospital_id, "hospital_ward": other_ward.pk},
    )
    assert bad.status_code == 400
    assert b"Select a ward in the hospital you chose" in bad.content
    client.post(
        f"/staff/cases/{case.pk}/details/",
        {"status": "on_hold", "hospital": "", "community_location": "Home, Exampletown"},
    )
    case.refresh_from_db()
    assert case.status == "on_hold" and case.location == "Home, Exampletown"


def test_client_equality_monitoring(staff, make_case, sign_in):
    case = make_case(staff["ada"], first_name="Equal")
    client = sign_in(staff["ada"])
    form = {
        "first_name": "Equal",
        "last_name": "Person",
        "safe_to_leave_message": "no",
        "sex": "prefer_not_to_say",
        "gender_identity": "same",
        "ethnicity": "mixed_white_asian",
        "disability": "yes_a_little",
        "religion": "none",
        "sexual_orientation": "not_known",
        "first_language": "other",
        "first_language_other": "Polish",
    }
    assert client.post(f"/staff/clients/{case.client_id}/details/", form).status_code == 302
    person = Client.objects.get(pk=case.client_id)
    assert person.ethnicity == Ethnicity.MIXED_WHITE_ASIAN
    assert person.safe_to_leave_message is False
    assert person.normalised_name == "equal person"
    html = client.get(f"/staff/clients/{case.client_id}/").content.decode()
    assert "Mixed or multiple ethnic groups: White and Asian" in html
    assert "Polish" in html


def test_open_a_new_case_for_a_returning_client(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    response = sign_in(staff["ada"]).post(f"/staff/clients/{case.client_id}/new-case/")
    assert response.status_code == 302
    assert Case.objects.filter(client=case.client).count() == 2
    assert Case.objects.filter(client=case.client, allocated_advocate=staff["ada"]).count() == 2


def test_accepting_a_referral_turns_its_topics_into_issues(staff, make_referral_for_cases):
    referral = make_referral_for_cases()
    case = referral_services.accept_referral(
        referral=referral, actor=staff["manager"], response_method="phone"
    )
    issues = {(issue.topic, issue.description) for issue in case.issues.all()}
    assert issues == {("tribunal", ""), ("other", "Leave to see family")}


def test_dashboard_links_by_role(staff, sign_in):
    advocate = sign_in(staff["ada"]).get("/staff/").content
    assert b"/staff/cases/mine/" in advocate and b"/staff/cases/allocation/" not in advocate
    assert b"/staff/cases/allocation/" in sign_in(staff["manager"]).get("/staff/").content
    assert b"/staff/cases/" not in sign_in(staff["hospital"]).get("/staff/").content
