"""The number and symbol line of an official document, in the two layouts (``common.docx``)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def document_reference(*, party: bool, number: int | None, symbol: str) -> str:
    """ "Số 12-BC/TU" for Party documents (Hướng dẫn 36-HD/VPTW), "Số: 12/BC-UBND" for State
    documents (Decree 30/2020/NĐ-CP). Without a number (a draft), the place is left for the
    office to fill: "Số    -BC/TU"."""
    shown = number if number else "    "
    if party:
        return _("Số %(number)s-%(symbol)s") % {"number": shown, "symbol": symbol}
    return _("Số: %(number)s/%(symbol)s") % {"number": shown, "symbol": symbol}
