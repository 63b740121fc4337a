"""Dataset + theme -> Deck: every slide built once and paginated from measured text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from math import ceil
from typing import TYPE_CHECKING, Any

from .measure import COMPOUND, EMU_PER_PT, SLASHED, FontMetrics, balanced, metrics, wrap
from .model import Bullet, Category, Dataset, Section
from .panel import figure_lines
from .partition import balanced_pages
from .references import vancouver
from .slides import ChartBlock, Deck, Paragraph, Slide, TextBlock
from .synthesize import CategoryFigures
from .tables import continued, table_slides
from .themes import Box, Theme
from .typography import Typography, typography_of, typography_problems

if TYPE_CHECKING:
    from .charts import Chart

LEVEL_INDENT_PT = {0: (6.0, 20.0), 1: (32.0, 46.0)}  # bullet and text of levels 0 and 1, at the theme's sizes
SHRINK_FLOOR = 0.8  # text slides shrink this far before continuing on a new slide
TITLE_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)
PANEL_LINE = 0.85  # a panel line's size, as a share of its heading's
SIZE_STEP = 0.5  # pt between the sizes a panel or the references try


@dataclass(frozen=True)
class Measure:
    """Fonts, spacing and typography a theme sets its text with."""

    regular: FontMetrics
    bold: FontMetrics
    spacing: float
    typeset: Typography = Typography()

    def wrap(self, text: str, width_pt: float, size_pt: float, bold: bool = False,
             hyphenated: bool = False) -> list[str]:
        """The lines of `text` in `width_pt`; `hyphenated` for lines broken explicitly (table cells)."""
        return wrap(text, width_pt, size_pt, self.bold if bold else self.regular,
                    self.typeset.hyphenate if hyphenated else None)

    def lines(self, text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
        """Number of lines `text` takes in `width_pt`."""
        return len(self.wrap(text, width_pt, size_pt, bold))

    def pieces(self, text: str, hyphenated: bool = False) -> list[str]:
        """The pieces of `text` no line may break (`hyphenated`: as in a table cell)."""
        breaks = SLASHED if hyphenated else COMPOUND
        return [piece for word in text.replace("\n", " ").split(" ") for piece in breaks.split(word)]

    def paragraph_pt(self, p: Paragraph, width_pt: float) -> float:
        """Height of a paragraph in a block `width_pt` wide."""
        lines = self.lines(p.text, width_pt - p.indent_pt, p.size_pt, p.bold)
        return p.space_before_pt + lines * p.size_pt * self.spacing


def measure_for(theme: Theme) -> Measure:
    """The measuring fonts and the typography of `theme`."""
    return Measure(metrics(theme.font_file("regular")), metrics(theme.font_file("bold")),
                   theme.size("line_spacing"), typography_of(theme.settings))


def build_deck(dataset: Dataset, theme: Theme, category_figures: tuple[CategoryFigures, ...],
               charts: tuple[Chart, ...] = ()) -> Deck:
    """All slides of the deck, in order, paginated."""
    m = measure_for(theme)
    slides = [cover_slide(dataset, theme, m)]
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
    fitted = tuple(broken(fit_title(slide, theme, m), m) for slide in slides)
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
    for scale in TITLE_SCALES:
        lines = m.lines(text, box.w / EMU_PER_PT, size * scale, bold)
        if lines * size * scale * m.spacing <= box.h / EMU_PER_PT:
            return size * scale
    return size * TITLE_SCALES[-1]


def fit_title(slide: Slide, theme: Theme, m: Measure) -> Slide:
    """`slide` with its title size measured to fit its box; the cover's title block is also set in
    lines of even length, broken explicitly so both outputs break it there."""
    if slide.kind != "cover":
        return replace(slide, title_pt=fitting_size(slide.title, theme.box("title"), theme.size("title_pt"), True, m))
    block = slide.blocks[0]
    first = block.paragraphs[0]
    size = fitting_size(first.text, block.box, first.size_pt, True, m)
    lines = balanced(first.text, block.box.w / EMU_PER_PT, size, m.bold)
    fitted = replace(block, paragraphs=(replace(first, text="\n".join(lines), size_pt=size),))
    return replace(slide, blocks=(fitted, *slide.blocks[1:]), title_pt=size)


def broken(slide: Slide, m: Measure) -> Slide:
    """`slide` with every paragraph broken explicitly into the lines it was measured in, so that
    both outputs wrap it there whatever their own line breaking."""
    return replace(slide, blocks=tuple(_broken_block(b, m) if isinstance(b, TextBlock) else b for b in slide.blocks))


def _broken_block(block: TextBlock, m: Measure) -> TextBlock:
    width = block.box.w / EMU_PER_PT - 2 * block.padding_pt
    return replace(block, paragraphs=tuple(
        replace(p, text="\n".join(m.wrap(p.text, width - p.indent_pt, p.size_pt, p.bold))) for p in block.paragraphs))


def cover_slide(dataset: Dataset, theme: Theme, m: Measure) -> Slide:
    """Title slide from the deck metadata."""
    info = dataset.info
    title = TextBlock(theme.box("cover_title"),
                      (Paragraph(m.typeset(info.title), theme.size("title_slide_pt"), -1, True, "primary"),),
                      "cover_title")
    values = {"subtitle": info.subtitle, "authors": ", ".join(info.authors), "institution": info.institution,
              "event": info.event, "date": _french_date(info.date)}
    fields = [f for f in theme.settings.get("cover_fields", list(values)) if values.get(f)]
    meta = tuple(Paragraph(m.typeset(values[f]), theme.size("subtitle_pt" if f == "subtitle" else "meta_pt"), -1,
                           False, "text" if f == "subtitle" else "muted", 0 if i == 0 else 6)
                 for i, f in enumerate(fields))
    return Slide("cover", m.typeset(info.title), (title, TextBlock(theme.box("cover_meta"), meta, "cover_meta")))


def _french_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def bullet_paragraphs(bullets: tuple[Bullet, ...], theme: Theme, scale: float, m: Measure) -> list[Paragraph]:
    """Paragraphs of a bullet list at `scale` of the theme's sizes."""
    body, sub = theme.size("body_pt") * scale, theme.size("sub_body_pt") * scale
    (at0, text0), (at1, text1) = ((a * scale, t * scale) for a, t in LEVEL_INDENT_PT.values())
    paragraphs = []
    for bullet in bullets:
        paragraphs.append(Paragraph(m.typeset(bullet.text), body, 0, space_before_pt=body * 0.5,
                                    indent_pt=text0, bullet_pt=at0))
        paragraphs += [Paragraph(m.typeset(s), sub, 1, space_before_pt=sub * 0.2, indent_pt=text1, bullet_pt=at1)
                       for s in bullet.sub]
    return paragraphs


