"""A real renderer: LibreOffice converts the PPTX; one page per slide, no word outside its area."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from stsdeck.build import BuildConfig, build
from stsdeck.themes import load_theme

from .factory import make_dataset
from .rendering import needs_office, office_pdf, pages


def assert_rendered_within(pptx: Path, tmp: Path) -> None:
    """One page per slide; words inside the page, content words above the footer."""
    theme = load_theme()
    content_bottom = (theme.box("content").y + theme.box("content").h) / 12700
    rendered = pages(office_pdf(pptx, tmp))
    assert len(rendered) == len(Presentation(pptx).slides)
    for number, (width, height, words) in enumerate(rendered, 1):
        assert words, number
        for x0, y0, x1, y1, text in words:
            assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, (number, text)
            if not text.isdigit():
                assert y1 <= content_bottom + 2, (number, text, y1)


@needs_office
def test_libreoffice_renders_the_default_deck_within_its_slides(built: dict[str, Path], tmp_path: Path) -> None:
    assert_rendered_within(built["pptx"], tmp_path)


@needs_office
def test_libreoffice_renders_forty_long_studies_without_overflow(tmp_path: Path) -> None:
    data = make_dataset(tmp_path / "data", 40)
    (pptx,) = [p for p in build(BuildConfig(data, tmp_path / "out", ("pptx",))).written if p.suffix == ".pptx"]
    assert_rendered_within(pptx, tmp_path)
