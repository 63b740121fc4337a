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


def test_sections_cut_after_each_synthesis_around_each_chart_and_every_chunk() -> None:
    """A section is what an edit renders again: a category's slides up to its synthesis, each chart
    slide alone, the rest every CHUNK slides; every slide once, in order."""
    from stsdeck.render.pdf import CHUNK, sections_of
    from stsdeck.slides import Deck, Slide

    kinds = ["cover", "text", "table", "synthesis", "chart", "chart", "text", "references"] + ["table"] * (CHUNK + 3)
    deck = Deck("t", "s", (), "2026-01-01", "d", tuple(Slide(kind, f"{i}", ()) for i, kind in enumerate(kinds)))
    parts = sections_of(deck)
    assert [[s.kind for s in part.slides] for part, _ in parts][:4] == [
        ["cover", "text", "table", "synthesis"], ["chart"], ["chart"], ["text", "references", "table", "table", "table"]]
    assert [len(part.slides) for part, _ in parts][3:] == [CHUNK, 5]
    assert [first for _, first in parts] == [1, 5, 6, 7, 7 + CHUNK]
    assert [s for part, _ in parts for s in part.slides] == list(deck.slides)


def test_each_font_is_embedded_once(built: dict[str, Path]) -> None:
    import subprocess

    fonts = subprocess.run(["pdffonts", str(built["pdf"])], capture_output=True, text=True, check=True).stdout
    assert sorted(line.split()[0].split("+")[1] for line in fonts.splitlines()[2:]) == [
        "Liberation-Sans", "Liberation-Sans-Bold"]


def deck_and_theme() -> tuple[object, object]:
    from stsdeck.chartcache import computed
    from stsdeck.deck import build_deck
    from stsdeck.validate import load_dataset

    from .conftest import DATA

    theme = load_theme()
    dataset = load_dataset(DATA)
    category_figures, charts = computed(dataset, theme, Path("/nonexistent"))
    return build_deck(dataset, theme, category_figures, charts), theme


def test_the_joined_sections_look_like_one_document_rendered_whole(tmp_path: Path) -> None:
    """Every section rendered alone, then joined: the pages are those of the deck rendered as one
    WeasyPrint document, pixel for pixel, with one font program per face holding every glyph."""
    import subprocess

    from PIL import Image, ImageChops
    from weasyprint import HTML

    from stsdeck.render import pdf
    from stsdeck.render.html import render_html

    deck, theme = deck_and_theme()
    joined = pdf.render_pdf(deck, theme)
    assert len(pdf.sections_of(deck)) > 5
    whole = HTML(string=render_html(deck, theme), base_url=theme.folder.resolve().as_uri() + "/",
                 url_fetcher=pdf.confined_fetcher(pdf.theme_roots(theme))).render().write_pdf()
    for name, data in (("joined", joined), ("whole", whole)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    pages = sorted(tmp_path.glob("joined-*.png"))
    assert len(pages) == len(deck.slides)
    for page in pages:
        ours, theirs = (Image.open(path).convert("L") for path in (page, tmp_path / page.name.replace("joined", "whole")))
        assert ImageChops.difference(ours, theirs).getbbox() is None, page.name
    fonts = subprocess.run(["pdffonts", str(tmp_path / "joined.pdf")], capture_output=True, text=True, check=True)
    assert len(fonts.stdout.splitlines()[2:]) == 2
    text = subprocess.run(["pdftotext", str(tmp_path / "joined.pdf"), "-"], capture_output=True, text=True, check=True)
    assert text.stdout == subprocess.run(["pdftotext", str(tmp_path / "whole.pdf"), "-"], capture_output=True,
                                         text=True, check=True).stdout


def test_a_section_comes_back_from_its_cache_file_and_an_edit_renders_its_own_section_only(tmp_path: Path) -> None:
    from dataclasses import replace

    from stsdeck.render import pdf

    deck, theme = deck_and_theme()
    every = lambda section: True  # noqa: E731
    first = pdf.rendered_parts(deck, theme, None, (0, 1), every)
    assert all(part.fresh for part in first) and [p.index for p in first] == list(range(len(first)))
    for part in first:
        (tmp_path / part.name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / part.name).write_bytes(part.data)
    again = pdf.rendered_parts(deck, theme, tmp_path, (0, 1), every)
    assert again == tuple(replace(part, fresh=False) for part in first)
    slides = list(deck.slides)
    slides[2] = replace(slides[2], title=slides[2].title + " (modifié)")
    edited = pdf.rendered_parts(replace(deck, slides=tuple(slides)), theme, tmp_path, (0, 1), every)
    assert [part.index for part in edited if part.fresh] == [0]
    assert pdf.joined([p.data for p in edited]) != pdf.joined([p.data for p in first])


def test_a_font_that_is_not_truetype_is_left_as_each_section_embeds_it() -> None:
    from stsdeck.render.sfnt import mergeable

    assert not mergeable(b"OTTO" + bytes(200))
    assert not mergeable(b"")


def test_long_decks_share_their_sections_in_halves_and_join_to_the_same_pages() -> None:
    from stsdeck.render import pdf

    deck, theme = deck_and_theme()
    every = lambda section: True  # noqa: E731
    whole = pdf.rendered_parts(deck, theme, None, (0, 1), every)
    halves = [pdf.rendered_parts(deck, theme, None, (index, 2), every) for index in range(2)]
    assert halves[0] and halves[1] and [p.index for half in halves for p in half] == [p.index for p in whole]
    joined = PdfReader(io.BytesIO(pdf.joined([p.data for half in halves for p in half])))
    assert len(joined.pages) == len(deck.slides)
    assert [p.extract_text() for p in joined.pages] == [
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.joined([p.data for p in whole]))).pages]
