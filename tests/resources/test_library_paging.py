"""The public library's three lists, a page at a time: toolkits and leaflets, stories and
events. The paging itself (what a bad page number means, which links to draw) is tested with
imha.core.paging; these tests check that the public pages use it and keep their filters,
counts, messages, titles and landmarks, without cookies and in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imha.resources.library_views import (
    EVENTS_PER_PAGE,
    RESOURCES_PER_PAGE,
    STORIES_PER_PAGE,
)
from imha.resources.models import Event, Resource, ResourceVersion, Story

pytestmark = pytest.mark.django_db

LIBRARY = reverse("resources:library")
STORIES = reverse("resources:stories")
EVENTS = reverse("resources:events")


# --- making many items quickly ------------------------------------------------------------
# The list pages read only the rows, never the files, so these skip the upload services:
# sixty real PDFs would slow the tests without testing anything more.


def add_resources(count: int, *, start: int = 0, **fields: object) -> None:
    for n in range(start, start + count):
        resource = Resource.objects.create(
            title=f"Leaflet {n:03}",
            slug=f"leaflet-{n:03}",
            summary="What it covers.",
            audience=fields.get("audience", "patient"),
            topic=fields.get("topic", "general"),
            easy_read=fields.get("easy_read", False),
            is_published=True,
        )
        resource.current_version = ResourceVersion.objects.create(
            resource=resource,
            number=1,
            file=f"library/leaflet-{n:03}.pdf",
            file_kind="pdf",
            size_bytes=12_345,
            published_at=timezone.now(),
        )
        resource.save(update_fields=["current_version"])


def add_stories(count: int, *, start: int = 0) -> None:
    # Story n was published n days ago, so the newest first is story 0, 1, 2...
    now = timezone.now()
    for n in range(start, start + count):
        Story.objects.create(
            title=f"Story {n:03}",
            slug=f"story-{n:03}",
            summary="How Sam* got heard.",
            body="Sam* asked for an advocate.",
            changed_name="Sam*",
            is_published=True,
            published_at=now - timedelta(days=n),
        )


def add_events(count: int, *, days_from_now: int = 1, start: int = 0) -> None:
    # Each event starts a day after the one before, so soonest first is in order of number.
    first = timezone.now() + timedelta(days=days_from_now)
    for n in range(start, start + count):
        Event.objects.create(
            title=f"Event {n:03}",
            description="About the event.",
            starts_at=first + timedelta(days=n - start),
            venue="Exampletown Community Centre",
            booking_contact="Email training@imha.example.org",
            is_published=True,
        )


# --- reading the pages ---------------------------------------------------------------------


def get(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    # The public site sets no cookies, on any page of any list.
    assert response.cookies == {}
    return response.content.decode()


def title_of(page: str) -> str:
    # The title is this page's own title, then an en dash and the service's name.
    found = re.search(r"<title>\s*(.*?)\s*\N{EN DASH}", page, re.S)
    assert found
    return unescape(found.group(1))


def resource_titles(page: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s[^"]*">([^<]+)</h3>', page)


def story_titles(page: str) -> list[str]:
    return re.findall(r'href="/advocacy-in-action/[^"]+/">([^<]+)</a></h2>', page)


def event_titles(page: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-m">([^<]+)</h3>', page)


def results_count(page: str) -> str:
    found = re.search(r'<p class="govuk-body" id="results-count">([^<]*)</p>', page)
    assert found
    return found.group(1)


def pagination_nav(page: str) -> str:
    found = re.search(r'<nav class="govuk-pagination[^"]*"[^>]*>.*?</nav>', page, re.S)
    assert found, "no pagination on the page"
    return found.group(0)


def link_hrefs(nav: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', nav)]


def note(page: str) -> str:
    found = re.search(r'<div class="govuk-inset-text">(.*?)</div>', page, re.S)
    return unescape(found.group(1)) if found else ""


# --- toolkits and leaflets -------------------------------------------------------------------


def test_the_library_shows_a_page_at_a_time_in_title_order():
    add_resources(45)
    first = get(LIBRARY)
    assert resource_titles(first) == [f"Leaflet {n:03}" for n in range(RESOURCES_PER_PAGE)]
    assert results_count(first) == "Showing 1 to 20 of 45 toolkits and leaflets"
    assert title_of(first) == "Toolkits and leaflets"

    last = get(f"{LIBRARY}?page=3")
    assert resource_titles(last) == [f"Leaflet {n:03}" for n in range(40, 45)]
    assert results_count(last) == "Showing 41 to 45 of 45 toolkits and leaflets"
    assert title_of(last) == "Toolkits and leaflets (page 3 of 3)"
    assert note(last) == ""


def test_the_library_pagination_is_labelled_and_keeps_the_chosen_filters():
    add_resources(25, audience="family", easy_read=True)
    add_resources(10, start=100, audience="patient")
    page = get(f"{LIBRARY}?audience=family&easy_read=yes&page=2")

    assert resource_titles(page) == [f"Leaflet {n:03}" for n in range(20, 25)]
    # The count is of everything that matches, not of this page.
    assert results_count(page) == "Showing 21 to 25 of 25 toolkits and leaflets"
    nav = pagination_nav(page)
    assert 'aria-label="Pages of toolkits and leaflets"' in nav
    # Every page link keeps the filters, and page 1 has one address, without a number.
    assert link_hrefs(nav) == [
        "?audience=family&easy_read=yes#results-heading",  # previous
        "?audience=family&easy_read=yes#results-heading",  # 1
        "?audience=family&easy_read=yes&page=2#results-heading",  # 2, the current page
    ]
    assert 'aria-current="page">2</a>' in nav
    # The form still shows what was chosen, and can still be cleared.
    assert re.search(r'id="filter-audience-family"[^>]*checked', page)
    assert re.search(r'id="filter-easy-read"[^>]*checked', page)
    assert f'href="{LIBRARY}">Clear filters' in page
    # The list is still named by its heading, and the links lead back to it.
    assert '<ul class="govuk-list imha-library-list" aria-labelledby="results-heading">' in page
    assert 'id="results-heading">Matching toolkits and leaflets</h2>' in page


def test_a_library_that_fits_on_one_page_has_no_page_links():
    add_resources(3)
    page = get(LIBRARY)
    assert results_count(page) == "3 toolkits and leaflets"
    assert "govuk-pagination" not in page
    assert "Showing" not in page

    Resource.objects.exclude(slug="leaflet-000").delete()
    assert results_count(get(LIBRARY)) == "1 toolkit or leaflet"


@pytest.mark.parametrize(
    ("raw", "shown", "expected_note"),
    [
        ("abc", 1, "“abc” is not a page number, so this is the first page."),
        ("0", 1, "“0” is not a page number, so this is the first page."),
        ("-2", 1, "“-2” is not a page number, so this is the first page."),
        ("2.5", 1, "“2.5” is not a page number, so this is the first page."),
        ("99999", 3, "There is no page 99999. This list has 3 pages, and this is the last one."),
        # Repeated back cut short, and never parsed.
        (
            "9" * 5000,
            3,
            f"There is no page {'9' * 19}…. This list has 3 pages, and this is the last one.",
        ),
    ],
)
def test_a_bad_page_number_gives_a_real_page_and_says_why(raw, shown, expected_note):
    add_resources(45)
    page = get(f"{LIBRARY}?audience=patient&page={raw}")
    assert note(page) == expected_note
    assert f'aria-current="page">{shown}</a>' in pagination_nav(page)
    assert len(resource_titles(page)) == (RESOURCES_PER_PAGE if shown == 1 else 5)


def test_nothing_matching_still_says_so_on_any_page_number():
    add_resources(3, audience="patient")
    page = get(f"{LIBRARY}?audience=professional&page=4")
    assert results_count(page) == "0 toolkits and leaflets"
    assert "Nothing matches all the filters you chose." in page
    assert note(page) == "There is no page 4. This list has only one page."
    assert "govuk-pagination" not in page
    assert f'href="{LIBRARY}">Clear filters' in page


def test_an_empty_library_says_it_is_empty_rather_than_blaming_filters():
    Resource.objects.all().delete()
    page = get(LIBRARY)
    assert "There are no toolkits or leaflets here yet." in page
    assert "Nothing matches all the filters you chose." not in page


# --- stories ---------------------------------------------------------------------------------


def test_stories_are_paged_newest_first():
    add_stories(45)
    first = get(STORIES)
    assert story_titles(first) == [f"Story {n:03}" for n in range(STORIES_PER_PAGE)]
    assert "Showing 1 to 20 of 45 stories, newest first." in first
    assert title_of(first) == "Advocacy in action"

    second = get(f"{STORIES}?page=2")
    assert story_titles(second) == [f"Story {n:03}" for n in range(20, 40)]
    assert title_of(second) == "Advocacy in action (page 2 of 3)"
    nav = pagination_nav(second)
    assert 'aria-label="Pages of stories"' in nav
    assert link_hrefs(nav)[0] == "?"  # previous: page 1, at its one address
    assert link_hrefs(nav)[-1] == "?page=3"  # next

    bad = get(f"{STORIES}?page=abc")
    assert note(bad) == "“abc” is not a page number, so this is the first page."
    assert story_titles(bad) == story_titles(first)


def test_no_stories_still_says_so_on_any_page_number():
    page = get(f"{STORIES}?page=5")
    assert "There are no stories to show yet." in page
    assert note(page) == "There is no page 5. This list has only one page."


# --- events ----------------------------------------------------------------------------------


def test_upcoming_events_are_paged_soonest_first_with_past_events_on_the_first_page():
    add_events(45)
    add_events(3, days_from_now=-30, start=100)
    first = get(EVENTS)
    upcoming = event_titles(first[: first.index('id="past-events"')])
    assert upcoming == [f"Event {n:03}" for n in range(EVENTS_PER_PAGE)]
    assert "Showing 1 to 20 of 45 upcoming events, soonest first." in first
    assert event_titles(first[first.index('id="past-events"') :]) == [
        "Event 102",
        "Event 101",
        "Event 100",
    ]
    # The page links come straight after the upcoming events, before the past ones.
    assert first.index('aria-label="Pages of upcoming events"') < first.index("Past events")

    last = get(f"{EVENTS}?page=3")
    assert event_titles(last) == [f"Event {n:03}" for n in range(40, 45)]
    assert title_of(last) == "Events and training (page 3 of 3)"
    assert "Past events" not in last


def test_a_bad_events_page_number_gives_a_real_page_and_says_why():
    add_events(3)
    page = get(f"{EVENTS}?page=7")
    assert note(page) == "There is no page 7. This list has only one page."
    assert event_titles(page) == ["Event 000", "Event 001", "Event 002"]
    assert "There are no events planned" not in page


# --- queries ---------------------------------------------------------------------------------


def queries_for(url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        get(url)
    return len(context)


LISTS = [
    # Counting what matches, then reading the page with each resource's file in a join.
    (add_resources, f"{LIBRARY}?audience=patient", 2),
    (add_resources, f"{LIBRARY}?audience=patient&page=2", 2),
    (add_resources, f"{LIBRARY}?page=99999", 2),
    (add_stories, STORIES, 2),
    (add_stories, f"{STORIES}?page=3", 2),
    # Counting and reading the upcoming events, then the few past ones on the first page.
    (add_events, EVENTS, 3),
    (add_events, f"{EVENTS}?page=abc", 3),
]


@pytest.mark.parametrize(("add", "url", "expected"), LISTS)
def test_each_list_takes_the_same_queries_for_3_items_as_for_60(add, url, expected):
    add(3)
    few = queries_for(url)
    add(57, start=3)
    many = queries_for(url)
    assert few == many == expected
