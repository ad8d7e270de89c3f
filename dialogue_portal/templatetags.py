"""The ``portal`` template library (registered in ``settings.TEMPLATES``): the navigation read
from the user's access scope, the one date format, and deadline-state labels from their enum."""

from django import template

from common.dates import vn_date as format_date
from common.dates import vn_datetime as format_datetime
from petitions.codes import format_code
from petitions.identity import petitioner_of
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


@register.simple_tag(takes_context=True)
def petitioner(context, petition):
    """``{% petitioner p as who %}``: the petitioner as the page's reader may see them
    (``petitions.identity.petitioner_of``; a protected identity shows as the protection notice)."""
    request = context.get("request")
    return petitioner_of(petition, getattr(request, "user", None))


@register.filter
def receipt_code(code):
    """A receipt code in groups of four (``ABCD-EFGH-JKM``)."""
    return format_code(code or "")
