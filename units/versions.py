"""The data version of each top-level unit's area (``DataVersion``): a token replaced by every
write that changes what the dashboards count there, in the writing transaction.

Writes that touch several areas (a petition of one province assigned or forwarded to a unit of
another) change every area involved. The tokens are replaced in root order in one statement,
so two transactions never wait on each other's rows in opposite orders.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from .access import scope_of
from .models import DataVersion, Unit


def _root_id(path: str) -> int:
    return int(path[: Unit.PATH_STEP])


def data_changed(*units: Unit | int | None) -> None:
    """Give the areas of ``units`` (Unit objects or ids; ``None`` ignored) a new data version."""
    paths = {u.path for u in units if isinstance(u, Unit) and u.path}
    ids = {u for u in units if isinstance(u, int)} | {u.pk for u in units if isinstance(u, Unit) and not u.path}
    if ids:
        paths |= set(Unit.objects.filter(pk__in=ids).values_list("path", flat=True))
    roots = sorted({_root_id(p) for p in paths if p})
    if roots:
        DataVersion.objects.bulk_create(
            [DataVersion(root_id=root, token=secrets.randbits(62)) for root in roots],
            update_conflicts=True,
            unique_fields=["root"],
            update_fields=["token"],
        )


def data_changed_everywhere() -> None:
    """Every area changes (an administrator's edit, a data migration): all tokens replaced."""
    roots = list(Unit.objects.filter(depth=0).values_list("pk", flat=True))
    data_changed(*roots)


def data_version(unit: Unit) -> int | None:
    """The area's current token; ``None`` while nothing was written there through a service
    (nothing may then be cached under it)."""
    return DataVersion.objects.filter(root_id=_root_id(unit.path)).values_list("token", flat=True).first()


def roots_of(units: Iterable[Unit]) -> set[int]:
    return {_root_id(u.path) for u in units if u is not None and u.path}


def area_versions(paths: Iterable[str]) -> tuple[int, ...] | None:
    """The tokens of the areas of ``paths``; ``None`` if one has none yet."""
    roots = sorted({_root_id(p) for p in paths if p})
    tokens = dict(DataVersion.objects.filter(root_id__in=roots).values_list("root_id", "token"))
    if not roots or len(tokens) < len(roots):
        return None
    return tuple(tokens[root] for root in roots)


class AreaCache:
    """Results of lists scoped to ``user``, cached under the SQL of the list and the data versions
    of the user's areas (every write that can change such a list changes one of them, in its
    transaction: see ``data_changed``) and of ``also_paths`` (subtrees the list reaches outside
    the user's scope: a dashboard's predecessors). The versions are read once, before the first
    cached value, from the same database as the list. Administrators' lists span every area:
    computed each time."""

    def __init__(self, user, *, also_paths: Iterable[str] = ()):
        self.user = user
        self.also_paths = tuple(also_paths)
        self._versions: tuple[int, ...] | None | bool = False  # False: not read yet

    @property
    def versions(self) -> tuple[int, ...] | None:
        if self._versions is False:
            paths = scope_of(self.user).paths()
            self._versions = area_versions([*paths, *self.also_paths]) if paths else None
        return self._versions

    def get(self, kind: str, qs: QuerySet, compute):
        """``compute()``, cached under ``kind`` and the SQL of ``qs`` (what ``compute`` reads)."""
        versions = self.versions
        if versions is None:
            return compute()
        try:
            sql, params = qs.query.sql_with_params()
        except EmptyResultSet:  # ``.none()`` or an empty scope
            return compute()
        digest = hashlib.sha256(f"{qs.db}|{sql}|{params!r}".encode()).hexdigest()
        key = f"{kind}:1:{digest}:{'.'.join(map(str, versions))}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, settings.DASHBOARD_CACHE_SECONDS)
        return value

    def count(self, qs: QuerySet) -> int:
        """``qs.count()``."""
        return self.get("count", qs, qs.count)

    def values(self, qs: QuerySet) -> list:
        """``list(qs)`` of a ``values_list(..., flat=True)`` (a filter's choices: the units that
        replied in the area)."""
        return self.get("values", qs, lambda: list(qs))


def count_of(qs: QuerySet, user, *, also_paths: Iterable[str] = ()) -> int:
    """``qs.count()`` of a list scoped to ``user``, cached (``AreaCache``)."""
    return AreaCache(user, also_paths=also_paths).count(qs)


# --- the safety net: every saved row of the dashboards' apps changes its areas -----------------
#
# The services call ``data_changed`` for the areas they know (a previous unit, the units of a
# forwarding chain); this receiver adds the areas of every row saved in the apps whose rows the
# dashboards count (``settings.DATA_VERSION_APPS``), found from the row's own foreign keys to
# units (a petition: its session's organising unit, its assigned and responsible units; a
# conclusion item: its session's and its responsible unit; a plan: its unit). A service written
# later cannot forget it. Rows with no unit at all (a field, a unit kind) change every area.
# ``QuerySet.update`` and ``bulk_create`` send no signal: the services that use them call
# ``data_changed`` themselves (``petitions.services.notice_issue``).

_LOOKUPS: dict[type, tuple[list[str], list[str]]] = {}
MAX_DEPTH = 3


def _is_history(model) -> bool:
    return getattr(model, "instance_type", None) is not None  # django-simple-history's rows


def unit_lookups(model) -> tuple[list[str], list[str]]:
    """(attributes of ``model`` that hold a unit id, deeper lookups that reach one)."""
    if model not in _LOOKUPS:
        apps = set(settings.DATA_VERSION_APPS)
        own, deep = [], []

        def walk(m, prefix: str, depth: int) -> None:
            for f in m._meta.concrete_fields:
                if not (f.many_to_one or f.one_to_one) or f.related_model is None:
                    continue
                related = f.related_model
                if related is Unit:
                    (own if not prefix else deep).append(f.attname if not prefix else f"{prefix}{f.attname}")
                elif depth < MAX_DEPTH and related._meta.app_label in apps and not _is_history(related):
                    walk(related, f"{prefix}{f.name}__", depth + 1)

        if model is Unit:
            own.append("pk")
        walk(model, "", 1)
        _LOOKUPS[model] = (own, deep)
    return _LOOKUPS[model]


def _row_saved(sender, instance, raw=False, **kwargs) -> None:
    from django.apps import apps

    if raw or sender._meta.app_label not in settings.DATA_VERSION_APPS or sender is DataVersion:
        return
    if sender._meta.apps is not apps:  # a migration's historical model: the schema may predate DataVersion
        return
    if _is_history(sender) or not getattr(settings, "DATA_VERSIONS_ON_SAVE", True):
        return
    own, deep = unit_lookups(sender)
    if not own and not deep:
        data_changed_everywhere()
        return
    ids = [getattr(instance, name) for name in own]
    if deep and instance.pk is not None:
        row = sender._base_manager.filter(pk=instance.pk).values_list(*deep).first()
        ids += list(row or ())
    data_changed(*{i for i in ids if i is not None})


def connect_signals() -> None:
    from django.db.models.signals import post_save

    post_save.connect(_row_saved, dispatch_uid="units.versions.row_saved")
