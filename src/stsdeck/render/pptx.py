"""Deck -> .pptx bytes with python-pptx: native tables, real titles, notes, metadata."""

from __future__ import annotations

import datetime as dt
import io
import re
from xml.sax.saxutils import escape
from typing import Any

from ..measure import EMU_PER_PT
from ..slides import ChartBlock, Deck, Paragraph, Slide, TableBlock, TextBlock
from ..themes import Box, Theme

BULLETS = {0: "•", 1: "–"}
MAX_PROPERTY = 255  # characters python-pptx accepts in a core property
DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"
QUOTES = {'"': "&quot;"}
CONTROL = re.compile("[\x00-\x08\x0B-\x1F]")
APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           b"<Application>stsdeck</Application></Properties>")


def render_pptx(deck: Deck, theme: Theme) -> bytes:
    """The deck as PowerPoint bytes, on the template's master if it has one."""
    from .container import layouts_by_role, presentation

    prs = presentation(theme)
    _linear_part_lookups(prs.part.package)
    layouts = layouts_by_role(prs, theme)
    for number, slide in enumerate(deck.slides, 1):
        _fill_slide(prs.slides.add_slide(layouts[theme.role(slide.kind)]), slide, number, theme)
    _set_properties(prs, deck)
    out = io.BytesIO()
    prs.save(out)
    return normalized_package(out.getvalue(), deck.date)


def _linear_part_lookups(package: Any) -> None:
    """Keep long decks linear: python-pptx walks every part of the package to name each new notes
    slide and to find an image already added (the logo, on every slide). This package remembers the
    names it handed out and the images it holds instead; the parts and bytes are the same."""
    from pptx.opc.packuri import PackURI

    taken = {str(part.partname) for part in package.iter_parts()}
    counters: dict[str, int] = {}
    images: dict[str, Any] = {}
    find_image = package.get_or_add_image_part

    def next_partname(template: str) -> PackURI:
        number = counters.get(template, 0) + 1
        while template % number in taken:
            number += 1
        counters[template] = number
        taken.add(template % number)
        return PackURI(template % number)

    def get_or_add_image_part(image_file: Any) -> Any:
        key = image_file if isinstance(image_file, str) else None
        if key is None:
            return find_image(image_file)
        if key not in images:
            images[key] = find_image(image_file)
        return images[key]

    package.next_partname = next_partname
    package.get_or_add_image_part = get_or_add_image_part


def normalized_package(data: bytes, iso_date: str) -> bytes:
    """The package with entries dated `iso_date` and neutral app properties (no company, no
    template author), so equal inputs give equal bytes and nothing personal leaks from a master."""
    from ..assets import rewritten_package

    stamp = (*dt.date.fromisoformat(iso_date).timetuple()[:3], 0, 0, 0)
    return rewritten_package(data, lambda name, part: APP_XML if name == "docProps/app.xml" else part, stamp)


def _fill_slide(pptx_slide: Any, slide: Slide, number: int, theme: Theme) -> None:
    title_box = theme.box("cover_title" if slide.kind == "cover" else "title")
    _fill_title(pptx_slide.shapes.title, slide, title_box, theme)
    blocks = slide.blocks[1:] if slide.kind == "cover" else slide.blocks
    for block in blocks:
        if isinstance(block, TableBlock):
            _add_table(pptx_slide, block, theme)
        elif isinstance(block, ChartBlock):
            _add_chart(pptx_slide, block)
        elif slide.kind == "cover" and (subtitle := _subtitle(pptx_slide)) is not None:
            _fill_text(_placed(subtitle, block.box), block, theme)
        else:
            _fill_text(_textbox(pptx_slide, block.box), block, theme)
    for ph in [p for p in pptx_slide.placeholders if not p.has_text_frame or not p.text_frame.text]:
        ph._element.getparent().remove(ph._element)
    if slide.kind != "cover":
        _add_title_rule(pptx_slide, theme)
        _add_footer(pptx_slide, number, theme)
    if theme.file("logo") and theme.settings.get("logo_on_slides", True):
        from ..assets import logo_box

        x, y, w, h = logo_box(theme.file("logo"), theme.box("logo"))
        pptx_slide.shapes.add_picture(str(theme.file("logo")), x, y, w, h).name = "Logo"
    if slide.notes:
        pptx_slide.notes_slide.notes_text_frame.text = slide.notes


def _subtitle(pptx_slide: Any) -> Any:
    """The title layout's subtitle placeholder (by type, whatever its index), if any."""
    kinds = ("SUBTITLE", "BODY")
    return next((p for p in pptx_slide.placeholders
                 if p.placeholder_format.type is not None and p.placeholder_format.type.name in kinds), None)


def _placed(shape: Any, box: Box) -> Any:
    shape.left, shape.top, shape.width, shape.height = box.x, box.y, box.w, box.h
    return shape


