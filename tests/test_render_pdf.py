"""The built PDF: one page per slide, 16:9, embedded fonts, confined resources."""

from __future__ import annotations

import io
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


def test_sections_split_around_the_charts_and_cover_every_slide_once() -> None:
    """The slides before the charts, the charts, the slides after them (the first and last can be
    laid out before the charts are drawn), long runs cut every CHUNK slides."""
    from stsdeck.render.pdf import CHUNK, sections_of
    from stsdeck.slides import Deck, Slide

    kinds = ["cover", "text", "table", "synthesis", "chart", "chart", "text", "references"] + ["table"] * (CHUNK + 3)
    deck = Deck("t", "s", (), "2026-01-01", "d", tuple(Slide(kind, f"{i}", ()) for i, kind in enumerate(kinds)))
    parts = sections_of(deck)
    assert [[s.kind for s in part.slides] for part, _ in parts][:2] == [
        ["cover", "text", "table", "synthesis"], ["chart", "chart"]]
    assert [len(part.slides) for part, _ in parts][2:] == [CHUNK, 5]
    assert [first for _, first in parts] == [1, 5, 7, 7 + CHUNK]
    assert [s for part, _ in parts for s in part.slides] == list(deck.slides)


def test_each_font_is_embedded_once(built: dict[str, Path]) -> None:
    import subprocess

    fonts = subprocess.run(["pdffonts", str(built["pdf"])], capture_output=True, text=True, check=True).stdout
    assert sorted(line.split()[0].split("+")[1] for line in fonts.splitlines()[2:]) == [
        "Liberation-Sans", "Liberation-Sans-Bold"]


def test_laying_out_ahead_gives_the_same_bytes() -> None:
    from stsdeck.chartcache import computed
    from stsdeck.deck import build_deck, with_charts
    from stsdeck.render.pdf import lay_out_ahead, render_pdf
    from stsdeck.validate import load_dataset
    from stsdeck.chartcache import placeholders

    from .conftest import DATA

    theme = load_theme()
    dataset = load_dataset(DATA)
    category_figures, charts = computed(dataset, theme, Path("/nonexistent"))
    early = build_deck(dataset, theme, category_figures, placeholders(dataset))
    assert lay_out_ahead(early, theme) == 2
    ahead = render_pdf(with_charts(early, theme, charts), theme)
    assert ahead == render_pdf(with_charts(early, theme, charts), theme)


def test_a_long_deck_is_written_by_batches_and_shares_with_the_same_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from stsdeck.chartcache import computed
    from stsdeck.deck import build_deck
    from stsdeck.render import pdf
    from stsdeck.validate import load_dataset

    from .conftest import DATA

    theme = load_theme()
    dataset = load_dataset(DATA)
    category_figures, charts = computed(dataset, theme, Path("/nonexistent"))
    deck = build_deck(dataset, theme, category_figures, charts)
    whole = PdfReader(io.BytesIO(pdf.render_pdf(deck, theme)))
    monkeypatch.setattr(pdf, "BATCH_PAGES", 8)
    halves = [pdf.render_pdf(deck, theme, (index, 2)) for index in range(2)]
    joined = PdfReader(io.BytesIO(pdf.joined(halves)))
    assert len(joined.pages) == len(whole.pages) == len(deck.slides)
    assert [p.extract_text() for p in joined.pages] == [p.extract_text() for p in whole.pages]
    assert sum(len(PdfReader(io.BytesIO(half)).pages) for half in halves) == len(deck.slides)
