"""The public library, a story, the events page and a staff form, checked with axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from imha.accounts.models import Role
from imha.resources import services
from imha.resources.models import Event
from tests.browser.conftest import axe_violations, describe_violations
from tests.resources.conftest import (
    consent_details,
    pdf_bytes,
    resource_details,
    story_details,
    upload,
)
from tests.resources.test_library_paging import add_resources


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, username="library-manager")


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def test_library_filters_work_without_javascript_and_are_accessible(page, manager):
    for title, audience, easy_read in [
        ("Your rights on section 3", "patient", False),
        ("Section 3 in easy read", "patient", True),
        ("A guide for nearest relatives", "family", False),
    ]:
        resource = services.create_resource(
            details=resource_details(title=title, audience=audience, easy_read=easy_read),
            upload=upload("leaflet.pdf", pdf_bytes(title)),
            change_note="",
            actor=manager,
        )
        services.set_resource_published(resource=resource, published=True, actor=manager)

    page.goto("/toolkits-and-leaflets/")
    page.get_by_label("Patients").check()
    page.get_by_label("Easy read only").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**audience=patient**")
    results = page.locator(".imha-library-item h3").all_inner_texts()
    assert results == ["Section 3 in easy read"]
    assert page.get_by_role("link", name="Download Section 3 in easy read (PDF,").count() == 1
    assert_accessible(page)


def test_a_story_page_is_accessible(page, make_user, manager):
    writer = make_user(Role.ADVOCATE, username="story-writer")
    story = services.create_story(details=story_details(), actor=writer)
    services.record_consent(story=story, details=consent_details(), actor=writer)
    services.publish_story(story=story, actor=manager)
    page.goto(f"/advocacy-in-action/{story.slug}/")
    assert "Sam*" in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_events_page_is_accessible(page):
    now = timezone.now()
    for title, days, online in [("Coming masterclass", 7, False), ("Old workshop", -7, True)]:
        Event.objects.create(
            title=title,
            description="About the event.",
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=2),
            is_online=online,
            venue="" if online else "Exampletown Community Centre",
            booking_contact="Email training@imha.example.org",
            is_published=True,
        )
    page.goto("/events/")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings.index("Upcoming events") < headings.index("Past events")
    assert_accessible(page)


def test_a_staff_form_with_errors_is_accessible(signed_in_page):
    page = signed_in_page(Role.MANAGER)
    page.goto("/staff/library/events/new/")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Date of the event must include a year" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_paging_through_filtered_results_keeps_the_filters_and_is_accessible(page):
    add_resources(25, audience="patient")
    add_resources(5, start=100, audience="family")

    page.goto("/toolkits-and-leaflets/")
    page.get_by_label("Patients").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**audience=patient**")
    assert page.locator("#results-count").inner_text() == (
        "Showing 1 to 20 of 25 toolkits and leaflets"
    )

    pages = page.get_by_role("navigation", name="Pages of toolkits and leaflets")
    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2**")
    assert "audience=patient" in page.url
    assert page.title().startswith("Toolkits and leaflets (page 2 of 2)")
    assert page.get_by_label("Patients").is_checked()
    assert page.locator(".imha-library-item h3").all_inner_texts() == [
        f"Leaflet {n:03}" for n in range(20, 25)
    ]
    assert_accessible(page)
