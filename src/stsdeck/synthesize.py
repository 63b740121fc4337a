"""Figures of a Dataset: outcome ranges per category, Wilson intervals and pooled proportions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from .model import Category, Dataset, Study, Toxicity

POOLING_METHOD = "dl"  # DerSimonian-Laird moment estimator of tau², truncated at 0
CONTINUITY = 0.5  # added to events and non-events of a study at 0 % or 100 %
POOLED_HORIZON_YEARS = 5.0
WOUND = "wound"
FIGURE_FIELDS = ("patients", "local_control", "pcr_pct", "r0_pct", "toxicity")  # the Study fields figures read


@dataclass(frozen=True)
class Range:
    """Spread of one outcome across the studies of a category reporting it at one horizon."""

    minimum: float
    maximum: float
    median: float
    n_studies: int
    horizon_years: float | None
    at_minimum: tuple[str, ...]
    at_maximum: tuple[str, ...]


@dataclass(frozen=True)
class Pooled:
    """Random-effects pooled proportion (logit scale, DerSimonian-Laird), back-transformed to %."""

    estimate: float
    ci_low: float
    ci_high: float
    i2: float
    pi_low: float | None
    pi_high: float | None
    k: int
    patients: int
    tau2: float


@dataclass(frozen=True)
class CategoryFigures:
    """A category's size and outcome ranges; local control has one range per horizon."""

    category: str
    n_studies: int
    patients: int
    local_control: tuple[Range, ...]
    pcr: Range | None
    r0: Range | None
    wound: Range | None
    pooled_local_control_5y: Pooled | None

    def local_control_at(self, years: float) -> Range | None:
        """The local-control range at horizon `years`, if any study reports it."""
        return next((r for r in self.local_control if r.horizon_years == years), None)


