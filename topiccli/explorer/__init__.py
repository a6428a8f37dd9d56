"""The self-contained HTML topic explorer: ``explorer_html`` for a model, ``sweep_html`` for a
sweep. Plain arrays in (``ExplorerInput``; ``adapt.from_fit`` builds one from a fit)."""

from .data import ExplorerInput, explorer_html, page_data, sweep_html

__all__ = ["ExplorerInput", "explorer_html", "page_data", "sweep_html"]
