"""The README and the docs cannot drift: their examples run, their links resolve, the generated
pages are current.

* Every ```sh line that runs ``topics`` is run and must succeed (JSON output is validated
  against the packaged schema); every ```text transcript (``$ topics …`` then its output) is run
  and its output compared with what is shown; every ```python block is run. The conventions,
  and the HTML comments that skip a block (with a reason) or mark it as needing 20 Newsgroups,
  are in docs/development.md ("Examples are tested").
* Every relative link and #anchor of README.md and docs/ points at a file and heading that exist.
* docs/reference/cli.md, docs/reference/python.md and the schema tables of docs/formats/json.md
  equal what their scripts generate.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import ARCHIVE_ENV, ROOT, SAMPLE

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
DIRECTIVE = re.compile(r"^<!-- docs-test: (?P<kind>skip|20ng)(?: (?P<reason>.*?))? -->$")
TOPICS_LINE = re.compile(r"(^|\|\s*)topics\s")
SAVED = re.compile(r"--save\s+(\S+)")
MODELS = ("notes.model", "essays.model")
TIMEOUT = 600


@dataclass(frozen=True)
class Block:
    """A fenced code block of a page, with the docs-test directive written just above it."""

    page: Path
    line: int
    lang: str
    text: str
    kind: str | None = None
    reason: str | None = None

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The page's ```sh, ```text and ```python blocks, in order."""
    found, lines = [], page.read_text(encoding="utf-8").splitlines()
    previous, i = "", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            lang, start, body = line[3:].strip(), i + 1, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            directive = DIRECTIVE.match(previous.strip())
            kind = directive["kind"] if directive else None
            reason = directive["reason"] if directive else None
            if lang in ("sh", "text", "python"):
                found.append(Block(page, start, lang, "\n".join(body), kind, reason))
        elif line.strip():
            previous = line
        i += 1
    return found


def runnable(block: Block) -> bool:
    if block.lang == "text":
        return block.text.startswith("$ topics")
    if block.lang == "sh":
        return any(TOPICS_LINE.search(line) for line in block.text.splitlines())
    return block.lang == "python"


GENERATED = ROOT / "docs" / "reference"
"""Generated reference pages: their blocks are signatures and help texts, not examples."""
EXAMPLES = [b for page in PAGES if GENERATED not in page.parents
            for b in blocks(page) if runnable(b)]  # fmt: skip


# --- the scratch folder the examples run in ----------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The files the examples name: the sample corpus under the names they give it, records
    built from it, and two saved models."""
    root = tmp_path_factory.mktemp("docs-examples")
    (root / "sample_corpora").symlink_to(ROOT / "sample_corpora")
    for name in ("my_notes", "notes"):
        shutil.copytree(SAMPLE, root / name)
    for name in ("new_notes", "new"):
        shutil.copytree(SAMPLE / "music", root / name)
    files = sorted(SAMPLE.rglob("*.txt"))
    texts = [" ".join(f.read_text(encoding="utf-8").split()) for f in files]
    labels = [f.parent.name for f in files]
    (root / "posts.jsonl").write_text("".join(
        json.dumps({"body": t, "post_id": f"p{i}", "forum": lab}) + "\n"
        for i, (t, lab) in enumerate(zip(texts, labels))), encoding="utf-8")  # fmt: skip
    import csv

    with open(root / "export.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([f"doc{i}", t] for i, t in enumerate(texts))
    papers = [{"abstract": t, "doi": f"10.0/{i}"} for i, t in enumerate(texts)]
    (root / "papers.json").write_text(json.dumps(papers), encoding="utf-8")
    (root / "one_document_a_line.txt").write_text("\n".join(texts[:10]) + "\n", encoding="utf-8")
    archive = os.environ.get(ARCHIVE_ENV)
    if archive and Path(archive).is_file():
        (root / "20news-bydate.tar.gz").symlink_to(Path(archive).resolve())
    models = tmp_path_factory.mktemp("docs-models")
    run(f"topics nmf --input {SAMPLE} --k 6 --save {models / MODELS[0]}", models, base_env())
    for name in MODELS[1:]:
        shutil.copytree(models / MODELS[0], models / name)
    return root, models


def base_env(cache: Path | None = None) -> dict:
    env = dict(os.environ, COLUMNS="100", TOPICS_CACHE="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if cache is not None:
        env["TOPICS_CACHE_DIR"] = str(cache)
    env.pop("TOPICS_DEBUG", None)
    return env


def run(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)  # fmt: skip
    assert result.returncode == 0, (
        f"`{command}` exited {result.returncode}\nstderr: {result.stderr[-2000:]}"
    )
    return result


@pytest.fixture
def workspace(template, block, tmp_path, request):
    """A fresh copy of the template for one block, with the models it uses but does not save."""
    root, models = template
    here = tmp_path / "work"
    shutil.copytree(root, here, symlinks=True)
    saved = set(SAVED.findall(block.text))
    for name in MODELS:
        if name not in saved:
            shutil.copytree(models / name, here / name)
    env = base_env(request.getfixturevalue("private_cache_dir"))
    if block.kind == "20ng":
        env["SCIKIT_LEARN_DATA"] = str(request.getfixturevalue("newsgroups_home"))
    return here, env


# --- running and comparing ----------------------------------------------------------------


def commands(block: Block) -> list[str]:
    """The ``topics`` lines of a sh block, comments removed."""
    out = []
    for line in block.text.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if TOPICS_LINE.search(line):
            out.append(line)
    return out


def transcript(block: Block) -> list[tuple[str, list[str]]]:
    """(command, shown output lines) for each ``$ `` line of a text block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line.rstrip())
    return steps


