"""The obligations of the session's notice and of the petitions' answers, as the deadline engine
chases them: which rows owe them, who is reminded and escalated to, and the words of each
message. The mechanics are in ``notifications.engine``."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import vn_date
from petitions.identity import petitioner_name
from petitions.models import ComplexCaseNotice, Petition, PetitionStatus
from petitions.publicity import redact_values
from regulations.rules import citation_text
from sessions.models import DialogueSession
from units.models import Role

from .engine import Directory, Draft, Obligation, Stage, register, unit_parents
from .models import ObligationKind


def _left_phrase(due: dt.date, today: dt.date) -> str:
    left = (due - today).days
    if left <= 0:
        return _("hôm nay là hạn cuối")
    return _("còn %(days)s ngày") % {"days": left}


# ---------------------------------------------------------------------------------------------
# The conclusion notice of a session (ten days from the conference)
# ---------------------------------------------------------------------------------------------


def notices_pending(today: dt.date) -> QuerySet[DialogueSession]:
    """Sessions held whose conclusion notice has not been issued (withdrawn ones excluded)."""
    return DialogueSession.objects.filter(notice_issued_on__isnull=True, withdrawn_at__isnull=True, held_on__lte=today)


def _notice_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["notice_due_on"]
    values = {
        "topic": row["topic"],
        "held": vn_date(row["held_on"]),
        "unit": row["organising_unit__name"],
        "due": vn_date(due),
    }
    if stage.is_overdue:
        title = _("Quá hạn gửi thông báo kết luận: %(topic)s") % values
        lead = _("Đã quá hạn %(days)s ngày.") % {"days": (today - due).days}
    else:
        title = _("Nhắc hạn gửi thông báo kết luận (%(left)s): %(topic)s") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị ban hành và gửi thông báo kết luận trước hoặc trong ngày %(due)s.") % values
    if row["notice_regulation_id"]:
        values["regulation"] = citation_text(
            document_type=row["notice_regulation__document_type"], number=row["notice_regulation__number"],
            issued_on=row["notice_regulation__issued_on"], issuing_body=row["notice_regulation__issuing_body"],
        )  # fmt: skip
        rule = _("Theo %(regulation)s, hạn gửi thông báo kết luận là ngày %(due)s.") % values
    else:
        rule = _("Theo Quy định 07-QC/TU, hạn gửi thông báo kết luận là ngày %(due)s.") % values
    body = (
        _("Hội nghị đối thoại “%(topic)s” do %(unit)s tổ chức ngày %(held)s chưa có thông báo kết luận.") % values
        + " "
        + rule
        + " "
        + lead
    )
    return Draft(
        object_id=row["pk"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=reverse("sessions:detail", args=[row["pk"]]),
        session_id=row["pk"],
    )


def _notice_recipients(rows: list[dict], stage: Stage, today: dt.date) -> dict[int, list[tuple[int, str]]]:
    units = unit_parents(r["organising_unit_id"] for r in rows)
    roles = {Role.STAFF} if not stage.is_overdue else {Role.STAFF, Role.LEADER, Role.BOARD, "head"}
    directory = Directory(units, roles, today)
    who = {}
    for r in rows:
        unit = r["organising_unit_id"]
        if stage.is_overdue:
            users = [(u, "chair") for u in [r["chair__user_id"]] if u]
            users += [(u, "head") for u in directory.heads_of(unit)]
            users += [(u, "board") for u in directory.members(unit, Role.BOARD)]
            users += [(u, "staff") for u in directory.members(unit, Role.STAFF)]
        else:
            users = [(u, "staff") for u in directory.members(unit, Role.STAFF)]
        who[r["pk"]] = users
    return who


# ---------------------------------------------------------------------------------------------
# The written reply to a petition (thirty days from the notice), and a complex-case target
# ---------------------------------------------------------------------------------------------


def replies_pending() -> QuerySet[Petition]:
    """Petitions assigned by a notice with no reply, forwarding or complex-case notice yet.
    Those clarified at the conference never get here (they are never assigned)."""
    return Petition.objects.filter(
        status=PetitionStatus.ASSIGNED,
        responded_on__isnull=True,
        assigned_unit__isnull=False,
        session__withdrawn_at__isnull=True,
    )


def complex_targets_pending() -> QuerySet[Petition]:
    """Petitions under a complex-case notice (R5) with no final reply yet, with the id of the
    latest notice: a new notice with a new target is a new obligation."""
    latest = ComplexCaseNotice.objects.filter(petition=OuterRef("pk")).order_by("-notified_on", "-id").values("id")[:1]
    return Petition.objects.filter(
        status=PetitionStatus.COMPLEX,
        final_replied_on__isnull=True,
        assigned_unit__isnull=False,
        session__withdrawn_at__isnull=True,
    ).annotate(complex_notice_id=Subquery(latest))


_PETITION_FIELDS = [
    "pk",
    "content",
    "petitioner_name",
    "identity_protected",
    "petitioner_phone",
    "petitioner_email",
    "petitioner_address",
    "assigned_on",
    "assigned_unit_id",
    "assigned_unit__name",
    "session_id",
    "session__topic",
    "session__held_on",
    "session__organising_unit_id",
    "session__chair__user_id",
]


def _petition_values(row: dict, due: dt.date) -> dict:
    content = row["content"]
    if row["identity_protected"]:
        content = redact_values(content, name=row["petitioner_name"], phone=row["petitioner_phone"],
                                email=row["petitioner_email"], address=row["petitioner_address"])  # fmt: skip
    content = content if len(content) <= 160 else content[:157] + "..."
    return {
        "id": row["pk"],
        # Sent to several people and by mail: a protected petitioner is never named.
        "petitioner": petitioner_name(row["petitioner_name"], row["identity_protected"]),
        "content": content,
        "unit": row["assigned_unit__name"],
        "topic": row["session__topic"],
        "held": vn_date(row["session__held_on"]),
        "assigned": vn_date(row["assigned_on"]) if row["assigned_on"] else "—",
        "due": vn_date(due),
    }


def _reply_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["reply_due_on"]
    values = _petition_values(row, due)
    if stage.is_overdue:
        title = _("Quá hạn trả lời kiến nghị #%(id)s (%(unit)s)") % values
        lead = _(
            "Đã quá hạn %(days)s ngày mà chưa có văn bản trả lời, chuyển cấp có thẩm quyền hay thông báo vụ việc phức tạp."
        ) % {"days": (today - due).days}
    else:
        title = _("Nhắc hạn trả lời kiến nghị #%(id)s (%(left)s)") % {**values, "left": _left_phrase(due, today)}
        lead = _("Đề nghị trả lời bằng văn bản cho người kiến nghị trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Kiến nghị #%(id)s của %(petitioner)s tại hội nghị “%(topic)s” ngày %(held)s: “%(content)s”. "
            "Đơn vị chịu trách nhiệm: %(unit)s, giao theo thông báo kết luận ngày %(assigned)s; "
            "hạn trả lời bằng văn bản: %(due)s."
        )
        % values
        + " "
        + lead
    )
    return Draft(
        object_id=row["pk"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=reverse("petitions:detail", args=[row["pk"]]),
        session_id=row["session_id"],
        petition_id=row["pk"],
    )


def _complex_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["complex_target_on"]
    values = _petition_values(row, due)
    if stage.is_overdue:
        title = _("Quá hạn giải quyết vụ việc phức tạp, kiến nghị #%(id)s (%(unit)s)") % values
        lead = _("Đã quá thời hạn đơn vị tự đặt %(days)s ngày mà chưa có văn bản trả lời cuối cùng.") % {
            "days": (today - due).days
        }
    else:
        title = _("Nhắc hạn giải quyết vụ việc phức tạp, kiến nghị #%(id)s (%(left)s)") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị trả lời bằng văn bản cho người kiến nghị trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Kiến nghị #%(id)s của %(petitioner)s tại hội nghị “%(topic)s” ngày %(held)s: “%(content)s”. "
            "%(unit)s đã thông báo vụ việc phức tạp, cần thêm thời gian; thời hạn giải quyết mới: %(due)s."
        )
        % values
        + " "
        + lead
    )
    return Draft(
        object_id=row["complex_notice_id"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=reverse("petitions:detail", args=[row["pk"]]),
        session_id=row["session_id"],
        petition_id=row["pk"],
    )


def _petition_recipients(
    rows: list[dict], stage: Stage, today: dt.date, *, key_field: str
) -> dict[int, list[tuple[int, str]]]:
    units = unit_parents([r["assigned_unit_id"] for r in rows] + [r["session__organising_unit_id"] for r in rows])
    roles = {Role.AGENCY} if not stage.is_overdue else {Role.AGENCY, Role.LEADER, Role.FRONT, "head"}
    directory = Directory(units, roles, today)
    who = {}
    for r in rows:
        responsible, organiser = r["assigned_unit_id"], r["session__organising_unit_id"]
        if stage.is_overdue:
            users = [(u, "head_responsible") for u in directory.heads_of(responsible)]
            chair = [r["session__chair__user_id"]] if r["session__chair__user_id"] else directory.heads_of(organiser)
            users += [(u, "chair") for u in chair]
            users += [(u, "agency") for u in directory.members(responsible, Role.AGENCY)]
            users += [(u, "front") for u in directory.members(organiser, Role.FRONT)]
        else:
            users = [(u, "agency") for u in directory.members(responsible, Role.AGENCY)]
        who[r[key_field]] = users
    return who


NOTICE = register(
    Obligation(
        kind=ObligationKind.NOTICE,
        label=gettext_lazy("Thông báo kết luận"),
        candidates=notices_pending,
        due_field="notice_due_on",
        key_field="pk",
        fields=[
            "pk",
            "topic",
            "held_on",
            "notice_due_on",
            "organising_unit_id",
            "organising_unit__name",
            "chair__user_id",
            "notice_regulation_id",
            "notice_regulation__document_type",
            "notice_regulation__number",
            "notice_regulation__issued_on",
            "notice_regulation__issuing_body",
        ],
        reminder_days=lambda: settings.NOTICE_REMINDER_DAYS,
        regulation_field="notice_regulation_id",
        regulation_reminder_days=lambda rules: rules.notice_reminder_days,
        draft=_notice_draft,
        recipients=_notice_recipients,
    )
)
REPLY = register(
    Obligation(
        kind=ObligationKind.REPLY,
        label=gettext_lazy("Trả lời kiến nghị"),
        candidates=lambda today: replies_pending(),
        due_field="reply_due_on",
        key_field="pk",
        fields=[*_PETITION_FIELDS, "reply_due_on"],
        reminder_days=lambda: settings.REPLY_REMINDER_DAYS,
        regulation_field="reply_regulation_id",
        regulation_reminder_days=lambda rules: rules.reply_reminder_days,
        draft=_reply_draft,
        recipients=partial(_petition_recipients, key_field="pk"),
        on_timeline=True,
    )
)
COMPLEX = register(
    Obligation(
        kind=ObligationKind.COMPLEX,
        label=gettext_lazy("Giải quyết vụ việc phức tạp"),
        candidates=lambda today: complex_targets_pending(),
        due_field="complex_target_on",
        key_field="complex_notice_id",
        fields=[*_PETITION_FIELDS, "complex_target_on", "complex_notice_id"],
        reminder_days=lambda: settings.REPLY_REMINDER_DAYS,
        regulation_field="reply_regulation_id",
        regulation_reminder_days=lambda rules: rules.reply_reminder_days,
        draft=_complex_draft,
        recipients=partial(_petition_recipients, key_field="complex_notice_id"),
        on_timeline=True,
    )
)
