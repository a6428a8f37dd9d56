"""The bad-input matrix (issue 6): every row is a command line with its documented outcome.

A row names its arguments with ``{ws}`` standing for the shared workspace (built once by
:func:`build_workspace`), the exit code, and a piece of the one line expected on stderr.
``mode`` says how the row must be run when it needs a real process: ``closed-stdout`` (stdout
is a pipe whose reader has gone), ``head`` (``… | head -c 100``), ``stdout-full``
(stdout is /dev/full), ``fsize`` (a file-size limit makes any write fail: a full disk),
``sigint`` (Ctrl-C arrives during NMF), ``sigterm`` (SIGTERM arrives during NMF), ``stdin``
(stdin is the file ``Row.stdin`` names, or closed for ``"closed"``). ``cli`` rows also run
in-process through CliRunner.
"""

from __future__ import annotations

import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from topiccli.corpus.newsgroups import CATEGORIES

from ..helpers import GOOD_DOCS


@dataclass(frozen=True)
class Row:
    name: str
    args: tuple[str, ...]
    code: int
    stderr: str | None = None
    """A piece of stderr's one line (an ``Error:`` line, or a ``Warning:`` line on success)."""
    mode: str = "cli"
    root_only: bool | None = None
    """True: the row only makes sense as root; False: only as another user; None: always."""
    stdin: str | None = None
    """``stdin`` mode: the file stdin reads (``{ws}`` as in args), or "closed"."""
    stdout: tuple[str, ...] = ()
    """Pieces the table on stdout must show as they are (and stdout then holds no control
    character a terminal would act on)."""

    def argv(self, ws: Path) -> list[str]:
        """The arguments; ``{fresh}/X`` is a new copy of the workspace's X (a row that repairs
        what it reads, as a cache run rebuilds a corrupt entry, must find it damaged again)."""
        import shutil
        import tempfile

        argv = []
        for arg in self.args:
            if arg.startswith("{fresh}/"):  # {fresh}/TOP[/REST]: TOP copied, REST inside it
                top, _, rest = arg.removeprefix("{fresh}/").partition("/")
                original = ws / top
                copy = Path(tempfile.mkdtemp(prefix="fresh-", dir=ws.parent)) / original.name
                shutil.copytree(original, copy, symlinks=True)
                arg = str(copy / rest) if rest else str(copy)
            argv.append(arg.replace("{ws}", str(ws)))
        return argv


FIT = ("nmf", "--format", "json")
GOOD = ("--input", "{ws}/good", "--k", "2")

# --- untrusted text in tables (issue 24, items 4 and 5): ids, labels and terms are shown as
# they are, never read as rich markup, and control characters are escaped visibly ---------
HOSTILE = ("-i", "{ws}/hostile/records.jsonl", "--id-field", "id", "--label-field", "label")
HOSTILE_IDS = (
    "[/]",
    "notes [draft]",
    "[bold red]styled[/bold red]",
    "[link=https://example.com]site[/link]",
    "esc\x1b]0;PWNED\x07\x1b[31mred",
    ":smile: \u202eevil",
)
HOSTILE_SHOWN = (
    "[draft]",
    "red]styled[/bold",
    "[link=https://example.com]site[/link]",
    "esc\\x1b]0;PWNED\\x07\\x1b[31mred",
    ":smile:",
    "\\u202eevil",
)
"""How the ids read in a table: whole, brackets kept, escapes as ``\\x1b`` (words: a table
may wrap between them)."""
HOSTILE_TERMS = ("[/]", "[bold]x[/bold]", "\\x1b[31mred")
HOSTILE_ROWS = [
    Row("markup as a label and ids in --docs", ("nmf", *HOSTILE, "--k", "2", "--docs", "3"), 0,
        stdout=("[/] 100%", "notes [draft] 100%", *HOSTILE_SHOWN)),
    Row("markup and escapes as terms", ("nmf", *HOSTILE, "--k", "2", "--token-pattern", r"\S+"), 0,
        stdout=HOSTILE_TERMS),
    Row("markup and escapes in an SVD table", ("svd", *HOSTILE, "--k", "2", "--docs", "3",
        "--token-pattern", r"\S+"), 0, stdout=(*HOSTILE_TERMS, *HOSTILE_SHOWN)),
    Row("markup as ids in an infer table", ("infer", "{ws}/models/good", *HOSTILE), 0,
        stdout=HOSTILE_SHOWN),
    Row("markup and escapes as a saved model's terms", ("show", "{ws}/models/hostile"), 0,
        stdout=HOSTILE_TERMS),
    Row("markup as stop words in the vocabulary report",
        ("nmf", *HOSTILE, "--k", "2", "--vocabulary", "--stop-words",
         "english+{ws}/hostile/stop.txt"), 0, stdout=("[/]", "[bold]", "\\x1b[31m")),
]  # fmt: skip


