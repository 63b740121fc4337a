"""Charts of a Dataset (local control, pathological response, toxicity, evidence, EQD2) as PNG and SVG bytes."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from .labels import format_label
from .model import Category, Dataset, Study, Toxicity
from .radiobiology import Course, course_eqd2
from .synthesize import (POOLED_HORIZON_YEARS, events_from_pct, figures, is_rtct, population, rtct_patients,
                         wilson_interval)
from .typography import NBSP, french

KEYS = ("local_control", "pathological_response", "toxicity", "evidence_map", "lc_vs_eqd2")
DPI = 200
FONT_SIZE = 12.0
SMALL = 10.0
# Category colours after the theme's primary and accent: distinct hues, readable on white.
FALLBACK_PALETTE = ("#1F4E79", "#C55A11", "#009E73", "#7B3F98", "#0072B2", "#CC79A7", "#8C6D1F")
DESIGN_MARKERS = {"phase-1": "v", "phase-1-2": "^", "phase-2": "o", "randomized": "*",
                  "prospective": "s", "retrospective": "D"}
ACUTE_KINDS = ("skin", "haematologic")
WOUND = "wound"
KIND_MARKERS = {"skin": "o", "haematologic": "^", WOUND: "s"}
GRADE_CLASSES = ("severe", "any")  # grade ≥ 3 (filled markers), any or unstated grade (open markers)
SEVERE_GRADE = re.compile(r"\s*(?:≥\s*)?[345](?:\s*-\s*[45])?\s*")  # « ≥ 3 », « 3 », « 4 », « 3-4 »
MEDIAN_FROM = 3  # values needed before a strip plot shows its median
MAX_MARKER_AREA = 1100.0  # pt², the largest study of the evidence map
MARKER_PT = 9.0  # marker size of the EQD2 chart
OVERLAP = 0.65  # markers closer than this fraction of their size are moved apart sideways
DODGE_STEPS = tuple(k for n in range(7) for k in ((n, -n) if n else (0,)))  # 0, 1, -1, … 6, -6 marker steps
ARM = ("patients", "cohorts", "arm")  # the Study fields that say which patients a value belongs to
USES_FIGURES = ("local_control",)  # the charts that read the categories' figures (pooled estimates)
CHART_FIELDS = {  # the Study fields each chart draws, besides which study it is and where it stands
    "local_control": ("first_author", "year", *ARM, "shared_patients", "local_control"),
    "pathological_response": ("first_author", "year", *ARM, "pcr_pct", "major_response"),
    "toxicity": (*ARM, "toxicity"),
    "evidence_map": ("first_author", "year", *ARM, "design"),
    "lc_vs_eqd2": ("first_author", "year", *ARM, "local_control", "radiotherapy"),
}
MAX_ROWS = 45  # a chart with one row per study stays readable up to this many studies
MAX_NAMED = 45  # points are labelled with their study's name up to this many


@dataclass(frozen=True)
class Chart:
    """One rendered chart: key, French title and alt text, PNG (for the PPTX) and SVG (for the PDF)."""

    key: str
    title: str
    alt: str
    png: bytes
    svg: bytes


@dataclass(frozen=True)
class _Canvas:
    """What every chart needs: data, labels, colours and figure size."""

    dataset: Dataset
    labels: dict[str, Any]
    colors: dict[str, str]
    size: tuple[float, float]
    category_figures: tuple[Any, ...]

    def text(self, chart: str, key: str, **values: Any) -> str:
        """The French label `key` of `chart`, formatted with `values`."""
        return french(format_label(str(self.labels["charts"][chart][key]), **values))

    def common(self, key: str, **values: Any) -> str:
        """A label shared by all charts, formatted with `values`."""
        return french(format_label(str(self.labels["common"][key]), **values))

    def note(self, key: str, **values: Any) -> str:
        """A chart note, formatted with `values`."""
        return french(format_label(str(self.labels["notes"][key]), **values))

    def colour(self, category: Category) -> str:
        """The colour of `category` in every chart."""
        keys = [c.key for c in self.dataset.categories]
        return palette(self.colors, len(keys))[keys.index(category.key)]

    def ink(self, key: str, default: str) -> str:
        """A theme colour, or `default`."""
        return self.colors.get(key, default)

    def join(self, parts: list[str]) -> str:
        """Parts joined with the list separator, or the word for none."""
        return self.common("list_separator").join(parts) if parts else self.common("none")


@dataclass(frozen=True)
class _Row:
    """A row of a grouped dot plot: a category header, a study or a pooled estimate."""

    y: float
    kind: str
    category: Category
    study: Study | None = None


def draw_charts(dataset: Dataset, labels: dict[str, Any], colors: dict[str, str], width_in: float,
                height_in: float, font_path: Path | None = None, dpi: int = DPI,
                keys: tuple[str, ...] = KEYS, category_figures: tuple[Any, ...] | None = None,
                formats: tuple[str, ...] = ("png", "svg")) -> tuple[Chart, ...]:
    """The charts of `dataset` named in `keys` (all five by default, in KEYS order), with the texts
    of `labels` (data/charts.yaml)."""
    canvas = _Canvas(dataset, labels, colors, (width_in, height_in),
                     figures(dataset) if category_figures is None else category_figures)
    drawers = dict(zip(KEYS, (_local_control, _pathological_response, _toxicity, _evidence_map, _lc_vs_eqd2)))
    with _style(colors, font_path):
        return tuple(_chart(key, drawers[key], canvas, dpi, formats) for key in KEYS if key in keys)


def chart_title(labels: dict[str, Any], key: str) -> str:
    """The French title of chart `key`, from data/charts.yaml."""
    return french(format_label(str(labels["charts"][key]["title"])))


def palette(colors: dict[str, str], n: int) -> tuple[str, ...]:
    """`n` category colours: the theme's primary and accent, then the fallback palette, cycling."""
    unique: list[str] = []
    for colour in (colors.get("primary"), colors.get("accent"), *FALLBACK_PALETTE):
        if colour and colour.lower() not in (u.lower() for u in unique):
            unique.append(colour)
    return tuple(unique[i % len(unique)] for i in range(n))


