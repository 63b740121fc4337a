"""Dataset + theme -> Deck: every slide built once and paginated from measured text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .errors import DataError, Problem
from .measure import EMU_PER_PT, FontMetrics, metrics, wrap
from .model import Bullet, Category, Dataset, Section, Study
from .panel import figure_lines
from .synthesize import CategoryFigures

if TYPE_CHECKING:
    from .charts import Chart
from .references import vancouver
from .slides import ChartBlock, Deck, Paragraph, Slide, TableBlock, TextBlock
from .themes import Box, Theme
from .typography import french

SHRINK_STEPS = (1.0, 0.9, 0.8)  # text slides shrink this far before continuing on a new slide
LEVEL_INDENT_PT = (0.0, 20.0, 46.0)  # left margin of levels -1, 0, 1


@dataclass(frozen=True)
class Measure:
    """Fonts and spacing used to measure text for a theme."""

    regular: FontMetrics
    bold: FontMetrics
    spacing: float

    def lines(self, text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
        """Number of lines `text` takes in `width_pt`."""
        return len(wrap(text, width_pt, size_pt, self.bold if bold else self.regular))

    def paragraph_pt(self, p: Paragraph, width_pt: float) -> float:
        """Height of a paragraph in a block `width_pt` wide."""
        lines = self.lines(p.text, width_pt - indent_pt(p.level), p.size_pt, p.bold)
        return p.space_before_pt + lines * p.size_pt * self.spacing


def indent_pt(level: int) -> float:
    """Left margin of a paragraph at `level`."""
    return LEVEL_INDENT_PT[level + 1]


def measure_for(theme: Theme) -> Measure:
    """The measuring fonts of `theme`."""
    return Measure(metrics(theme.font_file("regular")), metrics(theme.font_file("bold")),
                   theme.size("line_spacing"))


def build_deck(dataset: Dataset, theme: Theme, category_figures: tuple[CategoryFigures, ...],
               charts: tuple[Chart, ...] = ()) -> Deck:
    """All slides of the deck, in order, paginated."""
    m = measure_for(theme)
    slides = [cover_slide(dataset, theme)]
    label = dataset.info.label("continued")
    slides += text_slides("text", dataset.context, theme, m, label)
    for category, figures in zip(dataset.categories, category_figures):
        slides += table_slides(category, dataset, theme, m)
        slides += synthesis_slides(category, figure_lines(figures, dataset.info), dataset, theme, m)
    slides += [chart_slide(chart, theme) for chart in charts]
    slides += trial_slides(dataset, theme, m)
    slides += text_slides("text", dataset.conclusion, theme, m, label)
    slides += reference_slides(dataset, theme, m)
    info = dataset.info
    fitted = tuple(fit_title(slide, theme, m) for slide in slides)
    return Deck(info.title, info.subtitle, info.authors, info.date, info.slug, fitted)


def with_charts(deck: Deck, theme: Theme, charts: tuple[Chart, ...]) -> Deck:
    """`deck` (laid out with the charts' titles only) with its chart slides drawn: the other slides
    are the same objects, so their PDF chunks keep their keys."""
    drawn = iter(charts)
    m = measure_for(theme)
    slides = tuple(fit_title(chart_slide(next(drawn), theme), theme, m) if s.kind == "chart" else s
                   for s in deck.slides)
    return replace(deck, slides=slides)


def fitting_size(text: str, box: Box, size: float, bold: bool, m: Measure) -> float:
    """The largest size, from `size` down to 60 % of it, at which `text` fits in `box`."""
    for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
        lines = m.lines(text, box.w / EMU_PER_PT, size * scale, bold)
        if lines * size * scale * m.spacing <= box.h / EMU_PER_PT:
            return size * scale
    return size * 0.6


def fit_title(slide: Slide, theme: Theme, m: Measure) -> Slide:
    """`slide` with its title size measured to fit its box (the cover title block too)."""
    if slide.kind != "cover":
        return replace(slide, title_pt=fitting_size(slide.title, theme.box("title"), theme.size("title_pt"), True, m))
    block = slide.blocks[0]
    first = block.paragraphs[0]
    size = fitting_size(first.text, block.box, first.size_pt, True, m)
    fitted = replace(block, paragraphs=(replace(first, size_pt=size),))
    return replace(slide, blocks=(fitted, *slide.blocks[1:]), title_pt=size)


def cover_slide(dataset: Dataset, theme: Theme) -> Slide:
    """Title slide from the deck metadata."""
    info = dataset.info
    title = TextBlock(theme.box("cover_title"),
                      (Paragraph(french(info.title), theme.size("title_slide_pt"), -1, True, "primary"),),
                      "cover_title")
    values = {"subtitle": info.subtitle, "authors": ", ".join(info.authors), "institution": info.institution,
              "event": info.event, "date": _french_date(info.date)}
    fields = [f for f in theme.settings.get("cover_fields", list(values)) if values.get(f)]
    meta = tuple(Paragraph(french(values[f]), theme.size("subtitle_pt" if f == "subtitle" else "meta_pt"), -1,
                           False, "text" if f == "subtitle" else "muted", 0 if i == 0 else 6)
                 for i, f in enumerate(fields))
    return Slide("cover", french(info.title), (title, TextBlock(theme.box("cover_meta"), meta, "cover_meta")))


def _french_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def bullet_paragraphs(bullets: tuple[Bullet, ...], theme: Theme, scale: float) -> list[Paragraph]:
    """Paragraphs of a bullet list at `scale` of the theme's sizes."""
    body, sub = theme.size("body_pt") * scale, theme.size("sub_body_pt") * scale
    paragraphs = []
    for bullet in bullets:
        paragraphs.append(Paragraph(french(bullet.text), body, 0, space_before_pt=body * 0.5))
        paragraphs += [Paragraph(french(s), sub, 1, space_before_pt=sub * 0.2) for s in bullet.sub]
    return paragraphs


def text_slides(kind: str, section: Section, theme: Theme, m: Measure, label: str,
                box_key: str = "content") -> list[Slide]:
    """Bullet slides for `section`, shrunk a little or continued to fit."""
    box = theme.box(box_key)
    for scale in SHRINK_STEPS:
        pages = paginate_paragraphs(bullet_paragraphs(section.bullets, theme, scale), box, m)
        if len(pages) == 1:
            break
    return [Slide(kind, continued(french(section.title), i, label), (TextBlock(box, tuple(page)),))
            for i, page in enumerate(pages)]


def synthesis_slides(category: Category, lines: list[str], dataset: Dataset, theme: Theme,
                     m: Measure) -> list[Slide]:
    """The author's synthesis bullets, with the computed « Données » panel beside the first slide."""
    panel = data_panel(lines, dataset.info.label("figures_title"), theme, m)
    if not category.synthesis:
        return [Slide("synthesis", french(category.title), (panel,))]
    section = Section(category.title, category.synthesis)
    slides = text_slides("synthesis", section, theme, m, dataset.info.label("continued"), "synthesis_bullets")
    first = slides[0]
    return [replace(first, blocks=(*first.blocks, panel)), *slides[1:]]


def data_panel(lines: list[str], heading: str, theme: Theme, m: Measure) -> TextBlock:
    """A filled panel of computed figures, shrunk until it fits its box."""
    box = theme.box("synthesis_panel")
    pad = theme.settings["panel"]["padding_in"] * 72
    inner = Box(box.x, box.y, box.w - round(2 * pad * EMU_PER_PT), box.h - round(2 * pad * EMU_PER_PT))
    size = theme.size("sub_body_pt")
    for scale in SHRINK_STEPS + (0.7, 0.6):
        paragraphs = [Paragraph(heading, size * scale, -1, True, "primary")]
        paragraphs += [Paragraph(line, size * 0.85 * scale, -1, space_before_pt=size * 0.5 * scale) for line in lines]
        if len(paginate_paragraphs(paragraphs, inner, m)) == 1:
            break
    return TextBlock(box, tuple(paragraphs), "panel", theme.settings["panel"]["fill"], pad)


def chart_slide(chart: Chart, theme: Theme) -> Slide:
    """One chart filling the content area (drawn at that size)."""
    block = ChartBlock(theme.box("content"), chart.key, chart.png, chart.svg, chart.alt)
    return Slide("chart", chart.title, (block,))


def continued(title: str, index: int, label: str) -> str:
    """`title`, marked as continued after the first slide."""
    return title if index == 0 else f"{title} {label}"


def paginate_paragraphs(paragraphs: list[Paragraph], box: Box, m: Measure) -> list[list[Paragraph]]:
    """Paragraphs grouped into pages that fit `box`; a bullet stays with its sub-bullets when they
    fit on one page together, so a sub-bullet never starts a page away from its bullet."""
    width, height = box.w / EMU_PER_PT, box.h / EMU_PER_PT
    pages: list[list[Paragraph]] = [[]]
    used = 0.0
    for unit in _bullet_units(paragraphs):
        needs = [m.paragraph_pt(p, width) for p in unit]
        whole = sum(needs) <= height
        for index, (p, need) in enumerate(zip(unit, needs)):
            fits = used + (sum(needs) if whole and index == 0 else need) <= height
            if pages[-1] and not fits and (index == 0 or not whole):
                pages.append([])
                used = 0.0
            pages[-1].append(p)
            used += need
    return pages


def _bullet_units(paragraphs: list[Paragraph]) -> list[list[Paragraph]]:
    """Each bullet with the sub-bullets that follow it; any other paragraph alone."""
    units: list[list[Paragraph]] = []
    for p in paragraphs:
        if p.level == 1 and units and units[-1][0].level == 0:
            units[-1].append(p)
        else:
            units.append([p])
    return units


def trial_slides(dataset: Dataset, theme: Theme, m: Measure) -> list[Slide]:
    """Ongoing trials: each trial a bullet, its schedule beneath it."""
    bullets = tuple(Bullet(t.title, (t.schedule,) if t.schedule else ()) for t in dataset.trials)
    return text_slides("text", Section(dataset.trials_title, bullets), theme, m, dataset.info.label("continued"))


def reference_slides(dataset: Dataset, theme: Theme, m: Measure) -> list[Slide]:
    """Numbered references of every study cited, continued as needed."""
    size = theme.size("sub_body_pt") * 0.8
    paragraphs = [Paragraph(f"{i}. {french(vancouver(s))}", size, -1, space_before_pt=size * 0.4)
                  for i, s in enumerate(dataset.studies, 1)]
    box = theme.box("content")
    title = dataset.info.label("references")
    pages = paginate_paragraphs(paragraphs, box, m)
    return [Slide("references", continued(title, i, dataset.info.label("continued")),
                  (TextBlock(box, tuple(p)),)) for i, p in enumerate(pages)]


def column_widths(theme: Theme, box: Box, columns: list[list[str]], m: Measure) -> tuple[int, ...]:
    """Column widths in EMU: the theme's weights, widened so no word of a column is cut."""
    weights = theme.table["column_weights"]
    margin = 2 * theme.table["cell_margin_x_in"] * 72
    size = max(theme.size("table_pt"), theme.size("table_header_pt"))
    floors = [min(_widest_word(texts, size, m) + margin, 2 * box.w / EMU_PER_PT * w / sum(weights))
              for texts, w in zip(columns, weights)]
    widths = _share(box.w / EMU_PER_PT, weights, floors)
    emu = [int(w * EMU_PER_PT) for w in widths]
    emu[-1] += box.w - sum(emu)
    return tuple(emu)


def _widest_word(texts: list[str], size: float, m: Measure) -> float:
    return max((m.bold.width_pt(word, size) for t in texts for word in t.replace("\n", " ").split(" ")),
               default=0.0)


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


def row_height(cells: tuple[str, ...], widths: tuple[int, ...], size: float, bold: bool,
               theme: Theme, m: Measure) -> int:
    """Height in EMU of a table row whose cells wrap in their columns."""
    mx, my = (theme.table[k] * 72 for k in ("cell_margin_x_in", "cell_margin_y_in"))
    lines = max(m.lines(text, w / EMU_PER_PT - 2 * mx, size, bold) for text, w in zip(cells, widths))
    return round((lines * size * m.spacing + 2 * my) * EMU_PER_PT)


def table_slides(category: Category, dataset: Dataset, theme: Theme, m: Measure) -> list[Slide]:
    """The category's evidence table, continued with its header on as many slides as needed."""
    box = theme.box("content")
    widths = column_widths(theme, box, table_columns(dataset), m)
    size, header_size = theme.size("table_pt"), theme.size("table_header_pt")
    header = tuple(french(c) for c in dataset.info.columns)
    header_h = row_height(header, widths, header_size, True, theme, m)
    rows = [tuple(french(c) for c in s.cells.in_order()) for s in category.studies]
    heights = [row_height(r, widths, size, False, theme, m) for r in rows]
    _refuse_oversized(category.studies, heights, box.h - header_h, widths, theme, m)
    pages = _pack(heights, box.h - header_h)
    label = dataset.info.label("continued")
    return [Slide("table", continued(french(category.title), i, label),
                  (TableBlock(box, widths, header, tuple(rows[j] for j in page),
                              (header_h, *(heights[j] for j in page)), size, header_size),),
                  notes=_notes(dataset, [category.studies[j] for j in page]))
            for i, page in enumerate(pages)]


def table_columns(dataset: Dataset) -> list[list[str]]:
    """Display texts of every column across all studies, header included."""
    rows = [dataset.info.columns] + [s.cells.in_order() for s in dataset.studies]
    return [[french(text) for text in column] for column in zip(*rows)]


def _pack(heights: list[int], room: int) -> list[list[int]]:
    """Row indexes grouped into pages; a row is never split."""
    pages: list[list[int]] = [[]]
    used = 0
    for index, h in enumerate(heights):
        if pages[-1] and used + h > room:
            pages.append([])
            used = 0
        pages[-1].append(index)
        used += h
    return pages


def _refuse_oversized(studies: tuple[Study, ...], heights: list[int], room: int, widths: tuple[int, ...],
                      theme: Theme, m: Measure) -> None:
    """A row taller than a whole slide is an error naming the study and its tallest cell."""
    problems = [Problem(s.file, s.lines.get(f"cells.{cell}", 0), f"cells.{cell}",
                        f"ligne du tableau trop haute pour tenir seule sur une diapositive ({_cm(h)} cm "
                        f"pour {_cm(room)} cm disponibles) : raccourcissez le texte de cette cellule")
                for s, h in zip(studies, heights) if h > room
                for cell in (_tallest_cell(s, widths, theme, m),)]
    if problems:
        raise DataError(problems)


def _tallest_cell(study: Study, widths: tuple[int, ...], theme: Theme, m: Measure) -> str:
    from .model import CELL_KEYS

    size = theme.size("table_pt")
    heights = [row_height((french(text),), (width,), size, False, theme, m)
               for text, width in zip(study.cells.in_order(), widths)]
    return CELL_KEYS[heights.index(max(heights))]


def _cm(emu: int) -> str:
    return f"{emu / 360000:.1f}".replace(".", ",")


def _notes(dataset: Dataset, studies: list[Study]) -> str:
    lines = [dataset.info.label("notes_references")] + [vancouver(s) for s in studies]
    return "\n".join(lines)


