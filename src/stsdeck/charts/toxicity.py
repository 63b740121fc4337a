"""Toxicity: wound complications and acute toxicities per category, by grade class (strip plots)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Any

from ..model import Study, Toxicity
from ..synthesize import is_rtct
from ..typography import french
from .canvas import SMALL, Canvas, percent
from .notes import noted_figure
from .render import percent_axis

ACUTE_KINDS = ("skin", "haematologic")
WOUND = "wound"
KIND_MARKERS = {"skin": "o", "haematologic": "^", WOUND: "s"}
GRADE_CLASSES = ("severe", "any")  # grade ≥ 3 (filled markers), any or unstated grade (open markers)
SEVERE_GRADE = re.compile(r"\s*(?:≥\s*)?[345](?:\s*-\s*[45])?\s*")  # « ≥ 3 », « 3 », « 4 », « 3-4 »
MEDIAN_FROM = 3  # values needed before a strip plot shows its median


@dataclass(frozen=True)
class _Dot:
    """One value of the toxicity chart: a study's rate of one kind in one grade class."""

    value: float
    kind: str
    grade_class: str


def grade_class(grade: str) -> str | None:
    """« severe » for grade ≥ 3 (« ≥ 3 », « 3 », « 4 », « 3-4 »), « any » for an unstated grade, else None."""
    if not grade.strip():
        return "any"
    return "severe" if SEVERE_GRADE.fullmatch(grade) else None


def _class_rate(rates: list[Toxicity]) -> float:
    """One label's rate in one class: separately reported single grades (G3, G4) add up, else the highest."""
    grades = [t.grade.strip() for t in rates]
    single = all(g.isdigit() for g in grades) and len(set(grades)) == len(grades) > 1
    return sum(t.pct for t in rates) if single else max(t.pct for t in rates)


def toxicity_dots(study: Study, kinds: tuple[str, ...]) -> list[_Dot]:
    """The study's highest rate of each kind and grade class (RT-CT cohorts only, supportive care aside)."""
    dots = []
    for kind in kinds:
        for grade in GRADE_CLASSES:
            rates = [t for t in study.toxicity if t.kind == kind and grade_class(t.grade) == grade
                     and is_rtct(study, t.cohort)]
            labels = {t.label.lower() for t in rates}
            values = [_class_rate([t for t in rates if t.label.lower() == label]) for label in sorted(labels)]
            dots += [_Dot(max(values), kind, grade)] if values else []
    return dots


def _spread(values: list[float], step: float = 0.11, near: float = 2.5) -> list[float]:
    """Deterministic horizontal offsets so that close values do not hide each other (a small beeswarm)."""
    placed: list[tuple[float, float]] = []
    for value in values:
        for offset in (0.0, -step, step, -2 * step, 2 * step, -3 * step, 3 * step):
            if all(abs(offset - o) > step / 2 or abs(value - v) >= near for v, o in placed):
                break
        placed.append((value, offset))
    return [o for _, o in placed]


def draw(canvas: Canvas) -> tuple[Any, str]:
    """The toxicity chart of `canvas` (wound and acute panels), and its alt text."""
    figure = noted_figure(canvas, [canvas.text("toxicity", "note")])
    wound_ax, acute_ax = figure.subplots(1, 2, sharey=True)
    categories = canvas.dataset.categories
    wound = [[d for s in c.studies for d in toxicity_dots(s, (WOUND,))] for c in categories]
    acute = [[d for s in c.studies for d in toxicity_dots(s, ACUTE_KINDS)] for c in categories]
    _strip_panel(wound_ax, wound, canvas, canvas.text("toxicity", "wound_panel"), medians=True)
    _strip_panel(acute_ax, acute, canvas, canvas.text("toxicity", "acute_panel"), medians=False)
    wound_ax.set_ylabel(canvas.text("toxicity", "y_label"))
    wound_ax.set_xlabel(canvas.text("toxicity", "x_label"))
    acute_ax.set_xlabel(canvas.text("toxicity", "x_label"))
    _kind_legend(figure, canvas)
    alt = canvas.text("toxicity", "alt", wound=_strip_alt(canvas, wound), acute=_strip_alt(canvas, acute),
                      note=canvas.text("toxicity", "note").rstrip("."))
    return figure, alt


