"""The built PDF: one page per slide, 16:9, embedded fonts, confined resources."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from stsdeck.render.pdf import allowed_path, theme_roots
from stsdeck.themes import load_theme


def test_pdf_has_one_page_per_slide(built: dict[str, Path]) -> None:
    slides = len(Presentation(built["pptx"]).slides)
    reader = PdfReader(built["pdf"])
    assert len(reader.pages) == slides
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((960, 540))


def test_pdf_pages_carry_the_slide_titles_in_order(built: dict[str, Path]) -> None:
    titles = [s.shapes.title.text for s in Presentation(built["pptx"]).slides]
    reader = PdfReader(built["pdf"])
    for title, page in zip(titles, reader.pages):
        first_words = " ".join(title.split()[:3])
        assert first_words in " ".join(page.extract_text().split()), title


def test_pdf_fonts_are_embedded_liberation_sans(built: dict[str, Path]) -> None:
    reader = PdfReader(built["pdf"])
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts == {"Liberation-Sans", "Liberation-Sans-Bold"}


def test_pdf_metadata_is_the_deck_metadata(built: dict[str, Path]) -> None:
    info = PdfReader(built["pdf"]).metadata
    assert info.title == "Radiochimiothérapie des sarcomes des tissus mous"


def test_fetcher_reads_only_inside_the_template(tmp_path: Path) -> None:
    roots = theme_roots(load_theme())
    css = roots[0] / "deck.css"
    assert allowed_path(css.as_uri(), roots) == css.resolve()
    outside = tmp_path / "secret.css"
    outside.write_text("body{}")
    for url in (outside.as_uri(), "http://example.org/x.css", (roots[0] / ".." / ".." / "README.md").as_uri(),
                "file://host/etc/passwd"):
        assert allowed_path(url, roots) is None, url


def test_pdf_carries_the_charts_as_vector_drawings_with_alt_text(built: dict[str, Path]) -> None:
    from stsdeck.build import BuildConfig
    from stsdeck.chartcache import computed
    from stsdeck.deck import build_deck
    from stsdeck.render.html import render_html
    from stsdeck.synthesize import figures
    from stsdeck.validate import load_dataset

    from .conftest import DATA

    theme = load_theme()
    dataset = load_dataset(DATA)
    _, charts = computed(dataset, theme, built["pdf"].parent)
    html = render_html(build_deck(dataset, theme, figures(dataset), charts), theme)
    assert html.count('<img class="chart" src="data:image/svg+xml;base64,') == 5
    for chart in charts:
        assert f'alt="{chart.alt}"' in html.replace("&#39;", "'") or chart.alt[:30] in html
    reader = PdfReader(built["pdf"])
    chart_page = next(p for p in reader.pages if "Contrôle local par étude" in p.extract_text())
    assert "Delaney2003" in chart_page.extract_text().replace(" ", "")  # chart text kept as text (embedded font)
    assert BuildConfig().formats == ("pptx", "pdf")


def test_chunks_follow_the_deck_sections_and_cover_every_slide_once() -> None:
    """Cover and context, each category's tables with its synthesis, each chart, the closing slides."""
    from stsdeck.render.pdf import CHUNK, chunks
    from stsdeck.slides import Deck, Slide

    kinds = ["cover", "text", "table", "table", "synthesis", "table", "synthesis", "chart", "chart", "text",
             "references"] + ["table"] * (CHUNK + 3) + ["synthesis"]
    deck = Deck("t", "s", (), "2026-01-01", "d", tuple(Slide(kind, f"{i}", ()) for i, kind in enumerate(kinds)))
    parts = chunks(deck)
    assert [[s.kind for s in part.slides] for part, _ in parts][:5] == [
        ["cover", "text"], ["table", "table", "synthesis"], ["table", "synthesis"], ["chart"], ["chart"]]
    assert [[s.kind for s in part.slides] for part, _ in parts][5] == ["text", "references"]
    assert [len(part.slides) for part, _ in parts][6:] == [CHUNK, 4]
    assert [first for _, first in parts] == [1, 3, 6, 8, 9, 10, 12, 12 + CHUNK]
    assert [s for part, _ in parts for s in part.slides] == list(deck.slides)
