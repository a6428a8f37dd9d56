"""Figures on the code's shape, for the issue notes (issue 23's "Done when"), from the source alone.

Prints markdown: lines per unit and per layer (the layers of tests/test_architecture.py), the
longest functions, the places each default is written, ContextVars, imports of another
package's private names, and the modules that read the environment. Nothing is imported from the
tree measured, so it runs on any checkout:

    python scripts/code_figures.py                 # this checkout
    git worktree add /tmp/before c58cf93
    python scripts/code_figures.py --root /tmp/before

How each figure is counted is printed beside it. Lines are physical lines of ``.py`` files; a
function's length runs from its ``def`` line to its last line (docstring included, decorators
not). Literals are counted in code only (docstrings are not code) and outside ``specs.py``,
where the defaults are owned.
"""

from __future__ import annotations

import argparse
import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules(package: Path) -> dict[str, ast.Module]:
    """Each module of the package, by its path relative to the package (``cli/app.py``)."""
    return {
        p.relative_to(package).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(package.rglob("*.py"))
    }


def unit_of(relative: str) -> str:
    """The top-level unit a module belongs to: its subpackage, or the loose module itself."""
    first = relative.split("/")[0]
    return first.removesuffix(".py")


def layers(root: Path) -> list[set[str]]:
    """LAYERS as that checkout's tests/test_architecture.py declares them (read, not imported)."""
    path = root / "tests" / "test_architecture.py"
    if not path.exists():
        return []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LAYERS":
            return [set(layer) for layer in ast.literal_eval(node.value)]
    return []


def lines_per_unit(package: Path, root: Path) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    files: dict[str, int] = defaultdict(int)
    for path in package.rglob("*.py"):
        unit = unit_of(path.relative_to(package).as_posix())
        counts[unit] += len(path.read_text(encoding="utf-8").splitlines())
        files[unit] += 1
    packages = sorted(u for u in counts if (package / u).is_dir())
    loose = sorted(u for u in counts if u not in packages)
    out = ["| Unit | Files | Lines |", "|---|---:|---:|"]
    out += [f"| `{u}/` | {files[u]} | {counts[u]:,} |" for u in packages]
    out.append(f"| {len(loose)} loose modules ({', '.join(loose)}) | {len(loose)} | "
               f"{sum(counts[u] for u in loose):,} |")  # fmt: skip
    out.append(f"| **total** | {sum(files.values())} | {sum(counts.values()):,} |")
    declared = layers(root)
    if declared:
        out += ["", "| Layer (bottom first, tests/test_architecture.py) | Lines |", "|---|---:|"]
        placed = set()
        for layer in declared:
            placed |= layer
            total = sum(counts.get(u, 0) for u in layer)
            out.append(f"| {', '.join(sorted(layer))} | {total:,} |")
        rest = sorted(u for u in counts if u not in placed)
        if rest:
            out.append(f"| (no layer: {', '.join(rest)}) | {sum(counts[u] for u in rest):,} |")
    return out


def functions(trees: dict[str, ast.Module]) -> list[tuple[int, str, str]]:
    """(lines, module, qualified name) for every function and method."""
    found = []

    def walk(node, relative: str, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                found.append((child.end_lineno - child.lineno + 1, relative, name))
                walk(child, relative, name + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, relative, prefix + child.name + ".")
            else:
                walk(child, relative, prefix)

    for relative, tree in trees.items():
        walk(tree, relative, "")
    return sorted(found, key=lambda f: (-f[0], f[1], f[2]))


def longest(trees: dict[str, ast.Module], n: int = 15) -> list[str]:
    every = functions(trees)
    outside_core = [f for f in every if not f[1].startswith("factorize/")]
    out = ["| Lines | Function |", "|---:|---|"]
    out += [f"| {lines} | `{where}` {name} |" for lines, where, name in every[:n]]
    over = [f for f in outside_core if f[0] > 60]
    out.append("")
    out.append(f"Functions over 60 lines outside `factorize/`: {len(over)}")
    return out


def docstrings(tree: ast.Module) -> set[int]:
    """ids of the Constant nodes that are docstrings (a string statement, not code)."""
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for stmt in body:
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                    ids.add(id(stmt.value))
    return ids


def code_literals(tree: ast.Module):
    skip = docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in skip:
            yield node


def _name(target) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.arg):
        return target.arg
    return ""


