"""``topics show`` and ``topics infer``: reuse a model bundle written by ``--save``."""

from __future__ import annotations

from pathlib import Path

import typer

from . import options as opt
from .app import app
from .command import Given, command


@command(app, "show", ["model", "show_top_words", "format", "output"],
         short_help="Print a saved model's topics again.")  # fmt: skip
def show(given: Given) -> None:
    """Print a saved model's topics again, without the corpus (same formats as a fit)."""
    from ..models.reuse import show as show_model
    from ..render.run import render
    from .output import width_for, write_text

    output = given["output"]
    report = show_model(given["model"], given["show_top_words"], output)
    write_text(render(report, given["format"], width_for(output)), output)


INFER_OPTIONS = [
    "model",
    opt.in_panel("input", opt.DOCUMENTS, "The documents: a folder of text files, one text file, "
                 "a .jsonl/.csv file of records, or - for stdin (required)."),
    *(opt.in_panel(name, opt.DOCUMENTS) for name in ("glob", "max_file_bytes", "text_field",
                                                      "id_field", "label_field", "no_labels")),
    "top_words", "row_format", "output", "doc_topics", "normalize", "scheduler", "quiet",
]  # fmt: skip
INFER_HELP = (
    "Infer the topics of new documents with a saved model (its vocabulary, never refitted)."
    "\n\nEach document gets its topic weights and its top topic: for NMF the weights that "
    "minimise the model's own loss (least squares, or KL divergence for a KL model) against "
    "its fixed topics, with its penalty on W; for SVD the projection onto the components. "
    "--input is required."
)


@command(app, "infer", INFER_OPTIONS, help=INFER_HELP,
         short_help="Infer the topics of new documents with a saved model.")  # fmt: skip
def infer(given: Given) -> None:
    """See INFER_HELP."""
    from ..models.reuse import InferRequest, infer_documents
    from ..render.doc_topics import write_inference
    from ..render.progress import progress_display
    from ..specs import SourceSpec
    from .fit_commands import open_engine
    from .output import width_for, write_streamed

    request = given.spec(InferRequest, source=given.spec(SourceSpec))
    with open_engine(given) as engine, progress_display(given["quiet"]) as progress:
        result = infer_documents(request, progress, engine)
    format, output = given["row_format"], request.output
    write_streamed(lambda handle: write_inference(handle, result, format, width_for(output)),
                   output)  # fmt: skip


EXPLORE_DEFAULT = "topics.html"
"""Where ``explore`` writes its page without ``-o`` when stdout is a terminal."""


@command(app, "explore", ["model", "output"], short_help="Write a saved model's HTML explorer.")
def explore(given: Given) -> None:
    """Write a self-contained HTML explorer of a saved model: the intertopic map, each topic's
    terms by relevance, its documents and labels. It fetches nothing and opens from file://.

    Without --output the page goes to stdout when stdout is a file or a pipe, and to
    topics.html in the current folder when stdout is a terminal (a page is no text to read).
    """
    from ..models.explore import explore_bundle
    from .output import write_text

    model, output = given["model"], given["output"]
    chosen = output is None and stdout_is_terminal()
    if chosen:
        output = Path(EXPLORE_DEFAULT)
    write_text(explore_bundle(model, output), output)
    if chosen:  # say where the page went: the user named no file
        typer.echo(f"Wrote the explorer to {output} (choose the file with -o)", err=True)


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (a person reading, not a file or a pipe)."""
    import sys

    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())
