"""The benchmark command: refuses the wrong database, and a tiny-scale run prints every case."""

import io

import pytest
from django.core.management import CommandError, call_command

from benchmarks.dataset import Plan

CASES = [
    "province dashboard",
    "commune dashboard",
    "agency inbox, page 1",
    "overdue list, page 1",
    "sessions list, page 1",
    "public lookup by code",
    "deadline jobs, one day",
    "province compilation",
    "compiled report, drafted",
]


def test_scale_one_is_national():
    plan = Plan.for_scale(1)
    assert (plan.petitions, plan.sessions, plan.provinces) == (1_000_000, 60_000, 34)
    assert 3_400 <= plan.units <= 3_600


def test_small_scale_is_proportional_but_never_empty():
    plan = Plan.for_scale(0.01)
    assert (plan.petitions, plan.sessions) == (10_000, 600)
    assert plan.provinces == 1 and plan.communes >= 2


@pytest.mark.django_db
def test_benchmark_refuses_sqlite(settings):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("checks the SQLite refusal")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("benchmark", "--scale", "0.0005", "--no-http")


@pytest.mark.django_db(transaction=True)
def test_tiny_benchmark_prints_every_case_with_its_baseline(require_postgres):
    out = io.StringIO()
    call_command("benchmark", "--scale", "0.0005", "--repeat", "1", "--no-http", stdout=out)
    text = out.getvalue()
    assert "rows/s" in text
    for case in CASES:
        line = next((row for row in text.splitlines() if row.startswith(case)), None)
        assert line is not None, f"{case!r} missing from:\n{text}"
        median, queries, baseline, ratio = line[len(case) :].split()[:4]
        assert float(median) > 0 and int(queries) > 0 and float(baseline) > 0 and float(ratio) > 0
    assert "Dashboard baseline check: same figures" in text
