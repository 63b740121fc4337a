"""Local control against EQD2: each study at its course's span of doses, with the conditional boost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Category, Study
from ..radiobiology import Course, course_eqd2
from ..synthesize import POOLED_HORIZON_YEARS
from .canvas import MAX_NAMED, Canvas, horizon_name, number, percent
from .local_control import lc_point
from .notes import empty_chart, excluded, noted_figure
from .placement import MARKER_PT, dodged, place_labels, shifted_transform
from .render import number_axis, percent_axis


@dataclass(frozen=True)
class Dose:
    """A study drawn on the EQD2 chart: its local control, its course and its sideways shift (points)."""

    study: Study
    course: Course
    dx: float = 0.0

    @property
    def x(self) -> float:
        """Where the marker stands: the middle of the course's span of doses."""
        return (self.course.low + self.course.high) / 2

    @property
    def y(self) -> float:
        return self.study.local_control.pct


def _eqd2_studies(canvas: Canvas, alpha_beta: float) -> tuple[list[Dose], list[str]]:
    """The studies drawn (an RT-CT local control and a computable course), and those left out, named
    with the reason."""
    drawn, left_out = [], []
    for study in canvas.dataset.studies:
        if study.local_control is None:
            continue
        course = course_eqd2(study.radiotherapy, alpha_beta)
        if lc_point(study) is None:
            left_out.append(excluded(canvas, [study], lambda s: s.local_control.cohort))
        elif course is None:
            reason = canvas.text("lc_vs_eqd2", "no_fractionation" if study.radiotherapy else "no_schedule")
            left_out.append(canvas.common("excluded_reason", name=study.name, reason=reason))
        else:
            drawn.append(Dose(study, course))
    return drawn, left_out


def draw(canvas: Canvas) -> tuple[Any, str]:
    """The local control against EQD2 chart of `canvas`, and its alt text."""
    alpha_beta = float(canvas.labels["alpha_beta_gy"])
    doses, left_out = _eqd2_studies(canvas, alpha_beta)
    note = canvas.note("alpha_beta", alpha_beta=number(alpha_beta))
    if not doses:
        return empty_chart(canvas, "lc_vs_eqd2")
    boosts = [d.study.name for d in doses if d.course.boost_left_out]
    notes = [note, canvas.note("assumption")]
    notes += [canvas.text("lc_vs_eqd2", "left_out_note", studies=canvas.join(left_out))] if left_out else []
    notes += [canvas.text("lc_vs_eqd2", "boost_note", studies=canvas.join(boosts))] if boosts else []
    figure = noted_figure(canvas, notes)
    ax = figure.add_subplot()
    by_key = {c.key: c for c in canvas.dataset.categories}
    _eqd2_axes(ax, canvas, doses)
    _eqd2_legend(ax, canvas, [by_key[k] for k in dict.fromkeys(d.study.category for d in doses)])
    doses = dodged(ax, figure, doses)
    for dose in doses:
        _eqd2_point(ax, figure, dose, canvas.colour(by_key[dose.study.category]))
    if len(doses) <= MAX_NAMED:
        place_labels(ax, figure, canvas, doses)
    return figure, _eqd2_alt(canvas, doses, note, left_out)


def _eqd2_point(ax: Any, figure: Any, dose: Dose, colour: str) -> None:
    """The marker (filled at 5 years, open at another horizon, white-edged so that neighbours stay
    apart), the span of the course's doses (solid) and the conditional boost (dotted)."""
    course, five = dose.course, dose.study.local_control.years == POOLED_HORIZON_YEARS
    where = shifted_transform(ax, figure, dose.dx)
    if course.high > course.low:
        ax.plot([course.low, course.high], [dose.y, dose.y], color=colour, lw=1.6, transform=where, zorder=2)
    if course.boosted is not None:
        ax.plot([course.high, course.boosted], [dose.y, dose.y], color=colour, lw=1.2, ls=(0, (1.5, 1.5)),
                transform=where, zorder=2)
    ax.plot([dose.x], [dose.y], "o", ms=MARKER_PT + (1 if five else 0), color=colour,
            mfc=colour if five else "white", mec="white" if five else colour, mew=1.0 if five else 1.8,
            transform=where, zorder=3 if five else 4)


def _eqd2_axes(ax: Any, canvas: Canvas, doses: list[Dose]) -> None:
    lows = [d.course.low for d in doses]
    highs = [d.course.boosted or d.course.high for d in doses]
    values = [d.y for d in doses]
    ax.set_xlim((min(lows) // 5) * 5 - 2.5, max(highs) + 7)
    ax.set_ylim(max(0.0, (min(values) // 10) * 10 - 5), 101)
    number_axis(ax.xaxis)
    percent_axis(ax.yaxis)
    ax.set_xlabel(canvas.text("lc_vs_eqd2", "x_label"))
    ax.set_ylabel(canvas.text("lc_vs_eqd2", "y_label"))
    ax.grid(color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


def _eqd2_legend(ax: Any, canvas: Canvas, categories: list[Category]) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=canvas.colour(c), marker="o", ms=MARKER_PT, lw=0) for c in categories]
    handles += [Line2D([], [], color=ink, marker="o", ms=MARKER_PT, lw=0),
                Line2D([], [], color=ink, marker="o", ms=MARKER_PT, mfc="white", mew=1.8, lw=0),
                Line2D([], [], color=ink, lw=1.6), Line2D([], [], color=ink, lw=1.2, ls=(0, (1.5, 1.5)))]
    labels = [c.short_title for c in categories] + [canvas.text("lc_vs_eqd2", key) for key in
                                                     ("five_years", "other_horizon", "span", "boost")]
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _eqd2_alt(canvas: Canvas, doses: list[Dose], note: str, left_out: list[str]) -> str:
    studies = [canvas.text("lc_vs_eqd2", "alt_study", name=horizon_name(canvas, d.study), eqd2=_span(d.course),
                           value=percent(d.y)) for d in doses]
    return canvas.text("lc_vs_eqd2", "alt", n=len(doses), min_eqd2=number(min(d.course.low for d in doses)),
                       max_eqd2=number(max(d.course.high for d in doses)), min_lc=percent(min(d.y for d in doses)),
                       max_lc=percent(max(d.y for d in doses)), note=note.rstrip("."),
                       assumption=canvas.note("assumption").rstrip("."), studies=canvas.join(studies),
                       left_out=canvas.join(left_out))


def _span(course: Course) -> str:
    if course.high == course.low:
        return number(course.low)
    return f"{number(course.low)}–{number(course.high)}"
