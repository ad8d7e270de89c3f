"""Cached dashboard figures, never stale.

A dashboard's figures are cached under (unit, period, day, the area's data version). Every
service that changes what the dashboards count replaces the area's data version in its own
transaction (``units.versions.data_changed``), so the next request after a write misses the
cache and counts again; the day is in the key because the deadline states change at midnight.
The drill-down lists stay live queries: a figure and its list are computed by the very same
conditions (``reports.selectors``), the list now, the figure at most at the last write.

The version is read *before* the figures, from the same database (the replica when the page
reads from one): a write committed in between can only make the cached figures newer than their
key, never older. Nothing is cached while an area has no version yet (no write through a service
since the database was built), nor for a user whose area roles do not cover the unit (the
figures would then depend on the user; no such user can open a dashboard today).

With the predecessors' view ("tính cả đơn vị tiền thân") the figures also count the rows of the
predecessors' subtrees, which may lie in other areas (an old province merged into a new one):
the key then says so and carries the versions of every area involved (``area_versions``).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache

from units.access import AREA_ROLES, scope_of
from units.models import Unit
from units.selectors import Predecessors
from units.versions import area_versions, data_version

from .periods import Period
from .selectors import Dashboard, dashboard_data, predecessors_for

KEY_PREFIX = "dashboard:1"


def dashboard_key(
    unit: Unit, period: Period, today: dt.date, version: int | str, *, predecessors: Predecessors | None = None
) -> str:
    params = ",".join(f"{k}={v}" for k, v in sorted(period.as_params().items()))
    view = str(unit.pk)
    if predecessors:
        # Which units were counted: a reorganisation recorded since (its steps are written in
        # bulk, without a new data version) gives another key.
        units = ",".join(map(str, sorted(predecessors.unit_ids)))
        view += f":predecessors-{hashlib.sha256(units.encode()).hexdigest()[:16]}"
    return f"{KEY_PREFIX}:{view}:{params}:{today.isoformat()}:{version}"


def cached_dashboard_data(user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False) -> Dashboard:
    """``reports.selectors.dashboard_data``, from the cache when the area has not changed (the
    areas of the unit and of its predecessors with ``predecessors``; a unit without predecessors
    shares the figures and the key of the plain view)."""
    preds = predecessors_for(user, unit) if predecessors else None
    with_preds = preds is not None
    if not scope_of(user).covers(unit, AREA_ROLES):
        return dashboard_data(user, unit, period, today, predecessors=with_preds)
    if with_preds:
        versions = area_versions([unit.path, *preds.paths])
        version = ".".join(map(str, versions)) if versions is not None else None
    else:
        version = data_version(unit)
    if version is None:
        return dashboard_data(user, unit, period, today, predecessors=with_preds)
    key = dashboard_key(unit, period, today, version, predecessors=preds)
    data = cache.get(key)
    if data is None:
        data = dashboard_data(user, unit, period, today, predecessors=with_preds)
        cache.set(key, data, settings.DASHBOARD_CACHE_SECONDS)
    return data
