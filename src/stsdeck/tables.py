"""The evidence table: column widths, cells wrapped once into the lines both outputs draw, a row too
tall for a slide split over continued rows, rows spread evenly over the slides."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import TYPE_CHECKING

from .errors import DataError, Problem
from .measure import EMU_PER_PT, FontMetrics
from .model import CELL_KEYS, Category, Dataset, Study
from .partition import balanced_pages
from .references import vancouver
from .slides import Slide, TableBlock
from .themes import Box, Theme

if TYPE_CHECKING:
    from .deck import Measure

EMU_ROUNDING = 0.01  # pt a column may lose when its width is rounded to whole EMU
MAX_ROW_SLIDES = 3  # a study's row continued over more slides than this is refused: shorten the cell


@dataclass(frozen=True)
class Grid:
    """The table's geometry for a theme: column widths and the text width and insets of a cell (pt)."""

    widths: tuple[int, ...]  # EMU
    margin_x: float
    margin_y: float
    rule: float

    def text_width(self, column: int) -> float:
        """Width of the text inside a cell of `column`: the cell less its margins and its rules."""
        return self.widths[column] / EMU_PER_PT - 2 * self.margin_x - self.rule

    def height(self, lines: int, size: float, m: Measure) -> int:
        """Height in EMU of a row whose tallest cell has `lines` lines at `size`."""
        return round((lines * size * m.spacing + 2 * self.margin_y + self.rule) * EMU_PER_PT)

    def lines_in(self, room: int, size: float, m: Measure) -> int:
        """How many lines at `size` a row of height `room` (EMU) holds."""
        return int((room / EMU_PER_PT - 2 * self.margin_y - self.rule) / (size * m.spacing))


@dataclass(frozen=True)
class Row:
    """A row as drawn: each cell's lines, its height (EMU) and the study it shows."""

    cells: tuple[tuple[str, ...], ...]
    height: int
    study: Study

    @property
    def texts(self) -> tuple[str, ...]:
        """The cells with their lines broken explicitly, as the renderers draw them."""
        return tuple("\n".join(lines) for lines in self.cells)


def grid_for(theme: Theme, dataset: Dataset, m: Measure) -> Grid:
    """The table geometry of `theme` for the texts of `dataset`."""
    table = theme.table
    return Grid(column_widths(theme, theme.box("content"), table_columns(dataset, m), m),
                table["cell_margin_x_in"] * 72, table["cell_margin_y_in"] * 72, table["rule_pt"])


def table_slides(category: Category, dataset: Dataset, theme: Theme, m: Measure) -> list[Slide]:
    """The category's evidence table, continued with its header on as many slides as needed, the rows
    spread so that the slides are about equally full."""
    box, grid = theme.box("content"), grid_for(theme, dataset, m)
    size, header_size = theme.size("table_pt"), theme.size("table_header_pt")
    header = wrapped(tuple(m.typeset(c) for c in dataset.info.columns), grid, header_size, True, m, False)
    header_h = grid.height(max(map(len, header)), header_size, m)
    room = box.h - header_h
    label = dataset.info.label("continued")
    rows = _study_rows(category.studies, grid, room, size, label, m)
    pages = balanced_pages([row.height for row in rows], room)
    return [Slide("table", continued(m.typeset(category.title), i, label),
                  (TableBlock(box, grid.widths, tuple("\n".join(c) for c in header),
                              tuple(rows[j].texts for j in page),
                              (header_h, *(rows[j].height for j in page)), size, header_size),),
                  notes=_notes(dataset, [rows[j].study for j in page]))
            for i, page in enumerate(pages)]


def continued(title: str, index: int, label: str) -> str:
    """`title`, marked as continued after the first slide."""
    return title if index == 0 else f"{title} {label}"


def wrapped(texts: tuple[str, ...], grid: Grid, size: float, bold: bool, m: Measure,
            hyphenated: bool = True) -> tuple[tuple[str, ...], ...]:
    """Each cell's lines in its column: the breaks both outputs draw (the header's words whole)."""
    return tuple(tuple(m.wrap(text, grid.text_width(i), size, bold, hyphenated)) for i, text in enumerate(texts))


