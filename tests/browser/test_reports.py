"""The quarterly return in a real browser: charts and tables pass axe, and so does the filter
form showing an error."""

from __future__ import annotations

from typing import Any

import pytest

from imha.accounts.models import Role
from tests.browser.conftest import axe_violations, describe_violations
from tests.reports.conftest import world  # noqa: F401  (the fixed data set)

pytestmark = pytest.mark.django_db(transaction=True)


def test_commissioner_dashboard_with_charts_has_no_axe_violations(
    signed_in_page: Any,
    world: Any,  # noqa: F811
) -> None:
    page = signed_in_page(Role.COMMISSIONER)
    page.get_by_role("link", name="Quarterly return for the commissioner").click()
    page.wait_for_url("**/reports/quarterly/")
    # Choose quarter 1 of 2025 to 2026, where the fixed data set is.
    page.get_by_label("Quarter", exact=True).select_option("2025-Q1")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url("**/reports/quarterly/?*")
    assert page.locator("svg.report-chart").count() >= 5
    assert page.get_by_role("img", name="Bar chart: Referrals by how they reached us").count() == 1
    assert page.get_by_text("<5").first.is_visible()
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert page.console_errors == []


def test_filter_form_with_an_error_has_no_axe_violations(signed_in_page: Any) -> None:
    page = signed_in_page(Role.MANAGER)
    page.goto("/reports/quarterly/")
    page.get_by_role("radio", name="Dates you choose").check()
    page.get_by_label("From").fill("30/6/2025")
    page.get_by_label("To (inclusive)").fill("1/6/2025")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "The end date must be the same as or after the start date" in summary.inner_text()
    # What was typed is kept, and the choice of custom dates too.
    assert page.get_by_label("From").input_value() == "30/6/2025"
    assert page.get_by_role("radio", name="Dates you choose").is_checked()
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
