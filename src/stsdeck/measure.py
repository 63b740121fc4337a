"""Text metrics from real font files, for wrapping and row heights before rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

EMU_PER_PT = 12700
MEMO_LIMIT = 200_000  # words whose widths are remembered
SAFETY = 1.04  # renderers differ in kerning and rounding: measure a little wide


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one font face, in font units."""

    units_per_em: int
    advances: dict[str, int]
    fallback: int
    widths: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # memo of units()

    def width_pt(self, text: str, size_pt: float) -> float:
        """Width of `text` at `size_pt`, in points."""
        return self.points(self.units(text), size_pt)

    def units(self, text: str) -> int:
        """Advance width of `text`, in font units (exact: widths add up); words are remembered."""
        known = self.widths.get(text)
        if known is None:
            if len(self.widths) >= MEMO_LIMIT:  # a long --watch session: start afresh
                self.widths.clear()
            known = self.widths[text] = sum(self.advances.get(ch, self.fallback) for ch in text)
        return known

    def points(self, units: int, size_pt: float) -> float:
        """`units` at `size_pt`, in points, measured a little wide."""
        return units * size_pt / self.units_per_em * SAFETY


@lru_cache(maxsize=16)
def metrics(path: Path) -> FontMetrics:
    """Read the advance widths of the font at `path` (cached)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    advances = {chr(code): hmtx[glyph][0] for code, glyph in cmap.items()}
    return FontMetrics(font["head"].unitsPerEm, advances, max(a for a, _ in hmtx.values()))


def wrap(text: str, width_pt: float, size_pt: float, font: FontMetrics) -> list[str]:
    """Lines of `text` broken at spaces (or inside too-long words) to fit `width_pt`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, width_pt, size_pt, font)
    return lines


def _wrap_paragraph(paragraph: str, width_pt: float, size_pt: float, font: FontMetrics) -> list[str]:
    lines: list[str] = []
    line, line_units = "", 0
    space = font.units(" ")
    for word in paragraph.split(" "):
        word_units = font.units(word)
        candidate_units = line_units + space + word_units if line else word_units
        if font.points(candidate_units, size_pt) <= width_pt:
            line, line_units = (f"{line} {word}" if line else word), candidate_units
            continue
        if line:
            lines.append(line)
        pieces = _split_word(word, width_pt, size_pt, font)
        lines += pieces[:-1]
        line, line_units = pieces[-1], font.units(pieces[-1])
    lines.append(line)
    return lines


def _split_word(word: str, width_pt: float, size_pt: float, font: FontMetrics) -> list[str]:
    """A word longer than the line, cut character by character as renderers do."""
    pieces, piece, piece_units = [], "", 0
    for char in word:
        char_units = font.units(char)
        if piece and font.points(piece_units + char_units, size_pt) > width_pt:
            pieces.append(piece)
            piece, piece_units = "", 0
        piece, piece_units = piece + char, piece_units + char_units
    return pieces + [piece]
