"""The built PPTX: every study in a table row, shapes inside the slide, titles, notes, metadata."""

from __future__ import annotations

import re
from pathlib import Path

from pptx import Presentation
from pptx.util import Pt

from stsdeck.deck import build_deck, measure_for
from stsdeck.slides import TableBlock
from stsdeck.themes import load_theme
from stsdeck.validate import load_dataset, numbers_in_cell

from .conftest import DATA

SLIDE_W, SLIDE_H = 12192000, 6858000
DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"


def table_rows(prs: Presentation) -> list[list[str]]:
    """Text of every body row of every table, cell by cell."""
    rows = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                rows += [[c.text for c in r.cells] for r in list(shape.table.rows)[1:]]
    return rows


def letters(text: str) -> str:
    """`text` without its spaces, line breaks, word joiners and hyphens: the words as they run."""
    return re.sub(r"[\s\-\u2060]", "", text)


def test_every_study_appears_in_a_table_row_with_its_numbers(built: dict[str, Path]) -> None:
    """Each study's row shows its cells as the template sets them, broken into lines (hyphenated
    where a word was too long for its column), with the numbers its fields state."""
    dataset = load_dataset(DATA)
    typeset = measure_for(load_theme()).typeset
    rows = {letters(row[0]): row for row in table_rows(Presentation(built["pptx"]))}
    assert len(rows) == len(dataset.studies) == 26
    for study in dataset.studies:
        row = rows[letters(typeset(study.cells.reference))]
        assert [letters(c) for c in row] == [letters(typeset(c)) for c in study.cells.in_order()]
        shown = [c.replace("\u2060", "").replace("-\n", "").replace("\n", " ") for c in row]
        assert study.patients in numbers_in_cell(shown[2]) or study.cohorts
        if study.local_control:
            assert study.local_control.pct in numbers_in_cell(shown[9])
        if study.pcr_pct is not None:
            assert study.pcr_pct in numbers_in_cell(shown[6])
        if study.r0_pct is not None:
            assert study.r0_pct in numbers_in_cell(shown[7])


def test_cells_are_written_in_the_lines_the_deck_measured(built: dict[str, Path]) -> None:
    """One paragraph per measured line, so PowerPoint and LibreOffice wrap a cell where the PDF does."""
    from stsdeck.synthesize import figures

    theme = load_theme()
    dataset = load_dataset(DATA)
    deck = build_deck(dataset, theme, figures(dataset))
    expected = [list(row) for slide in deck.slides for block in slide.blocks if isinstance(block, TableBlock)
                for row in block.rows]
    assert table_rows(Presentation(built["pptx"])) == expected
    assert any("\n" in cell for row in expected for cell in row)


def test_slides_are_16_9_and_every_shape_lies_inside(built: dict[str, Path]) -> None:
    prs = Presentation(built["pptx"])
    assert (prs.slide_width, prs.slide_height) == (SLIDE_W, SLIDE_H)
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            height = sum(r.height for r in shape.table.rows) if shape.has_table else shape.height
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= SLIDE_W, (number, shape.name)
            assert shape.top + height <= SLIDE_H, (number, shape.name)


def test_each_slide_has_a_real_title_placeholder(built: dict[str, Path]) -> None:
    prs = Presentation(built["pptx"])
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert all(titles)
    assert titles[1] == "Contexte"
    assert "RT-CT néoadjuvante – RT split course (suite)" in titles
    assert titles[-1].startswith("Références")


def test_table_text_is_at_least_the_template_minimum_and_names_arial(built: dict[str, Path]) -> None:
    theme = load_theme()
    assert theme.size("min_text_pt") >= 11
    prs = Presentation(built["pptx"])
    runs = [run for slide in prs.slides for shape in slide.shapes if shape.has_table
            for row in shape.table.rows for cell in row.cells
            for p in cell.text_frame.paragraphs for run in p.runs]
    assert runs
    assert all(run.font.size >= Pt(theme.size("min_text_pt")) for run in runs)
    assert {run.font.name for run in runs} == {"Arial"}


def test_cells_carry_the_rules_the_pdf_draws(built: dict[str, Path]) -> None:
    """Four rules of the theme's width and colour on every cell, as the PDF's table borders."""
    from stsdeck.render.html import render_html
    from stsdeck.slides import Deck

    theme = load_theme()
    width, colour = round(theme.table["rule_pt"] * 12700), theme.color("rule").lstrip("#").upper()
    prs = Presentation(built["pptx"])
    cells = [cell for slide in prs.slides for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for cell in row.cells]
    for cell in cells[:50]:
        tcpr = cell._tc.tcPr
        rules = [tcpr.find(f"{{{DRAWINGML}}}{side}") for side in ("lnL", "lnR", "lnT", "lnB")]
        assert all(r is not None and r.get("w") == str(width) for r in rules)
        assert all(r.find(f".//{{{DRAWINGML}}}srgbClr").get("val") == colour for r in rules)
    html = render_html(Deck("t", "s", (), "2026-01-01", "d", ()), theme)
    assert f"border: {theme.table['rule_pt']}pt solid {theme.color('rule')}" in html


