"""Who may see and do what: the one place where access is decided.

A user's access is a ``Scope``, computed once per request from their active memberships and
cached on the user object (``scope_of``). A membership's unit is the root of a subtree: a
province's Front monitor holds the role on the province node and so watches its whole area; an
agency officer holds it on the agency. Administrators (superusers, or the ``admin`` role) see
everything.

The scope answers questions (``can_record_sessions``, ``monitors``, ...) and gives the subtrees
per role; the selectors of each app turn those subtrees into querysets
(``sessions.selectors.sessions_visible_to``, ``petitions.selectors.petitions_visible_to``, ...),
so every view, export, dashboard, document and notification link reads access from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.db.models import Q

from .models import Membership, Role, Unit

ALL_ROLES = frozenset(Role.values)
# Roles whose scope is the whole subtree of the membership's unit.
AREA_ROLES = frozenset({Role.STAFF, Role.LEADER, Role.FRONT, Role.BOARD})
# Roles that open dashboards, drill-down lists and periodic reports for their subtree.
DASHBOARD_ROLES = frozenset({Role.STAFF, Role.LEADER, Role.FRONT, Role.BOARD})


def subtree_q(paths: Iterable[str], field: str) -> Q:
    """Rows whose unit lies in one of the subtrees (``field`` is a unit's ``path``, e.g.
    ``"organising_unit__path"``). No paths: no rows."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


class Scope:
    """The access of one user, from their active memberships."""

    def __init__(self, user):
        self.user = user
        self.is_authenticated = bool(getattr(user, "is_authenticated", False))
        if self.is_authenticated:
            self.memberships: tuple[Membership, ...] = tuple(
                Membership.objects.filter(user=user, is_active=True).select_related("unit", "organisation")
            )
        else:
            self.memberships = ()
        self.roles = frozenset(m.role for m in self.memberships)
        self.is_admin = self.is_authenticated and (user.is_superuser or Role.ADMIN in self.roles)

    # -- subtrees ----------------------------------------------------------------------------

    def paths(self, roles: Iterable[str] = ALL_ROLES) -> list[str] | None:
        """Materialised paths of the subtrees the user holds one of ``roles`` on.
        ``None`` means unrestricted (administrator); an empty list means nothing."""
        if not self.is_authenticated:
            return []
        if self.is_admin:
            return None
        roles = set(roles)
        return sorted({m.unit.path for m in self.memberships if m.role in roles})

    def q(self, field: str, roles: Iterable[str] = ALL_ROLES) -> Q:
        """``Q`` for rows whose unit (``field`` = a unit's path) is inside the user's subtrees
        for ``roles``; everything for an administrator."""
        paths = self.paths(roles)
        return Q() if paths is None else subtree_q(paths, field)

    def covers(self, unit: Unit | None, roles: Iterable[str] = ALL_ROLES) -> bool:
        """Is ``unit`` inside the user's subtrees for ``roles``?"""
        if unit is None:
            return False
        paths = self.paths(roles)
        return paths is None or any(unit.path.startswith(p) for p in paths)

    @cached_property
    def area_paths(self) -> list[str] | None:
        return self.paths(AREA_ROLES)

    @cached_property
    def staff_paths(self) -> list[str] | None:
        return self.paths({Role.STAFF})

    @cached_property
    def agency_paths(self) -> list[str] | None:
        return self.paths({Role.AGENCY})

    @cached_property
    def front_paths(self) -> list[str] | None:
        return self.paths({Role.FRONT})

    @cached_property
    def dashboard_paths(self) -> list[str] | None:
        return self.paths(DASHBOARD_ROLES)

    # -- capabilities --------------------------------------------------------------------------

    def has(self, *roles: str) -> bool:
        """Does the user hold one of ``roles`` somewhere (an administrator holds every role)?"""
        return self.is_admin or bool(self.roles & set(roles))

    @property
    def can_record_sessions(self) -> bool:
        return self.has(Role.STAFF)

    @property
    def is_agency(self) -> bool:
        return self.has(Role.AGENCY)

    @property
    def can_monitor(self) -> bool:
        return self.has(Role.FRONT)

    @property
    def can_see_dashboards(self) -> bool:
        return self.has(*DASHBOARD_ROLES)

    def sees_predecessors_of(self, unit: Unit) -> bool:
        """The predecessors' view of ``unit``'s dashboard ("tính cả đơn vị tiền thân"): whoever
        may open the unit's dashboard may also count, and list without links, the rows of its
        predecessors' subtrees (``units.selectors.predecessors_of``), so that the figures stay
        comparable across a reorganisation. The rows' own pages keep their access: a row outside
        the user's subtrees still answers 404."""
        return self.covers(unit, DASHBOARD_ROLES)

    def front_membership_for(self, units: Iterable[Unit | None]) -> Membership | None:
        """The Front membership whose area contains one of ``units`` (a petition's organising and
        responsible units). Administrators are not Front monitors: they get ``None``."""
        paths = [u.path for u in units if u is not None]
        for m in self.memberships:
            if m.role == Role.FRONT and any(p.startswith(m.unit.path) for p in paths):
                return m
        return None

    def front_organisation_for(self, units: Iterable[Unit | None]) -> Unit | None:
        """The Front organisation the monitor acts for on an object of ``units``: the
        membership's ``organisation``, else its unit."""
        m = self.front_membership_for(units)
        return (m.organisation or m.unit) if m else None

    def nav(self) -> dict[str, bool]:
        """Which menus the navigation shows."""
        if not self.is_authenticated:
            return {}
        return {
            "staff": self.can_record_sessions,
            "agency": self.is_agency,
            "area": self.has(*AREA_ROLES),
            "monitor": self.can_monitor,
            "reports": self.can_see_dashboards,
            "admin": self.is_admin or self.user.is_staff,
            # The heads' cycle: annual plans, the chair's commitments, reports to the head and
            # the head's own scorecard.
            "plans": self.has(*AREA_ROLES),
            "commitments": self.has(*AREA_ROLES, Role.AGENCY),
            "to_follow": self.has(Role.LEADER, Role.STAFF),
            "scorecard": self.has(Role.LEADER),
        }


def scope_of(user) -> Scope:
    """The user's scope, computed once and cached on the user object (one per request)."""
    scope = getattr(user, "_dp_scope", None)
    if scope is None:
        scope = Scope(user)
        if getattr(user, "is_authenticated", False):
            user._dp_scope = scope
    return scope
