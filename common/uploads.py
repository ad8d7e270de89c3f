"""Validation of uploaded documents: PDF, DOCX and images only, checked by content and size."""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_DESCRIPTION = "PDF, DOCX, JPG, PNG"


def _sniff(head: bytes, file) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def validate_document(file, *, allowed: frozenset[str] = frozenset({"pdf", "docx", "png", "jpg"})) -> str:
    """Raise ``ValidationError`` unless ``file`` is an allowed document; return its kind."""
    if file is None:
        raise ValidationError(_("Chưa chọn tệp."))
    size = getattr(file, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": settings.UPLOAD_MAX_BYTES // 1048576}
        )
    if size == 0:
        raise ValidationError(_("Tệp rỗng."))
    file.seek(0)
    head = file.read(16)
    kind = _sniff(head, file)
    file.seek(0)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("Tệp không đúng định dạng cho phép (%(allowed)s) hoặc bị hỏng.") % {"allowed": ALLOWED_DESCRIPTION}
        )
    return kind