def number(value: float, decimals: int = 1) -> str:
    """`value` with a decimal comma and without trailing zeros: 77.8 -> "77,8", 92.0 -> "92"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent(value: float, decimals: int = 1) -> str:
    """`value` as a French percentage: 77.8 -> "77,8 %" with a no-break space."""
    return f"{number(value, decimals)}{NBSP}%"


def study_name(study: Study) -> str:
    """First author and year ("Hazell 2020"), the author alone without a year."""
    return study.name


# --- matplotlib plumbing -------------------------------------------------------------------------------

@contextmanager
def _style(colors: dict[str, str], font_path: Path | None) -> Iterator[None]:
    import matplotlib

    matplotlib.use("Agg")
    text = colors.get("text", "#1A1A1A")
    rc = {"svg.hashsalt": "stsdeck", "svg.fonttype": "none", "font.family": [_font_family(font_path), "DejaVu Sans"],
          "font.size": FONT_SIZE, "text.color": text, "axes.labelcolor": text, "axes.edgecolor":
          colors.get("rule", "#A6A6A6"), "xtick.color": text, "ytick.color": text,
          "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
          "legend.fontsize": SMALL + 1, "axes.titlesize": FONT_SIZE + 1, "axes.titleweight": "bold",
          "figure.facecolor": colors.get("background", "#FFFFFF"), "savefig.facecolor":
          colors.get("background", "#FFFFFF"), "path.simplify": False, "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        yield


def _font_family(font_path: Path | None) -> str:
    """Family of `font_path` once registered (with its Bold sibling), else Liberation or DejaVu Sans."""
    from matplotlib import font_manager

    if font_path is not None:
        for path in (font_path, font_path.with_name(font_path.name.replace("Regular", "Bold"))):
            if path.is_file():
                font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(font_path)).get_name()
    names = {f.name for f in font_manager.fontManager.ttflist}
    return "Liberation Sans" if "Liberation Sans" in names else "DejaVu Sans"


def _chart(key: str, drawer: Any, canvas: _Canvas, dpi: int, formats: tuple[str, ...]) -> Chart:
    figure, alt = drawer(canvas)
    png, svg = _render(figure, dpi, formats)
    return Chart(key, chart_title(canvas.labels, key), alt, png, svg)


def _figure(canvas: _Canvas, bottom: float = 0.0) -> Any:
    """A constrained-layout figure of the canvas size, keeping `bottom` (fraction) for notes."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=canvas.size, layout="constrained")
    figure.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - bottom), w_pad=0.06, h_pad=0.06)
    return figure


def _render(figure: Any, dpi: int, formats: tuple[str, ...]) -> tuple[bytes, bytes]:
    """The PNG (for the PPTX) and the SVG (for the PDF) asked for in `formats`; b"" for the other."""
    png, svg = io.BytesIO(), io.BytesIO()
    if "png" in formats:
        figure.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
        figure.set_layout_engine("none")  # the layout just computed serves the SVG too: one pass per chart
    if "svg" in formats:
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()


