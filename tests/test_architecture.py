"""The layers point one way (README, "Architecture"): every import of a project module goes from
a higher layer to a lower one, ``common`` imports no app, and no view imports another app's
views. An AST walk over every Python file of the apps, imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bottom to top. An app may import the apps before it in this list, never those after it.
LAYERS = [
    "common",
    "units",
    "regulations",
    "sessions",
    "petitions",
    "notifications",
    "reports",
    "public",
    "ops",
    "demo",
    "benchmarks",
    "dialogue_portal",
]
RANK = {app: i for i, app in enumerate(LAYERS)}
VIEW_MODULES = {"views", "session_views"}


def _python_files(app: str):
    return sorted(p for p in (ROOT / app).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path):
    """(imported module, line) for every import of the file, relative ones resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # "from app import views"
                yield f"{module}.{alias.name}", node.lineno


def _edges():
    for app in LAYERS:
        for path in _python_files(app):
            for module, line in _imports(path):
                target = module.split(".")[0]
                if target in RANK and target != app:
                    yield app, path.relative_to(ROOT), line, module


def test_every_app_is_in_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"common", "dialogue_portal"}
    assert apps <= set(LAYERS), f"apps without a layer: {sorted(apps - set(LAYERS))}"


def test_imports_only_point_down_the_layers():
    upward = [
        f"{path}:{line} imports {module} ({app} → {module.split('.')[0]})"
        for app, path, line, module in _edges()
        if RANK[module.split(".")[0]] > RANK[app]
    ]
    assert not upward, "upward imports:\n" + "\n".join(sorted(set(upward)))


def test_common_imports_no_app():
    found = [f"{path}:{line} {module}" for app, path, line, module in _edges() if app == "common"]
    assert not found, found


def test_no_view_imports_another_apps_views():
    found = []
    for app in LAYERS:
        for path in _python_files(app):
            if path.stem not in VIEW_MODULES:
                continue
            for module, line in _imports(path):
                parts = module.split(".")
                if parts[0] in RANK and parts[0] != app and len(parts) > 1 and parts[1] in VIEW_MODULES:
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not found, found


@pytest.mark.parametrize("app", LAYERS)
def test_the_app_graph_has_no_cycle(app):
    # With a strict order and only downward edges there can be none; this guards the rule itself.
    reach, todo = set(), [app]
    graph: dict[str, set[str]] = {}
    for source, _path, _line, module in _edges():
        graph.setdefault(source, set()).add(module.split(".")[0])
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in reach:
                reach.add(nxt)
                todo.append(nxt)
    assert app not in reach, f"{app} reaches itself through {sorted(reach)}"
