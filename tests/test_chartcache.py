"""Per-chart cache keys: each chart and the figures are keyed by the study fields they read; a test
changes every other field and checks that the output does not move, so a forgotten field fails here."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from stsdeck.chartcache import (IDENTITY, chart_names, decode_figures, decode_records, draw, encode_figures,
                                category_figures_names, encode_records)
from stsdeck.charts import CHART_FIELDS, KEYS, USES_FIGURES
from stsdeck.model import Dataset, Study
from stsdeck.synthesize import FIGURE_FIELDS, figures
from stsdeck.themes import load_theme
from stsdeck.validate import load_dataset

from .conftest import DATA

NOT_VALUES = (*IDENTITY, "file", "lines")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA)


def changed(value: Any) -> Any:
    """Another value of the same kind: text lengthened, count doubled, optional value dropped,
    list emptied, record with every text lengthened."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return value + " (modifié)"
    if isinstance(value, int):
        return value * 2 + 1
    if isinstance(value, float):
        return value / 2 + 1
    if isinstance(value, tuple):
        return ()
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: changed(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if isinstance(getattr(value, f.name), str)})
    raise AssertionError(f"valeur imprévue : {value!r}")


def with_other_fields_changed(dataset: Dataset, kept: tuple[str, ...]) -> Dataset:
    """`dataset` with every study field changed but `kept` and the study's identity; optional
    numbers and records are dropped in one study of two, so that both presence and absence move."""
    def study(s: Study, index: int) -> Study:
        fields = [f.name for f in dataclasses.fields(Study) if f.name not in (*NOT_VALUES, *kept)]
        values = {name: changed(getattr(s, name)) for name in fields}
        optional = {name: None for name in ("pcr_pct", "major_response", "r0_pct", "local_control", "year")
                    if name not in kept and index % 2}
        return dataclasses.replace(s, **(values | optional))

    counter = iter(range(len(dataset.studies)))
    categories = tuple(dataclasses.replace(c, studies=tuple(study(s, next(counter)) for s in c.studies))
                       for c in dataset.categories)
    return dataclasses.replace(dataset, categories=categories)


def read_fields(key: str) -> tuple[str, ...]:
    """The study fields chart `key` depends on: those it draws, and those of the figures if it reads them."""
    return (*CHART_FIELDS[key], *(FIGURE_FIELDS if key in USES_FIGURES else ()))


def test_every_chart_declares_its_fields() -> None:
    names = {f.name for f in dataclasses.fields(Study)}
    assert set(CHART_FIELDS) == set(KEYS)
    for fields in (*CHART_FIELDS.values(), FIGURE_FIELDS):
        assert set(fields) <= names - set(NOT_VALUES)


@pytest.mark.parametrize("key", KEYS)
def test_a_chart_does_not_move_when_fields_it_does_not_declare_change(dataset: Dataset, key: str) -> None:
    theme = load_theme()
    category_figures = figures(dataset)
    other = with_other_fields_changed(dataset, read_fields(key))
    assert other.studies != dataset.studies
    (before,), (after,) = (draw(d, theme, (key,), category_figures) for d in (dataset, other))
    assert (after.png, after.svg, after.alt) == (before.png, before.svg, before.alt)
    assert chart_names(other, theme, (key,)) == chart_names(dataset, theme, (key,))


def test_figures_do_not_move_when_fields_they_do_not_declare_change(dataset: Dataset) -> None:
    other = with_other_fields_changed(dataset, FIGURE_FIELDS)
    assert figures(other) == figures(dataset)
    assert category_figures_names(other) == category_figures_names(dataset)


@pytest.mark.parametrize("key", KEYS)
def test_a_declared_field_changes_the_chart_key(dataset: Dataset, key: str) -> None:
    theme = load_theme()
    for field in read_fields(key):
        other = with_other_fields_changed(dataset, tuple(f for f in read_fields(key) if f != field))
        assert chart_names(other, theme, (key,)) != chart_names(dataset, theme, (key,)), field


def test_the_figures_come_back_from_their_cache_file_equal(dataset: Dataset) -> None:
    category_figures = figures(dataset)
    assert decode_figures(encode_figures(category_figures)) == category_figures


@dataclasses.dataclass(frozen=True)
class Inner:
    low: float
    names: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Outer:
    """A record of a shape the figures do not have (yet): the codec follows the type hints alone."""

    key: str
    count: int
    inner: Inner | None
    inners: tuple[Inner, ...]
    by_arm: dict[str, int]
    pair: tuple[float, float] | None = None


def test_the_cache_codec_follows_any_dataclass_fields() -> None:
    records = (Outer("a", 3, Inner(1.5, ("x", "y")), (Inner(0.0, ()),), {"bras A": 12}, (0.25, 0.75)),
               Outer("b", 0, None, (), {}))
    assert decode_records(Outer, encode_records(records)) == records
    with pytest.raises(ValueError):
        decode_records(Inner, encode_records(records))  # fields of another record: refused, recomputed
