from django.utils.functional import SimpleLazyObject

from units.access import scope_of


def operations(request):
    """The red banner of the periodic jobs found late by ``ops.middleware.LateJobMiddleware``
    (administrators only), and whether to link the system-status page."""
    user = getattr(request, "user", None)
    return {
        "late_jobs": getattr(request, "late_jobs", []),
        "sees_system_status": SimpleLazyObject(
            lambda: bool(user is not None and user.is_authenticated and scope_of(user).is_admin)
        ),
    }
