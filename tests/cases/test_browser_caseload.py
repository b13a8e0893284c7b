"""The paged caseload in Chromium: its page links work, and axe finds no WCAG 2.2 AA
problems with them or with the note shown for a page that does not exist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from imha.accounts.models import Role
from imha.cases import services
from imha.cases.models import Client as Person
from tests.browser_tools import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def test_caseload_pages_are_accessible(signed_in_page, make_user, monkeypatch):
    # One case a page makes six pages, so the links include a gap ("⋯") on page 1.
    monkeypatch.setattr("imha.cases.views.CASES_PER_PAGE", 1)
    page = signed_in_page(Role.ADVOCATE, first_name="Ada")
    manager = make_user(Role.MANAGER, "browser-manager")
    today = timezone.localdate()
    for number in range(6):
        person = Person.objects.create(first_name="Paged", last_name=f"Person{number}")
        case = services.open_case_for_client(client=person, actor=manager)
        services.allocate_case(case=case, advocate=page.signed_in_user, actor=manager)
        services.add_legal_status_period(
            case=case,
            fields={"status_code": "s2", "started_on": today - timedelta(days=3)},
            actor=manager,
        )

    page.goto("/staff/cases/mine/")
    pages = page.get_by_role("navigation", name="Pages of open cases")
    assert pages.get_by_role("link", name="Page 1").get_attribute("aria-current") == "page"
    assert "⋯" in pages.inner_text()
    assert_accessible(page)

    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url("**/staff/cases/mine/?page=2*")
    assert "Paged Person1" in page.locator("[data-cases=page]").inner_text()
    assert "Paged Person0" not in page.locator("[data-cases=page]").inner_text()
    assert_accessible(page)

    page.goto("/staff/cases/mine/?page=9")
    assert (
        "There is no page 9. This list has 6 pages, and this is the last one."
        in page.locator(".govuk-inset-text").inner_text()
    )
    assert_accessible(page)
