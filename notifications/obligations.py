"""The obligations of the session's notice and of the petitions' answers, as the deadline engine
chases them: which rows owe them, who is reminded and escalated to, and the words of each
message. The mechanics are in ``notifications.engine``.

A petition's obligations: the assigned unit's written reply (R3), a complex-case target (R5),
the competent unit's target after a forwarding (R4), a supplementary reply asked for after the
Front's "not satisfied", and each coordinating unit's contribution (before the lead's R3 date)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import vn_date
from petitions.identity import petitioner_name
from petitions.models import (
    ComplexCaseNotice,
    Coordination,
    Forwarding,
    Petition,
    PetitionStatus,
    SupplementaryRequest,
)
from petitions.publicity import redact_values
from petitions.workflow import OWES_ANSWER
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
        responsible_unit__isnull=False,
        session__withdrawn_at__isnull=True,
    ).annotate(complex_notice_id=Subquery(latest))


def forwarded_targets_pending() -> QuerySet[Forwarding]:
    """The latest forwarding of each forwarded petition whose competent unit has not answered."""
    return Forwarding.objects.filter(
        answered_on__isnull=True,
        due_on__isnull=False,
        petition__status=PetitionStatus.FORWARDED,
        petition__responsible_unit=F("to_unit"),
        petition__session__withdrawn_at__isnull=True,
    )


def supplementary_replies_pending() -> QuerySet[SupplementaryRequest]:
    """Supplementary replies asked for and not given yet."""
    return SupplementaryRequest.objects.filter(
        replied_on__isnull=True,
        petition__status=PetitionStatus.SUPPLEMENTARY,
        petition__session__withdrawn_at__isnull=True,
    )


def contributions_pending() -> QuerySet[Coordination]:
    """Coordinating units that have not contributed while the lead unit still owes an answer;
    they are chased toward the lead's reply due date."""
    return Coordination.objects.filter(
        contributed_on__isnull=True,
        petition__status__in=list(OWES_ANSWER),
        petition__reply_due_on__isnull=False,
        petition__session__withdrawn_at__isnull=True,
    )


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


def _petition_values(row: dict, due: dt.date, *, unit: str = "assigned_unit__name", prefix: str = "") -> dict:
    """The words of a petition's message, from a row of ``_PETITION_FIELDS`` (with ``prefix`` when
    the row is of another model: ``petition__``)."""
    text = row[f"{prefix}content"]
    protected = row[f"{prefix}identity_protected"]
    if protected:
        text = redact_values(
            text,
            name=row[f"{prefix}petitioner_name"],
            phone=row[f"{prefix}petitioner_phone"],
            email=row[f"{prefix}petitioner_email"],
            address=row[f"{prefix}petitioner_address"],
        )
    content = text if len(text) <= 160 else text[:157] + "..."
    assigned = row.get(f"{prefix}assigned_on")
    return {
        "id": row["pk"] if not prefix else row["petition_id"],
        # Sent to several people and by mail: a protected petitioner is never named.
        "petitioner": petitioner_name(row[f"{prefix}petitioner_name"], protected),
        "content": content,
        "unit": row[unit],
        "topic": row[f"{prefix}session__topic"],
        "held": vn_date(row[f"{prefix}session__held_on"]),
        "assigned": vn_date(assigned) if assigned else "—",
        "due": vn_date(due),
    }


