"""build(): load, validate, model, paginate, render, write — in that order, nothing reaching back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .deck import build_deck
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


def render(deck: Deck, theme: Theme, formats: tuple[str, ...]) -> dict[str, bytes]:
    """Every requested output as bytes, keyed by file name."""
    from .render.pdf import render_pdf
    from .render.pptx import render_pptx

    renderers = {"pptx": render_pptx, "pdf": render_pdf}
    return {f"{deck.slug}.{fmt}": renderers[fmt](deck, theme) for fmt in formats}


def build(config: BuildConfig) -> list[Path]:
    """Build the deck; nothing is written unless every stage succeeded."""
    theme = load_theme(config.template)
    dataset = load_dataset(config.data)
    deck = build_deck(dataset, theme)
    outputs = render(deck, theme, config.formats)
    return write_outputs(outputs, config.out)


def check(data: Path) -> int:
    """Validate the dataset; return the number of studies (raises DataError on problems)."""
    return len(load_dataset(data).studies)
