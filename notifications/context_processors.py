from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request):
    """The bell's unread count, queried only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(user))}
