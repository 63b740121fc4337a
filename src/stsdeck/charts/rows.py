"""Rows of the grouped dot plots (local control, pathological response): headers, studies, pooled rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Category, Study
from .canvas import Canvas, horizon_name


@dataclass(frozen=True)
class Row:
    """A row of a grouped dot plot: a category header, a study or a pooled estimate."""

    y: float
    kind: str
    category: Category
    study: Study | None = None


def grouped_rows(groups: list[tuple[Category, list[Study], bool]]) -> list[Row]:
    """Rows top to bottom: each category's header, its studies, then its pooled and prediction rows."""
    rows: list[Row] = []
    y = 0.0
    for category, studies, pooled in groups:
        kinds = [("header", None), *(("study", s) for s in studies), *([("pooled", None), ("prediction", None)]
                                                                       if pooled else [])]
        for kind, study in kinds:
            rows.append(Row(y, kind, category, study))
            y -= 1.0
        y -= 0.35
    return rows


def row_axis(ax: Any, rows: list[Row], labels: list[str], canvas: Canvas) -> None:
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


def row_label(canvas: Canvas, row: Row, pooled_k: int, shared: dict[str, str] | None = None) -> str:
    """The label of `row`: its category, the pooled or prediction row, or the study with its mark."""
    if row.kind == "header":
        return row.category.short_title
    if row.kind == "pooled":
        return canvas.text("local_control", "pooled_row", k=pooled_k)
    if row.kind == "prediction":
        return canvas.text("local_control", "prediction_row")
    name = horizon_name(canvas, row.study)
    mark = (shared or {}).get(row.study.key)
    return canvas.common("shared_mark", name=name, mark=mark) if mark else name