def _study_rows(studies: tuple[Study, ...], grid: Grid, room: int, size: float, label: str,
                m: Measure) -> list[Row]:
    """Every study's row, a row taller than a slide split into continued rows; rows too long for
    MAX_ROW_SLIDES slides are refused together, naming their tallest cell."""
    rows, problems = [], []
    for study in studies:
        cells = wrapped(tuple(m.typeset(c) for c in study.cells.in_order()), grid, size, False, m)
        parts = _parts(cells, grid.lines_in(room, size, m))
        if len(parts) > MAX_ROW_SLIDES:
            problems.append(_too_tall(study, cells, grid, room, size, m))
            continue
        following = wrapped((m.typeset(continued(study.first_author, 1, label)),), grid, size, False, m)[0]
        rows += [Row(part if i == 0 else (following, *part[1:]), grid.height(max(map(len, part)), size, m), study)
                 for i, part in enumerate(parts)]
    if problems:
        raise DataError(problems)
    return rows


def _parts(cells: tuple[tuple[str, ...], ...], most: int) -> list[tuple[tuple[str, ...], ...]]:
    """The row in as few parts of at most `most` lines as it needs, the lines spread evenly; the first
    cell (the reference) stays whole in the first part."""
    tallest = max(map(len, cells))
    count = max(1, ceil(tallest / max(most, 1)))
    if count == 1:
        return [cells]
    each = max(ceil(tallest / count), len(cells[0]))
    count = ceil(tallest / each)
    return [(cells[0] if i == 0 else (), *(c[i * each:(i + 1) * each] for c in cells[1:])) for i in range(count)]


def _too_tall(study: Study, cells: tuple[tuple[str, ...], ...], grid: Grid, room: int, size: float,
              m: Measure) -> Problem:
    """The refusal of a row longer than MAX_ROW_SLIDES slides, located at its tallest cell."""
    lines = [len(c) for c in cells]
    cell = CELL_KEYS[lines.index(max(lines))]
    return Problem(study.file, study.lines.get(f"cells.{cell}", 0), f"cells.{cell}",
                   f"ligne du tableau trop haute pour tenir sur {MAX_ROW_SLIDES} diapositives "
                   f"({_cm(grid.height(max(lines), size, m))} cm pour {MAX_ROW_SLIDES} × {_cm(room)} cm "
                   "disponibles) : raccourcissez le texte de cette cellule")


def table_columns(dataset: Dataset, m: Measure) -> list[list[str]]:
    """Display texts of every column across all studies, header first."""
    rows = [dataset.info.columns] + [s.cells.in_order() for s in dataset.studies]
    return [[m.typeset(text) for text in column] for column in zip(*rows)]


def column_widths(theme: Theme, box: Box, columns: list[list[str]], m: Measure) -> tuple[int, ...]:
    """Column widths in EMU: the theme's weights, widened so that no header word and no word that
    cannot be hyphenated (a number with its unit, a code) is cut."""
    weights = theme.table["column_weights"]
    margin = 2 * theme.table["cell_margin_x_in"] * 72 + theme.table["rule_pt"] + EMU_ROUNDING
    size, header_size = theme.size("table_pt"), theme.size("table_header_pt")
    floors = [min(max(_widest(texts[:1], header_size, m.bold, m, False), _widest(texts[1:], size, m.regular, m, True))
                  + margin, 2 * box.w / EMU_PER_PT * w / sum(weights))
              for texts, w in zip(columns, weights)]
    widths = _share(box.w / EMU_PER_PT, weights, floors)
    emu = [int(w * EMU_PER_PT) for w in widths]
    emu[-1] += box.w - sum(emu)
    return tuple(emu)


def _widest(texts: list[str], size: float, font: FontMetrics, m: Measure, hyphenated: bool) -> float:
    """The widest piece of `texts` no line may break (nor hyphenate, if `hyphenated`)."""
    return max((font.width_pt(piece, size) for t in texts for piece in m.pieces(t, hyphenated)
                if not (hyphenated and m.typeset.hyphenate(piece))), default=0.0)


def _share(total: float, weights: list[float], floors: list[float]) -> list[float]:
    """Split `total` by `weights`, giving each at least its floor, taken from the others."""
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        room = total - sum(fixed.values())
        share = {i: room * weights[i] / sum(weights[j] for j in free) for i in free}
        short = {i: floors[i] for i in free if share[i] < floors[i]}
        if not short or len(short) == len(free):
            return [fixed.get(i, share.get(i, 0.0)) for i in range(len(weights))]
        fixed.update(short)


def _cm(emu: int) -> str:
    return f"{emu / 360000:.1f}".replace(".", ",")


def _notes(dataset: Dataset, studies: list[Study]) -> str:
    """The full references of the studies on a slide, each once."""
    shown = list({id(s): s for s in studies}.values())
    return "\n".join([dataset.info.label("notes_references")] + [vancouver(s) for s in shown])
