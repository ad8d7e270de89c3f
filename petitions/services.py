"""Writes on petitions, from the conference until the petitioner has an answer.

Recording petitions at a session, clarifying them there, choosing their lead and coordinating
units, the conclusion notice that assigns them and starts their clocks (from its issue date, or
from each unit's receipt of it), the written reply, forwarding to the competent level (which
becomes responsible, with its own target), the complex-case notice, coordinating units'
contributions, supervision notes, the Front's assessment (satisfied closes the case, not
satisfied reopens it), the supplementary reply staff may then ask for, closing and withdrawal;
and the recomputation of stored due dates when the calendar of rest days changes.

Each runs in one transaction, checks the state machine (``petitions.workflow``) and who may act
(only the unit responsible now answers), adds an event to the petition's timeline and refuses bad
input with a clear message, changing nothing. The notifications these events call for are sent by
the notifications layer, which reads the timeline (``notifications.events``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from common.dates import check_year, vn_date
from common.models import REASON_MAX_LENGTH, TIMELINE_MAX_LENGTH, text_too_long
from common.text import clean_text
from common.uploads import attach_document
from regulations.deadlines import (
    FORWARDED,
    REPLY,
    SUPPLEMENTARY,
    WorkCalendar,
    due_date,
    forwarded_due_date,
    reply_clock_starts_on_receipt,
    reply_due_date,
    supplementary_due_date,
)
from regulations.selectors import regulation_for, regulations_for
from sessions import services as session_services
from sessions.models import ConclusionNotice, DialogueSession, NoticeRecipient
from sessions.selectors import sessions_editable_by
from units.access import scope_of
from units.models import Leader, Role, Unit
from units.versions import data_changed

from . import workflow
from .codes import new_receipt_code
from .models import (
    SEARCH_COLUMNS,
    Assessment,
    ClockStart,
    ComplexCaseNotice,
    Coordination,
    Direction,
    EventKind,
    Field,
    Forwarding,
    Petition,
    PetitionEvent,
    PetitionOpening,
    PetitionStatus,
    Publication,
    ReplyAssessment,
    ReplyKind,
    SupervisionNote,
    SupplementaryRequest,
    WrittenReply,
)
from .search import replies_follow
from .selectors import complex_target_max_days, direction_leaders_for, petition_opened_by_units, same_level_heads
from .workflow import OWES_ANSWER, Action

# However good the reason, a complex-case target no further than this after its notice.
COMPLEX_TARGET_HARD_MAX_DAYS = 730

PETITION_FIELDS = (
    "petitioner_kind",
    "petitioner_name",
    "petitioner_address",
    "petitioner_phone",
    "petitioner_email",
    "identity_protected",
    "content",
    "field",
)


def petition_event_add(
    *, petition: Petition, kind: str, actor=None, message: str = "", data: dict | None = None
) -> PetitionEvent:
    # The message repeats texts that are bounded themselves; the timeline keeps their start.
    message = clean_text(message or "")[:TIMELINE_MAX_LENGTH]
    return PetitionEvent.objects.create(petition=petition, kind=kind, actor=actor, message=message, data=data or {})


def _lock(petition: Petition) -> Petition:
    return (
        Petition.objects.select_for_update(of=("self",))
        .select_related("assigned_unit", "responsible_unit", "session__organising_unit")
        .get(pk=petition.pk)
    )


def _unused_receipt_code() -> str:
    """A receipt code no petition has (a collision is astronomically rare, but cheap to rule out)."""
    code = new_receipt_code()
    while Petition.objects.filter(receipt_code=code).exists():
        code = new_receipt_code()
    return code


def _clean_email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                {"petitioner_email": _("Địa chỉ thư điện tử của người kiến nghị không hợp lệ.")}
            ) from None
    return value


def _acts_for(actor, unit: Unit | None, what: str) -> None:
    """Refuse unless ``actor`` is an agency officer of ``unit`` (or of a unit above it) or an
    administrator: only the unit responsible now answers a petition."""
    scope = scope_of(actor)
    if scope.is_admin or (unit is not None and scope.covers(unit, {Role.AGENCY})):
        return
    raise ValidationError(
        _("Chỉ cán bộ của %(unit)s mới được %(what)s.") % {"unit": unit or _("đơn vị được giao"), "what": what}
    )


def _edits_session(actor, session: DialogueSession, what: str) -> None:
    """Refuse unless ``actor`` is committee staff of the organising unit's area, or an administrator."""
    scope = scope_of(actor)
    if scope.is_admin or scope.covers(session.organising_unit, {Role.STAFF}):
        return
    raise ValidationError(_("Chỉ cán bộ văn phòng của cơ quan tổ chức hội nghị mới được %(what)s.") % {"what": what})


def _check_day(day, label: str, *, not_before: dt.date | None = None, before_label: str = "") -> None:
    if not isinstance(day, dt.date):
        raise ValidationError(_("%(label)s không hợp lệ.") % {"label": label})
    check_year(day)
    if day > timezone.localdate():
        raise ValidationError(_("%(label)s không được sau ngày hôm nay.") % {"label": label})
    if not_before is not None and day < not_before:
        raise ValidationError(
            _("%(label)s (%(day)s) không được trước %(what)s (%(before)s).")
            % {"label": label, "day": vn_date(day), "what": before_label, "before": vn_date(not_before)}
        )


def _require_text(value: str, label: str, max_length: int | None = None) -> str:
    # Cleaned as it will be stored first: a text of control characters only is no text.
    value = clean_text(value or "").strip()
    if not value:
        raise ValidationError(_("Vui lòng nhập %(label)s.") % {"label": label})
    if max_length is not None and len(value) > max_length:
        raise ValidationError(text_too_long(label, len(value), max_length))
    return value


def _attach(instance, field: str, upload) -> None:
    if upload:
        attach_document(instance, field, upload, name_field=f"{field}_name")


def _data_changed(petition: Petition, *units) -> None:
    """What the dashboards count changed in the areas of the petition's organising and
    responsible units (and ``units``): their data versions change in this transaction."""
    forwarded = Forwarding.objects.filter(petition=petition).values_list("to_unit_id", flat=True)
    data_changed(petition.session.organising_unit_id, petition.assigned_unit_id, *forwarded, *units)


def units_with_work(session: DialogueSession) -> set[int]:
    """The units the session's petitions gave work to: assigned, responsible now, every unit of a
    forwarding chain, and the coordinating units (chosen, or named by the notice)."""
    live = Petition.objects.filter(session=session).exclude(status=PetitionStatus.WITHDRAWN)
    units: set[int] = set()
    for assigned, responsible, draft in live.values_list(
        "assigned_unit_id", "responsible_unit_id", "coordinating_draft"
    ):
        units |= {assigned, responsible, *(draft or [])}
    units |= set(Forwarding.objects.filter(petition__in=live).values_list("to_unit_id", flat=True))
    units |= set(Forwarding.objects.filter(petition__in=live).values_list("from_unit_id", flat=True))
    units |= set(Coordination.objects.filter(petition__in=live).values_list("unit_id", flat=True))
    units.discard(None)
    return units


def _sync_session_units(session: DialogueSession) -> None:
    session_services.session_units_sync(session=session, unit_ids=units_with_work(session))


