"""Responses for downloads: one table of content types, and a ``Content-Disposition`` built by
Django's own helper (never by string formatting, so a name cannot inject a header parameter)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

# The content type of each kind of file the portal stores or produces, by kind.
CONTENT_TYPES = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX, "png": PNG, "jpg": JPEG}


def download_response(content: bytes, filename: str, content_type: str, *, as_attachment: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def docx_response(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename, DOCX)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename, XLSX)
