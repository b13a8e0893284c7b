from __future__ import annotations

import pytest
from django.urls import reverse

from imha.resources.views import INFORMATION_PAGES
from tests.browser.conftest import axe_violations, describe_violations

PUBLIC_URLS = [reverse(f"resources:{page.url_name}") for page in INFORMATION_PAGES]


@pytest.mark.parametrize("url", [*PUBLIC_URLS, "/sign-in/", "/no-such-page/"])
def test_public_page_has_no_accessibility_violations(page, url):
    page.goto(url)
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def test_scripts_run_under_the_content_security_policy(page):
    page.goto("/")
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    assert page.console_errors == []


def test_menu_collapses_and_opens_on_a_phone_sized_screen(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    toggle = page.get_by_role("button", name="Menu")
    toggle.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Who can get an IMHA"
    ).click()
    page.wait_for_url("**/who-can-get-an-imha/")
    assert page.get_by_role("heading", level=1).inner_text() == "Who can get an IMHA"


def test_skip_link_is_first_and_moves_focus_to_the_content(page):
    page.goto("/what-an-imha-does/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_start_page_leads_to_referral_information(page):
    page.goto("/")
    page.get_by_role("button", name="Make a referral").click()
    page.wait_for_url("**/make-a-referral/")
    assert "3 working days" in page.locator("main").inner_text()


def test_no_crown_or_gds_font_is_shown(page):
    page.goto("/")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
    assert page.locator(".govuk-header__logotype, .govuk-footer__crown").count() == 0
    brand = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-generic-header')).backgroundColor"
    )
    assert brand == "rgb(0, 83, 79)"
