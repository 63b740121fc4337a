"""Charts: keys and order, PNG resolution, SVG validity, determinism, French labels from data/charts.yaml."""

from __future__ import annotations

import ast
import copy
import dataclasses
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from PIL import Image

from stsdeck import charts as charts_module
from stsdeck.charts import KEYS, USES_FIGURES, Chart, draw_charts, number, palette, percent, toxicity_dots
from stsdeck.resources import BUILTIN, EXAMPLE_DATA
from stsdeck.validate import load_dataset

from .factory import make_dataset

ROOT = Path(__file__).resolve().parents[1]
DATA = EXAMPLE_DATA
FONT = BUILTIN / "default" / "fonts" / "LiberationSans-Regular.ttf"
WIDTH, HEIGHT = 12.4, 5.6
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA)


@pytest.fixture(scope="module")
def labels() -> dict:
    return yaml.safe_load((DATA / "charts.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def colors() -> dict:
    theme = yaml.safe_load((BUILTIN / "default" / "theme.yaml").read_text(encoding="utf-8"))
    return theme["colors"]


@pytest.fixture(scope="module")
def drawn(dataset, labels, colors) -> dict[str, Chart]:
    return {c.key: c for c in draw_charts(dataset, labels, colors, WIDTH, HEIGHT, font_path=FONT)}


def svg_text(chart: Chart) -> str:
    """Texts of an SVG drawn with svg.fonttype = path: matplotlib keeps each string as a comment."""
    return chart.svg.decode("utf-8")


# --- structure --------------------------------------------------------------------------------------

def test_five_charts_in_order(drawn) -> None:
    assert tuple(drawn) == KEYS == ("local_control", "pathological_response", "toxicity", "evidence_map",
                                    "lc_vs_eqd2")
    assert all(isinstance(c, Chart) and c.title and c.alt for c in drawn.values())


def test_png_is_at_least_200_dpi_and_of_the_asked_size(drawn) -> None:
    for chart in drawn.values():
        assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(chart.png))
        assert image.info["dpi"][0] >= 199.5 and image.info["dpi"][1] >= 199.5
        assert image.size[0] >= WIDTH * 200 - 1 and image.size[1] >= HEIGHT * 200 - 1
        assert image.size[0] / image.size[1] == pytest.approx(WIDTH / HEIGHT, rel=0.01)


def test_svg_parses_has_no_date_and_names_the_template_font(drawn) -> None:
    for chart in drawn.values():
        root = ET.fromstring(chart.svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("width") == f"{WIDTH * 72:g}pt"
        assert b"<dc:date>" not in chart.svg
        # text stays text (light, searchable), set in the template's font, which the PDF embeds
        assert b"<text" in chart.svg and b"Liberation Sans" in chart.svg


def test_same_data_gives_identical_bytes(dataset, labels, colors, drawn) -> None:
    again = draw_charts(dataset, labels, colors, WIDTH, HEIGHT, font_path=FONT)
    for chart in again:
        assert chart.png == drawn[chart.key].png, chart.key
        assert chart.svg == drawn[chart.key].svg, chart.key
        assert chart.alt == drawn[chart.key].alt


def test_default_font_when_no_font_file(dataset, labels, colors) -> None:
    charts = draw_charts(dataset, labels, colors, 6.0, 3.0)
    assert len(charts) == 5
    assert Image.open(io.BytesIO(charts[0].png)).size == (1200, 600)


# --- French formatting ------------------------------------------------------------------------------

def test_number_and_percent_are_french() -> None:
    assert number(77.8) == "77,8"
    assert number(92.0) == "92"
    assert number(48.72) == "48,7"
    assert percent(13.5) == f"13,5{NBSP}%"
    assert percent(89.02) == f"89{NBSP}%"


def test_local_control_shows_decimal_commas_and_horizons(drawn) -> None:
    chart = drawn["local_control"]
    assert f"77,8{NBSP}%" in chart.alt
    assert f"77,8{NBSP}%" in svg_text(chart)
    assert f"Hazell 2020 (3{NBSP}ans)" in chart.alt and f"Hazell 2020 (3{NBSP}ans)" in svg_text(chart)
    assert f"Spalek (2{NBSP}ans)" in chart.alt
    assert "à 5 ans sauf mention" in svg_text(chart).replace(NBSP, " ")
    assert not re.search(r"\d\.\d", chart.alt)


def test_local_control_alt_gives_pooled_estimates_and_prediction_intervals(drawn) -> None:
    alt = drawn["local_control"].alt.replace(NBSP, " ")
    assert "15 études" in alt
    assert ("Normofractionnée 88 % (IC 95 % 68,1–96,1, intervalle de prédiction 16,3–99,6, 3 études)") in alt
    assert "Split course" not in alt.split("Estimations poolées")[1]  # 2 independent series only
    text = svg_text(drawn["local_control"]).replace(NBSP, " ")
    assert "Intervalle de prédiction 95 %" in text and "16,3–99,6 %" in text
    assert "Paule-Mandel" in text and "Hartung-Knapp-Sidik-Jonkman" in text


def test_wilson_intervals_use_the_rtct_arm(drawn) -> None:
    from stsdeck.synthesize import wilson_interval

    low, high = (100 * p for p in wilson_interval(28, 29))  # Nesseler 2017: 96 % of its 29 RT-CT patients
    text = svg_text(drawn["local_control"]).replace(NBSP, " ")
    assert f"96 % ({number(low)}–{number(high)})" in text
    assert (number(low), number(high)) == ("82,8", "99,4")
    assert "Nesseler 2017 96 % (29 patients)" in drawn["local_control"].alt.replace(NBSP, " ")


def test_values_of_other_cohorts_are_listed_not_drawn(drawn) -> None:
    text = svg_text(drawn["local_control"]).replace(NBSP, " ")
    assert "Danieli 2023 (cohorte mixte nCT/nRT/nRTCT)" in text
    assert "Eilber 2001 (sous-groupe nécrose ≥ 95 %)" in text
    assert "† Même série, patients possiblement communs : Delaney 2003, Look Hong 2013, Mullen 2014" in text
    assert "‡ Même série, patients possiblement communs : Ryan 2008, Lu 2018" in text  # one mark per series
    assert "Mullen 2014 †" in text and "Lu 2018 ‡" in text


def test_the_forest_plot_legend_stays_outside_the_data(dataset, labels, colors) -> None:
    from stsdeck.charts.canvas import Canvas
    from stsdeck.charts.local_control import draw
    from stsdeck.charts.render import style
    from stsdeck.synthesize import figures

    canvas = Canvas(dataset, labels, colors, (WIDTH, HEIGHT), figures(dataset))
    with style(colors, FONT):
        figure, _ = draw(canvas)
        figure.draw_without_rendering()
        renderer = figure._get_renderer()
        [ax] = figure.axes
        [legend] = figure.legends
        assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))