def needs_jq(command: str) -> None:
    if "jq " in command and shutil.which("jq") is None:
        pytest.skip("jq is not installed (.ci/run installs it)")


def check_json(command: str, stdout: str) -> None:
    """A command printing JSON to stdout prints a document the schema describes."""
    if not re.search(r"(--format|-f) json\b", command) or re.search(r"[|>]|-o\s|--output", command):
        return
    from .helpers import schema

    jsonschema = pytest.importorskip("jsonschema")
    errors = [e.message for e in jsonschema.Draft202012Validator(schema()).iter_errors(
        json.loads(stdout))]  # fmt: skip
    assert not errors, f"`{command}` printed JSON the schema does not describe: {errors[:3]}"


MACHINE = re.compile(r"\b\d+ (threads?|workers?)\b")
"""The engine line's counts depend on the machine (CPUs), not on the documentation."""


def table_shape(lines: list[str]) -> dict:
    """A rich table's content, whatever its wrapping: title, header, rows cell by cell, and the
    lines below it (whitespace-normalized)."""
    lines = [line.rstrip() for line in lines if line.strip()]
    header, rows, below, title, done = [], [], [], [], False
    for line in lines:
        if done:
            below.append(line)
        elif line.startswith("┃"):
            header.append([c.strip() for c in line.strip("┃").split("┃")])
        elif line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            if cells[0] or not rows:
                rows.append(cells)
            else:
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
        elif line.startswith("└"):
            done = True
        elif not header and line[0] not in "┏┡━":
            title.append(line)
    heading = [" ".join(filter(None, col)) for col in zip(*header)] if header else []
    footer = MACHINE.sub(r"N \1", " ".join(" ".join(below).split()))
    return {"title": " ".join(title), "header": heading, "rows": rows, "below": footer}


def compare(command: str, shown: list[str], printed: str) -> None:
    shown = [line for line in shown if line.strip()]
    actual = [line for line in printed.splitlines() if line.strip()]
    try:
        expected_json = [json.loads(line) for line in shown]
    except ValueError:
        expected_json = None
    if expected_json is not None:
        assert [json.loads(line) for line in actual] == expected_json, (
            f"`{command}` now prints:\n{printed}"
        )
        return
    assert table_shape(actual) == table_shape(shown), f"`{command}` now prints:\n{printed}"