def _empty(canvas: _Canvas, key: str, reason: str = "no_data") -> tuple[Any, str]:
    """A blank chart saying why it has nothing to show (no data, too many studies), and its alt text."""
    figure = _figure(canvas)
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, canvas.common(reason, limit=MAX_ROWS), ha="center", va="center", transform=ax.transAxes,
            fontsize=FONT_SIZE + 2, color=canvas.ink("muted", "#595959"))
    return figure, canvas.common(f"{reason}_alt", title=canvas.text(key, "title"), limit=MAX_ROWS)


def _blank(canvas: _Canvas, key: str, groups: list[tuple[Category, list[Study], bool]]) -> tuple[Any, str] | None:
    """The notice chart a per-study chart becomes with no study, or with too many to read; else None."""
    if not groups:
        return _empty(canvas, key)
    if sum(len(studies) for _, studies, _ in groups) > MAX_ROWS:
        return _empty(canvas, key, "too_many")
    return None


def _percent_axis(axis: Any, decimals: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, decimals)))


def _number_axis(axis: Any, decimals: int = 0) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: number(v, decimals)))


def _note(figure: Any, lines: list[str], canvas: _Canvas) -> None:
    figure.text(0.01, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=SMALL,
                color=canvas.ink("muted", "#595959"), linespacing=1.4)


def _wrapped(lines: list[str], canvas: _Canvas) -> list[str]:
    """Note lines wrapped to the figure's width (an average glyph is about half the font size wide)."""
    import textwrap

    width = int(canvas.size[0] * 72 / (SMALL * 0.5))
    return [part for line in lines for part in textwrap.wrap(line, width, break_on_hyphens=False)]


def _noted_figure(canvas: _Canvas, lines: list[str]) -> Any:
    """A figure keeping room at the bottom for `lines` of notes, which it shows."""
    lines = _wrapped(lines, canvas)
    figure = _figure(canvas, bottom=(len(lines) * SMALL * 1.4 + 6) / (canvas.size[1] * 72))
    _note(figure, lines, canvas)
    return figure


def _excluded(canvas: _Canvas, studies: list[Study], cohort: Any = lambda s: "") -> str:
    """The studies whose value describes no RT-CT cohort, named with the cohort it describes."""
    roles = canvas.labels["common"]["roles"]
    named = []
    for study in studies:
        role, label = population(study, cohort(study))[0], cohort(study) or study.arm
        named.append(canvas.common("excluded_study", name=study.name, role=french(str(roles.get(role, role))),
                                   cohort=label))
    return canvas.join(named)


# --- grouped dot plots (local control, pathological response) -----------------------------------------

def _rows(groups: list[tuple[Category, list[Study], bool]]) -> list[_Row]:
    """Rows top to bottom: each category's header, its studies, then its pooled and prediction rows."""
    rows: list[_Row] = []
    y = 0.0
    for category, studies, pooled in groups:
        kinds = [("header", None), *(("study", s) for s in studies), *([("pooled", None), ("prediction", None)]
                                                                       if pooled else [])]
        for kind, study in kinds:
            rows.append(_Row(y, kind, category, study))
            y -= 1.0
        y -= 0.35
    return rows