ROWS = [
    # folder inputs
    Row("missing path", (*FIT, "-i", "{ws}/no/such/folder"), 1, "input path does not exist"),
    Row("broken link as input", (*FIT, "-i", "{ws}/dangling"), 1, "input path is a broken link"),
    Row("file where a folder is expected", (*FIT, "-i", "{ws}/good/d1.txt"), 1, "at least 2"),
    Row("device as input", (*FIT, "-i", "/dev/null"), 1, "neither a folder nor a regular file"),
    Row("empty folder", (*FIT, "-i", "{ws}/empty"), 1, "no readable text files"),
    Row("only binary files", (*FIT, "-i", "{ws}/binary"), 1, "(2 binary skipped)"),
    Row("only empty files", (*FIT, "-i", "{ws}/blank"), 1, "(3 empty skipped)"),
    Row("only stop words", (*FIT, "-i", "{ws}/stopwords"), 1, "the vocabulary is empty"),
    Row("encodings", (*FIT, "-i", "{ws}/encodings", "--k", "2"), 0),
    Row(
        "200 MB file",
        (*FIT, "-i", "{ws}/big", "--k", "2", "--max-file-bytes", "1M"),
        0,
        "read only the first 1048576 bytes of 1 larger file",
    ),  # fmt: skip
    Row("odd file names", (*FIT, "-i", "{ws}/names", "--k", "2"), 0),
    Row("odd file names, cached", ("nmf", "-i", "{ws}/names", "--k", "2", "-f", "json"), 0),
    Row("unreadable file", (*FIT, "-i", "{ws}/unreadable", "--k", "2"), 0, "1 unreadable"),
    Row(
        "chmod 000 file",
        (*FIT, "-i", "{ws}/private", "--k", "2"),
        0,
        "1 unreadable",
        root_only=False,
    ),  # fmt: skip
    Row("symlink loop", (*FIT, "-i", "{ws}/loop", "--k", "2"), 0),
    Row("symlink outside", (*FIT, "-i", "{ws}/outside", "--k", "2"), 0, "1 broken link"),
    Row("JSONL line not an object", (*FIT, "-i", "{ws}/records/bad.jsonl"), 1, "line 2: not valid"),
    Row("CSV without the text column", (*FIT, "-i", "{ws}/records/bad.csv"), 1, "no column 'text'"),
    Row(
        "record fields on a folder",
        (*FIT, *GOOD, "--text-field", "body"),
        2,
        "apply to .jsonl/.csv/.parquet files and stdin",
    ),  # fmt: skip
    Row(
        "solver of another loss",
        (*FIT, *GOOD, "--loss", "frobenius", "--solver", "amu"),
        2,
        "--solver 'amu' does not minimise the frobenius loss",
    ),  # fmt: skip
    Row(
        "sweep svd with a loss",
        ("sweep", *GOOD[:2], "--method", "svd", "--loss", "kl"),
        2,
        "--loss applies to --method nmf only",
    ),  # fmt: skip
    Row("infer without input", ("infer", "{ws}/models/good"), 2, "infer needs documents"),
    Row("sweep range backwards", ("sweep", *GOOD[:2], "--k", "5:2"), 2, "--k"),
    Row("infer on binary files", ("infer", "{ws}/models/good", "-i", "{ws}/binary"), 1, "binary"),
    Row("glob matches nothing", (*FIT, *GOOD, "--glob", "*.md"), 1, "no readable text files"),
    # option values
    Row("k zero", (*FIT, *GOOD, "--k", "0"), 2, "Invalid value for '--k'"),
    Row("k negative", (*FIT, *GOOD, "--k", "-3"), 2, "Invalid value for '--k'"),
    Row("k too large", (*FIT, *GOOD, "--k", "50"), 1, "--k must be between 1 and"),
    Row(
        "min-df over max-df",
        (*FIT, *GOOD, "--min-df", "5", "--max-df", "2"),
        2,
        "--min-df (5) is larger than --max-df (2)",
    ),  # fmt: skip
    Row(
        "min-df count over max-df share",
        (*FIT, *GOOD, "--min-df", "5", "--max-df", "0.1"),
        1,
        "--max-df keeps fewer documents than --min-df",
    ),  # fmt: skip
    Row("max-df out of range", (*FIT, *GOOD, "--max-df", "1.5"), 2, "--max-df as a proportion"),
    Row(
        "unknown category",
        (*FIT, "--categories", "sci.space,sci.spice"),
        2,
        "unknown category sci.spice; valid",
    ),  # fmt: skip
    Row("bad ngram range", (*FIT, *GOOD, "--ngram-range", "2,1"), 2, "--ngram-range"),
    Row("ngram range not numbers", (*FIT, *GOOD, "--ngram-range", "a,b"), 2, "--ngram-range"),
    Row("unknown format", ("nmf", *GOOD, "--format", "xml"), 2, "--format"),
    Row("unknown option", ("nmf", *GOOD, "--topics", "3"), 2, "No such option"),
    Row("tol not a number", (*FIT, *GOOD, "--tol", "nan"), 2, "--tol"),
    Row("bad max-file-bytes", (*FIT, *GOOD, "--max-file-bytes", "lots"), 2, "--max-file-bytes"),
    Row(
        "missing stop-word file", (*FIT, *GOOD, "--stop-words", "{ws}/nope.txt"), 2, "--stop-words"
    ),  # fmt: skip
    # archives for `topics data import`
    Row(
        "archive missing",
        ("data", "import", "{ws}/nope.tar.gz", "--data-home", "{ws}/home"),
        1,
        "archive not found",
    ),  # fmt: skip
    *[
        Row(
            f"archive {name}",
            ("data", "import", f"{{ws}}/archives/{name}.tar.gz", "--data-home", "{ws}/home"),
            1,
            message,
        )  # fmt: skip
        for name, message in [
            ("not-gzip", "not a readable .tar.gz"),
            ("truncated", "not a readable .tar.gz"),
            ("wrong", "not the 20news-bydate archive"),
            ("dotdot", "unsafe path"),
            ("absolute", "unsafe path"),
            ("symlink", "link or special file"),
            ("hardlink", "link or special file"),
            ("bomb", "refusing archive member"),
        ]
    ],
    Row(
        "data home is a file",
        ("data", "import", "{ws}/archives/good.tar.gz", "--data-home", "{ws}/good/d1.txt"),
        1,
        "cannot use",
    ),  # fmt: skip
    Row(
        "data home not writable",
        ("data", "import", "{ws}/archives/good.tar.gz", "--data-home", "{ws}/readonly"),
        1,
        "not writable",
        root_only=False,
    ),  # fmt: skip
    Row(
        "data home on a read-only file system",
        ("data", "import", "{ws}/archives/good.tar.gz", "--data-home", "/sys/topics-home"),
        1,
        "cannot use /sys/topics-home as the data home",
        root_only=True,
    ),  # fmt: skip
    # output and pipes
    Row(
        "output into a missing folder",
        (*FIT, *GOOD, "-o", "{ws}/no/such/out.json"),
        1,
        "does not exist",
    ),  # fmt: skip
    Row(
        "output into a read-only folder",
        (*FIT, *GOOD, "-o", "{ws}/readonly/out.json"),
        1,
        "cannot write",
        root_only=False,
    ),  # fmt: skip
    Row(
        "output into a folder root cannot write",
        (*FIT, *GOOD, "-o", "/sys/out.json"),
        1,
        "cannot write",
        root_only=True,
    ),  # fmt: skip
    Row("output onto an input", (*FIT, *GOOD, "-o", "{ws}/good/d2.txt"), 1, "it is an input"),
    Row(
        "output onto a linked input",
        (*FIT, "-i", "{ws}/outside", "-o", "{ws}/elsewhere.txt"),
        1,
        "it is an input",
    ),  # fmt: skip
    Row(
        "output onto the stop-word file",
        (*FIT, *GOOD, "--stop-words", "{ws}/stop.txt", "-o", "{ws}/stop.txt"),
        1,
        "it is an input",
    ),  # fmt: skip
    Row("output is a folder", (*FIT, *GOOD, "-o", "{ws}/empty"), 1, "it is a folder"),
    Row(
        "disk full on --output",
        (*FIT, *GOOD, "-o", "{ws}/out/full.json"),
        1,
        "cannot write",
        mode="fsize",
    ),  # fmt: skip
    Row("disk full on stdout", (*FIT, *GOOD), 1, "cannot write to stdout", mode="stdout-full"),
    Row("stdout closed", (*FIT, *GOOD), 141, mode="closed-stdout"),
    Row("head -c 100", (*FIT, *GOOD), 0, mode="head"),
    Row(
        "Ctrl-C during NMF",
        (
            "nmf",
            "-i",
            "{ws}/large",
            "--k",
            "12",
            "--max-iter",
            "1000000",
            "--tol",
            "0",
            "-f",
            "json",
            "-o",
            "{ws}/out/interrupted.json",
            "--save",
            "{ws}/out/interrupted.model",
            "--doc-topics",
            "{ws}/out/interrupted.csv",
        ),
        130,
        "Interrupted",
        mode="sigint",
    ),  # fmt: skip
    Row(
        "doc-topics into a missing folder",
        (*FIT, *GOOD, "--doc-topics", "{ws}/no/such/w.csv"),
        1,
        "does not exist",
    ),  # fmt: skip
    Row(
        "save onto an existing file",
        (*FIT, *GOOD, "--save", "{ws}/stop.txt", "--force"),
        1,
        "it is not a topiccli model bundle",
    ),  # fmt: skip
    # degenerate data
    Row(
        "NMF hits max-iter",
        (*FIT, *GOOD, "--k", "2", "--max-iter", "1", "--tol", "0"),
        0,
        "NMF stopped at --max-iter=1",
    ),  # fmt: skip
    Row("documents with no terms left", (*FIT, "-i", "{ws}/zero-rows", "--k", "2"), 0),
    Row("svd on zero rows", ("svd", "-i", "{ws}/zero-rows", "--k", "2"), 0),
    Row("a term in every document", (*FIT, "-i", "{ws}/zero-cols", "--k", "2"), 0),
    # model bundles (topics show / infer) and corpus cache entries
    Row("bundle ok", ("show", "{ws}/models/good", "-f", "json"), 0),
    Row("bundle missing", ("show", "{ws}/models/none"), 1, "no model bundle at"),
    Row("not a bundle", ("show", "{ws}/good"), 1, "is not a topiccli model bundle"),
    Row("bundle truncated", ("show", "{ws}/models/truncated"), 1, "is damaged"),
    Row("bundle tampered", ("show", "{ws}/models/tampered"), 1, "fails its SHA-256 check"),
    Row("bundle newer schema", ("show", "{ws}/models/newer"), 1, "upgrade topiccli"),
    Row("bundle holding NaN", ("show", "{ws}/models/nan"), 1, "values that are not finite"),
    Row(
        "infer with a tampered bundle",
        ("infer", "{ws}/models/tampered", "-i", "{ws}/good"),
        1,
        "is damaged",
    ),  # fmt: skip
    Row(
        "infer output onto the model",
        ("infer", "{ws}/models/good", "-i", "{ws}/good", "-o", "{ws}/models/good/model.json"),
        1,
        "it is an input",
    ),  # fmt: skip
    *[
        Row(
            f"{label} entry {name}",
            (*FIT, *GOOD, "--cache-dir", f"{{fresh}}/caches/{kind}-{name}"),
            0,
            f"Warning: ignoring a corrupt {label} entry",
        )  # fmt: skip
        for kind, label in (("corpus", "corpus cache"), ("runs", "run cache"))
        for name in ("truncated", "tampered", "newer")
    ],
    # the Dask engine: one line within the connect timeout (10 s), or the missing extra (no
    # cache: a run the run cache answers never connects)
    Row(
        "unreachable scheduler",
        (*FIT, *GOOD, "--no-cache", "--scheduler", "tcp://127.0.0.1:9"),
        1,
        "Dask scheduler at tcp://127.0.0.1:9",
    ),  # fmt: skip
    Row(
        "cache dir is a file",
        (*FIT, *GOOD, "--cache-dir", "{ws}/stop.txt"),
        0,
        "Warning: ",
    ),  # fmt: skip
    # issue 24: faults that still got through (hostile bundles, unbounded reads, signals,
    # leftovers, archives, stdin); the workspace parts are made by _issue_24
    *[
        Row(f"bundle {name}", ("show", f"{{ws}}/models/{name}"), 1, message)
        for name, message in [
            ("manifest-fifo", "it is a FIFO, not a regular file"),
            ("manifest-devzero", "it is a character device, not a regular file"),
            ("model-devzero", "it is a character device, not a regular file"),
            ("extra-array", "holds an unknown array 'extra.npy'"),
            ("huge-header", "its header says (1000000000000,)"),
            ("ids-number", "documents.json: ids must be a list of a string, not 72"),
            ("labels-number", "documents.json: labels must be a list of a string or null"),
            ("details-string", "model.json: details must be an object"),
            ("quality-string", "model.json: quality must be an object or null"),
            ("top-words-string", "model.json: top_words must be an integer >= 1, not '8'"),
            ("top-words-negative", "model.json: top_words must be an integer >= 1, not -5"),
            ("token-pattern", "token_pattern must be a regular expression"),
            ("stop-words-number", "stop_words must be a list of a string or null, not 5"),
            ("svd-huge", "SVD topics are unit vectors"),
            ("subnormal", "a topic of subnormal weights only"),
            ("negative", "array components holds negative values"),
            ("negative-idf", "array idf holds values that are not positive"),
        ]
    ],
    Row(
        "explore a link loop",
        ("explore", "{ws}/models/loop", "-o", "{ws}/out/loop.html"),
        1,
        "no model bundle at",
    ),  # fmt: skip
    Row(
        "infer with a FIFO manifest",
        ("infer", "{ws}/models/manifest-fifo", "-i", "{ws}/good"),
        1,
        "it is a FIFO, not a regular file",
    ),  # fmt: skip
    Row("explore a FIFO manifest", ("explore", "{ws}/models/manifest-fifo"), 1, "it is a FIFO"),
    Row(
        "infer with subnormal topics",
        ("infer", "{ws}/models/subnormal", "-i", "{ws}/good", "-f", "json"),
        1,
        "a topic of subnormal weights only",
    ),  # fmt: skip
    Row(
        "infer with negative topics",
        ("infer", "{ws}/models/negative", "-i", "{ws}/good"),
        1,
        "is damaged: array components holds negative values",
    ),  # fmt: skip
    Row(
        "save into a read-only folder",
        (*FIT, *GOOD, "--save", "{ws}/readonly/m.model"),
        1,
        "readonly is not writable",
        root_only=False,
    ),  # fmt: skip
    Row(
        "save into a folder root cannot write",
        (*FIT, *GOOD, "--save", "/sys/m.model"),
        1,
        "folder /sys is not writable",
        root_only=True,
    ),  # fmt: skip
    Row(
        "a half-done save --force swap",
        ("show", "{fresh}/swap/m.model", "-f", "json"),
        0,
        "Warning: restored the model bundle at",
    ),  # fmt: skip
    Row(
        "stale leftovers of a killed run",
        (
            *FIT,
            *GOOD,
            "-o",
            "{fresh}/stale/out.json",
            "--save",
            "{fresh}/stale/m.model",
            "--doc-topics",
            "{fresh}/stale/w.csv",
            "--force",
        ),
        0,
        "Warning: removed 1 leftover(s) of an interrupted run",
    ),  # fmt: skip
    Row(
        "a killed import's leftover in the data home",
        ("data", "import", "{ws}/archives/wrong.tar.gz", "--data-home", "{fresh}/stale-home"),
        1,
        "Warning: removed 1 leftover(s) of an interrupted run",
    ),  # fmt: skip
    Row(
        "archive with a bad gzip CRC",
        ("data", "import", "{ws}/archives/crc.tar.gz", "--data-home", "{ws}/home"),
        1,
        "fails its gzip check",
    ),  # fmt: skip
    Row(
        "archive with a category as a file",
        ("data", "import", "{ws}/archives/category-file.tar.gz", "--data-home", "{ws}/home"),
        1,
        "is a file where a folder of posts belongs",
    ),  # fmt: skip
    Row(
        "disk full during data import",
        ("data", "import", "{ws}/archives/good.tar.gz", "--data-home", "{ws}/home"),
        1,
        "cannot write the cache in",
        mode="fsize",
    ),  # fmt: skip
    Row(
        "SIGTERM during NMF",
        (
            "nmf",
            "-i",
            "{ws}/large",
            "--k",
            "12",
            "--max-iter",
            "1000000",
            "--tol",
            "0",
            "-f",
            "json",
            "-o",
            "{ws}/out/terminated.json",
            "--save",
            "{ws}/out/terminated.model",
            "--doc-topics",
            "{ws}/out/terminated.csv",
        ),
        130,
        "Interrupted: stopped by SIGTERM",
        mode="sigterm",
    ),  # fmt: skip
    Row(
        "stdin is the file -o names",
        (*FIT, "-i", "-", "--k", "2", "-o", "{ws}/records/stdin.jsonl"),
        1,
        "it is an input",
        mode="stdin",
        stdin="{ws}/records/stdin.jsonl",
    ),  # fmt: skip
    Row(
        "stdin is the file --doc-topics names",
        (*FIT, "-i", "-", "--k", "2", "--doc-topics", "{ws}/records/stdin.jsonl"),
        1,
        "it is an input",
        mode="stdin",
        stdin="{ws}/records/stdin.jsonl",
    ),  # fmt: skip
    Row(
        "stdin closed",
        (*FIT, "-i", "-", "--k", "2"),
        1,
        "stdin is closed",
        mode="stdin",
        stdin="closed",
    ),  # fmt: skip
    Row(
        "stdin reading /dev/zero",
        (*FIT, "-i", "-", "--k", "2"),
        1,
        "stdin is a device, not documents",
        mode="stdin",
        stdin="/dev/zero",
    ),  # fmt: skip
    Row(
        "JSONL on stdin cut mid-record",
        (*FIT, "-i", "-", "--k", "2"),
        1,
        "stdin line 4: not valid JSON",
        mode="stdin",
        stdin="{ws}/records/cut.jsonl",
    ),  # fmt: skip
    Row(
        "a line over max-file-bytes on stdin",
        (*FIT, "-i", "-", "--k", "2", "--max-file-bytes", "1M"),
        0,
        "read only the first 1048576 bytes of 1 larger file",
        mode="stdin",
        stdin="{ws}/records/long-line.txt",
    ),  # fmt: skip
    Row(
        "a JSONL record over max-file-bytes",
        (*FIT, "-i", "{ws}/records/long-record.jsonl", "--k", "2", "--max-file-bytes", "1M"),
        0,
        "1 over max_file_bytes",
    ),  # fmt: skip
    Row(
        "a CSV field over max-file-bytes",
        (*FIT, "-i", "{ws}/records/long-field.csv", "--k", "2", "--max-file-bytes", "1M"),
        1,
        "a field is longer than 1048576 characters (--max-file-bytes)",
    ),  # fmt: skip
    Row(
        "JSONL nested 100,000 deep",
        (*FIT, "-i", "{ws}/records/deep.jsonl", "--k", "2"),
        1,
        "line 2: not valid JSON",
    ),  # fmt: skip
    Row("folders 1,100 deep", (*FIT, "-i", "{ws}/deep", "--k", "2"), 0),
    Row(
        "html path holding an option's name",
        (*FIT, *GOOD, "--html", "{ws}/no/html/report.html"),
        1,
        "/no/html/report.html: folder ",
    ),  # fmt: skip
    Row(
        "doc-topics path holding an option's name",
        (*FIT, *GOOD, "--doc-topics", "{ws}/no/doc_topics/w.csv"),
        1,
        "/no/doc_topics/w.csv",
    ),  # fmt: skip
    Row(
        "output path holding an option's name",
        (*FIT, *GOOD, "-o", "{ws}/no/output.json"),
        1,
        "/no/output.json",
    ),  # fmt: skip
    Row(
        "run cache entry linked to /dev/zero",
        (*FIT, *GOOD, "--cache-dir", "{fresh}/caches/runs-devzero"),
        0,
        "Warning: cannot read the run cache entry",
    ),  # fmt: skip
    *HOSTILE_ROWS,
]


