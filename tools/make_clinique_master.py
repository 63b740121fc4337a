"""Regenerate src/stsdeck/templates/clinique/{master.pptx,logo.png,backgrounds/}: an institution-like
master to prove templates.

The master has French layout names, its own background, band, logo and theme (the clinique's
colours and Calibri), a leftover slide and personal metadata (author, company) that stsdeck must
never carry into a built deck. Its PDF backgrounds are rendered again by LibreOffice.
Run: python tools/make_clinique_master.py
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image, ImageDraw, ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Inches

from stsdeck.render.container import fit_slide_size, theme_xml

HERE = Path(__file__).resolve().parents[1] / "src" / "stsdeck" / "templates" / "clinique"
FRENCH_LAYOUTS = ["Diapositive de titre", "Titre et contenu", "Titre de section", "Deux contenus",
                  "Comparaison", "Titre seul", "Vide", "Contenu avec légende", "Image avec légende",
                  "Titre et texte vertical", "Titre vertical et texte"]
BURGUNDY, TEAL, CREAM = "7A1F3D", "1B7F79", "FBF8F4"
THEME_COLORS = {"text": "#2B2B2B", "background": "#" + CREAM, "muted": "#6B5B5F", "band_fill": "#F3E6EA",
                "primary": "#" + BURGUNDY, "accent": "#" + TEAL, "header_fill": "#" + BURGUNDY,
                "rule": "#C9B7BC"}


def make_logo(path: Path) -> None:
    """A 480 × 160 emblem on a transparent ground: burgundy block with a white cross, the name."""
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, 156, 156), radius=24, fill="#" + BURGUNDY)
    draw.rectangle((66, 30, 94, 130), fill="white")
    draw.rectangle((30, 66, 130, 94), fill="white")
    font = ImageFont.truetype(str(HERE / "fonts" / "Carlito-Bold.ttf"), 54)
    draw.text((176, 22), "Clinique", fill="#" + BURGUNDY, font=font)
    draw.text((176, 84), "Exemple", fill="#" + TEAL, font=font)
    image.save(path, format="PNG", optimize=True)


def set_background(master: object) -> None:
    """A solid cream background on the slide master, in place of python-pptx's (one p:bg, first in
    p:cSld as the schema wants)."""
    c_sld = master._element.find(qn("p:cSld"))
    for old in c_sld.findall(qn("p:bg")):
        c_sld.remove(old)
    bg = etree.Element(qn("p:bg"))
    c_sld.insert(0, bg)
    pr = etree.SubElement(bg, qn("p:bgPr"))
    fill = etree.SubElement(pr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=CREAM)
    etree.SubElement(pr, qn("a:effectLst"))


def add_band_and_logo(prs: Presentation, logo: Path) -> None:
    """Draw a band and the logo on a scratch slide, then move both onto the slide master."""
    master = prs.slide_master
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    band = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(7.3), prs.slide_width, Inches(0.2))
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor.from_string(BURGUNDY)
    band.line.fill.background()
    band.shadow.inherit = False
    picture = scratch.shapes.add_picture(str(logo), Inches(11.55), Inches(0.3), height=Inches(0.6))
    image_part = scratch.part.related_part(picture._element.blipFill.blip.rEmbed)
    picture._element.blipFill.blip.set(qn("r:embed"), master.part.relate_to(image_part, RT.IMAGE))
    tree = master.shapes._spTree
    for element in (band._element, picture._element):
        tree.append(element)
    slide_ids = prs.slides._sldIdLst
    prs.part.drop_rel(slide_ids[-1].rId)
    slide_ids.remove(slide_ids[-1])


def set_theme(prs: Presentation) -> None:
    """The master's theme: the clinique's colours, Calibri."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    part._blob = theme_xml(part.blob, "Clinique Exemple", THEME_COLORS, "Calibri")


def make_master(path: Path, logo: Path) -> None:
    prs = Presentation()
    fit_slide_size(prs, 12192000, 6858000)
    for layout, name in zip(prs.slide_layouts, FRENCH_LAYOUTS):
        layout.name = name
    set_background(prs.slide_master)
    set_theme(prs)
    add_band_and_logo(prs, logo)
    leftover = prs.slides.add_slide(prs.slide_layouts[0])
    leftover.shapes.title.text = "Diapositive du masque : ne doit pas apparaître dans le diaporama"
    props = prs.core_properties
    props.author, props.last_modified_by = "Dr Martin Exemple", "Secrétariat Clinique Exemple"
    props.title = "Masque institutionnel"
    buffer = io.BytesIO()
    prs.save(buffer)
    path.write_bytes(with_company(buffer.getvalue(), "Clinique Exemple"))


def with_company(data: bytes, company: str) -> bytes:
    """The package with an app.xml naming a company, as a real institution's master has."""
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
           'openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office '
           f'PowerPoint</Application><Company>{company}</Company><Manager>Dr Martin Exemple</Manager></Properties>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = app.encode() if entry.filename == "docProps/app.xml" else source.read(entry)
            info = zipfile.ZipInfo(entry.filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def render_backgrounds() -> int:
    """The PDF backgrounds of the layouts the clinique template uses, from the new master."""
    from stsdeck.cli import run

    return run(["template", "check", str(HERE), "--backgrounds"])


if __name__ == "__main__":
    make_logo(HERE / "logo.png")
    make_master(HERE / "master.pptx", HERE / "logo.png")
    print(f"écrit : {HERE / 'master.pptx'}, {HERE / 'logo.png'}")
    raise SystemExit(render_backgrounds())