def _row_axis(ax: Any, rows: list[_Row], labels: list[str], canvas: _Canvas) -> None:
    """Study names as y tick labels, bold coloured headers, alternate bands per category."""
    ax.set_yticks([r.y for r in rows], labels)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_ylim(rows[-1].y - 0.7, rows[0].y + 0.6)
    for tick, row in zip(ax.get_yticklabels(), rows):
        if row.kind == "header":
            tick.set_fontweight("bold")
            tick.set_color(canvas.colour(row.category))
        elif row.kind in ("pooled", "prediction"):
            tick.set_color(canvas.ink("muted", "#595959"))  # no italic: the PDF embeds regular and bold only
    for index, category in enumerate(dict.fromkeys(r.category.key for r in rows)):
        ys = [r.y for r in rows if r.category.key == category]
        if index % 2 == 0:
            ax.axhspan(min(ys) - 0.5, max(ys) + 0.5, color=canvas.ink("band_fill", "#EAF1F8"), zorder=0, lw=0)
    ax.grid(axis="x", color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


def _row_label(canvas: _Canvas, row: _Row, pooled_k: int, shared: dict[str, str] | None = None) -> str:
    if row.kind == "header":
        return row.category.short_title
    if row.kind == "pooled":
        return canvas.text("local_control", "pooled_row", k=pooled_k)
    if row.kind == "prediction":
        return canvas.text("local_control", "prediction_row")
    name = _horizon_name(canvas, row.study)
    mark = (shared or {}).get(row.study.key)
    return canvas.common("shared_mark", name=name, mark=mark) if mark else name


def _series_marks(canvas: _Canvas, series: list[list[Study]]) -> dict[str, str]:
    """Each study of a series of possibly shared patients: the mark of its series (†, ‡…)."""
    marks = canvas.labels["common"]["shared_marks"]
    return {s.key: str(marks[index % len(marks)]) for index, members in enumerate(series) for s in members}


def _horizon_name(canvas: _Canvas, study: Study) -> str:
    """Study name, with its local-control horizon when it is not the pooled horizon (5 years)."""
    name = study_name(study)
    rate = study.local_control
    if rate is None or rate.years == POOLED_HORIZON_YEARS:
        return name
    return canvas.common("with_horizon", name=name, years=number(rate.years))


def _shared(groups: list[tuple[Category, list[Study], bool]]) -> list[list[Study]]:
    """The series of possibly shared patients with two studies or more in one category's rows."""
    series: dict[tuple[str, str], list[Study]] = {}
    for category, studies, _ in groups:
        for study in studies:
            if study.shared_patients:
                series.setdefault((category.key, study.shared_patients), []).append(study)
    return [members for members in series.values() if len(members) > 1]


# --- 1. local control ----------------------------------------------------------------------------------

def _lc_point(study: Study) -> tuple[float, int] | None:
    """A study's local control and the patients of the RT-CT cohort it describes, if it is one."""
    rate = study.local_control
    n = None if rate is None else rtct_patients(study, rate.cohort)
    return None if rate is None or n is None else (rate.pct, n)


def _local_control(canvas: _Canvas) -> tuple[Any, str]:
    pooled = {f.category: f.pooled_local_control_5y for f in canvas.category_figures}
    categories = canvas.dataset.categories
    groups = [(c, [s for s in c.studies if _lc_point(s)], pooled.get(c.key) is not None) for c in categories]
    groups = [g for g in groups if g[1]]
    if (blank := _blank(canvas, "local_control", groups)) is not None:
        return blank
    left_out = [s for c in categories for s in c.studies if s.local_control is not None and not _lc_point(s)]
    series = _shared(groups)
    figure = _noted_figure(canvas, _lc_notes(canvas, left_out, series))
    rows = _rows(groups)
    ax = figure.add_subplot()
    ks = {c.key: (pooled[c.key].k if pooled.get(c.key) else 0) for c, _, _ in groups}
    shared = _series_marks(canvas, series)
    _row_axis(ax, rows, [_row_label(canvas, r, ks[r.category.key], shared) for r in rows], canvas)
    tops = {r.category.key: r.y for r in rows if r.kind == "header"}
    low = min(_lc_row(ax, r, pooled.get(r.category.key), canvas, tops[r.category.key]) for r in rows)
    ax.set_xlim(max(0.0, (low // 10) * 10 - 2), 101)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(canvas.text("local_control", "x_label"))
    ax.text(1.01, 1.0, canvas.text("local_control", "value_header"), transform=ax.transAxes, ha="left",
            va="bottom", fontsize=SMALL + 1, fontweight="bold")
    _lc_legend(figure, canvas)
    return figure, _lc_alt(canvas, groups, pooled, left_out)


def _lc_notes(canvas: _Canvas, left_out: list[Study], series: list[list[Study]]) -> list[str]:
    lines = [canvas.text("local_control", "method_note")]
    if left_out:
        lines.append(canvas.text("local_control", "excluded_note",
                                 studies=_excluded(canvas, left_out, lambda s: s.local_control.cohort)))
    marks = _series_marks(canvas, series)
    lines += [canvas.text("local_control", "shared_note", mark=marks[members[0].key],
                          names=canvas.common("name_separator").join(s.name for s in members))
              for members in series]
    return lines


def _lc_row(ax: Any, row: _Row, pooled: Any, canvas: _Canvas, top: float) -> float:
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
        value, n = _lc_point(row.study)
        low, high = (100 * p for p in wilson_interval(events_from_pct(value, n), n))
        ax.plot([low, high], [row.y, row.y], color=colour, lw=1.6, solid_capstyle="butt", zorder=2)
        ax.plot([value], [row.y], "o", color=colour, ms=6.5, mec="white", mew=0.8, zorder=3)
    ax.text(1.01, row.y, _value_ci(canvas, value, low, high), transform=ax.get_yaxis_transform(),
            ha="left", va="center", fontsize=SMALL + 1,
            fontweight="bold" if row.kind == "pooled" else "normal")
    return low


def _value_ci(canvas: _Canvas, value: float, low: float, high: float) -> str:
    return f"{percent(value)} ({canvas.common('range', low=number(low), high=number(high))})"


def _lc_legend(figure: Any, canvas: _Canvas) -> None:
    """The legend under the axes, outside the data."""
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=ink, marker="o", ms=6.5, mec="white", lw=1.6),
               Line2D([], [], color=ink, marker="D", ms=7, lw=0),
               Line2D([], [], color=ink, marker="|", ms=8, lw=1.2)]
    figure.legend(handles, [canvas.text("local_control", key) for key in
                            ("study_legend", "pooled_legend", "prediction_legend")],
                  loc="outside upper center", ncols=3)


def _lc_alt(canvas: _Canvas, groups: list[tuple[Category, list[Study], bool]], pooled: dict[str, Any],
            left_out: list[Study]) -> str:
    studies = [canvas.text("local_control", "alt_study", name=_horizon_name(canvas, s),
                           value=percent(s.local_control.pct), patients=_lc_point(s)[1])
               for _, group, _ in groups for s in group]
    pools = [canvas.text("local_control", "alt_pooled", category=c.short_title, value=percent(p.estimate),
                         low=number(p.ci_low), high=number(p.ci_high), pi_low=number(p.pi_low),
                         pi_high=number(p.pi_high), k=p.k)
             for c in canvas.dataset.categories if (p := pooled.get(c.key)) is not None]
    return canvas.text("local_control", "alt", n=len(studies), studies=canvas.join(studies),
                       pooled=canvas.join(pools), method=canvas.text("local_control", "method_note"),
                       excluded=_excluded(canvas, left_out, lambda s: s.local_control.cohort))


# --- 2. pathological response --------------------------------------------------------------------------

def _pcr(study: Study) -> float | None:
    """The study's pCR rate when its values describe an RT-CT cohort."""
    return study.pcr_pct if is_rtct(study) else None


def _major(study: Study) -> Any:
    """The study's major response when it describes an RT-CT cohort."""
    major = study.major_response
    return major if major is not None and is_rtct(study, major.cohort) else None


def _pathological_response(canvas: _Canvas) -> tuple[Any, str]:
    categories = canvas.dataset.categories
    groups = [(c, [s for s in c.studies if _pcr(s) is not None or _major(s)], False) for c in categories]
    groups = [g for g in groups if g[1]]
    if (blank := _blank(canvas, "pathological_response", groups)) is not None:
        return blank
    left_out = [s for c in categories for s in c.studies if (s.pcr_pct is not None or s.major_response)
                and _pcr(s) is None and not _major(s)]
    notes = [canvas.text("pathological_response", "method_note")]
    if left_out:
        notes.append(canvas.text("pathological_response", "excluded_note", studies=_excluded(canvas, left_out)))
    rows = _rows(groups)
    figure = _noted_figure(canvas, notes)
    ax = figure.add_subplot()
    _row_axis(ax, rows, [_row_label(canvas, r, 0) if r.kind == "header" else study_name(r.study)
                         for r in rows], canvas)
    values = [v for _, group, _ in groups for s in group for v in (_pcr(s), _major(s) and _major(s).pct) if v]
    width = max(50.0, max(values) * 1.45)
    ax.set_xlim(0, width)
    for row in rows:
        _response_row(ax, row, canvas, width * 0.08)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(canvas.text("pathological_response", "x_label"))
    _response_legend(figure, canvas)
    return figure, _response_alt(canvas, [s for _, group, _ in groups for s in group], left_out)


def _response_row(ax: Any, row: _Row, canvas: _Canvas, near: float) -> None:
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


def _response_legend(figure: Any, canvas: _Canvas) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=ink, marker="o", ms=7, lw=0),
               Line2D([], [], color=ink, marker="D", ms=8.5, lw=0, mec="white")]
    figure.legend(handles, [canvas.text("pathological_response", "pcr"),
                            canvas.text("pathological_response", "major")], loc="outside upper center", ncols=2)