def build_workspace(ws: Path) -> Path:
    """Every input the rows need, made once; mtimes are set in the past so runs may cache."""
    _docs(ws / "good", GOOD_DOCS)
    (ws / "empty").mkdir()
    (ws / "out").mkdir()
    (ws / "home").mkdir()
    (ws / "dangling").symlink_to(ws / "nowhere")
    _files(ws / "binary", {"a.bin": b"\x00\x01\x02\x03", "b.png": b"\x89PNG\r\n\x1a\n\x00\x00"})
    _files(ws / "blank", {"a.txt": b"", "b.txt": b"   \n\t", "c.txt": b"\xef\xbb\xbf"})
    _files(ws / "stopwords", {"a.txt": b"the and of to", "b.txt": b"is it a an the"})
    (ws / "stop.txt").write_bytes(b"the\nand\n")
    _encodings(ws / "encodings")
    _big(ws / "big")
    _names(ws / "names")
    _docs(ws / "unreadable", GOOD_DOCS)
    (ws / "unreadable" / "mem.txt").symlink_to("/proc/self/mem")  # read() fails: EIO, even as root
    _docs(ws / "private", GOOD_DOCS)
    (ws / "private" / "secret.txt").write_text("nobody may read this")
    (ws / "private" / "secret.txt").chmod(0)
    _docs(ws / "loop", GOOD_DOCS)
    (ws / "loop" / "again").symlink_to(ws / "loop", target_is_directory=True)
    (ws / "loop" / "twin").symlink_to(ws / "loop", target_is_directory=True)
    _docs(ws / "outside", GOOD_DOCS)
    (ws / "elsewhere.txt").write_text("apples and engines, far away")
    (ws / "outside" / "linked.txt").symlink_to(ws / "elsewhere.txt")
    (ws / "outside" / "broken.txt").symlink_to(ws / "gone.txt")
    _files(ws / "records", {
        "bad.jsonl": b'{"text": "apples and pears"}\nnot json\n',
        "bad.csv": b"id,body\n1,apples and pears\n2,cars and roads\n",
    })  # fmt: skip
    _docs(ws / "zero-rows", [*GOOD_DOCS, "the and of", "it is"])
    _docs(ws / "zero-cols", [f"{doc} everywhere" for doc in GOOD_DOCS])
    _large(ws / "large")
    _archives(ws / "archives")
    (ws / "readonly").mkdir()
    (ws / "readonly").chmod(0o555)
    _age(ws)
    _models(ws / "models", ws / "good")
    _caches(ws / "caches", ws / "good")
    _issue_24(ws)
    _hostile(ws / "hostile", ws / "models" / "hostile")
    return ws


