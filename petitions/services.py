"""Writes on petitions, from the conference to the answer.

Recording petitions at a session, clarifying them there, choosing their responsible units, the
conclusion notice that assigns them and starts their clocks, the written reply, forwarding to
the competent level, the complex-case notice, supervision notes, the Front's assessment, closing
and withdrawal. Each runs in one transaction, checks the state machine (``petitions.workflow``),
adds an event to the petition's timeline and refuses bad input with a clear message, changing
nothing. The notifications these events call for are sent by the notifications layer, which
reads the timeline (``notifications.events``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from common.dates import vn_date
from common.uploads import validate_document
from regulations.deadlines import reply_due_date
from sessions import services as session_services
from sessions.models import ConclusionNotice, DialogueSession
from sessions.selectors import sessions_editable_by
from units.access import scope_of
from units.models import Unit

from . import workflow
from .codes import new_receipt_code
from .models import (
    Assessment,
    ComplexCaseNotice,
    EventKind,
    Field,
    Forwarding,
    Petition,
    PetitionEvent,
    PetitionOpening,
    PetitionStatus,
    Publication,
    ReplyAssessment,
    SupervisionNote,
    WrittenReply,
)
from .selectors import petition_opened_by_units
from .workflow import Action

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
    return PetitionEvent.objects.create(petition=petition, kind=kind, actor=actor, message=message, data=data or {})


def _lock(petition: Petition) -> Petition:
    return (
        Petition.objects.select_for_update(of=("self",))
        .select_related("assigned_unit", "session__organising_unit")
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


def _require_text(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Vui lòng nhập %(label)s.") % {"label": label})
    return value


def _attach(instance, field: str, upload) -> None:
    if upload:
        validate_document(upload)
        setattr(instance, f"{field}_name", (getattr(upload, "name", "") or "")[:255])
        getattr(instance, field).save(upload.name, upload, save=False)


def units_with_work(session: DialogueSession) -> set[int]:
    """The units the session's petitions are with now: responsible, or forwarded to."""
    live = Petition.objects.filter(session=session).exclude(status=PetitionStatus.WITHDRAWN)
    units = set(live.exclude(assigned_unit__isnull=True).values_list("assigned_unit_id", flat=True))
    units |= set(Forwarding.objects.filter(petition__in=live).values_list("to_unit_id", flat=True))
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
) -> Petition:
    """Record a petition raised at the session, optionally already clarified there. It gets its
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
        status=PetitionStatus.CLARIFIED if clarified_at_conference else PetitionStatus.RECORDED,
        created_by=actor,
    )
    petition_event_add(petition=petition, kind=EventKind.RECORDED, actor=actor, message=petition.content[:500])
    if petition.identity_protected:
        petition_event_add(petition=petition, kind=EventKind.PROTECTED, actor=actor)
    if clarified_at_conference:
        petition_event_add(petition=petition, kind=EventKind.CLARIFIED, actor=actor, message=petition.conference_answer)
    if petition.assigned_unit_id:
        _sync_session_units(session)
    return petition


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
    had_unit = petition.assigned_unit_id is not None
    petition.assigned_unit = None
    petition.save()
    petition_event_add(petition=petition, kind=EventKind.CLARIFIED, actor=actor, message=petition.conference_answer)
    if had_unit:
        _sync_session_units(petition.session)
    return petition


@transaction.atomic
def petition_assign(*, petition: Petition, unit: Unit, actor) -> Petition:
    """Choose the responsible unit before the notice is issued (the notice starts the clock)."""
    petition = Petition.objects.select_for_update().select_related("session").get(pk=petition.pk)
    session_services.session_check_accepts_petitions(petition.session)
    workflow.check(petition.status, Action.ASSIGN)
    if unit is None:
        raise ValidationError(_("Vui lòng chọn đơn vị chịu trách nhiệm."))
    if petition.assigned_unit_id != unit.pk:
        petition.assigned_unit = unit
        petition.save(update_fields=["assigned_unit", "updated_at"])
        petition_event_add(
            petition=petition, kind=EventKind.ASSIGNED, actor=actor, message=str(unit), data={"unit_id": unit.pk}
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
    recipients: Iterable[Unit] = (),
    signed_file=None,
) -> ConclusionNotice:
    """Issue the notice of the chair's conclusions.

    Every petition not clarified at the conference must have a responsible unit (given here in
    ``assignments`` by petition id, or chosen before); each is assigned and its reply clock
    starts on ``issued_on``. The responsible units are always among the recipients."""
    session = session_services.session_lock(session)
    session_services.notice_check(session=session, number=number, symbol=symbol, issued_on=issued_on)
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
    notice = session_services.notice_create(
        session=session,
        number=number,
        symbol=symbol,
        issued_on=issued_on,
        actor=actor,
        recipient_ids={p.assigned_unit_id for p in pending} | {u.pk for u in recipients},
        subject=subject,
        body=body,
        signer_name=signer_name,
        signer_position=signer_position,
        signed_file=signed_file,
    )
    due = reply_due_date(issued_on)
    now = timezone.now()
    for petition in pending:
        petition.status = workflow.target(petition.status, Action.ISSUE)
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
            % {"ref": notice.reference, "day": vn_date(issued_on), "unit": petition.assigned_unit, "due": vn_date(due)},
            data={"notice_id": notice.pk, "unit_id": petition.assigned_unit_id, "reply_due_on": due.isoformat()},
        )
        for petition in pending
    )
    _sync_session_units(session)
    return notice


@transaction.atomic
def session_withdraw(*, session: DialogueSession, reason: str, actor) -> DialogueSession:
    """Withdraw a session entered by mistake, with its petitions. Nothing is deleted."""
    session = session_services.session_mark_withdrawn(session=session, reason=reason, actor=actor)
    for petition in session.petitions.exclude(status=PetitionStatus.WITHDRAWN):
        petition.status = workflow.target(petition.status, Action.WITHDRAW)
        petition.withdrawal_reason = session.withdrawal_reason
        petition.save(update_fields=["status", "withdrawal_reason", "updated_at"])
        petition_event_add(petition=petition, kind=EventKind.WITHDRAWN, actor=actor, message=session.withdrawal_reason)
    _sync_session_units(session)
    return session


# ---------------------------------------------------------------------------------------------
# The responsible unit's answer: written reply, forwarding, complex-case notice
# ---------------------------------------------------------------------------------------------


def _check_act_date(petition: Petition, day: dt.date, label: str) -> None:
    if not isinstance(day, dt.date):
        raise ValidationError(_("%(label)s không hợp lệ.") % {"label": label})
    if day > timezone.localdate():
        raise ValidationError(_("%(label)s không được sau ngày hôm nay.") % {"label": label})
    if petition.assigned_on and day < petition.assigned_on:
        raise ValidationError(
            _("%(label)s (%(day)s) không được trước ngày ban hành thông báo kết luận (%(notice)s).")
            % {"label": label, "day": vn_date(day), "notice": vn_date(petition.assigned_on)}
        )


def responsible_unit(petition: Petition) -> Unit | None:
    """The unit that must answer now: the competent level after a forwarding, else the unit
    assigned by the notice."""
    if petition.status == PetitionStatus.FORWARDED:
        last = petition.forwardings.select_related("to_unit").order_by("-forwarded_on", "-id").first()
        if last is not None:
            return last.to_unit
    return petition.assigned_unit


@transaction.atomic
def reply_record(
    *,
    petition: Petition,
    replied_on: dt.date,
    number: str,
    summary: str,
    actor,
    letter=None,
    unit: Unit | None = None,
) -> WrittenReply:
    """Record the written reply to the petitioner. After a complex-case notice it is the
    final reply; after a forwarding it is the competent level's reply."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.REPLY)
    _check_act_date(petition, replied_on, _("Ngày trả lời"))
    if petition.status == PetitionStatus.COMPLEX:
        last = petition.complex_notices.order_by("-notified_on").first()
        if last and replied_on < last.notified_on:
            raise ValidationError(_("Ngày trả lời không được trước ngày thông báo vụ việc phức tạp."))
    if petition.status == PetitionStatus.FORWARDED:
        last = petition.forwardings.order_by("-forwarded_on").first()
        if last and replied_on < last.forwarded_on:
            raise ValidationError(_("Ngày trả lời không được trước ngày chuyển cấp có thẩm quyền."))
    reply = WrittenReply(
        petition=petition,
        unit=unit or responsible_unit(petition),
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
        message=_("Trả lời bằng văn bản số %(number)s ngày %(day)s.")
        % {"number": reply.number, "day": vn_date(replied_on)},
        data={"reply_id": reply.pk, "replied_on": replied_on.isoformat(), "unit_id": reply.unit_id},
    )
    return reply


