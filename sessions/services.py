"""Writes on sessions: recording a session and its participants, the conclusion notice as a
document (number, recipients, signed scan, receipts), withdrawal, and the units a session gives
work to. Assigning petitions by the notice is a petitions service (``petitions.services``),
which calls ``notice_create`` here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import check_year, vn_date
from common.models import REASON_MAX_LENGTH, text_too_long
from common.text import DOCUMENT_SYMBOL_RULE, is_document_symbol
from common.uploads import attach_document, validate_document
from regulations.deadlines import NOTICE, WorkCalendar, due_date, notice_due_date
from regulations.selectors import plan_due_dates_of, regulation_for
from regulations.years import dialogue_year_bounds, month_end, quarter_end
from units.access import scope_of
from units.models import DocumentFormat, Leader, ReorganisationStep, Unit
from units.selectors import leaders_in_office_q
from units.versions import data_changed

from .models import (
    ConclusionItem,
    ConclusionItemAssessment,
    ConclusionNotice,
    DialoguePlan,
    DialogueSession,
    InvitedGroup,
    ItemAssessmentResult,
    ItemKind,
    NoticeRecipient,
    PlannedDialogue,
    PlanStatus,
    SessionDateChange,
    SessionEvent,
    SessionEventKind,
    SessionKind,
    SessionParticipant,
    SessionUnit,
)

SYMBOL_MAX_LENGTH = ConclusionNotice._meta.get_field("symbol").max_length
SESSION_FIELDS = ("organising_unit", "kind", "held_on", "chair", "chair_name", "place", "topic", "planned_item")


def _check_planned_item(
    *, planned_item: PlannedDialogue, organising_unit: Unit, kind: str, held_on, session: DialogueSession | None
) -> str | None:
    """Why ``planned_item`` cannot be held by this session, or ``None`` (read afresh, locked)."""
    planned_item = PlannedDialogue.objects.select_for_update().select_related("plan__unit").get(pk=planned_item.pk)
    plan = planned_item.plan
    if plan.unit_id != organising_unit.pk and not _held_before_succession(planned_item, organising_unit, session):
        return _("Nội dung dự kiến này thuộc kế hoạch của %(unit)s, không phải của đơn vị tổ chức.") % {
            "unit": plan.unit
        }
    if plan.status != PlanStatus.ISSUED:
        return _("Kế hoạch năm %(year)s của đơn vị chưa ban hành.") % {"year": plan.year}
    if planned_item.withdrawn_at:
        return _("Nội dung dự kiến này đã bị hủy khỏi kế hoạch.")
    if kind != SessionKind.PERIODIC:
        return _("Hội nghị theo kế hoạch là hội nghị định kỳ, không phải đột xuất.")
    if isinstance(held_on, dt.date):
        start, end = dialogue_year_bounds(plan.year)
        if not start <= held_on <= end:
            return _("Ngày tổ chức phải trong năm của kế hoạch (%(start)s – %(end)s).") % {
                "start": vn_date(start),
                "end": vn_date(end),
            }
    taken = DialogueSession.objects.filter(planned_item=planned_item, withdrawn_at__isnull=True)
    if session is not None:
        taken = taken.exclude(pk=session.pk)
    if taken.exists():
        return _("Nội dung dự kiến này đã được tổ chức tại một hội nghị khác.")
    return None


def _held_before_succession(planned_item: PlannedDialogue, organising_unit: Unit, session) -> bool:
    """Whether ``session`` already held ``planned_item`` and then passed, its notice still owed,
    to ``organising_unit`` as the successor of the plan's unit (``sessions_succeed``): the held
    item stays in the old unit's plan and the session keeps it."""
    return (
        session is not None
        and session.planned_item_id == planned_item.pk
        and ReorganisationStep.objects.filter(predecessor=planned_item.plan.unit_id, successor=organising_unit).exists()
    )


def _check_session_fields(
    *,
    organising_unit: Unit,
    kind: str,
    held_on: dt.date,
    chair: Leader | None,
    topic: str,
    place: str,
    planned_item: PlannedDialogue | None = None,
    session: DialogueSession | None = None,
) -> None:
    check_year(held_on, field="held_on")
    errors = {}
    if not isinstance(held_on, dt.date):
        errors["held_on"] = _("Ngày tổ chức không hợp lệ.")
    elif held_on > timezone.localdate():
        # A dialogue still to come is an item of the unit's plan, not a session: its 10-day
        # clock would start on a day that has not happened.
        errors["held_on"] = _(
            "Ngày tổ chức (%(day)s) không được sau ngày hôm nay: hội nghị chưa diễn ra là nội dung của kế hoạch."
        ) % {"day": vn_date(held_on)}
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
    if planned_item is not None and "organising_unit" not in errors:
        refusal = _check_planned_item(
            planned_item=planned_item, organising_unit=organising_unit, kind=kind, held_on=held_on, session=session
        )
        if refusal:
            errors["planned_item"] = refusal
    if errors:
        raise ValidationError(errors)


