"""Writes on sessions: recording a session and its participants, the conclusion notice as a
document (number, recipients, signed scan, receipts), withdrawal, and the units a session gives
work to. Assigning petitions by the notice is a petitions service (``petitions.services``),
which calls ``notice_create`` here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import vn_date
from common.uploads import validate_document
from regulations.deadlines import notice_due_date
from units.models import DocumentFormat, Leader, Unit
from units.versions import data_changed

from .models import (
    ConclusionNotice,
    DialogueSession,
    NoticeRecipient,
    SessionKind,
    SessionParticipant,
    SessionUnit,
)

SESSION_FIELDS = ("organising_unit", "kind", "held_on", "chair", "chair_name", "place", "topic")


def _check_session_fields(
    *, organising_unit: Unit, kind: str, held_on: dt.date, chair: Leader | None, topic: str, place: str
) -> None:
    errors = {}
    if not isinstance(held_on, dt.date):
        errors["held_on"] = _("Ngày tổ chức không hợp lệ.")
    elif not organising_unit.is_active_on(held_on):
        errors["organising_unit"] = _("Đơn vị %(unit)s không hoạt động vào ngày %(day)s.") % {
            "unit": organising_unit,
            "day": vn_date(held_on),
        }
    if kind not in SessionKind.values:
        errors["kind"] = _("Hình thức hội nghị không hợp lệ.")
    if not (topic or "").strip():
        errors["topic"] = _("Vui lòng nhập chủ đề hội nghị.")
    if not (place or "").strip():
        errors["place"] = _("Vui lòng nhập địa điểm.")
    if (
        chair is not None
        and chair.unit_id != organising_unit.pk
        and not organising_unit.path.startswith(chair.unit.path)
    ):
        errors["chair"] = _("Người chủ trì phải là người đứng đầu của đơn vị tổ chức hoặc cấp trên.")
    if errors:
        raise ValidationError(errors)


def _attach_minutes(session: DialogueSession, minutes) -> None:
    if minutes:
        validate_document(minutes)
        session.minutes_name = (minutes.name or "")[:255]
        session.minutes.save(minutes.name, minutes, save=False)


@transaction.atomic
def session_record(
    *,
    organising_unit: Unit,
    kind: str,
    held_on: dt.date,
    topic: str,
    place: str,
    actor,
    chair: Leader | None = None,
    chair_name: str = "",
    minutes=None,
    participants: Iterable[dict] = (),
) -> DialogueSession:
    """Record a dialogue session with its participants. The conclusion notice's due date is
    worked out now (``regulations.deadlines``)."""
    _check_session_fields(
        organising_unit=organising_unit, kind=kind, held_on=held_on, chair=chair, topic=topic, place=place
    )
    session = DialogueSession(
        organising_unit=organising_unit,
        kind=kind,
        held_on=held_on,
        chair=chair,
        chair_name=(chair_name or (chair.full_name if chair else "")).strip(),
        place=place.strip(),
        topic=topic.strip(),
        notice_due_on=notice_due_date(held_on),
        created_by=actor,
    )
    _attach_minutes(session, minutes)
    session.save()
    for row in participants:
        participant_add(session=session, **row)
    data_changed(organising_unit)
    return session


@transaction.atomic
def session_update(*, session: DialogueSession, actor, minutes=None, **changes) -> DialogueSession:
    """Change a session's details. Its day cannot change once the notice is issued."""
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown session fields: {sorted(unknown)}")
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    new = {name: changes.get(name, getattr(session, name)) for name in SESSION_FIELDS}
    if session.notice_issued_on and (
        new["held_on"] != session.held_on or new["organising_unit"] != session.organising_unit
    ):
        raise ValidationError(_("Đã ban hành thông báo kết luận: không thể đổi ngày tổ chức hoặc đơn vị tổ chức."))
    _check_session_fields(
        organising_unit=new["organising_unit"],
        kind=new["kind"],
        held_on=new["held_on"],
        chair=new["chair"],
        topic=new["topic"],
        place=new["place"],
    )
    previous_unit = session.organising_unit_id
    for name, value in new.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.notice_due_on = notice_due_date(session.held_on)
    _attach_minutes(session, minutes)
    session.save()
    data_changed(previous_unit, session.organising_unit)
    return session


