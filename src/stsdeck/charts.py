"""Charts of a Dataset (local control, pathological response, toxicity, evidence, EQD2) as PNG and SVG bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from .labels import format_label
from .model import Category, Dataset, Study
from .radiobiology import schedule_eqd2
from .synthesize import POOLED_HORIZON_YEARS, events_from_pct, figures, wilson_interval, wound_toxicity
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
KIND_MARKERS = {"skin": "o", "haematologic": "^"}
WOUND = "wound"
MEDIAN_FROM = 3  # values needed before a strip plot shows its median
MAX_MARKER_AREA = 1100.0  # pt², the largest study of the evidence map
USES_FIGURES = ("local_control",)  # the charts that read the categories' figures (pooled estimates)
CHART_FIELDS = {  # the Study fields each chart draws, besides which study it is and where it stands
    "local_control": ("first_author", "year", "patients", "local_control"),
    "pathological_response": ("first_author", "year", "pcr_pct", "major_response"),
    "toxicity": ("toxicity",),
    "evidence_map": ("first_author", "year", "patients", "design"),
    "lc_vs_eqd2": ("first_author", "year", "patients", "local_control", "radiotherapy"),
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
    return study.first_author if study.year is None else f"{study.first_author} {study.year}"


def first_eqd2(study: Study, alpha_beta: float) -> float | None:
    """EQD2 (Gy) of the study's first radiotherapy schedule that has one, if any."""
    return next((d for s in study.radiotherapy if (d := schedule_eqd2(s, alpha_beta)) is not None), None)


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


# --- grouped dot plots (local control, pathological response) -----------------------------------------