def _strip_panel(ax: Any, groups: list[list[_Dot]], canvas: Canvas, title: str, medians: bool) -> None:
    """One point per value, x = category; filled for grade ≥ 3, open otherwise; with `medians` (one kind
    of toxicity only), a median bar per grade class from MEDIAN_FROM values."""
    categories = canvas.dataset.categories
    for x, (category, dots) in enumerate(zip(categories, groups)):
        colour = canvas.colour(category)
        ordered = sorted(dots, key=lambda d: (d.value, d.kind, d.grade_class))
        for dot, offset in zip(ordered, _spread([d.value for d in ordered])):
            face = colour if dot.grade_class == "severe" else "white"
            ax.plot([x + offset], [dot.value], KIND_MARKERS[dot.kind], color=colour, mfc=face, mec=colour,
                    ms=8, mew=1.4, alpha=0.9, zorder=3)
        if not dots:
            ax.text(x, 1.5, canvas.text("toxicity", "empty"), ha="center", va="bottom", fontsize=SMALL,
                    color=canvas.ink("muted", "#595959"))
        for grade in GRADE_CLASSES if medians else ():
            _median_bar(ax, x, [d.value for d in dots if d.grade_class == grade], colour, canvas, grade)
    ax.set_xticks(range(len(categories)), [c.short_title for c in categories])
    ax.set_xlim(-0.6, len(categories) - 0.4)
    ax.set_ylim(0, 100)
    percent_axis(ax.yaxis)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


def _median_bar(ax: Any, x: float, values: list[float], colour: str, canvas: Canvas, grade: str) -> None:
    if len(values) < MEDIAN_FROM:
        return
    middle = median(values)
    ax.plot([x - 0.3, x + 0.3], [middle, middle], color=colour, lw=2, zorder=2, solid_capstyle="butt",
            ls="-" if grade == "severe" else (0, (2, 1.5)))
    ax.text(x + 0.32, middle, canvas.text("toxicity", "median", value=percent(middle)), va="center",
            fontsize=SMALL, color=colour)


def _kind_legend(figure: Any, canvas: Canvas) -> None:
    """Shapes by kind, fill by grade class: one legend under the panels, outside the data."""
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    kinds = canvas.labels["charts"]["toxicity"]["kinds"]
    classes = canvas.labels["charts"]["toxicity"]["grade_classes"]
    handles = [Line2D([], [], color=ink, marker=KIND_MARKERS[k], ms=8, lw=0) for k in (WOUND, *ACUTE_KINDS)]
    handles += [Line2D([], [], color=ink, marker="o", ms=8, lw=0, mfc=ink if g == "severe" else "white", mew=1.4)
                for g in GRADE_CLASSES]
    labels = [french(kinds[k]) for k in (WOUND, *ACUTE_KINDS)] + [french(classes[g]) for g in GRADE_CLASSES]
    figure.legend(handles, labels, loc="outside upper center", ncols=len(labels))


def _strip_alt(canvas: Canvas, groups: list[list[_Dot]]) -> str:
    parts = []
    for category, dots in zip(canvas.dataset.categories, groups):
        values = [d.value for d in dots]
        if len(values) > 1:
            parts.append(canvas.text("toxicity", "alt_category", category=category.short_title,
                                     count=len(values), low=percent(min(values)), high=percent(max(values)),
                                     severe=sum(d.grade_class == "severe" for d in dots)))
        elif values:
            parts.append(canvas.text("toxicity", "alt_single", category=category.short_title,
                                     value=percent(values[0])))
        else:
            parts.append(canvas.text("toxicity", "alt_empty", category=category.short_title))
    return canvas.join(parts)
