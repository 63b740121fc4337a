"""Deck -> HTML with Jinja2 (autoescaped, StrictUndefined), one 16:9 page per slide."""

from __future__ import annotations

import base64
from typing import Any

from ..measure import EMU_PER_PT
from ..slides import ChartBlock, Deck, TableBlock
from ..themes import Box, Theme

TEMPLATE = "deck.html.j2"


def _pt(emu: int) -> str:
    return f"{emu / EMU_PER_PT:.2f}pt"


def _style(box: Box) -> str:
    return f"left:{_pt(box.x)};top:{_pt(box.y)};width:{_pt(box.w)};height:{_pt(box.h)}"


def environment(theme: Theme) -> Any:
    """A Jinja2 environment over the template folder, then the built-in default."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from ..themes import BUILTIN

    loader = ChoiceLoader([FileSystemLoader(str(theme.folder)), FileSystemLoader(str(BUILTIN / "default"))])
    env = Environment(loader=loader, autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(pt=_pt, box=_style)
    env.tests["table"] = lambda block: isinstance(block, TableBlock)
    env.tests["chart"] = lambda block: isinstance(block, ChartBlock)
    env.filters["svg_uri"] = lambda data: "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    return env


def render_html(deck: Deck, theme: Theme) -> str:
    """The deck as one HTML document; fonts and images are referenced inside the template."""
    template = environment(theme).get_template(TEMPLATE)
    return template.render(deck=deck, theme=theme.settings, slides=deck.slides,
                           title_box=theme.box("title"), footer_box=theme.box("footer"),
                           spacing=theme.size("line_spacing"))
