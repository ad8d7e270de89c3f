"""Writes on sessions: recording a session and its petitions, and issuing the conclusion notice
(R2), which assigns every remaining petition and starts its 30-day clock (R3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from common.uploads import validate_document
from petitions.deadlines import notice_due_date, reply_due_date
from petitions.models import EventKind, Field, Petition, PetitionEvent, PetitionStatus
from petitions.services import petition_event_add

from .models import (
    ConclusionNotice,
    DialogueSession,
    DocumentFormat,
    Leader,
    NoticeRecipient,
    SessionKind,
    SessionParticipant,
    Unit,
)

SESSION_FIELDS = ("organising_unit", "kind", "held_on", "chair", "chair_name", "place", "topic")
PETITION_FIELDS = (
    "petitioner_kind",
    "petitioner_name",
    "petitioner_address",
    "petitioner_phone",
    "petitioner_email",
    "content",
    "field",
)
PARTICIPANT_FIELDS = ("name", "organisation", "unit", "role", "headcount")


def _d(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def _check_session_fields(
    *, organising_unit: Unit, kind: str, held_on: dt.date, chair: Leader | None, topic: str, place: str
) -> None:
    errors = {}
    if not isinstance(held_on, dt.date):
        errors["held_on"] = _("Ngày tổ chức không hợp lệ.")
    elif not organising_unit.is_active_on(held_on):
        errors["organising_unit"] = _("Đơn vị %(unit)s không hoạt động vào ngày %(day)s.") % {
            "unit": organising_unit,
            "day": _d(held_on),
        }
    if kind not in SessionKind.values:
        errors["kind"] = _("Hình thức hội nghị không hợp lệ.")
    if not (topic or "").strip():
        errors["topic"] = _("Vui lòng nhập chủ đề hội nghị.")
    if not (place or "").strip():
        errors["place"] = _("Vui lòng nhập địa điểm.")
    if chair is not None and chair.unit_id != organising_unit.pk and not organising_unit.path.startswith(chair.unit.path):
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
    participants: Iterable[Mapping] = (),
    petitions: Iterable[Mapping] = (),
) -> DialogueSession:
    """Record a dialogue session with its participants and petitions. R2's due date is worked out now."""
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
    for row in petitions:
        petition_record(session=session, actor=actor, **row)
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
    if session.notice_issued_on and (new["held_on"] != session.held_on or new["organising_unit"] != session.organising_unit):
        raise ValidationError(_("Đã ban hành thông báo kết luận: không thể đổi ngày tổ chức hoặc đơn vị tổ chức."))
    _check_session_fields(
        organising_unit=new["organising_unit"],
        kind=new["kind"],
        held_on=new["held_on"],
        chair=new["chair"],
        topic=new["topic"],
        place=new["place"],
    )
    for name, value in new.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.notice_due_on = notice_due_date(session.held_on)
    _attach_minutes(session, minutes)
    session.save()
    return session


def participant_add(
    *, session: DialogueSession, name: str, organisation: str = "", unit: Unit | None = None, role: str = "other", headcount: int = 1
) -> SessionParticipant:
    if not (name or "").strip():
        raise ValidationError(_("Vui lòng nhập tên thành phần tham dự."))
    return SessionParticipant.objects.create(
        session=session, name=name.strip(), organisation=(organisation or "").strip(), unit=unit, role=role, headcount=headcount or 1
    )


def session_accepts_petitions(session: DialogueSession) -> bool:
    """Petitions can be added or changed until the notice is issued, unless the session is withdrawn."""
    return not (session.withdrawn_at or session.notice_issued_on)


def _check_petition_open_for_edit(session: DialogueSession) -> None:
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if session.notice_issued_on:
        raise ValidationError(
            _("Hội nghị đã có thông báo kết luận ngày %(day)s: không thể thêm hoặc sửa kiến nghị.")
            % {"day": _d(session.notice_issued_on)}
        )


