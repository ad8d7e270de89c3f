"""Building blocks of editable DOCX documents (python-docx) in the two official layouts.

The documents themselves (conclusion notice, written reply, periodic report ...) are built by
their apps from these blocks. Two layouts, chosen by the issuing unit's kind
(``UnitKind.document_format``):

* Party documents follow Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM" at the top right, the
  issuing body at the top left with its superior above and "*" below, the number as
  ``Số 12-TB/TU``, the place and date in italics under the Party header.
* State documents follow Decree 30/2020/NĐ-CP: the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA
  VIỆT NAM" and motto "Độc lập - Tự do - Hạnh phúc", the number as ``Số: 12/TB-UBND``, the place
  and date in italics.

Both then carry the title, the subject (trích yếu), the body, the signer and the recipients
("Nơi nhận"). The output is a draft the office finishes in Word; the signed scan is uploaded back.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .dates import vietnamese_date_line
from .text import xml_text

FONT = "Times New Roman"
PARTY_HEADER = gettext_noop("ĐẢNG CỘNG SẢN VIỆT NAM")
STATE_TITLE = gettext_noop("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
STATE_MOTTO = gettext_noop("Độc lập - Tự do - Hạnh phúc")


def new_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    return document


def para(container, text: str = "", *, bold=False, italic=False, underline=False, size=None, align=None, indent=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.paragraph_format.space_after = Pt(6)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = paragraph.add_run(xml_text(text))
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return paragraph


def _header_table(document):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7), Cm(9)
    # Drop the empty first paragraph every new cell has, so the header starts at the top.
    for cell in (left, right):
        cell._element.remove(cell.paragraphs[0]._element)
    return left, right


def header(
    document,
    *,
    party: bool,
    unit_name: str,
    superior_name: str,
    reference: str,
    place: str,
    day: dt.date | None,
) -> None:
    """The header block: issuing body (with its superior) and number on the left, the Party
    header or the national title and motto with the date line on the right. ``superior_name``
    may be empty; ``day`` ``None`` leaves the date for the office to fill."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = _header_table(document)
    date_line = (
        vietnamese_date_line(place, day) if day else _("%(place)s, ngày ... tháng ... năm ...") % {"place": place}
    )
    if party:
        if superior_name:
            para(left, superior_name.upper(), size=14, align=center)
        para(left, unit_name.upper(), bold=True, size=14, align=center)
        para(left, "*", align=center)
        para(left, reference, size=14, align=center)
        para(right, _(PARTY_HEADER), bold=True, underline=True, size=15, align=center)
        para(right, "")
        para(right, date_line, italic=True, size=14, align=center)
    else:
        if superior_name:
            para(left, superior_name.upper(), size=13, align=center)
        para(left, unit_name.upper(), bold=True, size=13, align=center)
        para(left, "───────", align=center, size=10)
        para(left, reference, size=13, align=center)
        para(right, _(STATE_TITLE), bold=True, size=13, align=center)
        para(right, _(STATE_MOTTO), bold=True, size=14, align=center)
        para(right, "───────────────", align=center, size=10)
        para(right, date_line, italic=True, size=14, align=center)
    para(document, "")


def footer(document, *, recipients: list[str], signer_lines: list[str], signer_name: str):
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    for cell in (left, right):
        cell._element.remove(cell.paragraphs[0]._element)
    para(left, _("Nơi nhận:"), bold=True, italic=True, size=12)
    for name in recipients:
        para(left, f"- {name};", size=11)
    para(left, "- " + _("Lưu VP."), size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for line in signer_lines:
        para(right, line.upper(), bold=True, size=14, align=center)
    for _i in range(4):
        para(right, "")
    para(right, signer_name, bold=True, size=14, align=center)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