# ---------------------------------------------------------------------------------------------
# At the conference: recording, clarifying, choosing the responsible unit
# ---------------------------------------------------------------------------------------------


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
    identity_protected: bool = False,
    coordinating_units: Iterable[Unit] = (),
) -> Petition:
    """Record a petition raised at the session, optionally already clarified there, or with
    its lead unit and coordinating units already chosen (the notice assigns them). It gets its
    receipt code (``petitions.codes``); ``identity_protected`` hides the petitioner from all but
    the organising unit's staff (``petitions.selectors.may_see_petitioner``)."""
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    session_services.session_check_accepts_petitions(session)
    errors = {}
    if not (petitioner_name or "").strip():
        errors["petitioner_name"] = _("Vui lòng nhập người hoặc tập thể nêu kiến nghị.")
    if not (content or "").strip():
        errors["content"] = _("Vui lòng nhập nội dung kiến nghị.")
    if clarified_at_conference and not (conference_answer or "").strip():
        errors["conference_answer"] = _("Kiến nghị đã làm rõ tại hội nghị cần có nội dung đã trả lời.")
    coordinating = [] if clarified_at_conference else _coordinating_ids(assigned_unit, coordinating_units)
    if errors:
        raise ValidationError(errors)
    petitioner_email = _clean_email(petitioner_email)
    petition = Petition.objects.create(
        session=session,
        receipt_code=_unused_receipt_code(),
        identity_protected=bool(identity_protected),
        petitioner_kind=petitioner_kind,
        petitioner_name=petitioner_name.strip(),
        petitioner_address=(petitioner_address or "").strip(),
        petitioner_phone=(petitioner_phone or "").strip(),
        petitioner_email=petitioner_email,
        content=content.strip(),
        field=field,
        clarified_at_conference=bool(clarified_at_conference),
        conference_answer=(conference_answer or "").strip() if clarified_at_conference else "",
        assigned_unit=None if clarified_at_conference else assigned_unit,
        coordinating_draft=coordinating,
        status=PetitionStatus.CLARIFIED if clarified_at_conference else PetitionStatus.RECORDED,
        created_by=actor,
    )
    petition_event_add(petition=petition, kind=EventKind.RECORDED, actor=actor, message=petition.content[:500])
    if petition.identity_protected:
        petition_event_add(petition=petition, kind=EventKind.PROTECTED, actor=actor)
    if clarified_at_conference:
        petition_event_add(petition=petition, kind=EventKind.CLARIFIED, actor=actor, message=petition.conference_answer)
    if petition.assigned_unit_id or coordinating:
        _sync_session_units(session)
    _data_changed(petition)
    return petition


def _coordinating_ids(lead: Unit | None, units: Iterable[Unit]) -> list[int]:
    """The coordinating units' ids, in order and without repeats; the lead cannot also coordinate."""
    ids: list[int] = []
    for unit in units or ():
        if unit is None or unit.pk in ids:
            continue
        if lead is not None and unit.pk == lead.pk:
            raise ValidationError(
                {
                    "coordinating_units": _("Đơn vị %(unit)s đã là đơn vị chủ trì; không thể đồng thời phối hợp.")
                    % {"unit": unit}
                }
            )
        ids.append(unit.pk)
    return ids


def _coordination_text(units: Iterable) -> str:
    names = ", ".join(str(u) for u in units)
    return _(", phối hợp với %(units)s") % {"units": names} if names else ""


@transaction.atomic
def session_record_with_petitions(*, petitions: Iterable[Mapping] = (), actor, **session_fields) -> DialogueSession:
    """Record a session (``sessions.services.session_record``) and the petitions raised there."""
    session = session_services.session_record(actor=actor, **session_fields)
    for row in petitions:
        petition_record(session=session, actor=actor, **row)
    return session


@transaction.atomic
def petition_update(*, petition: Petition, actor, **changes) -> Petition:
    petition = Petition.objects.select_for_update().select_related("session").get(pk=petition.pk)
    session_services.session_check_accepts_petitions(petition.session)
    unknown = set(changes) - set(PETITION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown petition fields: {sorted(unknown)}")
    if "content" in changes and not (changes["content"] or "").strip():
        raise ValidationError({"content": _("Vui lòng nhập nội dung kiến nghị.")})
    if "petitioner_name" in changes and not (changes["petitioner_name"] or "").strip():
        raise ValidationError({"petitioner_name": _("Vui lòng nhập người hoặc tập thể nêu kiến nghị.")})
    if "petitioner_email" in changes:
        changes["petitioner_email"] = _clean_email(changes["petitioner_email"])
    changed = [name for name, value in changes.items() if getattr(petition, name) != value]
    for name in changed:
        value = changes[name]
        setattr(petition, name, value.strip() if isinstance(value, str) else value)
    if changed:
        petition.save()
        petition_event_add(petition=petition, kind=EventKind.UPDATED, actor=actor, data={"fields": changed})
        _data_changed(petition)
    return petition


@transaction.atomic
def petition_clarify(*, petition: Petition, answer: str, actor) -> Petition:
    """Mark a petition as clarified at the conference: it leaves the notice and carries no clock."""
    petition = Petition.objects.select_for_update().select_related("session").get(pk=petition.pk)
    session_services.session_check_accepts_petitions(petition.session)
    petition.status = workflow.target(petition.status, Action.CLARIFY)
    if not (answer or "").strip():
        raise ValidationError({"conference_answer": _("Vui lòng nhập nội dung đã trả lời tại hội nghị.")})
    petition.clarified_at_conference = True
    petition.conference_answer = answer.strip()
    previous_unit = petition.assigned_unit_id
    had_unit = previous_unit is not None or bool(petition.coordinating_draft)
    petition.assigned_unit = None
    petition.coordinating_draft = []
    petition.save()
    petition_event_add(petition=petition, kind=EventKind.CLARIFIED, actor=actor, message=petition.conference_answer)
    if had_unit:
        _sync_session_units(petition.session)
    _data_changed(petition, previous_unit)
    return petition


@transaction.atomic
def petition_assign(
    *, petition: Petition, unit: Unit, actor, coordinating_units: Iterable[Unit] | None = None
) -> Petition:
    """Choose the lead (responsible) unit before the notice is issued (the notice starts the
    clock), and, when given, the coordinating units ("chủ trì, phối hợp với ...")."""
    petition = Petition.objects.select_for_update().select_related("session").get(pk=petition.pk)
    session_services.session_check_accepts_petitions(petition.session)
    workflow.check(petition.status, Action.ASSIGN)
    if unit is None:
        raise ValidationError(_("Vui lòng chọn đơn vị chịu trách nhiệm."))
    coordinating = (
        petition.coordinating_draft if coordinating_units is None else _coordinating_ids(unit, list(coordinating_units))
    )
    if unit.pk in coordinating:
        coordinating = [u for u in coordinating if u != unit.pk]
    if petition.assigned_unit_id != unit.pk or coordinating != petition.coordinating_draft:
        _data_changed(petition, unit)  # the previous and the new responsible unit's areas
        petition.assigned_unit = unit
        petition.coordinating_draft = coordinating
        petition.save(update_fields=["assigned_unit", "coordinating_draft", "updated_at"])
        names = list(Unit.objects.filter(pk__in=coordinating).order_by("path").values_list("name", flat=True))
        petition_event_add(
            petition=petition,
            kind=EventKind.ASSIGNED,
            actor=actor,
            message=_("%(unit)s chủ trì") % {"unit": unit} + _coordination_text(names),
            data={"unit_id": unit.pk, "coordinating_unit_ids": coordinating},
        )
        _sync_session_units(petition.session)
    return petition


# ---------------------------------------------------------------------------------------------
# The conclusion notice: assigns every remaining petition and starts its reply clock
# ---------------------------------------------------------------------------------------------


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
    coordinating: Mapping[int, Iterable[Unit]] | None = None,
    recipients: Iterable[Unit] = (),
    signed_file=None,
    backdate_reason: str = "",
) -> ConclusionNotice:
    """Issue the notice of the chair's conclusions.

    Every petition not clarified at the conference must have a lead unit (given here in
    ``assignments`` by petition id, or chosen before), and may have coordinating units (given in
    ``coordinating``, or chosen before); each is assigned and its reply clock starts on
    ``issued_on`` (with ``REPLY_CLOCK_START=receipt`` it restarts when the unit's receipt is
    recorded), under the regulation in force for its lead unit that day, which the petition
    keeps. The lead and coordinating units are always among the recipients. An issue date
    more than ``NOTICE_BACKDATE_DAYS`` ago needs ``backdate_reason``."""
    session = session_services.session_lock(session)
    session_services.notice_check(
        session=session, number=number, symbol=symbol, issued_on=issued_on, backdate_reason=backdate_reason
    )
    pending = list(
        Petition.objects.select_for_update(of=("self",))
        .select_related("assigned_unit", "field")
        .filter(session=session, status=PetitionStatus.RECORDED)
    )
    assignments = dict(assignments or {})
    coordinating = dict(coordinating or {})
    foreign = (set(assignments) | set(coordinating)) - {p.pk for p in pending}
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
    for petition in pending:
        if petition.pk in coordinating:
            petition.coordinating_draft = _coordinating_ids(petition.assigned_unit, coordinating[petition.pk])
        petition.coordinating_draft = [u for u in petition.coordinating_draft if u != petition.assigned_unit.pk]
    coordinating_units = Unit.objects.in_bulk({u for p in pending for u in p.coordinating_draft})
    inactive = sorted(
        {
            str(u)
            for u in [*coordinating_units.values(), *(p.assigned_unit for p in pending)]
            if not u.is_active_on(issued_on)
        }
    )
    if inactive:
        raise ValidationError(
            _("Đơn vị không hoạt động vào ngày ban hành: %(units)s.") % {"units": "; ".join(inactive)}
        )
    notice = session_services.notice_create(
        session=session,
        number=number,
        symbol=symbol,
        issued_on=issued_on,
        actor=actor,
        recipient_ids={p.assigned_unit_id for p in pending} | set(coordinating_units) | {u.pk for u in recipients},
        subject=subject,
        body=body,
        signer_name=signer_name,
        signer_position=signer_position,
        signed_file=signed_file,
        backdate_reason=backdate_reason,
    )
    rules = regulations_for({p.assigned_unit for p in pending}, issued_on)
    due_under: dict[int | None, dt.date] = {}
    now = timezone.now()
    for petition in pending:
        governing = rules[petition.assigned_unit.pk]
        if governing.regulation_id not in due_under:
            due_under[governing.regulation_id] = reply_due_date(issued_on, regulation=governing)
        petition.status = workflow.target(petition.status, Action.ISSUE)
        petition.responsible_unit = petition.assigned_unit
        petition.assigned_on = issued_on
        petition.reply_due_on = due_under[governing.regulation_id]
        petition.reply_regulation_id = governing.regulation_id
        petition.reply_starts_on = issued_on
        petition.reply_start_basis = ClockStart.ISSUE
        petition.updated_at = now
        petition.refresh_search_columns()  # the responsible unit is searched; bulk updates skip save()
    # One UPDATE for all rows, and their history rows too (a plain bulk_update would skip history).
    bulk_update_with_history(
        pending,
        Petition,
        [
            "status",
            "assigned_unit",
            "responsible_unit",
            "coordinating_draft",
            "assigned_on",
            "reply_starts_on",
            "reply_start_basis",
            "reply_due_on",
            "reply_regulation",
            "updated_at",
            *SEARCH_COLUMNS,
        ],
        default_user=actor,
    )
    # The replies' copies of the petition (none are expected before the notice; one query).
    replies_follow(WrittenReply, [petition.pk for petition in pending])
    Coordination.objects.bulk_create(
        Coordination(petition=petition, unit_id=unit_id, assigned_on=issued_on)
        for petition in pending
        for unit_id in petition.coordinating_draft
    )
    PetitionEvent.objects.bulk_create(
        PetitionEvent(
            petition=petition,
            kind=EventKind.NOTICE_ISSUED,
            actor=actor,
            message=_(
                "Thông báo kết luận %(ref)s ngày %(day)s giao %(unit)s chủ trì giải quyết%(coordination)s, hạn trả lời %(due)s."
            )
            % {
                "ref": notice.reference,
                "day": vn_date(issued_on),
                "unit": petition.assigned_unit,
                "coordination": _coordination_text(coordinating_units[u] for u in petition.coordinating_draft),
                "due": vn_date(petition.reply_due_on),
            },
            data={
                "notice_id": notice.pk,
                "unit_id": petition.assigned_unit_id,
                "coordinating_unit_ids": petition.coordinating_draft,
                "reply_due_on": petition.reply_due_on.isoformat(),
                "regulation_id": petition.reply_regulation_id,
            },
        )
        for petition in pending
    )
    _sync_session_units(session)
    data_changed(session.organising_unit_id, *{p.assigned_unit_id for p in pending})
    return notice