def _fill_title(shape: Any, slide: Slide, box: Box, theme: Theme) -> None:
    _placed(shape, box)
    if slide.kind == "cover":
        _fill_text(shape, slide.blocks[0], theme)
        return
    block = TextBlock(box, (Paragraph(slide.title, slide.title_pt, -1, True, "primary"),))
    _fill_text(shape, block, theme)


def _textbox(pptx_slide: Any, box: Box) -> Any:
    return pptx_slide.shapes.add_textbox(box.x, box.y, box.w, box.h)


def _fill_text(shape: Any, block: TextBlock, theme: Theme, align: str = "l") -> None:
    """The block's paragraphs in the shape, without autofit or insets beyond the block's padding;
    the paragraphs are written as DrawingML in one parse (fast on long decks)."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.oxml import parse_xml
    from pptx.util import Pt

    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    margin = Pt(block.padding_pt)
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = margin
    if block.fill:
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(theme.color(block.fill).lstrip("#"))
    frame.vertical_anchor = (MSO_ANCHOR.BOTTOM if block.role == "cover_title" else
                             MSO_ANCHOR.MIDDLE if block.anchor == "middle" else MSO_ANCHOR.TOP)
    body = frame._txBody
    for old in body.p_lst:
        body.remove(old)
    paragraphs = "".join(_paragraph_xml(p, theme, align) for p in block.paragraphs) or "<a:p/>"  # never none
    for paragraph in parse_xml(f'<a:ps xmlns:a="{DRAWINGML}">{paragraphs}</a:ps>'):
        body.append(paragraph)


def _paragraph_xml(p: Paragraph, theme: Theme, align: str) -> str:
    """One paragraph: alignment, bullet and hanging indent, fixed line spacing, its text in one styled
    run per line (the lines the deck broke explicitly, joined by line breaks)."""
    indent = int((p.bullet_pt - p.indent_pt) * EMU_PER_PT) if p.level >= 0 else 0
    family = escape(theme.settings["fonts"]["pptx_family"], QUOTES)
    bullet = ('<a:buNone/>' if p.level < 0 else
              f'<a:buSzPct val="100000"/><a:buFont typeface="{family}"/>'
              f'<a:buChar char="{escape(BULLETS[p.level], QUOTES)}"/>')
    ppr = (f'<a:pPr algn="{align}" marL="{int(p.indent_pt * EMU_PER_PT)}" indent="{indent}">'
           f'<a:lnSpc><a:spcPts val="{_centipoints(p.size_pt * theme.size("line_spacing"))}"/></a:lnSpc>'
           f'<a:spcBef><a:spcPts val="{_centipoints(p.space_before_pt)}"/></a:spcBef>'
           f'<a:spcAft><a:spcPts val="0"/></a:spcAft>{bullet}</a:pPr>')
    rpr = (f'<a:rPr sz="{_centipoints(p.size_pt)}" b="{int(p.bold)}" lang="fr-FR"><a:solidFill>'
           f'<a:srgbClr val="{theme.color(p.color).lstrip("#").upper()}"/></a:solidFill>'
           f'<a:latin typeface="{family}"/></a:rPr>')
    runs = f"<a:br>{rpr}</a:br>".join(f"<a:r>{rpr}<a:t>{xml_text(line)}</a:t></a:r>" for line in p.text.split("\n"))
    return f"<a:p>{ppr}{runs}</a:p>"


def xml_text(text: str) -> str:
    """`text` for an <a:t> element: markup escaped, and control characters as python-pptx writes
    them (a vertical tab as "_x000B_"), since XML cannot hold them."""
    return escape(CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text))


def _centipoints(points: float) -> int:
    """Points as DrawingML hundredths of a point, rounded down as python-pptx's Pt() does."""
    return int(points * EMU_PER_PT) // 127


def _add_chart(pptx_slide: Any, block: ChartBlock) -> None:
    """The chart's PNG as a picture whose description is the alt text."""
    box = block.box
    picture = pptx_slide.shapes.add_picture(io.BytesIO(block.png), box.x, box.y, box.w, box.h)
    picture._element.nvPicPr.cNvPr.set("descr", block.alt)
    picture.name = f"Graphique {block.key}"


def _add_table(pptx_slide: Any, block: TableBlock, theme: Theme) -> None:
    """A native table whose rows are written as DrawingML in one parse (fast for long decks)."""
    from pptx.oxml import parse_xml
    from pptx.util import Emu

    box = block.box
    shape = pptx_slide.shapes.add_table(1, len(block.widths), box.x, box.y, box.w, block.height)
    table = shape.table
    table.first_row, table.horz_banding = True, False
    tbl = table._tbl
    for column, width in zip(tbl.tblGrid.gridCol_lst, block.widths):  # not column.width: it re-sums
        column.set("w", str(width))                                    # the grid at every column
    shape.width = Emu(sum(block.widths))
    for tr in tbl.tr_lst:
        tbl.remove(tr)
    rows = "".join(_row_xml(texts, index, height, block, theme)
                   for index, (texts, height) in enumerate(zip((block.header, *block.rows), block.heights)))
    for tr in parse_xml(f'<a:rows xmlns:a="{DRAWINGML}">{rows}</a:rows>'):
        tbl.append(tr)