def _literal(node) -> bool:
    return isinstance(node, ast.Constant) and node.value is not None


def written_defaults(tree: ast.Module, name: str):
    """(line, value) for each literal default given to a parameter, class field or keyword
    argument called ``name`` (``k=6`` in a signature, ``k: int = 6`` in a dataclass,
    ``f(k=6)``)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            yield from ((d.lineno, d.value) for a, d in pairs if a.arg == name and _literal(d))
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets = [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
                targets += stmt.targets if isinstance(stmt, ast.Assign) else []
                value = getattr(stmt, "value", None)
                if any(_name(t) == name for t in targets) and _literal(value):
                    yield value.lineno, value.value
        elif isinstance(node, ast.Call):
            yield from (
                (kw.value.lineno, kw.value.value)
                for kw in node.keywords
                if kw.arg == name and _literal(kw.value)
            )


def resolutions(tree: ast.Module, name: str) -> list[int]:
    """Lines where ``name`` (``min_df``) is resolved: a call of a function whose name says it
    resolves it (``resolve_min_df``), or a comparison of a ``min_df`` with ``"auto"``/``AUTO``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func).lstrip("_") == f"resolve_{name}":
            lines.append(node.lineno)
        elif isinstance(node, ast.BoolOp):  # name == "min_df" and value == AUTO
            parts = [x for v in node.values if isinstance(v, ast.Compare)
                     for x in (v.left, *v.comparators)]  # fmt: skip
            said = any(isinstance(x, ast.Constant) and x.value == name for x in parts)
            if said and any(_name(x) == "AUTO" or getattr(x, "value", None) == "auto"
                            for x in parts):  # fmt: skip
                lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            auto = any((isinstance(x, ast.Constant) and x.value == "auto") or _name(x) == "AUTO"
                       for x in sides)  # fmt: skip
            if auto and any(_name(x).endswith(name) for x in sides):
                lines.append(node.lineno)
    return lines


def default_places(trees: dict[str, ast.Module]) -> list[str]:
    """The places each default is written, outside specs.py."""
    others = {r: t for r, t in trees.items() if r != "specs.py"}

    def literal(value, kind) -> list[str]:
        return [f"{r}:{n.lineno}" for r, t in others.items() for n in code_literals(t)
                if type(n.value) is kind and n.value == value]  # fmt: skip

    def defaults(name, keep=lambda v: True) -> list[str]:
        return [f"{r}:{line}={value!r}" for r, t in others.items()
                for line, value in written_defaults(t, name) if keep(value)]  # fmt: skip

    def resolved(name) -> list[str]:
        return [f"{r}:{line}" for r, t in others.items() for line in resolutions(t, name)]

    rows = [
        ("NMF tolerance, frobenius (2e-6): the literal", literal(2e-6, float)),
        ("NMF tolerance, kl (3e-5): the literal", literal(3e-5, float)),
        ("tol: a literal for a `tol` parameter, field or keyword", defaults("tol")),
        (
            "loss: a literal for a `loss` parameter, field or keyword",
            defaults("loss", lambda v: isinstance(v, str)),
        ),
        ('"propack": the literal', literal("propack", str)),
        ("min_df: a literal for a `min_df` parameter, field or keyword", defaults("min_df")),
        (
            'min_df "auto": resolved (resolve_min_df called, or compared with "auto")',
            resolved("min_df"),
        ),
        ("max_df: a literal for a `max_df` parameter, field or keyword", defaults("max_df")),
        (
            "k: a literal for a `k` parameter, field or keyword",
            defaults("k", lambda v: isinstance(v, int) and not isinstance(v, bool)),
        ),
    ]
    out = ["| Default | Places | Where |", "|---|---:|---|"]
    for what, places in rows:
        shown = ", ".join(places[:8]) + (", …" if len(places) > 8 else "")
        out.append(f"| {what} | {len(places)} | {shown} |")
    return out


