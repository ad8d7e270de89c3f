"""Responses for downloads: one table of content types, and one ``Content-Disposition`` built by
Django's own helper (never by string formatting) from a cleaned file name, so that a name cannot
inject a header parameter nor a path."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

from django.http import HttpResponse
from django.utils.http import content_disposition_header

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OCTET_STREAM = "application/octet-stream"

# The content type of each kind of file the portal stores or produces, by kind.
CONTENT_TYPES = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX, "png": PNG, "jpg": JPEG}

# Characters that have a meaning in a header parameter or a path, besides control characters.
_UNSAFE_IN_NAMES = set('"\\/:*?<>|;')
NAME_MAX_LENGTH = 150


def safe_filename(name: str, default: str = "tep") -> str:
    """A file name fit for a download: no folder, no control or format character (NUL, CR/LF,
    bidi overrides that disguise "fdp.exe" as "exe.pdf"), none of ``"\\/:*?<>|;``, at most
    150 characters; Vietnamese letters are kept."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    kept = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch
        for ch in unicodedata.normalize("NFC", base)
        if ch not in _UNSAFE_IN_NAMES
    )
    cleaned = " ".join(kept.split()).strip(" .")
    if len(cleaned) > NAME_MAX_LENGTH:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            cleaned = stem[: NAME_MAX_LENGTH - len(suffix) - 1].rstrip(" .") + "." + suffix
        else:
            cleaned = cleaned[:NAME_MAX_LENGTH].rstrip(" .")
    return cleaned or default


def content_disposition(filename: str, *, as_attachment: bool = True) -> str:
    """The ``Content-Disposition`` value of every download of the portal."""
    return content_disposition_header(as_attachment, safe_filename(filename))


def download_response(content: bytes, filename: str, content_type: str, *, as_attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def docx_response(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename, DOCX)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename, XLSX)
