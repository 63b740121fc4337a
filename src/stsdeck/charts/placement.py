"""EQD2 markers moved apart sideways, and study names placed beside them where they cover nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .canvas import SMALL, Canvas, horizon_name

if TYPE_CHECKING:
    from .lc_vs_eqd2 import Dose

MARKER_PT = 9.0  # marker size of the EQD2 chart
OVERLAP = 0.65  # markers closer than this fraction of their size are moved apart sideways
DODGE_STEPS = tuple(k for n in range(7) for k in ((n, -n) if n else (0,)))  # 0, 1, -1, … 6, -6 marker steps
LABEL_PLACES = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (1, 1, "left", "bottom"),
                (1, -1, "left", "top"), (0, 1, "center", "bottom"), (0, -1, "center", "top"),
                (-1, 1, "right", "bottom"), (-1, -1, "right", "top"))  # right first, then around the point


def shifted_transform(ax: Any, figure: Any, dx: float) -> Any:
    """The axes' data coordinates moved `dx` points sideways."""
    from matplotlib.transforms import offset_copy

    return offset_copy(ax.transData, fig=figure, x=dx, y=0, units="points")


def dodged(ax: Any, figure: Any, doses: list[Dose]) -> list[Dose]:
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
        shifted.append(replace(dose, dx=dx))
    return shifted


def place_labels(ax: Any, figure: Any, canvas: Canvas, doses: list[Dose]) -> None:
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
        label = horizon_name(canvas, dose.study)
        where = shifted_transform(ax, figure, dose.dx)
        for distance in (1, 2.2, 3.4, 4.6):
            placed = next((t for place in LABEL_PLACES
                           if (t := _try_label(ax, renderer, (label, dose, where), place, distance, taken,
                                               inside, canvas)) is not None), None)
            if placed is not None:
                taken.append(Text.get_window_extent(placed, renderer))
                break


def _try_label(ax: Any, renderer: Any, what: tuple[str, Dose, Any], place: tuple[float, float, str, str],
               distance: float, taken: list[Any], inside: Any, canvas: Canvas) -> Any:
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


def _marker_box(ax: Any, dose: Dose, pixels: float) -> Any:
    from matplotlib.transforms import Bbox

    x, y = ax.transData.transform((dose.x, dose.y))
    half = MARKER_PT / 2 * pixels
    x += dose.dx * pixels
    return Bbox([[x - half, y - half], [x + half, y + half]])


def _line_boxes(ax: Any, dose: Dose, pixels: float) -> list[Any]:
    """Boxes around the dose span and the boost line of a study (thin horizontal segments)."""
    from matplotlib.transforms import Bbox

    course, boxes = dose.course, []
    for low, high in ((course.low, course.high), (course.high, course.boosted or course.high)):
        if high > low:
            (x0, y), (x1, _) = ax.transData.transform([(low, dose.y), (high, dose.y)])
            boxes.append(Bbox([[x0 + dose.dx * pixels, y - pixels], [x1 + dose.dx * pixels, y + pixels]]))
    return boxes