def _response_alt(canvas: _Canvas, studies: list[Study], left_out: list[Study]) -> str:
    pcr = [canvas.text("pathological_response", "alt_pcr", name=study_name(s), value=percent(v))
           for s in studies if (v := _pcr(s)) is not None]
    major = [canvas.text("pathological_response", "alt_major", name=study_name(s),
                         value=percent(m.pct), threshold=m.threshold) for s in studies if (m := _major(s))]
    return canvas.text("pathological_response", "alt", n=len(studies), pcr=canvas.join(pcr),
                       major=canvas.join(major), method=canvas.text("pathological_response", "method_note"),
                       excluded=_excluded(canvas, left_out))


# --- 3. toxicity ---------------------------------------------------------------------------------------

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


def _toxicity(canvas: _Canvas) -> tuple[Any, str]:
    figure = _noted_figure(canvas, [canvas.text("toxicity", "note")])
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


def _strip_panel(ax: Any, groups: list[list[_Dot]], canvas: _Canvas, title: str, medians: bool) -> None:
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
    _percent_axis(ax.yaxis)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


def _median_bar(ax: Any, x: float, values: list[float], colour: str, canvas: _Canvas, grade: str) -> None:
    if len(values) < MEDIAN_FROM:
        return
    middle = median(values)
    ax.plot([x - 0.3, x + 0.3], [middle, middle], color=colour, lw=2, zorder=2, solid_capstyle="butt",
            ls="-" if grade == "severe" else (0, (2, 1.5)))
    ax.text(x + 0.32, middle, canvas.text("toxicity", "median", value=percent(middle)), va="center",
            fontsize=SMALL, color=colour)