def _rows(groups: list[tuple[Category, list[Study], bool]]) -> list[_Row]:
    """Rows top to bottom: each category's header, its studies, then its pooled row if any."""
    rows: list[_Row] = []
    y = 0.0
    for category, studies, pooled in groups:
        for kind, study in [("header", None), *(("study", s) for s in studies), *([("pooled", None)] * pooled)]:
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
        elif row.kind == "pooled":
            tick.set_color(canvas.ink("muted", "#595959"))  # no italic: the PDF embeds regular and bold only
    for index, category in enumerate(dict.fromkeys(r.category.key for r in rows)):
        ys = [r.y for r in rows if r.category.key == category]
        if index % 2 == 0:
            ax.axhspan(min(ys) - 0.5, max(ys) + 0.5, color=canvas.ink("band_fill", "#EAF1F8"), zorder=0, lw=0)
    ax.grid(axis="x", color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


def _row_label(canvas: _Canvas, row: _Row, pooled_k: int) -> str:
    if row.kind == "header":
        return row.category.short_title
    if row.kind == "pooled":
        return canvas.text("local_control", "pooled_row", k=pooled_k)
    return _horizon_name(canvas, row.study)


def _horizon_name(canvas: _Canvas, study: Study) -> str:
    """Study name, with its local-control horizon when it is not the pooled horizon (5 years)."""
    name = study_name(study)
    rate = study.local_control
    if rate is None or rate.years == POOLED_HORIZON_YEARS:
        return name
    return canvas.common("with_horizon", name=name, years=number(rate.years))


# --- 1. local control ----------------------------------------------------------------------------------

def _local_control(canvas: _Canvas) -> tuple[Any, str]:
    pooled = {f.category: f.pooled_local_control_5y for f in canvas.category_figures}
    groups = [(c, [s for s in c.studies if s.local_control is not None], pooled[c.key] is not None)
              for c in canvas.dataset.categories]
    groups = [g for g in groups if g[1]]
    if (blank := _blank(canvas, "local_control", groups)) is not None:
        return blank
    rows = _rows(groups)
    figure = _figure(canvas)
    ax = figure.add_subplot()
    ks = {c.key: (pooled[c.key].k if pooled[c.key] else 0) for c, _, _ in groups}
    _row_axis(ax, rows, [_row_label(canvas, r, ks[r.category.key]) for r in rows], canvas)
    tops = {r.category.key: r.y for r in rows if r.kind == "header"}
    low = min(_lc_row(ax, r, pooled[r.category.key], canvas, tops[r.category.key]) for r in rows)
    ax.set_xlim(max(0.0, (low // 10) * 10 - 2), 101)
    _percent_axis(ax.xaxis)
    ax.set_xlabel(canvas.text("local_control", "x_label"))
    ax.text(1.01, 1.0, canvas.text("local_control", "value_header"), transform=ax.transAxes, ha="left",
            va="bottom", fontsize=SMALL + 1, fontweight="bold")
    _lc_legend(ax, canvas)
    return figure, _lc_alt(canvas, groups, pooled)


def _lc_row(ax: Any, row: _Row, pooled: Any, canvas: _Canvas, top: float) -> float:
    """Draw one row (point and Wilson CI, or pooled diamond) and its value column; lowest x drawn."""
    colour = canvas.colour(row.category)
    if row.kind == "header":
        return 100.0
    if row.kind == "pooled":
        value, low, high = pooled.estimate, pooled.ci_low, pooled.ci_high
        ax.fill([low, value, high, value], [row.y, row.y + 0.32, row.y, row.y - 0.32], color=colour, zorder=3)
        ax.plot([value, value], [row.y, top], color=colour, lw=0.8, ls=(0, (3, 3)), alpha=0.7, zorder=1)
    else:
        rate = row.study.local_control
        value = rate.pct
        low, high = (100 * p for p in wilson_interval(events_from_pct(value, row.study.patients),
                                                      row.study.patients))
        ax.plot([low, high], [row.y, row.y], color=colour, lw=1.6, solid_capstyle="butt", zorder=2)
        ax.plot([value], [row.y], "o", color=colour, ms=6.5, mec="white", mew=0.8, zorder=3)
    ax.text(1.01, row.y, _value_ci(canvas, value, low, high), transform=ax.get_yaxis_transform(),
            ha="left", va="center", fontsize=SMALL + 1,
            fontweight="bold" if row.kind == "pooled" else "normal")
    return low


def _value_ci(canvas: _Canvas, value: float, low: float, high: float) -> str:
    return f"{percent(value)} ({canvas.common('range', low=number(low), high=number(high))})"


def _lc_legend(ax: Any, canvas: _Canvas) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=ink, marker="o", ms=6.5, mec="white", lw=1.6),
               Line2D([], [], color=ink, marker="D", ms=7, lw=0)]
    ax.legend(handles, [canvas.text("local_control", "study_legend"),
                        canvas.text("local_control", "pooled_legend")], loc="lower left")


def _lc_alt(canvas: _Canvas, groups: list[tuple[Category, list[Study], bool]], pooled: dict[str, Any]) -> str:
    studies = [canvas.text("local_control", "alt_study", name=_horizon_name(canvas, s),
                           value=percent(s.local_control.pct)) for _, group, _ in groups for s in group]
    pools = [canvas.text("local_control", "alt_pooled", category=c.short_title, value=percent(p.estimate),
                         low=number(p.ci_low), high=number(p.ci_high), k=p.k)
             for c in canvas.dataset.categories if (p := pooled[c.key]) is not None]
    return canvas.text("local_control", "alt", n=len(studies), studies=canvas.join(studies),
                       pooled=canvas.join(pools))


# --- 2. pathological response --------------------------------------------------------------------------

def _has_response(study: Study) -> bool:
    return study.pcr_pct is not None or study.major_response is not None


def _pathological_response(canvas: _Canvas) -> tuple[Any, str]:
    groups = [(c, [s for s in c.studies if _has_response(s)], False) for c in canvas.dataset.categories]
    groups = [g for g in groups if g[1]]
    if (blank := _blank(canvas, "pathological_response", groups)) is not None:
        return blank
    rows = _rows(groups)
    figure = _figure(canvas)
    ax = figure.add_subplot()
    _row_axis(ax, rows, [_row_label(canvas, r, 0) if r.kind == "header" else study_name(r.study)
                         for r in rows], canvas)
    high = max(_response_row(ax, r, canvas) for r in rows)
    ax.set_xlim(0, max(50.0, high * 1.45))
    _percent_axis(ax.xaxis)
    ax.set_xlabel(canvas.text("pathological_response", "x_label"))
    _response_legend(ax, canvas)
    return figure, _response_alt(canvas, [s for _, group, _ in groups for s in group])


def _response_row(ax: Any, row: _Row, canvas: _Canvas) -> float:
    """Draw a study's pCR (circle) and major response (diamond) with their values; highest x drawn."""
    if row.kind != "study":
        return 0.0
    colour, study = canvas.colour(row.category), row.study
    points = []
    if study.pcr_pct is not None:
        points.append((study.pcr_pct, "o", "white", percent(study.pcr_pct)))
    if study.major_response is not None:
        major = study.major_response
        points.append((major.pct, "D", colour, canvas.text("pathological_response", "major_point",
                                                          value=percent(major.pct), threshold=major.threshold)))
    ax.plot([0, max(p[0] for p in points)], [row.y, row.y], color=colour, lw=0.6, alpha=0.5, zorder=1)
    for value, marker, face, label in points:
        ax.plot([value], [row.y], marker, color=colour, mfc=colour if marker == "o" else face,
                mec=colour if marker == "o" else "white", ms=7 if marker == "o" else 8.5, zorder=3)
        ax.annotate(label, (value, row.y), xytext=(7, 0), textcoords="offset points", va="center",
                    fontsize=SMALL + 0.5, color=canvas.ink("text", "#1A1A1A"))
    return max(p[0] for p in points)


def _response_legend(ax: Any, canvas: _Canvas) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=ink, marker="o", ms=7, lw=0),
               Line2D([], [], color=ink, marker="D", ms=8.5, lw=0, mec="white")]
    ax.legend(handles, [canvas.text("pathological_response", "pcr"),
                        canvas.text("pathological_response", "major")], loc="upper right")


