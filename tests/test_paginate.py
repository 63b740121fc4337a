"""Pagination: long tables continue with their header, evenly spread; rows are never cut nor shrunk,
a row too tall continues on a row of its own; text slides, panels and references fill their slides."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
import yaml

from stsdeck.deck import build_deck, fit_title, measure_for, paginate_paragraphs
from stsdeck.measure import EMU_PER_PT
from stsdeck.partition import balanced_pages
from stsdeck.slides import Paragraph, Slide, TableBlock, TextBlock
from stsdeck.themes import Box, load_theme
from stsdeck.validate import load_dataset

from .conftest import DATA
from .factory import make_dataset

BALANCE = 0.6  # the shortest continuation slide of a table is at least this share of its tallest


def deck_for(dataset, theme=None):
    """The deck of `dataset`, with its computed figures."""
    from stsdeck.synthesize import figures

    return build_deck(dataset, theme or load_theme(), figures(dataset))


def table_slides(deck):
    return [(s, b) for s in deck.slides for b in s.blocks if isinstance(b, TableBlock)]


def unwrapped(text: str) -> str:
    """A cell's text without the line breaks the deck put in (lines joined as the words ran)."""
    return "".join(line if line.endswith(("-", "/", "\u2060")) or not line else line + " "
                   for line in text.split("\n")).strip()


@pytest.fixture(scope="module")
def default_deck():
    return deck_for(load_dataset(DATA))


@pytest.fixture(scope="module")
def forty(tmp_path_factory: pytest.TempPathFactory):
    return deck_for(load_dataset(make_dataset(tmp_path_factory.mktemp("forty") / "data", 40)))


def test_forty_long_studies_paginate_with_nothing_cut_nor_shrunk(forty) -> None:
    theme = load_theme()
    m = measure_for(theme)
    tables = table_slides(forty)
    firsts = [row[0] for _, table in tables for row in table.rows]
    studies = [unwrapped(text) for text in firsts if not text.endswith("(suite)")]
    assert studies == [f"Auteur{i:02d} and al. J Synth Oncol, {2000 + i % 25}" for i in range(1, 41)]
    assert len(tables) > 5
    assert tables[0][0].title == "Catégorie synthétique"
    assert all(slide.title == "Catégorie synthétique (suite)" for slide, _ in tables[1:])
    content = theme.box("content")
    for _, table in tables:
        assert table.header == tables[0][1].header
        assert table.height <= content.h
        assert table.size_pt == table.header_size_pt == theme.size("table_pt") >= theme.size("min_text_pt")
        for row, height in zip(table.rows, table.heights[1:]):
            for text, width in zip(row, table.widths):
                lines = text.split("\n")
                assert all(m.regular.width_pt(line, table.size_pt) <= width / EMU_PER_PT - 7.7 for line in lines)
                assert len(lines) * table.size_pt * m.spacing * EMU_PER_PT <= height


def test_continuations_are_balanced(default_deck, tmp_path: Path) -> None:
    """Every table of the default deck, and short rows that need two slides, are spread evenly (rows
    that each fill most of a slide, as in `forty`, leave nothing to spread)."""
    twelve = deck_for(load_dataset(make_dataset(tmp_path / "data", 16, long_cells=False)))
    assert len(table_slides(twelve)) == 2
    for deck in (default_deck, twelve):
        by_category: dict[str, list[int]] = {}
        for slide, table in table_slides(deck):
            by_category.setdefault(slide.title.removesuffix(" (suite)"), []).append(table.height)
        for title, heights in by_category.items():
            assert min(heights) >= BALANCE * max(heights), (title, heights)
    counts = [len(table.rows) for _, table in table_slides(twelve)]
    assert counts == [8, 8]
    assert len(table_slides(default_deck)) == 11


def test_the_tallest_page_is_as_short_as_any_split_allows() -> None:
    """The linear partition against every way of cutting small sequences, in order, into pages."""
    rng = random.Random(7)
    for _ in range(400):
        heights = [rng.randint(1, 30) for _ in range(rng.randint(1, 8))]
        room = rng.randint(max(heights), max(heights) + 40)
        pages = balanced_pages(heights, room)
        assert [i for page in pages for i in page] == list(range(len(heights)))
        sums = [sum(heights[i] for i in page) for page in pages]
        fewest = next(k for k in range(1, len(heights) + 1) if _splits(heights, k, room))
        assert len(pages) == fewest and max(sums) <= room
        assert (max(sums), -min(sums)) == min((max(s), -min(s)) for s in _splits(heights, fewest, room))


