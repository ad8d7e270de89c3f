"""``python manage.py benchmark``: national-scale dataset, measured cases beside their raw-SQL
baselines, and an HTTP load run. PostgreSQL only; wipes the scratch database it runs on."""

import datetime as dt
import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from benchmarks import cases, dataset
from units.models import Unit


class Command(BaseCommand):
    help = "Benchmark at national scale (1,000,000 petitions by default) on a scratch PostgreSQL database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 = 1,000,000 petitions, 60,000 sessions, ~3,500 units."
        )
        parser.add_argument("--repeat", type=int, default=5, help="Runs per case; the median is reported.")
        parser.add_argument("--today", help="Day of the deadline jobs (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--reuse", action="store_true", help="Keep the data already loaded instead of regenerating it."
        )
        parser.add_argument("--no-http", action="store_true", help="Skip the gunicorn + wrk load run.")
        parser.add_argument("--http-seconds", type=int, default=20, help="Duration of the load on each page.")
        parser.add_argument("--seed", type=int, default=20250701)
        parser.add_argument(
            "--only", action="append", help="Measure only the pages whose key contains this text (repeatable)."
        )
        parser.add_argument(
            "--roles", nargs="*", help="Measure only these roles (staff, leader, agency, front, board)."
        )
        parser.add_argument("--markdown", help="Also write the pages' table as Markdown to this file.")
        parser.add_argument(
            "--json", help="Also write the measured cases as JSON (for benchmarks/replay.py and benchmark_compare)."
        )
        parser.add_argument(
            "--allow-any-database", action="store_true", help="Run even if the database name lacks 'bench'."
        )

    def handle(self, *args, **o):
        log = lambda text: self.stdout.write(text)  # noqa: E731
        try:
            name = dataset.check_database(allow_any=o["allow_any_database"])
        except dataset.BenchmarkRefused as exc:
            raise CommandError(str(exc)) from None
        if o["repeat"] < 1:
            raise CommandError("--repeat must be at least 1")
        try:
            today = dt.date.fromisoformat(o["today"]) if o["today"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today must be YYYY-MM-DD, not {o['today']!r}") from None
        started = time.perf_counter()

        if o["reuse"]:
            try:
                built = dataset.describe_existing(today)
            except dataset.BenchmarkRefused as exc:
                raise CommandError(str(exc)) from None
            log(f"Reusing the data in {name}: {built.plan.petitions:,} petitions, {built.plan.sessions:,} sessions.")
        else:
            plan = dataset.Plan.for_scale(o["scale"])
            log(
                f"Generating into {name} at scale {o['scale']}: {plan.petitions:,} petitions, {plan.sessions:,} sessions, "
                f"{plan.units:,} units ({plan.provinces} provinces) …"
            )
            try:
                built = dataset.generate(scale=o["scale"], today=today, seed=o["seed"], log=log)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            for table, count in built.counts.items():
                log(f"  {table:<40} {count:>10,}")
            log(f"Dataset: {built.rows:,} rows in {built.seconds:.1f} s ({built.rate:,.0f} rows/s).")

        log(f"\nMeasuring every page (median of {o['repeat']} runs, after one warm-up) …")
        results = cases.run_pages(built, repeat=o["repeat"], only=o["only"], roles=o["roles"], log=log)
        if not o["only"]:
            log("  one day of the deadline jobs …")
            jobs = [cases.deadline_case(today, o["repeat"])]
            log("  the province's compilation of its units' reports …")
            with override_settings(
                ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False, DEBUG=False
            ):
                jobs += cases.compilation_cases(built, today, o["repeat"])
        log("")
        log(cases.format_pages(results))
        if not o["only"]:
            log("")
            log(cases.format_table(jobs))
            province = Unit.objects.get(pk=built.province_id)
            log(f"Dashboard baseline check: {cases.check_dashboard(built, province, today)}")
        if o["markdown"]:
            Path(o["markdown"]).write_text(cases.format_markdown(results) + "\n", encoding="utf-8")
            log(f"Markdown table written to {o['markdown']}")
        if o["json"]:
            payload = {"load": os.getloadavg(), "rows": cases.as_json(results)}
            Path(o["json"]).write_text(json.dumps(payload, indent=1), encoding="utf-8")
            log(f"Cases written to {o['json']}")
        misses = [r for r in results if r.verdict != "ok"]
        log(f"\n{len(results)} (page, role) cases, {len(results) - len(misses)} within their targets.")

        if not o["no_http"]:
            from benchmarks import http

            dashboard = reverse("reports:dashboard")
            pages = [
                ("province dashboard", built.province_staff_id, f"{dashboard}?unit={built.province_id}"),
                ("commune dashboard", built.commune_staff_id, f"{dashboard}?unit={built.commune_id}"),
                ("agency inbox", built.agency_user_id, reverse("petitions:inbox")),
                ("overdue list", built.province_staff_id,
                 reverse("reports:figure", args=["petitions_overdue"]) + f"?unit={built.province_id}"),
                ("sessions list", built.province_staff_id, reverse("sessions:list")),
            ]  # fmt: skip
            log("\nHTTP load: gunicorn, 2 workers, 127.0.0.1, DEBUG=false …")
            http_results, rss = http.run_http(pages, seconds=o["http_seconds"], log=log)
            log("")
            log(http.format_http(http_results, rss))
        log(f"\nBenchmark finished in {time.perf_counter() - started:.0f} s.")