def _prefixed(prefix: str) -> list[str]:
    return ["petition_id", *[f"{prefix}{f}" for f in _PETITION_FIELDS if f != "pk"]]


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
    values = _petition_values(row, due, unit="responsible_unit__name")
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
    rows: list[dict],
    stage: Stage,
    today: dt.date,
    *,
    key_field: str,
    unit_key: str = "assigned_unit_id",
    organiser_key: str = "session__organising_unit_id",
    chair_key: str = "session__chair__user_id",
    escalate_to_area: bool = True,
    agency_reason: str = "agency",
    head_reason: str = "head_responsible",
) -> dict[int, list[tuple[int, str]]]:
    """Reminders to the owing unit's agency officers; once overdue also its head and, when
    ``escalate_to_area``, the chair (or the organising unit's head) and the area's Front. Bound to
    an obligation's row fields with ``functools.partial``."""
    units = unit_parents([r[unit_key] for r in rows] + [r[organiser_key] for r in rows])
    roles = {Role.AGENCY} if not stage.is_overdue else {Role.AGENCY, Role.LEADER, Role.FRONT, "head"}
    directory = Directory(units, roles, today)
    who = {}
    for r in rows:
        responsible, organiser = r[unit_key], r[organiser_key]
        if stage.is_overdue and not escalate_to_area:
            users = [(u, head_reason) for u in directory.heads_of(responsible)]
            users += [(u, agency_reason) for u in directory.members(responsible, Role.AGENCY)]
        elif stage.is_overdue:
            users = [(u, head_reason) for u in directory.heads_of(responsible)]
            chair = [r[chair_key]] if r[chair_key] else directory.heads_of(organiser)
            users += [(u, "chair") for u in chair]
            users += [(u, agency_reason) for u in directory.members(responsible, Role.AGENCY)]
            users += [(u, "front") for u in directory.members(organiser, Role.FRONT)]
        else:
            users = [(u, agency_reason) for u in directory.members(responsible, Role.AGENCY)]
        who[r[key_field]] = users
    return who


# The obligations on a row that belongs to a petition (a forwarding, a supplementary request, a
# coordination): the petition's page, session and people, reached through ``petition__``.
_petition_row_recipients = partial(
    _petition_recipients,
    key_field="pk",
    organiser_key="petition__session__organising_unit_id",
    chair_key="petition__session__chair__user_id",
)


def _petition_row_draft(row: dict, due: dt.date, title: str, body: str) -> Draft:
    return Draft(
        object_id=row["pk"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=reverse("petitions:detail", args=[row["petition_id"]]),
        session_id=row["petition__session_id"],
        petition_id=row["petition_id"],
    )


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
        fields=[
            *_PETITION_FIELDS,
            "responsible_unit_id",
            "responsible_unit__name",
            "complex_target_on",
            "complex_notice_id",
        ],
        reminder_days=lambda: settings.REPLY_REMINDER_DAYS,
        regulation_field="reply_regulation_id",
        regulation_reminder_days=lambda rules: rules.reply_reminder_days,
        draft=_complex_draft,
        recipients=partial(_petition_recipients, key_field="complex_notice_id", unit_key="responsible_unit_id"),
        on_timeline=True,
    )
)


# ---------------------------------------------------------------------------------------------
# After a forwarding: the competent unit's own target (R4)
# ---------------------------------------------------------------------------------------------


def _forwarded_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["due_on"]
    values = {
        **_petition_values(row, due, unit="to_unit__name", prefix="petition__"),
        "from": row["from_unit__name"],
        "forwarded": vn_date(row["forwarded_on"]),
    }
    if stage.is_overdue:
        title = _("Quá hạn giải quyết kiến nghị #%(id)s được chuyển đến (%(unit)s)") % values
        lead = _("Đã quá hạn %(days)s ngày mà chưa có văn bản trả lời hay thông báo vụ việc phức tạp.") % {
            "days": (today - due).days
        }
    else:
        title = _("Nhắc hạn giải quyết kiến nghị #%(id)s được chuyển đến (%(left)s)") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị giải quyết, trả lời bằng văn bản cho người kiến nghị trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Kiến nghị #%(id)s của %(petitioner)s tại hội nghị “%(topic)s” ngày %(held)s: “%(content)s”. "
            "%(from)s đã chuyển đến %(unit)s ngày %(forwarded)s vì không thuộc thẩm quyền; hạn giải quyết: %(due)s."
        )
        % values
        + " "
        + lead
    )
    return _petition_row_draft(row, due, title, body)


FORWARDED = register(
    Obligation(
        kind=ObligationKind.FORWARDED,
        label=gettext_lazy("Giải quyết kiến nghị được chuyển đến"),
        candidates=lambda today: forwarded_targets_pending(),
        due_field="due_on",
        key_field="pk",
        fields=[
            "pk",
            *_prefixed("petition__"),
            "due_on",
            "forwarded_on",
            "to_unit_id",
            "to_unit__name",
            "from_unit__name",
        ],
        reminder_days=lambda: settings.REPLY_REMINDER_DAYS,
        regulation_field="regulation_id",
        regulation_reminder_days=lambda rules: rules.reply_reminder_days,
        draft=_forwarded_draft,
        recipients=partial(
            _petition_row_recipients,
            unit_key="to_unit_id",
        ),
        on_timeline=True,
    )
)


