"""Fixtures for the public library tests: real small files and a private media folder."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from imha.accounts.models import Role, User
from imha.resources import services
from imha.resources.models import ANONYMISATION_CHECKS, Resource, Story

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>A test leaflet</w:t></w:r></w:p></w:body></w:document>"
)


def pdf_bytes(text: str = "A test leaflet") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def docx_bytes(*, with_macros: bool = False, with_document: bool = True) -> bytes:
    """A minimal Word document. Every member carries the same fixed date, so two calls give
    the same bytes: with the clock's time, as `writestr` uses for a bare name, two calls
    either side of a two-second tick would differ."""
    members = [("[Content_Types].xml", DOCX_CONTENT_TYPES)]
    if with_document:
        members.append(("word/document.xml", DOCX_DOCUMENT))
    if with_macros:
        members.append(("word/vbaProject.bin", b"\x00" * 16))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:
    """Each test keeps its uploads in its own folder, away from the real media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.MANAGER, username="library-manager")


@pytest.fixture
def advocate(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADVOCATE, username="library-advocate")


def resource_details(**overrides: object) -> services.ResourceDetails:
    values: dict[str, object] = {
        "title": "Your rights on section 3",
        "summary": "What section 3 means.",
        "audience": "patient",
        "topic": "sections_2_3",
        "language": "en",
        "easy_read": False,
        **overrides,
    }
    return services.ResourceDetails(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_resource(manager: User) -> Callable[..., Resource]:
    def make(published: bool = True, **overrides: object) -> Resource:
        resource = services.create_resource(
            details=resource_details(**overrides),
            upload=upload("leaflet.pdf", pdf_bytes(str(overrides.get("title", "leaflet")))),
            change_note="",
            actor=manager,
        )
        if published:
            services.set_resource_published(resource=resource, published=True, actor=manager)
        return resource

    return make


STORY_BODY = "Sam* asked for an advocate.\n\nThe advocate went with Sam* to a ward round."
ALL_CHECKS = frozenset(field for field, _label in ANONYMISATION_CHECKS)


def story_details(**overrides: object) -> services.StoryDetails:
    values: dict[str, object] = {
        "title": "Having a say at a ward round",
        "summary": "How Sam* got heard.",
        "body": STORY_BODY,
        "changed_name": "Sam*",
        "confirmed_checks": ALL_CHECKS,
        **overrides,
    }
    return services.StoryDetails(**values)  # type: ignore[arg-type]


def consent_details(**overrides: object) -> services.ConsentDetails:
    from datetime import date

    values: dict[str, object] = {
        "given_by": "Veronica Realperson",
        "relationship": "The person the story is about",
        "given_on": date(2026, 1, 5),
        "method": "signed_form",
        "where_kept": "Stories consent folder",
        **overrides,
    }
    return services.ConsentDetails(**values)  # type: ignore[arg-type]


@pytest.fixture
def make_story(advocate: User) -> Callable[..., Story]:
    def make(with_consent: bool = True, **overrides: object) -> Story:
        story = services.create_story(details=story_details(**overrides), actor=advocate)
        if with_consent:
            services.record_consent(story=story, details=consent_details(), actor=advocate)
        return story

    return make