def _attach_minutes(session: DialogueSession, minutes) -> None:
    if minutes:
        attach_document(session, "minutes", minutes, name_field="minutes_name")


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
    planned_item: PlannedDialogue | None = None,
) -> DialogueSession:
    """Record a dialogue session with its participants, against a planned dialogue of the
    unit's annual plan or as ad hoc. The conclusion notice's due date is worked out now
    (``regulations.deadlines``) under the regulation in force for the organising unit on the
    day held, which the session keeps."""
    _check_session_fields(
        organising_unit=organising_unit,
        kind=kind,
        held_on=held_on,
        chair=chair,
        topic=topic,
        place=place,
        planned_item=planned_item,
    )
    rules = regulation_for(organising_unit, held_on)
    session = DialogueSession(
        organising_unit=organising_unit,
        kind=kind,
        held_on=held_on,
        chair=chair,
        chair_name=(chair_name or (chair.full_name if chair else "")).strip(),
        place=place.strip(),
        topic=topic.strip(),
        planned_item=planned_item,
        notice_due_on=notice_due_date(held_on, regulation=rules),
        notice_regulation_id=rules.regulation_id,
        created_by=actor,
    )
    _attach_minutes(session, minutes)
    _save_holding(session)
    for row in participants:
        participant_add(session=session, **row)
    data_changed(organising_unit)
    return session


@transaction.atomic
def session_update(
    *, session: DialogueSession, actor, minutes=None, date_change_reason: str = "", **changes
) -> DialogueSession:
    """Change a session's details. Its day cannot change once the notice is issued; once the
    day has come (the notice's clock has started) changing it needs a reason, is recorded
    (``SessionDateChange``) and, if the notice was already overdue, keeps the first due date. A new day or organising unit starts the notice's clock afresh under
    the regulation in force for them; otherwise the session keeps the regulation it recorded."""
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
        planned_item=new["planned_item"],
        session=session,
    )
    previous_unit = session.organising_unit_id
    moved = new["held_on"] != session.held_on
    restart = moved or new["organising_unit"] != session.organising_unit
    rules = regulation_for(new["organising_unit"], new["held_on"]) if restart else None
    date_change = (
        _held_on_change(session, new["held_on"], date_change_reason, actor, regulation=rules) if moved else None
    )
    for name, value in new.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    if restart:
        # The due date is stored when the clock starts; it changes only with the day or the unit
        # (and then with the regulation in force for them).
        session.notice_regulation_id = rules.regulation_id
        session.notice_due_on = (
            date_change.new_notice_due_on if date_change else notice_due_date(session.held_on, regulation=rules)
        )
    _attach_minutes(session, minutes)
    _save_holding(session)
    if date_change is not None:
        date_change.save()
    data_changed(previous_unit, session.organising_unit)
    return session


def _save_holding(session: DialogueSession) -> None:
    """Save; two sessions racing for one planned dialogue meet the unique constraint."""
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        raise ValidationError(
            {"planned_item": _("Nội dung dự kiến này đã được tổ chức tại một hội nghị khác.")}
        ) from None


def _held_on_change(
    session: DialogueSession, held_on: dt.date, reason: str, actor, *, regulation=None
) -> SessionDateChange | None:
    """The record of moving a session's day, when its notice's clock had already started (the
    day had come); ``None`` for a session still to be held, whose day may move freely.

    The due date follows the new day, except when the notice was already overdue: then the
    first due date is kept, so that the lateness stays in every list and dashboard."""
    today = timezone.localdate()
    if session.held_on > today:
        return None
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"date_change_reason": text_too_long(_("lý do đổi ngày tổ chức"), len(reason), REASON_MAX_LENGTH)}
        )
    if not reason:
        raise ValidationError(
            {
                "date_change_reason": _(
                    "Hội nghị đã diễn ra ngày %(day)s và hạn thông báo kết luận đã bắt đầu tính: "
                    "vui lòng ghi lý do đổi ngày tổ chức."
                )
                % {"day": vn_date(session.held_on)}
            }
        )
    new_due = notice_due_date(held_on, regulation=regulation)
    kept = today > session.notice_due_on and new_due > session.notice_due_on
    return SessionDateChange(
        session=session,
        old_held_on=session.held_on,
        new_held_on=held_on,
        old_notice_due_on=session.notice_due_on,
        new_notice_due_on=session.notice_due_on if kept else new_due,
        notice_due_kept=kept,
        reason=reason,
        changed_by=actor,
    )


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


