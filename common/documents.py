"""Editable DOCX documents (python-docx): the conclusion notice and a draft written reply.

Two layouts, chosen by the issuing unit's kind (``UnitKind.document_format``):

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

from sessions.models import DocumentFormat, Unit

FONT = "Times New Roman"
PARTY_HEADER = gettext_noop("ĐẢNG CỘNG SẢN VIỆT NAM")
STATE_TITLE = gettext_noop("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
STATE_MOTTO = gettext_noop("Độc lập - Tự do - Hạnh phúc")
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def vietnamese_date_line(place: str, day: dt.date) -> str:
    """"Hòa Bình, ngày 05 tháng 02 năm 2026": days below 10 and months 1–2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def place_of(unit: Unit) -> str:
    """The place name written on the unit's documents: its own, or the nearest ancestor's."""
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=_ancestor_ids(unit))}
    node = unit
    while node is not None:
        if node.place_name:
            return node.place_name
        node = ancestors.get(node.parent_id)
    return ""


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.split(".") if part]


def _new_document() -> Document:
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


def _para(container, text: str = "", *, bold=False, italic=False, underline=False, size=None, align=None, indent=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.paragraph_format.space_after = Pt(6)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = paragraph.add_run(text)
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


def _header(document, *, unit: Unit, document_format: str, reference: str, place: str, day: dt.date | None):
    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = _header_table(document)
    superior = unit.parent
    date_line = vietnamese_date_line(place, day) if day else _("%(place)s, ngày ... tháng ... năm ...") % {"place": place}
    if document_format == DocumentFormat.PARTY:
        if superior is not None:
            _para(left, superior.name.upper(), size=14, align=center)
        _para(left, unit.name.upper(), bold=True, size=14, align=center)
        _para(left, "*", align=center)
        _para(left, reference, size=14, align=center)
        _para(right, _(PARTY_HEADER), bold=True, underline=True, size=15, align=center)
        _para(right, "")
        _para(right, date_line, italic=True, size=14, align=center)
    else:
        if superior is not None and superior.symbol:
            _para(left, superior.name.upper(), size=13, align=center)
        _para(left, unit.name.upper(), bold=True, size=13, align=center)
        _para(left, "───────", align=center, size=10)
        _para(left, reference, size=13, align=center)
        _para(right, _(STATE_TITLE), bold=True, size=13, align=center)
        _para(right, _(STATE_MOTTO), bold=True, size=14, align=center)
        _para(right, "───────────────", align=center, size=10)
        _para(right, date_line, italic=True, size=14, align=center)
    _para(document, "")


def _footer(document, *, recipients: list[str], signer_lines: list[str], signer_name: str):
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    for cell in (left, right):
        cell._element.remove(cell.paragraphs[0]._element)
    _para(left, _("Nơi nhận:"), bold=True, italic=True, size=12)
    for name in recipients:
        _para(left, f"- {name};", size=11)
    _para(left, "- " + _("Lưu VP."), size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for line in signer_lines:
        _para(right, line.upper(), bold=True, size=14, align=center)
    for _i in range(4):
        _para(right, "")
    _para(right, signer_name, bold=True, size=14, align=center)


def _to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notice_docx(notice) -> bytes:
    """The conclusion notice (thông báo kết luận) of ``notice``'s session, as DOCX bytes."""
    from petitions.models import Petition, PetitionStatus

    session = notice.session
    unit = notice.issuing_unit
    document_format = unit.document_format
    document = _new_document()
    _header(
        document,
        unit=unit,
        document_format=document_format,
        reference=notice.reference,
        place=place_of(unit),
        day=notice.issued_on,
    )
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, _("THÔNG BÁO"), bold=True, size=15, align=center)
    _para(document, notice.subject, bold=True, size=14, align=center)
    _para(document, "-----", align=center)
    _para(document, "")
    _para(
        document,
        _(
            "Ngày %(day)s, tại %(place)s, %(unit)s tổ chức hội nghị tiếp xúc, đối thoại trực tiếp về “%(topic)s”"
            " do đồng chí %(chair)s chủ trì. Sau khi nghe ý kiến, kiến nghị của Nhân dân, đồng chí chủ trì kết luận như sau:"
        )
        % {
            "day": session.held_on.strftime("%d/%m/%Y"),
            "place": session.place,
            "unit": unit.name,
            "topic": session.topic,
            "chair": session.chair_display or _("chủ trì hội nghị"),
        },
        indent=True,
    )
    if notice.body:
        for line in notice.body.splitlines():
            if line.strip():
                _para(document, line.strip(), indent=True)
    petitions = list(
        Petition.objects.filter(session=session)
        .exclude(status__in=[PetitionStatus.CLARIFIED, PetitionStatus.WITHDRAWN])
        .select_related("assigned_unit")
        .order_by("id")
    )
    clarified = Petition.objects.filter(session=session, status=PetitionStatus.CLARIFIED).count()
    if clarified:
        _para(
            document,
            _("%(count)s ý kiến, kiến nghị đã được giải thích, làm rõ tại hội nghị.") % {"count": clarified},
            indent=True,
        )
    if petitions:
        _para(
            document,
            _("Đối với các kiến nghị còn lại, giao các cơ quan, đơn vị xem xét, giải quyết và trả lời bằng văn bản cho người kiến nghị trong thời hạn 30 ngày kể từ ngày ban hành thông báo này:"),
            indent=True,
        )
    for index, petition in enumerate(petitions, start=1):
        _para(
            document,
            _("%(index)s. Kiến nghị của %(name)s: %(content)s – Giao %(unit)s chủ trì giải quyết.")
            % {
                "index": index,
                "name": petition.petitioner_name,
                "content": petition.content,
                "unit": petition.assigned_unit or _("(chưa giao)"),
            },
            indent=True,
        )
    _para(document, _("%(unit)s thông báo để các cơ quan, đơn vị biết, thực hiện.") % {"unit": unit.name}, indent=True)
    _para(document, "")
    recipients = [str(r.unit) for r in notice.recipients.select_related("unit").order_by("unit__path")]
    if document_format == DocumentFormat.PARTY:
        signer_lines = [_("T/M Ban Thường vụ"), notice.signer_position or _("Bí thư")]
    else:
        signer_lines = [_("TM. %(unit)s") % {"unit": unit.kind.name}, notice.signer_position or _("Chủ tịch")]
    _footer(document, recipients=recipients, signer_lines=signer_lines, signer_name=notice.signer_name or session.chair_name)
    return _to_bytes(document)


def reply_draft_docx(petition, *, unit: Unit | None = None) -> bytes:
    """A draft written reply (văn bản trả lời kiến nghị) from the responsible unit to the
    petitioner, in the unit's document format; number and date are left for the office to fill."""
    unit = unit or petition.assigned_unit
    session = petition.session
    document_format = unit.document_format
    document = _new_document()
    reference = _("Số ...-CV/...") if document_format == DocumentFormat.PARTY else _("Số: .../...")
    _header(document, unit=unit, document_format=document_format, reference=reference, place=place_of(unit), day=None)
    _para(
        document,
        _("V/v trả lời kiến nghị của %(name)s") % {"name": petition.petitioner_name},
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    _para(document, "")
    _para(document, _("Kính gửi: %(name)s") % {"name": petition.petitioner_name}, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if petition.petitioner_address:
        _para(document, _("Địa chỉ: %(address)s") % {"address": petition.petitioner_address}, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "")
    notice = getattr(session, "notice", None)
    notice_text = (
        _("Thông báo %(ref)s ngày %(day)s của %(unit)s")
        % {"ref": notice.reference, "day": notice.issued_on.strftime("%d/%m/%Y"), "unit": notice.issuing_unit}
        if notice
        else _("thông báo kết luận hội nghị")
    )
    _para(
        document,
        _("Thực hiện %(notice)s về kết luận hội nghị tiếp xúc, đối thoại ngày %(day)s, %(unit)s nhận được kiến nghị: “%(content)s”.")
        % {"notice": notice_text, "day": session.held_on.strftime("%d/%m/%Y"), "unit": unit.name, "content": petition.content},
        indent=True,
    )
    _para(document, _("Sau khi xem xét, %(unit)s trả lời như sau:") % {"unit": unit.name}, indent=True)
    _para(document, _("(Nội dung trả lời.)"), italic=True, indent=True)
    _para(document, _("%(unit)s trả lời để %(name)s được biết.") % {"unit": unit.name, "name": petition.petitioner_name}, indent=True)
    _para(document, "")
    recipients = [petition.petitioner_name, str(session.organising_unit)]
    signer_lines = [_("Thủ trưởng cơ quan")]
    _footer(document, recipients=recipients, signer_lines=signer_lines, signer_name="")
    return _to_bytes(document)
