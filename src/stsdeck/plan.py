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
# only the libraries of its own tasks: matplotlib for the charts; statsmodels for the figures,
# then WeasyPrint for the PDF (the figures are done before the deck can be laid out). The layout,
# the PPTX and the reading of cached results run in the build's own process.
CHARTS = "graphiques"
FIGURES_PDF = "chiffres-pdf"
IMAGES = {"pptx": "png", "pdf": "svg"}  # the chart image each output format shows


@dataclass(frozen=True)
class Task:
    """One step of the build: `run(*args, *results of needs)` in `lane`; its result is kept in
    `cache` (through `store`) or written as `output`, or only feeds later tasks."""

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


def plan(dataset: Dataset, theme: Theme, formats: tuple[str, ...], out: Path, inputs_digest: str) -> list[Task]:
    """The tasks that build `formats` from `dataset`: results found in `out`'s cache are read
    there, the others computed; figure-free charts come first in their lane."""
    images = tuple(IMAGES[f] for f in formats if f in IMAGES)
    charts = _chart_tasks(dataset, theme, images, out)
    ordered = sorted(charts, key=lambda task: "figures" in task.needs)
    tasks = [*_figures_tasks(dataset, out), *ordered, *_deck_tasks(dataset, theme, KEYS, inputs_digest)]
    return tasks + [task for f in formats for task in OUTPUTS[f](dataset, theme, inputs_digest)]


def _given(value: Any) -> Any:
    """A result read from the cache while planning."""
    return value


def _figures_tasks(dataset: Dataset, out: Path) -> list[Task]:
    """One task per category (read from its cache file, or computed in the figures' lane), then
    "figures", every category's figures in deck order."""
    from .chartcache import category_figures_names, figures_digest

    names = category_figures_names(dataset)
    tasks = [_category_task(category, names[category.key], out) for category in dataset.categories]
    return [*tasks, Task("figures", HERE, _together, needs=tuple(t.name for t in tasks), label="chiffres",
                         digest=figures_digest(dataset))]


def _category_task(category: Category, name: str, out: Path) -> Task:
    from .chartcache import cached_figures, encode_figures

    digest = name.rsplit("-", 1)[-1].removesuffix(".json")
    known = cached_figures(out / name)
    if known is not None and len(known) == 1:
        return Task(f"figures:{category.key}", HERE, _given, (known,), label="chiffres (cache)", digest=digest,
                    cache=name)
    return Task(f"figures:{category.key}", FIGURES_PDF, _category_figures, (category,), label="calcul des chiffres",
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


def _pdf_tasks(dataset: Dataset, theme: Theme, digest: str) -> list[Task]:
    """WeasyPrint loaded while the figures and charts are computed, the slides without charts laid
    out as soon as the deck is, then the PDF written at once. A long review's PDF is shared, by
    halves of its slides fixed in advance, between the figures' worker and the charts' worker (once
    its charts are drawn), then joined here."""
    output = f"{dataset.info.slug}.pdf"
    if len(dataset.studies) < LONG_REVIEW:
        return [*_pdf_share_tasks(theme, FIGURES_PDF, (0, 1)),
                Task("pdf", FIGURES_PDF, _pdf, (theme, (0, 1)), ("slides",), label="rendu PDF", digest=digest,
                     output=output)]
    halves = [(lane, (index, 2)) for index, lane in enumerate((FIGURES_PDF, CHARTS))]
    tasks = [task for lane, share in halves for task in _pdf_share_tasks(theme, lane, share)]
    tasks += [Task(f"pdf:{share[0]}", lane, _pdf, (theme, share), ("slides",), label="rendu PDF")
              for lane, share in halves]
    return tasks + [Task("pdf", HERE, _joined, (), ("pdf:0", "pdf:1"), label="rendu PDF", digest=digest,
                         output=output)]


def _pdf_share_tasks(theme: Theme, lane: str, share: tuple[int, int]) -> list[Task]:
    """WeasyPrint loaded in `lane`, then its share of the slides without charts laid out ahead."""
    return [Task(f"pdf:load:{share[0]}", lane, _load_weasyprint, label="rendu PDF"),
            Task(f"pdf:ahead:{share[0]}", lane, _pdf_ahead, (theme, share), ("layout",), label="rendu PDF")]


def _pdf_ahead(theme: Theme, share: tuple[int, int], deck: Any) -> int:
    from .render import pdf

    return pdf.lay_out_ahead(deck, theme, share)


def _pdf(theme: Theme, share: tuple[int, int], deck: Any) -> bytes:
    from .render import pdf

    return pdf.render_pdf(deck, theme, share)


def _joined(*parts: bytes) -> bytes:
    from .render.pdf import joined

    return joined(list(parts))


def _pptx_tasks(dataset: Dataset, theme: Theme, digest: str) -> list[Task]:
    return [Task("pptx", HERE, _pptx, (theme,), ("slides",), label="rendu PPTX", digest=digest,
                 output=f"{dataset.info.slug}.pptx")]


def _pptx(theme: Theme, deck: Any) -> bytes:
    from .render.pptx import render_pptx

    return render_pptx(deck, theme)


def _load_weasyprint() -> None:
    """Import WeasyPrint in this worker ahead of the tasks that use it."""
    from .render.weasy import weasyprint

    weasyprint()


OUTPUTS: dict[str, Callable[[Dataset, Theme, str], list[Task]]] = {"pdf": _pdf_tasks, "pptx": _pptx_tasks}


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