def context_vars(trees: dict[str, ast.Module]) -> list[str]:
    """ContextVars created, and the places their variables are read (``_CURRENT.get()``...)."""
    made, names = [], set()
    for r, t in trees.items():
        for n in ast.walk(t):
            value = getattr(n, "value", None)
            assigned = isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(value, ast.Call)
            if assigned and _name(value.func) == "ContextVar":
                made.append(f"{r}:{n.lineno}")
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                names |= {_name(x) for x in targets}
    uses = [
        f"{r}:{n.lineno}"
        for r, t in trees.items()
        for n in ast.walk(t)
        if isinstance(n, ast.Attribute) and isinstance(n.value, (ast.Name, ast.Attribute))
        and _name(n.value) in names and n.attr in ("get", "set", "reset")
    ]  # fmt: skip
    readers = {  # functions that read a ContextVar: calling one fetches the ambient state
        f.name
        for t in trees.values()
        for f in ast.walk(t)
        if isinstance(f, ast.FunctionDef)
        and any(isinstance(n, ast.Attribute) and _name(n.value) in names and n.attr == "get"
                for n in ast.walk(f))
    }  # fmt: skip
    fetches = [f"{r}:{n.lineno}" for r, t in trees.items() for n in ast.walk(t)
               if isinstance(n, ast.Call) and _name(n.func) in readers]  # fmt: skip
    fetching = sorted({u.split(":")[0] for u in fetches})
    return [
        f"ContextVars created: {len(made)} ({', '.join(made) or 'none'}); get/set/reset in "
        f"{len(uses)} places; calls of the functions that read one "
        f"({', '.join(sorted(readers)) or 'none'}): {len(fetches)} in {len(fetching)} modules "
        f"({', '.join(fetching)})"
    ]


def private_imports(trees: dict[str, ast.Module]) -> list[str]:
    """Imports across units of a private name (``_x``), and of names from a private module."""
    names, via_module = [], []
    for relative, tree in trees.items():
        unit = unit_of(relative)
        parts = ["topiccli", *relative.removesuffix(".py").split("/")]
        base = parts[:-1]  # the package a relative import starts from (a module's, or itself)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = base[: len(base) - (node.level - 1)]
                    module = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [(module, a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [(a.name, "") for a in node.names]
            else:
                continue
            for module, name in targets:
                pieces = module.split(".")
                if pieces[0] != "topiccli" or len(pieces) < 2 or pieces[1] == unit:
                    continue
                where = f"{relative}:{node.lineno} {module}{'.' + name if name else ''}"
                if name.startswith("_"):
                    names.append(where)
                elif any(p.startswith("_") and p != "__init__" for p in pieces[2:]):
                    via_module.append(where)
    out = [f"Imports of another unit's private names (`_x`): {len(names)}"]
    out += [f"* {f}" for f in names]
    out += ["", f"Public names imported from another unit's private module: {len(via_module)}"]
    out += [f"* {f}" for f in via_module]
    return out


def environment(trees: dict[str, ast.Module]) -> list[str]:
    readers = sorted(
        r for r, t in trees.items()
        if any((isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv"))
               or (isinstance(n, ast.Name) and n.id in ("environ", "getenv"))
               for n in ast.walk(t))
    )  # fmt: skip
    return [f"Modules reading the environment: {len(readers)} ({', '.join(readers)})"]


def report(root: Path) -> str:
    package = root / "topiccli"
    trees = modules(package)
    sections = [
        ("Lines per unit and layer", lines_per_unit(package, root)),
        ("The 15 longest functions", longest(trees)),
        ("Places each default is written (outside specs.py)", default_places(trees)),
        ("Ambient state, privacy, environment",
         context_vars(trees) + [""] + private_imports(trees) + [""] + environment(trees)),
    ]  # fmt: skip
    out = []
    for title, lines in sections:
        out += [f"### {title}", "", *lines, ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="a checkout (default: this one)")
    print(report(parser.parse_args().root.resolve()))


if __name__ == "__main__":
    main()
