"""build(): load, validate, synthesize, paginate, render, write — each stage feeds the next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .claims import check_claims, read_source
from .errors import DataError, Problem
from .manifest import CACHE_DIR, MANIFEST, digest, input_hashes, manifest_bytes, read_manifest, up_to_date
from .model import Dataset
from .parallel import PdfCache, PdfChunks
from .progress import Progress
from .slides import Deck
from .themes import Theme, load_theme, template_chain
from .validate import load_dataset, study_warnings
from .write import output_lock, prune_cache, refused_output, write_outputs

if TYPE_CHECKING:
    from .charts import Chart
    from .synthesize import CategoryFigures

FORMATS = ("pptx", "pdf")
CHANGES = "CHANGES.md"


@dataclass(frozen=True)
class BuildConfig:
    """What to build from where."""

    data: Path = Path("data")
    out: Path = Path("build")
    formats: tuple[str, ...] = FORMATS
    template: str | None = None
    strict: bool = False
    quiet: bool = True
    timeout_s: float = 600.0  # a renderer still working after this long is stopped


@dataclass(frozen=True)
class Report:
    """What a check or build produced: studies counted, warnings, files written, what changed."""

    studies: int
    warnings: tuple[Problem, ...]
    written: tuple[Path, ...] = ()
    skipped: bool = False
    summary: str = ""


def checked(data: Path, strict: bool) -> tuple[Dataset, tuple[Problem, ...]]:
    """The validated dataset and its warnings; with `strict`, warnings are errors."""
    dataset = load_dataset(data)
    warnings = tuple(sorted(check_claims(dataset, source=read_source(data)) + study_warnings(dataset)))
    blocking = [w for w in warnings if not w.acknowledged]
    if strict and blocking:
        raise DataError(blocking)
    return dataset, warnings


def check(data: Path, strict: bool = False) -> Report:
    """Validate the dataset and its synthesis claims without writing anything."""
    dataset, warnings = checked(data, strict)
    return Report(len(dataset.studies), warnings)


def render(deck: Deck, theme: Theme, formats: tuple[str, ...], pdf: PdfChunks | None
           ) -> tuple[dict[str, bytes], set[str]]:
    """Every requested output as bytes (new PDF chunks for the cache included), and the cache files
    the PDF is made of. The PDF chunks (some already started in `pdf`, which is None when no PDF is
    asked for, others reused from its cache) render in worker processes while this process renders
    the PPTX."""
    from .render.pptx import render_pptx

    outputs: dict[str, bytes] = {}
    pptx = lambda: outputs.update({f"{deck.slug}.pptx": render_pptx(deck, theme)} if "pptx" in formats else {})  # noqa: E731
    if pdf is None:
        pptx()
        return outputs, set()
    outputs[f"{deck.slug}.pdf"], fresh, used = pdf.finish(deck, pptx)
    return outputs | fresh, used


def figures_and_charts(dataset: Dataset, theme: Theme, out: Path, formats: tuple[str, ...],
                       on_figures: Callable[[tuple[CategoryFigures, ...]], None] = lambda figures: None,
                       ) -> tuple[tuple[CategoryFigures, ...], tuple[Chart, ...], dict[str, bytes], set[str]]:
    """The figures and the charts, each from the cache when its inputs did not change, else computed
    (charts that do not read the figures are drawn in a second process while statsmodels computes
    them); with the new cache files to write, and the names of all those in use. `on_figures` runs
    as soon as the figures are known, before the remaining charts are drawn."""
    from .chartcache import cached_figures, chart_names, encode_chart, encode_figures, figures_name
    from .charts import KEYS, USES_FIGURES
    from .parallel import ChartDrawing
    from .synthesize import figures

    images = tuple(image for image, output in (("png", "pptx"), ("svg", "pdf")) if output in formats)
    figures_file = figures_name(dataset)
    known = cached_figures(out / figures_file)
    ready = KEYS if known is not None else tuple(k for k in KEYS if k not in USES_FIGURES)
    names = chart_names(dataset, theme, ready, known or ())
    reused = _reused_charts(out, names, images)
    missing = tuple(k for k in ready if k not in reused)
    early = missing[1::2] if known is not None else missing
    drawing = ChartDrawing(dataset, theme, early, images)
    try:
        category_figures = known if known is not None else figures(dataset)
        later = chart_names(dataset, theme, tuple(k for k in KEYS if k not in ready), category_figures)
        names |= later
        reused |= _reused_charts(out, later, images)
        on_figures(category_figures)
        drawing.dispatch(category_figures, tuple(k for k in KEYS if k not in reused and k not in early),
                         waited=known is None)
        drawn = drawing.finish()
    finally:
        drawing.close()
    charts = tuple({**reused, **drawn}[key] for key in KEYS)
    fresh = {names[key]: encode_chart(chart) for key, chart in drawn.items()}
    fresh |= {} if known is not None else {figures_file: encode_figures(category_figures)}
    return category_figures, charts, fresh, {figures_file, *names.values()}


def _lay_out(dataset: Dataset, theme: Theme, category_figures: tuple[CategoryFigures, ...],
             pdf: PdfChunks | None) -> Deck:
    """The deck laid out as soon as the figures are known, with the charts' titles only; the PDF of
    every slide but the charts (whose chunks are their own) starts rendering at once in `pdf`."""
    from .chartcache import placeholders
    from .deck import build_deck

    deck = build_deck(dataset, theme, category_figures, placeholders(dataset))
    if pdf is not None:
        pdf.submit(deck, lambda chunk: all(slide.kind != "chart" for slide in chunk.slides))
    return deck


def _reused_charts(out: Path, names: dict[str, str], images: tuple[str, ...]) -> dict[str, Chart]:
    """The charts whose cache file (in `names`, by chart) exists and holds the images asked for."""
    from .chartcache import cached_chart

    found = {key: cached_chart(out / name, images) for key, name in names.items()}
    return {key: chart for key, chart in found.items() if chart is not None}


def build(config: BuildConfig) -> Report:
    """Build the deck into config.out; nothing is rendered when no input changed, nothing is
    written unless every stage succeeded, and concurrent builds of one folder take turns."""
    progress = Progress(config.quiet)
    refused_output(config.out, config.data, template_chain(config.template))
    with output_lock(config.out):
        inputs = input_hashes(config.data, template_chain(config.template), config.out)
        request = {"formats": list(config.formats), "strict": config.strict}
        previous = read_manifest(config.out)
        if up_to_date(previous, inputs, request, config.out):
            return Report(previous.get("count", 0), (), skipped=True)
        return _full_build(config, progress, inputs, request, previous)


def _full_build(config: BuildConfig, progress: Progress, inputs: dict[str, str], request: dict[str, object],
                previous: dict[str, object]) -> Report:
    from .changes import compare, labels_of, markdown, snapshot, summary
    from .deck import with_charts

    progress.stage("Vérification du modèle et des données")
    theme = load_theme(config.template)
    dataset, warnings = checked(config.data, config.strict)
    progress.stage("Calcul des chiffres et des graphiques, mise en page")
    salt = digest(repr(sorted((k, v) for k, v in inputs.items() if not k.startswith("data/"))).encode())
    pdf = PdfChunks(theme, config.timeout_s, PdfCache(config.out, salt)) if "pdf" in config.formats else None
    laid_out: list[Deck] = []
    try:
        category_figures, charts, cache, cached = figures_and_charts(
            dataset, theme, config.out, config.formats, lambda figures: laid_out.append(_lay_out(dataset, theme, figures, pdf)))
        progress.stage("Rendu " + " et ".join(f.upper() for f in config.formats))
        deck = with_charts(laid_out[0], theme, charts)
        outputs, used = render(deck, theme, config.formats, pdf)
    finally:
        if pdf is not None:
            pdf.close()
    current = snapshot(dataset, category_figures)
    changes = compare(previous, current)
    labels = labels_of(dataset.info)
    outputs[CHANGES] = markdown(changes, labels).encode("utf-8")
    manifest = manifest_bytes(inputs, request, outputs, current | {"count": len(dataset.studies)})
    progress.stage("Écriture")
    written = write_outputs(cache | outputs | {MANIFEST: manifest}, config.out)
    kept_pdf = set() if "pdf" in config.formats else {f"{CACHE_DIR}/{p.name}" for p in (config.out / CACHE_DIR).glob("pdf-*")}
    prune_cache(config.out, used | kept_pdf | cached)
    progress.done()
    shown = tuple(p for p in written if p.suffix in (".pptx", ".pdf", ".md") and CACHE_DIR not in p.parts)
    return Report(len(dataset.studies), warnings, shown, summary=summary(changes, labels))