def notice_check(
    *, session: DialogueSession, number: int, symbol: str, issued_on: dt.date, backdate_reason: str = ""
) -> str:
    """Refuse a notice that cannot be issued for ``session`` now; return the cleaned symbol.
    An issue date more than ``NOTICE_BACKDATE_DAYS`` before today needs a stated reason."""
    today = timezone.localdate()
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if ConclusionNotice.objects.filter(session=session).exists():
        raise ValidationError(_("Hội nghị này đã có thông báo kết luận."))
    if session.no_notice_reason:
        raise ValidationError(_("Hội nghị này đã được ghi nhận không phát sinh nội dung phải thông báo."))
    if session.held_on > today:
        raise ValidationError(
            _("Hội nghị chưa diễn ra (ngày tổ chức %(day)s): chưa thể ban hành thông báo kết luận.")
            % {"day": vn_date(session.held_on)}
        )
    if not isinstance(issued_on, dt.date):
        raise ValidationError({"issued_on": _("Ngày ban hành không hợp lệ.")})
    check_year(issued_on, field="issued_on")
    if issued_on < session.held_on:
        raise ValidationError({"issued_on": _("Ngày ban hành không được trước ngày tổ chức hội nghị.")})
    if issued_on > today:
        raise ValidationError({"issued_on": _("Ngày ban hành không được sau ngày hôm nay.")})
    limit = settings.NOTICE_BACKDATE_DAYS
    if (today - issued_on).days > limit and not (backdate_reason or "").strip():
        raise ValidationError(
            {
                "backdate_reason": _(
                    "Ngày ban hành %(day)s sớm hơn hôm nay quá %(limit)s ngày: vui lòng ghi lý do (được lưu cùng thông báo)."
                )
                % {"day": vn_date(issued_on), "limit": limit}
            }
        )
    symbol = (symbol or "").strip()
    if not symbol:
        raise ValidationError({"symbol": _("Vui lòng nhập ký hiệu văn bản.")})
    if len(symbol) > SYMBOL_MAX_LENGTH or not is_document_symbol(symbol):
        raise ValidationError({"symbol": str(DOCUMENT_SYMBOL_RULE)})
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
    backdate_reason: str = "",
) -> ConclusionNotice:
    """Record the notice of the chair's conclusions as a document: its number in the issuing
    unit's numbering period, its recipients, the signed scan; the session's notice obligation
    is met on ``issued_on``. A back-dated issue date keeps its reason on the record."""
    session = session_lock(session)
    symbol = notice_check(
        session=session, number=number, symbol=symbol, issued_on=issued_on, backdate_reason=backdate_reason
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
        % {"chair": session.chair_display or _("chủ trì"), "day": vn_date(session.held_on)},
        body=(body or "").strip(),
        signer_name=(signer_name or "").strip(),
        signer_position=(signer_position or "").strip(),
        backdate_reason=(backdate_reason or "").strip(),
        created_by=actor,
    )
    if signed_file:
        attach_document(notice, "signed_file", signed_file, name_field="signed_file_name")
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
    message = _("Thông báo %(ref)s ngày %(day)s (hạn %(due)s).") % {
        "ref": notice.reference,
        "day": vn_date(issued_on),
        "due": vn_date(session.notice_due_on),
    }
    if notice.backdate_reason:
        message += " " + _("Lý do ghi ngày ban hành lùi: %(reason)s") % {"reason": notice.backdate_reason}
    session_event_add(
        session=session,
        kind=SessionEventKind.NOTICE_ISSUED,
        actor=actor,
        message=message,
        data={"notice_id": notice.pk, "issued_on": issued_on.isoformat()},
    )
    return notice


@transaction.atomic
def notice_recipient_mark_received(*, recipient: NoticeRecipient, received_on: dt.date, actor) -> NoticeRecipient:
    if not isinstance(received_on, dt.date):
        raise ValidationError(_("Ngày nhận không hợp lệ."))
    check_year(received_on)
    if received_on < recipient.notice.issued_on:
        raise ValidationError(_("Ngày nhận không được trước ngày ban hành thông báo."))
    if received_on > timezone.localdate():
        raise ValidationError(_("Ngày nhận không được sau ngày hôm nay."))
    recipient.received_on = received_on
    recipient.save(update_fields=["received_on"])
    return recipient


@transaction.atomic
def notice_attach_signed(*, notice: ConclusionNotice, signed_file, actor) -> ConclusionNotice:
    attach_document(notice, "signed_file", signed_file, name_field="signed_file_name")
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


# The layers above register what else a session gives work to (``petitions`` its petitions'
# units); ``session_units_refresh`` asks each of them.
WORK_SOURCES: list[Callable[[DialogueSession], Iterable[int]]] = []


def work_source_register(source: Callable[[DialogueSession], Iterable[int]]) -> None:
    if source not in WORK_SOURCES:
        WORK_SOURCES.append(source)


def items_work_units(session: DialogueSession) -> set[int]:
    """The units responsible for the session's live conclusion items and commitments."""
    return set(
        ConclusionItem.objects.filter(session=session, withdrawn_at__isnull=True).values_list(
            "responsible_unit_id", flat=True
        )
    )


