"""Files attached to cases: what is accepted, where it is kept, and who can download it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from imha.audit.models import AuditAction, AuditEvent
from imha.cases.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx_bytes(with_macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        if with_macros:
            archive.writestr("word/vbaProject.bin", b"macro")
    return buffer.getvalue()


def upload(client, case, name: str, content: bytes):
    return client.post(
        f"/staff/cases/{case.pk}/files/new/",
        {"file": SimpleUploadedFile(name, content), "description": "Signed consent form"},
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("consent.pdf", PDF, "pdf"),
        ("letter.docx", docx_bytes(), "docx"),
        ("photo.png", PNG, "png"),
        ("scan.JPG", JPEG, "jpeg"),
    ],
)
def test_accepted_types_are_stored_under_random_names(
    staff, make_case, sign_in, name, content, kind
):
    case = make_case(staff["ada"])
    response = upload(sign_in(staff["ada"]), case, name, content)
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    assert attachment.kind == kind
    assert attachment.original_name == name
    stored = Path(attachment.file.name)
    assert stored.parent.as_posix() == "cases/attachments"
    assert name.split(".")[0] not in stored.name
    assert (Path(settings.MEDIA_ROOT) / stored).read_bytes() == content
    assert AuditEvent.objects.filter(object_type="attachment", action=AuditAction.CREATE).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script>", b"must be a PDF, a Word document"),
        ("fake.pdf", b"<html>not a pdf</html>", b"not a real PDF file"),
        ("photo.pdf", PNG, b"is a PNG image file but its name says PDF"),
        ("macro.docx", docx_bytes(with_macros=True), b"contains macros"),
        ("empty.pdf", b"", b"The selected file is empty"),
    ],
)
def test_refused_files_show_an_error_and_store_nothing(
    staff, make_case, sign_in, name, content, message
):
    case = make_case(staff["ada"])
    response = upload(sign_in(staff["ada"]), case, name, content)
    assert response.status_code == 400
    assert message in response.content
    assert b"<title>Error: " in response.content
    assert not Attachment.objects.exists()


def test_files_over_10_mb_are_refused(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    response = upload(sign_in(staff["ada"]), case, "big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert b"must be smaller than 10.0 MB" in response.content
    assert not Attachment.objects.exists()


def test_download_headers_permission_and_audit(staff, make_case, sign_in, client):
    case = make_case(staff["ada"])
    upload(sign_in(staff["ada"]), case, 'consent "form".pdf', PDF)
    attachment = Attachment.objects.get(case=case)
    url = f"/staff/cases/{case.pk}/files/{attachment.pk}/"

    response = sign_in(staff["nia"]).get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "consent" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        object_type="attachment", action=AuditAction.VIEW, actor=staff["nia"]
    ).exists()

    assert sign_in(staff["sol"]).get(url).status_code == 404
    assert sign_in(staff["hospital"]).get(url).status_code == 403
    assert client.get(url).status_code == 302
    # Not reachable by guessing a public media address either.
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_a_file_from_another_case_is_not_found_through_this_one(staff, make_case, sign_in):
    mine = make_case(staff["ada"])
    theirs = make_case(staff["sol"])
    upload(sign_in(staff["sol"]), theirs, "theirs.pdf", PDF)
    attachment = Attachment.objects.get(case=theirs)
    response = sign_in(staff["ada"]).get(f"/staff/cases/{mine.pk}/files/{attachment.pk}/")
    assert response.status_code == 404
