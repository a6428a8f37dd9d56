"""Helpers shared by the tests of several units: paths, CLI calls, fits, archives, the schema.

Fixtures live in conftest.py; plain functions and constants live here, so no test module imports
from another test module.
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import time
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_corpora" / "essays"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
ARCHIVE_ENV = "TOPICS_20NG_ARCHIVE"
TUTORIAL_CATEGORIES = ["alt.atheism", "talk.religion.misc", "comp.graphics", "sci.space"]
TUTORIAL_VECTORIZER = ("--vectorizer", "count", "--stop-words", "english", "--min-df", "1",
                       "--max-df", "1.0", "--token-pattern", "words", "--keep-contractions",
                       "--keep-junk", "--clean", "none")  # fmt: skip
"""The tutorial's CountVectorizer(stop_words="english"): scikit-learn's defaults, not ours."""

GOOD_DOCS = [
    "apples pears plums fruit orchard harvest",
    "pears apples fruit orchard juice harvest",
    "plums fruit orchard apples trees blossom",
    "engines wheels road driving cars garage",
    "cars driving road engines fuel garage",
    "wheels cars garage engines tyres road",
]
"""Six tiny documents on two themes: enough for a fit at k=2 (the fault matrix's good input)."""

HOUR_AGO = time.time() - 3600


def age(path: Path) -> None:
    """Backdate every file, as for data settled long before the run (see cache.RACY_NS)."""
    for file in [path, *path.rglob("*")]:
        os.utime(file, (HOUR_AGO, HOUR_AGO))


def names_option(text: str, option: str) -> bool:
    """Whether ``text`` names ``option`` whole: ``--k`` is not found inside ``--keep-junk``, nor
    ``--save`` inside ``--save-snippets``."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def write_docs(folder: Path, texts=GOOD_DOCS) -> Path:
    """A folder of plain-text documents ``d0.txt``, ``d1.txt``, ... holding ``texts``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"d{i}.txt").write_text(text)
    return folder


def topics(*args, **kwargs):
    """``topics ARGS`` through Typer's CliRunner (arguments stringified)."""
    from typer.testing import CliRunner

    from topiccli.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], **kwargs)


def fit_json(*args, env=None):
    """The parsed JSON report of a command that must succeed."""
    result = topics(*args, "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def fit_report(source, settings, model, cache_dir=None, **files):
    """A finished fit through the application layer (``files``: FitFiles fields)."""
    from topiccli.models.run import RunRequest, run_model
    from topiccli.specs import FitFiles

    return run_model(RunRequest(source, settings, model, FitFiles(**files), cache_dir=cache_dir))


def load_matrix(source, settings, cache_dir=None):
    """(corpus, document-term matrix, cache state) for a SourceSpec, as a run builds them."""
    from topiccli.models.corpus_matrix import matrix_of

    return matrix_of(source, settings, cache_dir)


def schema() -> dict:
    """The schema as an installed package holds it (package-data, not the source tree)."""
    text = (files("topiccli") / "schema" / "report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def add_member(tar, name, data=b"", kind=tarfile.REGTYPE, linkname=""):
    """Add a member to an open tarfile: a regular file holding ``data``, or a link/special."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def mini_archive(path, extra=()):
    """A tiny archive shaped like 20news-bydate: every category, two posts in each subset."""
    from topiccli.corpus.newsgroups import CATEGORIES

    with tarfile.open(path, "w:gz") as tar:
        for top in ("20news-bydate-train", "20news-bydate-test"):
            for c in CATEGORIES:
                for n in (1, 2):
                    body = f"Subject: {c}\n\nA post about {c.replace('.', ' ')} number {n}.\n"
                    add_member(tar, f"{top}/{c}/{n}", body.encode())
        for args in extra:
            add_member(tar, *args)
    return path


def validate(document: dict, kind: str) -> None:
    """``document`` matches ``$defs[kind]`` and exactly one kind of the whole schema."""
    import jsonschema

    whole = schema()
    validator = jsonschema.Draft202012Validator
    errors = [e.message for e in validator(whole).iter_errors(document)]
    assert not errors, f"not valid against the schema: {errors[:5]}"
    one_kind = {key: value for key, value in whole.items() if key != "oneOf"}
    one_kind["$ref"] = f"#/$defs/{kind}"
    found = validator(one_kind).iter_errors(document)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in found]
    assert not errors, f"not a valid {kind}: {errors[:5]}"


def table_rows(text: str) -> list[dict]:
    """A rendered table's rows by its header names (continuation lines of a wrapped row
    joined by a space): what the consistency tests read the table by."""
    lines = text.splitlines()
    head = next(line for line in lines if line.startswith("┃"))
    names = [cell.strip() for cell in head.strip("┃").split("┃")]
    rows: list[list[str]] = []
    for line in lines:
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[0]:
            rows.append(cells)
        else:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
    return [dict(zip(names, cells)) for cells in rows]


# A tiny themed Chinese corpus, written for the tests (no third-party text).
ZH_THEMES = {
    "sport": ["今天的足球比赛非常精彩，球队进球三次。", "球员在比赛中受伤，教练很担心球队。",
              "篮球比赛结束，球队获得冠军。", "足球教练说球员需要更多训练。"],
    "money": ["股票市场今天下跌，投资者很担心。", "银行提高利率，股票价格下跌。",
              "投资者在市场上买入股票。", "银行发布报告，经济增长放缓。"],
    "food": ["这家餐厅的面条非常好吃。", "妈妈在厨房里做米饭和面条。",
             "餐厅的厨师做了很多好吃的菜。", "我们在厨房里一起做饭。"],
}  # fmt: skip


def zh_corpus(copies: int = 6) -> list[str]:
    return [s for _ in range(copies) for theme in ZH_THEMES.values() for s in theme]
