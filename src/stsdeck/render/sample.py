"""A small deck (one slide of each kind, from the example review) rendered once by `template check`,
so that a template's errors and refusals show before a build."""

from __future__ import annotations

from dataclasses import replace

from ..errors import StsdeckError, TemplateError
from ..slides import Deck
from ..themes import Theme

BLANK_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4"></svg>'


def sample_deck(theme: Theme) -> Deck:
    """The example review's deck laid out with `theme`, keeping the first slide of each kind."""
    from ..chartcache import placeholders
    from ..deck import build_deck
    from ..resources import EXAMPLE_DATA
    from ..synthesize import figures
    from ..validate import load_dataset

    dataset = load_dataset(EXAMPLE_DATA)
    charts = tuple(replace(chart, svg=BLANK_SVG) for chart in placeholders(dataset))
    deck = build_deck(dataset, theme, figures(dataset), charts)
    firsts = {slide.kind: slide for slide in reversed(deck.slides)}
    return replace(deck, slides=tuple(s for s in deck.slides if firsts[s.kind] is s))


def check_rendering(theme: Theme) -> None:
    """TemplateError listing what goes wrong when `theme` renders the sample deck, if anything does."""
    problems = render_problems(theme)
    if problems:
        raise TemplateError(f"modèle « {theme.name} » ({theme.folder}) :\n" + "\n".join(f"  - {p}" for p in problems))


def render_problems(theme: Theme) -> list[str]:
    """What goes wrong when the template renders the sample deck to PDF (a Jinja error, a sandbox
    refusal, a file outside the template refused), or nothing."""
    from .pdf import render_pdf

    try:
        render_pdf(sample_deck(theme), theme)
    except StsdeckError as exc:
        return [str(exc)]
    return []
