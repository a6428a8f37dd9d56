"""The package's shape: data flows one way, and nothing imports up the layers.

Every module of topiccli/ belongs to a unit (a top-level module or subpackage); each unit has a
layer, and an import (module-level or inside a function) may only point to a unit of the same
or a lower layer, without cycles. The CLI may use everything; nothing below it may import it or
the application layer (topiccli.models). No module imports another package's private names,
and no state is ambient: no ContextVar, and the environment is read in one module.
"""

from __future__ import annotations

import ast
import sys
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "topiccli"

LAYERS = [
    {"errors", "specs", "storage", "settings", "memory"},
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
NUMERIC_FREE = {"errors", "specs", "settings", "params", "report", "render", "cli"}
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


CORE_MAY_IMPORT = {"numpy", "scipy", "threadpoolctl"}
"""Besides the standard library, its own modules and topiccli.errors, all the core
(topiccli.factorize) may import: threadpoolctl bounds the BLAS threads of its kernels."""


def _core_violations(source: str, base: list[str]) -> list[str]:
    """The imports of one core module (``base``: its package, for relative imports) that name
    anything but the standard library, CORE_MAY_IMPORT, topiccli.factorize or topiccli.errors."""
    bad = []
    allowed = CORE_MAY_IMPORT | {"__future__"}
    for node in ast.walk(ast.parse(source)):
        for target in _targets(node, base):
            parts = target.split(".")
            if parts[0] == "topiccli":
                if len(parts) > 1 and parts[1] not in ("factorize", "errors"):
                    bad.append(target)
            elif parts[0] and parts[0] not in allowed | sys.stdlib_module_names:
                bad.append(target)
    return bad


def test_the_core_imports_only_numpy_scipy_and_its_own_errors():
    """The core never reaches the corpus, the text unit or anything above it, relative imports
    (``from ..corpus import …``) included."""
    bad = {}
    for path in (PACKAGE / "factorize").rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        base = parts[:-1]
        found = _core_violations(path.read_text(encoding="utf-8"), base)
        if found:
            bad[str(path.relative_to(PACKAGE))] = found
    assert bad == {}, f"the core imports outside numpy/scipy/its own errors: {bad}"


def test_the_core_check_catches_every_way_of_importing_the_corpus():
    """The check above can fail: each of these lines, written in a core module, is refused."""
    base = ["topiccli", "factorize"]
    for line in ("from ..corpus import load_folder", "from .. import corpus",
                 "import topiccli.corpus", "from topiccli.corpus.folder import load_folder",
                 "from ..text import vectorize", "import sklearn", "import polars"):  # fmt: skip
        assert _core_violations(line, base), line
    for line in ("from ..errors import InvalidParameterError", "from ._parallel import runner",
                 "import numpy as np", "from scipy.sparse import linalg", "import os"):  # fmt: skip
        assert not _core_violations(line, base), line


MAX_LINES = 60
"""The longest a function may be (its def line to its last line, docstring included), outside
the core's numerical kernels (topiccli/factorize/)."""
LONG_FUNCTIONS: dict[str, str] = {}
"""Functions over MAX_LINES that another change in flight owns, each with why; emptied as
those changes land (an entry that is no longer long fails the test, so the list only shrinks)."""


def _function_lengths(path: Path) -> dict[str, int]:
    """Qualified name (``Class.method``, ``outer.inner``) → lines, for each function of a module."""
    lengths: dict[str, int] = {}

    def walk(node, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                lengths[name] = child.end_lineno - child.lineno + 1
                walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
            else:
                walk(child, prefix)

    walk(ast.parse(path.read_text(encoding="utf-8")), "")
    return lengths


def test_no_function_outside_the_core_is_longer_than_60_lines():
    long = {}
    for path in PACKAGE.rglob("*.py"):
        where = path.relative_to(PACKAGE).as_posix()
        if where.startswith("factorize/"):
            continue
        for name, lines in _function_lengths(path).items():
            if lines > MAX_LINES:
                long[f"{where}:{name}"] = lines
    unexpected = {name: n for name, n in long.items() if name not in LONG_FUNCTIONS}
    assert unexpected == {}, f"functions over {MAX_LINES} lines: split them into named steps"
    shrunk = sorted(set(LONG_FUNCTIONS) - set(long))
    assert shrunk == [], f"no longer over {MAX_LINES} lines: remove from LONG_FUNCTIONS: {shrunk}"


def test_the_length_check_measures_from_def_to_the_last_line(tmp_path):
    module = tmp_path / "m.py"
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    module.write_text(f"class A:\n    def f(self):\n{body.replace('    ', '        ')}\n\n"
                      f"def g():\n    def h():\n        pass\n{body}\n")  # fmt: skip
    assert _function_lengths(module) == {"A.f": 62, "g": 64, "g.h": 2}


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


def _modules(package: Path = PACKAGE):
    """(path, unit, the package its relative imports start from, its syntax tree)."""
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        base = parts if path.name == "__init__.py" else parts[:-1]
        unit = parts[1] if len(parts) > 1 else None
        yield path, unit, base, ast.parse(path.read_text(encoding="utf-8"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(package: Path = PACKAGE) -> list[str]:
    """Every import, relative or absolute, module-level or in a function, of a private name
    (a module or an attribute starting with ``_``) of another of topiccli's top-level units."""
    found = []
    for path, unit, base, tree in _modules(package):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                pairs = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    anchor = base[: len(base) - (node.level - 1)]
                    module = ".".join(anchor + ([node.module] if node.module else []))
                pairs = [(module, alias.name) for alias in node.names]
            else:
                continue
            for module, name in pairs:
                names = module.split(".")
                if names[0] != "topiccli" or len(names) < 2 or names[1] == unit:
                    continue  # third-party (sklearn's own _twenty_newsgroups), or its own unit
                if any(_private(n) for n in names[1:] + ([name] if name else [])):
                    where = path.relative_to(package.parent)
                    found.append(f"{where}:{node.lineno} {module} {name or ''}".strip())
    return found


def test_no_module_imports_a_private_name_of_another_package():
    assert private_imports() == []


def test_the_private_import_rule_sees_relative_and_absolute_imports(tmp_path):
    package = tmp_path / "topiccli"
    (package / "distributed").mkdir(parents=True)
    (package / "factorize").mkdir()
    for folder in (package, package / "distributed", package / "factorize"):
        (folder / "__init__.py").write_text("")
    (package / "distributed" / "a.py").write_text(
        "from ..factorize._kl import SparsePattern\n"
        "from ..factorize.steps import _FLOOR\n"
        "from . import _session\n"  # its own unit: allowed
        "def f():\n    import topiccli.factorize._svd\n"
        "    from sklearn.datasets import _twenty_newsgroups\n"  # third-party: not this rule
    )
    found = private_imports(package)
    assert [f.split(" ", 1)[1] for f in found] == [
        "topiccli.factorize._kl SparsePattern",
        "topiccli.factorize.steps _FLOOR",
        "topiccli.factorize._svd",
    ]


def test_no_context_variable_anywhere():
    for path, _, _, tree in _modules():
        for node in ast.walk(tree):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            assert name != "ContextVar", f"{path}: a ContextVar (pass the value down instead)"
            if isinstance(node, ast.ImportFrom):
                assert node.module != "contextvars", f"{path} imports contextvars"


def test_the_environment_is_read_in_one_module():
    """``os.environ``/``os.getenv`` only in topiccli/settings.py: read once, at the edge."""
    readers = set()
    for path, _, _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ENVIRON:
                readers.add(str(path.relative_to(PACKAGE)))
            if isinstance(node, ast.ImportFrom) and node.module == "os" and \
                    {a.name for a in node.names} & ENVIRON:  # fmt: skip
                readers.add(str(path.relative_to(PACKAGE)))
    assert readers - LATE_READERS == {"settings.py"}, sorted(readers)


ENVIRON = {"environ", "getenv", "environb"}
LATE_READERS = {"text/languages.py"}
"""Modules that still read a variable where they use it, not at the edge: the language model's
cache folder (``TOPICS_CACHE``/``TOPICS_CACHE_DIR``), reached deep inside vectorizing (on the
Dask workers too); moving it to ``topiccli.settings`` needs a cache-folder argument through the
text unit."""


TESTS = PACKAGE.parent / "tests"
TEST_UNITS = {"core", "text", "corpus", "quality", "render", "cli", "models", "engine", "e2e"}
"""The test folders, one per unit (docs/development.md, "Tests"); tests of the project as a
whole (this file, test_docs.py) stay at the top."""


def test_tests_sit_in_their_units_folder_and_import_no_other_test_module():
    stray = sorted(
        p.name
        for p in TESTS.glob("test_*.py")
        if p.name not in ("test_architecture.py", "test_docs.py")
    )
    assert stray == [], f"move these into a unit folder ({', '.join(sorted(TEST_UNITS))}): {stray}"
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == TEST_UNITS
    borrowed = []
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(a.name for a in node.names)]
                if any(n.split(".")[-1].startswith("test_") for n in names):
                    borrowed.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    assert borrowed == [], f"helpers belong in tests/helpers.py or a *_support.py: {borrowed}"
