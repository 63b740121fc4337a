"""Deck -> HTML with Jinja2 (autoescaped, StrictUndefined), one 16:9 page per slide."""

from __future__ import annotations

import base64
from typing import Any

from ..measure import EMU_PER_PT, baseline_shift, metrics
from ..slides import ChartBlock, Deck, TableBlock
from ..resources import BUILTIN
from ..themes import Box, Theme

TEMPLATE = "deck.html.j2"


def _pt(emu: int) -> str:
    return f"{emu / EMU_PER_PT:.2f}pt"


def _style(box: Box) -> str:
    return f"left:{_pt(box.x)};top:{_pt(box.y)};width:{_pt(box.w)};height:{_pt(box.h)}"


def environment(theme: Theme) -> Any:
    """Jinja2 over the template's folders, nearest first; `{% extends "default/deck.html.j2" %}`
    (or any parent's name) reaches the parent's file."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape

    folders = [*theme.folders, BUILTIN / "default"]
    prefixed = PrefixLoader({folder.name: FileSystemLoader(str(folder)) for folder in reversed(folders)})
    loader = ChoiceLoader([prefixed, *(FileSystemLoader(str(folder)) for folder in folders)])
    env = Environment(loader=loader, autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(pt=_pt, box=_style)
    env.tests["table"] = lambda block: isinstance(block, TableBlock)
    env.tests["chart"] = lambda block: isinstance(block, ChartBlock)
    env.filters["svg_uri"] = lambda data: "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    return env


def render_html(deck: Deck, theme: Theme, first_number: int = 1) -> str:
    """The deck as one HTML document; fonts and images are referenced inside the template."""
    template = environment(theme).get_template(TEMPLATE)
    return template.render(deck=deck, theme=theme.settings, slides=deck.slides,
                           title_box=theme.box("title"), footer_box=theme.box("footer"),
                           spacing=theme.size("line_spacing"), stylesheets=stylesheets(theme),
                           shift=baseline_shift(metrics(theme.font_file("regular")), theme.size("line_spacing")),
                           fonts={face: theme.font_file(face).as_uri() for face in ("regular", "bold")},
                           logo=_logo(theme), first_number=first_number)


def stylesheets(theme: Theme) -> list[str]:
    """URIs of the deck.css of every template in the chain, farthest first (nearest wins)."""
    folders = [BUILTIN / "default", *reversed(theme.folders)]
    unique = list(dict.fromkeys(folder.resolve() for folder in folders))
    return [(f / "deck.css").as_uri() for f in unique if (f / "deck.css").is_file()]


def _logo(theme: Theme) -> dict[str, str] | None:
    """The logo's URI and CSS box, if the template has one."""
    from ..assets import logo_box

    path = theme.file("logo")
    if path is None:
        return None
    x, y, w, h = logo_box(path, theme.box("logo"))
    return {"uri": path.as_uri(), "style": _style(Box(x, y, w, h))}
