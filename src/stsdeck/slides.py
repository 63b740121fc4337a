"""Renderer-neutral slides: the only thing the PPTX and HTML renderers see."""

from __future__ import annotations

from dataclasses import dataclass

from .themes import Box


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a text block; level 0 is a bullet, 1 a sub-bullet, -1 no bullet."""

    text: str
    size_pt: float
    level: int = 0
    bold: bool = False
    color: str = "text"
    space_before_pt: float = 0.0
    indent_pt: float = 0.0  # left margin of the text
    bullet_pt: float = 0.0  # where the bullet stands (levels 0 and 1)


@dataclass(frozen=True)
class TextBlock:
    """Paragraphs laid out in a box, already measured to fit."""

    box: Box
    paragraphs: tuple[Paragraph, ...]
    role: str = "body"  # body | cover_title | cover_meta | panel
    fill: str = ""  # theme colour key of the background, if any
    padding_pt: float = 0.0  # inner margin between the box edge and the text
    anchor: str = "top"  # top | middle: where the text stands in its box


@dataclass(frozen=True)
class TableBlock:
    """An evidence table page: header row and whole study rows, heights in EMU."""

    box: Box
    widths: tuple[int, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    heights: tuple[int, ...]  # header first, then one per row
    size_pt: float
    header_size_pt: float

    @property
    def height(self) -> int:
        """Total table height in EMU."""
        return sum(self.heights)


@dataclass(frozen=True)
class ChartBlock:
    """A chart drawn once: PNG for the PPTX, SVG for the PDF, with its alt text."""

    box: Box
    key: str
    png: bytes
    svg: bytes
    alt: str


@dataclass(frozen=True)
class Slide:
    """A slide: its kind (picks the layout), title, blocks and speaker notes."""

    kind: str  # cover | text | table | synthesis | chart | references
    title: str
    blocks: tuple[TextBlock | TableBlock | ChartBlock, ...]
    notes: str = ""
    title_pt: float = 0.0  # set by the deck builder once the title is measured


@dataclass(frozen=True)
class Deck:
    """Every slide of the deck in order, with the metadata the files carry."""

    title: str
    subject: str
    authors: tuple[str, ...]
    date: str
    slug: str
    slides: tuple[Slide, ...]
