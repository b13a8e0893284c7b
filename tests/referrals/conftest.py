"""Fixtures for the referral tests: complete answers, referrals made through the real
services, and staff clients for each role."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from imha.hospitals.models import Hospital
from imha.referrals import services
from imha.referrals.models import Channel, Referral

# `page` comes from the browser tests' conftest; it uses the `browser` fixture below.
from tests.browser.conftest import CHROMIUM, page  # noqa: F401

LONDON = ZoneInfo("Europe/London")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if "tests/referrals/test_browser" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not Path(CHROMIUM).exists():
        if os.environ.get("IMHA_REQUIRE_BROWSER") == "1":
            raise pytest.UsageError(f"IMHA_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}.")
        skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
        for item in browser_items:
            item.add_marker(skip)


def running_browser() -> Any:
    """The Chromium that tests/browser already started in this run, if any.

    Playwright's sync API allows one instance per thread, and tests/browser keeps its own
    open for the whole session, so this folder's browser tests borrow it rather than start
    a second. (Moving test_browser_referral.py into tests/browser would make this fixture
    unnecessary.)
    """
    from playwright.sync_api import Browser

    return next(
        (obj for obj in gc.get_objects() if isinstance(obj, Browser) and obj.is_connected()),
        None,
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    borrowed = running_browser()
    if borrowed is not None:
        yield borrowed
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
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
        yield launched
        launched.close()


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


@pytest.fixture
def answers(hospital: Hospital) -> dict[str, Any]:
    """Everything the public form asks, answered by an AMHP, as kept in the session."""
    return {
        "referrer_type": "amhp",
        "referrer_name": "Robin Referrer",
        "referrer_role": "AMHP",
        "referrer_organisation": "Exampleshire Council",
        "referrer_phone": "01632 960 111",
        "referrer_email": "robin@example.org",
        "first_name": "Alex",
        "last_name": "Example",
        "preferred_name": "",
        "date_of_birth": "1980-03-27",
        "nhs_number": "",
        "location": str(hospital.pk),
        "location_details": "",
        "ward": "Willow",
        "legal_status_answer": "s3",
        "legal_status_other": "",
        "help_with": ["tribunal"],
        "help_other": "",
        "more_information": "Tribunal next month",
        "communication_needs": [],
        "interpreter_language": "",
        "access_needs": "",
        "consent": "yes",
        "contact_method": "ward",
        "person_phone": "",
        "person_email": "",
        "safe_to_leave_message": "no",
        "contact_notes": "",
    }


@pytest.fixture
def make_referral(answers: dict[str, Any]) -> Callable[..., Referral]:
    """Store a referral through the real service, changing any answers given."""

    def make(received_at: datetime | None = None, **changes: Any) -> Referral:
        return services.create_referral(
            fields=services.referral_fields_from_answers({**answers, **changes}),
            channel=Channel.ONLINE,
            received_at=received_at or timezone.now(),
        )

    return make


@pytest.fixture
def intake_client(verified_client: Callable[[str], Client]) -> Client:
    return verified_client("intake")