def _splits(heights: list[int], count: int, room: int) -> list[list[int]]:
    """Page heights of every cut of `heights` into `count` pages that fit `room`."""
    cuts = itertools.combinations(range(1, len(heights)), count - 1)
    splits = [[sum(heights[a:b]) for a, b in zip((0, *c), (*c, len(heights)))] for c in cuts]
    return [s for s in splits if max(s) <= room]


def test_short_studies_fit_on_one_slide(tmp_path: Path) -> None:
    deck = deck_for(load_dataset(make_dataset(tmp_path / "data", 5, long_cells=False)))
    assert len(table_slides(deck)) == 1


def long_cell(tmp_path: Path, words: int) -> Path:
    root = make_dataset(tmp_path / "data", 2, long_cells=False)
    path = root / "studies" / "auteur02-2002.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["cells"]["toxicity"] = " ".join(f"mot{i}" for i in range(words))
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return root


def test_a_row_too_tall_for_a_slide_continues_on_a_row_of_its_own(tmp_path: Path) -> None:
    theme = load_theme()
    deck = deck_for(load_dataset(long_cell(tmp_path, 150)))
    tables = [table for _, table in table_slides(deck)]
    rows = [row for table in tables for row in table.rows]
    assert [unwrapped(row[0]) for row in rows[1:]] == ["Auteur02 and al. J Synth Oncol, 2002", "Auteur02 (suite)"]
    assert all(table.size_pt == theme.size("table_pt") for table in tables)
    assert all(table.height <= theme.box("content").h for table in tables)
    toxicity = " ".join(unwrapped(row[8]) for row in rows[1:])
    assert toxicity == " ".join(f"mot{i}" for i in range(150))
    assert rows[2][2] == "" and rows[1][2] == "12"  # short cells stay whole in the first part


def test_a_row_too_long_for_three_slides_is_refused_naming_its_cell(tmp_path: Path) -> None:
    from stsdeck.errors import DataError

    root = long_cell(tmp_path, 2000)
    path = root / "studies" / "auteur02-2002.yaml"
    with pytest.raises(DataError) as error:
        deck_for(load_dataset(root))
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "toxicity:" in text)
    assert str(error.value) == (
        f"data/studies/auteur02-2002.yaml:{line}: cells.toxicity: ligne du tableau trop haute pour tenir sur 3 "
        "diapositives (388,1 cm pour 3 × 12,8 cm disponibles) : raccourcissez le texte de cette cellule")


def test_a_long_title_shrinks_to_fit_its_box() -> None:
    theme = load_theme()
    m = measure_for(theme)
    short = fit_title(Slide("text", "Contexte", ()), theme, m)
    long = fit_title(Slide("text", "Un titre de diapositive beaucoup trop long " * 4, ()), theme, m)
    assert short.title_pt == theme.size("title_pt")
    assert long.title_pt < theme.size("title_pt")
    box = theme.box("title")
    lines = m.lines(long.title, box.w / EMU_PER_PT, long.title_pt, bold=True)
    assert lines * long.title_pt * m.spacing <= box.h / EMU_PER_PT


def test_the_cover_title_is_set_in_even_lines(default_deck) -> None:
    theme = load_theme()
    m = measure_for(theme)
    title = default_deck.slides[0].blocks[0].paragraphs[0]
    lines = title.text.split("\n")
    assert lines == ["Radiochimiothérapie des", "sarcomes des tissus mous"]
    widths = [m.bold.width_pt(line, title.size_pt) for line in lines]
    assert min(widths) >= 0.8 * max(widths)


def test_a_bullet_moves_with_its_sub_bullets_to_the_next_slide() -> None:
    theme = load_theme()
    m = measure_for(theme)
    box = Box(0, 0, 914400 * 8, 1524000)  # 120 pt: room for 5 lines of 24 pt
    bullets = [Paragraph(f"Puce {i}", 20, 0) for i in range(4)]
    subs = [Paragraph(f"Sous-puce {i}", 20, 1) for i in range(2)]
    pages = paginate_paragraphs([*bullets, *subs], box, m)
    assert [[p.text for p in page] for page in pages] == [
        ["Puce 0", "Puce 1", "Puce 2"], ["Puce 3", "Sous-puce 0", "Sous-puce 1"]]


def text_blocks(slide):
    return [b for b in slide.blocks if isinstance(b, TextBlock)]


