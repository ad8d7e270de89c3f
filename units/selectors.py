"""Reads of the organisation: units in a user's scope, heads in office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .access import ALL_ROLES, DASHBOARD_ROLES, scope_of, subtree_q
from .models import DocumentFormat, Leader, ReorganisationStep, Role, Unit


def units_visible_to(user, roles: Iterable[str] = ALL_ROLES) -> QuerySet[Unit]:
    """Units inside the user's subtrees for ``roles`` (every unit for an administrator)."""
    return Unit.objects.select_related("kind").filter(scope_of(user).q("path", roles))


def units_for_staff(user) -> QuerySet[Unit]:
    """Units for which the user may organise sessions."""
    return units_visible_to(user, {Role.STAFF})


def dashboard_units(user) -> QuerySet[Unit]:
    """Units whose dashboards and reports the user may open."""
    return units_visible_to(user, DASHBOARD_ROLES)


def units_active_on(day: dt.date | None = None) -> QuerySet[Unit]:
    """Units that may be chosen on ``day`` (default today): active on that day."""
    day = day or timezone.localdate()
    return (
        Unit.objects.filter(Q(active_to__isnull=True) | Q(active_to__gte=day))
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=day))
        .only("id", "name", "path")
    )


def unit_ids_in(paths: Iterable[str]) -> QuerySet[Unit]:
    """The ids of the units in the subtrees, as a subquery (``common.sql.AnyOf``)."""
    return Unit.objects.filter(subtree_q(paths, "path")).values("pk")


def unit_ids_of_subtree(unit: Unit) -> list[int]:
    """Ids of the units of ``unit``'s subtree (one small indexed query on the path)."""
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# Predecessors: the units a reorganisation ended into a unit's subtree ("đơn vị tiền thân")
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Predecessors:
    """The predecessors of a unit (``predecessors_of``): the top units of their subtrees (an old
    district, with its communes and offices below it) and the ids of every unit in them."""

    roots: tuple[Unit, ...] = ()
    unit_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.roots)

    @property
    def paths(self) -> list[str]:
        return [u.path for u in self.roots]


def has_predecessors(unit: Unit) -> bool:
    """Did a reorganisation give a unit of ``unit``'s subtree the obligations of a unit outside
    it? One indexed query (the dashboard shows its predecessors' option only then)."""
    return (
        ReorganisationStep.objects.filter(successor__path__startswith=unit.path)
        .exclude(predecessor__path__startswith=unit.path)
        .exists()
    )


def _outermost(paths: Iterable[str]) -> list[str]:
    """The paths not inside another of ``paths`` (a subtree counted once)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def predecessors_of(unit: Unit) -> Predecessors:
    """Every unit P outside ``unit``'s subtree whose chain of successors (``ReorganisationStep``)
    leads into that subtree, with P's own subtree: an old district merged into a new commune, and
    the old communes merged into that district's units before it (predecessors of predecessors).
    A unit inside a predecessor's subtree is counted with it, never as a root of its own.

    One query per generation of the chain (usually one or two), then one for the units of the
    predecessors' subtrees."""
    known = [unit.path]  # the subtrees already reached: the unit's and its predecessors'
    found: list[str] = []
    reached = [unit.path]
    while reached:
        steps = ReorganisationStep.objects.filter(subtree_q(reached, "successor__path")).exclude(
            subtree_q(known, "predecessor__path")
        )
        reached = _outermost(steps.values_list("predecessor__path", flat=True))
        known = _outermost([*known, *reached])
        found = _outermost([*found, *reached])
    if not found:
        return Predecessors()
    units = list(
        Unit.objects.filter(subtree_q(found, "path"))
        .exclude(path__startswith=unit.path)
        .only("pk", "name", "path", "depth", "parent_id")
    )
    roots = tuple(sorted((u for u in units if u.path in found), key=lambda u: u.path))
    return Predecessors(roots=roots, unit_ids=frozenset(u.pk for u in units))


def leaders_in_office_q(day: dt.date) -> Q:
    """Heads whose term covers ``day``."""
    return Q(term_start__lte=day) & (Q(term_end__isnull=True) | Q(term_end__gte=day))


def head_user_ids(unit_ids: Iterable[int], day: dt.date) -> dict[int, list[int]]:
    """User accounts of the heads in office on ``day``, by unit."""
    heads: dict[int, list[int]] = {}
    rows = Leader.objects.filter(leaders_in_office_q(day), unit_id__in=list(unit_ids), user__isnull=False)
    for unit_id, user_id in rows.values_list("unit_id", "user_id"):
        heads.setdefault(unit_id, []).append(user_id)
    return heads


# ---------------------------------------------------------------------------------------------
# The heads bound by the rule (R1) and the levels they answer for
# ---------------------------------------------------------------------------------------------


def bound_unit_q(prefix: str = "") -> Q:
    """Units whose heads are bound by the rule (their kind says so: data, edited in the admin).
    ``prefix`` reaches the unit through a relation, e.g. ``"unit__"``."""
    return Q(**{f"{prefix}kind__bound_by_dialogue_rule": True})


