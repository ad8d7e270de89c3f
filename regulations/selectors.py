"""Which regulation governs: the one accessor every layer uses for the parameters of the cycle.

``regulation_for(unit, day)`` returns the ``Rules`` of the most specific regulation in force for
``unit`` on ``day`` (the deepest one recorded on the unit or one of its ancestors), or the
settings' when none is recorded. An obligation records the regulation its clock started under
(``DialogueSession.notice_regulation``, ``Petition.reply_regulation``, ``ReportDue.regulation``)
and reads its own limits back with ``rules_of``: a later regulation never rewrites it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from units.models import Unit

from .models import Regulation
from .rules import Rules


def _ancestor_ids(unit: Unit) -> list[int]:
    """The unit and its ancestors, from its materialised path (no query)."""
    return [int(part) for part in (unit.path or "").split(".") if part] or ([unit.pk] if unit.pk else [])


def in_force_q(day: dt.date) -> Q:
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def regulation_in_force(unit: Unit | None, day: dt.date) -> Regulation | None:
    """The most specific regulation in force for ``unit`` on ``day`` (one small indexed query),
    or ``None``: the settings apply."""
    if unit is None:
        return None
    return (
        Regulation.objects.filter(in_force_q(day), unit_id__in=_ancestor_ids(unit))
        .order_by("-unit__depth", "-effective_from", "-pk")
        .first()
    )


def regulation_for(unit: Unit | None, day: dt.date) -> Rules:
    """Every parameter of the cycle for an obligation of ``unit`` whose clock starts on ``day``
    (the settings when no regulation is recorded for the unit or an ancestor)."""
    return Rules.of(regulation_in_force(unit, day))


def regulations_for(units: Iterable[Unit], day: dt.date) -> dict[int, Rules]:
    """``regulation_for`` of many units on one day, in one query: by unit id."""
    units = [u for u in units if u is not None]
    ids = {i for u in units for i in _ancestor_ids(u)}
    found = list(Regulation.objects.filter(in_force_q(day), unit_id__in=ids).select_related("unit"))
    found.sort(key=lambda r: (r.unit.depth, r.effective_from, r.pk), reverse=True)
    default = None
    result: dict[int, Rules] = {}
    cache: dict[int, Rules] = {}
    for unit in units:
        ancestors = set(_ancestor_ids(unit))
        regulation = next((r for r in found if r.unit_id in ancestors), None)
        if regulation is None:
            default = default or Rules.from_settings()
            result[unit.pk] = default
        else:
            result[unit.pk] = cache.setdefault(regulation.pk, Rules.of(regulation))
    return result


def rules_of(regulation: Regulation | Rules | None) -> Rules:
    """The rules an obligation recorded: its regulation's, or the settings' (``None``)."""
    if isinstance(regulation, Rules):
        return regulation
    return Rules.of(regulation)


def rules_by_id(ids: Iterable[int | None]) -> dict[int | None, Rules]:
    """The rules of recorded regulations by id (``None``: the settings), in one query."""
    wanted = {i for i in ids if i is not None}
    result: dict[int | None, Rules] = {None: Rules.from_settings()}
    for regulation in Regulation.objects.filter(pk__in=wanted):
        result[regulation.pk] = Rules.of(regulation)
    return result


def all_rules() -> dict[int | None, Rules]:
    """Every recorded regulation's rules (a small table) and the settings' (``None``): what the
    deadline engine groups its stages by."""
    result: dict[int | None, Rules] = {None: Rules.from_settings()}
    for regulation in Regulation.objects.all():
        result[regulation.pk] = Rules.of(regulation)
    return result


def regulations_of_unit(unit: Unit) -> QuerySet[Regulation]:
    """The regulations recorded for ``unit`` or its ancestors, newest first (for pages)."""
    return (
        Regulation.objects.filter(unit_id__in=_ancestor_ids(unit))
        .select_related("unit")
        .order_by("-unit__depth", "-effective_from")
    )


def plan_due_dates_of(units: Iterable[Unit], year: int) -> dict[int, dt.date]:
    """The plan due date of ``year`` of each unit, by id: under the regulation in force for it at
    the start of the dialogue year, or, for a unit that began during the year, on its first day
    and counted from it (``years.plan_due_date``). One query per distinct first day."""
    from .years import dialogue_year_start, plan_due_date

    start = dialogue_year_start(year)
    by_day: dict[dt.date, list[Unit]] = {}
    for unit in units:
        by_day.setdefault(max(start, unit.active_from or start), []).append(unit)
    due: dict[int, dt.date] = {}
    for day, group in by_day.items():
        rules = regulations_for(group, day)
        for unit in group:
            due[unit.pk] = plan_due_date(year, rules=rules[unit.pk], begins_on=day if day > start else None)
    return due


def plan_due_dates_by_subtree(year: int) -> list[tuple[str, dt.date]]:
    """The plan due date of ``year`` under each regulation in force at the start of the dialogue
    year, by the path of the subtree it governs, deepest first (a lower unit's regulation wins):
    what the plans' obligation annotates its units with."""
    from .years import dialogue_year_start, plan_due_date

    start = dialogue_year_start(year)
    found = Regulation.objects.filter(in_force_q(start)).select_related("unit").order_by("-unit__depth", "-pk")
    return [(r.unit.path, plan_due_date(year, rules=Rules.of(r))) for r in found]
