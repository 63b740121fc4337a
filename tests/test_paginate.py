"""Pagination: long tables continue with their header, rows are never split or cut."""

from __future__ import annotations

from pathlib import Path

from stsdeck.deck import build_deck, measure_for
from stsdeck.measure import EMU_PER_PT
from stsdeck.slides import TableBlock
from stsdeck.themes import load_theme
from stsdeck.validate import load_dataset

from .factory import make_dataset


def deck_for(dataset, theme):
    """The deck of `dataset`, with its computed figures."""
    from stsdeck.synthesize import figures

    return build_deck(dataset, theme, figures(dataset))


def table_slides(deck):
    return [(s, b) for s in deck.slides for b in s.blocks if isinstance(b, TableBlock)]


def test_forty_long_studies_paginate_with_nothing_cut(tmp_path: Path) -> None:
    theme = load_theme()
    deck = deck_for(load_dataset(make_dataset(tmp_path / "data", 40)), theme)
    tables = table_slides(deck)
    rows = [row[0] for _, table in tables for row in table.rows]
    assert rows == [f"Auteur{i:02d} and al. J Synth Oncol, {2000 + i % 25}" for i in range(1, 41)]
    assert len(tables) > 5
    assert tables[0][0].title == "Catégorie synthétique"
    assert all(slide.title == "Catégorie synthétique (suite)" for slide, _ in tables[1:])
    content = theme.box("content")
    m = measure_for(theme)
    for _, table in tables:
        assert table.header == tables[0][1].header
        assert table.height <= content.h
        for row, height in zip(table.rows, table.heights[1:]):
            for text, width in zip(row, table.widths):
                lines = m.lines(text, width / EMU_PER_PT - 7.2, table.size_pt)
                assert lines * table.size_pt * m.spacing * EMU_PER_PT <= height


def test_pages_are_filled_before_continuing(tmp_path: Path) -> None:
    theme = load_theme()
    deck = deck_for(load_dataset(make_dataset(tmp_path / "data", 40)), theme)
    tables = [t for _, t in table_slides(deck)]
    room = theme.box("content").h
    for table, following in zip(tables, tables[1:]):
        assert table.height + following.heights[1] > room


def test_short_studies_fit_on_one_slide(tmp_path: Path) -> None:
    deck = deck_for(load_dataset(make_dataset(tmp_path / "data", 5, long_cells=False)), load_theme())
    assert len(table_slides(deck)) == 1


def test_a_row_too_tall_for_any_slide_is_refused_naming_its_cell(tmp_path: Path) -> None:
    import pytest
    import yaml

    from stsdeck.errors import DataError

    root = make_dataset(tmp_path / "data", 2, long_cells=False)
    path = root / "studies" / "auteur02-2002.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["cells"]["toxicity"] = "mot " * 2000
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as error:
        deck_for(load_dataset(root), load_theme())
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "toxicity:" in text)
    assert str(error.value) == (
        f"data/studies/auteur02-2002.yaml:{line}: cells.toxicity: ligne du tableau trop haute pour tenir seule "
        "sur une diapositive (152,6 cm pour 13,1 cm disponibles) : raccourcissez le texte de cette cellule")


def test_a_long_title_shrinks_to_fit_its_box() -> None:
    from stsdeck.deck import fit_title
    from stsdeck.slides import Slide

    theme = load_theme()
    m = measure_for(theme)
    short = fit_title(Slide("text", "Contexte", ()), theme, m)
    long = fit_title(Slide("text", "Un titre de diapositive beaucoup trop long " * 4, ()), theme, m)
    assert short.title_pt == theme.size("title_pt")
    assert long.title_pt < theme.size("title_pt")
    box = theme.box("title")
    lines = m.lines(long.title, box.w / EMU_PER_PT, long.title_pt, bold=True)
    assert lines * long.title_pt * m.spacing <= box.h / EMU_PER_PT


def test_a_bullet_moves_with_its_sub_bullets_to_the_next_slide() -> None:
    from stsdeck.deck import paginate_paragraphs
    from stsdeck.slides import Paragraph
    from stsdeck.themes import Box

    theme = load_theme()
    m = measure_for(theme)
    box = Box(0, 0, 914400 * 8, 1524000)  # 120 pt: room for 5 lines of 24 pt
    bullets = [Paragraph(f"Puce {i}", 20, 0) for i in range(4)]
    subs = [Paragraph(f"Sous-puce {i}", 20, 1) for i in range(2)]
    pages = paginate_paragraphs([*bullets, *subs], box, m)
    assert [[p.text for p in page] for page in pages] == [
        ["Puce 0", "Puce 1", "Puce 2"], ["Puce 3", "Sous-puce 0", "Sous-puce 1"]]


def test_remembered_word_widths_are_bounded_and_exact(monkeypatch) -> None:
    from stsdeck import measure

    font = measure.FontMetrics(1000, {"a": 500, "b": 600}, 700)
    monkeypatch.setattr(measure, "MEMO_LIMIT", 3)
    assert [font.units(w) for w in ("a", "ab", "abc", "ba", "a")] == [500, 1100, 1800, 1100, 500]
    assert len(font.widths) <= 3
