"""The « Données » panel: a category's computed figures as French lines, from the deck's labels."""

from __future__ import annotations

from typing import Any

from .labels import format_label
from .model import DeckInfo
from .synthesize import MIN_POOLED, CategoryFigures, Pooled, Range
from .typography import french

MEDIAN_FROM = 3  # a range of fewer studies names them instead of giving a median


def number(value: float, decimals: int = 1) -> str:
    """`value` with `decimals` decimals at most and a decimal comma."""
    text = f"{value:.{decimals}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")


def percent(value: float) -> str:
    """`value` as a French percentage."""
    return french(number(value) + " %")


def span(r: Range) -> str:
    """A range as « 77,8–93 % », or a single value."""
    if r.minimum == r.maximum:
        return percent(r.minimum)
    return f"{number(r.minimum)}–{percent(r.maximum)}"


def fill(info: DeckInfo, key: str, **values: Any) -> str:
    """The label `key` of deck.yaml with its {placeholders} replaced by `values`."""
    return format_label(info.label(key), **values)


def _studies(n: int, info: DeckInfo) -> str:
    return info.label("study_one" if n == 1 else "study_many")


def _names(names: tuple[str, ...], info: DeckInfo) -> str:
    return info.label("list_separator").join(names)


def _range_line(key: str, r: Range | None, info: DeckInfo) -> list[str]:
    if r is None:
        return []
    return [fill(info, key, range=span(r), n=r.n_studies, study_word=_studies(r.n_studies, info),
                 median=percent(r.median), years=_years(r.horizon_years), names=_names(r.names, info))]


def _years(years: float | None) -> str:
    return number(years) if years is not None else ""


def _local_control(r: Range, info: DeckInfo) -> list[str]:
    """A horizon's range with its median from MEDIAN_FROM studies, with the studies' names below."""
    return _range_line("figures_local_control" if r.n_studies >= MEDIAN_FROM else "figures_local_control_few",
                       r, info)


def _pooled(figures: CategoryFigures, info: DeckInfo) -> list[str]:
    """The pooled estimate and its prediction interval, or why there is none."""
    pooled = figures.pooled_local_control_5y
    if pooled is None:
        n = figures.independent_5y
        return [fill(info, "figures_not_pooled", n=n, study_word=_studies(n, info), minimum=MIN_POOLED)] if n else []
    return [fill(info, "figures_pooled", estimate=percent(pooled.estimate), low=number(pooled.ci_low),
                 high=percent(pooled.ci_high), k=pooled.k), _prediction(pooled, info)]


def _prediction(pooled: Pooled, info: DeckInfo) -> str:
    return fill(info, "figures_prediction", low=number(pooled.pi_low or 0), high=percent(pooled.pi_high or 0),
                tau2=number(pooled.tau2, 2), i2=percent(pooled.i2))


def _notes(figures: CategoryFigures, info: DeckInfo) -> list[str]:
    """Series counted once and values left out, named."""
    lines = [fill(info, "figures_shared", names=_names(s.names, info), kept=s.kept)
             for s in figures.shared]
    if figures.excluded:
        studies = [fill(info, "figures_excluded_study", name=e.name, role=info.label(f"role_{e.role}"),
                        cohort=e.cohort) for e in figures.excluded if f"role_{e.role}" in dict(info.labels)]
        lines += [fill(info, "figures_excluded", studies=_names(tuple(studies), info))] if studies else []
    return lines


def figure_lines(figures: CategoryFigures, info: DeckInfo) -> list[str]:
    """The panel's lines: size, local control per horizon, pooled estimate, pCR, R0, wounds, notes, method."""
    lines = [fill(info, "figures_studies", studies=figures.n_studies, patients=figures.patients,
                  study_word=_studies(figures.n_studies, info))]
    for r in figures.local_control:
        lines += _local_control(r, info)
    lines += _pooled(figures, info)
    for key, r in (("figures_pcr", figures.pcr), ("figures_r0", figures.r0), ("figures_wound", figures.wound)):
        lines += _range_line(key, r, info)
    lines += _notes(figures, info)
    lines.append(info.label("figures_method" if figures.pooled_local_control_5y else "figures_method_ranges"))
    return [french(line) for line in lines]
