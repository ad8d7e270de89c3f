"""``python manage.py benchmark_compare BEFORE.json AFTER.json``: the before/after table of every
(page, role) case, from two files written by ``benchmark --json`` or ``benchmarks/replay.py``."""

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def _load(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: {exc}") from None
    if isinstance(data, list):
        data = {"rows": data}
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise CommandError(f"{path}: not a file written by benchmark --json or benchmarks/replay.py")
    return data


def _ms(row) -> str:
    if row is None:
        return "—"
    if row.get("median_ms") is None:
        return row.get("error") or "—"
    return f"{row['median_ms']:.1f}"


class Command(BaseCommand):
    help = "Print the before/after table of two benchmark case files (Markdown)."

    def add_arguments(self, parser):
        parser.add_argument("before")
        parser.add_argument("after")
        parser.add_argument("--output", help="Also write the table to this file.")

    def handle(self, *args, **o):
        before, after = _load(o["before"]), _load(o["after"])
        old = {(r["key"], r["role"]): r for r in before["rows"]}
        lines = [
            "| page | role | kind | before ms | before queries | after ms | after queries | after ÷ before |",
            "|---|---|---|---:|---:|---:|---:|---:|",
        ]
        ratios, over_before, over_after, both = [], 0, 0, 0
        for row in after["rows"]:
            prev = old.get((row["key"], row["role"]))
            change = ""
            if prev and prev.get("median_ms") and row.get("median_ms"):
                ratio = row["median_ms"] / prev["median_ms"]
                ratios.append(ratio)
                change = f"{ratio:.2f}"
                both += 1
                target = row.get("target_ms") or 150.0
                over_before += prev["median_ms"] > target
                over_after += row["median_ms"] > target
            queries = lambda r: "" if not r or r.get("queries") is None else str(r["queries"])  # noqa: E731
            lines.append(
                f"| `{row['key']}` | {row['role']} | {row['kind']} | {_ms(prev)} | {queries(prev)} | {_ms(row)} | "
                f"{queries(row)} | {change} |"
            )
        summary = [
            f"Cases: {len(after['rows'])} after, {both} measured on both sides.",
            f"Over their target (150 ms a page, 1 s an export or document): {over_before} before, {over_after} after"
            f" (of the {both} measured on both sides).",
        ]
        if ratios:
            geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            summary.append(f"Geometric mean of after ÷ before: {geomean:.2f}.")
        for name, data in (("before", before), ("after", after)):
            if data.get("load"):
                summary.append(f"Load average when {name} was measured: " + ", ".join(f"{x:.2f}" for x in data["load"]))
        text = "\n".join(lines) + "\n\n" + "\n".join(summary) + "\n"
        self.stdout.write(text)
        if o["output"]:
            Path(o["output"]).write_text(text, encoding="utf-8")