def participant_add(
    *,
    session: DialogueSession,
    name: str,
    organisation: str = "",
    unit: Unit | None = None,
    role: str = "other",
    headcount: int = 1,
) -> SessionParticipant:
    if not (name or "").strip():
        raise ValidationError(_("Vui lòng nhập tên thành phần tham dự."))
    return SessionParticipant.objects.create(
        session=session,
        name=name.strip(),
        organisation=(organisation or "").strip(),
        unit=unit,
        role=role,
        headcount=headcount or 1,
    )


def session_accepts_petitions(session: DialogueSession) -> bool:
    """Petitions can be added or changed until the notice is issued, unless the session is withdrawn."""
    return not (session.withdrawn_at or session.notice_issued_on)


def session_check_accepts_petitions(session: DialogueSession) -> None:
    """Refuse to add or change a petition of a session that no longer takes them."""
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if session.notice_issued_on:
        raise ValidationError(
            _("Hội nghị đã có thông báo kết luận ngày %(day)s: không thể thêm hoặc sửa kiến nghị.")
            % {"day": vn_date(session.notice_issued_on)}
        )


def numbering_period(*, document_format: str, issued_on: dt.date) -> str:
    """Party documents are numbered per committee term, State documents per calendar year."""
    if document_format == DocumentFormat.PARTY:
        starts = sorted(dt.date.fromisoformat(s) for s in settings.PARTY_TERM_STARTS)
        current = None
        for start in starts:
            if start <= issued_on:
                current = start
        return f"NK{current.year}" if current else f"NK<{starts[0].year}" if starts else str(issued_on.year)
    return str(issued_on.year)


