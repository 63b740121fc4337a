"""Typography at rendering: units and spellings the template declares, where lines may not break, and
the measuring that honours it; the data is never changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from stsdeck.deck import measure_for
from stsdeck.measure import metrics, wrap
from stsdeck.themes import load_theme
from stsdeck.typography import NBSP, WJ, Typography, typography_of
from stsdeck.validate import load_dataset

from .conftest import DATA

UNITS = Typography(("Gy", "f", "h", "mg", "ans"), (("mg/m2", "mg/m²"),))


@pytest.mark.parametrize(("written", "shown"), [
    ("44 Gy en 22f", f"44{NBSP}Gy en 22{NBSP}f"),
    ("50Gy", f"50{NBSP}Gy"),
    ("1,8Gy et 72h", f"1,8{NBSP}Gy et 72{NBSP}h"),
    ("4mg/m2 puis 3 fois", f"4{NBSP}mg/{WJ}m² puis 3 fois"),   # « f » is a unit, « fois » is not
    ("C2 et C3 ; J1", f"C2 et C3{NBSP}; J1"),
    ("17-50%", f"17-{WJ}50{NBSP}%"),
    ("84,7–95,1 %", f"84,7–{WJ}95,1{NBSP}%"),
    ("60 – 66 Gy", f"60{NBSP}–{NBSP}66{NBSP}Gy"),
    ("dermite ≥ G3, ± 2, +/- boost", f"dermite ≥{NBSP}G3, ±{NBSP}2, +/-{NBSP}boost"),
    ("Cisplatine/Gemzar", f"Cisplatine/{WJ}Gemzar"),
    ("doi:10.1016/S0360-3016(03)00123-4", "doi:10.1016/S0360-3016(03)00123-4"),  # copied as written
])
def test_what_the_slides_show(written: str, shown: str) -> None:
    assert UNITS(written) == shown
    assert UNITS(shown) == shown  # setting twice changes nothing


def test_spacing_alone_leaves_line_breaks_to_the_renderer() -> None:
    assert UNITS.spaced("17-50 Gy ≥ G3") == f"17-50{NBSP}Gy ≥ G3"


def test_the_default_template_declares_its_units_and_spellings() -> None:
    typography = typography_of(load_theme().settings)
    assert {"Gy", "f", "h", "j", "ans", "patients"} <= set(typography.units)
    assert dict(typography.spellings)["mg/m2"] == "mg/m²"
    assert typography.hyphenate("Thrombocytopénie") == [5, 7, 9, 11, 13]
    assert typography.hyphenate("(rétrospectif)") == [3, 7, 10]
    assert typography.hyphenate("50\u00a0Gy") == [] and typography.hyphenate("R1/R2") == []


def test_the_data_keeps_its_text(built: dict[str, Path]) -> None:
    """« 50Gy » stays in the study file and its cell; the deck shows « 50 Gy »."""
    from pptx import Presentation

    hazell = next(s for s in load_dataset(DATA).studies if s.first_author == "Hazell")
    assert "50Gy" in hazell.cells.radiotherapy
    cells = [c.text.replace(WJ, "") for slide in Presentation(built["pptx"]).slides for shape in slide.shapes if shape.has_table
             for row in shape.table.rows for c in row.cells]
    assert any(f"50{NBSP}Gy" in c for c in cells) and not any("50Gy" in c for c in cells)
    assert not any("mg/m2" in c for c in cells) and any("mg/m²" in c for c in cells)


def test_lines_never_break_where_typography_forbids() -> None:
    theme = load_theme()
    m = measure_for(theme)
    font = metrics(theme.font_file("regular"))
    text = m.typeset("contrôle local 84,7-95,1 % après 60 Gy en 30 f, dermite ≥ G3 chez 17-50 %")
    for width in range(90, 400, 7):  # wide enough for « 84,7-95,1 % », which no line may break
        for line in wrap(text, width, 11, font):
            assert not line.rstrip(WJ).endswith(("-", "–", "≥")), (width, line)
            assert not line.startswith(("Gy", "f,", "%")), (width, line)


def test_a_word_too_long_for_its_cell_is_hyphenated_not_cut() -> None:
    m = measure_for(load_theme())
    assert m.wrap(m.typeset("Thrombocytopénie G3-4"), 70, 11, hyphenated=True) == ["Thrombocy-", f"topénie G3-{WJ}4"]
    assert m.wrap(m.typeset("Doxo Ifosfamide/MAID"), 60, 11, hyphenated=True) == ["Doxo", f"Ifosfamide/{WJ}", "MAID"]
    assert m.wrap("Thrombocytopénie", 55, 11) == ["Thromboc", "ytopénie"]  # bullets: cut, as renderers do


def test_a_word_joiner_is_measured_as_nothing() -> None:
    font = metrics(load_theme().font_file("regular"))
    assert font.width_pt(f"17-{WJ}50", 11) == font.width_pt("17-50", 11)
    assert font.width_pt(f"50{NBSP}Gy", 11) == font.width_pt("50 Gy", 11)


def test_typography_sections_of_the_wrong_shape_are_named(tmp_path: Path) -> None:
    from stsdeck.errors import TemplateError

    folder = tmp_path / "etab"
    folder.mkdir()
    (folder / "theme.yaml").write_text(
        "name: etab\nextends: default\nsizes:\n  table_pt: 9\nreferences:\n  columns: 0\n"
        "typography:\n  units: [Gy, 3]\n  hyphenation: klingon\n", encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        load_theme(folder)
    assert str(error.value).splitlines()[1:] == [
        "  - sizes.table_pt : attendu au moins min_text_pt (11 pt), reçu 9",
        "  - references.columns : attendu un entier ≥ 1, reçu « 0 »",
        "  - typography.units : attendu une liste d'unités (textes)",
        "  - typography.hyphenation : langue de césure inconnue « klingon » (par exemple fr_FR)",
    ]
