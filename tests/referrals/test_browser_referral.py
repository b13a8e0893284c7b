"""The public referral form in a real browser: every page, an error, check your answers
and the confirmation, each checked with axe-core for WCAG 2.2 AA."""

from __future__ import annotations

import re

from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import User
from imha.core.demo import load_demo_data
from imha.referrals import selectors
from imha.referrals.demo import load_demo_referrals
from imha.referrals.models import EmailKind, EmailStatus, OutgoingEmail, Referral
from tests.browser.conftest import axe_violations, describe_violations
from tests.conftest import STAFF_PASSWORD, current_code


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def continue_(page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_a_relative_refers_someone_through_every_page(page, hospital):
    page.goto("/refer/")
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    page.wait_for_url("**/who-is-referring/")
    continue_(page)
    # An error state: the summary links to the question and the title says "Error".
    page.locator(".govuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    assert "Select who is making this referral" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Their nearest relative or nominated person").check()
    continue_(page)

    page.wait_for_url("**/your-details/")
    assert_accessible(page)
    page.get_by_label("Your full name").fill("Jordan Example")
    page.get_by_label("Your relationship to them, or your job title").fill("Sister")
    page.get_by_label("Email address").fill("jordan@example.org")
    continue_(page)

    page.wait_for_url("**/their-details/")
    assert_accessible(page)
    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Last name").fill("Example")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1980")
    continue_(page)

    page.wait_for_url("**/where-they-are/")
    assert_accessible(page)
    page.get_by_label(hospital.name).check()
    page.get_by_label("Ward (optional)").fill("Willow")
    continue_(page)

    page.wait_for_url("**/mental-health-act/")
    assert_accessible(page)
    page.get_by_label("I do not know").check()
    continue_(page)

    # Not knowing the section brings the question about treatments that qualify on their own.
    page.wait_for_url("**/treatment/")
    assert_accessible(page)
    page.get_by_label("ECT (electroconvulsive therapy)").check()
    continue_(page)

    page.wait_for_url("**/help-wanted/")
    assert_accessible(page)
    page.get_by_label("A mental health tribunal").check()
    continue_(page)

    page.wait_for_url("**/communication/")
    # A checkbox's follow-up box stays hidden until the checkbox is ticked.
    assert not page.get_by_label("Which language?").is_visible()
    page.get_by_label("A spoken language interpreter").check()
    assert page.get_by_label("Which language?").is_visible()
    assert_accessible(page)
    page.get_by_label("A spoken language interpreter").uncheck()
    page.get_by_label("British Sign Language (BSL)").check()
    continue_(page)

    page.wait_for_url("**/consent/")
    assert_accessible(page)
    page.get_by_label("Yes, they know about it and agree").check()
    continue_(page)

    page.wait_for_url("**/contact/")
    assert_accessible(page)
    page.get_by_label("Through the ward staff").check()
    page.get_by_label("No", exact=True).check()
    continue_(page)

    page.wait_for_url("**/check-your-answers/")
    summary = page.locator("main").inner_text()
    assert "Alex" in summary and "Willow" in summary and "I do not know" in summary
    assert "ECT (electroconvulsive therapy)" in summary
    assert_accessible(page)
    page.get_by_role("button", name="Send referral").click()

    page.wait_for_url("**/referral-sent/")
    assert_accessible(page)
    reference = page.locator(".imha-reference").inner_text()
    assert re.fullmatch(r"R[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    referral = Referral.objects.get(reference=reference)
    assert referral.referrer_type == "nearest_relative"
    assert referral.communication_needs == ["bsl"]
    assert referral.treatment_considered == "ect"
    assert referral.is_statutory
    # The only console message allowed is the browser noting the error page's 400 status.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def sign_in_to_the_demo_inbox(page) -> None:
    """Load the demo data and sign its intake worker in, landing on the inbox."""
    load_demo_data()
    load_demo_referrals()
    user = User.objects.get(username="intake")
    user.set_password(STAFF_PASSWORD)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    page.goto("/staff/referrals/")
    page.get_by_label("Username").fill("intake")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/referrals/")


def test_staff_referral_pages_are_accessible(page, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in_to_the_demo_inbox(page)
    assert page.locator(".govuk-tag", has_text="Overdue").count() >= 1
    assert page.locator(".govuk-tag", has_text="Statutory").count() >= 1
    assert_accessible(page)

    page.get_by_role("link", name="RDEMO-0006").click()
    page.wait_for_url("**/RDEMO-0006/")
    assert "may already have an open referral" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Decline").click()
    page.get_by_role("button", name="Decline referral").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)

    page.goto("/staff/referrals/new/")
    page.get_by_role("button", name="Save referral").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)


def test_inbox_pages_and_sending_an_email_again_are_accessible(page, settings, monkeypatch):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # Pages of two, so the seven demo referrals make several pages.
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)
    sign_in_to_the_demo_inbox(page)

    # Numbered pages on a counted tab.
    assert page.locator(".govuk-pagination__list").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="Page 2", exact=True).click()
    page.wait_for_url("**/staff/referrals/?page=2")
    assert_accessible(page)

    # "Previous" and "Next" on a tab that is not counted.
    page.goto("/staff/referrals/?show=all")
    page.locator(".govuk-pagination--block a[rel=next]").click()
    page.wait_for_url("**/staff/referrals/?show=all&page=2")
    assert page.locator(".govuk-pagination--block a[rel=prev]").count() == 1
    assert_accessible(page)

    # A page past the end, and one that is not a number.
    page.goto("/staff/referrals/?show=all&page=40")
    assert "There is no page 40 in this list." in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/staff/referrals/?page=two")
    assert "is not a page number" in page.locator("main").inner_text()

    # An acknowledgement that failed for good, sent again.
    referral = Referral.objects.get(reference="RDEMO-0001")
    OutgoingEmail.objects.update_or_create(
        referral=referral,
        kind=EmailKind.ACKNOWLEDGEMENT,
        recipient="alex@example.org",
        defaults={
            "status": EmailStatus.FAILED,
            "attempts": 7,
            "last_error": "SMTPRecipientsRefused: mailbox unavailable",
        },
    )
    page.goto("/staff/referrals/RDEMO-0001/")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Send again")).click()
    page.wait_for_url("**/staff/referrals/RDEMO-0001/")
    banner = page.locator(".govuk-notification-banner")
    banner.wait_for()
    assert "will be sent again" in banner.inner_text()
    assert page.get_by_role("button", name=re.compile("^Send again")).count() == 0
    assert_accessible(page)
