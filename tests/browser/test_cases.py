"""Case work in Chromium, checked with axe-core: the caseload, a case record, a form
showing its errors, and the month view of the diary."""

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


def test_diary_month_is_accessible(advocate_with_a_case):
    page, case = advocate_with_a_case
    booked = timezone.localdate() + timedelta(days=2)
    page.goto("/staff/cases/diary/")
    page.get_by_role("navigation", name="Diary view").get_by_role("link", name="Month").click()
    page.wait_for_url("**/staff/cases/diary/month/?month=*")
    assert_accessible(page)

    # The month holding the ward round booked in the fixture.
    page.goto(f"/staff/cases/diary/month/?month={booked:%Y-%m}")
    main = page.locator("main")
    day = main.get_by_role("heading", level=4, name=f"{booked:%A} {booked.day} {booked:%B}")
    assert day.is_visible()
    assert "10:30am Ward round" in main.inner_text()
    assert main.get_by_role("link", name=f"Rowan Example ({case.reference})").is_visible()
    assert_accessible(page)

    page.goto("/staff/cases/diary/month/?month=2026-13")
    assert "“2026-13” is not a month" in main.inner_text()
    assert_accessible(page)


def test_merge_confirmation_page_is_accessible(signed_in_page):
    """The confirmation of a merge, with its side-by-side table, and again showing the
    error when the dates of birth differ and the box was not ticked."""
    from datetime import date

    page = signed_in_page(Role.MANAGER, first_name="Morgan")
    manager = page.signed_in_user
    keep = Person.objects.create(
        first_name="Morwenna",
        last_name="Testfield",
        date_of_birth=date(1980, 5, 17),
        phone="01632 960 001",
    )
    duplicate = Person.objects.create(
        first_name="Morwenna",
        last_name="Testfield",
        date_of_birth=date(1980, 7, 15),
        email="wenna@example.org",
    )
    for person in (keep, duplicate):
        services.open_case_for_client(client=person, actor=manager)

    page.goto(f"/staff/clients/{keep.pk}/")
    page.get_by_role("link", name="Merge with another record").click()
    page.wait_for_url(f"**/staff/clients/{keep.pk}/merge/")
    page.get_by_label("Client number of the other record").fill(str(duplicate.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Find record").click()
    page.wait_for_url(f"**/staff/clients/{keep.pk}/merge/{duplicate.pk}/")
    table = page.get_by_role("table", name="The 2 records, and the record after merging")
    assert "wenna@example.org" in table.inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Merge these records").click()
    assert page.title().startswith("Error: ")
    assert "The dates of birth are different" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("I have checked these are the same person").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge these records").click()
    page.wait_for_url(f"**/staff/clients/{keep.pk}/")
    assert "has been merged into this record" in page.locator("main").inner_text()
    assert_accessible(page)
