"""Evidence map: every study by year and category, sized by patients, shaped by design."""

from __future__ import annotations

from typing import Any

from ..model import Study
from ..synthesize import population
from ..typography import french
from .canvas import MAX_NAMED, SMALL, Canvas, study_name
from .notes import empty_chart, noted_figure
from .render import number_axis

DESIGN_MARKERS = {"phase-1": "v", "phase-1-2": "^", "phase-2": "o", "randomized": "*",
                  "prospective": "s", "retrospective": "D"}
MAX_MARKER_AREA = 1100.0  # pt², the largest study of the evidence map


def draw(canvas: Canvas) -> tuple[Any, str]:
    """The evidence map of `canvas`, and its alt text."""
    dated = [s for s in canvas.dataset.studies if s.year is not None]
    missing = [s for s in canvas.dataset.studies if s.year is None]
    if not dated:
        return empty_chart(canvas, "evidence_map")
    notes = [canvas.text("evidence_map", "size_note")]
    notes += [canvas.text("evidence_map", "missing_note", names=", ".join(map(study_name, missing)))] if missing else []
    figure = noted_figure(canvas, notes)
    ax = figure.add_subplot()
    scale = MAX_MARKER_AREA / max(_size(s) for s in dated)
    _evidence_markers(ax, canvas, dated, scale)
    _evidence_axes(ax, canvas, dated)
    _evidence_legends(ax, canvas, dated, scale)
    return figure, _evidence_alt(canvas, dated, missing)


def _size(study: Study) -> int:
    """Patients of the cohort the study's values describe (its RT-CT arm), else of the whole study."""
    return population(study)[1] or study.patients


def _evidence_markers(ax: Any, canvas: Canvas, dated: list[Study], scale: float) -> None:
    """One marker per study: area ∝ patients, shape by design, colour by category, author's name."""
    rows = {c.key: -i for i, c in enumerate(canvas.dataset.categories)}
    offsets = _same_year_offsets(dated)
    above = _labels_above(dated, offsets)
    by_key = {c.key: c for c in canvas.dataset.categories}
    groups: dict[tuple[str, str], list[Study]] = {}  # one collection per colour and shape: fast on long lists
    for study in dated:
        groups.setdefault((study.category, DESIGN_MARKERS.get(study.design, "o")), []).append(study)
    for (category, marker), group in groups.items():
        ax.scatter([s.year for s in group], [rows[category] + offsets[s.key] for s in group],
                   s=[_size(s) * scale for s in group], marker=marker, color=canvas.colour(by_key[category]),
                   alpha=0.75, edgecolors="white", linewidths=0.8, zorder=3)
    for study in dated if len(dated) <= MAX_NAMED else ():
        y = rows[study.category] + offsets[study.key]
        shift = (_size(study) * scale) ** 0.5 * 0.71 + 1.5  # half-diagonal of a diamond marker
        ax.annotate(study.first_author, (study.year, y), xytext=(0, shift if above[study.key] else -shift),
                    textcoords="offset points", ha="center", va="bottom" if above[study.key] else "top",
                    fontsize=SMALL - 0.5, color=canvas.ink("muted", "#595959"))


def _same_year_offsets(studies: list[Study]) -> dict[str, float]:
    """Vertical offsets spreading studies of the same category and year."""
    groups: dict[tuple[str, int], list[Study]] = {}
    for study in studies:
        groups.setdefault((study.category, study.year), []).append(study)
    return {s.key: 0.26 * ((n - 1) / 2 - i) for group in groups.values()
            for n in [len(group)] for i, s in enumerate(group)}


def _labels_above(studies: list[Study], offsets: dict[str, float]) -> dict[str, bool]:
    """Whether each study's name goes above its marker: the upper one of a same-year pair, or the
    next study of a row when the previous one, a year or less before, has its name below."""
    above: dict[str, bool] = {}
    for category in dict.fromkeys(s.category for s in studies):
        row = sorted((s for s in studies if s.category == category), key=lambda s: (s.year, -offsets[s.key]))
        for previous, study in zip([None, *row], row):
            if offsets[study.key]:
                above[study.key] = offsets[study.key] > 0
            else:
                above[study.key] = (previous is not None and study.year - previous.year <= 1
                                    and not above[previous.key])
    return above


def _evidence_axes(ax: Any, canvas: Canvas, dated: list[Study]) -> None:
    from matplotlib.ticker import MultipleLocator

    categories = canvas.dataset.categories
    ax.set_yticks([-i for i in range(len(categories))], [c.short_title for c in categories])
    for tick, category in zip(ax.get_yticklabels(), categories):
        tick.set_color(canvas.colour(category))
        tick.set_fontweight("bold")
    ax.set_ylim(-len(categories) + 0.4, 0.6)
    years = [s.year for s in dated]
    ax.set_xlim(min(years) - 1.5, max(years) + 1.5)
    ax.xaxis.set_major_locator(MultipleLocator(2))
    number_axis(ax.xaxis)
    ax.set_xlabel(canvas.text("evidence_map", "x_label"))
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.grid(axis="x", color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    for i in range(len(categories)):
        if i % 2 == 0:
            ax.axhspan(-i - 0.5, -i + 0.5, color=canvas.ink("band_fill", "#EAF1F8"), zorder=0, lw=0)
    ax.set_axisbelow(True)


def _size_steps(largest: int) -> list[int]:
    """Round patient counts for the size legend, up to the largest study."""
    steps = [s for s in (20, 50, 100, 250, 500, 1000) if s <= largest]
    return steps[-3:] if len(steps) > 3 else steps


def _evidence_legends(ax: Any, canvas: Canvas, dated: list[Study], scale: float) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    designs = [d for d in DESIGN_MARKERS if any(s.design == d for s in dated)]
    names = canvas.labels["designs"]
    shapes = [Line2D([], [], color=ink, marker=DESIGN_MARKERS[d], ms=8, lw=0) for d in designs]
    first = ax.legend(shapes, [french(names.get(d, d)) for d in designs], loc="upper left",
                      bbox_to_anchor=(1.01, 1.0), title=canvas.text("evidence_map", "design_legend"),
                      alignment="left")
    ax.add_artist(first)
    steps = _size_steps(max(_size(s) for s in dated))
    sizes = [Line2D([], [], color=ink, marker="o", ms=(n * scale) ** 0.5, lw=0, alpha=0.6) for n in steps]
    ax.legend(sizes, [canvas.text("evidence_map", "size_legend", patients=n) for n in steps], loc="lower left",
              bbox_to_anchor=(1.01, 0.0), title=canvas.text("evidence_map", "size_title"), alignment="left",
              labelspacing=1.3, borderpad=0.8, handletextpad=1.2)


def _evidence_alt(canvas: Canvas, dated: list[Study], missing: list[Study]) -> str:
    per_category = [canvas.text("evidence_map", "alt_category", category=c.short_title, count=len(group),
                                patients=sum(_size(s) for s in group))
                    for c in canvas.dataset.categories if (group := [s for s in dated if s.category == c.key])]
    return canvas.text("evidence_map", "alt", n=len(dated), first=min(s.year for s in dated),
                       last=max(s.year for s in dated), min_patients=min(_size(s) for s in dated),
                       max_patients=max(_size(s) for s in dated), categories=canvas.join(per_category),
                       missing=len(missing), missing_names=canvas.join([study_name(s) for s in missing]))
