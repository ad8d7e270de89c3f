"""Telling a successor's staff what passed to them from a unit that ended (a reorganisation,
``ops.reorganisation``), for what has no timeline of its own: the planned dialogues of annual
plans and the periodic reports due. Sessions and petitions that moved are told through their
timeline events (``notifications.events``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dates import vn_date
from common.text import one_line
from sessions.models import PlannedDialogue
from units.models import ReorganisationStep, Role

from .engine import Directory, unit_parents
from .models import EmailStatus, Notification, ObligationKind

# The stage of the key (succession, step, stage, recipient): one notice per step and user.
STAGE = "received"


def successor_staff(unit_id: int) -> list[int]:
    """The staff serving ``unit_id`` today (on the unit itself, its organisation, or its area)."""
    directory = Directory(unit_parents([unit_id]), {Role.STAFF}, timezone.localdate())
    return sorted(set(directory.members(unit_id, Role.STAFF)))


def _what(*, plan_items: int, report_dues: int) -> list[str]:
    parts = []
    if plan_items:
        parts.append(_("%(count)s cuộc đối thoại dự kiến") % {"count": plan_items})
    if report_dues:
        parts.append(_("%(count)s báo cáo định kỳ") % {"count": report_dues})
    return parts


def _url(step: ReorganisationStep, on, plan_items: int) -> str:
    if plan_items:
        moved = (
            PlannedDialogue.objects.filter(moved_from=step.predecessor_id, moved_on=on, plan__unit=step.successor_id)
            .order_by("-plan__year", "pk")
            .values_list("plan_id", flat=True)
            .first()
        )
        if moved:
            return reverse("plans:detail", args=[moved])
    return reverse("reports:report_list")


def succession_notify(*, step: ReorganisationStep, on, plan_items: int = 0, report_dues: int = 0) -> int:
    """One notification per staff user of ``step``'s successor listing what it received from the
    predecessor that has no timeline of its own (planned dialogues, reports due), linking to the
    plan or the reports page. Recorded under the key (succession, step, stage, recipient): a
    re-run inserts nothing. Nothing moved, nothing said. Returns the notifications created."""
    if not (plan_items or report_dues):
        return 0
    user_ids = successor_staff(step.successor_id)
    if not user_ids:
        return 0
    already = set(
        Notification.objects.filter(
            obligation=ObligationKind.SUCCESSION, object_id=step.pk, stage=STAGE, recipient_id__in=user_ids
        ).values_list("recipient_id", flat=True)
    )
    emails = dict(
        get_user_model()
        .objects.filter(pk__in=[u for u in user_ids if u not in already], is_active=True)
        .values_list("pk", "email")
    )
    if not emails:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        what = ", ".join(_what(plan_items=plan_items, report_dues=report_dues))
        title = _("Tiếp nhận từ %(old)s: %(what)s") % {"old": step.predecessor, "what": what}
        lines = [
            _("%(old)s chấm dứt hoạt động từ %(day)s; %(new)s kế thừa: %(what)s.")
            % {"old": step.predecessor, "new": step.successor, "day": vn_date(on), "what": what}
        ]
        if plan_items:
            lines.append(_("Các cuộc đối thoại dự kiến đã được chuyển vào kế hoạch cùng năm của đơn vị."))
        if report_dues:
            lines.append(_("Các báo cáo định kỳ còn phải gửi được liệt kê ở trang Báo cáo định kỳ."))
        body = "\n".join(lines)
    url = _url(step, on, plan_items)
    rows = [
        Notification(
            recipient_id=user_id,
            obligation=ObligationKind.SUCCESSION,
            object_id=step.pk,
            stage=STAGE,
            title=one_line(title, 300),
            body=body,
            url=url,
            email_status=EmailStatus.PENDING if email else EmailStatus.NONE,
        )
        for user_id, email in sorted(emails.items())
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
