"""Pathological response: each study's pCR and major response rates, by category."""

from __future__ import annotations

from typing import Any

from ..model import Study
from ..synthesize import is_rtct
from .canvas import SMALL, Canvas, percent, study_name
from .notes import blank_chart, excluded, noted_figure
from .render import percent_axis
from .rows import Row, grouped_rows, row_axis, row_label


def _pcr(study: Study) -> float | None:
    """The study's pCR rate when its values describe an RT-CT cohort."""
    return study.pcr_pct if is_rtct(study) else None


def _major(study: Study) -> Any:
    """The study's major response when it describes an RT-CT cohort."""
    major = study.major_response
    return major if major is not None and is_rtct(study, major.cohort) else None


def draw(canvas: Canvas) -> tuple[Any, str]:
    """The pathological response chart of `canvas`, and its alt text."""
    categories = canvas.dataset.categories
    groups = [(c, [s for s in c.studies if _pcr(s) is not None or _major(s)], False) for c in categories]
    groups = [g for g in groups if g[1]]
    if (blank := blank_chart(canvas, "pathological_response", groups)) is not None:
        return blank
    left_out = [s for c in categories for s in c.studies if (s.pcr_pct is not None or s.major_response)
                and _pcr(s) is None and not _major(s)]
    notes = [canvas.text("pathological_response", "method_note")]
    if left_out:
        notes.append(canvas.text("pathological_response", "excluded_note", studies=excluded(canvas, left_out)))
    rows = grouped_rows(groups)
    figure = noted_figure(canvas, notes)
    ax = figure.add_subplot()
    row_axis(ax, rows, [row_label(canvas, r, 0) if r.kind == "header" else study_name(r.study)
                         for r in rows], canvas)
    values = [v for _, group, _ in groups for s in group for v in (_pcr(s), _major(s) and _major(s).pct) if v]
    width = max(50.0, max(values) * 1.45)
    ax.set_xlim(0, width)
    for row in rows:
        _response_row(ax, row, canvas, width * 0.08)
    percent_axis(ax.xaxis)
    ax.set_xlabel(canvas.text("pathological_response", "x_label"))
    _response_legend(figure, canvas)
    return figure, _response_alt(canvas, [s for _, group, _ in groups for s in group], left_out)


def _response_row(ax: Any, row: Row, canvas: Canvas, near: float) -> None:
    """Draw a study's pCR (circle) and major response (diamond) with their values; a value closer than
    `near` to the next point has its label on its left."""
    if row.kind != "study":
        return
    colour, study = canvas.colour(row.category), row.study
    points = []
    if (pcr := _pcr(study)) is not None:
        points.append((pcr, "o", "white", percent(pcr)))
    if major := _major(study):
        points.append((major.pct, "D", colour, canvas.text("pathological_response", "major_point",
                                                          value=percent(major.pct), threshold=major.threshold)))
    ax.plot([0, max(p[0] for p in points)], [row.y, row.y], color=colour, lw=0.6, alpha=0.5, zorder=1)
    for index, (value, marker, face, label) in enumerate(points):
        crowded = any(0 <= other[0] - value < near for other in points[index + 1:])
        ax.plot([value], [row.y], marker, color=colour, mfc=colour if marker == "o" else face,
                mec=colour if marker == "o" else "white", ms=7 if marker == "o" else 8.5, zorder=3)
        ax.annotate(label, (value, row.y), xytext=(-7 if crowded else 7, 0), textcoords="offset points",
                    va="center", ha="right" if crowded else "left", fontsize=SMALL + 0.5,
                    color=canvas.ink("text", "#1A1A1A"))


def _response_legend(figure: Any, canvas: Canvas) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=ink, marker="o", ms=7, lw=0),
               Line2D([], [], color=ink, marker="D", ms=8.5, lw=0, mec="white")]
    figure.legend(handles, [canvas.text("pathological_response", "pcr"),
                            canvas.text("pathological_response", "major")], loc="outside upper center", ncols=2)


def _response_alt(canvas: Canvas, studies: list[Study], left_out: list[Study]) -> str:
    pcr = [canvas.text("pathological_response", "alt_pcr", name=study_name(s), value=percent(v))
           for s in studies if (v := _pcr(s)) is not None]
    major = [canvas.text("pathological_response", "alt_major", name=study_name(s),
                         value=percent(m.pct), threshold=m.threshold) for s in studies if (m := _major(s))]
    return canvas.text("pathological_response", "alt", n=len(studies), pcr=canvas.join(pcr),
                       major=canvas.join(major), method=canvas.text("pathological_response", "method_note"),
                       excluded=excluded(canvas, left_out))
