"""A request id on every log line: the web request's (from nginx's ``X-Request-ID``, or made
here) or the Celery task's id. ``RequestIdFilter`` is installed on the log handlers by
``settings.LOGGING``; this module imports nothing of Django's models so logging can load it
before the apps are ready."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

HEADER = "HTTP_X_REQUEST_ID"
# Accept the proxy's id only when it looks like one (nginx's $request_id is 32 hex digits).
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def get_request_id() -> str:
    return _current.get()


def set_request_id(value: str) -> contextvars.Token:
    return _current.set(value or "-")


def reset_request_id(token: contextvars.Token) -> None:
    try:
        _current.reset(token)
    except ValueError:  # set in another context (a thread pool): fall back to the default
        _current.set("-")


def request_id_from(meta: dict) -> str:
    candidate = meta.get(HEADER, "")
    return candidate if _VALID.match(candidate) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = get_request_id()
        return True
