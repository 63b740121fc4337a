"""Wilson intervals, random-effects pooled proportions (statsmodels), arms, series and outcome ranges."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys

import pytest

from stsdeck.synthesize import (CategoryFigures, Exclusion, Pooled, SharedSeries, events_from_pct, figures,
                                outcome_range, pooled_proportion, rtct_patients, wilson_interval)
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

def statsmodels_pooled(events: list[float], totals: list[float]) -> dict[str, float]:
    """The pooled proportion recomputed with statsmodels directly: logits, Paule-Mandel, the wider of
    the t interval and the HKSJ (WLS) interval, HTS prediction interval with t on k - 2 df."""
    import numpy as np
    from scipy import stats
    from statsmodels.stats.meta_analysis import combine_effects

    e, n = np.asarray(events, float), np.asarray(totals, float)
    y, v = np.log(e / (n - e)), 1 / e + 1 / (n - e)
    k = len(y)
    result = combine_effects(y, v, method_re="pm", use_t=True)
    _, ci_re, _, ci_wls = result.conf_int(alpha=0.05, use_t=True)
    low, high = min(ci_re[0], ci_wls[0]), max(ci_re[1], ci_wls[1])
    se = (high - low) / 2 / stats.t.ppf(0.975, k - 1)
    tau2 = max(0.0, result.tau2)
    half = stats.t.ppf(0.975, k - 2) * math.sqrt(tau2 + se**2)
    expit = lambda x: 100 / (1 + math.exp(-x))  # noqa: E731
    mu = result.mean_effect_re
    return {"estimate": expit(mu), "ci_low": expit(low), "ci_high": expit(high), "pi_low": expit(mu - half),
            "pi_high": expit(mu + half), "tau2": tau2, "i2": max(0.0, result.i2) * 100}


def paule_mandel_by_hand(events: list[float], totals: list[float]) -> float:
    """tau² solving sum w_i (y_i - mu)² = k - 1 with w_i = 1 / (v_i + tau²), by bisection (0 if Q < k - 1)."""
    import numpy as np

    e, n = np.asarray(events, float), np.asarray(totals, float)
    y, v = np.log(e / (n - e)), 1 / e + 1 / (n - e)

    def excess(tau2: float) -> float:
        w = 1 / (v + tau2)
        return float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2) - (len(y) - 1))

    if excess(0.0) <= 0:
        return 0.0
    low, high = 0.0, 10.0
    for _ in range(200):
        low, high = (low, (low + high) / 2) if excess((low + high) / 2) < 0 else ((low + high) / 2, high)
    return (low + high) / 2


def assert_matches(pooled: Pooled, expected: dict[str, float | None]) -> None:
    for name, value in expected.items():
        got = getattr(pooled, name)
        assert (got is None) if value is None else got == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_pooled_proportion_matches_statsmodels() -> None:
    pooled = pooled_proportion([8, 17, 10], [48, 64, 66])
    assert_matches(pooled, statsmodels_pooled([8, 17, 10], [48, 64, 66]))
    assert (pooled.k, pooled.patients) == (3, 178)
    assert pooled.pi_low < pooled.ci_low < pooled.estimate < pooled.ci_high < pooled.pi_high


def test_tau2_is_paule_mandel() -> None:
    heterogeneous = ([44, 50, 60, 105], [48, 64, 66, 113])
    assert pooled_proportion(*heterogeneous).tau2 == pytest.approx(paule_mandel_by_hand(*heterogeneous), rel=1e-3)
    homogeneous = ([31, 48, 25], [36, 53, 29])
    assert pooled_proportion(*homogeneous).tau2 == 0 == paule_mandel_by_hand(*homogeneous)


def test_interval_is_hartung_knapp_never_narrower_than_t_with_the_random_effects_error() -> None:
    """With tau² > 0, Paule-Mandel makes the HKSJ scale 1: HKSJ = t x SE. With tau² = 0 the scale may fall
    below 1: the max(1, q) rule keeps t x SE (Röver et al. 2015)."""
    from scipy import stats

    for events, totals in (([44, 50, 60, 105], [48, 64, 66, 113]), ([31, 48, 25], [36, 53, 29])):
        pooled = pooled_proportion(events, totals)
        logits = [math.log(e / (n - e)) for e, n in zip(events, totals)]
        weights = [1 / (1 / e + 1 / (n - e) + pooled.tau2) for e, n in zip(events, totals)]
        mean = sum(w * y for w, y in zip(weights, logits)) / sum(weights)
        half = stats.t.ppf(0.975, len(events) - 1) / math.sqrt(sum(weights))
        assert pooled.ci_low <= 100 / (1 + math.exp(-(mean - half))) + 1e-9
        assert pooled.ci_high >= 100 / (1 + math.exp(-(mean + half))) - 1e-9
    assert pooled_proportion([31, 48, 25], [36, 53, 29]).ci_low == pytest.approx(68.14, abs=0.01)


def test_values_are_percentages() -> None:
    pooled = pooled_proportion([44, 50, 60, 105], [48, 64, 66, 113])
    assert pooled.estimate == pytest.approx(88.9, abs=0.05)
    assert (pooled.ci_low, pooled.ci_high) == pytest.approx((74.8, 95.6), abs=0.05)
    assert pooled.i2 == pytest.approx(67.8, abs=0.05)


def test_zero_events_get_a_half_continuity_correction() -> None:
    pooled = pooled_proportion([0, 17, 10], [48, 64, 66])
    assert_matches(pooled, statsmodels_pooled([0.5, 17, 10], [49, 64, 66]))


def test_all_events_get_a_half_continuity_correction() -> None:
    pooled = pooled_proportion([48, 47, 60], [48, 64, 66])
    assert_matches(pooled, statsmodels_pooled([48.5, 47, 60], [49, 64, 66]))


@pytest.mark.parametrize("events, totals", [([], []), ([8], [48]), ([8, 17], [48, 64]), ([1, 2, 3], [10, 10]),
                                            ([11, 1, 1], [10, 10, 10])])
def test_pooled_proportion_rejects_bad_input_and_fewer_than_3_studies(events: list[int], totals: list[int]) -> None:
    with pytest.raises(ValueError):
        pooled_proportion(events, totals)


def test_events_from_pct_rounds_half_up() -> None:
    assert events_from_pct(77.8, 64) == 50
    assert events_from_pct(50, 5) == 3
    assert events_from_pct(96, 29) == 28


# --- Ranges, arms, series ---------------------------------------------------------------------

def test_outcome_range_keeps_ties_median_and_names(dataset) -> None:
    a, b, c = dataset.studies[:3]
    found = outcome_range([(a, 8), (b, 27), (c, 8)])
    assert (found.minimum, found.maximum, found.median, found.n_studies) == (8, 27, 8, 3)
    assert found.at_minimum == (a.key, c.key) and found.at_maximum == (b.key,)
    assert found.names == (a.name, b.name, c.name)
    assert outcome_range([]) is None


def test_split_course_figures(by_key: dict[str, CategoryFigures]) -> None:
    split = by_key["split-course"]
    # Delaney 2003 (48) and Look Hong 2013 (66) are of Mullen 2014's series (113): counted once.
    assert (split.n_studies, split.patients) == (5, 64 + 113 + 64)
    five = split.local_control_at(5)
    assert (five.minimum, five.maximum, five.median, five.n_studies) == (77.8, 93, 91.5, 4)
    assert five.at_minimum == ("kraybill-2010",) and five.at_maximum == ("mullen-2014",)
    three = split.local_control_at(3)
    assert (three.minimum, three.maximum, three.names) == (87.3, 87.3, ("Hazell 2020",))
    assert (split.pcr.minimum, split.pcr.maximum, split.pcr.at_minimum) == (8, 27, ("delaney-2003", "mullen-2014"))
    assert (split.r0.minimum, split.r0.maximum) == (85.4, 91.2)
    assert (split.wound.minimum, split.wound.at_minimum) == (32, ("hazell-2020",))
    assert split.shared == (SharedSeries("Mullen 2014", ("Delaney 2003", "Look Hong 2013", "Mullen 2014")),)
    assert split.independent_5y == 2 and split.pooled_local_control_5y is None


def test_no_category_is_pooled_from_fewer_than_3_independent_studies(by_key: dict[str, CategoryFigures]) -> None:
    assert {k: f.independent_5y for k, f in by_key.items()} == {
        "split-course": 2, "normofractionated": 3, "hypofractionated": 2, "adjuvant": 2}
    assert [k for k, f in by_key.items() if f.pooled_local_control_5y] == ["normofractionated"]


def test_values_of_other_cohorts_are_left_out(by_key: dict[str, CategoryFigures]) -> None:
    normo, hypo = by_key["normofractionated"], by_key["hypofractionated"]
    assert normo.excluded == (Exclusion("Danieli 2023", "mixed", "nCT/nRT/nRTCT"),)
    assert (normo.local_control_at(5).maximum, normo.r0.n_studies) == (89.9, 6)  # Danieli's 99 % and 90,9 % out
    assert normo.patients == 39 + 27 + 39 + 152 + 36 + 53 + 14 + 29 + 46  # all but Danieli's mixed cohort
    assert hypo.excluded == (Exclusion("Eilber 2001", "subgroup", "nécrose ≥ 95 %"),)
    assert hypo.local_control_at(5).names == ("Lu 2018", "Lehane 2016")  # Eilber's responders' 94 % out
    assert hypo.patients == 496 + 52 + 76 + 18 + 42 + 29  # Ryan 2008's 25 are Lu 2018's phase II


def test_arms_count_the_rtct_patients_only(by_key: dict[str, CategoryFigures], dataset) -> None:
    nesseler = next(s for s in dataset.studies if s.key == "nesseler-2017")
    assert (nesseler.patients, rtct_patients(nesseler)) == (80, 29)
    assert by_key["adjuvant"].patients == 31 + 119 + 29 + 54  # Fakhai's 31 and Nesseler's 29 RT-CT patients


def test_local_control_horizons_are_never_mixed(by_key: dict[str, CategoryFigures], dataset) -> None:
    hypo = by_key["hypofractionated"]
    assert [r.horizon_years for r in hypo.local_control] == [2, 5]
    assert (hypo.local_control_at(2).minimum, hypo.local_control_at(2).maximum) == (67, 88)
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


def test_pooled_five_year_local_control_from_the_records(by_key: dict[str, CategoryFigures]) -> None:
    pooled = by_key["normofractionated"].pooled_local_control_5y
    events = [events_from_pct(p, n) for p, n in [(85, 36), (89.9, 53), (86.7, 29)]]
    assert events == [31, 48, 25]
    assert_matches(pooled, statsmodels_pooled(events, [36, 53, 29]))
    assert (pooled.k, pooled.patients, pooled.names) == (3, 118, ("Tseng 2015", "Stubbe 2016", "Byun 2021"))


def test_a_category_with_few_five_year_rates_is_not_pooled(dataset) -> None:
    from stsdeck.synthesize import category_figures

    normo = dataset.categories[1]
    fewer = dataclasses.replace(normo, studies=tuple(s for s in normo.studies if s.key != "byun-2021"))
    assert category_figures(fewer).pooled_local_control_5y is None
    assert category_figures(fewer).independent_5y == 2


def test_figures_follow_deck_order(dataset) -> None:
    assert [f.category for f in figures(dataset)] == [c.key for c in dataset.categories]
    assert figures(dataset) == figures(dataset)


def test_heavy_libraries_are_imported_lazily() -> None:
    code = ("import sys, stsdeck.synthesize, stsdeck.radiobiology, stsdeck.claims; "
            "print(sorted(m for m in ('numpy', 'scipy', 'statsmodels', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
