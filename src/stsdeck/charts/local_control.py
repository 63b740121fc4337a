"""Forest plot of local control: each study with its Wilson interval, pooled estimates and prediction intervals."""

from __future__ import annotations

from typing import Any

from ..model import Category, Study
from ..synthesize import events_from_pct, rtct_patients, wilson_interval
from .canvas import SMALL, Canvas, horizon_name, number, percent
from .notes import blank_chart, excluded, noted_figure
from .render import percent_axis
from .rows import Row, grouped_rows, row_axis, row_label


def lc_point(study: Study) -> tuple[float, int] | None:
    """A study's local control and the patients of the RT-CT cohort it describes, if it is one."""
    rate = study.local_control
    n = None if rate is None else rtct_patients(study, rate.cohort)
    return None if rate is None or n is None else (rate.pct, n)


def draw(canvas: Canvas) -> tuple[Any, str]:
    """The local control chart of `canvas`, and its alt text."""
    pooled = {f.category: f.pooled_local_control_5y for f in canvas.category_figures}
    categories = canvas.dataset.categories
    groups = [(c, [s for s in c.studies if lc_point(s)], pooled.get(c.key) is not None) for c in categories]
    groups = [g for g in groups if g[1]]
    if (blank := blank_chart(canvas, "local_control", groups)) is not None:
        return blank
    left_out = [s for c in categories for s in c.studies if s.local_control is not None and not lc_point(s)]
    series = _shared(groups)
    figure = noted_figure(canvas, _lc_notes(canvas, left_out, series))
    rows = grouped_rows(groups)
    ax = figure.add_subplot()
    ks = {c.key: (pooled[c.key].k if pooled.get(c.key) else 0) for c, _, _ in groups}
    shared = _series_marks(canvas, series)
    row_axis(ax, rows, [row_label(canvas, r, ks[r.category.key], shared) for r in rows], canvas)
    tops = {r.category.key: r.y for r in rows if r.kind == "header"}
    low = min(_lc_row(ax, r, pooled.get(r.category.key), canvas, tops[r.category.key]) for r in rows)
    ax.set_xlim(max(0.0, (low // 10) * 10 - 2), 101)
    percent_axis(ax.xaxis)
    ax.set_xlabel(canvas.text("local_control", "x_label"))
    ax.text(1.01, 1.0, canvas.text("local_control", "value_header"), transform=ax.transAxes, ha="left",
            va="bottom", fontsize=SMALL + 1, fontweight="bold")
    _lc_legend(figure, canvas)
    return figure, _lc_alt(canvas, groups, pooled, left_out)


def _lc_notes(canvas: Canvas, left_out: list[Study], series: list[list[Study]]) -> list[str]:
    lines = [canvas.text("local_control", "method_note")]
    if left_out:
        lines.append(canvas.text("local_control", "excluded_note",
                                 studies=excluded(canvas, left_out, lambda s: s.local_control.cohort)))
    marks = _series_marks(canvas, series)
    lines += [canvas.text("local_control", "shared_note", mark=marks[members[0].key],
                          names=canvas.common("name_separator").join(s.name for s in members))
              for members in series]
    return lines


def _lc_row(ax: Any, row: Row, pooled: Any, canvas: Canvas, top: float) -> float:
    """Draw one row (point and Wilson CI, pooled diamond, prediction interval) and its value column;
    lowest x drawn."""
    colour = canvas.colour(row.category)
    if row.kind == "header":
        return 100.0
    if row.kind == "prediction":
        low, high = pooled.pi_low, pooled.pi_high
        ax.plot([low, high], [row.y, row.y], color=colour, lw=1.2, marker="|", ms=8, zorder=2)
        ax.text(1.01, row.y, canvas.common("range", low=number(low), high=percent(high)),
                transform=ax.get_yaxis_transform(), ha="left", va="center", fontsize=SMALL + 1)
        return low
    if row.kind == "pooled":
        value, low, high = pooled.estimate, pooled.ci_low, pooled.ci_high
        ax.fill([low, value, high, value], [row.y, row.y + 0.32, row.y, row.y - 0.32], color=colour, zorder=3)
        ax.plot([value, value], [row.y, top], color=colour, lw=0.8, ls=(0, (3, 3)), alpha=0.7, zorder=1)
    else:
        value, n = lc_point(row.study)
        low, high = (100 * p for p in wilson_interval(events_from_pct(value, n), n))
        ax.plot([low, high], [row.y, row.y], color=colour, lw=1.6, solid_capstyle="butt", zorder=2)
        ax.plot([value], [row.y], "o", color=colour, ms=6.5, mec="white", mew=0.8, zorder=3)
    ax.text(1.01, row.y, _value_ci(canvas, value, low, high), transform=ax.get_yaxis_transform(),
            ha="left", va="center", fontsize=SMALL + 1,
            fontweight="bold" if row.kind == "pooled" else "normal")
    return low


def _value_ci(canvas: Canvas, value: float, low: float, high: float) -> str:
    return f"{percent(value)} ({canvas.common('range', low=number(low), high=number(high))})"


def _lc_legend(figure: Any, canvas: Canvas) -> None:
    """The legend under the axes, outside the data."""
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=ink, marker="o", ms=6.5, mec="white", lw=1.6),
               Line2D([], [], color=ink, marker="D", ms=7, lw=0),
               Line2D([], [], color=ink, marker="|", ms=8, lw=1.2)]
    figure.legend(handles, [canvas.text("local_control", key) for key in
                            ("study_legend", "pooled_legend", "prediction_legend")],
                  loc="outside upper center", ncols=3)


def _lc_alt(canvas: Canvas, groups: list[tuple[Category, list[Study], bool]], pooled: dict[str, Any],
            left_out: list[Study]) -> str:
    studies = [canvas.text("local_control", "alt_study", name=horizon_name(canvas, s),
                           value=percent(s.local_control.pct), patients=lc_point(s)[1])
               for _, group, _ in groups for s in group]
    pools = [canvas.text("local_control", "alt_pooled", category=c.short_title, value=percent(p.estimate),
                         low=number(p.ci_low), high=number(p.ci_high), pi_low=number(p.pi_low),
                         pi_high=number(p.pi_high), k=p.k)
             for c in canvas.dataset.categories if (p := pooled.get(c.key)) is not None]
    return canvas.text("local_control", "alt", n=len(studies), studies=canvas.join(studies),
                       pooled=canvas.join(pools), method=canvas.text("local_control", "method_note"),
                       excluded=excluded(canvas, left_out, lambda s: s.local_control.cohort))


def _series_marks(canvas: Canvas, series: list[list[Study]]) -> dict[str, str]:
    """Each study of a series of possibly shared patients: the mark of its series (†, ‡…)."""
    marks = canvas.labels["common"]["shared_marks"]
    return {s.key: str(marks[index % len(marks)]) for index, members in enumerate(series) for s in members}


def _shared(groups: list[tuple[Category, list[Study], bool]]) -> list[list[Study]]:
    """The series of possibly shared patients with two studies or more in one category's rows."""
    series: dict[tuple[str, str], list[Study]] = {}
    for category, studies, _ in groups:
        for study in studies:
            if study.shared_patients:
                series.setdefault((category.key, study.shared_patients), []).append(study)
    return [members for members in series.values() if len(members) > 1]
