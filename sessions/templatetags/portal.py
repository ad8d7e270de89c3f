"""Template helpers of the screens: the user's roles (for the navigation) and dd/mm/yyyy dates."""

from django import template

from sessions.models import Role
from sessions.selectors import user_roles

register = template.Library()


@register.simple_tag
def nav_roles(user) -> dict[str, bool]:
    """Which menus the navigation shows, from the user's memberships (cached per request)."""
    if not user.is_authenticated:
        return {}
    roles = user_roles(user)
    admin = Role.ADMIN in roles
    return {
        "staff": admin or Role.STAFF in roles,
        "agency": admin or Role.AGENCY in roles,
        "area": admin or bool(roles & {Role.STAFF, Role.LEADER, Role.FRONT, Role.BOARD}),
        "monitor": admin or bool(roles & {Role.FRONT}),
        "reports": admin or bool(roles & {Role.LEADER, Role.BOARD, Role.STAFF, Role.FRONT}),
        "admin": admin or user.is_staff,
    }


@register.filter
def vn_date(value):
    """A date as dd/mm/yyyy, or an em dash."""
    return value.strftime("%d/%m/%Y") if value else "—"