def _kind_legend(figure: Any, canvas: _Canvas) -> None:
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


def _strip_alt(canvas: _Canvas, groups: list[list[_Dot]]) -> str:
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


# --- 4. evidence map -----------------------------------------------------------------------------------

def _evidence_map(canvas: _Canvas) -> tuple[Any, str]:
    dated = [s for s in canvas.dataset.studies if s.year is not None]
    missing = [s for s in canvas.dataset.studies if s.year is None]
    if not dated:
        return _empty(canvas, "evidence_map")
    notes = [canvas.text("evidence_map", "size_note")]
    notes += [canvas.text("evidence_map", "missing_note", names=", ".join(map(study_name, missing)))] if missing else []
    figure = _noted_figure(canvas, notes)
    ax = figure.add_subplot()
    scale = MAX_MARKER_AREA / max(_size(s) for s in dated)
    _evidence_markers(ax, canvas, dated, scale)
    _evidence_axes(ax, canvas, dated)
    _evidence_legends(ax, canvas, dated, scale)
    return figure, _evidence_alt(canvas, dated, missing)


def _size(study: Study) -> int:
    """Patients of the cohort the study's values describe (its RT-CT arm), else of the whole study."""
    return population(study)[1] or study.patients


def _evidence_markers(ax: Any, canvas: _Canvas, dated: list[Study], scale: float) -> None:
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


def _evidence_axes(ax: Any, canvas: _Canvas, dated: list[Study]) -> None:
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
    _number_axis(ax.xaxis)
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


def _evidence_legends(ax: Any, canvas: _Canvas, dated: list[Study], scale: float) -> None:
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


def _evidence_alt(canvas: _Canvas, dated: list[Study], missing: list[Study]) -> str:
    per_category = [canvas.text("evidence_map", "alt_category", category=c.short_title, count=len(group),
                                patients=sum(_size(s) for s in group))
                    for c in canvas.dataset.categories if (group := [s for s in dated if s.category == c.key])]
    return canvas.text("evidence_map", "alt", n=len(dated), first=min(s.year for s in dated),
                       last=max(s.year for s in dated), min_patients=min(_size(s) for s in dated),
                       max_patients=max(_size(s) for s in dated), categories=canvas.join(per_category),
                       missing=len(missing), missing_names=canvas.join([study_name(s) for s in missing]))


# --- 5. local control against EQD2 ---------------------------------------------------------------------

@dataclass(frozen=True)
class _Dose:
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


def _eqd2_studies(canvas: _Canvas, alpha_beta: float) -> tuple[list[_Dose], list[str]]:
    """The studies drawn (an RT-CT local control and a computable course), and those left out, named
    with the reason."""
    drawn, left_out = [], []
    for study in canvas.dataset.studies:
        if study.local_control is None:
            continue
        course = course_eqd2(study.radiotherapy, alpha_beta)
        if _lc_point(study) is None:
            left_out.append(_excluded(canvas, [study], lambda s: s.local_control.cohort))
        elif course is None:
            reason = canvas.text("lc_vs_eqd2", "no_fractionation" if study.radiotherapy else "no_schedule")
            left_out.append(canvas.common("excluded_reason", name=study.name, reason=reason))
        else:
            drawn.append(_Dose(study, course))
    return drawn, left_out


