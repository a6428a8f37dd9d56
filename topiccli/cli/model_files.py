"""The files a fit may write besides its report: ``--save`` (a model bundle) and ``--doc-topics``.

Both are checked before any work starts, so a long fit never ends in a refusal: neither may be
an input (the corpus, a stop-word file, a model being read) or the same path as another output.
"""

from __future__ import annotations

from pathlib import Path


def inputs_of(source, settings=None, *extra: Path | None) -> list[Path]:
    """Every path a run reads: the source (not stdin), the files outside it that links in a
    folder source point to, a stop-word file, and ``extra``."""
    paths = [source.input] if source.input is not None and str(source.input) != "-" else []
    if paths and Path(source.input).is_dir():
        paths += _linked_files(Path(source.input), source.glob)
    if settings is not None and settings.stop_words not in ("english", "none"):
        paths.append(Path(settings.stop_words))
    return paths + [Path(p) for p in extra if p is not None]


def _linked_files(root: Path, glob: str | None) -> list[Path]:
    """The files a folder's symbolic links lead to outside the folder (they are inputs too)."""
    from ..corpus.folder import candidate_files

    inside = root.resolve()
    targets = (file.resolve() for file in candidate_files(root, glob))
    return [t for t in targets if inside not in t.parents]


def check_outputs(outputs: dict[str, Path | None], inputs) -> None:
    """Refuse an output that is an input, or two options naming the same file.

    ``inputs``: the paths, or a function giving them (called only when there is an output).
    """
    from ..errors import OutputError
    from .output import check_destination, check_not_input

    if all(path is None for path in outputs.values()):
        return
    inputs = inputs() if callable(inputs) else inputs
    seen: dict[Path, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        check_not_input(path, inputs)
        if option != "--save":
            check_destination(path)
        resolved = path.resolve()
        if resolved in seen:
            raise OutputError(f"{option} and {seen[resolved]} name the same file {path}")
        seen[resolved] = option


def check_fit_outputs(values: dict, source, settings) -> None:
    """Before fitting: --save and --doc-topics are writable and touch no input."""
    save, doc_topics = values.get("save"), values.get("doc_topics")
    outputs = {"--output": values.get("output"), "--doc-topics": doc_topics, "--save": save}
    check_outputs(outputs, lambda: inputs_of(source, settings))
    if doc_topics is not None:  # imported only when asked for: a plain run stays lean
        from ..export import format_for

        format_for(doc_topics)
    if save is not None:
        from ..bundle import check_destination

        check_destination(save, values.get("force", False))
        for other in (values.get("output"), doc_topics):
            if other is not None and save.resolve() in other.resolve().parents:
                from ..errors import OutputError

                raise OutputError(f"refusing to write {other} inside the bundle {save}")


def write_fit_outputs(values: dict, report) -> None:
    """After fitting: save the bundle and write the document-topic table, as asked."""
    if values.get("save") is None and values.get("doc_topics") is None:
        return
    from ..infer import fitted_weights

    weights = fitted_weights(report)
    if values.get("save") is not None:
        from ..bundle import from_report, save

        save(from_report(report, weights), values["save"], force=values.get("force", False))
    if values.get("doc_topics") is not None:
        from ..export import DocTopics, write_file
        from ..infer import top_topics

        corpus = report.documents
        table = DocTopics(corpus.ids, corpus.labels, weights, top_topics(weights))
        write_file(values["doc_topics"], table)