def _hostile(folder: Path, bundle: Path) -> None:
    """Records whose ids, labels and words are rich markup and terminal escapes; a stop-word
    file of them; a bundle whose terms are them (``--token-pattern '\\S+'``)."""
    import json

    words = " ".join(["[/] [bold]x[/bold] \x1b[31mred"] * 3)
    lines = []
    for i, doc_id in enumerate(HOSTILE_IDS):
        label = "[/]" if i < 3 else "notes [draft]"
        text = f"{GOOD_DOCS[i]} {words}" if i < 3 else GOOD_DOCS[i]
        lines.append(json.dumps({"id": doc_id, "label": label, "text": text}))
    _files(folder, {"records.jsonl": ("\n".join(lines) + "\n").encode(),
                    "stop.txt": b"[/]\n[bold]\n\x1b[31m\n"})  # fmt: skip
    _fit("-i", folder / "records.jsonl", "--token-pattern", r"\S+", "--no-cache", "--save", bundle)


# --- issue 24: the workspace of its rows --------------------------------------------------


def _issue_24(ws: Path) -> None:
    """Hostile bundles, archives, records, stdin files, a deep tree and a killed run's state."""
    _hostile_bundles(ws / "models")
    _records_24(ws / "records")
    _deep(ws / "deep", 1100)
    _swap(ws / "swap", ws / "models" / "good")
    _stale(ws / "stale", ws / "models" / "good")
    leftover = ws / "stale-home" / ".topics-import-abcd1234" / "20news-bydate-train"
    leftover.mkdir(parents=True)
    (leftover / "post").write_text("half an import")
    old = os.stat(ws).st_mtime - 7200
    os.utime(leftover.parent, (old, old))
    mini_archive(ws / "archives" / "category-file.tar.gz",
                 [("20news-bydate-train/alt.atheism.extra", b"x")])  # fmt: skip
    _bad_crc(ws / "archives" / "good.tar.gz", ws / "archives" / "crc.tar.gz")
    home = ws / "caches" / "runs-devzero"
    _fit("-i", ws / "good", "--cache-dir", home)
    (meta,) = home.glob("runs-v*/*.json")
    meta.unlink()
    meta.symlink_to("/dev/zero")