def text_scales(theme: Theme) -> list[float]:
    """Scales of the body sizes a text slide tries, largest first: up to `body_max_pt` when the text
    has room (a short list reads better large), down to SHRINK_FLOOR, never below `min_text_pt`."""
    body, smallest = theme.size("body_pt"), min(theme.size("body_pt"), theme.size("sub_body_pt"))
    top, floor = max(theme.size("body_max_pt"), body), max(SHRINK_FLOOR, theme.size("min_text_pt") / smallest)
    scales = [size / body for size in range(int(top), int(body * floor) - 1, -1)]
    return sorted({1.0, *(s for s in scales if s >= floor)}, reverse=True)


def text_slides(kind: str, section: Section, theme: Theme, m: Measure, label: str,
                box_key: str = "content") -> list[Slide]:
    """Bullet slides for `section`: one slide at the largest size that fits, else continued at the
    theme's size, the bullets spread evenly."""
    box = theme.box(box_key)
    pages = _fitted_pages(lambda scale: bullet_paragraphs(section.bullets, theme, scale, m), text_scales(theme), box, m)
    title = m.typeset(section.title)
    return [Slide(kind, continued(title, i, label), (TextBlock(box, page),)) for i, page in enumerate(pages)]


def _fitted_pages(make: Callable[[float], list[Paragraph]], scales: list[float], box: Box,
                  m: Measure) -> list[tuple[Paragraph, ...]]:
    """The paragraphs `make(scale)` gives on one page at the largest scale that fits, else paginated
    at scale 1."""
    for scale in scales:
        paragraphs = make(scale)
        if len(pages := paginate_paragraphs(paragraphs, box, m)) == 1:
            return pages
    return paginate_paragraphs(make(1.0), box, m)


