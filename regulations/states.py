"""Deadline states, derived and never stored (DESIGN.md, "Deadline states").

Each state is one ``Q`` over an obligation's stored due date and completion date, so the same
condition annotates a list, filters it and counts a dashboard figure in the database."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    MET = "met", _("Hoàn thành đúng hạn")
    MET_LATE = "met_late", _("Hoàn thành trễ hạn")


PENDING_STATES = (DeadlineState.OPEN, DeadlineState.DUE_SOON, DeadlineState.OVERDUE)


def deadline_state_conditions(
    *, due: str, done: str, today: dt.date | None = None, live: Q | None = None
) -> dict[str, Q]:
    """One ``Q`` per state for an obligation with due-date field ``due`` and completion-date
    field ``done``. ``live`` restricts the pending states (a withdrawn item is not overdue).
    A completion after the due date is ``met_late`` forever."""
    pending = Q(**{f"{done}__isnull": True, f"{due}__isnull": False})
    if live is not None:
        pending &= live
    return {
        DeadlineState.MET: Q(**{f"{done}__isnull": False, f"{due}__isnull": False, f"{done}__lte": F(due)}),
        DeadlineState.MET_LATE: Q(**{f"{done}__isnull": False, f"{due}__isnull": False, f"{done}__gt": F(due)}),
        **{state: pending & q for state, q in pending_state_conditions(due=due, today=today).items()},
    }


def pending_state_conditions(*, due: str, today: dt.date | None = None) -> dict[str, Q]:
    """The pending states (``open``, ``due_soon``, ``overdue``) of rows already known to owe
    the obligation (the deadline engine's candidates), from their due-date field ``due``."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=settings.DEADLINE_WARNING_DAYS)
    return {
        DeadlineState.OVERDUE: Q(**{f"{due}__lt": today}),
        DeadlineState.DUE_SOON: Q(**{f"{due}__gte": today, f"{due}__lte": soon}),
        DeadlineState.OPEN: Q(**{f"{due}__gt": soon}),
    }


def state_case(conditions: dict[str, Q]) -> Case:
    """An annotation naming the state each row is in (``None``, the CASE's default, when the
    obligation has no clock)."""
    return Case(*[When(condition, then=Value(state)) for state, condition in conditions.items()])
