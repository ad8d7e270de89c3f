"""Read-only report work on PostgreSQL streaming replicas (``DATABASE_REPLICA_URL``).

Which reads may go to a replica is said explicitly where the work is done, never guessed:

- ``@reads_from_replica`` on a read-only view (dashboards, drill-down lists, exports, periodic
  reports, the Front's lists, public pages), or ``with reads_from_replica():`` around the
  read-only part of a task;
- ``ReplicaRouter`` (``DATABASE_ROUTERS``) then sends the *reads* made inside it to the
  ``replica`` database, and everything else to ``default`` (the primary).

What always stays on the primary, even inside ``reads_from_replica``:

- every write: ``db_for_write`` only ever answers ``default`` (a replica refuses writes anyway);
- the reads that decide access: users, their sessions and memberships, the unit tree
  (``REPLICA_PRIMARY_APPS``), so a membership revoked a second ago is revoked here too;
- personal state a user has just changed (the notifications bell);
- the whole request of a user who wrote recently: any POST/PUT/PATCH/DELETE sets a short-lived
  cookie (``REPLICA_PIN_SECONDS``, default 15 s) and while it lives ``PrimaryAfterWriteMiddleware``
  keeps that user's reads on the primary, so they read their own writes even on a lagging replica.

Without ``DATABASE_REPLICA_URL`` (a laptop, SQLite) nothing changes: every read is on ``default``.
Pages that did read from a replica say how fresh their figures were (``replica_freshness``,
shown by ``base.html`` through the ``replica_context`` context processor).
"""

from __future__ import annotations

import contextvars
import time
from contextlib import ContextDecorator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "dp_primary_until"

_reading = contextvars.ContextVar("reads_from_replica", default=False)
_pinned = contextvars.ContextVar("pinned_to_primary", default=False)
_used = contextvars.ContextVar("replica_used", default=None)


def has_replica() -> bool:
    """Is a replica database configured (``DATABASE_REPLICA_URL``)?"""
    return REPLICA in settings.DATABASES


def replica_configured() -> bool:
    """Is a replica configured and are reads sent to it (``REPLICA_READS``, on by default)?"""
    return has_replica() and getattr(settings, "REPLICA_READS", True)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def reads_from_replica(func=None):
    """Send the reads made inside a view or a block to the replica, when one is configured:
    ``@reads_from_replica`` on a view, or ``with reads_from_replica():``. Nesting is fine;
    leaving restores what was there before."""
    return _ReplicaReads() if func is None else _ReplicaReads()(func)


class _ReplicaReads(ContextDecorator):
    def _recreate_cm(self):
        return type(self)()  # a fresh instance per call: a decorated view runs in many threads

    def __enter__(self):
        self._tokens = (_reading.set(True), _used.set(set()) if _used.get() is None else None)
        return self

    def __exit__(self, *exc):
        reading, used = self._tokens
        _reading.reset(reading)
        if used is not None:
            _used.reset(used)
        return False


class primary_only(ContextDecorator):
    """Keep every read inside on the primary, even within ``reads_from_replica``."""

    def _recreate_cm(self):
        return type(self)()

    def __enter__(self):
        self._token = _pinned.set(True)
        return self

    def __exit__(self, *exc):
        _pinned.reset(self._token)
        return False


def reading_from_replica() -> bool:
    """Would a read of a replica-eligible model go to the replica right now?"""
    return _reading.get() and not _pinned.get() and replica_configured()


class ReplicaRouter:
    """Reads inside ``reads_from_replica`` go to the replica; writes, migrations and the reads
    that decide access never do."""

    def db_for_read(self, model, **hints):
        if not reading_from_replica():
            return PRIMARY
        # A model of a primary-only app may ask to be read with the figures (``replica_reads``).
        if model._meta.app_label in settings.REPLICA_PRIMARY_APPS and not getattr(model, "replica_reads", False):
            return PRIMARY
        used = _used.get()
        if used is not None:
            used.add(REPLICA)
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's very rows: objects of either may be related.
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


class PrimaryAfterWriteMiddleware:
    """A user who has just written reads from the primary for ``REPLICA_PIN_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            pinned = float(request.COOKIES.get(PIN_COOKIE, 0)) > time.time()
        except ValueError:
            pinned = False
        # A request that writes reads the primary too (its checks must see the current rows).
        token = _pinned.set(pinned or request.method not in SAFE_METHODS)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method not in SAFE_METHODS and has_replica():
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


@dataclass(frozen=True)
class Freshness:
    """How far the replica's figures are behind the primary."""

    lag_seconds: float
    replayed_at: datetime | None

    @property
    def up_to_date(self) -> bool:
        return self.lag_seconds < 1


def replica_freshness() -> Freshness | None:
    """The replica's replication lag, from ``pg_last_xact_replay_timestamp()``: zero when it has
    replayed all it received (an idle primary sends nothing new, so the last replayed
    transaction's age is not a lag then). ``None`` when no replica is configured."""
    if not has_replica():
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() "
            "THEN 0 ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END, "
            "pg_last_xact_replay_timestamp()"
        )
        lag, replayed_at = cursor.fetchone()
    return Freshness(lag_seconds=max(0.0, float(lag or 0)), replayed_at=replayed_at)


def replica_context(request) -> dict:
    """Context processor: ``replica_freshness`` is, on a page that read from the replica, how
    fresh its figures are (asked when the template uses it, after the page's own reads)."""
    return {"replica_freshness": _freshness_of_this_page}


def _freshness_of_this_page() -> Freshness | None:
    used = _used.get()
    return replica_freshness() if used and REPLICA in used else None
