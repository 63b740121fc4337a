"""The « Données » panel: a category's computed figures as French lines, from the deck's labels."""

from __future__ import annotations

from .labels import format_label
from .model import DeckInfo
from .synthesize import CategoryFigures, Range
from .typography import french


def number(value: float) -> str:
    """`value` with one decimal at most and a decimal comma."""
    return f"{value:.1f}".removesuffix(".0").replace(".", ",")


def percent(value: float) -> str:
    """`value` as a French percentage."""
    return french(number(value) + " %")


def span(r: Range) -> str:
    """A range as « 77,8–93 % », or a single value."""
    if r.minimum == r.maximum:
        return percent(r.minimum)
    return f"{number(r.minimum)}–{percent(r.maximum)}"


def _studies(n: int, info: DeckInfo) -> str:
    return info.label("study_one" if n == 1 else "study_many")


def _range_line(key: str, r: Range | None, info: DeckInfo) -> list[str]:
    if r is None:
        return []
    return [format_label(info.label(key), range=span(r), n=r.n_studies, study_word=_studies(r.n_studies, info),
                         median=percent(r.median), years=_years(r.horizon_years))]


def _years(years: float | None) -> str:
    return number(years) if years is not None else ""


def figure_lines(figures: CategoryFigures, info: DeckInfo) -> list[str]:
    """The panel's lines: size, local control per horizon, pooled estimate, pCR, R0, wounds."""
    lines = [format_label(info.label("figures_studies"), studies=figures.n_studies, patients=figures.patients,
                          study_word=_studies(figures.n_studies, info))]
    for r in figures.local_control:
        lines += _range_line("figures_local_control", r, info)
    pooled = figures.pooled_local_control_5y
    if pooled is not None:
        lines.append(format_label(info.label("figures_pooled"), estimate=percent(pooled.estimate),
                                  low=number(pooled.ci_low), high=percent(pooled.ci_high), i2=percent(pooled.i2)))
    for key, r in (("figures_pcr", figures.pcr), ("figures_r0", figures.r0), ("figures_wound", figures.wound)):
        lines += _range_line(key, r, info)
    if pooled is not None:
        lines.append(info.label("figures_method"))
    return [french(line) for line in lines]
