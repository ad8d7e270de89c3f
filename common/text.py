"""Vietnamese text helpers: search that ignores diacritics ("doi thoai" finds "đối thoại")."""

from __future__ import annotations

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def normalise_search(*parts) -> str:
    """Lowercase ASCII form of ``parts`` (đ→d, ố→o, ...) with single spaces, for a search column."""
    text = " ".join(str(p) for p in parts if p)
    return _SPACES.sub(" ", unidecode(text).lower()).strip()
