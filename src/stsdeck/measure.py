"""Text metrics from real font files, for wrapping and row heights before rendering."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .typography import NBSP, WJ

EMU_PER_PT = 12700
MEMO_LIMIT = 200_000  # words whose widths are remembered
COMPOUND = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")  # between the hyphen of a compound and its next letter
SLASHED = re.compile(rf"(?<=[^\W\d_]-)(?=[^\W\d_])|(?<=[^\W\d_]{{3}}/{WJ})(?=[^\W\d_]{{3}})"
                     rf"|(?<=[^\W\d_]{{3}}/)(?=[^\W\d_]{{3}})")
# …or, where lines are broken explicitly, after a slash between words (« Doxo/|MAID », never « Gy/f »)
Hyphenate = Callable[[str], Sequence[int]]  # where a word may be hyphenated (character offsets)
OFFICE_DESCENT = 0.2  # em between an exactly spaced line's bottom and its baseline, in LibreOffice
SAFETY = 1.04  # renderers differ in kerning and rounding: measure a little wide


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one font face, in font units."""

    units_per_em: int
    advances: dict[str, int]
    fallback: int
    ascent: int = 0  # the font's line metrics (hhea), in font units
    descent: int = 0
    line_gap: int = 0
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
    advances.setdefault(NBSP, advances.get(" ", 0))  # renderers set a missing no-break space as a space
    advances[WJ] = 0  # a word joiner is never drawn
    hhea = font["hhea"]
    return FontMetrics(font["head"].unitsPerEm, advances, max(a for a, _ in hmtx.values()),
                       hhea.ascent, -hhea.descent, hhea.lineGap)


def baseline_shift(font: FontMetrics, spacing: float) -> float:
    """How far (in em) below its CSS place LibreOffice (and, as far as it follows PowerPoint,
    PowerPoint) sets a line's text when lines are spaced exactly `spacing` times the size: it puts the
    baseline a fixed share of the size above the line's bottom (OFFICE_DESCENT, measured on Liberation
    Sans and Carlito), where CSS centres the font's ascent and descent in the line. The PDF moves its
    text down by this much to match."""
    return spacing / 2 - OFFICE_DESCENT - (font.ascent - font.descent) / font.units_per_em / 2


def wrap(text: str, width_pt: float, size_pt: float, font: FontMetrics,
         hyphenate: Hyphenate | None = None) -> list[str]:
    """Lines of `text` broken at spaces and compound hyphens (or inside too-long words) to fit `width_pt`;
    no-break spaces and word joiners hold. With `hyphenate` (for lines broken explicitly, as in table
    cells), a line may also break after a slash between words, and a word wider than the line is
    hyphenated where its language allows before it is cut."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, width_pt, size_pt, font, hyphenate)
    return lines


def _wrap_paragraph(paragraph: str, width_pt: float, size_pt: float, font: FontMetrics,
                    hyphenate: Hyphenate | None) -> list[str]:
    lines: list[str] = []
    line, line_units = "", 0
    space = font.units(" ")
    for piece, joiner in _pieces(paragraph, SLASHED if hyphenate else COMPOUND):
        piece_units = font.units(piece)
        glue = space if joiner == " " else 0
        candidate_units = line_units + glue + piece_units if line else piece_units
        if font.points(candidate_units, size_pt) <= width_pt:
            line, line_units = (f"{line}{joiner}{piece}" if line else piece), candidate_units
            continue
        if line:
            lines.append(line)
        cut = _split_word(piece, width_pt, size_pt, font, hyphenate)
        lines += cut[:-1]
        line, line_units = cut[-1], font.units(cut[-1])
    lines.append(line)
    return lines


def _pieces(paragraph: str, breaks: re.Pattern[str]) -> list[tuple[str, str]]:
    """Where a line may break: at a space, or at `breaks` inside a word (after the hyphen of a
    compound, « radio-|sensible »); each piece with what joins it to the one before (" " or "")."""
    pieces = []
    for word in paragraph.split(" "):
        parts = breaks.split(word)
        pieces += [(part, " " if i == 0 else "") for i, part in enumerate(parts)]
    return pieces


def balanced(text: str, width_pt: float, size_pt: float, font: FontMetrics) -> list[str]:
    """`text` in as few lines as `wrap` gives, but with lines of even length (no word left alone on
    the last line): the narrowest width keeping that count, found by bisection."""
    lines = wrap(text, width_pt, size_pt, font)
    low, high = width_pt / max(len(lines), 1), width_pt
    while high - low > 0.5:
        middle = (low + high) / 2
        low, high = (low, middle) if len(wrap(text, middle, size_pt, font)) <= len(lines) else (middle, high)
    return wrap(text, high, size_pt, font)


def _split_word(word: str, width_pt: float, size_pt: float, font: FontMetrics,
                hyphenate: Hyphenate | None = None) -> list[str]:
    """A word longer than the line: hyphenated where `hyphenate` allows, else cut character by
    character as renderers do."""
    if font.points(font.units(word), size_pt) <= width_pt:
        return [word]
    fits = [p for p in (hyphenate(word) if hyphenate else ())
            if font.points(font.units(_hyphenated(word[:p])), size_pt) <= width_pt]
    if fits:
        return [_hyphenated(word[:fits[-1]]), *_split_word(word[fits[-1]:], width_pt, size_pt, font, hyphenate)]
    pieces, piece, piece_units = [], "", 0
    for char in word:
        char_units = font.units(char)
        if piece and font.points(piece_units + char_units, size_pt) > width_pt:
            pieces.append(piece)
            piece, piece_units = "", 0
        piece, piece_units = piece + char, piece_units + char_units
    return pieces + [piece]


def _hyphenated(head: str) -> str:
    """The first part of a hyphenated word, with its hyphen (none after a hyphen or a slash)."""
    return head if head.rstrip(WJ).endswith(("-", "/")) else head + "-"