@pytest.mark.parametrize("block", EXAMPLES, ids=[b.name for b in EXAMPLES])
def test_example(block, request):
    if block.kind == "skip":
        assert block.reason, f"{block.name}: a skipped example must say why"
        pytest.skip(f"marked in the page: {block.reason}")
    if block.kind == "20ng" and not os.environ.get(ARCHIVE_ENV):
        pytest.skip(f"needs 20 Newsgroups: set {ARCHIVE_ENV} to the 20news-bydate.tar.gz archive")
    here, env = request.getfixturevalue("workspace")
    if block.lang == "python":
        result = subprocess.run([sys.executable, "-c", block.text], cwd=here, env=env,
                                capture_output=True, text=True, timeout=TIMEOUT)  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
    elif block.lang == "sh":
        for command in commands(block):
            needs_jq(command)
            check_json(command, run(command, here, env).stdout)
    else:
        for command, shown in transcript(block):
            needs_jq(command)
            compare(command, shown, run(command, here, env).stdout)


def test_the_examples_are_found():
    """The collection itself: README's session and transcripts are among the examples."""
    readme = [b for b in EXAMPLES if b.page.name == "README.md"]
    assert sum(b.lang == "text" for b in readme) >= 3
    assert any("topics sweep" in b.text for b in readme)


# --- links --------------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INCLUDE = re.compile(r"^<!-- include: (?P<path>[^ ]+) -->$", re.MULTILINE)


def slug(heading: str) -> str:
    """Python-Markdown's toc slug (what mkdocs uses for a heading's anchor)."""
    text = re.sub(r"`|\*\*|\*", "", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(page: Path) -> set[str]:
    """The ids of a page's headings (``{#id}`` when given), its included file's when it has one."""
    text = page.read_text(encoding="utf-8")
    include = INCLUDE.search(text)
    if include:
        return anchors(ROOT / include["path"])
    found = set()
    for line in FENCE.sub("", text).splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if heading:
            explicit = re.search(r"\{#([\w-]+)\}$", heading[1])
            found.add(explicit[1] if explicit else slug(heading[1]))
    return found


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_links_point_at_files_and_headings_that_exist(page):
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)
    broken = []
    for match in LINK.finditer(text):
        target = match["target"]
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading #{anchor}")
    assert not broken, broken


SOURCE_PATH = re.compile(r"\b(?:tests|scripts|topiccli|bench)/[\w/.-]*\w\.py\b")


def test_files_the_docs_name_exist():
    """A Python file such as ``tests/render/test_tables.py`` named in the docs, the README or a
    docstring points at a file that exists (tests move between unit folders)."""
    texts = [*PAGES, ROOT / "pyproject.toml", *(ROOT / "topiccli").rglob("*.py"),
             *(ROOT / "scripts").glob("*.py"), *(ROOT / "tests").rglob("*.py"),
             ROOT / "bench" / "RESULTS.md"]  # fmt: skip
    missing = sorted(
        f"{source.relative_to(ROOT)}: {name}"
        for source in texts
        for name in set(SOURCE_PATH.findall(source.read_text(encoding="utf-8")))
        if not (ROOT / name).exists() and "*" not in name
    )
    assert not missing, missing


# --- generated pages ----------------------------------------------------------------------


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_generated_from_the_current_help():
    module = script("cli_reference")
    assert module.TARGET.read_text(encoding="utf-8") == module.reference(), (
        "docs/reference/cli.md is stale: run python scripts/cli_reference.py"
    )


def test_the_python_reference_is_generated_from_the_current_docstrings():
    pytest.importorskip("dask.distributed", reason="the page documents the dask extra's API too")
    module = script("api_reference")
    assert module.TARGET.read_text(encoding="utf-8") == module.reference(), (
        "docs/reference/python.md is stale: run python scripts/api_reference.py"
    )


def test_the_schema_tables_are_generated_from_the_current_schema():
    module = script("schema_table")
    current = module.PAGE.read_text(encoding="utf-8")
    assert current == module.page(current, json.loads(module.SCHEMA.read_text("utf-8"))), (
        "docs/formats/json.md is stale: run python scripts/schema_table.py"
    )


def test_infer_help_does_not_offer_20_newsgroups():
    """infer refuses to run without --input; its help must not promise 20 Newsgroups."""
    module = script("cli_reference")
    text = module.help_text(["infer"])
    assert "20 Newsgroups" not in text.replace("never 20 Newsgroups", "")
    assert "─ Documents ─" in text


def test_the_readme_stays_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 250