def active_during_q(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """Units active on at least one day of ``start``–``end``."""
    return (Q(**{f"{prefix}active_from__isnull": True}) | Q(**{f"{prefix}active_from__lte": end})) & (
        Q(**{f"{prefix}active_to__isnull": True}) | Q(**{f"{prefix}active_to__gte": start})
    )


def leaders_in_office_during_q(start: dt.date, end: dt.date) -> Q:
    """Heads whose term covers at least one day of ``start``–``end``."""
    return Q(term_start__lte=end) & (Q(term_end__isnull=True) | Q(term_end__gte=start))


def bound_heads(start: dt.date, end: dt.date) -> QuerySet[Leader]:
    """The register of heads bound by the rule for the days ``start``–``end``: heads of bound units
    whose term overlaps them (a head who left mid-year and the successor are both in it, each a
    ``Leader`` row of their own)."""
    return (
        Leader.objects.filter(bound_unit_q("unit__"), leaders_in_office_during_q(start, end))
        .filter(active_during_q(start, end, "unit__"))
        .select_related("unit", "unit__kind")
    )


def _ancestor_ids(unit: Unit) -> list[int]:
    """Ids of ``unit`` and its ancestors, from its materialised path, the unit first."""
    return [int(p) for p in reversed(unit.path.split(".")) if p]


def level_of(unit: Unit) -> Unit:
    """The level ``unit`` belongs to: the nearest node among the unit and its ancestors whose
    children include bound units (the area of a province, a district, a commune). A province's
    People's Committee, its party committee and its departments are all at the province's level.
    One query (two when the level is not the unit itself)."""
    chain = _ancestor_ids(unit)
    with_bound_children = set(
        Unit.objects.filter(bound_unit_q(), parent_id__in=chain).values_list("parent_id", flat=True)
    )
    for pk in chain:
        if pk in with_bound_children:
            return unit if pk == unit.pk else Unit.objects.get(pk=pk)
    return unit


def same_level_bound_units(unit: Unit, day: dt.date | None = None) -> list[Unit]:
    """The party committee and the government at ``unit``'s level (the bound units of its
    level), active on ``day`` (default today): those whose heads a reply at this level is
    reported to ("báo cáo người đứng đầu cấp ủy, chính quyền cùng cấp")."""
    day = day or timezone.localdate()
    level = level_of(unit)
    units = Unit.objects.filter(bound_unit_q(), parent=level).filter(active_during_q(day, day)).order_by("path")
    found = list(units)
    if not found and unit.kind.bound_by_dialogue_rule:
        found = [unit]
    return found


def levels_headed_by(user, day: dt.date | None = None) -> set[int]:
    """Ids of the levels ``user`` heads, or speaks for: the level of each unit they head in
    office on ``day`` (a ``Leader`` term of a bound unit) and of each unit they hold the leader
    or staff role on."""
    day = day or timezone.localdate()
    scope = scope_of(user)
    units = [m.unit for m in scope.memberships if m.role in (Role.LEADER, Role.STAFF)]
    units += [
        leader.unit
        for leader in Leader.objects.filter(leaders_in_office_q(day), bound_unit_q("unit__"), user=user).select_related(
            "unit__kind"
        )
    ]
    return {level_of(u).pk for u in units}


def units_at_levels(level_ids: Iterable[int]) -> list[int]:
    """Ids of the units that belong to one of the levels ``level_ids`` (see ``level_of``): each
    level's subtree, without the subtrees of the lower levels inside it. One query per level."""
    result: set[int] = set()
    for level in Unit.objects.filter(pk__in=list(level_ids)).only("pk", "path"):
        rows = list(
            Unit.objects.filter(path__startswith=level.path).values_list(
                "pk", "path", "parent_id", "kind__bound_by_dialogue_rule"
            )
        )
        levels = {parent for _pk, _path, parent, bound in rows if bound and parent}
        for pk, path, _parent, _bound in rows:
            chain = [int(p) for p in reversed(path.split(".")) if p]
            own = next((a for a in chain if a in levels), None)
            if own == level.pk or (own is None and pk == level.pk):
                result.add(pk)
    return sorted(result)


@dataclass(frozen=True)
class Letterhead:
    """What an official document of ``unit`` prints in its header."""

    party: bool
    unit_name: str
    superior_name: str
    place: str


def unit_letterhead(unit: Unit) -> Letterhead:
    """The issuing body, its superior (Party documents always name it; State documents when the
    superior is itself an issuing body, i.e. has a symbol) and the place name of the date line:
    the unit's own or its nearest ancestor's."""
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=[int(p) for p in unit.path.split(".") if p])}
    place, node = "", unit
    while node is not None:
        if node.place_name:
            place = node.place_name
            break
        node = ancestors.get(node.parent_id)
    superior = ancestors.get(unit.parent_id)
    party = unit.kind.document_format == DocumentFormat.PARTY
    superior_name = ""
    if superior is not None and (party or superior.symbol):
        superior_name = superior.name
    return Letterhead(party=party, unit_name=unit.name, superior_name=superior_name, place=place)