@transaction.atomic
def petition_record(
    *,
    session: DialogueSession,
    actor,
    petitioner_name: str,
    content: str,
    petitioner_kind: str = "person",
    petitioner_address: str = "",
    petitioner_phone: str = "",
    petitioner_email: str = "",
    field: Field | None = None,
    clarified_at_conference: bool = False,
    conference_answer: str = "",
    assigned_unit: Unit | None = None,
) -> Petition:
    """Record a petition raised at the session, optionally already clarified there."""
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    _check_petition_open_for_edit(session)
    errors = {}
    if not (petitioner_name or "").strip():
        errors["petitioner_name"] = _("Vui lòng nhập người hoặc tập thể nêu kiến nghị.")
    if not (content or "").strip():
        errors["content"] = _("Vui lòng nhập nội dung kiến nghị.")
    if clarified_at_conference and not (conference_answer or "").strip():
        errors["conference_answer"] = _("Kiến nghị đã làm rõ tại hội nghị cần có nội dung đã trả lời.")
    if errors:
        raise ValidationError(errors)
    petition = Petition.objects.create(
        session=session,
        petitioner_kind=petitioner_kind,
        petitioner_name=petitioner_name.strip(),
        petitioner_address=(petitioner_address or "").strip(),
        petitioner_phone=(petitioner_phone or "").strip(),
        petitioner_email=(petitioner_email or "").strip(),
        content=content.strip(),
        field=field,
        clarified_at_conference=bool(clarified_at_conference),
        conference_answer=(conference_answer or "").strip() if clarified_at_conference else "",
        assigned_unit=None if clarified_at_conference else assigned_unit,
        status=PetitionStatus.CLARIFIED if clarified_at_conference else PetitionStatus.RECORDED,
        created_by=actor,
    )
    petition_event_add(petition=petition, kind=EventKind.RECORDED, actor=actor, message=petition.content[:500])
    if clarified_at_conference:
        petition_event_add(petition=petition, kind=EventKind.CLARIFIED, actor=actor, message=petition.conference_answer)
    return petition


