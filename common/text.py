"""Vietnamese text helpers: search that ignores diacritics ("doi thoai" finds "đối thoại"), and
text made safe for one line (mail subjects, file names)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy
from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def normalise_search(*parts) -> str:
    """Lowercase ASCII form of ``parts`` (đ→d, ố→o, ...) with single spaces, for a search column."""
    text = " ".join(str(p) for p in parts if p)
    return _SPACES.sub(" ", unidecode(text).lower()).strip()


def one_line(text, limit: int | None = None) -> str:
    """``text`` on one line: every line break (CR, LF, U+2028 …), tab and other control or
    format character (NUL, bidi overrides) becomes a space, runs of spaces one space; cut to
    ``limit`` characters with "…". Mail subjects are built from this, since a line break in a
    header makes Django refuse the whole message (``BadHeaderError``)."""
    characters = [" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(text or "")]
    line = _SPACES.sub(" ", "".join(characters)).strip()
    if limit is not None and len(line) > limit:
        line = line[: max(limit - 1, 0)].rstrip() + "…"
    return line


DOCUMENT_SYMBOL_RULE = gettext_lazy(
    "Ký hiệu văn bản chỉ gồm chữ cái, chữ số và dấu “-” hoặc “/” giữa các nhóm, ví dụ TB/TU hoặc TB-UBND."
)


def _symbol_character(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or (ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"))


def is_document_symbol(text: str) -> bool:
    """A document symbol as the formats write it (``TB/TU``, ``TB-UBND``, ``TB/ĐU``): groups of
    letters (Vietnamese ones included) and digits joined by single ``-`` or ``/``. Nothing else:
    the symbol ends up in file names and document numbers."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return bool(text) and all(group and all(_symbol_character(ch) for ch in group) for group in re.split(r"[-/]", text))


# Control characters no stored text keeps (tab and line feed stay): pasted from Word or a terminal
# they would break every DOCX and XLSX built from the text (XML cannot hold them).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# What XML 1.0 (so a DOCX or an XLSX) cannot hold at all.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029\x85]")


def clean_text(text: str) -> str:
    """Text as it is stored: every line break as ``\\n`` (Word's manual line break arrives as a
    vertical tab when pasted), no other control character."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def xml_text(value) -> str:
    """``value`` as text a DOCX or an XLSX can hold (for texts stored before ``clean_text``)."""
    return _XML_ILLEGAL.sub("", _LINE_BREAKS.sub("\n", str(value)))
