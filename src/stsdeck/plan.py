"""The build's plan, made before anything runs: every task (figures, each chart, the layout, the PDF,
the PPTX) with its lane, the tasks it needs, its inputs' digest and its cache or output file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .charts import KEYS
from .execute import HERE
from .model import Category, Dataset
from .themes import Theme

# Two worker processes, one per core of the 2-core machines stsdeck is measured on, each loading
# only the libraries of its own tasks. With a PDF: statsmodels for the figures, then matplotlib for
# the charts (both on numpy) in one; WeasyPrint for the PDF, the heaviest task, in the other. With
# no PDF, the figures are computed beside the charts. The layout, the PPTX and the reading of cached
# results run in the build's own process.
CHARTS = "graphiques"
FIGURES_PDF = "chiffres-pdf"
IMAGES = {"pptx": "png", "pdf": "svg"}  # the chart image each output format shows


@dataclass(frozen=True)
class Task:
    """One step of the build: `run(*args, *results of needs)` in `lane`; its result is kept in
    `cache` (through `store`), or in the cache files `files` names (those it made with their
    bytes, those it read with None), or written as `output`, or only feeds later tasks."""

    name: str
    lane: str
    run: Callable[..., Any]
    args: tuple[Any, ...] = ()
    needs: tuple[str, ...] = ()
    label: str = ""
    digest: str = ""
    cache: str = ""
    store: Callable[[Any], bytes] | None = None
    output: str = ""
    files: Callable[[Any], dict[str, bytes | None]] | None = None  # cache files of several names


def plan(dataset: Dataset, theme: Theme, formats: tuple[str, ...], out: Path, inputs_digest: str) -> list[Task]:
    """The tasks that build `formats` from `dataset`: results found in `out`'s cache are read
    there, the others computed; figure-free charts come first in their lane."""
    images = tuple(IMAGES[f] for f in formats if f in IMAGES)
    charts = _chart_tasks(dataset, theme, images, out)
    ordered = sorted(charts, key=lambda task: "figures" in task.needs)
    figures_lane = CHARTS if "pdf" in formats else FIGURES_PDF
    tasks = [*_figures_tasks(dataset, out, figures_lane), *ordered, *_deck_tasks(dataset, theme, KEYS, inputs_digest)]
    keys = tuple(task.name.removeprefix("chart:") for task in sorted(ordered, key=lambda task: task.lane != HERE))
    return tasks + [task for f in formats for task in OUTPUTS[f](dataset, theme, out, inputs_digest, keys)]


def _given(value: Any) -> Any:
    """A result read from the cache while planning."""
    return value


def _figures_tasks(dataset: Dataset, out: Path, lane: str) -> list[Task]:
    """One task per category (read from its cache file, or computed in the figures' lane), then
    "figures", every category's figures in deck order."""
    from .chartcache import category_figures_names, figures_digest

    names = category_figures_names(dataset)
    tasks = [_category_task(category, names[category.key], out, lane) for category in dataset.categories]
    return [*tasks, Task("figures", HERE, _together, needs=tuple(t.name for t in tasks), label="chiffres",
                         digest=figures_digest(dataset))]


def _category_task(category: Category, name: str, out: Path, lane: str) -> Task:
    from .chartcache import cached_figures, encode_figures

    digest = name.rsplit("-", 1)[-1].removesuffix(".json")
    known = cached_figures(out / name)
    if known is not None and len(known) == 1:
        return Task(f"figures:{category.key}", HERE, _given, (known,), label="chiffres (cache)", digest=digest,
                    cache=name)
    return Task(f"figures:{category.key}", lane, _category_figures, (category,), label="calcul des chiffres",
                digest=digest, cache=name, store=encode_figures)


def _category_figures(category: Category) -> tuple[Any, ...]:
    """The figures of `category`, as a 1-tuple (the form of its cache file)."""
    from .synthesize import category_figures

    return (category_figures(category),)


def _together(*per_category: tuple[Any, ...]) -> tuple[Any, ...]:
    """The categories' figures in deck order."""
    return tuple(figures for (figures,) in per_category)


def _chart_tasks(dataset: Dataset, theme: Theme, images: tuple[str, ...], out: Path) -> list[Task]:
    from .chartcache import chart_names

    return [_chart_task(dataset, theme, key, name, images, out) for key, name in chart_names(dataset, theme, KEYS).items()]


def _chart_task(dataset: Dataset, theme: Theme, key: str, name: str, images: tuple[str, ...], out: Path) -> Task:
    """Chart `key` read from its cache file `name` if it holds `images`, else drawn in the charts' lane."""
    from .chartcache import cached_chart, draw_one, encode_chart
    from .charts import USES_FIGURES

    digest = name.rsplit("-", 1)[-1].removesuffix(".json")
    known = cached_chart(out / name, images)
    if known is not None:
        return Task(f"chart:{key}", HERE, _given, (known,), label="graphique (cache)", digest=digest, cache=name)
    needs = ("figures",) if key in USES_FIGURES else ()
    return Task(f"chart:{key}", CHARTS, draw_one, (dataset, theme, key, images), needs,
                label="dessin des graphiques", digest=digest, cache=name, store=encode_chart)


def _deck_tasks(dataset: Dataset, theme: Theme, keys: tuple[str, ...], digest: str) -> list[Task]:
    """The deck laid out as soon as the figures are known (charts by their titles only), then the
    same deck with its charts drawn."""
    return [Task("layout", HERE, lay_out, (dataset, theme), ("figures",), label="mise en page", digest=digest),
            Task("slides", HERE, with_drawn_charts, (theme,), ("layout", *(f"chart:{k}" for k in keys)),
                 label="mise en page des graphiques", digest=digest)]


def lay_out(dataset: Dataset, theme: Theme, category_figures: tuple[Any, ...]) -> Any:
    """The paginated deck, each chart slide by its title only."""
    from .chartcache import placeholders
    from .deck import build_deck

    return build_deck(dataset, theme, category_figures, placeholders(dataset))


def with_drawn_charts(theme: Theme, deck: Any, *charts: Any) -> Any:
    """`deck` with its chart slides drawn."""
    from .deck import with_charts

    return with_charts(deck, theme, charts)


LONG_REVIEW = 60  # studies from which the PDF is shared between both workers (a deck of 100+ slides)


def _pdf_tasks(dataset: Dataset, theme: Theme, out: Path, digest: str, keys: tuple[str, ...]) -> list[Task]:
    """The PDF by sections (sections_of), each read from its cache file or rendered: WeasyPrint
    loaded while the figures and charts are computed, the sections without charts rendered as soon
    as the deck is laid out, each chart's section as soon as it is drawn (`keys`: the order the
    charts come), then all joined, each font once. A long review's sections without charts are
    shared, by halves fixed in advance, between the figures' worker and the charts' worker (once
    its charts are drawn)."""
    halves = [(FIGURES_PDF, (0, 1))] if len(dataset.studies) < LONG_REVIEW else \
        [(lane, (index, 2)) for index, lane in enumerate((FIGURES_PDF, CHARTS))]
    tasks = [task for lane, share in halves for task in (
        Task(f"pdf:load:{share[0]}", lane, _load_weasyprint, label="rendu PDF"),
        Task(f"pdf:ahead:{share[0]}", lane, _pdf_ahead, (theme, out, share), ("layout",), label="rendu PDF",
             files=part_files))]
    tasks += [Task(f"pdf:chart:{key}", FIGURES_PDF, _pdf_chart, (dataset, theme, out, key), ("layout", f"chart:{key}"),
                   label="rendu PDF", files=part_files) for key in keys]
    parts = tuple(task.name for task in tasks if task.files)
    return tasks + [Task("pdf", FIGURES_PDF, _joined, (theme,), ("slides", *parts), label="rendu PDF",
                         digest=digest, output=f"{dataset.info.slug}.pdf")]


def _pdf_ahead(theme: Theme, out: Path, share: tuple[int, int], deck: Any) -> tuple[Any, ...]:
    from .render import pdf

    return pdf.rendered_parts(deck, theme, out, share, pdf.without_chart)


def _pdf_chart(dataset: Dataset, theme: Theme, out: Path, key: str, deck: Any, chart: Any) -> tuple[Any, ...]:
    """The section of chart `key`, drawn into the laid-out `deck`."""
    from .chartcache import placeholders
    from .render import pdf

    charts = tuple(chart if c.key == key else c for c in placeholders(dataset))
    return pdf.rendered_parts(with_drawn_charts(theme, deck, *charts), theme, out, (0, 1), pdf.with_chart(key))


def part_files(parts: tuple[Any, ...]) -> dict[str, bytes | None]:
    """The cache files of sections' PDFs: the bytes of those rendered by this build, None for the others."""
    return {part.name: part.data if part.fresh else None for part in parts}


def _joined(theme: Theme, deck: Any, *rendered: tuple[Any, ...]) -> bytes:
    """The sections' PDFs in deck order as one PDF; a section of the final `deck` that none of
    `rendered` holds (none, unless drawing a chart changed another slide) is rendered here."""
    from .render import pdf

    return pdf.assembled(deck, theme, tuple(part for parts in rendered for part in parts))


def _pptx_tasks(dataset: Dataset, theme: Theme, out: Path, digest: str, keys: tuple[str, ...]) -> list[Task]:
    return [Task("pptx", HERE, _pptx, (theme,), ("slides",), label="rendu PPTX", digest=digest,
                 output=f"{dataset.info.slug}.pptx")]


def _pptx(theme: Theme, deck: Any) -> bytes:
    from .render.pptx import render_pptx

    return render_pptx(deck, theme)


def _load_weasyprint() -> None:
    """Import WeasyPrint, and pypdf that joins the sections, in this worker ahead of the tasks that use them."""
    import pypdf  # noqa: F401

    from .render.weasy import weasyprint

    weasyprint()


OUTPUTS: dict[str, Callable[[Dataset, Theme, Path, str, tuple[str, ...]], list[Task]]] = {"pdf": _pdf_tasks, "pptx": _pptx_tasks}


def describe(tasks: list[Task]) -> str:
    """What the build computes and what it takes from the cache, in French."""
    categories = [t for t in tasks if t.name.startswith("figures:")]
    computed = sum(t.store is not None for t in categories)
    charts = [t for t in tasks if t.name.startswith("chart:")]
    drawn = sum(t.store is not None for t in charts)
    outputs = [t.output.rsplit(".", 1)[-1].upper() for t in tasks if t.output]
    work = [_figures_count(computed, len(categories))] * bool(computed) + [f"{drawn} graphique(s)"] * bool(drawn)
    kept = [_figures_count(len(categories) - computed, len(categories))] * (computed < len(categories)) + \
        [f"{len(charts) - drawn} graphique(s)"] * (len(charts) > drawn)
    work += ["mise en page", *outputs]
    return "Calcul et rendu : " + ", ".join(work) + (f" (repris du cache : {', '.join(kept)})" if kept else "")


def _figures_count(count: int, total: int) -> str:
    """« chiffres » when it is every category's, else how many categories' figures."""
    return "chiffres" if count == total else f"chiffres de {count} catégorie(s)"