def test_short_text_slides_grow_and_start_at_the_top_of_their_box(default_deck) -> None:
    theme = load_theme()
    m = measure_for(theme)
    context = default_deck.slides[1]
    (block,) = text_blocks(context)
    body = [p for p in block.paragraphs if p.level == 0]
    assert theme.size("body_pt") < body[0].size_pt <= theme.size("body_max_pt")
    assert block.paragraphs[0].space_before_pt == 0
    used = sum(m.paragraph_pt(p, block.box.w / EMU_PER_PT) for p in block.paragraphs)
    assert used <= block.box.h / EMU_PER_PT
    for slide in default_deck.slides:
        for block in text_blocks(slide):
            assert all(p.size_pt >= theme.size("min_text_pt") for p in block.paragraphs), slide.title


def test_every_paragraph_is_broken_into_the_lines_it_was_measured_in(default_deck) -> None:
    m = measure_for(load_theme())
    for slide in default_deck.slides:
        for block in text_blocks(slide):
            width = block.box.w / EMU_PER_PT - 2 * block.padding_pt
            for p in block.paragraphs:
                for line in p.text.split("\n"):
                    assert m.lines(line, width - p.indent_pt, p.size_pt, p.bold) == 1, (slide.title, line)


def test_a_synthesis_without_bullets_gives_the_panel_the_whole_slide(default_deck) -> None:
    theme = load_theme()
    adjuvant = [s for s in default_deck.slides if s.kind == "synthesis" and s.title == "RT-CT adjuvante"]
    (slide,) = adjuvant
    (panel,) = slide.blocks
    assert panel.role == "panel" and panel.box == theme.box("content") and panel.anchor == "middle"
    assert panel.paragraphs[0].size_pt > theme.size("sub_body_pt")
    beside = [s for s in default_deck.slides if s.kind == "synthesis" and len(s.blocks) == 2]
    assert len(beside) == 3
    assert all(s.blocks[1].box == theme.box("synthesis_panel") for s in beside)


def test_references_in_two_columns_at_12_pt_or_more(default_deck, tmp_path: Path) -> None:
    theme = load_theme()
    (slide,) = [s for s in default_deck.slides if s.kind == "references"]
    left, right = slide.blocks
    assert left.box.w == right.box.w < theme.box("content").w / 2 and right.box.x > left.box.x + left.box.w
    assert abs(len(left.paragraphs) - len(right.paragraphs)) <= 1
    assert left.paragraphs[0].text.startswith("1. Delaney") and right.paragraphs[-1].text.startswith("26. Greto")
    assert min(p.size_pt for p in left.paragraphs + right.paragraphs) >= theme.size("references_pt") >= 12
    many = deck_for(load_dataset(make_dataset(tmp_path / "data", 120, long_cells=False)))
    slides = [s for s in many.slides if s.kind == "references"]
    columns = [len(b.paragraphs) for s in slides for b in s.blocks]
    assert len(slides) >= 2 and all(len(s.blocks) == 2 for s in slides)
    assert min(columns) >= BALANCE * max(columns)
    assert all(p.size_pt >= 12 for s in slides for b in s.blocks for p in b.paragraphs)


def test_remembered_word_widths_are_bounded_and_exact(monkeypatch) -> None:
    from stsdeck import measure

    font = measure.FontMetrics(1000, {"a": 500, "b": 600}, 700)
    monkeypatch.setattr(measure, "MEMO_LIMIT", 3)
    assert [font.units(w) for w in ("a", "ab", "abc", "ba", "a")] == [500, 1100, 1800, 1100, 500]
    assert len(font.widths) <= 3


def test_a_panel_too_long_for_its_column_gets_a_slide_of_its_own() -> None:
    from stsdeck.deck import synthesis_slides

    theme = load_theme()
    dataset = load_dataset(DATA)
    category = dataset.categories[0]
    lines = [f"Ligne calculée numéro {i} : 50 % (3 études)" for i in range(30)]
    slides = synthesis_slides(category, lines, dataset, theme, measure_for(theme))
    *bullets, panel = slides
    assert [b.box for s in bullets for b in s.blocks] == [theme.box("content")] * len(bullets)
    assert panel.title == f"{category.title} (suite)" and panel.blocks[0].role == "panel"
    assert panel.blocks[0].box == theme.box("content")
    assert min(p.size_pt for p in panel.blocks[0].paragraphs) >= theme.size("min_text_pt")