def _lc_vs_eqd2(canvas: _Canvas) -> tuple[Any, str]:
    alpha_beta = float(canvas.labels["alpha_beta_gy"])
    doses, left_out = _eqd2_studies(canvas, alpha_beta)
    note = canvas.note("alpha_beta", alpha_beta=number(alpha_beta))
    if not doses:
        return _empty(canvas, "lc_vs_eqd2")
    boosts = [d.study.name for d in doses if d.course.boost_left_out]
    notes = [note, canvas.note("assumption")]
    notes += [canvas.text("lc_vs_eqd2", "left_out_note", studies=canvas.join(left_out))] if left_out else []
    notes += [canvas.text("lc_vs_eqd2", "boost_note", studies=canvas.join(boosts))] if boosts else []
    figure = _noted_figure(canvas, notes)
    ax = figure.add_subplot()
    by_key = {c.key: c for c in canvas.dataset.categories}
    _eqd2_axes(ax, canvas, doses)
    _eqd2_legend(ax, canvas, [by_key[k] for k in dict.fromkeys(d.study.category for d in doses)])
    doses = _dodged(ax, figure, doses)
    for dose in doses:
        _eqd2_point(ax, figure, dose, canvas.colour(by_key[dose.study.category]))
    if len(doses) <= MAX_NAMED:
        _eqd2_labels(ax, figure, canvas, doses)
    return figure, _eqd2_alt(canvas, doses, note, left_out)


def _shifted(ax: Any, figure: Any, dx: float) -> Any:
    from matplotlib.transforms import offset_copy

    return offset_copy(ax.transData, fig=figure, x=dx, y=0, units="points")


def _eqd2_point(ax: Any, figure: Any, dose: _Dose, colour: str) -> None:
    """The marker (filled at 5 years, open at another horizon, white-edged so that neighbours stay
    apart), the span of the course's doses (solid) and the conditional boost (dotted)."""
    course, five = dose.course, dose.study.local_control.years == POOLED_HORIZON_YEARS
    where = _shifted(ax, figure, dose.dx)
    if course.high > course.low:
        ax.plot([course.low, course.high], [dose.y, dose.y], color=colour, lw=1.6, transform=where, zorder=2)
    if course.boosted is not None:
        ax.plot([course.high, course.boosted], [dose.y, dose.y], color=colour, lw=1.2, ls=(0, (1.5, 1.5)),
                transform=where, zorder=2)
    ax.plot([dose.x], [dose.y], "o", ms=MARKER_PT + (1 if five else 0), color=colour,
            mfc=colour if five else "white", mec="white" if five else colour, mew=1.0 if five else 1.8,
            transform=where, zorder=3 if five else 4)


def _dodged(ax: Any, figure: Any, doses: list[_Dose]) -> list[_Dose]:
    """`doses` with sideways shifts, in points, so that no two markers closer than MARKER_PT overlap."""
    figure.draw_without_rendering()
    scale = 72 / figure.dpi
    placed: list[tuple[float, float]] = []
    shifted = []
    for dose in sorted(doses, key=lambda d: (d.x, -d.y, d.study.key)):
        px, py = (v * scale for v in ax.transData.transform((dose.x, dose.y)))
        step = MARKER_PT * OVERLAP
        dx = next((k * step for k in DODGE_STEPS
                   if all(abs(py - qy) >= step or abs(px + k * step - qx) >= step - 1e-6 for qx, qy in placed)),
                  0.0)  # a crowd beyond DODGE_STEPS stays stacked
        placed.append((px + dx, py))
        shifted.append(_Dose(dose.study, dose.course, dx))
    return shifted


