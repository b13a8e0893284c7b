from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import Role, User
from imha.hospitals.models import Hospital
from imha.law.working_days import LONDON
from tests.browser_tools import CHROMIUM, browser, page, signed_in_page

__all__ = ["browser", "page", "signed_in_page"]

STAFF_PASSWORD = "a-long-test-password-42"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium, and skip them only where it cannot run."""
    browser_items = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items or Path(CHROMIUM).exists():
        return
    if os.environ.get("IMHA_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"IMHA_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: install Debian's chromium."
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; apt-get install chromium")
    for item in browser_items:
        item.add_marker(skip)


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def london(*args: int) -> datetime:
    """A moment on England's clock, for the tests that work in local time."""
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


@pytest.fixture
def hospital(db: None) -> Hospital:
    return Hospital.objects.create(name="Testing Fields Hospital", code="testing-fields")


@pytest.fixture
def answers(hospital: Hospital) -> dict[str, Any]:
    """Everything the public form asks, answered by an AMHP, as kept in the session (the
    referrals and reports tests send it through the real services)."""
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
def make_user(db: None, hospital: Hospital) -> Callable[..., User]:
    def make(role: str = Role.ADVOCATE, username: str | None = None, **extra: object) -> User:
        name = username or f"{role}-user"
        if role == Role.HOSPITAL:
            extra.setdefault("hospital", hospital)
        return User.objects.create_user(username=name, password=STAFF_PASSWORD, role=role, **extra)

    return make


@pytest.fixture
def enrolled_device() -> Callable[[User], TOTPDevice]:
    def enrol(user: User) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    return enrol


@pytest.fixture
def verified_client(
    make_user: Callable[..., User], enrolled_device: Callable[[User], TOTPDevice]
) -> Callable[[str], Client]:
    """A client that has signed in with password and second factor, through the real pages."""

    def sign_in(role: str = Role.ADVOCATE) -> Client:
        user = make_user(role)
        device = enrolled_device(user)
        client = Client()
        response = client.post("/sign-in/", {"username": user.username, "password": STAFF_PASSWORD})
        assert response.status_code == 302
        response = client.post("/sign-in/security-code/", {"code": current_code(device)})
        assert response.status_code == 302, response.content
        return client

    return sign_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The production hasher is slow on purpose; tests only need hashing to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts and ends with nothing cached.

    The cache (computed figures, for example) lives in the process, outside the test
    database's rollback: without this, one test's cached values would be served to the next.
    """
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path_factory) -> None:
    # Uploaded and generated files from tests must never land in the working tree's media/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def pages_worked_out(settings) -> None:
    """Every page worked out afresh, none answered from the kept pages.

    For tests that count what working a page out costs (its queries): with pages kept
    (imha.core.kept_pages), a repeat view with no change in between would be answered from
    the cache instead. tests/cases/test_kept_pages.py tests the kept pages themselves.
    """
    settings.KEPT_PAGE_SECONDS = 0
