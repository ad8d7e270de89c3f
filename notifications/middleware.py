"""After a successful form post, notify the events it wrote (``notifications.events``), so the
people concerned see them at once; the periodic jobs catch anything written elsewhere."""

from __future__ import annotations

import logging

from .events import events_dispatch

logger = logging.getLogger(__name__)


class EventDispatchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method == "POST" and response.status_code < 400 and user is not None and user.is_authenticated:
            try:
                events_dispatch()
            except Exception:  # the write is done; the next job run notifies instead
                logger.exception("Could not dispatch the events of a request")
        return response
