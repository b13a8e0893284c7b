"""The eligibility checker in Chromium: every page it shows is checked with axe-core."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, describe_violations

START = "/check-if-you-can-get-an-imha/"


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def question(page) -> str:
    return page.locator("legend h1").inner_text()


def choose(page, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


def test_whole_flow_from_the_home_page_with_errors_and_back_link(page):
    page.goto("/")
    page.get_by_role("link", name="Check if you can get an IMHA").click()
    page.wait_for_url(f"**{START}")
    assert page.get_by_role("heading", level=1).inner_text() == "Check if you can get an IMHA"
    assert_accessible(page)

    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/where/")
    assert question(page) == "Are you in England or Wales?"
    assert_accessible(page)

    # Continue with nothing chosen: the error summary appears and leads to the first radio.
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select if you are in England or Wales" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "where"

    choose(page, "England")
    assert question(page) == "Which of these best describes you now?"
    assert_accessible(page)

    choose(page, "I am detained in hospital under a section")
    assert question(page) == "Which section are you detained under?"
    assert_accessible(page)

    choose(page, "Section 3")
    assert page.get_by_role("heading", level=1).inner_text() == "You can get an IMHA"
    assert "You are detained under section 3." in page.locator("main").inner_text()
    assert_accessible(page)
    assert page.context.cookies() == []

    # Back returns to the section question with the answer still chosen.
    page.get_by_role("link", name="Back").click()
    page.wait_for_url("**/section/**")
    assert page.get_by_label("Section 3", exact=True).is_checked()

    page.go_back()
    page.get_by_role("button", name="Make a referral").click()
    page.wait_for_url("**/make-a-referral/")
    assert page.console_errors == []


FLOWS = {
    "informal, under 18, ECT in England": (
        [
            "England",
            "I am in hospital by choice",
            "ECT (electroconvulsive therapy)",
            "Under 18",
        ],
        "You can get an IMHA",
    ),
    "section 4 without a second doctor in England": (
        [
            "England",
            "I am being held in hospital for a short time",
            "Section 4",
            "No",
            "Neither of these",
        ],
        "You probably cannot get an IMHA in England",
    ),
    "section 136 in Wales": (
        ["Wales", "The police have taken me to a place of safety", "Section 136"],
        "You can get an IMHA",
    ),
    # Not knowing the situation leads to the treatment question, which can still decide it.
    "does not know": (
        ["I'm not sure", "I don't know", "Neither of these"],
        "We need to talk to you to find out",
    ),
}


@pytest.mark.parametrize(("answers", "expected"), FLOWS.values(), ids=FLOWS.keys())
def test_every_question_page_and_answer_is_accessible(page, answers, expected):
    page.goto(f"{START}where/")
    for label in answers:
        assert_accessible(page)
        choose(page, label)
    assert page.get_by_role("heading", level=1).inner_text() == expected
    assert_accessible(page)
    assert page.console_errors == []


def test_error_on_a_follow_up_question_is_accessible(page):
    page.goto(f"{START}second-doctor/?where=england&situation=short-hold&section=4")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "Select yes if a second doctor" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_flow_works_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(START)
        page.get_by_role("button", name="Start now").click()
        page.wait_for_url("**/where/")
        for label in ["Wales", "I am in hospital by choice"]:
            choose(page, label)
        assert page.get_by_role("heading", level=1).inner_text() == "You can get an IMHA"
    finally:
        context.close()
