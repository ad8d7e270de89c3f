"""Measure a list of (role, user, URL) cases again, possibly under another version of the code:
the "before" half of a before/after table (issue 16).

``benchmark --json cases.json`` writes the cases it measured. This file imports nothing of the
project, so it runs unchanged under an older checkout of the portal pointed at the same
database::

    cd /path/to/old/checkout
    DATABASE_URL=... python manage.py shell -c \
        "exec(open('/path/to/benchmarks/replay.py').read()); main('cases.json', 'before.json')"

Each case: one warm-up, then ``repeat`` timed GETs through Django's test ``Client`` as the
case's user (``DEBUG`` off), the median kept, with the number of SQL queries of one more run.
A URL the old code does not have (404, 500, another status than the case's) is recorded with
its status and no time. Then ``python manage.py benchmark_compare before.json after.json``
prints the table.
"""

from __future__ import annotations

import json
import os
import statistics
import time


def replay(cases: list[dict], repeat: int = 3) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    clients: dict = {}

    def client_for(user_id):
        if user_id not in clients:
            client = Client()
            if user_id is not None:
                client.force_login(get_user_model().objects.get(pk=user_id))
            clients[user_id] = client
        return clients[user_id]

    def get(case):
        response = client_for(case["user_id"]).get(case["url"])
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return response.status_code

    out = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(
        ALLOWED_HOSTS=hosts,
        SECURE_SSL_REDIRECT=False,
        DEBUG=False,
        PUBLIC_LOOKUP_CACHE_SECONDS=0,
        PUBLIC_LOOKUP_LIMIT=10**9,
    ):
        for case in cases:
            row = {k: case[k] for k in ("key", "role", "kind", "url", "user_id", "status")}
            row["target_ms"] = case.get("target_ms")
            try:
                status = get(case)
            except Exception as exc:  # an old version may fail on a page that did not exist
                row.update(error=f"{type(exc).__name__}: {exc}"[:200], median_ms=None, queries=None)
                out.append(row)
                continue
            expected = case["status"]
            if status not in (expected if isinstance(expected, list) else [expected]):
                row.update(error=f"answered {status}", median_ms=None, queries=None)
                out.append(row)
                continue
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                get(case)
                runs.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as ctx:
                get(case)
            row.update(error="", median_ms=statistics.median(runs), queries=len(ctx.captured_queries))
            out.append(row)
    return out


def main(cases_path: str, out_path: str, repeat: int | None = None) -> None:
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    if isinstance(cases, dict):  # as ``benchmark --json`` writes it
        cases = cases["rows"]
    repeat = repeat or int(os.environ.get("REPLAY_REPEAT", "3"))
    started = time.perf_counter()
    rows = replay(cases, repeat)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"load": os.getloadavg(), "seconds": time.perf_counter() - started, "rows": rows}, f, indent=1)
    print(f"{len(rows)} cases replayed in {time.perf_counter() - started:.0f} s into {out_path}")
