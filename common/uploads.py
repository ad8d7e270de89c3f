"""Uploaded documents: PDF, DOCX, JPG and PNG only, accepted by extension *and* content, and
stored and served as the kind their content shows, never as the uploader's name says.

* ``validate_document`` refuses a file whose extension is not one of the kinds, whose content is
  not that kind (a ``.bat`` or ``.html`` starting with ``%PDF-``, a PDF named ``.docx``), a
  truncated PDF, and a Word file that carries macros (``vbaProject.bin``, a macro-enabled
  content type: a ``.docm`` renamed ``.docx``) or relationships to anything outside the file
  (``TargetMode="External"``: a remote template, image or object).
* ``attach_document`` puts a checked upload on a model's file field under a random name with
  the extension of its kind (``common.models.private_upload_to``) and keeps a safe download name
  with that extension.
* ``detect_kind`` tells the kind of a stored file from its first bytes, for serving
  (``common.files``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .http import safe_filename

ALLOWED_DESCRIPTION = "PDF, DOCX, JPG, PNG"
# The extensions each kind is accepted under; the first is the one it is stored and served with.
EXTENSIONS = {"pdf": (".pdf",), "docx": (".docx",), "jpg": (".jpg", ".jpeg"), "png": (".png",)}
KIND_OF_EXTENSION = {ext: kind for kind, exts in EXTENSIONS.items() for ext in exts}
KIND_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)", "jpg": gettext_noop("ảnh JPG"), "png": gettext_noop("ảnh PNG")}
DOCUMENT_KINDS = frozenset(EXTENSIONS)

WORD_MAIN_CONTENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# A PDF ends with "%%EOF" (readers accept some bytes after it).
PDF_TAIL_BYTES = 2048
# The parts of a DOCX this module reads ([Content_Types].xml, the .rels files) are small; a
# larger one is not a document anybody typed.
ZIP_PART_MAX_BYTES = 2 * 1024 * 1024
ZIP_MAX_MEMBERS = 5000
_MACRO_PARTS = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml)$|(^|/)activex/", re.IGNORECASE)
_MACRO_CONTENT_TYPES = re.compile(rb"macroEnabled|vbaProject|ms-office\.activeX", re.IGNORECASE)
_EXTERNAL_TARGET = re.compile(rb"""TargetMode\s*=\s*["']External["']""", re.IGNORECASE)


def extension_of(name: str) -> str:
    return PurePosixPath(str(name or "").replace("\\", "/")).suffix.lower()


def stored_extension(kind: str) -> str:
    return EXTENSIONS[kind][0]


def download_name(original: str, kind: str | None) -> str:
    """The uploader's name, cleaned (``common.http.safe_filename``), with the extension of the
    detected ``kind`` instead of its own (``.bin`` for a file of no known kind)."""
    stem = safe_filename(original, default="tep")
    if extension_of(stem) in KIND_OF_EXTENSION or extension_of(stem) in (".docm", ".dotm"):
        stem = stem[: -len(extension_of(stem))] or "tep"
    suffix = stored_extension(kind) if kind in EXTENSIONS else ".bin"
    return safe_filename(stem[: 150 - len(suffix)] + suffix)


def _zip_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > ZIP_PART_MAX_BYTES:
        raise zipfile.BadZipFile(info.filename)
    return archive.read(info)


def _word_problem(file) -> str | None:
    """Why a zip is not an acceptable Word document (``None`` when it is one). Reads only the
    central directory, ``[Content_Types].xml`` and the ``.rels`` parts, each bounded."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                return "broken"
            names = {info.filename for info in infos}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return "broken"
            if any(_MACRO_PARTS.search(name) for name in names):
                return "macros"
            content_types = _zip_part(archive, archive.getinfo("[Content_Types].xml"))
            if _MACRO_CONTENT_TYPES.search(content_types):
                return "macros"
            if WORD_MAIN_CONTENT_TYPE not in content_types:
                return "broken"
            for info in infos:
                if info.filename.lower().endswith(".rels") and _EXTERNAL_TARGET.search(_zip_part(archive, info)):
                    return "external"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return "broken"
    finally:
        file.seek(0)
    return None


def detect_kind(file) -> str | None:
    """The kind of ``file`` by its content (``pdf``, ``docx``, ``jpg``, ``png``), or ``None``:
    its first bytes, and for a zip its parts. Used to serve stored files by what they are."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
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
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            file.seek(0)
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def _complete(file, kind: str) -> bool:
    """The checks beyond the first bytes: a PDF that ends, a PNG with its header chunk."""
    if kind == "pdf":
        file.seek(0, 2)
        size = file.tell()
        file.seek(max(size - PDF_TAIL_BYTES, 0))
        tail = file.read(PDF_TAIL_BYTES)
        file.seek(0)
        return b"%%EOF" in tail
    if kind == "png":
        file.seek(0)
        head = file.read(16)
        file.seek(0)
        return head[12:16] == b"IHDR"
    return True


def validate_document(file, *, allowed: frozenset[str] = DOCUMENT_KINDS) -> str:
    """Raise ``ValidationError`` unless ``file`` is an allowed document by its extension *and*
    its content; return its kind."""
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
    name = safe_filename(getattr(file, "name", ""), default="")
    extension = extension_of(name)
    claimed = KIND_OF_EXTENSION.get(extension)
    if claimed is None or claimed not in allowed:
        raise ValidationError(
            _("Tệp không đúng định dạng cho phép: chỉ nhận tệp %(allowed)s; tệp “%(name)s” có đuôi “%(extension)s”.")
            % {"allowed": ALLOWED_DESCRIPTION, "name": name, "extension": extension or _("(không có)")}
        )
    kind = detect_kind(file)
    if kind != claimed or not _complete(file, kind):
        raise ValidationError(
            _(
                "Tệp không đúng định dạng cho phép: nội dung tệp “%(name)s” không phải là %(kind)s "
                "như đuôi tệp cho biết, hoặc tệp bị hỏng."
            )
            % {"name": name, "kind": _(KIND_LABELS[claimed])}
        )
    if kind == "docx":
        problem = _word_problem(file)
        if problem == "macros":
            raise ValidationError(
                _("Tệp Word có macro (mã lệnh) không được nhận; vui lòng lưu thành tệp .docx thường hoặc PDF.")
            )
        if problem == "external":
            raise ValidationError(
                _(
                    "Tệp Word có liên kết tới nội dung bên ngoài (mẫu, ảnh, đối tượng hoặc đường dẫn) "
                    "không được nhận; vui lòng bỏ các liên kết hoặc lưu thành PDF."
                )
            )
        if problem:
            raise ValidationError(
                _(
                    "Tệp không đúng định dạng cho phép: nội dung tệp “%(name)s” không phải là %(kind)s "
                    "như đuôi tệp cho biết, hoặc tệp bị hỏng."
                )
                % {"name": name, "kind": _(KIND_LABELS[claimed])}
            )
    file.seek(0)
    return kind


def attach_document(instance, field_name: str, upload, *, name_field: str) -> str:
    """Check ``upload`` and put it on ``instance.<field_name>`` (the instance is not saved): the
    file is stored under a random name with the extension of its detected kind, and
    ``instance.<name_field>`` keeps the uploader's name, cleaned, with that extension. Returns
    the kind."""
    kind = validate_document(upload)
    setattr(instance, name_field, download_name(getattr(upload, "name", ""), kind))
    getattr(instance, field_name).save(f"tep{stored_extension(kind)}", upload, save=False)
    return kind
