"""Serving private uploads. Files live under unguessable names outside any public URL; a view
first fetches the owning object through the scoping selector (404 when foreign) and only then
streams the file with this helper."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404

from .http import CONTENT_TYPES as KIND_CONTENT_TYPES

CONTENT_TYPES = {f".{kind}": content_type for kind, content_type in KIND_CONTENT_TYPES.items()}
CONTENT_TYPES[".jpeg"] = KIND_CONTENT_TYPES["jpg"]


def serve_private_file(field_file, download_name: str = "", *, inline: bool = True) -> FileResponse:
    """Stream ``field_file`` (a ``FieldFile``) to a user already allowed to see its owner."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    suffix = PurePath(field_file.name).suffix.lower()
    name = download_name or PurePath(field_file.name).name
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    # Only PDF and images are shown in the browser; anything else is downloaded.
    inline = inline and content_type in {"application/pdf", "image/png", "image/jpeg"}
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
