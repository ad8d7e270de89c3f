"""Serving private uploads. Files live under unguessable names outside any public URL; a view
first fetches the owning object through the scoping selector (404 when foreign) and only then
streams the file with this helper.

A file is served as the kind its content shows (``common.uploads.detect_kind``), whatever its
stored or uploaded name says: its content type and the extension of its download name are
that kind's, and a file of no known kind (left by an older release) is a plain download
(``application/octet-stream``, ``.bin``) that no browser opens."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.http import FileResponse, Http404

from .http import CONTENT_TYPES, OCTET_STREAM, content_disposition
from .uploads import detect_kind, download_name

# Shown in the browser; anything else is downloaded.
INLINE_KINDS = {"pdf", "png", "jpg"}


def serve_private_file(field_file, original_name: str = "", *, inline: bool = True) -> FileResponse:
    """Stream ``field_file`` (a ``FieldFile``) to a user already allowed to see its owner;
    ``original_name`` is the uploader's name, kept only for the download's name."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    kind = detect_kind(handle)
    content_type = CONTENT_TYPES.get(kind, OCTET_STREAM)
    name = download_name(original_name or PurePosixPath(field_file.name).name, kind)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, as_attachment=not (inline and kind in INLINE_KINDS))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