def test_no_decimal_points_in_any_alt_text(drawn) -> None:
    for chart in drawn.values():
        assert not re.search(r"\d\.\d", chart.alt), chart.key
        assert not re.search(r"\d %", chart.alt), chart.key  # always a no-break space before %


def test_pathological_response_shows_thresholds(drawn) -> None:
    chart = drawn["pathological_response"]
    assert f"14{NBSP}% (nécrose >{NBSP}95{NBSP}%)" in chart.alt  # Spalek
    assert "Danieli 2023 (cohorte mixte nCT/nRT/nRTCT)" in chart.alt  # a mixed cohort's response, not drawn
    assert f"13,8{NBSP}%" in svg_text(chart)


def test_toxicity_alt_summarises_both_panels(drawn) -> None:
    alt = drawn["toxicity"].alt.replace(NBSP, " ")
    assert "Complications de plaie" in alt and "Adjuvante, non rapporté" in alt
    assert "Hypofractionnée, 6 valeurs de 11 % à 33 % dont 1 de grade ≥ 3" in alt
    assert "soins de support (G-CSF) exclus" in alt


def test_toxicity_has_no_supportive_care_and_sums_separate_grades(dataset) -> None:
    by_key = {s.key: s for s in dataset.studies}
    delaney = toxicity_dots(by_key["delaney-2003"], ("skin", "haematologic"))
    assert [(d.value, d.kind, d.grade_class) for d in delaney] == [(25, "haematologic", "any")]  # no 81,3 % G-CSF
    stubbe = toxicity_dots(by_key["stubbe-2016"], ("skin", "haematologic"))
    assert [(d.value, d.kind, d.grade_class) for d in stubbe] == [(5.7, "skin", "severe"),
                                                                  (pytest.approx(63.6), "haematologic", "severe")]
    tseng = toxicity_dots(by_key["tseng-2015"], ("skin",))
    assert [(d.value, d.grade_class) for d in tseng] == [(8, "severe"), (33, "any")]