def synthesis_slides(category: Category, lines: list[str], dataset: Dataset, theme: Theme,
                     m: Measure) -> list[Slide]:
    """The author's synthesis bullets, with the computed « Données » panel beside the first slide; a
    category without bullets, or a panel too long for its column, gets the panel across the slide."""
    heading = m.typeset(dataset.info.label("figures_title"))
    lines = [m.typeset(line) for line in lines]
    title, label = m.typeset(category.title), dataset.info.label("continued")
    beside = data_panel(lines, heading, theme.box("synthesis_panel"), theme, m)
    if not category.synthesis or beside is None:
        panel = [Slide("synthesis", title, (data_panel(lines, heading, theme.box("content"), theme, m, True),))]
        if not category.synthesis:
            return panel
        section = Section(category.title, category.synthesis)
        return text_slides("synthesis", section, theme, m, label) + [replace(s, title=continued(title, 1, label))
                                                                     for s in panel]
    section = Section(category.title, category.synthesis)
    slides = text_slides("synthesis", section, theme, m, label, "synthesis_bullets")
    first = slides[0]
    return [replace(first, blocks=(*first.blocks, beside)), *slides[1:]]


def data_panel(lines: list[str], heading: str, box: Box, theme: Theme, m: Measure,
               whole: bool = False) -> TextBlock | None:
    """A filled panel of computed figures in `box`, at the largest size that fits, from the
    sub-bullet size down to `min_text_pt`; None if none fits. A panel across the slide (`whole`)
    starts with its lines at `body_max_pt` (its heading no larger than a title), and its text stands
    in the middle of the panel."""
    pad = theme.settings["panel"]["padding_in"] * 72
    inner_w, inner_h = box.w / EMU_PER_PT - 2 * pad, box.h / EMU_PER_PT - 2 * pad
    start = min(theme.size("title_pt"), theme.size("body_max_pt") / PANEL_LINE) if whole else theme.size("sub_body_pt")
    sizes = _sizes_down(start, theme.size("min_text_pt") / PANEL_LINE)
    for size in sizes:
        paragraphs = _first_flush(_panel_paragraphs(heading, lines, size))
        if sum(m.paragraph_pt(p, inner_w) for p in paragraphs) <= inner_h or (whole and size == sizes[-1]):
            return TextBlock(box, paragraphs, "panel", theme.settings["panel"]["fill"], pad,
                             "middle" if whole else "top")
    return None


def _panel_paragraphs(heading: str, lines: list[str], size: float) -> tuple[Paragraph, ...]:
    """The panel's heading at `size`, its lines a little smaller."""
    return (Paragraph(heading, size, -1, True, "primary"),
            *(Paragraph(line, size * PANEL_LINE, -1, space_before_pt=size * 0.5) for line in lines))


def _sizes_down(start: float, floor: float) -> list[float]:
    """Sizes from `start` down to `floor` by half points, `floor` last."""
    steps = max(0, int((start - floor) / SIZE_STEP))
    return [start - i * SIZE_STEP for i in range(steps + 1)] + ([floor] if start - steps * SIZE_STEP > floor else [])


def chart_slide(chart: Chart, theme: Theme) -> Slide:
    """One chart filling the content area (drawn at that size)."""
    block = ChartBlock(theme.box("content"), chart.key, chart.png, chart.svg, chart.alt)
    return Slide("chart", chart.title, (block,))


def paginate_paragraphs(paragraphs: list[Paragraph], box: Box, m: Measure) -> list[tuple[Paragraph, ...]]:
    """Paragraphs on as few pages of `box` as they need, spread evenly; a bullet stays with its
    sub-bullets when they fit on one page together. A page's first paragraph has no space before."""
    width, height = box.w / EMU_PER_PT, box.h / EMU_PER_PT
    units = [part for unit in _bullet_units(paragraphs)
             for part in _kept(unit, [m.paragraph_pt(p, width) for p in unit], height)]
    heights = [round(sum(m.paragraph_pt(p, width) for p in unit) * 100) for unit in units]
    pages = balanced_pages(heights, round(height * 100))
    return [_first_flush(tuple(p for j in page for p in units[j])) for page in pages]


