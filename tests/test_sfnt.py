"""Font subsets with kept glyph ids merged into one font: every glyph of each, valid tables."""

from __future__ import annotations

import io
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from stsdeck.render.sfnt import mergeable, merged
from stsdeck.resources import BUILTIN

FONT = BUILTIN / "default" / "fonts" / "LiberationSans-Regular.ttf"


def subset_of(text: str, path: Path = FONT) -> bytes:
    """`path` cut down to the glyphs of `text`, glyph ids kept (as WeasyPrint embeds a font)."""
    font = TTFont(path)
    options = subset.Options(retain_gids=True, notdef_outline=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def drawn(font: TTFont, char: str) -> bool:
    """True when `char`'s glyph in the original font has an outline in `font`."""
    gid = TTFont(FONT).getGlyphID(TTFont(FONT).getBestCmap()[ord(char)])
    return font["glyf"][font.getGlyphOrder()[gid]].numberOfContours != 0


def test_the_merged_font_holds_the_glyphs_of_every_subset_with_valid_checksums() -> None:
    first, second = subset_of("Contrôle local"), subset_of("Wilson ≥ 95 %")
    assert mergeable(first) and mergeable(second)
    font = TTFont(io.BytesIO(merged([first, second])), checkChecksums=2)  # raises on a wrong checksum
    original = TTFont(FONT)
    for char in "ContrôlelocalWilson≥95%":
        assert drawn(font, char), char
    assert not drawn(font, "Z")
    glyph = original.getBestCmap()[ord("W")]
    gid = original.getGlyphID(glyph)
    assert font["hmtx"][font.getGlyphOrder()[gid]][0] == original["hmtx"][glyph][0]
    assert font["maxp"].numGlyphs == max(TTFont(io.BytesIO(f))["maxp"].numGlyphs for f in (first, second))


def test_a_glyph_is_taken_whole_from_one_subset() -> None:
    """A composite glyph (ô is o + circumflex) keeps its components: their ids are the same in every subset."""
    font = TTFont(io.BytesIO(merged([subset_of("a"), subset_of("ô")])))
    glyph = font["glyf"][font.getGlyphOrder()[TTFont(FONT).getGlyphID(TTFont(FONT).getBestCmap()[ord("ô")])]]
    assert glyph.isComposite() and all(font["glyf"][c.glyphName].numberOfContours != 0 for c in glyph.components)
