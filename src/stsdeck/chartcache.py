"""Figures and charts computed once per distinct input, reused from the build folder's cache:
the figures under a hash of every study value they read, each chart under a hash of only what it
draws; both names are known before anything is computed."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from .charts import CHART_FIELDS, KEYS, USES_FIGURES, Chart, chart_title, draw_charts
from .errors import DataError, Problem
from .manifest import CACHE_DIR, code_digest, digest, flatten
from .model import Category, Dataset, Study
from .synthesize import FIGURE_FIELDS, CategoryFigures
from .themes import Theme

EMU_PER_INCH = 914400
IDENTITY = ("key", "category", "order")  # which study a value belongs to, and where it stands
T = TypeVar("T")


def _hash(value: Any) -> str:
    return digest(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode())[:20]


def _values(study: Study, fields: tuple[str, ...]) -> dict[str, Any]:
    """Which study this is, and its values of `fields`, flattened."""
    return flatten({name: getattr(study, name) for name in (*IDENTITY, *fields)})


def figures_digest(dataset: Dataset) -> str:
    """Hash of what the categories' figures are computed from: the study values, the categories, the code."""
    values = [_values(s, FIGURE_FIELDS) for s in dataset.studies]
    categories = [(c.key, c.short_title) for c in dataset.categories]
    return _hash([values, categories, code_digest()])


def category_figures_names(dataset: Dataset) -> dict[str, str]:
    """Cache file of each category's figures, by category key: a hash of that category's study
    values alone, so that an edit recomputes only the figures of its own category (and statsmodels
    is not loaded when that category is not pooled)."""
    code = code_digest()

    def name(category: Category) -> str:
        values = [_values(s, FIGURE_FIELDS) for s in category.studies]
        return f"{CACHE_DIR}/figures-{_hash([values, (category.key, category.short_title), code])}.json"

    return {category.key: name(category) for category in dataset.categories}


def chart_names(dataset: Dataset, theme: Theme, keys: tuple[str, ...]) -> dict[str, str]:
    """Cache file of each chart of `keys`: the study fields it draws, the labels, the look, the code,
    and the figures' inputs if it reads the figures. A study edit redraws only the charts that show
    what changed."""
    categories = [(c.key, c.short_title) for c in dataset.categories]
    fonts = [digest(theme.font_file(face).read_bytes()) for face in ("regular", "bold")]
    look = (theme.settings["colors"], dataclasses.astuple(theme.box("content")), fonts)  # box at the slide size
    shared = [categories, dataset.chart_labels, look, code_digest()]
    figures = figures_digest(dataset) if set(keys) & set(USES_FIGURES) else None

    def name(key: str) -> str:
        values = [_values(s, CHART_FIELDS[key]) for s in dataset.studies]
        return f"{CACHE_DIR}/chart-{_hash([key, values, shared, figures if key in USES_FIGURES else None])}.json"

    return {key: name(key) for key in keys}


def encode_records(records: tuple[Any, ...]) -> bytes:
    """Dataclass records as JSON bytes (their fields, nested records and tuples included)."""
    return json.dumps([dataclasses.asdict(r) for r in records], ensure_ascii=False).encode("utf-8")


def decode_records(kind: type[T], data: bytes) -> tuple[T, ...]:
    """Records of the dataclass `kind` from `encode_records`' bytes, rebuilt from its fields' type
    hints (lists become tuples); an unknown or missing field is a ValueError."""
    import dacite

    config = dacite.Config(cast=[tuple], strict=True)
    try:
        return tuple(dacite.from_dict(kind, item, config) for item in json.loads(data))
    except dacite.DaciteError as exc:
        raise ValueError(str(exc)) from exc


def encode_figures(category_figures: tuple[CategoryFigures, ...]) -> bytes:
    """Figures as JSON bytes."""
    return encode_records(category_figures)


def decode_figures(data: bytes) -> tuple[CategoryFigures, ...]:
    """Figures from `encode_figures`' bytes."""
    return decode_records(CategoryFigures, data)


def encode_chart(chart: Chart) -> bytes:
    """A chart as JSON bytes (images in base64; an image that was not drawn is left out)."""
    images = {k: base64.b64encode(v).decode() for k, v in (("png", chart.png), ("svg", chart.svg)) if v}
    return json.dumps({"key": chart.key, "title": chart.title, "alt": chart.alt, **images}).encode()


def decode_chart(data: bytes) -> Chart:
    """A chart from `encode_chart`'s bytes."""
    body = json.loads(data)
    return Chart(body["key"], body["title"], body["alt"], base64.b64decode(body.get("png", "")),
                 base64.b64decode(body.get("svg", "")))


def cached_figures(path: Path) -> tuple[CategoryFigures, ...] | None:
    """The figures kept at `path` (see `category_figures_names`), if any: no statsmodels import then."""
    data = _read(path)
    try:
        return None if data is None else decode_figures(data)
    except (ValueError, KeyError, TypeError):
        return None


def cached_chart(path: Path, formats: tuple[str, ...]) -> Chart | None:
    """The chart kept at `path` if it holds an image for each of `formats` ("png", "svg")."""
    data = _read(path)
    try:
        chart = None if data is None else decode_chart(data)
    except (ValueError, KeyError, TypeError):
        return None
    return chart if chart is not None and all(getattr(chart, f) for f in formats) else None


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def computed(dataset: Dataset, theme: Theme, out: Path) -> tuple[tuple[CategoryFigures, ...], tuple[Chart, ...]]:
    """The categories' figures and the deck's charts, drawn here (for tests and tools)."""
    from .synthesize import figures

    names = category_figures_names(dataset)
    cached = [cached_figures(out / names[c.key]) for c in dataset.categories]
    category_figures = tuple(f for (f,) in cached) if all(c and len(c) == 1 for c in cached) else figures(dataset)
    return category_figures, draw(dataset, theme, KEYS, category_figures)


def placeholders(dataset: Dataset) -> tuple[Chart, ...]:
    """The charts with their titles only: enough to lay out every slide that is not a chart."""
    with _labels_checked():
        return tuple(Chart(key, chart_title(dataset.chart_labels, key), "", b"", b"") for key in KEYS)


def draw(dataset: Dataset, theme: Theme, keys: tuple[str, ...], category_figures: tuple[CategoryFigures, ...],
         formats: tuple[str, ...] = ("png", "svg")) -> tuple[Chart, ...]:
    """The charts named in `keys`, drawn in the theme's content box, colours and font."""
    box = theme.box("content")
    with _labels_checked():
        return draw_charts(dataset, dataset.chart_labels, theme.settings["colors"], box.w / EMU_PER_INCH,
                           box.h / EMU_PER_INCH, font_path=theme.font_file("regular"), keys=keys,
                           category_figures=category_figures, formats=formats)


def draw_one(dataset: Dataset, theme: Theme, key: str, formats: tuple[str, ...],
             category_figures: tuple[CategoryFigures, ...] = ()) -> Chart:
    """Chart `key` alone, in the images of `formats`; `category_figures` only if it reads them."""
    (chart,) = draw(dataset, theme, (key,), category_figures, formats)
    return chart


@contextmanager
def _labels_checked() -> Iterator[None]:
    """A label missing from data/charts.yaml, or an unknown field between braces, as a DataError."""
    try:
        yield
    except KeyError as exc:
        raise DataError([Problem("data/charts.yaml", 0, str(exc.args[0]),
                                 "libellé manquant, ou champ entre accolades inconnu")]) from exc