def _kept(unit: list[Paragraph], needs: list[float], height: float) -> list[list[Paragraph]]:
    """A bullet and its sub-bullets together if they fit on a page, else each paragraph alone."""
    return [unit] if sum(needs) <= height else [[p] for p in unit]


def _first_flush(page: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """`page` with no space above its first paragraph (renderers drop it at the top of a box)."""
    return (replace(page[0], space_before_pt=0.0), *page[1:]) if page else page


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
    """Numbered references of every study cited, in columns: as few slides as they need at
    `references_pt`, then the largest size up to the sub-bullet size that keeps that many, the
    columns evenly filled."""
    columns = reference_columns(theme)
    texts = [m.typeset(f"{i}. {vancouver(s)}") for i, s in enumerate(dataset.studies, 1)]
    smallest = theme.size("references_pt")
    count = ceil(len(_reference_pages(texts, smallest, columns, m, None)) / len(columns))
    sizes = _sizes_down(max(theme.size("sub_body_pt"), smallest), smallest)
    size = next(s for s in sizes if ceil(len(_reference_pages(texts, s, columns, m, None)) / len(columns)) <= count)
    pages = _reference_pages(texts, size, columns, m, count * len(columns))
    title, label = m.typeset(dataset.info.label("references")), dataset.info.label("continued")
    per_slide = len(columns)
    return [Slide("references", continued(title, i, label),
                  tuple(TextBlock(box, pages[i * per_slide + j]) for j, box in enumerate(columns)
                        if i * per_slide + j < len(pages)))
            for i in range(ceil(len(pages) / per_slide))]


def reference_columns(theme: Theme) -> list[Box]:
    """The content area cut into the theme's reference columns, separated by its gap."""
    box, settings = theme.box("content"), theme.settings["references"]
    count, gap = int(settings["columns"]), round(settings["gap_in"] * 914400)
    width = (box.w - gap * (count - 1)) // count
    return [Box(box.x + i * (width + gap), box.y, width, box.h) for i in range(count)]


def _reference_pages(texts: list[str], size: float, columns: list[Box], m: Measure,
                     count: int | None) -> list[tuple[Paragraph, ...]]:
    """The references at `size` over columns: the fewest that fit, or `count` evenly filled."""
    paragraphs = [Paragraph(text, size, -1, space_before_pt=size * 0.4) for text in texts]
    width, room = columns[0].w / EMU_PER_PT, columns[0].h / EMU_PER_PT
    heights = [round(m.paragraph_pt(p, width) * 100) for p in paragraphs]
    pages = balanced_pages(heights, round(room * 100), count)
    return [_first_flush(tuple(paragraphs[j] for j in page)) for page in pages]


def settings_problems(settings: dict[str, Any]) -> list[str]:
    """What the layout needs of a theme beyond numbers: legible tables and references (never under
    `min_text_pt`), a whole number of reference columns, a readable typography section."""
    sizes, columns = settings["sizes"], settings["references"]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in sizes.values())
    problems = [f"sizes.{key} : attendu au moins min_text_pt ({sizes['min_text_pt']} pt), reçu {sizes[key]}"
                for key in ("table_pt", "table_header_pt", "references_pt")
                if numeric and sizes[key] < sizes["min_text_pt"]]
    if not (isinstance(columns["columns"], int) and not isinstance(columns["columns"], bool) and columns["columns"] >= 1):
        problems.append(f"references.columns : attendu un entier ≥ 1, reçu « {columns['columns']} »")
    if not (isinstance(columns["gap_in"], (int, float)) and columns["gap_in"] >= 0):
        problems.append(f"references.gap_in : attendu un nombre ≥ 0, reçu « {columns['gap_in']} »")
    return problems + typography_problems(settings)
