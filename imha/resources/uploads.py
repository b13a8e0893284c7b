"""Checking a toolkit or leaflet file before it is kept.

The file's own bytes decide what it is. The name's extension and the browser's content type
are both chosen by whoever uploads, so they only have to agree with what the bytes say: a
web page or a picture renamed to "leaflet.pdf" is refused.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from imha.resources.models import FileKind

# The settings file belongs to the whole project, so the limit has a default here and a
# deployment can change it with IMHA_LIBRARY_MAX_UPLOAD_BYTES in its settings.
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"
EXTENSIONS = {".pdf": FileKind.PDF, ".docx": FileKind.DOCX}
# A Word document with macros is a different format (.docm) even when renamed; macros have
# no place in a leaflet the public opens.
DOCX_MACRO_PART = "word/vbaProject.bin"


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMHA_LIBRARY_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def human_size(size_bytes: int) -> str:
    """A file size as GOV.UK shows it next to a download: "240 KB", "1.4 MB"."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    if size_bytes < 1024 * 1024:
        return f"{max(1, round(size_bytes / 1024))} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    size_bytes: int


def kind_from_content(stream: IO[bytes]) -> FileKind | None:
    """What a file really is, from its first bytes (and, for DOCX, its zip listing).

    Shared with case attachments, so both upload routes judge files the same way.
    """
    stream.seek(0)
    start = stream.read(8)
    stream.seek(0)
    if start.startswith(PDF_SIGNATURE):
        return FileKind.PDF
    if start.startswith(ZIP_SIGNATURE):
        try:
            with zipfile.ZipFile(stream) as archive:
                # Reading the list of parts does not unpack anything, so a "zip bomb" costs
                # nothing here.
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            if DOCX_MACRO_PART in names:
                raise ValidationError(
                    "The Word document contains macros. Save it as a .docx without macros "
                    "and upload it again",
                    code="macros",
                )
            return FileKind.DOCX
    return None


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Say what the uploaded file really is, or raise ValidationError saying what is wrong."""
    size = upload.size or 0
    limit = max_upload_bytes()
    if size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if size > limit:
        raise ValidationError(
            f"The selected file must be smaller than {human_size(limit)}", code="too_big"
        )
    claimed = EXTENSIONS.get(PurePosixPath(upload.name or "").suffix.lower())
    if claimed is None:
        raise ValidationError("The selected file must be a PDF or a Word document (.docx)")
    if upload.file is None:
        raise ValidationError("The selected file could not be read. Upload it again")
    actual = kind_from_content(upload.file)
    if actual is None:
        raise ValidationError(
            f"The selected file is not a real {claimed.short_label} file. "
            "Check it opens on your computer and upload it again",
            code="wrong_content",
        )
    if actual is not claimed:
        raise ValidationError(
            f"The selected file is a {actual.short_label} file but its name ends in "
            f".{claimed.value}. Rename it and upload it again",
            code="wrong_extension",
        )
    return CheckedFile(kind=actual, size_bytes=size)
