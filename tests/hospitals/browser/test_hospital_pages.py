"""Browser checks for the hospital pages: they work, and axe finds no WCAG 2.2 AA problems.

They use the shared browser fixtures registered by tests/conftest.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from imha.accounts.models import Role
from imha.hospitals.views import ACTIONS_PER_PAGE
from tests.browser_tools import axe_violations, describe_violations
from tests.hospitals.conftest import signed_in_client


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def sign_in(page, live_server, user) -> None:
    # The real sign-in pages are covered by tests/browser; here the session a signed-in
    # test client holds is handed to the browser so these tests stay quick.
    client = signed_in_client(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_hospital_dashboard_new_notice_with_an_error_and_notice_page(
    page, live_server, hospital_user, ward, make_notice
):
    today = timezone.localdate()
    make_notice(patient_name="Alex Example", status="s2", started_on=today - timedelta(days=5))
    sign_in(page, live_server, hospital_user)

    page.goto("/hospital/")
    assert page.get_by_role("heading", level=1).inner_text() == "Duty to inform"
    assert "Alex Example" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Record a patient").click()
    page.get_by_label("Patient's full name").fill("Sam Sample")
    page.get_by_label("Mental Health Act status").select_option("s3")
    page.get_by_label("Date the status started").fill("31/2/2026")
    page.get_by_label("Ward").select_option(label="Heather Ward")
    page.get_by_label("Responsible clinician").fill("Dr Example")
    page.get_by_role("button", name="Save patient").click()
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    assert "Start date must be a real date" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Patient's full name").input_value() == "Sam Sample"
    assert_accessible(page)

    page.get_by_label("Date the status started").fill(f"{today:%d/%m/%Y}")
    page.get_by_role("button", name="Save patient").click()
    page.wait_for_url("**/hospital/notices/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sam Sample"
    assert "Qualifies for an IMHA" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Record that the patient was told").click()
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
    # Forms with errors answer 400 on purpose (as the sign-in page does); Chromium logs each.
    unexpected = [e for e in page.console_errors if "status of 400" not in e]
    assert unexpected == []


def test_service_compliance_page_is_accessible(page, live_server, make_user, make_notice, ward):
    make_notice(patient_name="Sam Sample", started_on=timezone.localdate() - timedelta(days=10))
    sign_in(page, live_server, make_user(Role.MANAGER))
    page.goto("/staff/hospitals/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hospitals: duty to inform"
    assert "Sam Sample" not in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_paginated_list_of_patients_to_tell_is_accessible(
    page, live_server, hospital_user, ward, make_notice
):
    today = timezone.localdate()
    for number in range(ACTIONS_PER_PAGE + 1):
        make_notice(patient_name=f"Patient {number:02d}", started_on=today - timedelta(days=10))
    sign_in(page, live_server, hospital_user)

    page.goto("/hospital/")
    pages = page.get_by_role("navigation", name="Pages of patients who need telling or reminding")
    assert_accessible(page)
    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url("**/hospital/?page=2#needing-action")
    assert f"Patient {ACTIONS_PER_PAGE:02d}" in page.locator("main").inner_text()
    assert pages.get_by_role("link", name="Page 2").get_attribute("aria-current") == "page"
    assert_accessible(page)

    page.goto("/hospital/?page=nine")
    assert "“nine” is not a page number" in page.locator(".govuk-inset-text").inner_text()
    assert_accessible(page)
