"""Browser test support: Playwright for Python driving Debian's Chromium, with axe-core.

Browsers cannot be downloaded here, so the tests use the system Chromium. The fixtures are
registered by tests/conftest.py, so a browser test can live beside the other tests of its
area; any test that uses `page` (or `browser`) is marked `browser` and skips, saying why,
only when Chromium is missing. CI sets IMHA_REQUIRE_BROWSER=1 so that a missing browser
fails the run instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("IMHA_CHROMIUM", "/usr/bin/chromium")
AXE_SOURCE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.2 AA rule set: every A and AA rule from 2.0, 2.1 and 2.2.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM use
# inside an event loop would otherwise stop test set-up code from touching the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # The machine has no network beyond loopback; these flags stop Chromium trying to
            # reach Google's services at start-up.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.console_errors = console_errors
    yield page
    context.close()
    # Any page that breaks the Content Security Policy (an inline style or script slipped
    # into a template) fails whichever browser test visited it.
    blocked = [text for text in console_errors if "Content Security Policy" in text]
    assert not blocked, f"Content Security Policy violations: {blocked}"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page and return its WCAG 2.2 AA violations.

    The script is injected through the DevTools protocol, which the page's Content Security
    Policy does not govern, so the policy stays as strict in tests as in production.
    """
    if not AXE_SOURCE.exists():
        raise RuntimeError(f"axe-core is missing at {AXE_SOURCE}: run `npm ci`.")
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA_TAGS,
    )
    return list(result["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]][:5],
            }
            for v in violations
        ],
        indent=2,
    )


@pytest.fixture
def signed_in_page(page: Any, make_user: Any, enrolled_device: Any) -> Any:
    """Sign a new user of the given role in through the real pages; returns the page."""
    from tests.conftest import STAFF_PASSWORD, current_code

    def sign_in(role: str, **extra: Any) -> Any:
        user = make_user(role, **extra)
        device = enrolled_device(user)
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/security-code/**")
        page.get_by_label("Security code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/staff/")
        page.signed_in_user = user
        return page

    return sign_in
