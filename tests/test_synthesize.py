"""Wilson intervals, DerSimonian-Laird pooled proportions and per-category outcome ranges."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path

import pytest

from stsdeck.synthesize import (CategoryFigures, Pooled, events_from_pct, figures, local_control_ranges,
                                outcome_range, pooled_proportion, wilson_interval)
from stsdeck.validate import load_dataset

from .conftest import DATA


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA)


@pytest.fixture(scope="module")
def by_key(dataset) -> dict[str, CategoryFigures]:
    return {f.category: f for f in figures(dataset)}


# --- Wilson -----------------------------------------------------------------------------------

def wilson_by_hand(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = (z / (1 + z**2 / n)) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_wilson_8_of_48_matches_statsmodels() -> None:
    from scipy.stats import norm
    from statsmodels.stats.proportion import proportion_confint

    expected = proportion_confint(8, 48, alpha=0.05, method="wilson")
    assert wilson_interval(8, 48, z=norm.ppf(0.975)) == pytest.approx(expected, rel=1e-12)
    assert wilson_interval(8, 48) == pytest.approx(expected, abs=1e-5)


def test_wilson_8_of_48_matches_the_closed_formula() -> None:
    assert wilson_interval(8, 48) == pytest.approx(wilson_by_hand(8, 48, 1.96), rel=1e-12)
    assert wilson_interval(8, 48) == pytest.approx((0.0870, 0.2958), abs=1e-4)


def test_wilson_stays_within_0_and_1() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0 and 0 < high < 1
    low, high = wilson_interval(10, 10)
    assert 0 < low < 1 and high == pytest.approx(1)


@pytest.mark.parametrize("events, n", [(1, 0), (-1, 10), (11, 10)])
def test_wilson_rejects_impossible_counts(events: int, n: int) -> None:
    with pytest.raises(ValueError):
        wilson_interval(events, n)


# --- Pooled proportion ------------------------------------------------------------------------

def dersimonian_laird_by_hand(events: list[float], totals: list[float]) -> dict[str, float | None]:
    """Logit random-effects pooling, DL tau² truncated at 0, written out with numpy."""
    import numpy as np
    from scipy import stats

    e, n = np.asarray(events, float), np.asarray(totals, float)
    y = np.log(e / (n - e))
    v = 1 / e + 1 / (n - e)
    w = 1 / v
    k = len(y)
    y_fe = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - y_fe) ** 2)
    c = np.sum(w) - np.sum(w**2) / np.sum(w)
    tau2 = max(0.0, (q - (k - 1)) / c)
    w_re = 1 / (v + tau2)
    mu = np.sum(w_re * y) / np.sum(w_re)
    se = math.sqrt(1 / np.sum(w_re))
    expit = lambda x: 100 / (1 + math.exp(-x))  # noqa: E731
    z = stats.norm.ppf(0.975)
    result: dict[str, float | None] = {
        "estimate": expit(mu), "ci_low": expit(mu - z * se), "ci_high": expit(mu + z * se),
        "i2": max(0.0, (q - (k - 1)) / q) * 100 if q > 0 else 0.0, "tau2": tau2, "pi_low": None, "pi_high": None}
    if k >= 3:
        half = stats.t.ppf(0.975, k - 2) * math.sqrt(tau2 + se**2)
        result.update(pi_low=expit(mu - half), pi_high=expit(mu + half))
    return result


def assert_matches(pooled: Pooled, expected: dict[str, float | None]) -> None:
    for name, value in expected.items():
        got = getattr(pooled, name)
        assert (got is None) if value is None else got == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_pooled_proportion_matches_dersimonian_laird_by_hand() -> None:
    pooled = pooled_proportion([8, 17, 10], [48, 64, 66])
    assert_matches(pooled, dersimonian_laird_by_hand([8, 17, 10], [48, 64, 66]))
    assert (pooled.k, pooled.patients) == (3, 178)
    assert 0 < pooled.tau2 and 0 < pooled.i2 < 100
    assert pooled.pi_low < pooled.ci_low < pooled.estimate < pooled.ci_high < pooled.pi_high


def test_pooled_proportion_values_are_percentages() -> None:
    pooled = pooled_proportion([8, 17, 10], [48, 64, 66])
    assert pooled.estimate == pytest.approx(19.73, abs=0.01)
    assert (pooled.ci_low, pooled.ci_high) == pytest.approx((13.41, 28.07), abs=0.01)
    assert pooled.i2 == pytest.approx(33.18, abs=0.01)


def test_zero_events_get_a_half_continuity_correction() -> None:
    pooled = pooled_proportion([0, 17, 10], [48, 64, 66])
    assert_matches(pooled, dersimonian_laird_by_hand([0.5, 17, 10], [49, 64, 66]))


def test_all_events_get_a_half_continuity_correction() -> None:
    pooled = pooled_proportion([48, 47, 60], [48, 64, 66])
    assert_matches(pooled, dersimonian_laird_by_hand([48.5, 47, 60], [49, 64, 66]))


def test_negative_dl_tau2_is_truncated_to_a_fixed_effect() -> None:
    pooled = pooled_proportion([10, 20, 30], [100, 200, 300])
    assert pooled.tau2 == 0 and pooled.i2 == 0
    assert pooled.estimate == pytest.approx(10)
    assert_matches(pooled, dersimonian_laird_by_hand([10, 20, 30], [100, 200, 300]))


def test_two_studies_have_no_prediction_interval() -> None:
    pooled = pooled_proportion([8, 17], [48, 64])
    assert pooled.pi_low is None and pooled.pi_high is None
    assert_matches(pooled, dersimonian_laird_by_hand([8, 17], [48, 64]))


def test_one_study_pools_to_itself() -> None:
    pooled = pooled_proportion([8], [48])
    assert pooled.estimate == pytest.approx(100 * 8 / 48)
    assert (pooled.k, pooled.i2, pooled.tau2, pooled.pi_low) == (1, 0.0, 0.0, None)


@pytest.mark.parametrize("events, totals", [([], []), ([1, 2], [10]), ([11], [10])])
def test_pooled_proportion_rejects_bad_input(events: list[int], totals: list[int]) -> None:
    with pytest.raises(ValueError):
        pooled_proportion(events, totals)


def test_events_from_pct_rounds_half_up() -> None:
    assert events_from_pct(77.8, 64) == 50
    assert events_from_pct(50, 5) == 3
    assert events_from_pct(92, 48) == 44


# --- Ranges -----------------------------------------------------------------------------------

def test_outcome_range_keeps_ties_and_median() -> None:
    found = outcome_range([("a", 8), ("b", 27), ("c", 8)])
    assert (found.minimum, found.maximum, found.median, found.n_studies) == (8, 27, 8, 3)
    assert found.at_minimum == ("a", "c") and found.at_maximum == ("b",)
    assert outcome_range([]) is None


def test_split_course_figures(by_key: dict[str, CategoryFigures]) -> None:
    split = by_key["split-course"]
    assert (split.n_studies, split.patients) == (5, 48 + 64 + 66 + 113 + 64)
    five = split.local_control_at(5)
    assert (five.minimum, five.maximum, five.median, five.n_studies) == (77.8, 93, 91.5, 4)
    assert five.at_minimum == ("kraybill-2010",) and five.at_maximum == ("mullen-2014",)
    three = split.local_control_at(3)
    assert (three.minimum, three.maximum, three.at_minimum) == (87.3, 87.3, ("hazell-2020",))
    assert (split.pcr.minimum, split.pcr.maximum, split.pcr.at_minimum) == (8, 27, ("delaney-2003", "mullen-2014"))
    assert (split.r0.minimum, split.r0.maximum) == (85.4, 91.2)
    assert (split.wound.minimum, split.wound.at_minimum) == (32, ("hazell-2020",))


def test_local_control_horizons_are_never_mixed(by_key: dict[str, CategoryFigures], dataset) -> None:
    hypo = by_key["hypofractionated"]
    assert [r.horizon_years for r in hypo.local_control] == [2, 5]
    assert (hypo.local_control_at(2).minimum, hypo.local_control_at(2).maximum) == (67, 88)
    assert (hypo.local_control_at(5).minimum, hypo.local_control_at(5).maximum) == (87.2, 94)
    studies = {s.key: s for s in dataset.studies}
    for figure in by_key.values():
        for found in figure.local_control:
            keys = found.at_minimum + found.at_maximum
            assert {studies[k].local_control.years for k in keys} == {found.horizon_years}


def test_wound_range_uses_wound_toxicities_only(by_key: dict[str, CategoryFigures]) -> None:
    normo = by_key["normofractionated"].wound
    assert (normo.minimum, normo.maximum, normo.median, normo.n_studies) == (2, 50, 17, 3)
    hypo = by_key["hypofractionated"].wound
    assert (hypo.minimum, hypo.maximum, hypo.at_maximum) == (11, 33, ("silva-2021",))
    assert by_key["adjuvant"].wound is None


def test_pooled_five_year_local_control_per_category(by_key: dict[str, CategoryFigures]) -> None:
    pooled = by_key["split-course"].pooled_local_control_5y
    events = [events_from_pct(p, n) for p, n in [(92, 48), (77.8, 64), (91, 66), (93, 113)]]
    assert events == [44, 50, 60, 105]
    assert_matches(pooled, dersimonian_laird_by_hand(events, [48, 64, 66, 113]))
    assert (pooled.k, pooled.patients) == (4, 291)
    assert by_key["adjuvant"].pooled_local_control_5y.pi_low is None


def test_a_category_with_one_five_year_rate_is_not_pooled(dataset) -> None:
    split = dataset.categories[0]
    one = dataclasses.replace(split, studies=split.studies[:1])
    assert len(local_control_ranges(one.studies)) == 1
    from stsdeck.synthesize import category_figures
    assert category_figures(one).pooled_local_control_5y is None


def test_figures_follow_deck_order(dataset) -> None:
    assert [f.category for f in figures(dataset)] == [c.key for c in dataset.categories]
    assert figures(dataset) == figures(dataset)


def test_heavy_libraries_are_imported_lazily() -> None:
    code = ("import sys, stsdeck.synthesize, stsdeck.radiobiology, stsdeck.claims; "
            "print(sorted(m for m in ('numpy', 'scipy', 'statsmodels', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
