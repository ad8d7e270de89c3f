"""Reads of the audit history (django-simple-history) shown on the petition page.

Every save of a tracked model writes a historical row; here consecutive rows of one object are
compared field by field, so staff see who changed what, when, from which value to which. The
number of queries is fixed (one per tracked model, one per kind of referenced object), however
long the history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .identity import PROTECTED
from .models import (
    ComplexCaseNotice,
    Coordination,
    Forwarding,
    Petition,
    Publication,
    SupplementaryRequest,
    WrittenReply,
)
from .publicity import redact
from .selectors import may_see_petitioner

HISTORY_LIMIT = 100
# Bookkeeping, derived or stored-file fields: the readable file name is shown instead of the path.
HIDDEN_FIELDS = {"id", "created_at", "created_by", "updated_at", "search_text"}
# Shown as "Người kiến nghị được bảo vệ danh tính" to a reader who may not see the petitioner.
IDENTITY_FIELDS = {"petitioner_name", "petitioner_address", "petitioner_phone", "petitioner_email"}
ACTIONS = {"+": gettext_lazy("Tạo mới"), "~": gettext_lazy("Sửa"), "-": gettext_lazy("Xóa")}


@dataclass
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: dt.datetime
    user: object | None
    action: str
    subject: str
    changes: list[HistoryChange] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))


def _tracked(model) -> list[models.Field]:
    return [
        f
        for f in model.history.model.tracked_fields
        if f.name not in HIDDEN_FIELDS and not isinstance(f, models.FileField)
    ]


def _sources(petition: Petition):
    return [
        (Petition, Petition.history.filter(id=petition.pk), lambda r: _("Kiến nghị")),
        (
            WrittenReply,
            WrittenReply.history.filter(petition_id=petition.pk),
            lambda r: _("Văn bản trả lời %(n)s") % {"n": r.number},
        ),
        (Forwarding, Forwarding.history.filter(petition_id=petition.pk), lambda r: _("Chuyển cấp có thẩm quyền")),
        (
            ComplexCaseNotice,
            ComplexCaseNotice.history.filter(petition_id=petition.pk),
            lambda r: _("Thông báo vụ việc phức tạp"),
        ),
        (Publication, Publication.history.filter(petition_id=petition.pk), lambda r: _("Công khai kết quả")),
        (
            SupplementaryRequest,
            SupplementaryRequest.history.filter(petition_id=petition.pk),
            lambda r: _("Yêu cầu trả lời bổ sung"),
        ),
        (Coordination, Coordination.history.filter(petition_id=petition.pk), lambda r: _("Đơn vị phối hợp")),
    ]


def _display(f: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return str(related.get(f.related_model, {}).get(value, f"#{value}"))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "d/m/Y")
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def petition_history(petition: Petition, *, viewer=None, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The latest ``limit`` changes to the petition and its replies, forwardings, complex-case
    notices, supplementary requests, coordinating units and publication, newest first, each with
    the fields it changed (old → new). The petitioner's identity shows only if ``viewer`` may
    see it (``may_see_petitioner``)."""
    reveal = may_see_petitioner(viewer, petition)
    pending = []  # (model, fields, subject, record, previous record or None)
    wanted = defaultdict(set)  # related model → ids to resolve in one query each
    for model, queryset, subject in _sources(petition):
        fields = _tracked(model)
        # One extra row per source, so the oldest change shown still has its "before".
        rows = list(queryset.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
        rows.reverse()
        previous = {}
        for position, record in enumerate(rows):
            before = previous.get(record.id)
            previous[record.id] = record
            if position == 0 and len(rows) > limit:
                continue
            pending.append((fields, subject, record, before))
            for f in fields:
                if f.is_relation:
                    value = getattr(record, f.attname)
                    if value is not None and (before is None or getattr(before, f.attname) != value):
                        wanted[f.related_model].add(value)
                        if before is not None and getattr(before, f.attname) is not None:
                            wanted[f.related_model].add(getattr(before, f.attname))
    related = {}
    user_model = get_user_model()
    for model, ids in wanted.items():
        objects = model._default_manager.filter(pk__in=ids)
        if model is user_model:
            related[model] = {u.pk: u.get_full_name() or u.get_username() for u in objects}
        else:
            related[model] = {o.pk: str(o) for o in objects}

    entries = []
    for fields, subject, record, before in pending:
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if before is not None and old == new:
                continue
            if before is None and (new is None or new == ""):
                continue
            if not reveal and f.name in IDENTITY_FIELDS:
                changes.append(HistoryChange(str(f.verbose_name), str(PROTECTED), str(PROTECTED)))
                continue
            if not reveal and f.name == "content" and record.instance_type is Petition:
                old, new = (redact(v, petition) if v else v for v in (old, new))
            changes.append(HistoryChange(str(f.verbose_name), _display(f, old, related), _display(f, new, related)))
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing visible
        entries.append(
            HistoryEntry(record.history_date, record.history_user, record.history_type, subject(record), changes)
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