def _rehash(bundle: Path) -> None:
    """Make the manifest's sizes and checksums match the files again (a bundle whose damage
    only the bundle's own checks can find)."""
    import hashlib
    import json

    manifest = json.loads((bundle / "manifest.json").read_text())
    for name, entry in manifest["files"].items():
        data = (bundle / name).read_bytes()
        entry.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=1))


def _edit(bundle: Path, name: str, change) -> None:
    """Rewrite the JSON file ``name`` of ``bundle`` through ``change(value)`` and rehash."""
    import json

    value = json.loads((bundle / name).read_text())
    change(value)
    (bundle / name).write_text(json.dumps(value))
    _rehash(bundle)


def _edit_arrays(bundle: Path, change) -> None:
    import numpy as np

    with np.load(bundle / "arrays.npz", allow_pickle=False) as stored:
        arrays = {name: stored[name].copy() for name in stored.files}
    change(arrays)
    np.savez_compressed(bundle / "arrays.npz", **arrays)
    _rehash(bundle)


def _hostile_bundles(folder: Path) -> None:
    import shutil
    import zipfile

    from typer.testing import CliRunner

    from topiccli.cli import app

    good = folder / "good"
    corpus = folder.parent / "good"
    for kind, args in (("svd", ("svd",)), ("tfidf", ("nmf", "--vectorizer", "tfidf"))):
        result = CliRunner().invoke(
            app,
            [
                *args,
                "-i",
                str(corpus),
                "--k",
                "2",
                "--no-cache",
                "-f",
                "csv",
                "--save",
                str(folder / f"good-{kind}"),
            ],
        )
        assert result.exit_code == 0, result.stderr  # fmt: skip

    def copy(name: str, source: Path = good) -> Path:
        shutil.copytree(source, folder / name)
        return folder / name

    fifo = copy("manifest-fifo") / "manifest.json"
    fifo.unlink()
    os.mkfifo(fifo)
    for name, file in (("manifest-devzero", "manifest.json"), ("model-devzero", "model.json")):
        target = copy(name) / file
        target.unlink()
        target.symlink_to("/dev/zero")
    with zipfile.ZipFile(copy("extra-array") / "arrays.npz", "a") as archive:
        archive.writestr("extra.npy", _npy_header((64 * 2**20 // 8,)) + bytes(64 * 2**20))
    _rehash(folder / "extra-array")
    _huge_header(copy("huge-header"))
    edits = {
        "ids-number": ("documents.json", lambda v: v.update(ids=72)),
        "labels-number": ("documents.json", lambda v: v.update(labels=3)),
        "details-string": ("model.json", lambda v: v.update(details="fast")),
        "quality-string": ("model.json", lambda v: v.update(quality="good")),
        "top-words-string": ("model.json", lambda v: v.update(top_words="8")),
        "top-words-negative": ("model.json", lambda v: v.update(top_words=-5)),
        "token-pattern": ("vectorizer.json", lambda v: v.update(token_pattern="(")),
        "stop-words-number": ("vectorizer.json", lambda v: v.update(stop_words=5)),
    }
    for name, (file, change) in edits.items():
        _edit(copy(name), file, change)

    def scale(factor):
        return lambda arrays: arrays["components"].__imul__(factor)

    _edit_arrays(copy("svd-huge", folder / "good-svd"), scale(1e200))
    _edit_arrays(copy("subnormal"), scale(1e-320))
    _edit_arrays(copy("negative"), scale(-1.0))
    _edit_arrays(copy("negative-idf", folder / "good-tfidf"),
                 lambda arrays: arrays["idf"].__imul__(-1.0))  # fmt: skip
    (folder / "loop").symlink_to(folder / "loop")


def _npy_header(shape: tuple) -> bytes:
    import io

    import numpy as np

    buffer = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def _huge_header(bundle: Path) -> None:
    """components.npy's header claims 10¹² elements (its data is a few bytes)."""
    import zipfile

    path = bundle / "arrays.npz"
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["components.npy"] = _npy_header((10**12,)) + bytes(64)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    _rehash(bundle)


def _records_24(folder: Path) -> None:
    import json

    good = [json.dumps({"text": t}) for t in GOOD_DOCS]
    line = (" ".join(GOOD_DOCS) + " ").encode()
    long_text = (line * (2 * 2**20 // len(line) + 1)).decode()
    _more(folder, {
        "stdin.jsonl": ("\n".join(good) + "\n").encode(),
        "cut.jsonl": ("\n".join(good[:3]) + "\n" + good[3][:15]).encode(),
        "long-line.txt": ("\n".join(GOOD_DOCS) + "\n" + long_text + "\n").encode(),
        "long-record.jsonl": ("\n".join(good + [json.dumps({"text": long_text})]) + "\n").encode(),
        "long-field.csv": ("text\n" + "\n".join(GOOD_DOCS) + "\n" + long_text + "\n").encode(),
        "deep.jsonl": (good[0] + "\n" + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
    })  # fmt: skip


def _more(folder: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (folder / name).write_bytes(content)


def _deep(root: Path, depth: int) -> None:
    """Two documents at the top and one ``depth`` folders down (made without recursion)."""
    _docs(root, GOOD_DOCS[:3])
    folder = root
    for _ in range(depth):  # relative steps: the full path would outgrow PATH_MAX
        folder = folder / "d"
    here = os.getcwd()
    try:
        os.chdir(root)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path("deep.txt").write_text(GOOD_DOCS[3])
    finally:
        os.chdir(here)


def remove_deep(root: Path) -> None:
    """Remove the tree :func:`_deep` made, deepest first (shutil.rmtree recurses)."""
    if not root.is_dir():
        return
    here = os.getcwd()
    try:
        os.chdir(root)
        depth = 0
        while os.path.isdir("d"):
            os.chdir("d")
            depth += 1
        for _ in range(depth):
            for name in os.listdir("."):
                if name != "d":
                    os.unlink(name)
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)


def _swap(folder: Path, good: Path) -> None:
    """What a SIGKILL between save --force's two renames leaves: the old bundle moved aside
    into ``.m.model.old-XXXXXXXX/bundle``, nothing at ``m.model``."""
    import shutil

    aside = folder / ".m.model.old-abcd1234"
    aside.mkdir(parents=True)
    shutil.copytree(good, aside / "bundle")


def _stale(folder: Path, good: Path) -> None:
    """Leftovers of killed runs beside the outputs, an hour and more old, and a fresh one
    (another run's, still being written: kept)."""
    import shutil

    folder.mkdir()
    shutil.copytree(good, folder / "m.model")
    (folder / ".out.json.tmp-abcd1234").write_text("half a report")
    (folder / ".w.csv.tmp-efgh5678").write_text("id,label")
    shutil.copytree(good, folder / ".m.model.partial-ijkl9012")
    (folder / ".m.model.old-mnop3456").mkdir()
    old = os.stat(folder).st_mtime - 7200
    for name in os.listdir(folder):
        os.utime(folder / name, (old, old))
    (folder / ".out.json.tmp-fresh123").write_text("another run's")


def _bad_crc(good: Path, bad: Path) -> None:
    """``good`` with its gzip trailer's CRC-32 flipped (``gzip -t``: crc error)."""
    data = bytearray(good.read_bytes())
    data[-8] ^= 0xFF
    bad.write_bytes(bytes(data))


def _files(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)


def _docs(folder: Path, texts: list[str]) -> None:
    _files(folder, {f"d{i}.txt": t.encode() for i, t in enumerate(texts, 1)})


def _encodings(folder: Path) -> None:
    _docs(folder, GOOD_DOCS)
    text = "café crème brûlée naïve façade déjà vu"
    _files(folder / "more", {
        "latin1.txt": text.encode("latin-1"),
        "utf16.txt": text.encode("utf-16"),
        "utf8-bom.txt": text.encode("utf-8-sig"),
        "cp1252.txt": "“smart” quotes – dashes".encode("cp1252"),
        "invalid-utf8.txt": b"caf\xc3 cr\xa9me \xff\xfe broken \x81 bytes",
    })  # fmt: skip


def _big(folder: Path) -> None:
    """A 200 MB file (its text is the first 2 MB; the rest a hole: fast and cheap on disk)."""
    _docs(folder, GOOD_DOCS[:3])
    line = (" ".join(GOOD_DOCS) + "\n").encode()
    with open(folder / "huge.txt", "wb") as handle:
        handle.write(line * (2 * 2**20 // len(line)))
        handle.truncate(200 * 2**20)


def _names(folder: Path) -> None:
    _docs(folder, GOOD_DOCS[:3])
    for name, text in [
        ("with spaces.txt", GOOD_DOCS[3]),
        ("new\nline.txt", GOOD_DOCS[4]),
        ("ünïcødé ✓.txt", GOOD_DOCS[5]),
    ]:
        (folder / name).write_text(text)
    bad = os.fsencode(folder) + b"/not-utf8-\xff\xfe.txt"
    with open(bad, "wb") as handle:
        handle.write(GOOD_DOCS[0].encode())
    sub = os.fsencode(folder) + b"/dir-\xe9"
    os.mkdir(sub)
    with open(sub + b"/inside.txt", "wb") as handle:
        handle.write(GOOD_DOCS[1].encode())


def _large(folder: Path) -> None:
    """Enough documents that NMF with tol=0 runs until interrupted."""
    from topiccli.corpus.synthetic import planted

    corpus = planted(1000, 8, seed=1)
    _docs(folder, [t for t in corpus.texts])


def _fit(*args) -> None:
    """Run a fit in-process (to make a bundle or a cache entry the rows then damage)."""
    from typer.testing import CliRunner

    from topiccli.cli import app

    result = CliRunner().invoke(app, ["nmf", "--k", "2", "-f", "csv", *map(str, args)])
    assert result.exit_code == 0, result.stderr


def _models(folder: Path, corpus: Path) -> None:
    """A good bundle and three damaged copies: truncated, tampered, from a newer topiccli."""
    import shutil

    folder.mkdir()
    good = folder / "good"
    _fit("-i", corpus, "--no-cache", "--save", good)
    for name in ("truncated", "tampered", "newer", "nan"):
        shutil.copytree(good, folder / name)
    _nan_bundle(folder / "nan")
    arrays = folder / "truncated" / "arrays.npz"
    arrays.write_bytes(arrays.read_bytes()[:100])
    vocabulary = folder / "tampered" / "vocabulary.json"
    vocabulary.write_bytes(vocabulary.read_bytes().replace(b"a", b"b", 1))
    manifest = folder / "newer" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"schema_version": 1', '"schema_version": 99'))


def _nan_bundle(bundle: Path) -> None:
    """A NaN in the topics, with the manifest's sizes and checksums made to match: only the
    bundle's own array checks can refuse it (NaN must never reach the core)."""
    import hashlib
    import json

    import numpy as np

    with np.load(bundle / "arrays.npz", allow_pickle=False) as stored:
        arrays = {name: stored[name].copy() for name in stored.files}
    arrays["components"][0, 0] = np.nan
    np.savez(bundle / "arrays.npz", **arrays)
    manifest = json.loads((bundle / "manifest.json").read_text())
    data = (bundle / "arrays.npz").read_bytes()
    manifest["files"]["arrays.npz"].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2))


def _caches(folder: Path, corpus: Path) -> None:
    """Cache folders holding one damaged entry each, truncated, tampered or of a newer format:
    a corpus entry (``corpus-NAME``, its run entry removed so that the corpus entry is read) or
    a run entry (``runs-NAME``)."""
    import hashlib
    import json
    import shutil

    for kind in ("corpus", "runs"):
        for name in ("truncated", "tampered", "newer"):
            home = folder / f"{kind}-{name}"
            _fit("-i", corpus, "--cache-dir", home)
            if kind == "corpus":
                for runs in home.glob("runs-v*"):
                    shutil.rmtree(runs)
            (meta,) = home.glob(f"{kind}-v*/*.json")
            if name == "truncated":
                damaged = meta.with_suffix(".npz") if kind == "corpus" else meta
                damaged.write_bytes(damaged.read_bytes()[:50])
            elif name == "tampered":
                field = b'"terms"' if kind == "corpus" else b'"topics"'
                meta.write_bytes(meta.read_bytes().replace(field, field.replace(b"s", b"z", 1)))
            else:  # a well-formed entry, checksum and all, written by a newer format
                entry = json.loads(meta.read_bytes())["entry"]
                entry["format"] += 1
                body = json.dumps(entry).encode()
                digest = hashlib.sha256(body).hexdigest()
                meta.write_bytes(
                    b'{"sha256": "' + digest.encode() + b'", "entry": ' + body + b"}\n"
                )


def _add(tar, name, data=b"", kind=tarfile.REGTYPE, linkname="", size=None):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if size is None else size
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def mini_archive(path: Path, extra=()) -> Path:
    """A tiny archive shaped like 20news-bydate, with ``extra`` members added at the end."""
    with tarfile.open(path, "w:gz") as tar:
        for top in ("20news-bydate-train", "20news-bydate-test"):
            for c in CATEGORIES:
                body = f"Subject: {c}\n\nA post about {c.replace('.', ' ')}.\n".encode()
                _add(tar, f"{top}/{c}/1", body)
        for args in extra:
            _add(tar, *args)
    return path


def _archives(folder: Path) -> None:
    folder.mkdir()
    good = mini_archive(folder / "good.tar.gz")
    (folder / "not-gzip.tar.gz").write_text("this is not an archive")
    whole = good.read_bytes()
    (folder / "truncated.tar.gz").write_bytes(whole[: len(whole) // 2])
    with tarfile.open(folder / "wrong.tar.gz", "w:gz") as tar:
        _add(tar, "project/README", b"some other tarball")
    train = "20news-bydate-train"
    mini_archive(folder / "dotdot.tar.gz", [(f"{train}/../../evil", b"x")])
    mini_archive(folder / "absolute.tar.gz", [("/tmp/evil", b"x")])
    mini_archive(folder / "symlink.tar.gz", [(f"{train}/l", b"", tarfile.SYMTYPE, "/etc/passwd")])
    mini_archive(folder / "hardlink.tar.gz", [(f"{train}/h", b"", tarfile.LNKTYPE, "/etc/passwd")])
    _bomb(folder / "bomb.tar.gz")


def _bomb(path: Path) -> None:
    """64 MiB of zeros in a 64 KiB archive, first: refused at its header, never inflated."""
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        info = tarfile.TarInfo("20news-bydate-train/alt.atheism/1")
        info.size = 64 * 2**20
        tar.addfile(info, _Zeros(info.size))


class _Zeros(io.RawIOBase):
    """``size`` zero bytes, produced as they are read (the archive still compresses them)."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


def _age(ws: Path) -> None:
    """Date every file an hour back (the corpus cache does not store just-modified files)."""
    past = os.stat(ws).st_mtime - 3600
    for directory, _, names in os.walk(ws):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                os.utime(path, (past, past))


def snapshot(ws: Path) -> dict[str, tuple[bytes, int]]:
    """Every input file's first bytes, size and mtime, to prove a run changed nothing."""
    state = {}
    for directory, subdirs, names in os.walk(ws):
        if os.path.basename(directory) in ("out", "home"):
            continue
        if directory == str(ws):  # the 1,100-level tree: os.walk recurses (Python < 3.12)
            subdirs[:] = [d for d in subdirs if d != "deep"]
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            st = os.stat(path)
            try:
                with open(path, "rb") as handle:
                    head = handle.read(4 * 2**20)
            except OSError:
                head = b"<unreadable>"
            state[path] = (head, st.st_size, st.st_mtime_ns)
    return state
