from __future__ import annotations

import re

from django_otp.oath import TOTP

from imha.accounts.models import Role
from tests.browser.conftest import axe_violations, describe_violations
from tests.conftest import STAFF_PASSWORD


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def code_for_setup_key(setup_key: str) -> str:
    import base64

    key = base64.b32decode(
        setup_key.replace(" ", "") + "=" * (-len(setup_key.replace(" ", "")) % 8)
    )
    return f"{TOTP(key).token():06d}"


def test_first_sign_in_sets_up_the_authenticator_app(page, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    make_user(Role.MANAGER, username="morgan", first_name="Morgan")
    page.goto("/staff/")
    page.wait_for_url(re.compile(r"/sign-in/\?next="))

    page.get_by_role("button", name="Continue").click()
    page.get_by_role("alert").wait_for()
    assert "Enter your username" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Username").fill("morgan")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/set-up-authenticator/**")
    assert_accessible(page)

    page.get_by_text("I cannot scan the QR code").click()
    setup_key = page.locator("#setup-key").inner_text()
    page.get_by_label("Code from your app").fill("12")
    page.get_by_role("button", name="Continue").click()
    assert "The code must be 6 digits" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    page.get_by_label("Code from your app").fill(code_for_setup_key(setup_key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/recovery-codes/**")
    assert page.locator(".imha-recovery-codes li").count() == 10
    assert_accessible(page)

    page.get_by_role("button", name="I have saved my codes").click()
    page.wait_for_url("**/staff/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Morgan"
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: url.endswith(":" + url.split(":")[-1].split("/")[0] + "/"))
    assert "You have signed out" in page.locator("main").inner_text()
    page.goto("/staff/")
    assert "/sign-in/" in page.url


def test_second_factor_page_is_accessible(page, make_user, enrolled_device):
    user = make_user(Role.ADVOCATE, username="ada")
    enrolled_device(user)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/security-code/**")
    assert_accessible(page)
    page.get_by_label("Security code").fill("999999")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)


def test_account_pages_are_accessible(signed_in_page):
    page = signed_in_page(Role.ADVOCATE)
    for url in ("/staff/", "/account/", "/account/password/"):
        page.goto(url)
        assert_accessible(page)
    page.get_by_role("button", name="Change password").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)
