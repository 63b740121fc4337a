"""The workers' libraries imported once in a long-lived process (`build --watch`): each rebuild's
workers are forked from it with them loaded, instead of importing them again at every save."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

from .execute import one_blas_thread

# What the figures, charts, PDF and PPTX tasks import (see plan.py), by output format.
LIBRARIES = {
    "pptx": ("statsmodels.stats.meta_analysis", "matplotlib.figure", "matplotlib.backends.backend_agg", "pptx"),
    "pdf": ("statsmodels.stats.meta_analysis", "matplotlib.figure", "matplotlib.backends.backend_svg", "pypdf"),
}


def load_libraries(formats: tuple[str, ...]) -> tuple[str, ...]:
    """Import here what the builds of `formats` use in their workers (numpy with one BLAS thread, as
    in the workers; matplotlib on Agg with its font list read; WeasyPrint for a PDF); the modules
    loaded. A library that fails to load is left to the next build, which says why in French."""
    one_blas_thread()
    names = tuple(dict.fromkeys(name for f in formats for name in LIBRARIES.get(f, ())))
    _loaded(lambda: importlib.import_module("matplotlib").use("Agg"))
    for name in (*names, "matplotlib.font_manager"):
        _loaded(lambda name=name: importlib.import_module(name))
    if "pdf" in formats:
        from .render.weasy import weasyprint

        _loaded(weasyprint)
        names += ("weasyprint",)
    return tuple(name for name in names if name in sys.modules)


def _loaded(load: Callable[[], object]) -> None:
    """`load()`, whose failure (a missing library or system package) is not this preload's to report."""
    try:
        load()
    except (ImportError, OSError):
        pass
