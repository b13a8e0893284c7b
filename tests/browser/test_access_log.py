"""The access log in Chromium: reached from the dashboard, searched with a mistake, corrected,
and checked with axe-core at each step."""

from __future__ import annotations

import pytest

from imha.accounts.models import Role
from imha.audit.models import AuditAction
from imha.audit.services import record
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_searches_the_access_log(signed_in_page):
    page = signed_in_page(Role.MANAGER)
    record(actor=None, action=AuditAction.VIEW, object_type="case", object_id="31")

    page.get_by_role("link", name="Access log: who has opened or changed records").click()
    page.wait_for_url("**/staff/access-log/")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)

    page.get_by_label("From").fill("not a date")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)

    page.get_by_label("From").fill("")
    page.get_by_label("Kind of record").select_option(label="Case")
    page.get_by_label("Record number").fill("31")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Case 31" in rows.first.inner_text()
