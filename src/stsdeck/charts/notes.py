"""Notes under a chart, the studies it leaves out, and the notice it becomes with nothing to show."""

from __future__ import annotations

from typing import Any

from ..model import Category, Study
from ..synthesize import population
from ..typography import french
from .canvas import FONT_SIZE, MAX_ROWS, SMALL, Canvas
from .render import new_figure


def empty_chart(canvas: Canvas, key: str, reason: str = "no_data") -> tuple[Any, str]:
    """A blank chart saying why it has nothing to show (no data, too many studies), and its alt text."""
    figure = new_figure(canvas)
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, canvas.common(reason, limit=MAX_ROWS), ha="center", va="center", transform=ax.transAxes,
            fontsize=FONT_SIZE + 2, color=canvas.ink("muted", "#595959"))
    return figure, canvas.common(f"{reason}_alt", title=canvas.text(key, "title"), limit=MAX_ROWS)


def blank_chart(canvas: Canvas, key: str, groups: list[tuple[Category, list[Study], bool]]) -> tuple[Any, str] | None:
    """The notice chart a per-study chart becomes with no study, or with too many to read; else None."""
    if not groups:
        return empty_chart(canvas, key)
    if sum(len(studies) for _, studies, _ in groups) > MAX_ROWS:
        return empty_chart(canvas, key, "too_many")
    return None


def _note(figure: Any, lines: list[str], canvas: Canvas) -> None:
    figure.text(0.01, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=SMALL,
                color=canvas.ink("muted", "#595959"), linespacing=1.4)


def _wrapped(lines: list[str], canvas: Canvas) -> list[str]:
    """Note lines wrapped to the figure's width (an average glyph is about half the font size wide)."""
    import textwrap

    width = int(canvas.size[0] * 72 / (SMALL * 0.5))
    return [part for line in lines for part in textwrap.wrap(line, width, break_on_hyphens=False)]


def noted_figure(canvas: Canvas, lines: list[str]) -> Any:
    """A figure keeping room at the bottom for `lines` of notes, which it shows."""
    lines = _wrapped(lines, canvas)
    figure = new_figure(canvas, bottom=(len(lines) * SMALL * 1.4 + 6) / (canvas.size[1] * 72))
    _note(figure, lines, canvas)
    return figure


def excluded(canvas: Canvas, studies: list[Study], cohort: Any = lambda s: "") -> str:
    """The studies whose value describes no RT-CT cohort, named with the cohort it describes."""
    roles = canvas.labels["common"]["roles"]
    named = []
    for study in studies:
        role, label = population(study, cohort(study))[0], cohort(study) or study.arm
        named.append(canvas.common("excluded_study", name=study.name, role=french(str(roles.get(role, role))),
                                   cohort=label))
    return canvas.join(named)
