"""Charts of a Dataset (local control, pathological response, toxicity, evidence, EQD2) as PNG and SVG bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..labels import format_label
from ..model import Dataset
from ..synthesize import figures
from ..typography import french
from . import evidence_map, lc_vs_eqd2, local_control, pathological_response, toxicity
from .canvas import Canvas, number, palette, percent, study_name
from .render import DPI, image_bytes, style
from .toxicity import grade_class, toxicity_dots

__all__ = ["CHART_FIELDS", "KEYS", "USES_FIGURES", "Chart", "chart_title", "draw_charts", "grade_class", "number",
           "palette", "percent", "study_name", "toxicity_dots"]
KEYS = ("local_control", "pathological_response", "toxicity", "evidence_map", "lc_vs_eqd2")
ARM = ("patients", "cohorts", "arm")  # the Study fields that say which patients a value belongs to
USES_FIGURES = ("local_control",)  # the charts that read the categories' figures (pooled estimates)
CHART_FIELDS = {  # the Study fields each chart draws, besides which study it is and where it stands
    "local_control": ("first_author", "year", *ARM, "shared_patients", "local_control"),
    "pathological_response": ("first_author", "year", *ARM, "pcr_pct", "major_response"),
    "toxicity": (*ARM, "toxicity"),
    "evidence_map": ("first_author", "year", *ARM, "design"),
    "lc_vs_eqd2": ("first_author", "year", *ARM, "local_control", "radiotherapy"),
}


@dataclass(frozen=True)
class Chart:
    """One rendered chart: key, French title and alt text, PNG (for the PPTX) and SVG (for the PDF)."""

    key: str
    title: str
    alt: str
    png: bytes
    svg: bytes


def draw_charts(dataset: Dataset, labels: dict[str, Any], colors: dict[str, str], width_in: float,
                height_in: float, font_path: Path | None = None, dpi: int = DPI,
                keys: tuple[str, ...] = KEYS, category_figures: tuple[Any, ...] | None = None,
                formats: tuple[str, ...] = ("png", "svg")) -> tuple[Chart, ...]:
    """The charts of `dataset` named in `keys` (all five by default, in KEYS order), with the texts
    of `labels` (data/charts.yaml)."""
    canvas = Canvas(dataset, labels, colors, (width_in, height_in),
                    figures(dataset) if category_figures is None else category_figures)
    drawers = dict(zip(KEYS, (local_control.draw, pathological_response.draw, toxicity.draw, evidence_map.draw,
                              lc_vs_eqd2.draw)))
    with style(colors, font_path):
        return tuple(_chart(key, drawers[key], canvas, dpi, formats) for key in KEYS if key in keys)


def chart_title(labels: dict[str, Any], key: str) -> str:
    """The French title of chart `key`, from data/charts.yaml."""
    return french(format_label(str(labels["charts"][key]["title"])))


def _chart(key: str, drawer: Any, canvas: Canvas, dpi: int, formats: tuple[str, ...]) -> Chart:
    """Chart `key` drawn by `drawer`, with its title and alt text, in the images of `formats`."""
    figure, alt = drawer(canvas)
    png, svg = image_bytes(figure, dpi, formats)
    return Chart(key, chart_title(canvas.labels, key), alt, png, svg)
