"""The demo library loads real, readable leaflets and can be loaded again safely."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from imha.resources.anonymisation import publishing_problems
from imha.resources.demo import DEMO_LEAFLETS, load_demo_library
from imha.resources.models import Event, Resource, ResourceVersion, Story
from imha.resources.selectors import recent_past_events, upcoming_events

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing_and_the_leaflets_are_real_pdfs():
    load_demo_library()
    load_demo_library()
    assert Resource.objects.count() == len(DEMO_LEAFLETS)
    assert ResourceVersion.objects.count() == len(DEMO_LEAFLETS)
    assert Story.objects.count() == 1
    assert Event.objects.count() == 3

    resource = Resource.objects.get(slug="your-rights-on-section-3-demo")
    response = Client().get(reverse("resources:library_download", args=[resource.slug]))
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Section 3" in text and "demo" in text


def test_the_demo_story_passes_every_publishing_check():
    load_demo_library()
    story = Story.objects.get()
    assert story.is_published
    assert publishing_problems(story, story.consent) == []
    page = Client().get(reverse("resources:story", args=[story.slug])).content.decode()
    assert "Jordan*" in page and "Riley" not in page


def test_the_demo_events_include_upcoming_and_past():
    load_demo_library()
    now = timezone.now()
    assert upcoming_events(now).count() == 2
    assert len(recent_past_events(now)) == 1