@transaction.atomic
def notice_receipt_record(*, recipient: NoticeRecipient, received_on: dt.date, actor) -> NoticeRecipient:
    """Record the day a recipient received the notice. When R3 counts from the receipt (under the
    regulation each petition's clock started with; by default ``REPLY_CLOCK_START=receipt``), the reply clock of every petition the notice gave that unit
    restarts from that day, unless it was already answered (met obligations keep their dates)."""
    recipient = session_services.notice_recipient_mark_received(
        recipient=recipient, received_on=received_on, actor=actor
    )
    petitions = Petition.objects.select_for_update(of=("self",)).filter(
        session_id=recipient.notice.session_id,
        assigned_unit_id=recipient.unit_id,
        status=PetitionStatus.ASSIGNED,
        responded_on__isnull=True,
    )
    for petition in petitions.select_related("reply_regulation"):
        # Each petition keeps the regulation its clock started under: it says where R3 counts from.
        if not reply_clock_starts_on_receipt(regulation=petition.reply_regulation):
            continue
        old = petition.reply_due_on
        petition.reply_starts_on = received_on
        petition.reply_start_basis = ClockStart.RECEIPT
        petition.reply_due_on = reply_due_date(received_on, regulation=petition.reply_regulation)
        petition.save(update_fields=["reply_starts_on", "reply_start_basis", "reply_due_on", "updated_at"])
        petition_event_add(
            petition=petition,
            kind=EventKind.CLOCK_RESTARTED,
            actor=actor,
            message=_(
                "%(unit)s nhận thông báo kết luận ngày %(day)s: hạn trả lời tính từ ngày nhận, %(old)s → %(new)s."
            )
            % {
                "unit": recipient.unit,
                "day": vn_date(received_on),
                "old": vn_date(old),
                "new": vn_date(petition.reply_due_on),
            },
            data={
                "obligation": "reply",
                "old": old.isoformat() if old else None,
                "new": petition.reply_due_on.isoformat(),
                "unit_id": recipient.unit_id,
            },
        )
    return recipient


@transaction.atomic
def session_no_notice_record(*, session: DialogueSession, reason: str, actor) -> DialogueSession:
    """Record that a session raised nothing that needs a conclusion notice ("không phát sinh nội
    dung phải thông báo": every petition was clarified at the conference, or none was raised),
    with the reason; this meets the 10-day obligation."""
    session = session_services.session_lock(session)
    _edits_session(actor, session, _("ghi nhận không phát sinh nội dung phải thông báo"))
    outstanding = Petition.objects.filter(session=session, status=PetitionStatus.RECORDED).count()
    if outstanding:
        raise ValidationError(
            _(
                "Còn %(count)s kiến nghị chưa làm rõ tại hội nghị: cần ban hành thông báo kết luận giao đơn vị giải quyết."
            )
            % {"count": outstanding}
        )
    return session_services.session_mark_no_notice(session=session, reason=reason, actor=actor)


@transaction.atomic
def session_withdraw(*, session: DialogueSession, reason: str, actor) -> DialogueSession:
    """Withdraw a session entered by mistake, with its petitions. Nothing is deleted."""
    session = session_services.session_mark_withdrawn(session=session, reason=reason, actor=actor)
    for petition in session.petitions.exclude(status=PetitionStatus.WITHDRAWN):
        petition.status = workflow.target(petition.status, Action.WITHDRAW)
        petition.withdrawal_reason = session.withdrawal_reason
        petition.save(update_fields=["status", "withdrawal_reason", "updated_at"])
        petition_event_add(petition=petition, kind=EventKind.WITHDRAWN, actor=actor, message=session.withdrawal_reason)
        _data_changed(petition)
    _sync_session_units(session)
    return session


