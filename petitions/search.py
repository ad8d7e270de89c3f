"""Petition search that ignores Vietnamese diacritics ("sat lo" finds "sạt lở").

Two normalised columns on ``Petition`` (``common.text.normalise_search``, the sessions' normaliser):

- ``search_text``: the content, the field and the responsible unit — what any user who may see
  the petition may search;
- ``petitioner_search``: the petitioner's name, kept apart so that a petition whose petitioner
  must not be named to some users can be left out of name matching in one place
  (``petitioner_search_text``) without touching the content search.

Each word typed must occur in one of the two columns (word-by-word matching, as the sessions
list does). On PostgreSQL both columns carry a ``pg_trgm`` GIN index
(``petitions/migrations/0008_petition_search_trigram.py``), so ``LIKE '%word%'`` is an index
scan at national scale; SQLite filters without an index.

The model's ``save`` keeps the columns in step; a service that writes around ``save`` (bulk
updates) sets them with ``Petition.refresh_search_columns``; renaming a field in the admin
rewrites its petitions' columns. After renaming a unit (the units layer knows no petitions),
``manage.py petitions_search_refresh`` rewrites them all (as the data migration did).

A written reply keeps one normalised column (``WrittenReply.search_text``): its number and
summary with its petition's two columns (``reply_search_text``), with its own ``pg_trgm`` GIN
index, and copies of the petition's session and units, so that the Front's list of replies
searches and scopes on the reply's row alone (an OR across the reply's and the petition's
columns can use no index: the page walked the area's replies by date, 38,766 of them for
"sạt lở" at 1,000,000 petitions). The reply's ``save`` sets them; ``replies_follow`` rewrites
them after a petition changed (``Petition.save`` calls it, as do the bulk paths: the notice's
assignment and ``search_columns_refresh``).
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.models import Q, QuerySet

from common.text import normalise_search

# A search with more words than this matches on the first ones only (each word is a condition).
MAX_WORDS = 8
REFRESH_BATCH = 2000


def petition_search_text(content: str, field_name: str = "", unit_name: str = "") -> str:
    """The searchable text of a petition: content, field and the unit it is with (responsible
    now, or the lead unit chosen before the notice)."""
    return normalise_search(content, field_name, unit_name)


def petitioner_search_text(name: str) -> str:
    """The searchable petitioner's name (a protected identity is stored as "": it is found only
    by those who may see it, see ``petitions.views.petition_list``)."""
    return normalise_search(name)[:255]


def reply_search_text(number: str, summary: str, petition_text: str, petitioner_text: str) -> str:
    """The searchable text of a written reply: its number and summary, then its petition's two
    search columns (already normalised), bounded (``WrittenReply.search_text``)."""
    from .models import REPLY_SEARCH_MAX_LENGTH

    return " ".join(p for p in (normalise_search(number, summary), petition_text, petitioner_text) if p)[
        :REPLY_SEARCH_MAX_LENGTH
    ]


def _update_by_id(model, rows: list[tuple], columns: dict[str, str], *, using: str) -> None:
    """One ``UPDATE ... FROM (VALUES ...)`` setting ``columns`` of ``model``'s rows: each row of
    ``rows`` is ``(id, *values)`` in the order of ``columns`` (name → SQL type for the first
    VALUES row, "" for text: a column of NULLs would otherwise be typed as text). PostgreSQL and
    SQLite ≥ 3.33 both have it."""
    table = connections[using].ops.quote_name(model._meta.db_table)
    first = "(%s, " + ", ".join(f"CAST(%s AS {kind})" if kind else "%s" for kind in columns.values()) + ")"
    other = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    values = ", ".join([first] + [other] * (len(rows) - 1))
    sets = ", ".join(f"{name} = v.column{i}" for i, name in enumerate(columns, start=2))
    sql = f"UPDATE {table} SET {sets} FROM (VALUES {values}) AS v WHERE {table}.id = v.column1"
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


REPLY_COPY_COLUMNS = {
    "search_text": "",
    "petition_session_id": "integer",
    "petition_assigned_unit_id": "integer",
    "petition_responsible_unit_id": "integer",
}


def replies_follow(reply_model, petition_ids=None, *, using: str = "default") -> int:
    """Rewrite the copies every written reply keeps from its petition (search text, session,
    assigned and responsible units; ``WrittenReply``), for the replies of ``petition_ids`` (all
    replies when ``None``), in batches of ``REFRESH_BATCH`` walked by id, one statement each.
    Works with the current models and with a migration's historical ones. Returns the replies
    rewritten."""
    rows = reply_model._default_manager.using(using).order_by("pk")
    if petition_ids is not None:
        petition_ids = [pk for pk in petition_ids if pk is not None]
        if not petition_ids:
            return 0
        rows = rows.filter(petition_id__in=petition_ids)
    last, seen = 0, 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).values_list(
                "pk", "number", "summary", "petition__search_text", "petition__petitioner_search",
                "petition__session_id", "petition__assigned_unit_id", "petition__responsible_unit_id",
            )[:REFRESH_BATCH]
        )  # fmt: skip
        if not batch:
            return seen
        copies = [
            (pk, reply_search_text(number, summary, text, petitioner), session_id, assigned_id, responsible_id)
            for pk, number, summary, text, petitioner, session_id, assigned_id, responsible_id in batch
        ]
        with transaction.atomic(using=using):
            _update_by_id(reply_model, copies, REPLY_COPY_COLUMNS, using=using)
        last, seen = batch[-1][0], seen + len(batch)


def search_words(text: str | None) -> list[str]:
    """The words of a search box, normalised; NUL and other control characters dropped."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return normalise_search(cleaned).split()[:MAX_WORDS]


