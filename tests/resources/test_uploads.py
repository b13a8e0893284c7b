"""Toolkit and leaflet files are judged by their content, not their name or claimed type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from imha.resources.models import FileKind
from imha.resources.uploads import check_upload, human_size
from tests.resources.conftest import (
    HTML_BYTES,
    PNG_BYTES,
    docx_bytes,
    pdf_bytes,
    upload,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("leaflet.pdf", pdf_bytes(), FileKind.PDF),
        ("LEAFLET.PDF", pdf_bytes(), FileKind.PDF),
        ("toolkit.docx", docx_bytes(), FileKind.DOCX),
    ],
)
def test_real_pdf_and_docx_files_are_accepted(name, content, kind):
    checked = check_upload(upload(name, content))
    assert checked.kind is kind
    assert checked.size_bytes == len(content)


@pytest.mark.parametrize(
    ("name", "content", "claimed_type", "message"),
    [
        ("leaflet.pdf", PNG_BYTES, "application/pdf", "not a real PDF"),
        ("leaflet.pdf", HTML_BYTES, "application/pdf", "not a real PDF"),
        ("leaflet.docx", HTML_BYTES, DOCX_TYPE, "not a real DOCX"),
        ("leaflet.pdf", docx_bytes(), "application/pdf", "is a DOCX file but its name ends in"),
        ("leaflet.docx", pdf_bytes(), DOCX_TYPE, "is a PDF file but its name ends in"),
        ("leaflet.docx", docx_bytes(with_document=False), DOCX_TYPE, "not a real DOCX"),
        ("leaflet.docx", b"PK\x03\x04 not really a zip", DOCX_TYPE, "not a real DOCX"),
        ("leaflet.docx", docx_bytes(with_macros=True), DOCX_TYPE, "contains macros"),
        ("leaflet.html", pdf_bytes(), "text/html", "must be a PDF or a Word document"),
        ("leaflet", pdf_bytes(), "application/pdf", "must be a PDF or a Word document"),
        ("leaflet.pdf", b"", "application/pdf", "is empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(name, content, claimed_type, message):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content, claimed_type))
    assert message in refused.value.messages[0]


def test_a_file_over_the_configured_limit_is_refused(settings):
    content = pdf_bytes()
    settings.IMHA_LIBRARY_MAX_UPLOAD_BYTES = len(content) - 1
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("leaflet.pdf", content))
    assert refused.value.code == "too_big"
    settings.IMHA_LIBRARY_MAX_UPLOAD_BYTES = len(content)
    assert check_upload(upload("leaflet.pdf", content)).kind is FileKind.PDF


def test_the_default_limit_is_ten_megabytes():
    padded = pdf_bytes() + b"%" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError, match=r"smaller than 10\.0 MB"):
        check_upload(upload("leaflet.pdf", padded))


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 bytes"),
        (900, "900 bytes"),
        (1024, "1 KB"),
        (245_760, "240 KB"),
        (1_468_006, "1.4 MB"),
    ],
)
def test_sizes_are_shown_the_way_gov_uk_shows_them(size, shown):
    assert human_size(size) == shown
