"""Official documents about petitions, as editable DOCX: the conclusion notice of a session (which
assigns its petitions), a draft written reply to a petitioner, the receipt handed to the
petitioner (phiếu tiếp nhận, with the receipt code and a QR code of the public lookup).

A protected petitioner (``identity_protected``) never appears in the notice, which goes to
agencies; the reply draft and the receipt show the petitioner only to a reader who may see them
(``petitions.identity.petitioner_of``), as does the letter telling the petitioner that the
matter was forwarded to the competent level.

Built from ``common.docx`` in the issuing unit's layout (Party: Hướng dẫn 36-HD/VPTW; State:
Decree 30/2020/NĐ-CP). The output is a draft the office finishes in Word; the signed scan is
uploaded back."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from common.dates import vn_date
from common.docx import footer, header, new_document, para, to_bytes
from regulations.deadlines import FORWARDED, NOTICE, REPLY
from regulations.selectors import regulation_for, rules_by_id, rules_of
from sessions.models import ConclusionItem, ConclusionNotice
from units.models import Unit
from units.selectors import unit_letterhead

from .codes import format_code
from .identity import petitioner_of
from .models import ClockStart, Forwarding, Petition, PetitionStatus
from .publicity import lookup_url


def notice_docx(notice: ConclusionNotice) -> bytes:
    """The conclusion notice (thông báo kết luận) of ``notice``'s session, as DOCX bytes.
    Official documents are written in Vietnamese whatever the reader's interface language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _notice_docx(notice)