def _row_xml(texts: tuple[str, ...], row: int, height: int, block: TableBlock, theme: Theme) -> str:
    """One table row: cells with margins, rules, fill, anchor and one paragraph per line of text (the
    lines the deck measured, so the PPTX wraps where the PDF does)."""
    fill = "header_fill" if row == 0 else ("band_fill" if row % 2 == 0 else "background")
    color = theme.color("header_text" if row == 0 else "text").lstrip("#")
    size = block.header_size_pt if row == 0 else block.size_pt
    mx, my = (round(theme.table[k] * 914400) for k in ("cell_margin_x_in", "cell_margin_y_in"))
    anchor = "ctr" if row == 0 else "t"
    run = (f'<a:rPr lang="fr-FR" sz="{round(size * 100)}" b="{int(row == 0)}" dirty="0">'
           f'<a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
           f'<a:latin typeface="{escape(theme.settings["fonts"]["pptx_family"], QUOTES)}"/></a:rPr>')
    ppr = (f'<a:pPr marL="0" indent="0" algn="l"><a:lnSpc><a:spcPts val="{round(size * theme.size("line_spacing") * 100)}"/>'
           '</a:lnSpc><a:spcBef><a:spcPts val="0"/></a:spcBef><a:spcAft><a:spcPts val="0"/></a:spcAft><a:buNone/></a:pPr>')
    cells = "".join(
        '<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>'
        + "".join(f"<a:p>{ppr}<a:r>{run}<a:t>{xml_text(line)}</a:t></a:r></a:p>" for line in text.split("\n"))
        + f'</a:txBody><a:tcPr marL="{mx}" marR="{mx}" marT="{my}" marB="{my}" anchor="{anchor}">{_rules(theme)}'
        f'<a:solidFill><a:srgbClr val="{theme.color(fill).lstrip("#")}"/></a:solidFill></a:tcPr></a:tc>'
        for text in texts)
    return f'<a:tr h="{height}">{cells}</a:tr>'


def _add_title_rule(pptx_slide: Any, theme: Theme) -> None:
    """The template's rule under the title (theme.yaml `title_rule`), if it has one."""
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_CONNECTOR
    from pptx.util import Pt

    rule = theme.settings.get("title_rule")
    if not rule:
        return
    box = theme.box("title")
    line = pptx_slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, box.x, box.y + box.h, box.x + box.w, box.y + box.h)
    line.line.color.rgb = RGBColor.from_string(theme.color(rule["color"]).lstrip("#"))
    line.line.width = Pt(rule["width_pt"])
    line.name = "Filet du titre"


def _rules(theme: Theme) -> str:
    """A cell's four rules, as the PDF draws them: the theme's width and rule colour."""
    width = round(theme.table["rule_pt"] * EMU_PER_PT)
    if width == 0:
        return "".join(f"<a:{side}><a:noFill/></a:{side}>" for side in ("lnL", "lnR", "lnT", "lnB"))
    line = (f'w="{width}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:srgbClr val="'
            f'{theme.color("rule").lstrip("#").upper()}"/></a:solidFill><a:prstDash val="solid"/>')
    return "".join(f"<a:{side} {line}</a:{side}>" for side in ("lnL", "lnR", "lnT", "lnB"))


def _add_footer(pptx_slide: Any, number: int, theme: Theme) -> None:
    box = theme.box("footer")
    footer = theme.settings["footer"]
    text = footer["text"]
    if footer["slide_numbers"]:
        block = TextBlock(box, (Paragraph(str(number), theme.size("footer_pt"), -1, False, "muted"),))
        _fill_text(_textbox(pptx_slide, box), block, theme, align="r")
    if text:
        left = Box(box.x, box.y, box.w * 3 // 4, box.h)
        _fill_text(_textbox(pptx_slide, left),
                   TextBlock(left, (Paragraph(text, theme.size("footer_pt"), -1, False, "muted"),)), theme)


def _set_properties(prs: Any, deck: Deck) -> None:
    """Document properties from the deck metadata, none of python-pptx's defaults."""
    props = prs.core_properties
    stamp = dt.datetime.fromisoformat(deck.date)
    props.title, props.subject = deck.title[:MAX_PROPERTY], deck.subject[:MAX_PROPERTY]
    props.author = props.last_modified_by = "; ".join(deck.authors)[:MAX_PROPERTY]
    props.keywords, props.comments, props.category = "", "", ""
    props.language = "fr-FR"
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