# ---------------------------------------------------------------------------------------------
# After the Front's "not satisfied": the supplementary reply
# ---------------------------------------------------------------------------------------------


def _supplementary_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["due_on"]
    values = {
        **_petition_values(row, due, unit="unit__name", prefix="petition__"),
        "requested": vn_date(row["requested_on"]),
    }
    if stage.is_overdue:
        title = _("Quá hạn trả lời bổ sung kiến nghị #%(id)s (%(unit)s)") % values
        lead = _("Đã quá hạn %(days)s ngày mà chưa có văn bản trả lời bổ sung.") % {"days": (today - due).days}
    else:
        title = _("Nhắc hạn trả lời bổ sung kiến nghị #%(id)s (%(left)s)") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị trả lời bổ sung bằng văn bản trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Kiến nghị #%(id)s của %(petitioner)s tại hội nghị “%(topic)s” ngày %(held)s: “%(content)s”. "
            "MTTQ đánh giá văn bản trả lời chưa thỏa đáng; ngày %(requested)s cơ quan tổ chức hội nghị yêu cầu "
            "%(unit)s trả lời bổ sung, hạn %(due)s."
        )
        % values
        + " "
        + lead
    )
    return _petition_row_draft(row, due, title, body)


SUPPLEMENTARY = register(
    Obligation(
        kind=ObligationKind.SUPPLEMENTARY,
        label=gettext_lazy("Trả lời bổ sung"),
        candidates=lambda today: supplementary_replies_pending(),
        due_field="due_on",
        key_field="pk",
        fields=["pk", *_prefixed("petition__"), "due_on", "requested_on", "unit_id", "unit__name"],
        reminder_days=lambda: settings.REPLY_REMINDER_DAYS,
        regulation_field="regulation_id",
        regulation_reminder_days=lambda rules: rules.reply_reminder_days,
        draft=_supplementary_draft,
        recipients=partial(
            _petition_row_recipients,
            unit_key="unit_id",
        ),
        on_timeline=True,
    )
)


# ---------------------------------------------------------------------------------------------
# Coordinating units (phối hợp): their contribution, before the lead unit's reply due date
# ---------------------------------------------------------------------------------------------


def _coordination_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["petition__reply_due_on"]
    values = {
        **_petition_values(row, due, unit="unit__name", prefix="petition__"),
        "lead": row["petition__responsible_unit__name"] or "—",
    }
    if stage.is_overdue:
        title = _("Quá hạn gửi ý kiến phối hợp, kiến nghị #%(id)s (%(unit)s)") % values
        lead = _("Đã quá hạn trả lời %(days)s ngày mà đơn vị phối hợp chưa gửi ý kiến.") % {"days": (today - due).days}
    else:
        title = _("Nhắc gửi ý kiến phối hợp, kiến nghị #%(id)s (%(left)s)") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị gửi ý kiến phối hợp cho đơn vị chủ trì trước ngày %(due)s.") % values
    body = (
        _(
            "Kiến nghị #%(id)s của %(petitioner)s tại hội nghị “%(topic)s” ngày %(held)s: “%(content)s”. "
            "%(lead)s chủ trì, %(unit)s phối hợp giải quyết; hạn trả lời của đơn vị chủ trì: %(due)s."
        )
        % values
        + " "
        + lead
    )
    return _petition_row_draft(row, due, title, body)


COORDINATION = register(
    Obligation(
        kind=ObligationKind.COORDINATION,
        label=gettext_lazy("Phối hợp giải quyết"),
        candidates=lambda today: contributions_pending(),
        due_field="petition__reply_due_on",
        key_field="pk",
        fields=[
            "pk",
            *_prefixed("petition__"),
            "petition__reply_due_on",
            "petition__responsible_unit__name",
            "unit_id",
            "unit__name",
        ],
        reminder_days=lambda: settings.REPLY_REMINDER_DAYS,
        regulation_field="petition__reply_regulation_id",
        regulation_reminder_days=lambda rules: rules.reply_reminder_days,
        draft=_coordination_draft,
        recipients=partial(
            _petition_row_recipients,
            unit_key="unit_id",
            escalate_to_area=False,
            agency_reason="coordinating",
            head_reason="head_coordinating",
        ),
    )
)
