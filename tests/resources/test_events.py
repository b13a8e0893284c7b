"""Events: upcoming ones first, past ones kept in their own section."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from imha.resources.models import Event
from imha.resources.selectors import recent_past_events, upcoming_events

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 6, 10, 12, 0))


def event(title: str, starts: timedelta, ends: timedelta | None = None, **extra) -> Event:
    return Event.objects.create(
        title=title,
        description="About the event.",
        starts_at=NOW + starts,
        ends_at=NOW + ends if ends is not None else None,
        venue=extra.pop("venue", "Exampletown Community Centre"),
        booking_contact="Email training@imha.example.org",
        is_published=extra.pop("is_published", True),
        **extra,
    )


def test_events_split_into_upcoming_and_past_around_now():
    event("Next month", timedelta(days=30))
    event("Tomorrow", timedelta(days=1))
    event("Started an hour ago, ends in an hour", -timedelta(hours=1), timedelta(hours=1))
    event("Starts in a minute, no end time", timedelta(minutes=1))
    event("Started a minute ago, no end time", -timedelta(minutes=1))
    event("Ended an hour ago", -timedelta(hours=3), -timedelta(hours=1))
    event("Last year", -timedelta(days=365))
    event("Hidden", timedelta(days=2), is_published=False)

    assert [e.title for e in upcoming_events(NOW)] == [
        "Started an hour ago, ends in an hour",
        "Starts in a minute, no end time",
        "Tomorrow",
        "Next month",
    ]
    assert [e.title for e in recent_past_events(NOW)] == [
        "Started a minute ago, no end time",
        "Ended an hour ago",
        "Last year",
    ]


def test_the_events_page_shows_upcoming_first_then_past_events():
    now = timezone.now()
    Event.objects.create(
        title="Coming masterclass",
        description="For ward staff.",
        starts_at=now + timedelta(days=3),
        is_online=True,
        booking_contact="Phone 01632 960 000",
        is_published=True,
    )
    Event.objects.create(
        title="Old workshop",
        description="For advocates.",
        starts_at=now - timedelta(days=3),
        venue="Imaginary Library",
        booking_contact="Phone 01632 960 000",
        is_published=True,
    )
    response = Client().get(reverse("resources:events"))
    assert response.status_code == 200
    assert response.cookies == {}
    page = response.content.decode()
    order = [
        page.index(text)
        for text in ("Upcoming events", "Coming masterclass", "Past events", "Old workshop")
    ]
    assert order == sorted(order)
    upcoming_part = page[: page.index("Past events")]
    assert "Online" in upcoming_part and "Phone 01632 960 000" in upcoming_part
    assert len(re.findall(r"<h1[ >]", page)) == 1


def test_no_past_events_section_when_there_are_none():
    page = Client().get(reverse("resources:events")).content.decode()
    assert "There are no events planned" in page
    assert "Past events" not in page
