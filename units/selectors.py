"""Reads of the organisation: units in a user's scope, heads in office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .access import ALL_ROLES, DASHBOARD_ROLES, scope_of, subtree_q
from .models import DocumentFormat, Leader, Role, Unit


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
