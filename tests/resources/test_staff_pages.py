"""The staff pages that publish the library, driven through a real signed-in client."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from imha.accounts.models import Role
from imha.audit.models import AuditAction, AuditEvent
from imha.resources.models import ANONYMISATION_CHECKS, Event, Resource, Story, StoryConsent
from tests.resources.conftest import PNG_BYTES, STORY_BODY, docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

RESOURCE_FORM = {
    "title": "Your rights on section 2",
    "summary": "What section 2 means for you.",
    "audience": "patient",
    "topic": "sections_2_3",
    "language": "en",
    "change_note": "First version",
}


def test_a_manager_adds_a_leaflet_then_publishes_it(verified_client):
    client = verified_client(Role.MANAGER)
    response = client.post(
        reverse("resources:staff_resource_new"),
        {**RESOURCE_FORM, "file": upload("section-2.pdf", pdf_bytes())},
    )
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("resources:staff_resource", args=[resource.pk])
    assert not resource.is_published
    assert resource.current_version.number == 1

    client.post(reverse("resources:staff_resource_publish", args=[resource.pk]), {"publish": "yes"})
    resource.refresh_from_db()
    assert resource.is_published
    page = client.get(reverse("resources:staff_resource", args=[resource.pk])).content.decode()
    assert "People download this" in page


def test_a_file_that_is_not_really_a_pdf_is_refused_and_the_typing_is_kept(verified_client):
    client = verified_client(Role.MANAGER)
    response = client.post(
        reverse("resources:staff_resource_new"),
        {**RESOURCE_FORM, "file": upload("section-2.pdf", PNG_BYTES)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "The selected file is not a real PDF file" in page
    assert 'value="Your rights on section 2"' in page
    assert not Resource.objects.exists()


def test_an_oversize_file_is_refused_on_the_page(verified_client, settings):
    settings.IMHA_LIBRARY_MAX_UPLOAD_BYTES = 100
    response = verified_client(Role.MANAGER).post(
        reverse("resources:staff_resource_new"),
        {**RESOURCE_FORM, "file": upload("section-2.pdf", pdf_bytes())},
    )
    assert response.status_code == 400
    assert "must be smaller than 100 bytes" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_new_version_is_uploaded_from_its_page(verified_client, make_resource):
    resource = make_resource()
    client = verified_client(Role.ADMINISTRATOR)
    response = client.post(
        reverse("resources:staff_version_new", args=[resource.pk]),
        {
            "file": upload("v2.docx", docx_bytes()),
            "change_note": "Clearer words",
            "publish_now": "yes",
        },
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.current_version.number == 2
    assert resource.current_version.file_kind == "docx"
    old = resource.versions.get(number=1)
    staff_copy = client.get(reverse("resources:staff_version_download", args=[resource.pk, old.pk]))
    assert staff_copy.status_code == 200
    assert staff_copy.content.startswith(b"%PDF-")
    assert staff_copy["X-Content-Type-Options"] == "nosniff"
    old.refresh_from_db()
    assert old.download_count == 0  # staff checking a file is not a public download


def test_an_advocate_drafts_a_story_and_records_consent_but_cannot_publish(verified_client):
    client = verified_client(Role.ADVOCATE)
    index = client.get(reverse("resources:staff_library")).content.decode()
    assert "Write a story" in index and "Add a toolkit or leaflet" not in index

    response = client.post(
        reverse("resources:staff_story_new"),
        {
            "title": "Having a say",
            "summary": "How Sam* got heard.",
            "body": STORY_BODY,
            "changed_name": "Sam*",
            "confirmed_checks": [field for field, _label in ANONYMISATION_CHECKS],
        },
    )
    story = Story.objects.get()
    assert response.status_code == 302
    assert story.check_person_agreed_words and not story.is_published

    consent_url = reverse("resources:staff_story_consent", args=[story.pk])
    response = client.post(
        consent_url,
        {
            "given_by": "Veronica Realperson",
            "relationship": "The person the story is about",
            "given_on-day": "5",
            "given_on-year": "2026",
            "method": "signed_form",
        },
    )
    assert response.status_code == 400
    assert "Date consent was given must include a month" in response.content.decode()
    assert 'value="Veronica Realperson"' in response.content.decode()

    response = client.post(
        consent_url,
        {
            "given_by": "Veronica Realperson",
            "relationship": "The person the story is about",
            "given_on-day": "5",
            "given_on-month": "1",
            "given_on-year": "2026",
            "method": "signed_form",
        },
    )
    assert response.status_code == 302
    assert StoryConsent.objects.get().given_on.isoformat() == "2026-01-05"

    detail = client.get(reverse("resources:staff_story", args=[story.pk])).content.decode()
    assert "Consent is recorded and every check is done." in detail
    assert ">Publish<" not in detail
    assert AuditEvent.objects.filter(object_type="story_consent", action=AuditAction.VIEW).exists()
    publish = client.post(reverse("resources:staff_story_publish", args=[story.pk]))
    assert publish.status_code == 403


def test_a_story_changed_name_must_end_in_a_star(verified_client):
    response = verified_client(Role.INTAKE).post(
        reverse("resources:staff_story_new"),
        {"title": "T", "summary": "S", "body": "Sam went.", "changed_name": "Sam"},
    )
    assert response.status_code == 400
    assert "The changed name must end in *" in response.content.decode()


def test_a_manager_is_told_why_a_story_cannot_be_published(verified_client, make_story):
    story = make_story(with_consent=False, confirmed_checks=frozenset())
    response = verified_client(Role.MANAGER).post(
        reverse("resources:staff_story_publish", args=[story.pk])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The story was not published" in page
    assert "Record the person&#x27;s consent before publishing the story" in page
    assert "Confirm every item in the anonymisation checklist" in page
    story.refresh_from_db()
    assert not story.is_published


def test_an_advocate_cannot_open_the_edit_page_of_a_published_story(
    verified_client, make_story, manager
):
    from imha.resources import services

    story = make_story()
    services.publish_story(story=story, actor=manager)
    client = verified_client(Role.ADVOCATE)
    assert client.get(reverse("resources:staff_story_edit", args=[story.pk])).status_code == 403


EVENT_FORM = {
    "title": "Masterclass",
    "description": "For ward staff.",
    "day-day": "14",
    "day-month": "7",
    "day-year": "2026",
    "start_time": "10:00",
    "end_time": "12:30",
    "is_online": "no",
    "venue": "Exampletown Community Centre",
    "booking_contact": "Email training@imha.example.org",
}


def test_a_manager_adds_an_event_in_local_time_then_publishes_it(verified_client):
    client = verified_client(Role.MANAGER)
    assert client.post(reverse("resources:staff_event_new"), EVENT_FORM).status_code == 302
    event = Event.objects.get()
    assert timezone.localtime(event.starts_at).replace(tzinfo=None) == datetime(2026, 7, 14, 10)
    assert timezone.localtime(event.ends_at).replace(tzinfo=None) == datetime(2026, 7, 14, 12, 30)
    assert not event.is_published

    edit = client.get(reverse("resources:staff_event_edit", args=[event.pk])).content.decode()
    assert 'name="day-month" type="text" inputmode="numeric" value="7"' in edit
    assert 'value="10:00"' in edit

    client.post(reverse("resources:staff_event_publish", args=[event.pk]), {"publish": "yes"})
    event.refresh_from_db()
    assert event.is_published


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"venue": ""}, "Enter the venue, or select online"),
        ({"end_time": "09:00"}, "End time must be after the start time"),
        ({"day-month": "13"}, "Date of the event must be a real date"),
        ({"day-day": "", "day-month": "", "day-year": ""}, "Enter the date of the event"),
        ({"start_time": "ten"}, "Enter the start time like 14:00"),
    ],
)
def test_event_form_errors(verified_client, changes, message):
    response = verified_client(Role.MANAGER).post(
        reverse("resources:staff_event_new"), {**EVENT_FORM, **changes}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_an_online_event_needs_no_venue(verified_client):
    response = verified_client(Role.MANAGER).post(
        reverse("resources:staff_event_new"), {**EVENT_FORM, "is_online": "yes", "venue": ""}
    )
    assert response.status_code == 302
    assert Event.objects.get().is_online


def test_every_staff_page_renders_for_a_manager(verified_client, make_resource, make_story):
    resource = make_resource()
    story = make_story()
    event = Event.objects.create(
        title="Masterclass",
        description="For ward staff.",
        starts_at=timezone.now(),
        is_online=True,
        booking_contact="Phone 01632 960 000",
    )
    client = verified_client(Role.MANAGER)
    urls = [
        reverse("resources:staff_library"),
        reverse("resources:staff_resource_new"),
        reverse("resources:staff_resource", args=[resource.pk]),
        reverse("resources:staff_resource_edit", args=[resource.pk]),
        reverse("resources:staff_version_new", args=[resource.pk]),
        reverse("resources:staff_story_new"),
        reverse("resources:staff_story", args=[story.pk]),
        reverse("resources:staff_story_edit", args=[story.pk]),
        reverse("resources:staff_story_consent", args=[story.pk]),
        reverse("resources:staff_event_new"),
        reverse("resources:staff_event_edit", args=[event.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<meta name="robots" content="noindex, nofollow">' in page, url
        assert response["Cache-Control"] == "no-store", url