def test_the_toxicity_chart_is_about_categories_not_fractionations(drawn) -> None:
    assert "fractionnement" not in drawn["toxicity"].title


def test_evidence_map_mentions_the_study_without_a_year(drawn, dataset) -> None:
    undated = [s for s in dataset.studies if s.year is None]
    assert [s.first_author for s in undated] == ["Spalek"]
    alt = drawn["evidence_map"].alt.replace(NBSP, " ")
    assert "Spalek" in alt and "1 étude(s) sans année" in alt
    assert f"{len(dataset.studies) - 1} études" in alt
    assert "Spalek" in svg_text(drawn["evidence_map"])  # the note under the chart


def test_lc_vs_eqd2_writes_alpha_beta_and_assumption(drawn, labels) -> None:
    chart = drawn["lc_vs_eqd2"]
    text = svg_text(chart).replace(NBSP, " ")
    assert "α/β = 4" in text
    assumption = labels["notes"]["assumption"]
    assert assumption in text
    assert "association écologique, non causale ; pas de facteur temps" in assumption.lower()
    assert assumption in chart.alt.replace(NBSP, " ")
    assert "Curtis 2011 (3" in chart.alt and "48,7 Gy" in chart.alt.replace(NBSP, " ")


def test_lc_vs_eqd2_draws_whole_courses_and_lists_what_it_leaves_out(drawn) -> None:
    alt = drawn["lc_vs_eqd2"].alt.replace(NBSP, " ")
    assert "Nesseler 2017 50–56 Gy, 96 %" in alt
    text = svg_text(drawn["lc_vs_eqd2"]).replace(NBSP, " ")
    for name in ("Stubbe 2016 (fractionnement non précisé)", "Byun 2021 (fractionnement non précisé)",
                 "Danieli 2023 (cohorte mixte nCT/nRT/nRTCT)", "Eilber 2001 (sous-groupe nécrose ≥ 95 %)"):
        assert name in alt and name.split(" (")[0] in text
    assert "Complément si R1 sans fractionnement précisé, non compté : Delaney 2003 ; Jebsen 2011" in text
    for name in ("Delaney 2003", "Mullen 2014", "Look Hong 2013", "Ryan 2008", "Jebsen 2011", "Lu 2018"):
        assert name in text  # every point at 35 and 44 Gy has its label


def test_overlapping_points_are_moved_apart(dataset, labels, colors) -> None:
    from stsdeck.charts.canvas import Canvas
    from stsdeck.charts.lc_vs_eqd2 import _eqd2_studies
    from stsdeck.charts.placement import MARKER_PT, OVERLAP, dodged
    from stsdeck.charts.render import style

    canvas = Canvas(dataset, labels, colors, (WIDTH, HEIGHT), ())
    with style(colors, FONT):
        from matplotlib.figure import Figure

        figure = Figure(figsize=(WIDTH, HEIGHT))
        ax = figure.add_subplot()
        doses, _ = _eqd2_studies(canvas, 4.0)
        ax.set_xlim(20, 80)
        ax.set_ylim(55, 101)
        placed = dodged(ax, figure, doses)
        points = [(ax.transData.transform((d.x, d.y)) * 72 / figure.dpi + (d.dx, 0), d.study.key) for d in placed]
    for i, (a, _) in enumerate(points):
        for b, _ in points[i + 1:]:
            assert abs(a[0] - b[0]) >= MARKER_PT * OVERLAP - 1e-6 or abs(a[1] - b[1]) >= MARKER_PT * OVERLAP
    assert any(d.dx for d in placed if d.study.key in ("ryan-2008", "lu-2018", "jebsen-2011"))


# --- texts come from the YAML -----------------------------------------------------------------------

