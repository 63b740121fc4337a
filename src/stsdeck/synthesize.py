"""Figures of a Dataset: RT-CT arm counts, outcome ranges, Wilson intervals and pooled proportions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from statistics import median
from typing import Any

from .model import Category, Dataset, Study, Toxicity

# Random effects on the logit scale: Paule-Mandel tau² (statsmodels' "pm", truncated at 0), a
# Hartung-Knapp-Sidik-Jonkman interval with t on k - 1 df never narrower than the t interval of the
# random-effects standard error (the max(1, q) modification), a Higgins-Thompson-Spiegelhalter
# prediction interval with t on k - 2 df. The README's « Méthodes » section says why.
POOLING_METHOD = "pm"
MIN_POOLED = 3  # fewer independent studies: the range is given, no pooled estimate
CONTINUITY = 0.5  # added to events and non-events of a study at 0 % or 100 %
POOLED_HORIZON_YEARS = 5.0
WOUND = "wound"
RTCT = "rtct"  # the role of a cohort treated by RT-CT: the only one counted, ranged and pooled
FIGURE_FIELDS = ("first_author", "year", "patients", "cohorts", "arm", "shared_patients", "local_control",
                 "pcr_pct", "r0_pct", "toxicity")  # the Study fields figures read


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
    names: tuple[str, ...] = ()  # the studies' names, in deck order


@dataclass(frozen=True)
class Pooled:
    """Random-effects pooled proportion (logit scale), back-transformed to %."""

    estimate: float
    ci_low: float
    ci_high: float
    i2: float
    pi_low: float | None
    pi_high: float | None
    k: int
    patients: int
    tau2: float
    names: tuple[str, ...] = ()  # the pooled studies' names


@dataclass(frozen=True)
class Exclusion:
    """Values of a study left out of the figures: they describe a cohort that is not an RT-CT arm."""

    name: str
    role: str
    cohort: str


@dataclass(frozen=True)
class SharedSeries:
    """Studies that may report the same patients (`names`, in deck order): only `kept` is counted."""

    kept: str
    names: tuple[str, ...]


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
    independent_5y: int = 0  # independent studies with an RT-CT local control at 5 years
    shared: tuple[SharedSeries, ...] = ()
    excluded: tuple[Exclusion, ...] = ()

    def local_control_at(self, years: float) -> Range | None:
        """The local-control range at horizon `years`, if any study reports it."""
        return next((r for r in self.local_control if r.horizon_years == years), None)


# --- arms and cohorts ----------------------------------------------------------------------------------

def population(study: Study, cohort: str = "") -> tuple[str, int | None]:
    """(role, patients) of the cohort a value describes: `cohort`, else the study's arm, else the
    whole study (an RT-CT cohort); a cohort the study does not list has no role."""
    label = cohort or study.arm
    if not label:
        return RTCT, study.patients
    found = next((c for c in study.cohorts if c.label == label), None)
    return ("", None) if found is None else (found.role, found.patients)


def rtct_patients(study: Study, cohort: str = "") -> int | None:
    """Patients of the RT-CT cohort a value describes, None when it is not an RT-CT cohort of known size."""
    role, patients = population(study, cohort)
    return patients if role == RTCT else None


def is_rtct(study: Study, cohort: str = "") -> bool:
    """Whether a value describes an RT-CT cohort (the study's arm, or the cohort it names)."""
    return population(study, cohort)[0] == RTCT


def exclusions(studies: Iterable[Study]) -> tuple[Exclusion, ...]:
    """Each study's cohorts whose values the figures leave out (comparators, subgroups, mixed cohorts)."""
    found: list[Exclusion] = []
    for study in studies:
        labels = [study.arm, study.local_control.cohort if study.local_control else "",
                  *(t.cohort for t in study.toxicity if t.kind == WOUND)]
        for label in dict.fromkeys(label or study.arm for label in labels):
            if not is_rtct(study, label):
                found.append(Exclusion(study.name, population(study, label)[0], label))
    return tuple(found)


def independent(studies: Sequence[Study], size: Callable[[Study], int]) -> tuple[Study, ...]:
    """`studies` keeping, of each series of possibly shared patients, the largest one (then the latest)."""
    best: dict[str, Study] = {}
    for study in studies:
        series = study.shared_patients
        if series and (series not in best or _rank(study, size) > _rank(best[series], size)):
            best[series] = study
    return tuple(s for s in studies if not s.shared_patients or best[s.shared_patients] is s)


def _rank(study: Study, size: Callable[[Study], int]) -> tuple[int, int, str]:
    return size(study), study.year or 0, study.key


def shared_series(studies: Sequence[Study]) -> tuple[SharedSeries, ...]:
    """The category's series of possibly shared patients, each with the study counted."""
    counted = [s for s in studies if rtct_patients(s) is not None]
    groups: dict[str, list[Study]] = {}
    for study in counted:
        if study.shared_patients:
            groups.setdefault(study.shared_patients, []).append(study)
    kept = {s.shared_patients: s for s in independent(counted, _arm_size) if s.shared_patients}
    return tuple(SharedSeries(kept[series].name, tuple(s.name for s in members))
                 for series, members in groups.items() if len(members) > 1)


def _arm_size(study: Study) -> int:
    return rtct_patients(study) or 0


def counted_patients(studies: Sequence[Study]) -> int:
    """RT-CT patients of the studies, a series of possibly shared patients counted once (its largest)."""
    counted = [s for s in studies if rtct_patients(s) is not None]
    return sum(_arm_size(s) for s in independent(counted, _arm_size))


# --- intervals and pooling -----------------------------------------------------------------------------

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
    """Random-effects pooled proportion of logits (statsmodels' combine_effects, Paule-Mandel tau²),
    its modified Hartung-Knapp-Sidik-Jonkman CI, I² and prediction interval; MIN_POOLED studies or more."""
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    if len(events) != len(totals) or len(events) < MIN_POOLED:
        raise ValueError(f"need as many events as totals, for {MIN_POOLED} studies or more")
    effects, variances = zip(*(logit_effect(e, n) for e, n in zip(events, totals)))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = combine_effects(np.array(effects), np.array(variances), method_re=POOLING_METHOD, use_t=True,
                                 alpha=1 - level)
    return _pooled(result, len(effects), sum(totals), level)


def _pooled(result: Any, k: int, patients: int, level: float) -> Pooled:
    from scipy import stats

    _, ci_re, _, ci_hksj = result.conf_int(alpha=1 - level, use_t=True)
    low, high = min(ci_re[0], ci_hksj[0]), max(ci_re[1], ci_hksj[1])  # never narrower than t × SE(RE)
    mean, tau2 = float(result.mean_effect_re), max(0.0, float(result.tau2))
    se = (high - low) / 2 / stats.t.ppf((1 + level) / 2, k - 1)
    half = stats.t.ppf((1 + level) / 2, k - 2) * math.sqrt(tau2 + se * se)
    i2 = float(result.i2) * 100 if math.isfinite(result.i2) else 0.0
    return Pooled(_percent(mean), _percent(low), _percent(high), max(0.0, i2), _percent(mean - half),
                  _percent(mean + half), k, patients, tau2)


def _percent(logit: float) -> float:
    return 100 / (1 + math.exp(-logit))


def _check_count(events: int, n: int) -> None:
    if n <= 0 or not 0 <= events <= n:
        raise ValueError(f"need 0 <= events <= n and n > 0, got {events}/{n}")


def events_from_pct(pct: float, patients: int) -> int:
    """Number of patients a percentage stands for, rounded half up."""
    return math.floor(pct / 100 * patients + 0.5)


# --- ranges --------------------------------------------------------------------------------------------

def outcome_range(points: Iterable[tuple[Study, float]], horizon_years: float | None = None) -> Range | None:
    """Min, max, median of (study, value) points and the keys at min and max; None if empty."""
    points = tuple((s, float(v)) for s, v in points)
    if not points:
        return None
    values = [v for _, v in points]
    low, high = min(values), max(values)
    return Range(low, high, median(values), len(points), horizon_years,
                 tuple(s.key for s, v in points if v == low), tuple(s.key for s, v in points if v == high),
                 tuple(s.name for s, _ in points))


def local_control_studies(studies: Iterable[Study], years: float | None = None) -> tuple[Study, ...]:
    """Studies with the local control of an RT-CT cohort, at horizon `years` only unless it is None."""
    return tuple(s for s in studies if s.local_control is not None
                 and rtct_patients(s, s.local_control.cohort) is not None
                 and (years is None or s.local_control.years == years))


def horizons(studies: Iterable[Study]) -> tuple[float, ...]:
    """Distinct local-control horizons of the studies, ascending."""
    return tuple(sorted({s.local_control.years for s in local_control_studies(studies)}))


def wound_toxicity(study: Study) -> Toxicity | None:
    """The study's highest wound-complication rate of an RT-CT cohort (Toxicity.kind == "wound"), if any."""
    wounds = [t for t in study.toxicity if t.kind == WOUND and is_rtct(study, t.cohort)]
    return max(wounds, key=lambda t: t.pct) if wounds else None


def local_control_ranges(studies: Sequence[Study]) -> tuple[Range, ...]:
    """One local-control range per horizon: 2-, 3- and 5-year rates are never mixed."""
    return tuple(outcome_range(((s, s.local_control.pct) for s in local_control_studies(studies, y)), y)
                 for y in horizons(studies))


def _field_range(studies: Sequence[Study], value: Callable[[Study], float | None]) -> Range | None:
    return outcome_range((s, v) for s in studies if is_rtct(s) and (v := value(s)) is not None)


def _wound_pct(study: Study) -> float | None:
    wound = wound_toxicity(study)
    return None if wound is None else wound.pct


def pooling_studies(studies: Sequence[Study], years: float = POOLED_HORIZON_YEARS) -> tuple[Study, ...]:
    """The independent studies with an RT-CT local control at `years`: one per series of shared patients."""
    return independent(local_control_studies(studies, years), lambda s: rtct_patients(s, s.local_control.cohort) or 0)


def pooled_local_control(studies: Sequence[Study], years: float = POOLED_HORIZON_YEARS) -> Pooled | None:
    """Pooled local control at `years` of the RT-CT arms (events = rate × arm patients, rounded);
    None under MIN_POOLED independent studies."""
    chosen = pooling_studies(studies, years)
    if len(chosen) < MIN_POOLED:
        return None
    totals = [rtct_patients(s, s.local_control.cohort) or 0 for s in chosen]
    events = [events_from_pct(s.local_control.pct, n) for s, n in zip(chosen, totals)]
    return replace(pooled_proportion(events, totals), names=tuple(s.name for s in chosen))


def category_figures(category: Category) -> CategoryFigures:
    """Size, outcome ranges and pooled 5-year local control of one category."""
    studies = category.studies
    return CategoryFigures(
        category=category.key, n_studies=len(studies), patients=counted_patients(studies),
        local_control=local_control_ranges(studies),
        pcr=_field_range(studies, lambda s: s.pcr_pct), r0=_field_range(studies, lambda s: s.r0_pct),
        wound=_field_range(studies, _wound_pct), pooled_local_control_5y=pooled_local_control(studies),
        independent_5y=len(pooling_studies(studies)), shared=shared_series(studies), excluded=exclusions(studies))


def figures(dataset: Dataset) -> tuple[CategoryFigures, ...]:
    """Figures of every category, in deck order."""
    return tuple(category_figures(c) for c in dataset.categories)