def search_q(text: str | None, prefix: str = "") -> Q | None:
    """A ``Q`` where every word of ``text`` occurs in the petition's content, field, unit or
    petitioner's name; ``None`` for an empty search. ``prefix`` reaches the petition from
    another model (``"petition__"`` for written replies)."""
    words = search_words(text)
    if not words:
        return None
    q = Q()
    for word in words:
        q &= Q(**{f"{prefix}search_text__contains": word}) | Q(**{f"{prefix}petitioner_search__contains": word})
    return q


def filter_search(qs: QuerySet, text: str | None, prefix: str = "") -> QuerySet:
    q = search_q(text, prefix)
    return qs if q is None else qs.filter(q)


def search_columns_refresh(
    petition_model,
    unit_model=None,
    field_model=None,
    *,
    using: str = "default",
    only: Q | None = None,
    reply_model=None,
) -> int:
    """Rewrite both search columns of every petition, in batches of ``REFRESH_BATCH`` rows walked
    by id, each batch in its own transaction (a national table is never locked as a whole), and
    the copies their written replies keep (``replies_follow``). Works with the current models and
    with a migration's historical ones; with the latter, the replies follow only when the
    migration gives its ``reply_model`` (before ``WrittenReply`` had the copies, none can).
    Returns the rows seen."""
    from .models import Petition, WrittenReply

    if reply_model is None and petition_model is Petition:
        reply_model = WrittenReply
    unit_model = unit_model or petition_model._meta.get_field("assigned_unit").related_model
    field_model = field_model or petition_model._meta.get_field("field").related_model
    units = dict(unit_model._default_manager.using(using).values_list("pk", "name"))
    fields = dict(field_model._default_manager.using(using).values_list("pk", "name"))
    rows = petition_model._default_manager.using(using).order_by("pk")
    if only is not None:
        rows = rows.filter(only)
    last, seen = 0, 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).values_list(
                "pk", "content", "field_id", "responsible_unit_id", "assigned_unit_id", "petitioner_name",
                "identity_protected",
            )[:REFRESH_BATCH]
        )  # fmt: skip
        if not batch:
            return seen
        texts = [
            (
                pk,
                petition_search_text(content, fields.get(field_id, ""), units.get(responsible_id or assigned_id, "")),
                petitioner_search_text("" if protected else name),
            )
            for pk, content, field_id, responsible_id, assigned_id, name, protected in batch
        ]
        with transaction.atomic(using=using):
            _update_by_id(petition_model, texts, {"search_text": "", "petitioner_search": ""}, using=using)
            if reply_model is not None:
                replies_follow(reply_model, [row[0] for row in batch], using=using)
        last, seen = batch[-1][0], seen + len(batch)
