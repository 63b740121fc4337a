"""The deck shows the evidence a methodologist would recompute: each category's pooled local control,
its interval and prediction interval recomputed with statsmodels from the study files, read back
from the PPTX and the PDF."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from stsdeck.panel import number, percent
from stsdeck.typography import NBSP

from .conftest import DATA


def records() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA / "studies").glob("*.yaml"))]


def arm_size(study: dict, cohort: str) -> int | None:
    """Patients of the RT-CT cohort a value describes, written out again from the file's fields."""
    label = cohort or study.get("arm", "")
    if not label:
        return study["patients"]
    found = next(c for c in study["cohorts"] if c["label"] == label)
    return found.get("patients") if found.get("role", "rtct") == "rtct" else None


def five_year_arms(category: str) -> list[tuple[float, int]]:
    """(rate, RT-CT patients) of the category's independent 5-year local controls: of each series of
    possibly shared patients, its largest."""
    chosen: dict[str, tuple[int, float, int]] = {}
    for study in records():
        rate = study.get("local_control")
        if study["category"] != category or rate is None or rate["years"] != 5:
            continue
        n = arm_size(study, rate.get("cohort", ""))
        if n is None:
            continue
        series = study.get("shared_patients") or study["first_author"] + str(study["year"])
        if series not in chosen or n > chosen[series][0]:
            chosen[series] = (n, rate["pct"], n)
    return [(pct, n) for _, pct, n in chosen.values()]


def recomputed(arms: list[tuple[float, int]]) -> dict[str, float]:
    """statsmodels' combine_effects on the logits (Paule-Mandel), the wider of its t and WLS (HKSJ)
    intervals, and the prediction interval with t on k - 2 df."""
    import numpy as np
    from scipy import stats
    from statsmodels.stats.meta_analysis import combine_effects

    events = np.array([math.floor(p / 100 * n + 0.5) for p, n in arms], float)
    totals = np.array([n for _, n in arms], float)
    result = combine_effects(np.log(events / (totals - events)), 1 / events + 1 / (totals - events),
                             method_re="pm", use_t=True)
    _, ci_re, _, ci_wls = result.conf_int(alpha=0.05, use_t=True)
    low, high = min(ci_re[0], ci_wls[0]), max(ci_re[1], ci_wls[1])
    k = len(arms)
    se = (high - low) / 2 / stats.t.ppf(0.975, k - 1)
    half = stats.t.ppf(0.975, k - 2) * math.sqrt(max(0.0, result.tau2) + se**2)
    expit = lambda x: 100 / (1 + math.exp(-x))  # noqa: E731
    mu = result.mean_effect_re
    return {"estimate": expit(mu), "low": expit(low), "high": expit(high), "pi_low": expit(mu - half),
            "pi_high": expit(mu + half), "i2": max(0.0, result.i2) * 100}


def readable(text: str) -> str:
    """Text as read aloud: no-break spaces as spaces, word joiners (no break after a dash) removed."""
    return text.replace(NBSP, " ").replace(WORD_JOINER, "")


WORD_JOINER = "\u2060"
CATEGORIES = ("split-course", "normofractionated", "hypofractionated", "adjuvant")


@pytest.fixture(scope="module")
def pptx_text(built: dict[str, Path]) -> str:
    from pptx import Presentation

    shapes = [sh for slide in Presentation(built["pptx"]).slides for sh in slide.shapes if sh.has_text_frame]
    text = "\n".join(p.text for sh in shapes for p in sh.text_frame.paragraphs)
    return readable(text.replace("\x0b", " "))  # a line break decided by the layout reads as a space


@pytest.fixture(scope="module")
def pdf_text(built: dict[str, Path]) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(built["pdf"]).pages)
    return " ".join(readable(text).split())


def test_only_categories_with_3_independent_studies_are_pooled() -> None:
    assert {c: len(five_year_arms(c)) for c in CATEGORIES} == {
        "split-course": 2, "normofractionated": 3, "hypofractionated": 2, "adjuvant": 2}


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_deck_shows_the_pooled_estimate_ci_and_prediction_interval(category: str, pptx_text: str,
                                                                       pdf_text: str) -> None:
    arms = five_year_arms(category)
    if len(arms) < 3:
        line = f"Pas d'estimation poolée à 5 ans : il faut au moins 3 études indépendantes ({len(arms)} ici)"
        assert line in pptx_text and line in pdf_text
        return
    r = recomputed(arms)
    pooled = (f"Estimation poolée à 5 ans ({len(arms)} études) : {percent(r['estimate'])} "
              f"(IC 95 % {number(r['low'])}–{percent(r['high'])})").replace(NBSP, " ")
    prediction = (f"Intervalle de prédiction 95 % : {number(r['pi_low'])}–{percent(r['pi_high'])}").replace(NBSP, " ")
    for text in (pptx_text, pdf_text):
        assert pooled in text and prediction in text
    assert pooled == "Estimation poolée à 5 ans (3 études) : 88 % (IC 95 % 68,1–96,1 %)"
    assert "Effets aléatoires (logit) : τ² de Paule-Mandel, IC de Hartung-Knapp-Sidik-Jonkman" in pptx_text


def test_the_panel_never_gives_the_median_of_one_or_two_studies(pptx_text: str) -> None:
    assert "Contrôle local à 3 ans : 87,3 % (Hazell 2020)" in pptx_text
    assert "Contrôle local à 5 ans : 88–96 % (Jebsen 2011, Nesseler 2017)" in pptx_text
    for line in pptx_text.splitlines():
        if "médiane" in line:
            assert int(line.split(" ; ")[-1].split()[0]) >= 3, line


def test_counts_are_the_rtct_arms(pptx_text: str) -> None:
    assert "4 études, 233 patients traités par RT-CT" in pptx_text  # Fakhai 31 of 59, Nesseler 29 of 80
    assert "Delaney 2003, Look Hong 2013, Mullen 2014 : même série (patients possiblement communs)" in pptx_text