def _response_alt(canvas: _Canvas, studies: list[Study]) -> str:
    pcr = [canvas.text("pathological_response", "alt_pcr", name=study_name(s), value=percent(s.pcr_pct))
           for s in studies if s.pcr_pct is not None]
    major = [canvas.text("pathological_response", "alt_major", name=study_name(s),
                         value=percent(s.major_response.pct), threshold=s.major_response.threshold)
             for s in studies if s.major_response is not None]
    return canvas.text("pathological_response", "alt", n=len(studies), pcr=canvas.join(pcr),
                       major=canvas.join(major))


# --- 3. toxicity ---------------------------------------------------------------------------------------

def _wound_points(category: Category) -> list[tuple[float, str]]:
    """(value, kind) of each study's highest wound-complication rate."""
    return [(w.pct, WOUND) for s in category.studies if (w := wound_toxicity(s)) is not None]


def _acute_points(category: Category) -> list[tuple[float, str]]:
    """(value, kind) of each study's highest skin and highest haematologic rate."""
    return [(max(t.pct for t in s.toxicity if t.kind == kind), kind) for s in category.studies
            for kind in ACUTE_KINDS if any(t.kind == kind for t in s.toxicity)]


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
    figure = _figure(canvas, bottom=0.06)
    wound_ax, acute_ax = figure.subplots(1, 2, sharey=True)
    categories = canvas.dataset.categories
    wound = [_wound_points(c) for c in categories]
    acute = [_acute_points(c) for c in categories]
    _strip_panel(wound_ax, wound, canvas, canvas.text("toxicity", "wound_panel"))
    _strip_panel(acute_ax, acute, canvas, canvas.text("toxicity", "acute_panel"))
    wound_ax.set_ylabel(canvas.text("toxicity", "y_label"))
    _kind_legend(acute_ax, canvas)
    _note(figure, [canvas.text("toxicity", "note")], canvas)
    alt = canvas.text("toxicity", "alt", wound=_strip_alt(canvas, wound), acute=_strip_alt(canvas, acute))
    return figure, alt


def _strip_panel(ax: Any, groups: list[list[tuple[float, str]]], canvas: _Canvas, title: str) -> None:
    """One point per value, x = category; a median bar with its value from MEDIAN_FROM values."""
    categories = canvas.dataset.categories
    for x, (category, points) in enumerate(zip(categories, groups)):
        colour = canvas.colour(category)
        ordered = sorted(points)
        for (value, kind), offset in zip(ordered, _spread([v for v, _ in ordered])):
            ax.plot([x + offset], [value], KIND_MARKERS.get(kind, "o"), color=colour, ms=8, mec="white",
                    mew=0.8, alpha=0.9, zorder=3)
        _median_bar(ax, x, [v for v, _ in points], colour, canvas)
    ax.set_xticks(range(len(categories)), [c.short_title for c in categories])
    ax.set_xlim(-0.6, len(categories) - 0.4)
    ax.set_ylim(0, 100)
    _percent_axis(ax.yaxis)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


def _median_bar(ax: Any, x: float, values: list[float], colour: str, canvas: _Canvas) -> None:
    if not values:
        ax.text(x, 50, canvas.text("toxicity", "empty"), ha="center", va="center", fontsize=SMALL + 1,
                color=canvas.ink("muted", "#595959"))
        return
    if len(values) < MEDIAN_FROM:
        return
    middle = median(values)
    ax.plot([x - 0.3, x + 0.3], [middle, middle], color=colour, lw=2, zorder=2, solid_capstyle="butt")
    ax.text(x + 0.32, middle, canvas.text("toxicity", "median", value=percent(middle)), va="center",
            fontsize=SMALL, color=colour)


