"""``topics show`` and ``topics infer``: reuse a model bundle written by ``--save``."""

from __future__ import annotations

from pathlib import Path

import typer

from . import options as opt
from .app import app
from .errors import TopicsCommand, handled
from .options import DEFAULTS as D


@app.command("show", cls=TopicsCommand, short_help="Print a saved model's topics again.")
def show(
    model: opt.ModelPath,
    top_words: opt.ShowTopWords = None,
    format: opt.Format = "table",
    output: opt.Output = None,
) -> None:
    """Print a saved model's topics again, without the corpus (same formats as a fit)."""
    with handled():
        from ..models.reuse import show as show_model
        from ..render.run import render
        from .output import width_for, write_text

        report = show_model(model, top_words, output)
        write_text(render(report, format, width_for(output)), output)


DOCUMENTS = "Documents"
"""infer's source panel: it reads --input only (never 20 Newsgroups)."""
InferInput = opt.in_panel(
    opt.Input,
    DOCUMENTS,
    "The documents: a folder of text files, one text file, a .jsonl/.csv file of records, "
    "or - for stdin (required).",
)
InferGlob = opt.in_panel(opt.Glob, DOCUMENTS)
InferMaxFileBytes = opt.in_panel(opt.MaxFileBytes, DOCUMENTS)
InferTextField = opt.in_panel(opt.TextField, DOCUMENTS)
InferIdField = opt.in_panel(opt.IdField, DOCUMENTS)
InferLabelField = opt.in_panel(opt.LabelField, DOCUMENTS)
InferNoLabels = opt.in_panel(opt.NoLabels, DOCUMENTS)

INFER_HELP = (
    "Infer the topics of new documents with a saved model (its vocabulary, never refitted)."
    "\n\nEach document gets its topic weights and its top topic: for NMF the weights that "
    "minimise the model's own loss (least squares, or KL divergence for a KL model) against "
    "its fixed topics, with its penalty on W; for SVD the projection onto the components. "
    "--input is required."
)


@app.command("infer", cls=TopicsCommand, help=INFER_HELP,
             short_help="Infer the topics of new documents with a saved model.")  # fmt: skip
def infer(
    model: opt.ModelPath,
    input: InferInput = None,
    glob: InferGlob = None,
    max_file_bytes: InferMaxFileBytes = opt.MAX_FILE_BYTES,
    text_field: InferTextField = None,
    id_field: InferIdField = None,
    label_field: InferLabelField = None,
    no_labels: InferNoLabels = False,
    top_words: opt.TopWords = D["top_words"],
    format: opt.RowFormat = "table",
    output: opt.Output = None,
    doc_topics: opt.DocTopics = None,
    normalize: opt.Normalize = False,
    scheduler: opt.Scheduler = None,
    quiet: opt.Quiet = False,
) -> None:
    """See INFER_HELP."""
    with handled():
        from ..models.reuse import InferRequest
        from ..models.reuse import infer as run_infer
        from ..specs import SourceSpec
        from .fit_commands import open_engine
        from .output import width_for, write_streamed, write_text
        from .progress import progress_display

        source = SourceSpec(input=input, glob=glob, max_file_bytes=max_file_bytes,
                            text_field=text_field, id_field=id_field,
                            label_field=label_field, labels=not no_labels)  # fmt: skip
        request = InferRequest(model, source, top_words, output, doc_topics, normalize)
        with open_engine(scheduler) as engine, progress_display(quiet) as progress:
            result = run_infer(request, progress, engine)
        if format in ("csv", "jsonl"):
            from ..render.doc_topics import write_rows

            write_streamed(lambda handle: write_rows(handle, format, result.table), output)
            return
        from ..render.doc_topics import infer_json, infer_table

        if format == "json":
            text = infer_json(result.table, result.header)
        else:
            text = infer_table(result.table, result.words, result.title, width_for(output),
                               result.header.get("engine"))  # fmt: skip
        write_text(text, output)


EXPLORE_DEFAULT = "topics.html"
"""Where ``explore`` writes its page without ``-o`` when stdout is a terminal."""


@app.command("explore", cls=TopicsCommand, short_help="Write a saved model's HTML explorer.")
def explore(model: opt.ModelPath, output: opt.Output = None) -> None:
    """Write a self-contained HTML explorer of a saved model: the intertopic map, each topic's
    terms by relevance, its documents and labels. It fetches nothing and opens from file://.

    Without --output the page goes to stdout when stdout is a file or a pipe, and to
    topics.html in the current folder when stdout is a terminal (a page is no text to read).
    """
    with handled():
        from ..models.explore import bundle_page
        from ..models.outputs import check_destination, check_not_input
        from .output import write_text

        chosen = output is None and stdout_is_terminal()
        if chosen:
            output = Path(EXPLORE_DEFAULT)
        check_not_input(output, [model])
        check_destination(output)
        write_text(bundle_page(model), output)
        if chosen:  # say where the page went: the user named no file
            typer.echo(f"Wrote the explorer to {output} (choose the file with -o)", err=True)


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (a person reading, not a file or a pipe)."""
    import sys

    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())
