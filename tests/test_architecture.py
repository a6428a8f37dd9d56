"""The package's shape: data flows one way, and nothing imports up the layers.

Every module of topiccli/ belongs to a unit (a top-level module or subpackage); each unit has a
layer, and an import (module-level or inside a function) may only point to a unit of the same
or a lower layer, without cycles. The CLI may use everything; nothing below it may import it or
the application layer (topiccli.models).
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "topiccli"

LAYERS = [
    {"errors", "specs", "storage"},
    {"corpus", "factorize"},
    {"held", "params"},
    {"text"},
    {"report", "quality", "cache"},
    {"explorer", "distributed"},
    {"render"},
    {"models"},
    {"cli"},
]
"""From the bottom (plain data and errors) to the top (the command line)."""
RANK = {unit: rank for rank, layer in enumerate(LAYERS) for unit in layer}
NUMERIC_FREE = {"errors", "specs", "params", "report", "render", "cli"}
"""Units whose module-level imports never load numpy (a run-cache hit renders with them)."""


def _imports() -> dict[str, set[str]]:
    """unit → the other units it imports, anywhere in its modules."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) < 2 or parts[1] not in RANK:  # the package root and __main__ sit above all
            continue
        unit = parts[1]
        base = parts if path.name == "__init__.py" else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(node, base):
                target_parts = target.split(".")
                if target_parts[0] == "topiccli" and len(target_parts) > 1:
                    other = target_parts[1]
                    if other != unit and other in RANK:
                        graph.setdefault(unit, set()).add(other)
    return graph


def _targets(node, base: list[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            anchor = base[: len(base) - (node.level - 1)]
            module = ".".join(anchor + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        return [module] + [f"{module}.{alias.name}" for alias in node.names]
    return []


def test_every_unit_has_a_layer():
    units = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists()) and not p.name.startswith("_")
    }
    assert units - set(RANK) == set(), "a new unit needs a place in LAYERS"


def test_the_import_graph_has_no_cycle_and_no_edge_pointing_up():
    graph = _imports()
    up = sorted((a, b) for a, edges in graph.items() for b in edges if RANK[b] > RANK[a])
    assert up == [], f"imports pointing up the layers: {up}"
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:  # pragma: no cover - shown on failure
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_only_the_cli_knows_typer_and_rich_lives_in_cli_and_render():
    for path in PACKAGE.rglob("*.py"):
        unit = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        imported = {
            t.split(".")[0]
            for node in ast.walk(ast.parse(path.read_text()))
            for t in _targets(node, ["topiccli"])
        }
        if unit != "cli":
            assert "typer" not in imported, f"{path} imports typer"
        if unit not in ("cli", "render"):
            assert "rich" not in imported, f"{path} imports rich"


def test_the_core_imports_only_numpy_scipy_and_its_own_errors():
    allowed = {"numpy", "scipy", "threadpoolctl", "topiccli", "__future__"}
    for path in (PACKAGE / "factorize").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.module is None or not node.module.startswith(("runs", "cli")), path
                continue
            for target in _targets(node, ["topiccli", "factorize"]):
                root = target.split(".")[0]
                if root and root not in allowed:
                    assert root in __import__("sys").stdlib_module_names, f"{path}: {target}"


def test_numpy_free_units_import_no_numpy_at_module_level():
    for unit in NUMERIC_FREE:
        paths = (
            [PACKAGE / f"{unit}.py"]
            if (PACKAGE / f"{unit}.py").exists()
            else list((PACKAGE / unit).rglob("*.py"))
        )
        for path in paths:
            tree = ast.parse(path.read_text())
            top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
            names = {t.split(".")[0] for n in top for t in _targets(n, ["topiccli"])}
            assert not names & {"numpy", "scipy", "sklearn"}, path
