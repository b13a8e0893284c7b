"""Checking a letter, consent form or photo before it is attached to a case.

As for the public library (`imha.resources.uploads`), the file's own bytes decide what it
is; the name only has to agree with them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from imha.cases.models import AttachmentKind
from imha.resources.models import FileKind
from imha.resources.uploads import human_size, kind_from_content

DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

EXTENSIONS = {
    ".pdf": AttachmentKind.PDF,
    ".docx": AttachmentKind.DOCX,
    ".png": AttachmentKind.PNG,
    ".jpg": AttachmentKind.JPEG,
    ".jpeg": AttachmentKind.JPEG,
}
CONTENT_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    AttachmentKind.PNG: "image/png",
    AttachmentKind.JPEG: "image/jpeg",
}
_FROM_LIBRARY_KIND = {FileKind.PDF: AttachmentKind.PDF, FileKind.DOCX: AttachmentKind.DOCX}


def max_attachment_bytes() -> int:
    # settings.py belongs to the whole project, so the limit has its default here.
    return int(getattr(settings, "IMHA_CASE_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


@dataclass(frozen=True)
class CheckedAttachment:
    kind: AttachmentKind
    size_bytes: int
    display_name: str


def safe_display_name(raw: str) -> str:
    """The file's own name without any folder part or control characters, for showing and
    for the download's suggested name."""
    name = PureWindowsPath(PurePosixPath(raw).name).name
    printable = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    return printable.strip()[-150:] or "attachment"


def _kind_of_bytes(upload: UploadedFile) -> AttachmentKind | None:
    stream = upload.file
    if stream is None:
        return None
    stream.seek(0)
    start = stream.read(8)
    stream.seek(0)
    if start.startswith(PNG_SIGNATURE):
        return AttachmentKind.PNG
    if start.startswith(JPEG_SIGNATURE):
        return AttachmentKind.JPEG
    library_kind = kind_from_content(stream)
    return _FROM_LIBRARY_KIND.get(library_kind) if library_kind else None


def check_attachment(upload: UploadedFile) -> CheckedAttachment:
    size = upload.size or 0
    limit = max_attachment_bytes()
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if size > limit:
        raise ValidationError(
            f"The selected file must be smaller than {human_size(limit)}", code="too_big"
        )
    name = safe_display_name(upload.name or "")
    claimed = EXTENSIONS.get(PurePosixPath(name).suffix.lower())
    if claimed is None:
        raise ValidationError(
            "The selected file must be a PDF, a Word document (.docx), a PNG or a JPEG",
            code="wrong_type",
        )
    actual = _kind_of_bytes(upload)
    if actual is None:
        raise ValidationError(
            f"The selected file is not a real {claimed.label} file. "
            "Check it opens on your computer and upload it again",
            code="wrong_content",
        )
    if actual != claimed:
        raise ValidationError(
            f"The selected file is a {actual.label} file but its name says {claimed.label}. "
            "Rename it and upload it again",
            code="wrong_extension",
        )
    return CheckedAttachment(kind=actual, size_bytes=size, display_name=name)
