"""Case work in Chromium, checked with axe-core: the caseload, a case record, and a form
showing its errors."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from imha.accounts.models import Role, Team
from imha.cases import services
from imha.cases.models import ActivityKind
from imha.cases.models import Client as Person
from imha.hospitals.models import Ward
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


@pytest.fixture
def advocate_with_a_case(signed_in_page, make_user, hospital):
    team = Team.objects.create(name="Browser team")
    page = signed_in_page(Role.ADVOCATE, team=team, first_name="Ada")
    advocate = page.signed_in_user
    manager = make_user(Role.MANAGER, "browser-manager")
    ward = Ward.objects.create(hospital=hospital, name="Heather Ward")
    person = Person.objects.create(first_name="Rowan", last_name="Example")
    case = services.open_case_for_client(client=person, actor=manager)
    services.update_case_details(
        case=case, fields={"hospital": hospital, "hospital_ward": ward}, actor=manager
    )
    services.allocate_case(case=case, advocate=advocate, actor=manager)
    today = timezone.localdate()
    services.add_legal_status_period(
        case=case,
        fields={
            "status_code": "s3",
            "started_on": today - timedelta(days=170),
            "first_medication_on": today - timedelta(days=85),
        },
        actor=manager,
    )
    issue = services.add_issue(case=case, topic="tribunal", description="", actor=advocate)
    services.record_outcomes(
        issue=issue,
        outcomes=["tribunal_applied"],
        persons_words="I want to go home",
        status="open",
        actor=advocate,
    )
    services.record_activity(
        case=case,
        fields={
            "kind": ActivityKind.WARD_ROUND,
            "occurs_on": today + timedelta(days=2),
            "starts_at_time": time(10, 30),
            "duration_minutes": 45,
            "notes": "First line\nSecond line",
        },
        actor=advocate,
    )
    services.add_note(case=case, text="Prefers afternoon visits.", actor=advocate)
    return page, case


def test_caseload_and_case_page_are_accessible(advocate_with_a_case):
    page, case = advocate_with_a_case
    page.get_by_role("link", name="My caseload").click()
    page.wait_for_url("**/staff/cases/mine/")
    assert "Rowan Example" in page.locator("main").inner_text()
    assert "Statutory dates in the next 14 days" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Rowan Example", exact=True).first.click()
    page.wait_for_url(f"**/staff/cases/{case.pk}/")
    main = page.locator("main").inner_text()
    assert "Statutory dates" in main and "Admission for treatment" in main
    assert_accessible(page)


def test_activity_form_with_errors_is_accessible(advocate_with_a_case):
    page, case = advocate_with_a_case
    page.goto(f"/staff/cases/{case.pk}/activities/new/")
    page.get_by_label("Notes (optional)").fill("Typed before the mistake")
    with page.expect_navigation():
        page.get_by_role("button", name="Save activity").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "Select the activity" in summary.inner_text()
    assert page.get_by_label("Notes (optional)").input_value() == "Typed before the mistake"
    assert_accessible(page)