@transaction.atomic
def petition_forward(
    *, petition: Petition, to_unit: Unit, reason: str, forwarded_on: dt.date, actor, letter=None
) -> Forwarding:
    """Propose a matter outside the unit's competence to the competent level."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.FORWARD)
    if to_unit is None:
        raise ValidationError(_("Vui lòng chọn cấp có thẩm quyền."))
    if to_unit.pk == petition.assigned_unit_id:
        raise ValidationError(_("Cấp có thẩm quyền phải khác đơn vị đang được giao."))
    _check_act_date(petition, forwarded_on, _("Ngày chuyển"))
    if not to_unit.is_active_on(forwarded_on):
        raise ValidationError(_("Đơn vị %(unit)s không hoạt động vào ngày chuyển.") % {"unit": to_unit})
    forwarding = Forwarding(
        petition=petition,
        from_unit=petition.assigned_unit,
        to_unit=to_unit,
        forwarded_on=forwarded_on,
        reason=_require_text(reason, _("lý do chuyển")),
        created_by=actor,
    )
    _attach(forwarding, "letter", letter)
    forwarding.save()
    if petition.responded_on is None:
        petition.responded_on = forwarded_on
    petition.status = status
    petition.save(update_fields=["responded_on", "status", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.FORWARDED,
        actor=actor,
        message=_("Chuyển %(unit)s ngày %(day)s: %(reason)s")
        % {"unit": to_unit, "day": vn_date(forwarded_on), "reason": forwarding.reason},
        data={"forwarding_id": forwarding.pk, "to_unit_id": to_unit.pk},
    )
    _sync_session_units(petition.session)
    return forwarding


@transaction.atomic
def complex_notice_send(
    *, petition: Petition, notified_on: dt.date, new_target_on: dt.date, reason: str, actor, letter=None
) -> ComplexCaseNotice:
    """Notify the petitioner in writing that a complex matter needs more time. A further notice
    may extend the target; the target is then tracked as its own obligation."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.COMPLEX)
    _check_act_date(petition, notified_on, _("Ngày thông báo"))
    if not isinstance(new_target_on, dt.date) or new_target_on <= notified_on:
        raise ValidationError(_("Thời hạn giải quyết mới phải sau ngày thông báo."))
    if petition.status == PetitionStatus.COMPLEX:
        last = petition.complex_notices.order_by("-notified_on").first()
        if last and notified_on < last.notified_on:
            raise ValidationError(_("Ngày thông báo không được trước thông báo vụ việc phức tạp trước đó."))
    notice = ComplexCaseNotice(
        petition=petition,
        unit=petition.assigned_unit,
        notified_on=notified_on,
        new_target_on=new_target_on,
        reason=_require_text(reason, _("lý do cần thêm thời gian")),
        created_by=actor,
    )
    _attach(notice, "letter", letter)
    notice.save()
    if petition.responded_on is None:
        petition.responded_on = notified_on
    petition.complex_target_on = new_target_on
    petition.status = status
    petition.save(update_fields=["responded_on", "complex_target_on", "status", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.COMPLEX_NOTICE,
        actor=actor,
        message=_("Thông báo vụ việc phức tạp ngày %(day)s, hạn giải quyết mới %(target)s.")
        % {"day": vn_date(notified_on), "target": vn_date(new_target_on)},
        data={"complex_notice_id": notice.pk, "new_target_on": new_target_on.isoformat()},
    )
    return notice


# ---------------------------------------------------------------------------------------------
# The work queue's "mới" (new) mark
# ---------------------------------------------------------------------------------------------


def petition_mark_opened(*, petition: Petition, user) -> int:
    """Record that someone of the user's agency units opened a petition given to them (assigned
    or forwarded): the petition is no longer "mới" in those units' queue. Only the first
    opening per unit is kept; it changes nothing on the petition, so no timeline event."""
    units = petition_opened_by_units(user, petition)
    if not units:
        return 0
    rows = PetitionOpening.objects.bulk_create(
        [PetitionOpening(petition=petition, unit=unit, opened_by=user) for unit in units], ignore_conflicts=True
    )
    return len(rows)


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
    return petition


@transaction.atomic
def petition_close(*, petition: Petition, reason: str, actor) -> Petition:
    """Close a replied petition with a stated reason (the organising unit's staff): nothing more
    is owed on it."""
    petition = _lock(petition)
    status = workflow.target(petition.status, Action.CLOSE)
    reason = _require_text(reason, _("lý do kết thúc"))
    petition.status = status
    petition.save(update_fields=["status", "updated_at"])
    petition_event_add(petition=petition, kind=EventKind.CLOSED, actor=actor, message=reason)
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
    """A Front monitor's assessment of a written reply (satisfied / not satisfied, with the
    reason). Sets the petition's current assessment and adds a timeline event; "not satisfied"
    is notified to the responsible unit (``notifications.events``)."""
    if result not in Assessment.values:
        raise ValidationError({"result": _("Vui lòng chọn kết quả đánh giá: hài lòng hoặc không hài lòng.")})
    reason = (reason or "").strip()
    if result == Assessment.UNSATISFIED and not reason:
        raise ValidationError({"reason": _("Đánh giá “không hài lòng” cần ghi rõ lý do.")})
    petition = _lock(reply.petition)
    workflow.check(petition.status, Action.ASSESS)
    if scope_of(assessor).front_membership_for([petition.session.organising_unit, petition.assigned_unit]) is None:
        raise ValidationError(_("Chỉ cán bộ giám sát của MTTQ, tổ chức CT-XH phụ trách địa bàn này mới được đánh giá."))
    if not isinstance(assessed_on, dt.date):
        raise ValidationError({"assessed_on": _("Ngày đánh giá không hợp lệ.")})
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
    petition.save(update_fields=["assessment", "updated_at"])
    label = Assessment(result).label
    petition_event_add(
        petition=petition,
        kind=EventKind.ASSESSED,
        actor=assessor,
        message=_("Đánh giá văn bản trả lời số %(number)s: %(result)s.") % {"number": reply.number, "result": label}
        + (f" {reason}" if reason else ""),
        data={
            "assessment_id": assessment.pk,
            "reply_id": reply.pk,
            "result": result,
            "unit_id": reply.unit_id,
            "front_unit": str(unit or assessor),
            "reply_number": reply.number,
            "reason": reason,
        },
    )
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
