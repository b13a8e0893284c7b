"""The quarterly return's "calculated at" line and recalculate button in a real browser:
the button works without JavaScript tricks, and the page before and after passes axe."""

from __future__ import annotations

from typing import Any

import pytest

from imha.accounts.models import Role
from tests.browser_tools import axe_violations, describe_violations
from tests.conftest import london
from tests.reports.conftest import make_referral

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def test_a_manager_recalculates_the_figures(signed_in_page: Any, world: Any) -> None:
    page = signed_in_page(Role.MANAGER)
    page.goto("/reports/quarterly/?period=quarter&quarter=2025-Q1")
    key_figures = page.locator(".report-key-figures")
    assert "Referrals received\t7" in key_figures.inner_text()
    assert page.get_by_text("Figures calculated at").is_visible()
    assert_accessible(page)

    make_referral(london(2025, 5, 14, 10))
    page.get_by_role("button", name="Recalculate the figures now").click()
    page.wait_for_url("**/reports/quarterly/?period=quarter&quarter=2025-Q1")
    assert page.get_by_text("The figures have been calculated again.").is_visible()
    assert "Referrals received\t8" in key_figures.inner_text()
    assert_accessible(page)
    assert page.console_errors == []


def test_commissioners_see_when_figures_were_calculated_but_no_button(
    signed_in_page: Any, world: Any
) -> None:
    page = signed_in_page(Role.COMMISSIONER)
    page.goto("/reports/quarterly/?period=quarter&quarter=2025-Q1")
    assert page.get_by_text("Figures calculated at").is_visible()
    assert page.get_by_role("button", name="Recalculate the figures now").count() == 0