# ---------------------------------------------------------------------------------------------
# The responsible unit's answer: written reply, forwarding, complex-case notice
# ---------------------------------------------------------------------------------------------


def _check_act_date(petition: Petition, day: dt.date, label: str) -> None:
    _check_day(day, label, not_before=petition.assigned_on, before_label=_("ngày ban hành thông báo kết luận"))


def responsible_unit(petition: Petition) -> Unit | None:
    """The unit that must answer now (the lead, chủ trì): the competent level after a
    forwarding, else the unit assigned by the notice (or chosen before it)."""
    return petition.responsible_unit or petition.assigned_unit


def _open_forwarding(petition: Petition) -> Forwarding | None:
    """The latest forwarding, while the unit it went to has not answered yet."""
    if petition.status != PetitionStatus.FORWARDED:
        return None
    return (
        petition.forwardings.select_for_update()
        .filter(answered_on__isnull=True, to_unit_id=petition.responsible_unit_id)
        .order_by("-forwarded_on", "-id")
        .first()
    )


def _answer_forwarding(petition: Petition, day: dt.date, label: str) -> None:
    """The competent unit's first answer meets its own target (the forwarding's)."""
    forwarding = _open_forwarding(petition)
    if forwarding is None:
        return
    if day < forwarding.forwarded_on:
        raise ValidationError(
            _("%(label)s (%(day)s) không được trước ngày chuyển cấp có thẩm quyền (%(forwarded)s).")
            % {"label": label, "day": vn_date(day), "forwarded": vn_date(forwarding.forwarded_on)}
        )
    forwarding.answered_on = day
    forwarding.save(update_fields=["answered_on"])


