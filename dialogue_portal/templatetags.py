"""The ``portal`` template library (registered in ``settings.TEMPLATES``): the navigation read
from the user's access scope, the one date format, and deadline-state labels from their enum."""

from django import template

from common.dates import vn_date as format_date
from common.dates import vn_datetime as format_datetime
from regulations.states import DeadlineState
from units.access import scope_of

register = template.Library()


@register.simple_tag
def nav_roles(user) -> dict[str, bool]:
    """Which menus the navigation shows (``units.access.Scope.nav``)."""
    return scope_of(user).nav()


@register.filter
def vn_date(value):
    """A date as dd/mm/yyyy, or an em dash."""
    return format_date(value, "—")


@register.filter
def vn_datetime(value):
    """A moment as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh, or an em dash."""
    return format_datetime(value, "—")


@register.filter
def state_label(state):
    """The label of a deadline state (``regulations.states.DeadlineState``)."""
    return DeadlineState(state).label if state in DeadlineState.values else ""