def session_units_refresh(*, session: DialogueSession) -> None:
    """Recompute the session's work units from every source."""
    units: set[int] = set()
    for source in WORK_SOURCES:
        units |= set(source(session))
    session_units_sync(session=session, unit_ids=units)


def session_units_sync(*, session: DialogueSession, unit_ids: Iterable[int]) -> None:
    """Make the session's work units exactly ``unit_ids`` and the units of its conclusion items
    and commitments (the units its petitions and commitments are with now), so their agency
    officers see the session and nobody else."""
    wanted = {u for u in unit_ids if u} | items_work_units(session)
    current = set(SessionUnit.objects.filter(session=session).values_list("unit_id", flat=True))
    if current - wanted:
        SessionUnit.objects.filter(session=session, unit_id__in=current - wanted).delete()
    SessionUnit.objects.bulk_create(
        [SessionUnit(session=session, unit_id=u) for u in sorted(wanted - current)], ignore_conflicts=True
    )


def session_event_add(
    *, session: DialogueSession, kind: str, actor=None, message: str = "", data: dict | None = None
) -> SessionEvent:
    return SessionEvent.objects.create(session=session, kind=kind, actor=actor, message=message, data=data or {})


@transaction.atomic
def session_mark_no_notice(*, session: DialogueSession, reason: str, actor) -> DialogueSession:
    """Record that the session raised nothing that needs a conclusion notice (every petition was
    clarified at the conference), with the reason: this meets R2 today. Whether anything is
    still outstanding is checked by the caller, which reads the petitions
    (``petitions.services.session_no_notice_record``)."""
    session = session_lock(session)
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if session.notice_issued_on:
        raise ValidationError(_("Hội nghị này đã có thông báo kết luận hoặc đã được ghi nhận không phải thông báo."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vui lòng nhập lý do không phát sinh nội dung phải thông báo.")})
    today = timezone.localdate()
    if session.held_on > today:
        raise ValidationError(_("Hội nghị chưa diễn ra."))
    session.notice_issued_on = today
    session.no_notice_reason = reason
    session.save(update_fields=["notice_issued_on", "no_notice_reason", "updated_at"])
    session_event_add(session=session, kind=SessionEventKind.NO_NOTICE, actor=actor, message=reason)
    return session


def due_window_q(days, start: str, due: str) -> Q:
    """Rows whose due date can be moved by a change of the rest days ``days``: a due date is
    worked out from the days after its start up to the due date itself, so only a change in
    ``(start, due]`` moves it. ``None``: every row (the public-holiday calendar changed)."""
    if days is None:
        return Q()
    q = Q(pk__in=[])
    for day in days:
        q |= Q(**{f"{start}__lt": day, f"{due}__gte": day})
    return q


@transaction.atomic
def notice_due_dates_recompute(*, days=None, actor=None, calendar: WorkCalendar | None = None) -> list[DialogueSession]:
    """Recompute the stored R2 due date of every session whose notice is still owed, after the
    rest days among ``days`` changed (``None``: any day). A session whose date moves gets a
    timeline event (notified to its staff by ``notifications.events``); a notice already issued
    keeps its due date. Returns the sessions that changed."""
    calendar = calendar or WorkCalendar()
    candidates = (
        DialogueSession.objects.select_for_update(of=("self",))
        .filter(notice_issued_on__isnull=True, withdrawn_at__isnull=True)
        .filter(due_window_q(days, "held_on", "notice_due_on"))
        .select_related("notice_regulation")
        .order_by("pk")
    )
    changed = []
    for session in candidates:
        new = due_date(NOTICE, session.held_on, calendar=calendar, regulation=session.notice_regulation)
        if new == session.notice_due_on:
            continue
        old = session.notice_due_on
        session.notice_due_on = new
        session.save(update_fields=["notice_due_on", "updated_at"])
        session_event_add(
            session=session,
            kind=SessionEventKind.DUE_RECOMPUTED,
            actor=actor,
            message=_("Hạn gửi thông báo kết luận thay đổi do điều chỉnh lịch nghỉ: %(old)s → %(new)s.")
            % {"old": vn_date(old), "new": vn_date(new)},
            data={"obligation": "notice", "old": old.isoformat(), "new": new.isoformat()},
        )
        changed.append(session)
    return changed


# ---------------------------------------------------------------------------------------------
# The annual dialogue plan
# ---------------------------------------------------------------------------------------------

EARLIEST_PLAN_YEAR = 2019  # Regulation 07-QC/TU dates from 27/3/2019.


def _require(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _attach_file(instance, field: str, upload) -> None:
    if upload:
        validate_document(upload)
        setattr(instance, f"{field}_name", (getattr(upload, "name", "") or "")[:255])
        getattr(instance, field).save(upload.name, upload, save=False)


@transaction.atomic
def plan_create(*, unit: Unit, year: int, actor, summary: str = "") -> DialoguePlan:
    """Start the annual dialogue plan of ``unit`` for ``year`` (a draft). Its due date is worked
    out now (``regulations.years.plan_due_date``, under the regulation in force for the unit at
    the start of the dialogue year, or on its first day if it began during the year)."""
    today = timezone.localdate()
    if not isinstance(year, int) or not EARLIEST_PLAN_YEAR <= year <= today.year + 1:
        raise ValidationError(
            {
                "year": _("Năm kế hoạch phải từ %(first)s đến %(last)s.")
                % {"first": EARLIEST_PLAN_YEAR, "last": today.year + 1}
            }
        )
    start, end = dialogue_year_bounds(year)
    if unit is None:
        raise ValidationError({"unit": _("Vui lòng chọn đơn vị lập kế hoạch.")})
    if not (unit.active_from is None or unit.active_from <= end) or not (
        unit.active_to is None or unit.active_to >= start
    ):
        raise ValidationError(
            {"unit": _("Đơn vị %(unit)s không hoạt động trong năm %(year)s.") % {"unit": unit, "year": year}}
        )
    existing = DialoguePlan.objects.select_for_update().filter(unit=unit, year=year).first()
    if existing is not None:
        raise ValidationError(
            {"year": _("%(unit)s đã có kế hoạch tiếp xúc, đối thoại năm %(year)s.") % {"unit": unit, "year": year}}
        )
    plan = DialoguePlan(
        unit=unit,
        year=year,
        due_on=plan_due_dates_of([unit], year)[unit.pk],
        summary=(summary or "").strip(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(
            {"year": _("%(unit)s đã có kế hoạch tiếp xúc, đối thoại năm %(year)s.") % {"unit": unit, "year": year}}
        ) from None
    return plan


def _plan_lock(plan: DialoguePlan) -> DialoguePlan:
    return DialoguePlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)


@transaction.atomic
def plan_update(*, plan: DialoguePlan, summary: str, actor) -> DialoguePlan:
    """Change the plan's purpose and requirements."""
    plan = _plan_lock(plan)
    plan.summary = (summary or "").strip()
    plan.save(update_fields=["summary", "updated_at"])
    return plan


def _expected_by(*, year: int, month: int | None, quarter: int | None) -> dt.date:
    """The last day of the expected month or quarter, within the plan's dialogue year."""
    start, end = dialogue_year_bounds(year)
    day = month_end(year, month) if month else quarter_end(year, quarter)
    return min(max(day, start), end)


@transaction.atomic
def planned_item_add(
    *,
    plan: DialoguePlan,
    topic: str,
    chair: Leader | None,
    actor,
    expected_month: int | None = None,
    expected_quarter: int | None = None,
    invited: Iterable[str] = (),
    invited_note: str = "",
) -> PlannedDialogue:
    """Add a planned dialogue to the plan: the expected content, the month or the quarter, the
    head who will chair it, the groups invited. A plan already issued may be supplemented."""
    plan = _plan_lock(plan)
    errors = {}
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = _("Vui lòng nhập nội dung, chủ đề dự kiến.")
    if bool(expected_month) == bool(expected_quarter):
        errors["expected_month"] = _("Vui lòng chọn tháng hoặc quý dự kiến (chỉ một trong hai).")
    elif expected_month and not (isinstance(expected_month, int) and 1 <= expected_month <= 12):
        errors["expected_month"] = _("Tháng dự kiến phải từ 1 đến 12.")
    elif expected_quarter and not (isinstance(expected_quarter, int) and 1 <= expected_quarter <= 4):
        errors["expected_quarter"] = _("Quý dự kiến phải từ 1 đến 4.")
    start, end = dialogue_year_bounds(plan.year)
    if chair is None:
        errors["chair"] = _("Vui lòng chọn người đứng đầu chủ trì.")
    elif chair.unit_id != plan.unit_id and not plan.unit.path.startswith(chair.unit.path):
        errors["chair"] = _("%(name)s không phải người đứng đầu của %(unit)s hoặc cấp trên.") % {
            "name": chair.full_name,
            "unit": plan.unit,
        }
    elif chair.term_start > end or (chair.term_end is not None and chair.term_end < start):
        errors["chair"] = _("Nhiệm kỳ của %(name)s không thuộc năm %(year)s.") % {
            "name": chair.full_name,
            "year": plan.year,
        }
    invited = list(dict.fromkeys(invited or ()))
    if not invited:
        errors["invited"] = _("Vui lòng chọn ít nhất một thành phần mời.")
    elif set(invited) - set(InvitedGroup.values):
        errors["invited"] = _("Thành phần mời không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    return PlannedDialogue.objects.create(
        plan=plan,
        topic=topic,
        expected_month=expected_month or None,
        expected_quarter=expected_quarter or None,
        expected_by=_expected_by(year=plan.year, month=expected_month, quarter=expected_quarter),
        chair=chair,
        invited=invited,
        invited_note=(invited_note or "").strip(),
        created_by=actor,
    )


@transaction.atomic
def planned_item_withdraw(*, item: PlannedDialogue, reason: str, actor) -> PlannedDialogue:
    """Cancel a planned dialogue (dropped from the plan, or entered by mistake); nothing is
    deleted, the reason is kept. A dialogue already held cannot be cancelled."""
    item = PlannedDialogue.objects.select_for_update().get(pk=item.pk)
    if item.withdrawn_at:
        raise ValidationError(_("Nội dung dự kiến này đã bị hủy."))
    if DialogueSession.objects.filter(planned_item=item, withdrawn_at__isnull=True).exists():
        raise ValidationError(_("Đã có hội nghị tổ chức theo nội dung này: không thể hủy."))
    item.withdrawal_reason = _require(reason, _("Vui lòng nhập lý do hủy."), "reason")
    item.withdrawn_at = timezone.now()
    item.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    return item


@transaction.atomic
def plan_issue(*, plan: DialoguePlan, number: str, issued_on: dt.date, actor, signed_file=None) -> DialoguePlan:
    """Issue the plan as a document (number, date, signed scan). It then meets its due date (on
    time if issued by it) and its planned dialogues may be held."""
    plan = _plan_lock(plan)
    if plan.status == PlanStatus.ISSUED:
        raise ValidationError(_("Kế hoạch này đã được ban hành."))
    number = _require(number, _("Vui lòng nhập số, ký hiệu kế hoạch."), "number")
    start, end = dialogue_year_bounds(plan.year)
    if not isinstance(issued_on, dt.date):
        raise ValidationError({"issued_on": _("Ngày ban hành không hợp lệ.")})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("Ngày ban hành không được sau ngày hôm nay.")})
    if issued_on > end:
        raise ValidationError({"issued_on": _("Ngày ban hành phải trước khi hết năm %(year)s.") % {"year": plan.year}})
    if issued_on < dt.date(plan.year - 1, 1, 1):
        raise ValidationError(
            {"issued_on": _("Ngày ban hành quá sớm so với năm kế hoạch %(year)s.") % {"year": plan.year}}
        )
    if plan.unit.active_from is not None and issued_on < plan.unit.active_from:
        raise ValidationError(
            {
                "issued_on": _("Ngày ban hành không được trước ngày %(unit)s bắt đầu hoạt động (%(day)s).")
                % {"unit": plan.unit, "day": vn_date(plan.unit.active_from)}
            }
        )
    if not plan.items.filter(withdrawn_at__isnull=True).exists():
        raise ValidationError(_("Kế hoạch chưa có cuộc tiếp xúc, đối thoại dự kiến nào."))
    plan.number = number
    plan.issued_on = issued_on
    plan.status = PlanStatus.ISSUED
    _attach_file(plan, "signed_file", signed_file)
    plan.save()
    return plan


@transaction.atomic
def plan_attach_signed(*, plan: DialoguePlan, signed_file, actor) -> DialoguePlan:
    validate_document(signed_file)
    plan = _plan_lock(plan)
    _attach_file(plan, "signed_file", signed_file)
    plan.save(update_fields=["signed_file", "signed_file_name", "updated_at"])
    return plan


# ---------------------------------------------------------------------------------------------
# The chair's conclusions and commitments
# ---------------------------------------------------------------------------------------------


def _item_lock(item: ConclusionItem) -> ConclusionItem:
    return (
        ConclusionItem.objects.select_for_update(of=("self",))
        .select_related("session__organising_unit", "responsible_unit")
        .get(pk=item.pk)
    )


@transaction.atomic
def conclusion_item_add(
    *,
    session: DialogueSession,
    kind: str,
    text: str,
    responsible_unit: Unit | None,
    actor,
    target_on: dt.date | None = None,
) -> ConclusionItem:
    """Record one conclusion or commitment of the chair: what, the responsible unit and, where
    given, the target date. Its unit's officers then see the session."""
    session = session_lock(session)
    if session.withdrawn_at:
        raise ValidationError(_("Hội nghị này đã bị thu hồi."))
    if session.held_on > timezone.localdate():
        raise ValidationError(_("Hội nghị chưa diễn ra: chưa thể ghi kết luận, cam kết."))
    errors = {}
    if kind not in ItemKind.values:
        errors["kind"] = _("Vui lòng chọn kết luận hoặc cam kết.")
    if not (text or "").strip():
        errors["text"] = _("Vui lòng nhập nội dung kết luận, cam kết.")
    if responsible_unit is None:
        errors["responsible_unit"] = _("Vui lòng chọn đơn vị thực hiện.")
    elif not responsible_unit.is_active_on(max(session.held_on, timezone.localdate())):
        errors["responsible_unit"] = _("Đơn vị %(unit)s không còn hoạt động.") % {"unit": responsible_unit}
    if target_on is not None:
        if not isinstance(target_on, dt.date):
            errors["target_on"] = _("Thời hạn hoàn thành không hợp lệ.")
        elif target_on < session.held_on:
            errors["target_on"] = _("Thời hạn hoàn thành không được trước ngày hội nghị (%(day)s).") % {
                "day": vn_date(session.held_on)
            }
    if errors:
        raise ValidationError(errors)
    item = ConclusionItem.objects.create(
        session=session,
        kind=kind,
        text=text.strip(),
        responsible_unit=responsible_unit,
        target_on=target_on,
        created_by=actor,
    )
    session_units_refresh(session=session)
    return item


@transaction.atomic
def conclusion_item_withdraw(*, item: ConclusionItem, reason: str, actor) -> ConclusionItem:
    """Withdraw an item entered by mistake: nothing is deleted, the reason is kept. An item
    already done cannot be withdrawn."""
    item = _item_lock(item)
    if item.withdrawn_at:
        raise ValidationError(_("Kết luận, cam kết này đã bị thu hồi."))
    if item.done_on:
        raise ValidationError(_("Kết luận, cam kết đã hoàn thành: không thể thu hồi."))
    item.withdrawal_reason = _require(reason, _("Vui lòng nhập lý do thu hồi."), "reason")
    item.withdrawn_at = timezone.now()
    item.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    session_units_refresh(session=item.session)
    return item


@transaction.atomic
def conclusion_item_complete(
    *, item: ConclusionItem, done_on: dt.date, actor, note: str = "", evidence=None
) -> ConclusionItem:
    """Report an item done, with its evidence: a document, or a note of what was done."""
    item = _item_lock(item)
    if item.withdrawn_at:
        raise ValidationError(_("Kết luận, cam kết này đã bị thu hồi."))
    if item.done_on:
        raise ValidationError(_("Kết luận, cam kết này đã hoàn thành ngày %(day)s.") % {"day": vn_date(item.done_on)})
    if not isinstance(done_on, dt.date):
        raise ValidationError({"done_on": _("Ngày hoàn thành không hợp lệ.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Ngày hoàn thành không được sau ngày hôm nay.")})
    if done_on < item.session.held_on:
        raise ValidationError(
            {
                "done_on": _("Ngày hoàn thành không được trước ngày hội nghị (%(day)s).")
                % {"day": vn_date(item.session.held_on)}
            }
        )
    note = (note or "").strip()
    if not note and not evidence:
        raise ValidationError({"note": _("Vui lòng tải lên văn bản chứng minh hoặc ghi rõ kết quả thực hiện.")})
    _attach_file(item, "evidence", evidence)
    item.done_on = done_on
    item.done_note = note
    item.done_by = actor
    item.save()
    return item


@transaction.atomic
def conclusion_item_assess(
    *, item: ConclusionItem, assessor, result: str, reason: str, assessed_on: dt.date, unit: Unit | None = None
) -> ConclusionItemAssessment:
    """A Front monitor's assessment of how an item was carried out (satisfied / not, with the
    reason), as for a written reply. It becomes the item's current assessment."""
    if result not in ItemAssessmentResult.values:
        raise ValidationError({"result": _("Vui lòng chọn kết quả đánh giá: hài lòng hoặc không hài lòng.")})
    reason = (reason or "").strip()
    if result == ItemAssessmentResult.UNSATISFIED and not reason:
        raise ValidationError({"reason": _("Đánh giá “không hài lòng” cần ghi rõ lý do.")})
    item = _item_lock(item)
    if item.withdrawn_at:
        raise ValidationError(_("Kết luận, cam kết này đã bị thu hồi."))
    if not item.done_on:
        raise ValidationError(_("Chỉ đánh giá được kết luận, cam kết đã báo cáo hoàn thành."))
    if scope_of(assessor).front_membership_for([item.session.organising_unit, item.responsible_unit]) is None:
        raise ValidationError(_("Chỉ cán bộ giám sát của MTTQ, tổ chức CT-XH phụ trách địa bàn này mới được đánh giá."))
    if not isinstance(assessed_on, dt.date):
        raise ValidationError({"assessed_on": _("Ngày đánh giá không hợp lệ.")})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("Ngày đánh giá không được sau ngày hôm nay.")})
    if assessed_on < item.done_on:
        raise ValidationError(
            {
                "assessed_on": _("Ngày đánh giá không được trước ngày hoàn thành (%(day)s).")
                % {"day": vn_date(item.done_on)}
            }
        )
    assessment = ConclusionItemAssessment.objects.create(
        item=item, assessor=assessor, unit=unit, result=result, reason=reason, assessed_on=assessed_on
    )
    item.assessment = result
    item.save(update_fields=["assessment", "updated_at"])
    return assessment