def _kind_legend(ax: Any, canvas: _Canvas) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    kinds = canvas.labels["charts"]["toxicity"]["kinds"]
    handles = [Line2D([], [], color=ink, marker=KIND_MARKERS[k], ms=8, lw=0) for k in ACUTE_KINDS]
    ax.legend(handles, [french(kinds[k]) for k in ACUTE_KINDS], loc="upper right")


def _strip_alt(canvas: _Canvas, groups: list[list[tuple[float, str]]]) -> str:
    parts = []
    for category, points in zip(canvas.dataset.categories, groups):
        values = [v for v, _ in points]
        if len(values) > 1:
            parts.append(canvas.text("toxicity", "alt_category", category=category.short_title,
                                     count=len(values), low=percent(min(values)), high=percent(max(values)),
                                     median=percent(median(values))))
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
    figure = _figure(canvas, bottom=0.06 if missing else 0.0)
    ax = figure.add_subplot()
    scale = MAX_MARKER_AREA / max(s.patients for s in dated)
    _evidence_markers(ax, canvas, dated, scale)
    _evidence_axes(ax, canvas, dated)
    _evidence_legends(ax, canvas, dated, scale)
    if missing:
        _note(figure, [canvas.text("evidence_map", "missing_note", names=", ".join(map(study_name, missing)))],
              canvas)
    return figure, _evidence_alt(canvas, dated, missing)


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
                   s=[s.patients * scale for s in group], marker=marker, color=canvas.colour(by_key[category]),
                   alpha=0.75, edgecolors="white", linewidths=0.8, zorder=3)
    for study in dated if len(dated) <= MAX_NAMED else ():
        y = rows[study.category] + offsets[study.key]
        shift = (study.patients * scale) ** 0.5 * 0.71 + 1.5  # half-diagonal of a diamond marker
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
    steps = _size_steps(max(s.patients for s in dated))
    sizes = [Line2D([], [], color=ink, marker="o", ms=(n * scale) ** 0.5, lw=0, alpha=0.6) for n in steps]
    ax.legend(sizes, [canvas.text("evidence_map", "size_legend", patients=n) for n in steps], loc="lower left",
              bbox_to_anchor=(1.01, 0.0), title=canvas.text("evidence_map", "size_title"), alignment="left",
              labelspacing=1.3, borderpad=0.8, handletextpad=1.2)


def _evidence_alt(canvas: _Canvas, dated: list[Study], missing: list[Study]) -> str:
    per_category = [canvas.text("evidence_map", "alt_category", category=c.short_title, count=len(group),
                                patients=sum(s.patients for s in group))
                    for c in canvas.dataset.categories if (group := [s for s in dated if s.category == c.key])]
    return canvas.text("evidence_map", "alt", n=len(dated), first=min(s.year for s in dated),
                       last=max(s.year for s in dated), min_patients=min(s.patients for s in dated),
                       max_patients=max(s.patients for s in dated), categories=canvas.join(per_category),
                       missing=len(missing), missing_names=canvas.join([study_name(s) for s in missing]))


# --- 5. local control against EQD2 ---------------------------------------------------------------------

def _lc_vs_eqd2(canvas: _Canvas) -> tuple[Any, str]:
    alpha_beta = float(canvas.labels["alpha_beta_gy"])
    points = [(s, d) for s in canvas.dataset.studies
              if s.local_control is not None and (d := first_eqd2(s, alpha_beta)) is not None]
    note = canvas.note("alpha_beta", alpha_beta=number(alpha_beta))
    if not points:
        return _empty(canvas, "lc_vs_eqd2")
    figure = _figure(canvas, bottom=0.09)
    ax = figure.add_subplot()
    by_key = {c.key: c for c in canvas.dataset.categories}
    groups: dict[tuple[str, bool], list[tuple[Study, float]]] = {}  # one line of markers per colour and fill
    for study, dose in points:
        groups.setdefault((study.category, study.local_control.years == POOLED_HORIZON_YEARS), []).append((study, dose))
    for (category, five), group in groups.items():
        colour = canvas.colour(by_key[category])
        ax.plot([d for _, d in group], [s.local_control.pct for s, _ in group], "o", ms=9, color=colour,
                mfc=colour if five else "white", mew=1.8, zorder=3 if five else 4)
    _eqd2_axes(ax, canvas, points)
    if len(points) <= MAX_NAMED:
        _eqd2_labels(ax, canvas, points)
    _eqd2_legend(ax, canvas, [by_key[k] for k in dict.fromkeys(s.category for s, _ in points)])
    _note(figure, [note, canvas.note("assumption")], canvas)
    return figure, _eqd2_alt(canvas, points, note)


