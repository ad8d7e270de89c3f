"""Official documents about petitions, as editable DOCX: the conclusion notice of a session (which
assigns its petitions), a draft written reply to a petitioner, and the letter telling a
petitioner that the matter was forwarded to the competent level.

Built from ``common.docx`` in the issuing unit's layout (Party: Hướng dẫn 36-HD/VPTW; State:
Decree 30/2020/NĐ-CP). The output is a draft the office finishes in Word; the signed scan is
uploaded back."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from common.dates import vn_date
from common.docx import footer, header, new_document, para, to_bytes
from regulations.deadlines import FORWARDED, REPLY, reply_clock_starts_on_receipt, rule_days
from sessions.models import ConclusionNotice
from units.models import Unit
from units.selectors import unit_letterhead

from .models import ClockStart, Forwarding, Petition, PetitionStatus


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
        .select_related("assigned_unit")
        .prefetch_related("coordinations__unit")
        .order_by("id")
    )
    receipt = reply_clock_starts_on_receipt()
    clarified = Petition.objects.filter(session=session, status=PetitionStatus.CLARIFIED).count()
    if clarified:
        para(
            document,
            _("%(count)s ý kiến, kiến nghị đã được giải thích, làm rõ tại hội nghị.") % {"count": clarified},
            indent=True,
        )
    if petitions:
        days = rule_days(REPLY, unit=unit, day=notice.issued_on)
        if receipt:
            intro = _(
                "Đối với các kiến nghị còn lại, giao các cơ quan, đơn vị xem xét, giải quyết và trả lời bằng văn bản"
                " cho người kiến nghị trong thời hạn %(days)s ngày kể từ ngày nhận được thông báo này:"
            )
        else:
            intro = _(
                "Đối với các kiến nghị còn lại, giao các cơ quan, đơn vị xem xét, giải quyết và trả lời bằng văn bản"
                " cho người kiến nghị trong thời hạn %(days)s ngày kể từ ngày ban hành thông báo này:"
            )
        para(document, intro % {"days": days}, indent=True)
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
            "name": petition.petitioner_name,
            "content": petition.content,
            "unit": petition.assigned_unit or _("(chưa giao)"),
            "others": ", ".join(coordinating),
        }
        if petition.reply_due_on and receipt and petition.reply_start_basis != ClockStart.RECEIPT:
            line += " " + _("Hạn trả lời: %(days)s ngày kể từ ngày nhận thông báo.") % {"days": days}
        elif petition.reply_due_on:
            line += " " + _("Hạn trả lời: %(due)s.") % {"due": vn_date(petition.reply_due_on)}
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


def reply_draft_docx(petition: Petition, *, unit: Unit | None = None) -> bytes:
    """A draft written reply (văn bản trả lời kiến nghị) from the responsible unit to the
    petitioner, in the unit's document format and in Vietnamese; number and date are left for
    the office to fill."""
    with translation.override(settings.LANGUAGE_CODE):
        return _reply_draft_docx(petition, unit=unit)


def _reply_draft_docx(petition: Petition, *, unit: Unit | None = None) -> bytes:
    unit = unit or petition.assigned_unit
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
        _("V/v trả lời kiến nghị của %(name)s") % {"name": petition.petitioner_name},
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    para(document, "")
    para(
        document,
        _("Kính gửi: %(name)s") % {"name": petition.petitioner_name},
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    if petition.petitioner_address:
        para(
            document,
            _("Địa chỉ: %(address)s") % {"address": petition.petitioner_address},
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
        % {"notice": notice_text, "day": vn_date(session.held_on), "unit": unit.name, "content": petition.content},
        indent=True,
    )
    para(document, _("Sau khi xem xét, %(unit)s trả lời như sau:") % {"unit": unit.name}, indent=True)
    para(document, _("(Nội dung trả lời.)"), italic=True, indent=True)
    para(
        document,
        _("%(unit)s trả lời để %(name)s được biết.") % {"unit": unit.name, "name": petition.petitioner_name},
        indent=True,
    )
    para(document, "")
    recipients = [petition.petitioner_name, str(session.organising_unit)]
    footer(document, recipients=recipients, signer_lines=[_("Thủ trưởng cơ quan")], signer_name="")
    return to_bytes(document)


def forwarding_letter_docx(forwarding: Forwarding) -> bytes:
    """The letter from the forwarding unit telling the petitioner where the matter went and why
    (R4), in the unit's document format and in Vietnamese; number and date are left for the
    office to fill."""
    with translation.override(settings.LANGUAGE_CODE):
        return _forwarding_letter_docx(forwarding)


def _forwarding_letter_docx(forwarding: Forwarding) -> bytes:
    petition = forwarding.petition
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
        _("V/v chuyển kiến nghị của %(name)s đến cơ quan có thẩm quyền") % {"name": petition.petitioner_name},
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    para(document, "")
    para(
        document,
        _("Kính gửi: %(name)s") % {"name": petition.petitioner_name},
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    if petition.petitioner_address:
        para(
            document,
            _("Địa chỉ: %(address)s") % {"address": petition.petitioner_address},
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
            "name": petition.petitioner_name,
            "content": petition.content,
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
            " trong thời hạn %(days)s ngày kể từ ngày chuyển (trước hoặc trong ngày %(due)s)."
        )
        % {
            "day": vn_date(forwarding.forwarded_on),
            "unit": unit.name,
            "to": forwarding.to_unit,
            "name": petition.petitioner_name,
            "days": rule_days(FORWARDED, unit=forwarding.to_unit, day=forwarding.forwarded_on),
            "due": vn_date(forwarding.due_on) if forwarding.due_on else "…",
        },
        indent=True,
    )
    para(
        document,
        _("%(unit)s thông báo để %(name)s được biết và liên hệ với %(to)s khi cần.")
        % {"unit": unit.name, "name": petition.petitioner_name, "to": forwarding.to_unit},
        indent=True,
    )
    para(document, "")
    recipients = [petition.petitioner_name, str(forwarding.to_unit), str(session.organising_unit)]
    footer(document, recipients=recipients, signer_lines=[_("Thủ trưởng cơ quan")], signer_name="")
    return to_bytes(document)