# ---------------------------------------------------------------------------------------------
# Reorganisation: a unit's open obligations pass to its successor
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def sessions_succeed(*, predecessor: Unit, successor: Unit, on: dt.date, actor=None) -> dict[str, int]:
    """Pass to ``successor`` what ``predecessor`` still owes as an organiser or executor: the
    notices not yet issued of its sessions (the session moves, with its clock and regulation) and
    its conclusion items and commitments not yet done. Each gets a timeline event; whatever is met
    stays the predecessor's. Running it again moves nothing."""
    values = {"old": predecessor.name, "new": successor.name, "day": vn_date(on)}
    sessions = list(
        DialogueSession.objects.select_for_update()
        .filter(organising_unit=predecessor, notice_issued_on__isnull=True, withdrawn_at__isnull=True)
        .order_by("pk")
    )
    for session in sessions:
        session.organising_unit = successor
        session.save(update_fields=["organising_unit", "updated_at"])
        session_event_add(
            session=session,
            kind=SessionEventKind.SUCCEEDED,
            actor=actor,
            message=_("%(old)s chấm dứt hoạt động từ %(day)s: %(new)s kế thừa việc gửi thông báo kết luận.") % values,
            data={"obligation": "notice", "from_unit_id": predecessor.pk, "unit_id": successor.pk},
        )
    items = list(
        ConclusionItem.objects.select_for_update()
        .filter(responsible_unit=predecessor, done_on__isnull=True, withdrawn_at__isnull=True)
        .order_by("pk")
    )
    for item in items:
        item.responsible_unit = successor
        item.save(update_fields=["responsible_unit", "updated_at"])
        session_event_add(
            session=item.session,
            kind=SessionEventKind.SUCCEEDED,
            actor=actor,
            message=_("%(old)s chấm dứt hoạt động từ %(day)s: %(new)s kế thừa việc thực hiện “%(text)s”.")
            % {**values, "text": item.text[:200]},
            data={
                "obligation": "commitment",
                "item_id": item.pk,
                "from_unit_id": predecessor.pk,
                "unit_id": successor.pk,
            },
        )
    return {"sessions": len(sessions), "items": len(items)}


