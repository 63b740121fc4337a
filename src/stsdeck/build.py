"""build(): load, validate, synthesize, paginate, render, write — each stage feeds the next."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .claims import check_claims, read_source
from .errors import DataError, Problem, RenderError
from .manifest import CACHE_DIR, MANIFEST, digest, input_hashes, manifest_bytes, read_manifest, up_to_date
from .model import Dataset
from .progress import Progress
from .slides import Deck
from .themes import Theme, load_theme, template_chain
from .validate import load_dataset
from .write import output_lock, prune_cache, write_outputs

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
    warnings = tuple(check_claims(dataset, source=read_source(data)))
    blocking = [w for w in warnings if not w.acknowledged]
    if strict and blocking:
        raise DataError(blocking)
    return dataset, warnings


def check(data: Path, strict: bool = False) -> Report:
    """Validate the dataset and its synthesis claims without writing anything."""
    dataset, warnings = checked(data, strict)
    return Report(len(dataset.studies), warnings)


@dataclass(frozen=True)
class PdfCache:
    """Where rendered PDF chunks are kept between builds, and what their keys must include."""

    folder: Path
    salt: str

    def name(self, key: str) -> str:
        """A chunk's cache file, relative to the output folder."""
        return f"{CACHE_DIR}/pdf-{key}.pdf"


def render(deck: Deck, theme: Theme, formats: tuple[str, ...], timeout_s: float = 600.0,
           cache: PdfCache | None = None) -> tuple[dict[str, bytes], set[str]]:
    """Every requested output as bytes (new PDF chunks for the cache included), and the cache files
    the PDF is made of. Chunks whose HTML did not change are reused; the others render in worker
    processes while this one renders the PPTX."""
    from .render.pdf import chunk_key, chunks, joined
    from .render.pptx import render_pptx

    outputs: dict[str, bytes] = {}
    parts = chunks(deck) if "pdf" in formats else []
    keys = [chunk_key(chunk, theme, first, cache.salt) if cache else "" for chunk, first in parts]
    kept = {k: (cache.folder / cache.name(k)).read_bytes() for k in keys if cache and (cache.folder / cache.name(k)).is_file()}
    todo = [(part, key) for part, key in zip(parts, keys) if key not in kept]
    fresh = _render_chunks(todo, theme, timeout_s, lambda: outputs.update(
        {f"{deck.slug}.pptx": render_pptx(deck, theme)} if "pptx" in formats else {}))
    if parts:
        done = kept | dict(zip((key for _, key in todo), fresh))
        outputs[f"{deck.slug}.pdf"] = joined([done[k] for k in keys]) if cache else joined(fresh)
        outputs |= {cache.name(key): data for (_, key), data in zip(todo, fresh)} if cache else {}
    return outputs, {cache.name(k) for k in keys} if cache else set()


def _render_chunks(todo: list, theme: Theme, timeout_s: float, meanwhile: Callable[[], None]) -> list[bytes]:
    """PDF chunks rendered in worker processes (one per core, at least one, so that the timeout
    always applies) while `meanwhile` runs here."""
    from .render.pdf import render_chunk

    cores = os.cpu_count() or 1
    if not todo:
        meanwhile()
        return []
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(max_workers=min(cores, len(todo)), mp_context=get_context("fork"))
    try:
        pending = [pool.submit(render_chunk, chunk, theme, first) for (chunk, first), _ in todo]
        meanwhile()
        return _results(pending, pool, timeout_s)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _results(pending: list, pool: object, timeout_s: float) -> list[bytes]:
    """The workers' results, or RenderError after `timeout_s` (the workers are killed)."""
    from concurrent.futures import wait

    done, late = wait(pending, timeout=timeout_s)
    if late:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        raise RenderError(f"rendu PDF interrompu : toujours en cours après {timeout_s:g} s ; "
                          "les fichiers précédents sont conservés")
    return [p.result() for p in pending]


def build(config: BuildConfig) -> Report:
    """Build the deck into config.out; nothing is rendered when no input changed, nothing is
    written unless every stage succeeded, and concurrent builds of one folder take turns."""
    progress = Progress(config.quiet)
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
    from .chartcache import computed
    from .deck import build_deck

    progress.stage("Vérification du modèle et des données")
    theme = load_theme(config.template)
    dataset, warnings = checked(config.data, config.strict)
    progress.stage("Calcul des chiffres et des graphiques")
    category_figures, charts, cache, chart_cache = computed(dataset, theme, config.out)
    progress.stage("Mise en page des diapositives")
    deck = build_deck(dataset, theme, category_figures, charts)
    progress.stage("Rendu " + " et ".join(f.upper() for f in config.formats))
    salt = digest(repr(sorted((k, v) for k, v in inputs.items() if not k.startswith("data/"))).encode())
    outputs, used = render(deck, theme, config.formats, config.timeout_s, PdfCache(config.out, salt))
    current = snapshot(dataset, category_figures)
    changes = compare(previous, current)
    labels = labels_of(dataset.info)
    outputs[CHANGES] = markdown(changes, labels).encode("utf-8")
    manifest = manifest_bytes(inputs, request, outputs, current | {"count": len(dataset.studies)})
    progress.stage("Écriture")
    written = write_outputs(cache | outputs | {MANIFEST: manifest}, config.out)
    kept_pdf = set() if "pdf" in config.formats else {f"{CACHE_DIR}/{p.name}" for p in (config.out / CACHE_DIR).glob("pdf-*")}
    prune_cache(config.out, used | kept_pdf | {chart_cache})
    progress.done()
    shown = tuple(p for p in written if p.suffix in (".pptx", ".pdf", ".md") and CACHE_DIR not in p.parts)
    return Report(len(dataset.studies), warnings, shown, summary=summary(changes, labels))