def _eqd2_axes(ax: Any, canvas: _Canvas, doses: list[_Dose]) -> None:
    lows = [d.course.low for d in doses]
    highs = [d.course.boosted or d.course.high for d in doses]
    values = [d.y for d in doses]
    ax.set_xlim((min(lows) // 5) * 5 - 2.5, max(highs) + 7)
    ax.set_ylim(max(0.0, (min(values) // 10) * 10 - 5), 101)
    _number_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel(canvas.text("lc_vs_eqd2", "x_label"))
    ax.set_ylabel(canvas.text("lc_vs_eqd2", "y_label"))
    ax.grid(color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


LABEL_PLACES = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (1, 1, "left", "bottom"),
                (1, -1, "left", "top"), (0, 1, "center", "bottom"), (0, -1, "center", "top"),
                (-1, 1, "right", "bottom"), (-1, -1, "right", "top"))  # right first, then around the point


def _eqd2_labels(ax: Any, figure: Any, canvas: _Canvas, doses: list[_Dose]) -> None:
    """Each study's name beside its point, at the first place around it (then farther out) that covers
    no other name, marker, dose line nor the axes' edge; deterministic."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw_without_rendering()
    pixels = figure.dpi / 72
    inside = ax.get_window_extent(renderer)
    taken = [_marker_box(ax, d, pixels) for d in doses] + [b for d in doses for b in _line_boxes(ax, d, pixels)]
    for dose in sorted(doses, key=lambda d: (d.x, -d.y, d.study.key)):
        label = _horizon_name(canvas, dose.study)
        where = _shifted(ax, figure, dose.dx)
        for distance in (1, 2.2, 3.4, 4.6):
            placed = next((t for place in LABEL_PLACES
                           if (t := _try_label(ax, renderer, (label, dose, where), place, distance, taken,
                                               inside, canvas)) is not None), None)
            if placed is not None:
                taken.append(Text.get_window_extent(placed, renderer))
                break


def _try_label(ax: Any, renderer: Any, what: tuple[str, _Dose, Any], place: tuple[float, float, str, str],
               distance: float, taken: list[Any], inside: Any, canvas: _Canvas) -> Any:
    """The label at `place` if it overlaps nothing there, else None (and nothing is drawn)."""
    from matplotlib.text import Text

    label, dose, where = what
    dx, dy, ha, va = place
    offset = (dx * (MARKER_PT / 2 + 3) * distance, dy * (MARKER_PT / 2 + 1) * distance)
    arrow = {"arrowstyle": "-", "color": canvas.ink("rule", "#A6A6A6"), "lw": 0.6, "shrinkA": 0, "shrinkB": 5}
    text = ax.annotate(label, (dose.x, dose.y), xycoords=where, xytext=offset, textcoords="offset points",
                       ha=ha, va=va, fontsize=SMALL + 0.5, arrowprops=arrow if distance > 1 or dy else None)
    text.update_positions(renderer)
    box = Text.get_window_extent(text, renderer)  # the words only, not the connector
    fits = inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1
    if fits and not any(box.overlaps(other) for other in taken):
        return text
    text.remove()
    return None


def _marker_box(ax: Any, dose: _Dose, pixels: float) -> Any:
    from matplotlib.transforms import Bbox

    x, y = ax.transData.transform((dose.x, dose.y))
    half = MARKER_PT / 2 * pixels
    x += dose.dx * pixels
    return Bbox([[x - half, y - half], [x + half, y + half]])


def _line_boxes(ax: Any, dose: _Dose, pixels: float) -> list[Any]:
    """Boxes around the dose span and the boost line of a study (thin horizontal segments)."""
    from matplotlib.transforms import Bbox

    course, boxes = dose.course, []
    for low, high in ((course.low, course.high), (course.high, course.boosted or course.high)):
        if high > low:
            (x0, y), (x1, _) = ax.transData.transform([(low, dose.y), (high, dose.y)])
            boxes.append(Bbox([[x0 + dose.dx * pixels, y - pixels], [x1 + dose.dx * pixels, y + pixels]]))
    return boxes


def _eqd2_legend(ax: Any, canvas: _Canvas, categories: list[Category]) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=canvas.colour(c), marker="o", ms=MARKER_PT, lw=0) for c in categories]
    handles += [Line2D([], [], color=ink, marker="o", ms=MARKER_PT, lw=0),
                Line2D([], [], color=ink, marker="o", ms=MARKER_PT, mfc="white", mew=1.8, lw=0),
                Line2D([], [], color=ink, lw=1.6), Line2D([], [], color=ink, lw=1.2, ls=(0, (1.5, 1.5)))]
    labels = [c.short_title for c in categories] + [canvas.text("lc_vs_eqd2", key) for key in
                                                     ("five_years", "other_horizon", "span", "boost")]
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _eqd2_alt(canvas: _Canvas, doses: list[_Dose], note: str, left_out: list[str]) -> str:
    studies = [canvas.text("lc_vs_eqd2", "alt_study", name=_horizon_name(canvas, d.study), eqd2=_span(d.course),
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