def _eqd2_axes(ax: Any, canvas: _Canvas, points: list[tuple[Study, float]]) -> None:
    doses = [d for _, d in points]
    values = [s.local_control.pct for s, _ in points]
    ax.set_xlim((min(doses) // 5) * 5 - 2.5, max(doses) + 6)
    ax.set_ylim(max(0.0, (min(values) // 10) * 10 - 5), 101)
    _number_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel(canvas.text("lc_vs_eqd2", "x_label"))
    ax.set_ylabel(canvas.text("lc_vs_eqd2", "y_label"))
    ax.grid(color=canvas.ink("rule", "#A6A6A6"), lw=0.5, alpha=0.5)
    ax.set_axisbelow(True)


def _eqd2_labels(ax: Any, canvas: _Canvas, points: list[tuple[Study, float]]) -> None:
    """Study names right of their points, pushed apart vertically within clusters of close doses."""
    figure_height_pt = canvas.size[1] * 72 * ax.get_position().height
    low, high = ax.get_ylim()
    gap = (high - low) * (SMALL + 2.5) / figure_height_pt
    for cluster in _clusters(sorted(points, key=lambda p: p[1]), 1.0):
        ordered = sorted(cluster, key=lambda p: p[0].local_control.pct)
        ys = _separate([p[0].local_control.pct for p in ordered], gap)
        right = max(d for _, d in cluster)
        for (study, dose), y in zip(ordered, ys):
            ax.annotate(_horizon_name(canvas, study), (dose, study.local_control.pct), xytext=(right + 0.9, y),
                        textcoords="data", va="center", fontsize=SMALL + 0.5,
                        arrowprops={"arrowstyle": "-", "color": canvas.ink("rule", "#A6A6A6"), "lw": 0.6,
                                    "shrinkA": 0, "shrinkB": 5})


def _clusters(points: list[tuple[Study, float]], width: float) -> list[list[tuple[Study, float]]]:
    """Points sorted by dose, split where two consecutive doses differ by `width` Gy or more."""
    clusters: list[list[tuple[Study, float]]] = []
    for point in points:
        if clusters and point[1] - clusters[-1][-1][1] < width:
            clusters[-1].append(point)
        else:
            clusters.append([point])
    return clusters


def _separate(values: list[float], gap: float) -> list[float]:
    """Ascending `values` moved apart to at least `gap`, the block kept centred on its original mean."""
    ys = list(values)
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    shift = (sum(ys) - sum(values)) / len(ys) if ys else 0.0
    return [y - shift for y in ys]


def _eqd2_legend(ax: Any, canvas: _Canvas, categories: list[Category]) -> None:
    from matplotlib.lines import Line2D

    ink = canvas.ink("muted", "#595959")
    handles = [Line2D([], [], color=canvas.colour(c), marker="o", ms=9, lw=0) for c in categories]
    handles += [Line2D([], [], color=ink, marker="o", ms=9, lw=0),
                Line2D([], [], color=ink, marker="o", ms=9, mfc="white", mew=1.8, lw=0)]
    labels = [c.short_title for c in categories] + [canvas.text("lc_vs_eqd2", "five_years"),
                                                     canvas.text("lc_vs_eqd2", "other_horizon")]
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0))


def _eqd2_alt(canvas: _Canvas, points: list[tuple[Study, float]], note: str) -> str:
    doses = [d for _, d in points]
    values = [s.local_control.pct for s, _ in points]
    studies = [canvas.text("lc_vs_eqd2", "alt_study", name=_horizon_name(canvas, s), eqd2=number(d),
                           value=percent(s.local_control.pct)) for s, d in points]
    return canvas.text("lc_vs_eqd2", "alt", n=len(points), min_eqd2=number(min(doses)),
                       max_eqd2=number(max(doses)), min_lc=percent(min(values)), max_lc=percent(max(values)),
                       note=note.rstrip("."), assumption=canvas.note("assumption").rstrip("."),
                       studies=canvas.join(studies))
