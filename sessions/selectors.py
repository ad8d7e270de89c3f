"""Reads for units and sessions. Who may see what is decided here and only here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import DialogueSession, Membership, Role, Unit

ALL_ROLES = frozenset(Role.values)
# Roles whose scope is the whole subtree of the membership's unit (sessions organised there).
AREA_ROLES = frozenset({Role.STAFF, Role.LEADER, Role.FRONT, Role.BOARD})


def user_is_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # From the memberships cached on the user: scope checks run several times per request.
    return any(m.role == Role.ADMIN for m in memberships_of(user))


def _memberships(user) -> QuerySet[Membership]:
    cached = getattr(user, "_dp_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, is_active=True).select_related("unit"))
        user._dp_memberships = cached
    return Membership.objects.filter(pk__in=[m.pk for m in cached])


def memberships_of(user) -> list[Membership]:
    """The user's active memberships, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    _memberships(user)
    return user._dp_memberships


def user_roles(user) -> set[str]:
    roles = {m.role for m in memberships_of(user)}
    if user.is_authenticated and user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def scope_paths(user, roles: Iterable[str] = ALL_ROLES) -> list[str] | None:
    """Materialised paths of the subtrees the user may see under ``roles``.

    ``None`` means unrestricted (administrator); an empty list means nothing.
    """
    if not user.is_authenticated:
        return []
    if user_is_admin(user):
        return None
    roles = set(roles)
    return sorted({m.unit.path for m in memberships_of(user) if m.role in roles})


def subtree_q(paths: Iterable[str], field: str) -> Q:
    """Q for rows whose unit (``field`` = path of a Unit, e.g. ``"organising_unit__path"``) lies in a subtree."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def units_visible_to(user, roles: Iterable[str] = ALL_ROLES) -> QuerySet[Unit]:
    paths = scope_paths(user, roles)
    qs = Unit.objects.select_related("kind")
    if paths is None:
        return qs
    return qs.filter(subtree_q(paths, "path"))


def sessions_visible_to(user) -> QuerySet[DialogueSession]:
    """Sessions the user may see: organised in an area role's subtree, or carrying a petition
    assigned (or forwarded) to an agency role's subtree. Withdrawn sessions are included; lists
    filter them out."""
    from petitions.models import Petition

    qs = DialogueSession.objects.select_related("organising_unit", "organising_unit__kind", "chair")
    paths = scope_paths(user)
    if paths is None:
        return qs
    area = scope_paths(user, AREA_ROLES)
    agency = scope_paths(user, {Role.AGENCY})
    q = subtree_q(area, "organising_unit__path")
    if agency:
        from petitions.selectors import petitions_of_agency_q

        q |= Q(Exists(Petition.objects.filter(petitions_of_agency_q(agency), session=OuterRef("pk"))))
    return qs.filter(q)


def sessions_editable_by(user) -> QuerySet[DialogueSession]:
    """Sessions the user may record or change: staff (or admin) of the organising subtree."""
    qs = DialogueSession.objects.select_related("organising_unit", "organising_unit__kind", "chair")
    paths = scope_paths(user, {Role.STAFF})
    if paths is None:
        return qs
    return qs.filter(subtree_q(paths, "organising_unit__path"))


def units_for_staff(user) -> QuerySet[Unit]:
    """Units for which the user may organise sessions."""
    return units_visible_to(user, {Role.STAFF})
