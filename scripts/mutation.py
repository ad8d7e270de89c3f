"""Mutation testing of the legal clock, the deadline states and the deadline engine (`make mutation`).

    python scripts/mutation.py run     # mutmut on the targets below (results kept in mutants/)
    python scripts/mutation.py run NAME...   # again on some mutants only (globs allowed)
    (a `run` that was stopped goes on with the mutants it had not checked yet)
    python scripts/mutation.py score   # the score of each target; fails below MINIMUM_SCORE or
                                       # on a survivor that docs/MUTATION.md does not explain

mutmut is run with one more mutation operator than it has: the comparison lookups of the Django
ORM (``f"{due}__gt"`` → ``__gte``, ``__lte`` → ``__lt``, …), which are this code's comparisons and
which mutmut, blind to strings' meaning, would never flip. Tests run with ``tests.settings_fast``
(SQLite in memory, migrated once) as configured in pyproject.toml's ``[tool.mutmut]``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "docs" / "MUTATION.md"
MINIMUM_SCORE = 95.0

# Each target: module path → the functions mutated (None: every function of the module). In the
# two selectors modules only the deadline states are targets; their scoping functions are
# covered by the access tests, not by this run.
TARGETS: dict[str, dict[str, list[str] | None]] = {
    "the legal clock": {"regulations/deadlines.py": None},
    "the deadline states": {
        "regulations/states.py": None,
        "petitions/selectors.py": [
            "reply_state_conditions",
            "complex_state_conditions",
            "current_state_conditions",
            "with_reply_states",
            "filter_reply_state",
            "explain_reply_due",
        ],
        "sessions/selectors.py": [
            "notice_state_conditions",
            "with_notice_state",
            "filter_notice_state",
            "explain_notice_due",
        ],
    },
    "the deadline engine": {"notifications/engine.py": None, "notifications/obligations.py": None},
}


def _module(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def mutant_patterns() -> list[str]:
    patterns = []
    for modules in TARGETS.values():
        for path, functions in modules.items():
            if functions is None:
                patterns.append(f"{_module(path)}.*")
            else:
                patterns += [f"{_module(path)}.x_{name}__mutmut_*" for name in functions]
    return patterns


# --- the extra operator ----------------------------------------------------------------------

_LOOKUP = re.compile(r"__(gte|gt|lte|lt)(?![A-Za-z0-9])")
_LOOKUP_SWAP = {"gte": "gt", "gt": "gte", "lte": "lt", "lt": "lte"}


def _swapped_lookups(text: str):
    for match in _LOOKUP.finditer(text):
        yield text[: match.start(1)] + _LOOKUP_SWAP[match.group(1)] + text[match.end(1) :]


def operator_django_lookup(node):
    """``"due_on__gt"`` / ``f"{due}__gt"`` → ``__gte`` (and ``gte→gt``, ``lt↔lte``)."""
    import libcst as cst

    if isinstance(node, cst.SimpleString):
        for value in _swapped_lookups(node.value):
            yield node.with_changes(value=value)
    elif isinstance(node, cst.FormattedString):
        for i, part in enumerate(node.parts):
            if isinstance(part, cst.FormattedStringText):
                for value in _swapped_lookups(part.value):
                    parts = [*node.parts[:i], part.with_changes(value=value), *node.parts[i + 1 :]]
                    yield node.with_changes(parts=parts)


def _fastest_tests_first() -> None:
    """A mutant's tests run with ``-x``: the quick ones first kill most mutants in a second."""
    from mutmut.runners.harness import PytestRunner
    from mutmut.state import state

    regular_run = PytestRunner._pytest_args_regular_run

    def args(self, tests):
        durations = state().duration_by_test
        return regular_run(self, sorted(tests, key=lambda test: (durations.get(test, 0.0), test)))

    PytestRunner._pytest_args_regular_run = args


def _unchecked() -> list[str]:
    """The target mutants without a result yet (a run that was stopped goes on from there)."""
    names = []
    for modules in TARGETS.values():
        for path, functions in modules.items():
            meta = ROOT / "mutants" / f"{path}.meta"
            if not meta.exists():
                return []
            results = json.loads(meta.read_text())["exit_code_by_key"]
            names += [
                m for m, code in results.items() if code is None and (functions is None or _function(m) in functions)
            ]
    return names


def run(args: list[str]) -> int:
    import libcst as cst
    from mutmut.mutation import mutators

    mutators.mutation_operators.append((cst.BaseString, operator_django_lookup))
    _fastest_tests_first()
    from mutmut.__main__ import cli

    names = [a for a in args if "." in a] or _unchecked() or mutant_patterns()  # mutant names are dotted
    options = [a for a in args if "." not in a]
    return cli.main(["run", *options, *names], standalone_mode=False) or 0


# --- the score -------------------------------------------------------------------------------


def _results(path: str) -> dict[str, int | None]:
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        sys.exit(f"{meta} is missing: run `python scripts/mutation.py run` first.")
    return json.loads(meta.read_text())["exit_code_by_key"]


def _function(mutant: str) -> str:
    name = mutant.rsplit(".", 1)[1].rsplit("__mutmut_", 1)[0]
    return name.split("ǁ")[-1] if "ǁ" in name else name.removeprefix("x_")


def score() -> int:
    from mutmut.stats import status_by_exit_code

    explained = set(re.findall(r"`([\w.ǁ]+__mutmut_\d+)`", EQUIVALENTS.read_text()))
    failed = False
    unexplained, rows = [], []
    for target, modules in TARGETS.items():
        total_killed = total = 0
        for path, functions in modules.items():
            results = {
                m: status_by_exit_code[code]
                for m, code in _results(path).items()
                if functions is None or _function(m) in functions
            }
            killed = sum(1 for s in results.values() if s == "killed")
            survivors = sorted(m for m, s in results.items() if s != "killed")
            unexplained += [(m, results[m]) for m in survivors if m not in explained]
            rows.append((target, path, killed, len(results), len(survivors)))
            total_killed += killed
            total += len(results)
        value = 100 * total_killed / total if total else 0.0
        failed |= value < MINIMUM_SCORE
        rows.append((target, "**all**", total_killed, total, total - total_killed))
    print("| target | module | killed / mutants | score | not killed |")
    print("|---|---|---|---|---|")
    for target, path, killed, total, survivors in rows:
        print(f"| {target} | {path} | {killed} / {total} | {100 * killed / total:.1f}% | {survivors} |")
    if unexplained:
        failed = True
        print(f"\n{len(unexplained)} mutants not killed and not explained in {EQUIVALENTS.relative_to(ROOT)}:")
        for mutant, status in unexplained:
            print(f"  {mutant} ({status})")
    if failed:
        print(f"\nFAILED: each target must score at least {MINIMUM_SCORE:.0f}% and every survivor be explained.")
        return 1
    return 0


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["score"]
    if command == "run":
        sys.exit(run(rest))
    if command == "score":
        sys.exit(score())
    sys.exit(__doc__)