def test_titles_alt_and_notes_come_from_the_labels(dataset, labels, colors) -> None:
    changed = copy.deepcopy(labels)
    for key in KEYS:
        changed["charts"][key]["title"] = f"TITRE-{key}"
        changed["charts"][key]["alt"] = f"ALT-{key} " + changed["charts"][key]["alt"]
    changed["alpha_beta_gy"] = 10
    changed["notes"]["alpha_beta"] = "NOTE ab={alpha_beta}"
    changed["designs"]["phase-2"] = "PHASE-DEUX"
    charts = draw_charts(dataset, changed, colors, 8.0, 4.0)
    for chart in charts:
        assert chart.title == f"TITRE-{chart.key}"
        assert chart.alt.startswith(f"ALT-{chart.key} ")
    by_key = {c.key: c for c in charts}
    assert "NOTE ab=10" in by_key["lc_vs_eqd2"].alt
    assert "PHASE-DEUX" in svg_text(by_key["evidence_map"])
    # α/β = 10 changes the EQD2 of 3.5 Gy fractions: 28 Gy -> 28 (1 + 0.35) / 1.2 = 31.5 Gy (Lu 2018)
    assert "31,5 Gy" in by_key["lc_vs_eqd2"].alt.replace(NBSP, " ")


@pytest.mark.parametrize("module", sorted(Path(charts_module.__file__).parent.glob("*.py")), ids=lambda p: p.stem)
def test_no_french_sentence_in_the_module(module: Path) -> None:
    """Every display text lives in data/charts.yaml: the modules' strings are keys, formats or names."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            if text.startswith("outside "):  # a matplotlib legend location
                continue
            assert not re.search(r"[À-ÿ]", text), text
            assert not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}", text), text
            assert text not in {"IC 95 %", "ans", "Phase II", "Gy"}, text


def test_every_label_the_charts_use_is_in_the_yaml(labels) -> None:
    assert labels["alpha_beta_gy"] == 4
    assert set(labels["designs"]) == {"phase-1", "phase-1-2", "phase-2", "randomized", "prospective",
                                      "retrospective"}
    assert set(labels["charts"]) == set(KEYS)
    for key in KEYS:
        assert {"title", "alt"} <= set(labels["charts"][key])


# --- colours and other datasets ---------------------------------------------------------------------

def test_palette_starts_with_theme_colours_and_is_deterministic(colors) -> None:
    colours = palette(colors, 4)
    assert colours[:2] == (colors["primary"], colors["accent"])
    assert len(set(colours)) == 4
    assert palette(colors, 4) == colours
    assert len(palette({}, 12)) == 12


def test_synthetic_dataset_and_missing_data(tmp_path: Path, labels, colors) -> None:
    """One category, no toxicity: every chart still renders; removing all local control gives blank charts."""
    dataset = load_dataset(make_dataset(tmp_path / "synth", 6, long_cells=False))
    charts = draw_charts(dataset, labels, colors, 8.0, 4.0)
    assert [c.key for c in charts] == list(KEYS)
    assert "Synth, non rapporté" in charts[2].alt
    bare = dataclasses.replace(dataset, categories=tuple(
        dataclasses.replace(c, studies=tuple(dataclasses.replace(s, local_control=None, pcr_pct=None, year=None)
                                             for s in c.studies)) for c in dataset.categories))
    blank = {c.key: c for c in draw_charts(bare, labels, colors, 8.0, 4.0)}
    for key in ("local_control", "pathological_response", "evidence_map", "lc_vs_eqd2"):
        assert "aucune étude ne rapporte" in blank[key].alt, key
        ET.fromstring(blank[key].svg)


def test_only_the_charts_named_in_uses_figures_read_the_figures(dataset, labels, colors, drawn) -> None:
    """The build draws the other charts before the figures exist: they must not depend on them."""
    others = tuple(k for k in KEYS if k not in USES_FIGURES)
    without = draw_charts(dataset, labels, colors, WIDTH, HEIGHT, font_path=FONT, keys=others, category_figures=())
    assert [c.key for c in without] == list(others)
    for chart in without:
        assert (chart.png, chart.svg, chart.alt) == (drawn[chart.key].png, drawn[chart.key].svg, drawn[chart.key].alt)