def notice_next_number(*, session: DialogueSession, symbol: str, issued_on: dt.date) -> int:
    period = numbering_period(document_format=session.organising_unit.document_format, issued_on=issued_on)
    last = (
        ConclusionNotice.objects.filter(issuing_unit=session.organising_unit, symbol=symbol, numbering_period=period)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def default_notice_symbol(unit: Unit) -> str:
    unit_symbol = unit.symbol or "VP"
    if unit.document_format == DocumentFormat.PARTY:
        return f"TB/{unit_symbol}"
    return f"TB-{unit_symbol}"


def session_lock(session: DialogueSession) -> DialogueSession:
    """The session's row, locked until the end of the transaction."""
    return DialogueSession.objects.select_for_update().select_related("organising_unit__kind").get(pk=session.pk)


def notice_check(*, session: DialogueSession, number: int, symbol: str, issued_on: dt.date) -> str:
    """Refuse a notice that cannot be issued for ``session`` now; return the cleaned symbol."""
    today = timezone.localdate()
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if ConclusionNotice.objects.filter(session=session).exists():
        raise ValidationError(_("Hội nghị này đã có thông báo kết luận."))
    if session.held_on > today:
        raise ValidationError(
            _("Hội nghị chưa diễn ra (ngày tổ chức %(day)s): chưa thể ban hành thông báo kết luận.")
            % {"day": vn_date(session.held_on)}
        )
    if not isinstance(issued_on, dt.date):
        raise ValidationError({"issued_on": _("Ngày ban hành không hợp lệ.")})
    if issued_on < session.held_on:
        raise ValidationError({"issued_on": _("Ngày ban hành không được trước ngày tổ chức hội nghị.")})
    if issued_on > today:
        raise ValidationError({"issued_on": _("Ngày ban hành không được sau ngày hôm nay.")})
    symbol = (symbol or "").strip()
    if not symbol:
        raise ValidationError({"symbol": _("Vui lòng nhập ký hiệu văn bản.")})
    if not isinstance(number, int) or number < 1:
        raise ValidationError({"number": _("Số văn bản phải là số nguyên dương.")})
    return symbol


@transaction.atomic
def notice_create(
    *,
    session: DialogueSession,
    number: int,
    symbol: str,
    issued_on: dt.date,
    actor,
    recipient_ids: Iterable[int] = (),
    subject: str = "",
    body: str = "",
    signer_name: str = "",
    signer_position: str = "",
    signed_file=None,
) -> ConclusionNotice:
    """Record the notice of the chair's conclusions as a document: its number in the issuing
    unit's numbering period, its recipients, the signed scan; the session's notice obligation
    is met on ``issued_on``."""
    session = session_lock(session)
    symbol = notice_check(session=session, number=number, symbol=symbol, issued_on=issued_on)
    document_format = session.organising_unit.document_format
    notice = ConclusionNotice(
        session=session,
        issuing_unit=session.organising_unit,
        number=number,
        symbol=symbol,
        numbering_period=numbering_period(document_format=document_format, issued_on=issued_on),
        issued_on=issued_on,
        subject=(subject or "").strip()
        or _("Kết luận của đồng chí %(chair)s tại hội nghị đối thoại ngày %(day)s")
        % {"chair": session.chair_display or _("chủ trì"), "day": vn_date(session.held_on)},
        body=(body or "").strip(),
        signer_name=(signer_name or "").strip(),
        signer_position=(signer_position or "").strip(),
        created_by=actor,
    )
    if signed_file:
        validate_document(signed_file)
        notice.signed_file_name = (signed_file.name or "")[:255]
        notice.signed_file.save(signed_file.name, signed_file, save=False)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        raise ValidationError(
            {
                "number": _("Số %(number)s/%(symbol)s đã được dùng trong kỳ đánh số này.")
                % {"number": number, "symbol": symbol}
            }
        ) from None
    NoticeRecipient.objects.bulk_create(
        NoticeRecipient(notice=notice, unit_id=uid) for uid in sorted(set(recipient_ids))
    )
    session.notice_issued_on = issued_on
    session.save(update_fields=["notice_issued_on", "updated_at"])
    data_changed(session.organising_unit)
    return notice


@transaction.atomic
def notice_recipient_mark_received(*, recipient: NoticeRecipient, received_on: dt.date, actor) -> NoticeRecipient:
    if not isinstance(received_on, dt.date):
        raise ValidationError(_("Ngày nhận không hợp lệ."))
    if received_on < recipient.notice.issued_on:
        raise ValidationError(_("Ngày nhận không được trước ngày ban hành thông báo."))
    if received_on > timezone.localdate():
        raise ValidationError(_("Ngày nhận không được sau ngày hôm nay."))
    recipient.received_on = received_on
    recipient.save(update_fields=["received_on"])
    return recipient


@transaction.atomic
def notice_attach_signed(*, notice: ConclusionNotice, signed_file, actor) -> ConclusionNotice:
    validate_document(signed_file)
    notice.signed_file_name = (signed_file.name or "")[:255]
    notice.signed_file.save(signed_file.name, signed_file, save=False)
    notice.save(update_fields=["signed_file", "signed_file_name"])
    return notice


@transaction.atomic
def session_mark_withdrawn(*, session: DialogueSession, reason: str, actor) -> DialogueSession:
    """Mark a session entered by mistake as withdrawn, with the reason. Nothing is deleted.
    (Its petitions are withdrawn with it by ``petitions.services.session_withdraw``.)"""
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if session.notice_issued_on:
        raise ValidationError(_("Không thể thu hồi hội nghị đã có thông báo kết luận."))
    if not (reason or "").strip():
        raise ValidationError(_("Vui lòng nhập lý do thu hồi."))
    session.withdrawn_at = timezone.now()
    session.withdrawal_reason = reason.strip()
    session.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    data_changed(session.organising_unit_id)
    return session


def session_units_sync(*, session: DialogueSession, unit_ids: Iterable[int]) -> None:
    """Make the session's work units exactly ``unit_ids`` (the units its petitions and
    commitments are with now), so their agency officers see the session and nobody else."""
    wanted = {u for u in unit_ids if u}
    current = set(SessionUnit.objects.filter(session=session).values_list("unit_id", flat=True))
    if current - wanted:
        SessionUnit.objects.filter(session=session, unit_id__in=current - wanted).delete()
    SessionUnit.objects.bulk_create(
        [SessionUnit(session=session, unit_id=u) for u in sorted(wanted - current)], ignore_conflicts=True
    )