def _successor_plan(*, old_plan: DialoguePlan, successor: Unit, on: dt.date, actor) -> tuple[DialoguePlan, bool]:
    """The successor's plan of ``old_plan``'s year, or a new one carrying the old plan's document
    (its status, number, dates and signed scan) so that the items moved can still be held."""
    plan = DialoguePlan.objects.select_for_update().filter(unit=successor, year=old_plan.year).first()
    if plan is not None:
        return plan, False
    values = {"unit": old_plan.unit, "year": old_plan.year, "day": vn_date(on)}
    if old_plan.number:
        summary = _("Tiếp nối Kế hoạch số %(number)s năm %(year)s của %(unit)s (sắp xếp đơn vị từ %(day)s).") % {
            **values,
            "number": old_plan.number,
        }
    else:
        summary = _("Tiếp nối kế hoạch năm %(year)s của %(unit)s (sắp xếp đơn vị từ %(day)s).") % values
    plan = DialoguePlan.objects.create(
        unit=successor,
        year=old_plan.year,
        status=old_plan.status,
        due_on=old_plan.due_on,
        number=old_plan.number,
        issued_on=old_plan.issued_on,
        summary=summary,
        signed_file=old_plan.signed_file.name if old_plan.signed_file else "",
        signed_file_name=old_plan.signed_file_name,
        created_by=actor,
    )
    return plan, True


