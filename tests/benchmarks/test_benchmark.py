"""The benchmark: every URL of the URLconf is in its table (or explained), docs/PERFORMANCE.md
lists every page, it refuses the wrong database, and a tiny-scale run measures every page for
every role beside its baseline."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from benchmarks import pages, replay
from benchmarks.dataset import Plan

DOC = Path(__file__).resolve().parents[2] / "docs" / "PERFORMANCE.md"


def test_every_url_of_the_urlconf_is_measured_or_explained():
    missing = pages.missing_from_table()
    assert not missing, "URL missing from the benchmark's table (benchmarks/pages.py PAGES): " + "; ".join(missing)
    assert not pages.stale_entries(), f"the benchmark lists URLs that no longer exist: {pages.stale_entries()}"


def test_lists_and_dashboards_have_a_baseline_and_every_page_a_role():
    for key, page in pages.PAGES.items():
        assert page.roles, key
        if page.kind in (pages.LIST, pages.DASHBOARD_KIND):
            assert page.baseline is not None, f"{key} has no hand-written SQL baseline"


def test_the_performance_doc_lists_every_page():
    text = DOC.read_text(encoding="utf-8")
    missing = [key for key in pages.PAGES if f"`{key}`" not in text]
    assert not missing, f"docs/PERFORMANCE.md does not list {missing}"


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
def test_tiny_benchmark_measures_every_page_for_every_role_with_its_baseline(require_postgres, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    markdown, cases = tmp_path / "pages.md", tmp_path / "after.json"
    call_command(
        "benchmark", "--scale", "0.002", "--repeat", "1", "--no-http", "--markdown", str(markdown), "--json", str(cases),
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "rows/s" in text
    rows = {}
    for line in markdown.read_text(encoding="utf-8").splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[(cells[0].strip("`"), cells[1])] = cells
    for key, page in pages.PAGES.items():
        for role in page.roles:
            cells = rows.get((key, role))
            assert cells is not None, f"{key} as {role} missing from:\n{text}"
            _, _, kind, median, _cpu, queries, baseline, ratio, _target, verdict = cells
            assert "ERROR" not in verdict, cells
            assert kind == page.kind and float(median) > 0, cells
            if page.baseline:
                assert float(baseline) > 0 and float(ratio) > 0, cells
    for case in ("deadline jobs, one day", "province compilation", "compiled report, drafted"):
        line = next((row for row in text.splitlines() if row.startswith(case)), None)
        assert line is not None, f"{case!r} missing from:\n{text}"
        median, queries = line[len(case) :].split()[:2]
        assert float(median) > 0 and int(queries) > 0, line
    assert "Dashboard baseline check: same figures" in text
    assert len(rows) == sum(len(p.roles) for p in pages.PAGES.values())

    # The same cases replayed (as under an older checkout) and compared: every case answers again.
    replayed = tmp_path / "before.json"
    replay.main(str(cases), str(replayed), repeat=1)
    before = json.loads(replayed.read_text(encoding="utf-8"))["rows"]
    assert {(r["key"], r["role"]) for r in before} == set(rows)
    assert all(r["median_ms"] > 0 and not r["error"] for r in before), [r for r in before if r["error"]][:3]
    table = io.StringIO()
    call_command("benchmark_compare", str(replayed), str(cases), stdout=table)
    assert f"Cases: {len(rows)} after, {len(rows)} measured on both sides." in table.getvalue()


def test_benchmark_compare_refuses_a_file_that_is_not_a_case_list(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"rows": 3}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a file written by benchmark"):
        call_command("benchmark_compare", str(bad), str(bad))
    with pytest.raises(CommandError, match="missing.json"):
        call_command("benchmark_compare", str(tmp_path / "missing.json"), str(bad))


def test_benchmark_compare_puts_each_case_beside_its_before(tmp_path):
    def case(key, ms, queries, error=""):
        return {"key": key, "role": "staff", "kind": "page", "median_ms": ms, "queries": queries,
                "target_ms": 150.0, "error": error}  # fmt: skip

    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(
        json.dumps({"load": [6.0, 5.0, 4.0], "rows": [case("a", 400.0, 30), case("b", None, None, "answered 404")]})
    )
    after.write_text(json.dumps({"rows": [case("a", 100.0, 10), case("b", 50.0, 8), case("c", 20.0, 5)]}))
    out = io.StringIO()
    call_command("benchmark_compare", str(before), str(after), stdout=out)
    text = out.getvalue()
    assert "| `a` | staff | page | 400.0 | 30 | 100.0 | 10 | 0.25 |" in text
    assert "| `b` | staff | page | answered 404 |  | 50.0 | 8 |  |" in text
    assert "| `c` | staff | page | — |  | 20.0 | 5 |  |" in text
    assert "Cases: 3 after, 1 measured on both sides." in text
    assert "Over their target (150 ms a page, 1 s an export or document): 1 before, 0 after" in text
    assert "Load average when before was measured: 6.00, 5.00, 4.00" in text


def test_the_measured_gunicorn_keeps_its_database_connections_as_in_production():
    """The HTTP load runs with production's connection reuse: a new PostgreSQL connection per
    request measured the authentication, not the page."""
    import re

    from benchmarks.http import server_env

    production = (Path(__file__).resolve().parents[2] / "deploy" / "portal.env.example").read_text()
    assert re.search(r"^CONN_MAX_AGE=(\d+)$", production, flags=re.M)[1] == server_env()["CONN_MAX_AGE"]
    assert server_env()["DEBUG"] == "false"


def test_the_measured_gunicorn_starts_from_a_checkout_without_collected_static_files(require_postgres, tmp_path):
    """DEBUG off serves the files of collectstatic's manifest: the benchmark collects them into a
    directory of its own run (a fresh checkout has none), and removes it afterwards."""
    import re
    import urllib.request

    from benchmarks.http import Gunicorn

    with Gunicorn(workers=1, log=lambda text: None) as server:
        static_root = Path(server.static_root)
        assert (static_root / "staticfiles.json").exists()
        page = urllib.request.urlopen(f"{server.url}/dang-nhap/", timeout=30).read().decode()
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)[1]
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet)  # the manifest's hashed name
        assert urllib.request.urlopen(f"{server.url}{stylesheet}", timeout=30).status == 200
    assert not static_root.exists()