def test_the_cover_title_breaks_where_the_deck_balanced_it(built: dict[str, Path]) -> None:
    title = Presentation(built["pptx"]).slides[0].shapes.title
    assert title.text_frame.text == "Radiochimiothérapie des\vsarcomes des tissus mous"


def test_table_slides_carry_the_full_references_in_notes(built: dict[str, Path]) -> None:
    prs = Presentation(built["pptx"])
    for slide in prs.slides:
        tables = [s for s in slide.shapes if s.has_table]
        if not tables:
            continue
        notes = slide.notes_slide.notes_text_frame.text
        for row in list(tables[0].table.rows)[1:]:
            author = row.cells[0].text.split(" and al.")[0].split(" ")[0]
            assert author in notes


def test_document_properties_come_from_the_deck_metadata(built: dict[str, Path]) -> None:
    props = Presentation(built["pptx"]).core_properties
    assert props.title == "Radiochimiothérapie des sarcomes des tissus mous"
    assert props.language == "fr-FR"
    assert props.author == "" and props.last_modified_by == ""
    assert props.created.date().isoformat() == "2026-11-30"
    assert "python-pptx" not in f"{props.author}{props.comments}{props.subject}{props.title}"


def test_table_continues_with_header_repeated(built: dict[str, Path]) -> None:
    prs = Presentation(built["pptx"])
    headers = [[c.text for c in shape.table.rows[0].cells]
               for slide in prs.slides for shape in slide.shapes if shape.has_table]
    assert len(headers) > 4
    assert all(h == headers[0] for h in headers)
    first, last = (h.replace("\u2060", "").replace("\n", " ") for h in (headers[0][0], headers[0][-1]))
    assert first == "Auteurs/année" and last == "Survie à 5\u00a0ans"


def test_same_inputs_give_identical_bytes(built: dict[str, Path], tmp_path: Path) -> None:
    from stsdeck.build import BuildConfig, build

    again = {p.suffix.lstrip("."): p for p in build(BuildConfig(DATA, tmp_path)).written}
    assert again["pptx"].read_bytes() == built["pptx"].read_bytes()
    assert again["pdf"].read_bytes() == built["pdf"].read_bytes()


def test_charts_are_pictures_with_their_alt_text(built: dict[str, Path]) -> None:
    prs = Presentation(built["pptx"])
    pictures = [(slide.shapes.title.text, shape) for slide in prs.slides for shape in slide.shapes
                if shape.shape_type == 13]
    assert [title for title, _ in pictures][0] == "Contrôle local par étude et estimation poolée à 5\u00a0ans"
    assert len(pictures) == 5
    for _, picture in pictures:
        alt = picture._element.nvPicPr.cNvPr.get("descr")
        assert alt and len(alt) > 40
        assert picture.image.dpi[0] >= 200 or picture.image.px_width / (picture.width / 914400) >= 199


def test_text_is_escaped_control_characters_kept_and_an_empty_block_keeps_one_paragraph() -> None:
    """Text boxes are written as DrawingML strings: markup is escaped, a control character (which
    XML cannot hold) is written as python-pptx writes it, and an empty block still has its <a:p/>."""
    import io
    import zipfile

    from stsdeck.render.pptx import render_pptx
    from stsdeck.slides import Deck, Paragraph, Slide, TextBlock
    from stsdeck.themes import load_theme

    theme = load_theme()
    box = theme.box("content")
    slides = (Slide("text", "Titre & <sous-titre>", (TextBlock(box, (Paragraph("a\vb « c » & d < e", 18),)),)),
              Slide("text", "Vide", (TextBlock(box, ()),)))
    data = render_pptx(Deck("t", "s", ("A",), "2026-01-01", "d", slides), theme)
    prs = Presentation(io.BytesIO(data))
    texts = [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in prs.slides]
    assert texts[0][:2] == ["Titre & <sous-titre>", "a_x000B_b « c » & d < e"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        empty = package.read("ppt/slides/slide2.xml").decode("utf-8")
    assert '<a:lstStyle/><a:p/></p:txBody>' in empty