@transaction.atomic
def plans_succeed(*, predecessor: Unit, successor: Unit, on: dt.date, actor=None) -> dict[str, int]:
    """Pass to ``successor`` the planned dialogues of ``predecessor``'s annual plans still open on
    ``on`` (not cancelled, no live session recorded against them, their month or quarter not
    over): each joins the successor's plan of the same year (created when missing, carrying the
    old plan's document), keeps where it came from (``moved_from``, ``moved_on``) and is chaired
    by the successor's head in office on ``on`` if there is one. Held, missed and cancelled items
    and the old plans stay the predecessor's. Running it again moves nothing."""
    taken = DialogueSession.objects.filter(planned_item=OuterRef("pk"), withdrawn_at__isnull=True)
    items = list(
        PlannedDialogue.objects.select_for_update(of=("self",))
        .filter(plan__unit=predecessor, withdrawn_at__isnull=True, expected_by__gte=on)
        .filter(~Exists(taken))
        .select_related("plan", "plan__unit")
        .order_by("plan__year", "expected_by", "pk")
    )
    if not items:
        return {"plan_items": 0, "plans": 0}
    head = Leader.objects.filter(leaders_in_office_q(on), unit=successor).order_by("-term_start", "pk").first()
    targets: dict[int, DialoguePlan] = {}
    created = 0
    for item in items:
        if item.plan.year not in targets:
            targets[item.plan.year], new = _successor_plan(old_plan=item.plan, successor=successor, on=on, actor=actor)
            created += new
        item.plan = targets[item.plan.year]
        item.moved_from, item.moved_on = predecessor, on
        if head is not None:
            item.chair = head
        item.save(update_fields=["plan", "moved_from", "moved_on", "chair"])
    return {"plan_items": len(items), "plans": created}
