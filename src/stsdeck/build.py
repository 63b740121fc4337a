"""build(): load, validate, model, paginate, render, write — in that order, nothing reaching back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .claims import check_claims, read_source
from .deck import build_deck
from .errors import DataError, Problem
from .model import Dataset
from .synthesize import figures
from .slides import Deck
from .themes import Theme, load_theme
from .validate import load_dataset
from .write import write_outputs

FORMATS = ("pptx", "pdf")


@dataclass(frozen=True)
class BuildConfig:
    """What to build from where."""

    data: Path = Path("data")
    out: Path = Path("build")
    formats: tuple[str, ...] = FORMATS
    template: str | None = None
    strict: bool = False


def render(deck: Deck, theme: Theme, formats: tuple[str, ...]) -> dict[str, bytes]:
    """Every requested output as bytes, keyed by file name."""
    from .render.pdf import render_pdf
    from .render.pptx import render_pptx

    renderers = {"pptx": render_pptx, "pdf": render_pdf}
    return {f"{deck.slug}.{fmt}": renderers[fmt](deck, theme) for fmt in formats}


@dataclass(frozen=True)
class Report:
    """What a check or build produced: studies counted, warnings, files written."""

    studies: int
    warnings: tuple[Problem, ...]
    written: tuple[Path, ...] = ()


def checked(data: Path, strict: bool) -> tuple[Dataset, tuple[Problem, ...]]:
    """The validated dataset and its warnings; with `strict`, warnings are errors."""
    dataset = load_dataset(data)
    warnings = tuple(check_claims(dataset, source=read_source(data)))
    if strict and warnings:
        raise DataError(warnings)
    return dataset, warnings


def build(config: BuildConfig) -> Report:
    """Build the deck; nothing is written unless every stage succeeded."""
    theme = load_theme(config.template)
    dataset, warnings = checked(config.data, config.strict)
    deck = build_deck(dataset, theme, figures(dataset))
    outputs = render(deck, theme, config.formats)
    written = write_outputs(outputs, config.out)
    return Report(len(dataset.studies), warnings, tuple(written))


def check(data: Path, strict: bool = False) -> Report:
    """Validate the dataset and its synthesis claims without writing anything."""
    dataset, warnings = checked(data, strict)
    return Report(len(dataset.studies), warnings)
