"""The public toolkits and leaflets library: versions, filters, downloads and publishing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from imha.audit.models import AuditEvent
from imha.resources import services
from imha.resources.models import Resource, ResourceVersion
from imha.resources.uploads import human_size
from tests.resources.conftest import docx_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

LIBRARY = reverse("resources:library")


def download_url(resource: Resource) -> str:
    return reverse("resources:library_download", args=[resource.slug])


def titles_on(page: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s[^"]*">([^<]+)</h3>', page)


# --- versions ---------------------------------------------------------------------


def test_a_new_version_becomes_the_download_and_the_old_one_is_kept(make_resource, manager):
    resource = make_resource(title="Section 3 leaflet")
    first = resource.current_version
    second = services.add_version(
        resource=resource,
        upload=upload("new.docx", docx_bytes()),
        change_note="New phone number",
        publish_now=True,
        actor=manager,
    )
    resource.refresh_from_db()
    assert resource.current_version == second
    assert second.number == 2
    assert list(resource.versions.order_by("number")) == [first, second]
    assert first.file.storage.exists(first.file.name)

    response = Client().get(download_url(resource))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert b"".join(response.streaming_content) == docx_bytes()


def test_a_draft_version_is_not_downloaded_until_it_is_published(make_resource, manager):
    resource = make_resource()
    first = resource.current_version
    draft = services.add_version(
        resource=resource,
        upload=upload("draft.pdf", pdf_bytes("draft")),
        change_note="Draft",
        publish_now=False,
        actor=manager,
    )
    resource.refresh_from_db()
    assert resource.current_version == first

    services.publish_version(version=draft, actor=manager)
    resource.refresh_from_db()
    assert resource.current_version == draft


def test_a_resource_cannot_be_published_without_a_published_file(manager):
    resource = Resource.objects.create(
        title="Empty", slug="empty", summary="x", audience="patient", topic="general"
    )
    with pytest.raises(services.LibraryRuleError):
        services.set_resource_published(resource=resource, published=True, actor=manager)


def test_slugs_stay_unique_when_titles_repeat(make_resource):
    first = make_resource(title="Your rights")
    second = make_resource(title="Your rights")
    assert (first.slug, second.slug) == ("your-rights", "your-rights-2")


def test_publishing_and_uploading_are_audited(make_resource, manager):
    resource = make_resource()
    summaries = list(
        AuditEvent.objects.filter(object_type__startswith="library_resource").values_list(
            "summary", flat=True
        )
    )
    assert summaries == [
        f"Created library resource '{resource.title}'",
        f"Uploaded version 1 of library resource {resource.pk} and published it",
        f"Published library resource '{resource.title}'",
    ]


# --- the public page --------------------------------------------------------------


@pytest.fixture
def library(make_resource) -> dict[str, Resource]:
    return {
        "s3": make_resource(title="Section 3 rights", audience="patient", topic="sections_2_3"),
        "s3_easy": make_resource(
            title="Section 3 easy read", audience="patient", topic="sections_2_3", easy_read=True
        ),
        "family": make_resource(
            title="For nearest relatives", audience="family", topic="nearest_relative"
        ),
        "polish": make_resource(
            title="Prawa pacjenta", audience="patient", topic="general", language="pl"
        ),
        "cto_pro": make_resource(title="CTO briefing", audience="professional", topic="cto"),
        "draft": make_resource(title="Draft leaflet", published=False),
    }


EVERYTHING = [
    "CTO briefing",
    "For nearest relatives",
    "Prawa pacjenta",
    "Section 3 easy read",
    "Section 3 rights",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", EVERYTHING),
        ("audience=family", ["For nearest relatives"]),
        ("audience=family&audience=professional", ["CTO briefing", "For nearest relatives"]),
        ("topic=sections_2_3", ["Section 3 easy read", "Section 3 rights"]),
        ("topic=sections_2_3&easy_read=yes", ["Section 3 easy read"]),
        ("language=pl", ["Prawa pacjenta"]),
        ("audience=patient&language=en", ["Section 3 easy read", "Section 3 rights"]),
        ("audience=professional&topic=sections_2_3", []),
        # Values the form never offers are ignored rather than matching nothing.
        ("audience=nonsense&topic=<script>", EVERYTHING),
    ],
)
def test_filters_narrow_the_list(library, query, expected):
    response = Client().get(f"{LIBRARY}?{query}")
    assert response.status_code == 200
    assert titles_on(response.content.decode()) == expected


def test_chosen_filters_stay_ticked_and_can_be_cleared(library):
    page = Client().get(f"{LIBRARY}?audience=family&easy_read=yes").content.decode()
    assert re.search(r'id="filter-audience-family"[^>]*checked', page)
    assert not re.search(r'id="filter-audience-patient"[^>]*checked', page)
    assert re.search(r'id="filter-easy-read"[^>]*checked', page)
    assert f'href="{LIBRARY}">Clear filters' in page
    assert "Nothing matches" in page


def test_each_download_shows_its_file_type_and_size(library):
    page = Client().get(LIBRARY).content.decode()
    version = library["s3"].current_version
    assert "Download Section 3 rights" in page
    assert f"(PDF, {human_size(version.size_bytes)})" in page
    assert download_url(library["s3"]) in page


# The number of queries, which must not grow with the library, is tested with the paging,
# in test_library_paging.py.


def test_the_library_sets_no_cookies_and_has_no_inline_script(library):
    response = Client().get(f"{LIBRARY}?audience=patient")
    assert response.cookies == {}
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page


def test_the_public_navigation_links_to_the_library():
    page = Client().get(reverse("resources:home")).content.decode()
    assert f'href="{LIBRARY}"' in page
    assert "Toolkits and leaflets" in page


# --- downloads --------------------------------------------------------------------


def test_a_download_is_counted_once_per_request_and_sent_safely(make_resource):
    resource = make_resource(title="Section 3 rights")
    client = Client()
    for _ in range(3):
        response = client.get(download_url(resource))
        assert response.status_code == 200
    version = ResourceVersion.objects.get(pk=resource.current_version_id)
    assert version.download_count == 3
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="section-3-rights-version-1.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies == {}
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_head_request_is_not_counted(make_resource):
    resource = make_resource()
    assert Client().head(download_url(resource)).status_code == 200
    assert ResourceVersion.objects.get(pk=resource.current_version_id).download_count == 0


def test_unpublished_and_missing_resources_are_not_found(make_resource, manager):
    draft = make_resource(title="Draft", published=False)
    taken_down = make_resource(title="Taken down")
    services.set_resource_published(resource=taken_down, published=False, actor=manager)
    client = Client()
    for resource in (draft, taken_down):
        assert client.get(download_url(resource)).status_code == 404
        assert resource.title not in client.get(LIBRARY).content.decode()
    assert client.get("/toolkits-and-leaflets/no-such-thing/download/").status_code == 404
    assert ResourceVersion.objects.filter(download_count__gt=0).count() == 0


def test_uploaded_files_are_not_reachable_at_a_media_address(make_resource):
    resource = make_resource()
    name = resource.current_version.file.name
    assert name.startswith("library/") and "leaflet" not in name
    for prefix in ("/media/", "/"):
        assert Client().get(f"{prefix}{name}").status_code == 404