@transaction.atomic
def petition_update(*, petition: Petition, actor, **changes) -> Petition:
    petition = Petition.objects.select_for_update().select_related("session").get(pk=petition.pk)
    _check_petition_open_for_edit(petition.session)
    unknown = set(changes) - set(PETITION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown petition fields: {sorted(unknown)}")
    if "content" in changes and not (changes["content"] or "").strip():
        raise ValidationError({"content": _("Vui lòng nhập nội dung kiến nghị.")})
    if "petitioner_name" in changes and not (changes["petitioner_name"] or "").strip():
        raise ValidationError({"petitioner_name": _("Vui lòng nhập người hoặc tập thể nêu kiến nghị.")})
    changed = [name for name, value in changes.items() if getattr(petition, name) != value]
    for name in changed:
        value = changes[name]
        setattr(petition, name, value.strip() if isinstance(value, str) else value)
    if changed:
        petition.save()
        petition_event_add(petition=petition, kind=EventKind.UPDATED, actor=actor, data={"fields": changed})
    return petition


@transaction.atomic
def petition_clarify(*, petition: Petition, answer: str, actor) -> Petition:
    """Mark a petition as clarified at the conference: it leaves the notice and carries no clock."""
    petition = Petition.objects.select_for_update().select_related("session").get(pk=petition.pk)
    _check_petition_open_for_edit(petition.session)
    if petition.status != PetitionStatus.RECORDED:
        raise ValidationError(
            _("Không thể đánh dấu đã làm rõ cho kiến nghị ở trạng thái “%(status)s”.") % {"status": petition.get_status_display()}
        )
    if not (answer or "").strip():
        raise ValidationError({"conference_answer": _("Vui lòng nhập nội dung đã trả lời tại hội nghị.")})
    petition.clarified_at_conference = True
    petition.conference_answer = answer.strip()
    petition.assigned_unit = None
    petition.status = PetitionStatus.CLARIFIED
    petition.save()
    petition_event_add(petition=petition, kind=EventKind.CLARIFIED, actor=actor, message=petition.conference_answer)
    return petition


@transaction.atomic
def petition_assign(*, petition: Petition, unit: Unit, actor) -> Petition:
    """Choose the responsible unit before the notice is issued (the notice starts the clock)."""
    petition = Petition.objects.select_for_update().select_related("session").get(pk=petition.pk)
    _check_petition_open_for_edit(petition.session)
    if petition.status != PetitionStatus.RECORDED:
        raise ValidationError(_("Chỉ giao được kiến nghị chưa làm rõ tại hội nghị."))
    if unit is None:
        raise ValidationError(_("Vui lòng chọn đơn vị chịu trách nhiệm."))
    if petition.assigned_unit_id != unit.pk:
        petition.assigned_unit = unit
        petition.save(update_fields=["assigned_unit", "updated_at"])
        petition_event_add(
            petition=petition, kind=EventKind.ASSIGNED, actor=actor, message=str(unit), data={"unit_id": unit.pk}
        )
    return petition


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


@transaction.atomic
def notice_issue(
    *,
    session: DialogueSession,
    number: int,
    symbol: str,
    issued_on: dt.date,
    actor,
    subject: str = "",
    body: str = "",
    signer_name: str = "",
    signer_position: str = "",
    assignments: Mapping[int, Unit] | None = None,
    recipients: Iterable[Unit] = (),
    signed_file=None,
) -> ConclusionNotice:
    """Issue the notice of the chair's conclusions (R2).

    Every petition not clarified at the conference must have a responsible unit (given here in
    ``assignments`` by petition id, or chosen before); each is assigned and its reply clock (R3)
    starts on ``issued_on``.
    """
    session = DialogueSession.objects.select_for_update().select_related("organising_unit__kind").get(pk=session.pk)
    today = timezone.localdate()
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if ConclusionNotice.objects.filter(session=session).exists():
        raise ValidationError(_("Hội nghị này đã có thông báo kết luận."))
    if session.held_on > today:
        raise ValidationError(
            _("Hội nghị chưa diễn ra (ngày tổ chức %(day)s): chưa thể ban hành thông báo kết luận.") % {"day": _d(session.held_on)}
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

    pending = list(Petition.objects.select_for_update().filter(session=session, status=PetitionStatus.RECORDED))
    assignments = dict(assignments or {})
    foreign = set(assignments) - {p.pk for p in pending}
    if foreign:
        raise ValidationError(_("Có kiến nghị không thuộc hội nghị này hoặc không còn chờ giao."))
    for petition in pending:
        if petition.pk in assignments and assignments[petition.pk] is not None:
            petition.assigned_unit = assignments[petition.pk]
    missing = [p for p in pending if p.assigned_unit_id is None and p.assigned_unit is None]
    if missing:
        raise ValidationError(
            _("Chưa chọn đơn vị chịu trách nhiệm cho %(count)s kiến nghị: %(ids)s.")
            % {"count": len(missing), "ids": ", ".join(f"#{p.pk}" for p in missing)}
        )

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
        % {"chair": session.chair_display or _("chủ trì"), "day": _d(session.held_on)},
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
            {"number": _("Số %(number)s/%(symbol)s đã được dùng trong kỳ đánh số này.") % {"number": number, "symbol": symbol}}
        ) from None

    due = reply_due_date(issued_on)
    now = timezone.now()
    for petition in pending:
        petition.status = PetitionStatus.ASSIGNED
        petition.assigned_on = issued_on
        petition.reply_due_on = due
        petition.updated_at = now
    # One UPDATE for all rows, and their history rows too (a plain bulk_update would skip history).
    bulk_update_with_history(
        pending, Petition, ["status", "assigned_unit", "assigned_on", "reply_due_on", "updated_at"], default_user=actor
    )
    PetitionEvent.objects.bulk_create(
        PetitionEvent(
            petition=petition,
            kind=EventKind.NOTICE_ISSUED,
            actor=actor,
            message=_("Thông báo kết luận %(ref)s ngày %(day)s giao %(unit)s giải quyết, hạn trả lời %(due)s.")
            % {"ref": notice.reference, "day": _d(issued_on), "unit": petition.assigned_unit, "due": _d(due)},
            data={"notice_id": notice.pk, "unit_id": petition.assigned_unit_id, "reply_due_on": due.isoformat()},
        )
        for petition in pending
    )
    recipient_ids = {p.assigned_unit_id for p in pending} | {u.pk for u in recipients}
    NoticeRecipient.objects.bulk_create(NoticeRecipient(notice=notice, unit_id=uid) for uid in sorted(recipient_ids))
    session.notice_issued_on = issued_on
    session.save(update_fields=["notice_issued_on", "updated_at"])
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
def session_withdraw(*, session: DialogueSession, reason: str, actor) -> DialogueSession:
    """Withdraw a session entered by mistake. Nothing is deleted; its petitions are withdrawn too."""
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
    for petition in session.petitions.exclude(status=PetitionStatus.WITHDRAWN):
        petition.status = PetitionStatus.WITHDRAWN
        petition.withdrawal_reason = reason.strip()
        petition.save(update_fields=["status", "withdrawal_reason", "updated_at"])
        petition_event_add(petition=petition, kind=EventKind.WITHDRAWN, actor=actor, message=reason.strip())
    return session