@transaction.atomic
def reply_record(
    *,
    petition: Petition,
    replied_on: dt.date,
    number: str,
    summary: str,
    actor,
    letter=None,
) -> WrittenReply:
    """Record the written reply to the petitioner, by the unit responsible now (the lead; after
    a forwarding, the competent level). After a complex-case notice it is the final reply."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.REPLY)
    unit = responsible_unit(petition)
    _acts_for(actor, unit, _("trả lời kiến nghị này"))
    _check_act_date(petition, replied_on, _("Ngày trả lời"))
    if petition.status == PetitionStatus.COMPLEX:
        last = petition.complex_notices.order_by("-notified_on").first()
        if last and replied_on < last.notified_on:
            raise ValidationError(_("Ngày trả lời không được trước ngày thông báo vụ việc phức tạp."))
    _answer_forwarding(petition, replied_on, _("Ngày trả lời"))
    reply = WrittenReply(
        petition=petition,
        kind=ReplyKind.REPLY,
        unit=unit,
        replied_on=replied_on,
        number=_require_text(number, _("số, ký hiệu văn bản")),
        summary=_require_text(summary, _("tóm tắt nội dung trả lời")),
        created_by=actor,
    )
    _attach(reply, "letter", letter)
    reply.save()
    if petition.responded_on is None:
        petition.responded_on = replied_on
    petition.final_replied_on = replied_on
    petition.status = status
    petition.save(update_fields=["responded_on", "final_replied_on", "status", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.REPLIED,
        actor=actor,
        message=_("%(unit)s trả lời bằng văn bản số %(number)s ngày %(day)s.")
        % {"unit": unit, "number": reply.number, "day": vn_date(replied_on)},
        data={"reply_id": reply.pk, "replied_on": replied_on.isoformat(), "unit_id": reply.unit_id},
    )
    _data_changed(petition, reply.unit_id)
    return reply


@transaction.atomic
def petition_forward(
    *, petition: Petition, to_unit: Unit, reason: str, forwarded_on: dt.date, actor, letter=None
) -> Forwarding:
    """Propose a matter outside the responsible unit's competence to the competent level (R4).
    The competent unit becomes responsible, with its own target (``FORWARDED_REPLY_DAYS`` from
    the forwarding); it may forward again, the chain is kept. The first forwarding meets R3."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.FORWARD)
    from_unit = responsible_unit(petition)
    _acts_for(actor, from_unit, _("chuyển kiến nghị này"))
    if to_unit is None:
        raise ValidationError(_("Vui lòng chọn cấp có thẩm quyền."))
    if from_unit is not None and to_unit.pk == from_unit.pk:
        raise ValidationError(_("Cấp có thẩm quyền phải khác đơn vị đang chịu trách nhiệm giải quyết."))
    _check_act_date(petition, forwarded_on, _("Ngày chuyển"))
    if not to_unit.is_active_on(forwarded_on):
        raise ValidationError(_("Đơn vị %(unit)s không hoạt động vào ngày chuyển.") % {"unit": to_unit})
    _answer_forwarding(petition, forwarded_on, _("Ngày chuyển"))
    governing = regulation_for(to_unit, forwarded_on)
    due = forwarded_due_date(forwarded_on, regulation=governing)
    forwarding = Forwarding(
        petition=petition,
        from_unit=from_unit,
        to_unit=to_unit,
        forwarded_on=forwarded_on,
        due_on=due,
        regulation_id=governing.regulation_id,
        reason=_require_text(reason, _("lý do chuyển")),
        created_by=actor,
    )
    _attach(forwarding, "letter", letter)
    forwarding.save()
    if petition.responded_on is None:
        petition.responded_on = forwarded_on
    petition.responsible_unit = to_unit
    petition.forward_due_on = due
    petition.status = status
    petition.save(update_fields=["responded_on", "responsible_unit", "forward_due_on", "status", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.FORWARDED,
        actor=actor,
        message=_("%(from)s chuyển %(unit)s ngày %(day)s, hạn giải quyết %(due)s: %(reason)s")
        % {
            "from": from_unit,
            "unit": to_unit,
            "day": vn_date(forwarded_on),
            "due": vn_date(due),
            "reason": forwarding.reason,
        },
        data={
            "forwarding_id": forwarding.pk,
            "from_unit_id": from_unit.pk if from_unit else None,
            "to_unit_id": to_unit.pk,
            "due_on": due.isoformat(),
        },
    )
    _sync_session_units(petition.session)
    _data_changed(petition, to_unit)
    return forwarding


@transaction.atomic
def forwarding_petitioner_told(*, forwarding: Forwarding, told_on: dt.date, number: str, actor) -> Forwarding:
    """Record that the forwarding unit told the petitioner in writing where the matter went and
    why (the letter is drafted by ``petitions.documents.forwarding_letter_docx``)."""
    petition = _lock(forwarding.petition)
    forwarding = (
        Forwarding.objects.select_for_update(of=("self",)).select_related("from_unit", "to_unit").get(pk=forwarding.pk)
    )
    _acts_for(actor, forwarding.from_unit, _("ghi nhận việc thông báo cho người kiến nghị"))
    if petition.status == PetitionStatus.WITHDRAWN:
        raise ValidationError(_("Kiến nghị này đã được thu hồi."))
    if forwarding.petitioner_told_on:
        raise ValidationError(
            _("Đã ghi nhận thông báo cho người kiến nghị ngày %(day)s.")
            % {"day": vn_date(forwarding.petitioner_told_on)}
        )
    _check_day(told_on, _("Ngày thông báo"), not_before=forwarding.forwarded_on, before_label=_("ngày chuyển"))
    forwarding.petitioner_told_on = told_on
    forwarding.petitioner_letter_number = _require_text(number, _("số, ký hiệu văn bản thông báo"))[:100]
    forwarding.save(update_fields=["petitioner_told_on", "petitioner_letter_number"])
    petition_event_add(
        petition=petition,
        kind=EventKind.PETITIONER_TOLD,
        actor=actor,
        message=_(
            "%(from)s thông báo cho %(name)s (văn bản số %(number)s ngày %(day)s): kiến nghị đã được chuyển %(to)s."
        )
        % {
            "from": forwarding.from_unit,
            "name": petition.petitioner_name,
            "number": forwarding.petitioner_letter_number,
            "day": vn_date(told_on),
            "to": forwarding.to_unit,
        },
        data={"forwarding_id": forwarding.pk, "unit_id": forwarding.from_unit_id},
    )
    return forwarding


def _check_complex_target(
    *, notified_on: dt.date, new_target_on: dt.date, target_reason: str, max_days: int | None = None
) -> None:
    """A target after the notice; after today and within ``max_days`` (the petition's regulation's
    complex-case maximum; by default ``COMPLEX_TARGET_MAX_DAYS``) of the notice unless a reason is
    given; never further than ``COMPLEX_TARGET_HARD_MAX_DAYS``."""
    if not isinstance(new_target_on, dt.date) or new_target_on <= notified_on:
        raise ValidationError({"new_target_on": _("Thời hạn giải quyết mới phải sau ngày thông báo.")})
    if (new_target_on - notified_on).days > COMPLEX_TARGET_HARD_MAX_DAYS:
        raise ValidationError(
            {
                "new_target_on": _("Thời hạn giải quyết mới không được quá %(days)s ngày kể từ ngày thông báo.")
                % {"days": COMPLEX_TARGET_HARD_MAX_DAYS}
            }
        )
    if target_reason:
        return
    if new_target_on <= timezone.localdate():
        raise ValidationError(
            {
                "target_reason": _(
                    "Thời hạn giải quyết mới (%(day)s) không sau ngày hôm nay: nếu ghi nhận muộn, vui lòng ghi lý do."
                )
                % {"day": vn_date(new_target_on)}
            }
        )
    max_days = settings.COMPLEX_TARGET_MAX_DAYS if max_days is None else max_days
    if (new_target_on - notified_on).days > max_days:
        raise ValidationError(
            {
                "target_reason": _(
                    "Thời hạn giải quyết mới dài hơn %(days)s ngày kể từ ngày thông báo: vui lòng ghi lý do."
                )
                % {"days": max_days}
            }
        )


@transaction.atomic
def complex_notice_send(
    *,
    petition: Petition,
    notified_on: dt.date,
    new_target_on: dt.date,
    reason: str,
    actor,
    letter=None,
    target_reason: str = "",
) -> ComplexCaseNotice:
    """Notify the petitioner in writing that a complex matter needs more time (R5), by the unit
    responsible now. A further notice may extend the target; the target is then tracked as its
    own obligation. A target already past or further than ``COMPLEX_TARGET_MAX_DAYS`` away needs
    ``target_reason``, kept on the record."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.COMPLEX)
    unit = responsible_unit(petition)
    _acts_for(actor, unit, _("thông báo vụ việc phức tạp cho kiến nghị này"))
    _check_act_date(petition, notified_on, _("Ngày thông báo"))
    target_reason = (target_reason or "").strip()
    _check_complex_target(
        notified_on=notified_on,
        new_target_on=new_target_on,
        target_reason=target_reason,
        max_days=complex_target_max_days(petition),
    )
    check_year(new_target_on, field="new_target_on")
    if petition.status == PetitionStatus.COMPLEX:
        last = petition.complex_notices.order_by("-notified_on").first()
        if last and notified_on < last.notified_on:
            raise ValidationError(_("Ngày thông báo không được trước thông báo vụ việc phức tạp trước đó."))
    _answer_forwarding(petition, notified_on, _("Ngày thông báo"))
    notice = ComplexCaseNotice(
        petition=petition,
        unit=unit,
        notified_on=notified_on,
        new_target_on=new_target_on,
        reason=_require_text(reason, _("lý do cần thêm thời gian")),
        target_reason=target_reason,
        created_by=actor,
    )
    _attach(notice, "letter", letter)
    notice.save()
    if petition.responded_on is None:
        petition.responded_on = notified_on
    petition.complex_target_on = new_target_on
    petition.status = status
    petition.save(update_fields=["responded_on", "complex_target_on", "status", "updated_at"])
    message = _("%(unit)s thông báo vụ việc phức tạp ngày %(day)s, hạn giải quyết mới %(target)s.") % {
        "unit": unit,
        "day": vn_date(notified_on),
        "target": vn_date(new_target_on),
    }
    if target_reason:
        message += " " + _("Lý do của thời hạn: %(reason)s") % {"reason": target_reason}
    petition_event_add(
        petition=petition,
        kind=EventKind.COMPLEX_NOTICE,
        actor=actor,
        message=message,
        data={"complex_notice_id": notice.pk, "new_target_on": new_target_on.isoformat(), "unit_id": unit.pk},
    )
    _data_changed(petition)
    return notice


@transaction.atomic
def coordination_contribute(
    *, coordination: Coordination, contributed_on: dt.date, contribution: str, actor, letter=None
) -> Coordination:
    """A coordinating unit records its contribution to the lead unit's answer. It does not meet
    R3: only the lead unit's reply does."""
    petition = _lock(coordination.petition)
    coordination = Coordination.objects.select_for_update(of=("self",)).select_related("unit").get(pk=coordination.pk)
    workflow.check(petition.status, Action.CONTRIBUTE)
    _acts_for(actor, coordination.unit, _("ghi ý kiến phối hợp của đơn vị này"))
    if coordination.contributed_on:
        raise ValidationError(
            _("%(unit)s đã gửi ý kiến phối hợp ngày %(day)s.")
            % {"unit": coordination.unit, "day": vn_date(coordination.contributed_on)}
        )
    _check_day(
        contributed_on, _("Ngày gửi ý kiến"), not_before=coordination.assigned_on, before_label=_("ngày giao phối hợp")
    )
    coordination.contribution = _require_text(contribution, _("ý kiến phối hợp"))
    coordination.contributed_on = contributed_on
    coordination.contributed_by = actor
    _attach(coordination, "letter", letter)
    coordination.save()
    lead = responsible_unit(petition)
    petition_event_add(
        petition=petition,
        kind=EventKind.CONTRIBUTED,
        actor=actor,
        message=_("%(unit)s gửi ý kiến phối hợp ngày %(day)s: %(text)s")
        % {"unit": coordination.unit, "day": vn_date(contributed_on), "text": coordination.contribution},
        data={
            "coordination_id": coordination.pk,
            "unit_id": coordination.unit_id,
            "lead_unit_id": lead.pk if lead else None,
        },
    )
    return coordination


# ---------------------------------------------------------------------------------------------
# After the answer: the supplementary reply staff ask for when the Front is not satisfied
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def supplementary_request(
    *, petition: Petition, reason: str, actor, requested_on: dt.date | None = None
) -> SupplementaryRequest:
    """After the Front judged the reply unsatisfactory, the organising unit's staff ask the
    responsible unit for a supplementary reply: a new obligation, due ``SUPPLEMENTARY_REPLY_DAYS``
    after ``requested_on`` (default today), reminded and escalated like the others."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.REQUEST_SUPPLEMENTARY)
    _edits_session(actor, petition.session, _("yêu cầu trả lời bổ sung"))
    requested_on = requested_on or timezone.localdate()
    _check_day(requested_on, _("Ngày yêu cầu"), not_before=petition.reopened_on, before_label=_("ngày MTTQ đánh giá"))
    reason = _require_text(reason, _("nội dung cần trả lời bổ sung"))
    unit = responsible_unit(petition)
    governing = regulation_for(unit, requested_on)
    due = supplementary_due_date(requested_on, regulation=governing)
    request = SupplementaryRequest.objects.create(
        petition=petition,
        assessment=petition.assessments.filter(result=Assessment.UNSATISFIED).order_by("-created_at", "-id").first(),
        unit=unit,
        requested_on=requested_on,
        due_on=due,
        regulation_id=governing.regulation_id,
        reason=reason,
        requested_by=actor,
    )
    petition.status = status
    petition.supplementary_due_on = due
    petition.supplementary_replied_on = None
    petition.save(update_fields=["status", "supplementary_due_on", "supplementary_replied_on", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.SUPPLEMENTARY_REQUESTED,
        actor=actor,
        message=_("Yêu cầu %(unit)s trả lời bổ sung, hạn %(due)s: %(reason)s")
        % {"unit": unit, "due": vn_date(due), "reason": reason},
        data={"request_id": request.pk, "unit_id": unit.pk, "due_on": due.isoformat()},
    )
    return request


@transaction.atomic
def supplementary_reply_record(
    *, petition: Petition, replied_on: dt.date, number: str, summary: str, actor, letter=None
) -> WrittenReply:
    """The responsible unit's supplementary reply: it meets the open supplementary request and
    goes back to the Front for assessment."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.SUPPLEMENT)
    unit = responsible_unit(petition)
    _acts_for(actor, unit, _("trả lời bổ sung kiến nghị này"))
    request = (
        petition.supplementary_requests.select_for_update()
        .filter(replied_on__isnull=True)
        .order_by("-requested_on", "-id")
        .first()
    )
    if request is None:
        raise ValidationError(_("Kiến nghị không có yêu cầu trả lời bổ sung đang chờ."))
    _check_day(replied_on, _("Ngày trả lời bổ sung"), not_before=request.requested_on, before_label=_("ngày yêu cầu"))
    reply = WrittenReply(
        petition=petition,
        kind=ReplyKind.SUPPLEMENTARY,
        unit=unit,
        replied_on=replied_on,
        number=_require_text(number, _("số, ký hiệu văn bản")),
        summary=_require_text(summary, _("tóm tắt nội dung trả lời")),
        created_by=actor,
    )
    _attach(reply, "letter", letter)
    reply.save()
    request.reply = reply
    request.replied_on = replied_on
    request.save(update_fields=["reply", "replied_on"])
    petition.status = status
    petition.supplementary_replied_on = replied_on
    petition.save(update_fields=["status", "supplementary_replied_on", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.SUPPLEMENTARY_REPLIED,
        actor=actor,
        message=_("%(unit)s trả lời bổ sung bằng văn bản số %(number)s ngày %(day)s (hạn %(due)s).")
        % {"unit": unit, "number": reply.number, "day": vn_date(replied_on), "due": vn_date(request.due_on)},
        data={"reply_id": reply.pk, "request_id": request.pk, "unit_id": unit.pk, "replied_on": replied_on.isoformat()},
    )
    return reply


# ---------------------------------------------------------------------------------------------
# The work queue's "mới" (new) mark
# ---------------------------------------------------------------------------------------------


def petition_mark_opened(*, petition: Petition, user) -> int:
    """Record that someone of the user's agency units opened a petition given to them (assigned
    or forwarded): the petition is no longer "mới" in those units' queue. Only the first
    opening per unit is kept; it changes nothing on the petition, so no timeline event."""
    units = petition_opened_by_units(user, petition)
    if units:
        already = set(
            PetitionOpening.objects.filter(petition=petition, unit__in=units).values_list("unit_id", flat=True)
        )
        units = [unit for unit in units if unit.pk not in already]
    if not units:
        return 0
    with transaction.atomic():
        PetitionOpening.objects.bulk_create(
            [PetitionOpening(petition=petition, unit=unit, opened_by=user) for unit in units], ignore_conflicts=True
        )
        # The queues' "mới" counts are cached under these units' data versions (a bulk insert
        # sends no signal): they change with the opening.
        data_changed(*(unit.pk for unit in units))
    return len(units)


# ---------------------------------------------------------------------------------------------
# Withdrawal and closing
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def petition_withdraw(*, petition: Petition, reason: str, actor) -> Petition:
    """Withdraw a petition entered by mistake. Nothing is deleted: the reason is kept."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.WITHDRAW)
    petition.withdrawal_reason = _require_text(reason, _("lý do thu hồi"))
    petition.status = status
    petition.save(update_fields=["withdrawal_reason", "status", "updated_at"])
    petition_event_add(petition=petition, kind=EventKind.WITHDRAWN, actor=actor, message=petition.withdrawal_reason)
    _sync_session_units(petition.session)
    _data_changed(petition)
    return petition


@transaction.atomic
def petition_close(*, petition: Petition, reason: str, actor) -> Petition:
    """Close an answered petition with a stated reason (the organising unit's staff): after a
    reply nobody assessed, or instead of a supplementary reply when the Front was not satisfied.
    Nothing more is owed on it."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.CLOSE)
    _edits_session(actor, petition.session, _("kết thúc kiến nghị"))
    reason = _require_text(reason, _("lý do kết thúc"), REASON_MAX_LENGTH)
    petition.status = status
    petition.closed_on = timezone.localdate()
    petition.close_reason = reason
    petition.save(update_fields=["status", "closed_on", "close_reason", "updated_at"])
    petition_event_add(petition=petition, kind=EventKind.CLOSED, actor=actor, message=reason, data={"by": "staff"})
    _data_changed(petition)
    return petition


# ---------------------------------------------------------------------------------------------
# The Front's supervision: notes and the assessment of a written reply
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def supervision_note_add(*, petition: Petition, author, text: str, unit: Unit | None = None) -> SupervisionNote:
    note = SupervisionNote.objects.create(
        petition=petition, author=author, unit=unit, text=_require_text(text, _("nội dung giám sát"))
    )
    petition_event_add(
        petition=petition, kind=EventKind.SUPERVISION_NOTE, actor=author, message=note.text, data={"note_id": note.pk}
    )
    return note


@transaction.atomic
def reply_assess(
    *, reply: WrittenReply, assessor, result: str, reason: str, assessed_on: dt.date, unit: Unit | None = None
) -> ReplyAssessment:
    """A Front monitor's assessment of the latest written reply (satisfied / not satisfied, with
    the reason). Satisfied closes the petition; not satisfied reopens it: the organising unit's
    staff, the chair and the responsible unit's head are told (``notifications.events``) and staff
    decide between a supplementary reply and closing with a reason."""
    if result not in Assessment.values:
        raise ValidationError({"result": _("Vui lòng chọn kết quả đánh giá: hài lòng hoặc không hài lòng.")})
    reason = (reason or "").strip()
    if result == Assessment.UNSATISFIED and not reason:
        raise ValidationError({"reason": _("Đánh giá “không hài lòng” cần ghi rõ lý do.")})
    petition = _lock(reply.petition)
    workflow.check(petition.status, Action.ASSESS)
    units = [petition.session.organising_unit, petition.assigned_unit, petition.responsible_unit]
    if scope_of(assessor).front_membership_for(units) is None:
        raise ValidationError(_("Chỉ cán bộ giám sát của MTTQ, tổ chức CT-XH phụ trách địa bàn này mới được đánh giá."))
    latest = petition.replies.order_by("-id").values_list("pk", flat=True).first()
    if reply.pk != latest:
        raise ValidationError(_("Chỉ đánh giá văn bản trả lời mới nhất của kiến nghị."))
    if not isinstance(assessed_on, dt.date):
        raise ValidationError({"assessed_on": _("Ngày đánh giá không hợp lệ.")})
    check_year(assessed_on, field="assessed_on")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("Ngày đánh giá không được sau ngày hôm nay.")})
    if assessed_on < reply.replied_on:
        raise ValidationError(
            {
                "assessed_on": _("Ngày đánh giá không được trước ngày trả lời (%(day)s).")
                % {"day": vn_date(reply.replied_on)}
            }
        )
    assessment = ReplyAssessment.objects.create(
        reply=reply,
        petition=petition,
        assessor=assessor,
        unit=unit,
        result=result,
        reason=reason,
        assessed_on=assessed_on,
    )
    petition.assessment = result
    responsible = responsible_unit(petition)
    if result == Assessment.SATISFIED:
        petition.status = workflow.target(petition.status, Action.ACCEPT)
        petition.closed_on = assessed_on
        petition.close_reason = ""
        fields = ["assessment", "status", "closed_on", "close_reason", "updated_at"]
    else:
        petition.status = workflow.target(petition.status, Action.REOPEN)
        petition.reopened_on = assessed_on
        petition.reopen_count += 1
        fields = ["assessment", "status", "reopened_on", "reopen_count", "updated_at"]
    petition.save(update_fields=fields)
    label = Assessment(result).label
    data = {
        "assessment_id": assessment.pk,
        "reply_id": reply.pk,
        "result": result,
        "unit_id": responsible.pk if responsible else reply.unit_id,
        "front_unit": str(unit or assessor),
        "reply_number": reply.number,
        "reason": reason,
    }
    petition_event_add(
        petition=petition,
        kind=EventKind.ASSESSED,
        actor=assessor,
        message=_("Đánh giá văn bản trả lời số %(number)s: %(result)s.") % {"number": reply.number, "result": label}
        + (f" {reason}" if reason else ""),
        data=data,
    )
    if result == Assessment.SATISFIED:
        petition_event_add(
            petition=petition,
            kind=EventKind.CLOSED,
            actor=assessor,
            message=_("MTTQ đánh giá hài lòng văn bản trả lời: kiến nghị kết thúc."),
            data={"by": "front", "assessment_id": assessment.pk},
        )
    else:
        petition_event_add(
            petition=petition,
            kind=EventKind.REOPENED,
            actor=assessor,
            message=_(
                "Kiến nghị được mở lại, chờ cơ quan tổ chức yêu cầu trả lời bổ sung hoặc kết thúc có nêu lý do."
                " Lý do MTTQ không hài lòng: %(reason)s"
            )
            % {"reason": reason},
            data=data,
        )
    _data_changed(petition)
    return assessment


# ---------------------------------------------------------------------------------------------
# The citizen's side: protected identities and the publication of results (công khai)
# ---------------------------------------------------------------------------------------------


def _check_organiser(petition: Petition, actor) -> None:
    """Protection and publication belong to the organising unit's staff (and administrators)."""
    if not sessions_editable_by(actor).filter(pk=petition.session_id).exists():
        raise ValidationError(_("Chỉ cán bộ văn phòng của cơ quan tổ chức hội nghị mới thực hiện được việc này."))


@transaction.atomic
def petition_protect(*, petition: Petition, protected: bool, actor) -> Petition:
    """Mark a petition as needing its petitioner's identity protected, or lift the mark. The
    timeline and the audit history record who did it and when."""
    petition = _lock(petition)
    _check_organiser(petition, actor)
    workflow.check(petition.status, Action.PROTECT)
    protected = bool(protected)
    if petition.identity_protected != protected:
        petition.identity_protected = protected
        petition.save(update_fields=["identity_protected", "updated_at"])
        kind = EventKind.PROTECTED if protected else EventKind.UNPROTECTED
        petition_event_add(petition=petition, kind=kind, actor=actor)
    return petition


@transaction.atomic
def petition_publish(*, petition: Petition, question: str, answer: str, actor) -> Publication:
    """Publish the result of a replied petition with the public texts staff edited (or update
    the texts of a published one). Texts that still hold the petitioner's personal data, an
    e-mail address, a phone or an identity card number are refused."""
    from .publicity import latest_reply, personal_data_in

    petition = _lock(petition)
    _check_organiser(petition, actor)
    workflow.check(petition.status, Action.PUBLISH)
    errors = {}
    texts = {}
    for name, value, label in (
        ("question", question, _("nội dung kiến nghị công khai")),
        ("answer", answer, _("nội dung trả lời công khai")),
    ):
        value = (value or "").replace("\x00", "").strip()
        if not value:
            errors[name] = _("Vui lòng nhập %(label)s.") % {"label": label}
        elif len(value) > 10000:
            errors[name] = _("%(label)s dài quá 10.000 ký tự.") % {"label": label.capitalize()}
        elif found := personal_data_in(value, petition):
            errors[name] = _(
                "Nội dung công khai còn thông tin cá nhân (%(found)s): vui lòng xóa trước khi công khai."
            ) % {"found": ", ".join(dict.fromkeys(found))}
        texts[name] = value
    if errors:
        raise ValidationError(errors)
    publication = Publication.objects.select_for_update().filter(petition=petition).first()
    was_published = publication is not None and publication.is_published
    if publication is None:
        publication = Publication(petition=petition)
    publication.reply = latest_reply(petition)
    publication.question, publication.answer = texts["question"], texts["answer"]
    if not was_published:
        publication.is_published = True
        publication.published_at = timezone.now()
        publication.published_by = actor
    publication.save()
    petition_event_add(
        petition=petition,
        kind=EventKind.PUBLISHED,
        actor=actor,
        message=_("Cập nhật nội dung công khai.") if was_published else _("Công khai kết quả trả lời."),
        data={"publication_id": publication.pk, "first": not was_published},
    )
    return publication


@transaction.atomic
def petition_unpublish(*, petition: Petition, reason: str, actor) -> Publication:
    """Take a published result off the public pages (the row and its history stay)."""
    petition = _lock(petition)
    _check_organiser(petition, actor)
    reason = _require_text(reason, _("lý do thôi công khai"))
    publication = Publication.objects.select_for_update().filter(petition=petition, is_published=True).first()
    if publication is None:
        raise ValidationError(_("Kết quả của kiến nghị này chưa được công khai."))
    publication.is_published = False
    publication.save(update_fields=["is_published", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.UNPUBLISHED,
        actor=actor,
        message=reason,
        data={"publication_id": publication.pk},
    )
    return publication


# ---------------------------------------------------------------------------------------------
# The head's direction on a petition reported to them
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def petition_direct(
    *, petition: Petition, leader: Leader | None, text: str, actor, given_on: dt.date | None = None
) -> Direction:
    """Record a head's direction (ý kiến chỉ đạo) on a petition, written by the head or by staff
    on the head's behalf. The head must be a head in office of the party committee or the
    government at the session's level; the direction goes on the timeline, from which the
    responsible unit is notified (``notifications.events``)."""
    petition = _lock(petition)
    workflow.check(petition.status, Action.DIRECT)
    today = timezone.localdate()
    given_on = given_on or today
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Vui lòng nhập nội dung chỉ đạo.")
    if not isinstance(given_on, dt.date) or given_on > today:
        errors["given_on"] = _("Ngày chỉ đạo không được sau ngày hôm nay.")
    elif petition.assigned_on and given_on < petition.assigned_on:
        errors["given_on"] = _("Ngày chỉ đạo không được trước ngày giao giải quyết (%(day)s).") % {
            "day": vn_date(petition.assigned_on)
        }
    if leader is None:
        errors["leader"] = _("Vui lòng chọn người đứng đầu chỉ đạo.")
    elif not same_level_heads(petition, today).filter(pk=leader.pk).exists():
        errors["leader"] = _(
            "%(name)s không phải người đứng đầu cấp ủy, chính quyền cùng cấp với hội nghị đang đương nhiệm."
        ) % {"name": leader.full_name}
    elif leader.pk not in {h.pk for h in direction_leaders_for(actor, petition, today)}:
        errors["leader"] = _("Anh/chị không được ghi ý kiến chỉ đạo thay %(name)s.") % {"name": leader.full_name}
    if errors:
        raise ValidationError(errors)
    unit = responsible_unit(petition)
    direction = Direction.objects.create(
        petition=petition, leader=leader, unit=unit, text=text, given_on=given_on, author=actor
    )
    petition_event_add(
        petition=petition,
        kind=EventKind.DIRECTED,
        actor=actor,
        message=_("Ý kiến chỉ đạo của đồng chí %(name)s, %(position)s: %(text)s")
        % {"name": leader.full_name, "position": leader.position, "text": text},
        data={"direction_id": direction.pk, "leader_id": leader.pk, "unit_id": unit.pk if unit else None},
    )
    return direction


# ---------------------------------------------------------------------------------------------
# Stored due dates follow the calendar
# ---------------------------------------------------------------------------------------------


def _due_changed(*, petition: Petition, obligation: str, old: dt.date, new: dt.date, unit_id, actor, label: str):
    petition_event_add(
        petition=petition,
        kind=EventKind.DUE_RECOMPUTED,
        actor=actor,
        message=_("%(label)s thay đổi do điều chỉnh lịch nghỉ: %(old)s → %(new)s.")
        % {"label": label, "old": vn_date(old), "new": vn_date(new)},
        data={"obligation": obligation, "old": old.isoformat(), "new": new.isoformat(), "unit_id": unit_id},
    )


@transaction.atomic
def due_dates_recompute(*, days: Iterable[dt.date] | None = None, actor=None) -> int:
    """Recompute every stored due date of an *open* obligation after the rest days among
    ``days`` changed (``None``: any day, e.g. after upgrading the ``holidays`` package): a
    session's notice not yet issued, a petition's reply not yet made, a forwarded unit's target
    not yet answered, a supplementary reply not yet given. Met obligations keep their dates.
    Each date that moves is written on the timeline ("hạn thay đổi do điều chỉnh lịch nghỉ") and
    notified to the obligation's owners by ``notifications.events``. Returns how many moved.

    Registered with ``regulations.services`` (the admin's calendar) in ``PetitionsConfig.ready``;
    also run by ``manage.py recompute_due_dates``."""
    days = None if days is None else set(days)
    calendar = WorkCalendar()
    moved = len(session_services.notice_due_dates_recompute(days=days, actor=actor, calendar=calendar))

    replies = (
        Petition.objects.select_for_update(of=("self",))
        .filter(
            status=PetitionStatus.ASSIGNED,
            responded_on__isnull=True,
            reply_due_on__isnull=False,
            reply_starts_on__isnull=False,
        )
        .filter(session_services.due_window_q(days, "reply_starts_on", "reply_due_on"))
        .select_related("reply_regulation")
        .order_by("pk")
    )
    for petition in replies:
        new = due_date(REPLY, petition.reply_starts_on, calendar=calendar, regulation=petition.reply_regulation)
        if new != petition.reply_due_on:
            old, petition.reply_due_on = petition.reply_due_on, new
            petition.save(update_fields=["reply_due_on", "updated_at"])
            _due_changed(
                petition=petition, obligation="reply", old=old, new=new, unit_id=petition.assigned_unit_id,
                actor=actor, label=_("Hạn trả lời"),
            )  # fmt: skip
            moved += 1

    forwardings = (
        Forwarding.objects.select_for_update(of=("self",))
        .select_related("petition", "regulation")
        .filter(answered_on__isnull=True, due_on__isnull=False, petition__status=PetitionStatus.FORWARDED)
        .filter(session_services.due_window_q(days, "forwarded_on", "due_on"))
        .order_by("pk")
    )
    for forwarding in forwardings:
        new = due_date(FORWARDED, forwarding.forwarded_on, calendar=calendar, regulation=forwarding.regulation)
        if new == forwarding.due_on:
            continue
        old, forwarding.due_on = forwarding.due_on, new
        forwarding.save(update_fields=["due_on"])
        petition = forwarding.petition
        if petition.responsible_unit_id == forwarding.to_unit_id and petition.forward_due_on == old:
            petition.forward_due_on = new
            petition.save(update_fields=["forward_due_on", "updated_at"])
        _due_changed(
            petition=petition, obligation="forwarded", old=old, new=new, unit_id=forwarding.to_unit_id, actor=actor,
            label=_("Hạn giải quyết của cấp được chuyển đến"),
        )  # fmt: skip
        moved += 1

    requests = (
        SupplementaryRequest.objects.select_for_update(of=("self",))
        .select_related("petition", "regulation")
        .filter(replied_on__isnull=True, petition__status=PetitionStatus.SUPPLEMENTARY)
        .filter(session_services.due_window_q(days, "requested_on", "due_on"))
        .order_by("pk")
    )
    for request in requests:
        new = due_date(SUPPLEMENTARY, request.requested_on, calendar=calendar, regulation=request.regulation)
        if new == request.due_on:
            continue
        old, request.due_on = request.due_on, new
        request.save(update_fields=["due_on"])
        petition = request.petition
        petition.supplementary_due_on = new
        petition.save(update_fields=["supplementary_due_on", "updated_at"])
        _due_changed(
            petition=petition, obligation="supplementary", old=old, new=new, unit_id=request.unit_id, actor=actor,
            label=_("Hạn trả lời bổ sung"),
        )  # fmt: skip
        moved += 1
    return moved


# ---------------------------------------------------------------------------------------------
# Reorganisation: a unit's open obligations pass to its successor
# ---------------------------------------------------------------------------------------------

# A petition still in the cycle; closed, clarified and withdrawn ones are history.
_FINISHED = (PetitionStatus.CLOSED, PetitionStatus.CLARIFIED, PetitionStatus.WITHDRAWN)


@transaction.atomic
def petitions_succeed(*, predecessor: Unit, successor: Unit, on: dt.date, actor=None) -> int:
    """Pass to ``successor`` every open obligation ``predecessor`` has on petitions: the reply it
    owes (assigned, not yet answered), the responsibility for a petition still in the cycle, a
    forwarding it has not answered, a supplementary reply or a coordinating contribution it owes.
    Each petition moved gets one timeline event (its staff and officers are notified by
    ``notifications.events``); met obligations and closed petitions stay the predecessor's, and
    the clock keeps its dates and its regulation. Running it again moves nothing. Returns the
    number of petitions moved."""
    moved: dict[int, list[str]] = {}

    def note(petition_id: int, what: str) -> None:
        moved.setdefault(petition_id, []).append(what)

    petitions = list(
        Petition.objects.select_for_update()
        .filter(Q(assigned_unit=predecessor) | Q(responsible_unit=predecessor))
        .exclude(status__in=_FINISHED)
        .order_by("pk")
    )
    for petition in petitions:
        fields = []
        if petition.assigned_unit_id == predecessor.pk and petition.status in (
            PetitionStatus.RECORDED,
            PetitionStatus.ASSIGNED,
        ):
            petition.assigned_unit = successor
            fields.append("assigned_unit")
        if petition.responsible_unit_id == predecessor.pk:
            petition.responsible_unit = successor
            fields.append("responsible_unit")
        if fields:
            petition.save(update_fields=[*fields, "updated_at"])
            note(petition.pk, _("giải quyết, trả lời"))
    for forwarding in Forwarding.objects.select_for_update().filter(to_unit=predecessor, answered_on__isnull=True):
        forwarding.to_unit = successor
        forwarding.save(update_fields=["to_unit"])
        note(forwarding.petition_id, _("kiến nghị được chuyển đến"))
    for request in SupplementaryRequest.objects.select_for_update().filter(unit=predecessor, replied_on__isnull=True):
        request.unit = successor
        request.save(update_fields=["unit"])
        note(request.petition_id, _("trả lời bổ sung"))
    coordinations = Coordination.objects.select_for_update().filter(
        unit=predecessor, contributed_on__isnull=True, petition__status__in=OWES_ANSWER
    )
    for coordination in coordinations:
        coordination.unit = successor
        coordination.save(update_fields=["unit"])
        note(coordination.petition_id, _("phối hợp giải quyết"))
    touched = Petition.objects.filter(pk__in=moved).select_related("session").order_by("pk")
    for petition in touched:
        petition_event_add(
            petition=petition,
            kind=EventKind.SUCCEEDED,
            actor=actor,
            message=_("%(old)s chấm dứt hoạt động từ %(day)s: %(new)s kế thừa việc %(what)s.")
            % {
                "old": predecessor.name,
                "new": successor.name,
                "day": vn_date(on),
                "what": ", ".join(dict.fromkeys(str(w) for w in moved[petition.pk])),
            },
            data={"from_unit_id": predecessor.pk, "unit_id": successor.pk},
        )
    for session in {p.session_id: p.session for p in touched}.values():
        _sync_session_units(session)
    return len(moved)
