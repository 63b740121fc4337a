"""Worker processes that draw charts and render PDF chunks while the build goes on."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .charts import KEYS, Chart
from .errors import RenderError
from .manifest import CACHE_DIR
from .model import Dataset
from .slides import Deck
from .themes import Theme


def cores() -> int:
    """How many processes may work at once on this machine."""
    return os.cpu_count() or 1


def draw_charts_of(dataset: Dataset, theme: Theme, keys: tuple[str, ...], category_figures: tuple[Any, ...],
                   formats: tuple[str, ...]) -> tuple[Chart, ...]:
    """The charts of `keys` (none: matplotlib is not even loaded)."""
    from .chartcache import draw

    return draw(dataset, theme, keys, category_figures, formats) if keys else ()


def stop(pool: Any, futures: list[Any]) -> None:
    """Shut `pool` down; workers still busy with one of `futures` (a build that failed or timed out
    meanwhile) are killed, so that nothing outlives the build or holds its output folder."""
    if any(not future.done() for future in futures):
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _fork_pool(workers: int) -> Any:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))


class ChartDrawing:
    """Charts drawn in a second process (with two cores) from the start, while this one goes on; the
    charts that need the figures are drawn in that process too (it has matplotlib loaded by then)
    when it had at most one chart to draw or is done with them, else here; `finish` gathers them all."""

    def __init__(self, dataset: Dataset, theme: Theme, keys: tuple[str, ...], formats: tuple[str, ...]) -> None:
        self.dataset, self.theme, self.formats = dataset, theme, formats
        self.here: tuple[str, ...] = ()
        self.category_figures: tuple[Any, ...] = ()
        self.deferred = keys if cores() < 2 else ()
        self.pool = _fork_pool(1) if keys and not self.deferred else None
        self.early = [self.pool.submit(draw_charts_of, dataset, theme, keys, (), formats)] if self.pool else []
        self.light = len(keys) <= 1

    def dispatch(self, category_figures: tuple[Any, ...], keys: tuple[str, ...], waited: bool) -> None:
        """Hand the charts of `keys` to the second process or keep them here. After a wait for the
        figures (`waited`), a second process with at most one chart has had time to load matplotlib."""
        here = tuple(k for k in KEYS if k in keys or k in self.deferred)
        busy = not all(future.done() for future in self.early)
        if here and self.pool is not None and (not busy or (waited and self.light)):
            self.early.append(self.pool.submit(draw_charts_of, self.dataset, self.theme, here, category_figures,
                                               self.formats))
            here = ()
        self.here, self.category_figures = here, category_figures

    def finish(self) -> dict[str, Chart]:
        """Every chart dispatched or started early, drawn."""
        try:
            drawn = draw_charts_of(self.dataset, self.theme, self.here, self.category_figures, self.formats)
            return {c.key: c for c in drawn} | {c.key: c for future in self.early for c in future.result()}
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            stop(self.pool, self.early)
            self.pool = None


@dataclass(frozen=True)
class PdfCache:
    """Where rendered PDF chunks are kept between builds, and what their keys must include."""

    folder: Path
    salt: str

    def name(self, key: str) -> str:
        """A chunk's cache file, relative to the output folder."""
        return f"{CACHE_DIR}/pdf-{key}.pdf"


class PdfChunks:
    """The deck's PDF, chunk by chunk: a chunk whose HTML is in the cache is reused, the others are
    rendered in worker processes (at least one, so that the timeout always applies), some started
    early with `submit`, the rest by `finish`. One worker per core, forked once WeasyPrint is loaded
    here, when there are at least MANY chunks to render at the first call; else one, which loads it
    itself while this process goes on."""

    MANY = 3

    def __init__(self, theme: Theme, timeout_s: float, cache: PdfCache | None) -> None:
        self.theme, self.timeout_s, self.cache = theme, timeout_s, cache
        self.pool: Any = None
        self.started = 0.0
        self.pending: dict[str, Any] = {}
        self.queued: dict[str, tuple[Deck, int]] = {}
        self.kept: dict[str, bytes] = {}

    def submit(self, deck: Deck, ready: Callable[[Deck], bool]) -> None:
        """Start the chunks of `deck` for which `ready` holds and that are neither cached nor started."""
        from .render.pdf import chunks

        for chunk, first in chunks(deck):
            if ready(chunk):
                self._start(chunk, first)
        self._launch()

    def finish(self, deck: Deck, meanwhile: Callable[[], None]) -> tuple[bytes, dict[str, bytes], set[str]]:
        """The PDF of `deck`, the new chunks to cache, and the cache files the PDF is made of;
        `meanwhile` runs here while the workers finish."""
        from .render.pdf import chunks, joined

        try:
            keys = [self._start(chunk, first) for chunk, first in chunks(deck)]
            self._launch()
            meanwhile()
            fresh = self._results()
        finally:
            self.close()
        done = self.kept | fresh
        pdf = joined([done[k] for k in keys])
        if self.cache is None:
            return pdf, {}, set()
        return pdf, {self.cache.name(k): fresh[k] for k in keys if k in fresh}, {self.cache.name(k) for k in keys}

    def _start(self, chunk: Deck, first: int) -> str:
        """The chunk's key, its PDF read from the cache if there, else the chunk queued."""
        from .render.pdf import chunk_key

        key = chunk_key(chunk, first, self.cache.salt if self.cache else "")
        if key in self.pending or key in self.kept or key in self.queued:
            return key
        path = self.cache.folder / self.cache.name(key) if self.cache else None
        if path is not None and path.is_file():
            self.kept[key] = path.read_bytes()
        else:
            self.queued[key] = (chunk, first)
        return key

    def _launch(self) -> None:
        """Hand the queued chunks to the workers, forking them at the first call."""
        from .render import pdf

        if not self.queued:
            return
        if self.pool is None:
            workers = cores() if len(self.queued) >= self.MANY else 1
            if workers > 1:
                import weasyprint  # noqa: F401  (loaded once, here: the workers forked below start with it)
            self.pool, self.started = _fork_pool(workers), time.monotonic()
        for key, (chunk, first) in self.queued.items():
            self.pending[key] = self.pool.submit(pdf.render_chunk, chunk, self.theme, first)
        self.queued = {}

    def _results(self) -> dict[str, bytes]:
        """The workers' chunks, or RenderError once `timeout_s` has passed (the workers are killed)."""
        from concurrent.futures import wait

        if not self.pending:
            return {}
        left = max(0.0, self.timeout_s - (time.monotonic() - self.started))
        _, late = wait(list(self.pending.values()), timeout=left)
        if late:
            self.close()
            raise RenderError(f"rendu PDF interrompu : toujours en cours après {self.timeout_s:g} s ; "
                              "les fichiers précédents sont conservés")
        return {key: future.result() for key, future in self.pending.items()}

    def close(self) -> None:
        if self.pool is not None:
            stop(self.pool, list(self.pending.values()))
            self.pool = None
