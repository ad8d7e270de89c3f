"""Writes on petitions after the notice: replies (R3), forwardings (R4), complex-case notices (R5),
supervision notes and withdrawals. Each runs in one transaction, adds a timeline event and
refuses an invalid transition with a clear message, changing nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.uploads import validate_document
from sessions.models import Unit

from .models import (
    ComplexCaseNotice,
    EventKind,
    Forwarding,
    Petition,
    PetitionEvent,
    PetitionStatus,
    SupervisionNote,
    WrittenReply,
)


def _d(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def petition_event_add(
    *, petition: Petition, kind: str, actor=None, message: str = "", data: dict | None = None
) -> PetitionEvent:
    return PetitionEvent.objects.create(petition=petition, kind=kind, actor=actor, message=message, data=data or {})


def _lock(petition: Petition) -> Petition:
    return Petition.objects.select_for_update(of=("self",)).select_related("assigned_unit").get(pk=petition.pk)


def _require_text(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Vui lòng nhập %(label)s.") % {"label": label})
    return value


def _check_act_date(petition: Petition, day: dt.date, label: str) -> None:
    if not isinstance(day, dt.date):
        raise ValidationError(_("%(label)s không hợp lệ.") % {"label": label})
    if day > timezone.localdate():
        raise ValidationError(_("%(label)s không được sau ngày hôm nay.") % {"label": label})
    if petition.assigned_on and day < petition.assigned_on:
        raise ValidationError(
            _("%(label)s (%(day)s) không được trước ngày ban hành thông báo kết luận (%(notice)s).")
            % {"label": label, "day": _d(day), "notice": _d(petition.assigned_on)}
        )


def _attach(instance, field: str, upload) -> None:
    if upload:
        validate_document(upload)
        setattr(instance, f"{field}_name", (getattr(upload, "name", "") or "")[:255])
        getattr(instance, field).save(upload.name, upload, save=False)


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
    """Record the written reply to the petitioner (R3). After a complex-case notice it is the
    final reply; after a forwarding it is the competent level's reply."""
    petition = _lock(petition)
    if petition.status not in (PetitionStatus.ASSIGNED, PetitionStatus.COMPLEX, PetitionStatus.FORWARDED):
        if petition.status == PetitionStatus.REPLIED:
            raise ValidationError(_("Kiến nghị này đã được trả lời bằng văn bản và đã kết thúc."))
        raise ValidationError(
            _("Không thể trả lời kiến nghị ở trạng thái “%(status)s”.") % {"status": petition.get_status_display()}
        )
    _check_act_date(petition, replied_on, _("Ngày trả lời"))
    if petition.status == PetitionStatus.COMPLEX:
        last = petition.complex_notices.order_by("-notified_on").first()
        if last and replied_on < last.notified_on:
            raise ValidationError(_("Ngày trả lời không được trước ngày thông báo vụ việc phức tạp."))
    if petition.status == PetitionStatus.FORWARDED:
        last = petition.forwardings.order_by("-forwarded_on").first()
        if last and replied_on < last.forwarded_on:
            raise ValidationError(_("Ngày trả lời không được trước ngày chuyển cấp có thẩm quyền."))
        unit = unit or last.to_unit
    reply = WrittenReply(
        petition=petition,
        unit=unit or petition.assigned_unit,
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
    petition.status = PetitionStatus.REPLIED
    petition.save(update_fields=["responded_on", "final_replied_on", "status", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.REPLIED,
        actor=actor,
        message=_("Trả lời bằng văn bản số %(number)s ngày %(day)s.") % {"number": reply.number, "day": _d(replied_on)},
        data={"reply_id": reply.pk, "replied_on": replied_on.isoformat()},
    )
    return reply


@transaction.atomic
def petition_forward(
    *, petition: Petition, to_unit: Unit, reason: str, forwarded_on: dt.date, actor, letter=None
) -> Forwarding:
    """Propose a matter outside the unit's competence to the competent level (R4)."""
    petition = _lock(petition)
    if petition.status != PetitionStatus.ASSIGNED:
        raise ValidationError(
            _("Chỉ chuyển được kiến nghị đang chờ giải quyết; trạng thái hiện tại là “%(status)s”.")
            % {"status": petition.get_status_display()}
        )
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
    petition.status = PetitionStatus.FORWARDED
    petition.save(update_fields=["responded_on", "status", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.FORWARDED,
        actor=actor,
        message=_("Chuyển %(unit)s ngày %(day)s: %(reason)s")
        % {"unit": to_unit, "day": _d(forwarded_on), "reason": forwarding.reason},
        data={"forwarding_id": forwarding.pk, "to_unit_id": to_unit.pk},
    )
    return forwarding


@transaction.atomic
def complex_notice_send(
    *, petition: Petition, notified_on: dt.date, new_target_on: dt.date, reason: str, actor, letter=None
) -> ComplexCaseNotice:
    """Notify the petitioner in writing that a complex matter needs more time (R5). A further
    notice may extend the target; the target is then tracked as its own obligation."""
    petition = _lock(petition)
    if petition.status not in (PetitionStatus.ASSIGNED, PetitionStatus.COMPLEX):
        raise ValidationError(
            _("Không thể gửi thông báo vụ việc phức tạp cho kiến nghị ở trạng thái “%(status)s”.")
            % {"status": petition.get_status_display()}
        )
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
    petition.status = PetitionStatus.COMPLEX
    petition.save(update_fields=["responded_on", "complex_target_on", "status", "updated_at"])
    petition_event_add(
        petition=petition,
        kind=EventKind.COMPLEX_NOTICE,
        actor=actor,
        message=_("Thông báo vụ việc phức tạp ngày %(day)s, hạn giải quyết mới %(target)s.")
        % {"day": _d(notified_on), "target": _d(new_target_on)},
        data={"complex_notice_id": notice.pk, "new_target_on": new_target_on.isoformat()},
    )
    return notice


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
def petition_withdraw(*, petition: Petition, reason: str, actor) -> Petition:
    """Withdraw a petition entered by mistake. Nothing is deleted: the reason is kept."""
    petition = _lock(petition)
    if petition.status == PetitionStatus.WITHDRAWN:
        raise ValidationError(_("Kiến nghị này đã được thu hồi."))
    if petition.status in (PetitionStatus.REPLIED, PetitionStatus.CLOSED):
        raise ValidationError(_("Không thể thu hồi kiến nghị đã có văn bản trả lời."))
    petition.withdrawal_reason = _require_text(reason, _("lý do thu hồi"))
    petition.status = PetitionStatus.WITHDRAWN
    petition.save(update_fields=["withdrawal_reason", "status", "updated_at"])
    petition_event_add(petition=petition, kind=EventKind.WITHDRAWN, actor=actor, message=petition.withdrawal_reason)
    return petition


# ---------------------------------------------------------------------------------------------
# Front monitor: assessment of a written reply (issue 5)
# ---------------------------------------------------------------------------------------------


def _front_scope_contains(assessor, petition: Petition) -> bool:
    """The assessor holds an active Front role whose subtree contains the petition (its
    session's organising unit or its responsible unit). Administrators are not Front monitors."""
    from sessions.models import Membership, Role

    paths = list(
        Membership.objects.filter(user=assessor, role=Role.FRONT, is_active=True).values_list("unit__path", flat=True)
    )
    own = [petition.session.organising_unit.path]
    if petition.assigned_unit_id:
        own.append(petition.assigned_unit.path)
    return any(p.startswith(root) for root in paths for p in own)


@transaction.atomic
def reply_assess(*, reply: WrittenReply, assessor, result: str, reason: str, assessed_on: dt.date, unit: Unit | None = None):
    """A Front monitor's assessment of a written reply (satisfied / not satisfied, with the
    reason). Sets the petition's current assessment and adds a timeline event; "not
    satisfied" notifies, in the app, the agency officers and the head of the responsible unit."""
    from django.urls import NoReverseMatch

    from sessions.models import Leader, Membership, Role

    from .models import Assessment, Notification, ObligationKind, ReplyAssessment

    if result not in Assessment.values:
        raise ValidationError({"result": _("Vui lòng chọn kết quả đánh giá: hài lòng hoặc không hài lòng.")})
    reason = (reason or "").strip()
    if result == Assessment.UNSATISFIED and not reason:
        raise ValidationError({"reason": _("Đánh giá “không hài lòng” cần ghi rõ lý do.")})
    petition = Petition.objects.select_for_update(of=("self",)).select_related("session__organising_unit", "assigned_unit").get(
        pk=reply.petition_id
    )
    if petition.status not in (PetitionStatus.REPLIED, PetitionStatus.CLOSED):
        raise ValidationError(_("Chỉ đánh giá được kiến nghị đã có văn bản trả lời."))
    if not _front_scope_contains(assessor, petition):
        raise ValidationError(_("Chỉ cán bộ giám sát của MTTQ, tổ chức CT-XH phụ trách địa bàn này mới được đánh giá."))
    if not isinstance(assessed_on, dt.date):
        raise ValidationError({"assessed_on": _("Ngày đánh giá không hợp lệ.")})
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("Ngày đánh giá không được sau ngày hôm nay.")})
    if assessed_on < reply.replied_on:
        raise ValidationError(
            {"assessed_on": _("Ngày đánh giá không được trước ngày trả lời (%(day)s).") % {"day": _d(reply.replied_on)}}
        )
    assessment = ReplyAssessment.objects.create(
        reply=reply, petition=petition, assessor=assessor, unit=unit, result=result, reason=reason, assessed_on=assessed_on
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
        data={"assessment_id": assessment.pk, "reply_id": reply.pk, "result": result},
    )
    if result == Assessment.UNSATISFIED:
        responsible = reply.unit
        recipients = set(
            Membership.objects.filter(unit=responsible, role__in=[Role.AGENCY, Role.LEADER], is_active=True).values_list(
                "user_id", flat=True
            )
        )
        recipients |= set(
            Leader.objects.filter(unit=responsible, user__isnull=False, term_start__lte=assessed_on)
            .filter(_leader_term_open_q(assessed_on))
            .values_list("user_id", flat=True)
        )
        try:
            url = petition.get_absolute_url()
        except NoReverseMatch:
            url = ""
        title = _("Văn bản trả lời kiến nghị #%(id)s bị đánh giá không hài lòng") % {"id": petition.pk}
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    obligation=ObligationKind.ASSESSMENT,
                    object_id=assessment.pk,
                    stage="unsatisfied",
                    session_id=petition.session_id,
                    petition=petition,
                    title=title,
                    body=_("%(org)s đánh giá không hài lòng văn bản số %(number)s của %(unit)s. Lý do: %(reason)s")
                    % {"org": unit or assessor, "number": reply.number, "unit": responsible, "reason": reason},
                    url=url,
                )
                for user_id in sorted(recipients)
            ],
            ignore_conflicts=True,
        )
    return assessment


def _leader_term_open_q(day: dt.date):
    from django.db.models import Q

    return Q(term_end__isnull=True) | Q(term_end__gte=day)
