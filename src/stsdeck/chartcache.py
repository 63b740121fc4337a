"""Figures and charts computed once per distinct input, reused from the build folder's cache."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from typing import Any
from pathlib import Path

from .charts import KEYS, USES_FIGURES, Chart, draw_charts
from .manifest import CACHE_DIR, code_digest, digest, flatten
from .errors import DataError, Problem
from .model import Dataset
from .synthesize import CategoryFigures, Pooled, Range, figures
from .themes import Theme

EMU_PER_INCH = 914400


def chart_key(dataset: Dataset, theme: Theme) -> str:
    """Hash of everything the charts depend on: study values (not cell texts), labels, look, code."""
    values = [{k: v for k, v in flatten(s).items() if not k.startswith(("cells.", "file"))} for s in dataset.studies]
    categories = [(c.key, c.short_title) for c in dataset.categories]
    fonts = [digest(theme.font_file(face).read_bytes()) for face in ("regular", "bold")]
    look = (theme.settings["colors"], theme.settings["boxes"]["content"], fonts)
    text = json.dumps([values, categories, dataset.chart_labels, look, code_digest()], sort_keys=True,
                      ensure_ascii=False)
    return digest(text.encode())[:20]


def cache_name(key: str) -> str:
    """Name of the cache file, relative to the output folder."""
    return f"{CACHE_DIR}/charts-{key}.json"


def encode(figures: tuple[CategoryFigures, ...], charts: tuple[Chart, ...]) -> bytes:
    """Figures and charts as JSON bytes (images in base64)."""
    rows = [{"key": c.key, "title": c.title, "alt": c.alt, "png": base64.b64encode(c.png).decode(),
             "svg": base64.b64encode(c.svg).decode()} for c in charts]
    return json.dumps({"figures": [dataclasses.asdict(f) for f in figures], "charts": rows}).encode()


def _range(data: dict[str, Any] | None) -> Range | None:
    if data is None:
        return None
    return Range(**{**data, "at_minimum": tuple(data["at_minimum"]), "at_maximum": tuple(data["at_maximum"])})


def _figures(data: dict[str, Any]) -> CategoryFigures:
    pooled = data["pooled_local_control_5y"]
    return CategoryFigures(
        data["category"], data["n_studies"], data["patients"],
        tuple(_range(r) for r in data["local_control"]), _range(data["pcr"]), _range(data["r0"]),
        _range(data["wound"]), Pooled(**pooled) if pooled else None)


def decode(data: bytes) -> tuple[tuple[CategoryFigures, ...], tuple[Chart, ...]]:
    """Figures and charts from `encode`'s bytes."""
    body = json.loads(data)
    charts = tuple(Chart(r["key"], r["title"], r["alt"], base64.b64decode(r["png"]), base64.b64decode(r["svg"]))
                   for r in body["charts"])
    return tuple(_figures(f) for f in body["figures"]), charts


def computed(dataset: Dataset, theme: Theme, out: Path) -> tuple[tuple[CategoryFigures, ...], tuple[Chart, ...],
                                                                  dict[str, bytes], str]:
    """The categories' figures and the deck's charts, the cache entry to write when they had to be
    computed, and its name (statsmodels and matplotlib are not even imported on a cache hit)."""
    name = cache_name(chart_key(dataset, theme))
    if (out / name).is_file():
        try:
            return (*decode((out / name).read_bytes()), {}, name)
        except (ValueError, KeyError, TypeError):
            pass
    category_figures, charts = draw_in_parallel(dataset, theme)
    return category_figures, charts, {name: encode(category_figures, charts)}, name


def _draw(dataset: Dataset, theme: Theme, keys: tuple[str, ...],
          category_figures: tuple[CategoryFigures, ...]) -> tuple[Chart, ...]:
    box = theme.box("content")
    try:
        return draw_charts(dataset, dataset.chart_labels, theme.settings["colors"], box.w / EMU_PER_INCH,
                           box.h / EMU_PER_INCH, font_path=theme.font_file("regular"), keys=keys,
                           category_figures=category_figures)
    except KeyError as exc:
        raise DataError([Problem("data/charts.yaml", 0, str(exc.args[0]),
                                 "libellé manquant, ou champ entre accolades inconnu")]) from exc


def draw_in_parallel(dataset: Dataset, theme: Theme) -> tuple[tuple[CategoryFigures, ...], tuple[Chart, ...]]:
    """The categories' figures and all charts. With two cores, a second process draws the charts
    that do not need the figures while this one computes them (statsmodels) and draws the rest."""
    if (os.cpu_count() or 1) < 2:
        category_figures = figures(dataset)
        return category_figures, _draw(dataset, theme, KEYS, category_figures)
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    own = tuple(k for k in KEYS if k in USES_FIGURES)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("fork")) as pool:
        other = pool.submit(_draw, dataset, theme, tuple(k for k in KEYS if k not in own), ())
        category_figures = figures(dataset)
        drawn = {c.key: c for c in (*_draw(dataset, theme, own, category_figures), *other.result())}
    return category_figures, tuple(drawn[key] for key in KEYS)