def wilson_interval(events: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of events/n, as proportions between 0 and 1."""
    _check_count(events, n)
    p, z2 = events / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def logit_effect(events: int, n: int) -> tuple[float, float]:
    """Logit of events/n and its variance 1/(np) + 1/(n(1-p)), 0.5-corrected at 0 % or 100 %."""
    _check_count(events, n)
    e, m = (events + CONTINUITY, n + 2 * CONTINUITY) if events in (0, n) else (events, n)
    return math.log(e / (m - e)), 1 / e + 1 / (m - e)


def pooled_proportion(events: Sequence[int], totals: Sequence[int], level: float = 0.95) -> Pooled:
    """Random-effects (DerSimonian-Laird) pooled proportion of logits, CI, I² and prediction interval."""
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    if not events or len(events) != len(totals):
        raise ValueError("events and totals must be non-empty and of the same length")
    effects, variances = zip(*(logit_effect(e, n) for e, n in zip(events, totals)))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = combine_effects(np.array(effects), np.array(variances), method_re=POOLING_METHOD)
    return _pooled(result, len(effects), sum(totals), level)


def _pooled(result: Any, k: int, patients: int, level: float) -> Pooled:
    from scipy import stats

    mean, se, tau2 = _random_effect(result, k)
    z = stats.norm.ppf((1 + level) / 2)
    pi = _prediction_interval(mean, se, tau2, k, level)
    i2 = max(0.0, float(result.i2)) * 100 if k > 1 and tau2 > 0 else 0.0
    return Pooled(_percent(mean), _percent(mean - z * se), _percent(mean + z * se), i2,
                  pi[0], pi[1], k, patients, tau2)


def _random_effect(result: Any, k: int) -> tuple[float, float, float]:
    """(mean, standard error, tau²) on the logit scale; tau² < 0 is truncated to 0 (fixed effect)."""
    tau2 = float(result.tau2) if k > 1 else 0.0
    if not tau2 > 0:
        return float(result.mean_effect_fe), float(result.sd_eff_w_fe), 0.0
    return float(result.mean_effect_re), float(result.sd_eff_w_re), tau2


def _prediction_interval(mean: float, se: float, tau2: float, k: int,
                         level: float) -> tuple[float | None, float | None]:
    """Higgins–Thompson–Spiegelhalter prediction interval, t on k − 2 df; None when k < 3."""
    from scipy import stats

    if k < 3:
        return None, None
    half = stats.t.ppf((1 + level) / 2, k - 2) * math.sqrt(tau2 + se * se)
    return _percent(mean - half), _percent(mean + half)


def _percent(logit: float) -> float:
    return 100 / (1 + math.exp(-logit))


def _check_count(events: int, n: int) -> None:
    if n <= 0 or not 0 <= events <= n:
        raise ValueError(f"need 0 <= events <= n and n > 0, got {events}/{n}")


def events_from_pct(pct: float, patients: int) -> int:
    """Number of patients a percentage stands for, rounded half up."""
    return math.floor(pct / 100 * patients + 0.5)


def outcome_range(points: Iterable[tuple[str, float]], horizon_years: float | None = None) -> Range | None:
    """Min, max, median of (study key, value) points and the keys at min and max; None if empty."""
    points = tuple((k, float(v)) for k, v in points)
    if not points:
        return None
    values = [v for _, v in points]
    low, high = min(values), max(values)
    return Range(low, high, median(values), len(points), horizon_years,
                 tuple(k for k, v in points if v == low), tuple(k for k, v in points if v == high))


def local_control_studies(studies: Iterable[Study], years: float | None = None) -> tuple[Study, ...]:
    """Studies reporting local control, at horizon `years` only unless it is None."""
    return tuple(s for s in studies
                 if s.local_control is not None and (years is None or s.local_control.years == years))


def horizons(studies: Iterable[Study]) -> tuple[float, ...]:
    """Distinct local-control horizons of the studies, ascending."""
    return tuple(sorted({s.local_control.years for s in local_control_studies(studies)}))


def wound_toxicity(study: Study) -> Toxicity | None:
    """The study's highest wound-complication rate (Toxicity.kind == "wound"), if any."""
    wounds = [t for t in study.toxicity if t.kind == WOUND]
    return max(wounds, key=lambda t: t.pct) if wounds else None


def local_control_ranges(studies: Sequence[Study]) -> tuple[Range, ...]:
    """One local-control range per horizon: 2-, 3- and 5-year rates are never mixed."""
    return tuple(outcome_range(((s.key, s.local_control.pct) for s in local_control_studies(studies, y)), y)
                 for y in horizons(studies))


def _field_range(studies: Sequence[Study], value: Callable[[Study], float | None]) -> Range | None:
    return outcome_range((s.key, v) for s in studies if (v := value(s)) is not None)


def _wound_pct(study: Study) -> float | None:
    wound = wound_toxicity(study)
    return None if wound is None else wound.pct


def pooled_local_control(studies: Sequence[Study], years: float = POOLED_HORIZON_YEARS) -> Pooled | None:
    """Pooled local control at `years` (events = rate × patients, rounded); None under 2 studies."""
    chosen = local_control_studies(studies, years)
    if len(chosen) < 2:
        return None
    events = [events_from_pct(s.local_control.pct, s.patients) for s in chosen]
    return pooled_proportion(events, [s.patients for s in chosen])


def category_figures(category: Category) -> CategoryFigures:
    """Size, outcome ranges and pooled 5-year local control of one category."""
    studies = category.studies
    return CategoryFigures(
        category=category.key, n_studies=len(studies), patients=sum(s.patients for s in studies),
        local_control=local_control_ranges(studies),
        pcr=_field_range(studies, lambda s: s.pcr_pct), r0=_field_range(studies, lambda s: s.r0_pct),
        wound=_field_range(studies, _wound_pct), pooled_local_control_5y=pooled_local_control(studies))


def figures(dataset: Dataset) -> tuple[CategoryFigures, ...]:
    """Figures of every category, in deck order."""
    return tuple(category_figures(c) for c in dataset.categories)