def _notice_docx(notice: ConclusionNotice) -> bytes:
    session = notice.session
    unit = notice.issuing_unit
    letterhead = unit_letterhead(unit)
    document = new_document()
    header(
        document,
        party=letterhead.party,
        unit_name=letterhead.unit_name,
        superior_name=letterhead.superior_name,
        reference=notice.reference,
        place=letterhead.place,
        day=notice.issued_on,
    )
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(document, _("THÔNG BÁO"), bold=True, size=15, align=center)
    para(document, notice.subject, bold=True, size=14, align=center)
    para(document, "-----", align=center)
    para(document, "")
    para(
        document,
        _(
            "Ngày %(day)s, tại %(place)s, %(unit)s tổ chức hội nghị tiếp xúc, đối thoại trực tiếp về “%(topic)s”"
            " do đồng chí %(chair)s chủ trì. Sau khi nghe ý kiến, kiến nghị của Nhân dân, đồng chí chủ trì kết luận như sau:"
        )
        % {
            "day": vn_date(session.held_on),
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
                para(document, line.strip(), indent=True)
    petitions = list(
        Petition.objects.filter(session=session)
        .exclude(status__in=[PetitionStatus.CLARIFIED, PetitionStatus.WITHDRAWN])
        .select_related("assigned_unit", "session__organising_unit")
        .prefetch_related("coordinations__unit")
        .order_by("id")
    )
    clarified = Petition.objects.filter(session=session, status=PetitionStatus.CLARIFIED).count()
    if clarified:
        para(
            document,
            _("%(count)s ý kiến, kiến nghị đã được giải thích, làm rõ tại hội nghị.") % {"count": clarified},
            indent=True,
        )
    if petitions:
        # Each petition's limit is the one its clock started under (its responsible unit's
        # regulation); one sentence names it (and the regulation) when they agree, else each line
        # gives its due date.
        rules = rules_by_id({p.reply_regulation_id for p in petitions})
        terms = {
            (rules[p.reply_regulation_id].limit(REPLY), rules[p.reply_regulation_id].reply_clock_start,
             rules[p.reply_regulation_id].citation)
            for p in petitions
        }  # fmt: skip
        if len(terms) == 1:
            limit, clock_start, citation = terms.pop()
            if clock_start == "receipt":
                intro = _(
                    "Đối với các kiến nghị còn lại, giao các cơ quan, đơn vị xem xét, giải quyết và trả lời bằng văn bản"
                    " cho người kiến nghị trong thời hạn %(limit)s kể từ ngày nhận được thông báo này"
                )
            else:
                intro = _(
                    "Đối với các kiến nghị còn lại, giao các cơ quan, đơn vị xem xét, giải quyết và trả lời bằng văn bản"
                    " cho người kiến nghị trong thời hạn %(limit)s kể từ ngày ban hành thông báo này"
                )
            intro %= {"limit": limit.text}
            if citation:
                intro += " " + _("(theo %(citation)s)") % {"citation": citation}
            para(document, intro + ":", indent=True)
        else:
            para(
                document,
                _(
                    "Đối với các kiến nghị còn lại, giao các cơ quan, đơn vị xem xét, giải quyết và trả lời bằng văn bản"
                    " cho người kiến nghị trong thời hạn theo quy định (hạn trả lời ghi tại từng kiến nghị):"
                ),
                indent=True,
            )
    for index, petition in enumerate(petitions, start=1):
        coordinating = [str(c.unit) for c in petition.coordinations.all()]
        if coordinating:
            line = _(
                "%(index)s. Kiến nghị của %(name)s: %(content)s – Giao %(unit)s chủ trì, phối hợp với %(others)s giải quyết."
            )
        else:
            line = _("%(index)s. Kiến nghị của %(name)s: %(content)s – Giao %(unit)s chủ trì giải quyết.")
        line %= {
            "index": index,
            # The notice goes to agencies: a protected petitioner is never named in it.
            "name": petitioner_of(petition).name,
            "content": petitioner_of(petition).content,
            "unit": petition.assigned_unit or _("(chưa giao)"),
            "others": ", ".join(coordinating),
        }
        own = rules[petition.reply_regulation_id]
        if (
            petition.reply_due_on
            and own.reply_clock_start == "receipt"
            and petition.reply_start_basis != ClockStart.RECEIPT
        ):
            line += " " + _("Hạn trả lời: %(limit)s kể từ ngày nhận thông báo.") % {"limit": own.limit(REPLY).text}
        elif petition.reply_due_on:
            line += " " + _("Hạn trả lời: %(due)s.") % {"due": vn_date(petition.reply_due_on)}
        para(document, line, indent=True)
    items = list(
        ConclusionItem.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("responsible_unit")
        .order_by("id")
    )
    if items:
        para(document, _("Kết luận và cam kết của đồng chí chủ trì hội nghị:"), indent=True)
    for index, item in enumerate(items, start=1):
        line = _("%(index)s. %(kind)s: %(text)s – Giao %(unit)s thực hiện.") % {
            "index": index,
            "kind": item.get_kind_display(),
            "text": item.text,
            "unit": item.responsible_unit,
        }
        if item.target_on:
            line += " " + _("Thời hạn hoàn thành: %(day)s.") % {"day": vn_date(item.target_on)}
        para(document, line, indent=True)
    para(document, _("%(unit)s thông báo để các cơ quan, đơn vị biết, thực hiện.") % {"unit": unit.name}, indent=True)
    para(document, "")
    recipients = [str(r.unit) for r in notice.recipients.select_related("unit").order_by("unit__path")]
    if letterhead.party:
        signer_lines = [_("T/M Ban Thường vụ"), notice.signer_position or _("Bí thư")]
    else:
        signer_lines = [_("TM. %(unit)s") % {"unit": unit.kind.name}, notice.signer_position or _("Chủ tịch")]
    footer(
        document, recipients=recipients, signer_lines=signer_lines, signer_name=notice.signer_name or session.chair_name
    )
    return to_bytes(document)


def reply_draft_docx(petition: Petition, *, unit: Unit | None = None, viewer=None) -> bytes:
    """A draft written reply (văn bản trả lời kiến nghị) from the responsible unit to the
    petitioner, in the unit's document format and in Vietnamese; number and date are left for
    the office to fill. A protected petitioner is named only for a ``viewer`` who may see them."""
    with translation.override(settings.LANGUAGE_CODE):
        return _reply_draft_docx(petition, unit=unit, viewer=viewer)


def _reply_draft_docx(petition: Petition, *, unit: Unit | None = None, viewer=None) -> bytes:
    unit = unit or petition.assigned_unit
    who = petitioner_of(petition, viewer)
    session = petition.session
    letterhead = unit_letterhead(unit)
    document = new_document()
    reference = _("Số ...-CV/...") if letterhead.party else _("Số: .../...")
    header(
        document,
        party=letterhead.party,
        unit_name=letterhead.unit_name,
        superior_name=letterhead.superior_name,
        reference=reference,
        place=letterhead.place,
        day=None,
    )
    para(
        document,
        _("V/v trả lời kiến nghị của %(name)s") % {"name": who.name},
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    para(document, "")
    para(
        document,
        _("Kính gửi: %(name)s") % {"name": who.name},
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    if who.address:
        para(
            document,
            _("Địa chỉ: %(address)s") % {"address": who.address},
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    para(document, "")
    notice = ConclusionNotice.objects.filter(session=session).select_related("issuing_unit__kind").first()
    notice_text = (
        _("Thông báo %(ref)s ngày %(day)s của %(unit)s")
        % {"ref": notice.reference, "day": vn_date(notice.issued_on), "unit": notice.issuing_unit}
        if notice
        else _("thông báo kết luận hội nghị")
    )
    para(
        document,
        _(
            "Thực hiện %(notice)s về kết luận hội nghị tiếp xúc, đối thoại ngày %(day)s, %(unit)s nhận được kiến nghị:"
            " “%(content)s”."
        )
        % {"notice": notice_text, "day": vn_date(session.held_on), "unit": unit.name, "content": who.content},
        indent=True,
    )
    para(document, _("Sau khi xem xét, %(unit)s trả lời như sau:") % {"unit": unit.name}, indent=True)
    para(document, _("(Nội dung trả lời.)"), italic=True, indent=True)
    para(
        document,
        _("%(unit)s trả lời để %(name)s được biết.") % {"unit": unit.name, "name": who.name},
        indent=True,
    )
    para(document, "")
    recipients = [who.name, str(session.organising_unit)]
    footer(document, recipients=recipients, signer_lines=[_("Thủ trưởng cơ quan")], signer_name="")
    return to_bytes(document)


# ---------------------------------------------------------------------------------------------
# The receipt handed to the petitioner (phiếu tiếp nhận kiến nghị)
# ---------------------------------------------------------------------------------------------


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as PNG bytes (segno)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def receipt_docx(petition: Petition, *, viewer=None) -> bytes:
    """The receipt (Phiếu tiếp nhận kiến nghị): the receipt code, what was recorded, the legal
    time limits and where to follow the petition (address and QR code), in Vietnamese."""
    with translation.override(settings.LANGUAGE_CODE):
        return _receipt_docx(petition, viewer=viewer)


def _receipt_docx(petition: Petition, *, viewer=None) -> bytes:
    session = petition.session
    unit = session.organising_unit
    letterhead = unit_letterhead(unit)
    who = petitioner_of(petition, viewer)
    document = new_document()
    header(
        document,
        party=letterhead.party,
        unit_name=letterhead.unit_name,
        superior_name=letterhead.superior_name,
        reference="",
        place=letterhead.place,
        day=timezone.localtime(petition.created_at).date(),
    )
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(document, _("PHIẾU TIẾP NHẬN KIẾN NGHỊ"), bold=True, size=15, align=center)
    para(document, "")
    para(
        document,
        _("Mã tra cứu: %(code)s") % {"code": format_code(petition.receipt_code)},
        bold=True,
        size=16,
        align=center,
    )
    para(document, "")
    para(document, _("Người kiến nghị: %(name)s (%(kind)s)") % {"name": who.name, "kind": who.kind}, indent=True)
    if who.address:
        para(document, _("Địa chỉ: %(address)s") % {"address": who.address}, indent=True)
    para(
        document,
        _("Tại hội nghị tiếp xúc, đối thoại “%(topic)s” do %(unit)s tổ chức ngày %(day)s.")
        % {"topic": session.topic, "unit": unit.name, "day": vn_date(session.held_on)},
        indent=True,
    )
    para(document, _("Nội dung kiến nghị: %(content)s") % {"content": petition.content}, indent=True)
    if petition.field_id:
        para(document, _("Lĩnh vực: %(field)s") % {"field": petition.field}, indent=True)
    # The limits the petition's clocks run under: the session's recorded regulation for the
    # notice; for the reply, the petition's once assigned, else the one in force for the unit
    # chosen (or the organising unit) today.
    notice_rules = rules_by_id([session.notice_regulation_id])[session.notice_regulation_id]
    if petition.reply_regulation_id or petition.assigned_on:
        reply_rules = rules_by_id([petition.reply_regulation_id])[petition.reply_regulation_id]
    else:
        reply_rules = regulation_for(petition.assigned_unit or unit, timezone.localdate())
    para(
        document,
        _(
            "Theo %(regulation)s, trong %(notice)s kể từ ngày hội nghị, %(unit)s gửi thông báo kết luận"
            " đến cơ quan, đơn vị có trách nhiệm; cơ quan, đơn vị đó trả lời bằng văn bản trong %(reply)s"
            " kể từ ngày thông báo, hoặc chuyển cấp có thẩm quyền, hoặc thông báo nếu vụ việc phức tạp cần thêm thời gian."
        )
        % {
            "regulation": notice_rules.citation or _("Quy định 07-QC/TU"),
            "notice": notice_rules.limit(NOTICE).text,
            "reply": reply_rules.limit(REPLY).text,
            "unit": unit.name,
        },
        indent=True,
    )
    url = lookup_url(petition)
    para(
        document,
        _("Ông/Bà theo dõi tình trạng giải quyết kiến nghị bằng mã tra cứu trên tại %(url)s hoặc quét mã QR dưới đây.")
        % {"url": url},
        indent=True,
    )
    picture = document.add_paragraph()
    picture.alignment = center
    picture.add_run().add_picture(io.BytesIO(qr_png(url)), width=Cm(4))
    para(
        document,
        _("Vui lòng giữ phiếu này; không cung cấp mã tra cứu cho người khác."),
        italic=True,
        size=12,
        align=center,
    )
    para(document, "")
    footer(document, recipients=[_("Người kiến nghị")], signer_lines=[_("Cán bộ tiếp nhận")], signer_name="")
    return to_bytes(document)


def forwarding_letter_docx(forwarding: Forwarding, *, viewer=None) -> bytes:
    """The letter from the forwarding unit telling the petitioner where the matter went and why
    (R4), in the unit's document format and in Vietnamese; number and date are left for the
    office to fill. A protected petitioner appears only for a reader who may see them."""
    with translation.override(settings.LANGUAGE_CODE):
        return _forwarding_letter_docx(forwarding, viewer=viewer)


def _forwarding_letter_docx(forwarding: Forwarding, *, viewer=None) -> bytes:
    petition = forwarding.petition
    who = petitioner_of(petition, viewer)
    session = petition.session
    unit = forwarding.from_unit
    letterhead = unit_letterhead(unit)
    document = new_document()
    header(
        document,
        party=letterhead.party,
        unit_name=letterhead.unit_name,
        superior_name=letterhead.superior_name,
        reference=_("Số ...-CV/...") if letterhead.party else _("Số: .../..."),
        place=letterhead.place,
        day=None,
    )
    para(
        document,
        _("V/v chuyển kiến nghị của %(name)s đến cơ quan có thẩm quyền") % {"name": who.name},
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    para(document, "")
    para(
        document,
        _("Kính gửi: %(name)s") % {"name": who.name},
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    if who.address:
        para(
            document,
            _("Địa chỉ: %(address)s") % {"address": who.address},
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    para(document, "")
    para(
        document,
        _(
            "Tại hội nghị tiếp xúc, đối thoại trực tiếp do %(organiser)s tổ chức ngày %(day)s, %(name)s có kiến nghị:"
            " “%(content)s”."
        )
        % {
            "organiser": session.organising_unit,
            "day": vn_date(session.held_on),
            "name": who.name,
            "content": who.content,
        },
        indent=True,
    )
    para(
        document,
        _(
            "Sau khi xem xét, nội dung kiến nghị không thuộc thẩm quyền giải quyết của %(unit)s mà thuộc thẩm quyền"
            " của %(to)s. Lý do: %(reason)s"
        )
        % {"unit": unit.name, "to": forwarding.to_unit, "reason": forwarding.reason},
        indent=True,
    )
    para(
        document,
        _(
            "Ngày %(day)s, %(unit)s đã chuyển kiến nghị đến %(to)s để xem xét, giải quyết và trả lời %(name)s"
            " trong thời hạn %(days)s kể từ ngày chuyển (trước hoặc trong ngày %(due)s)."
        )
        % {
            "day": vn_date(forwarding.forwarded_on),
            "unit": unit.name,
            "to": forwarding.to_unit,
            "name": who.name,
            "days": rules_of(forwarding.regulation).limit(FORWARDED).text,
            "due": vn_date(forwarding.due_on) if forwarding.due_on else "…",
        },
        indent=True,
    )
    para(
        document,
        _("%(unit)s thông báo để %(name)s được biết và liên hệ với %(to)s khi cần.")
        % {"unit": unit.name, "name": who.name, "to": forwarding.to_unit},
        indent=True,
    )
    para(document, "")
    recipients = [petition.petitioner_name, str(forwarding.to_unit), str(session.organising_unit)]
    footer(document, recipients=recipients, signer_lines=[_("Thủ trưởng cơ quan")], signer_name="")
    return to_bytes(document)
