"""Regenerate src/stsdeck/templates/clinique/{master.pptx,logo.png}: an institution-like master to prove templates.

The master has French layout names, its own background, band and logo, a leftover slide and
personal metadata (author, company) that stsdeck must never carry into a built deck.
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
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

HERE = Path(__file__).resolve().parents[1] / "src" / "stsdeck" / "templates" / "clinique"
FRENCH_LAYOUTS = ["Diapositive de titre", "Titre et contenu", "Titre de section", "Deux contenus",
                  "Comparaison", "Titre seul", "Vide", "Contenu avec légende", "Image avec légende",
                  "Titre et texte vertical", "Titre vertical et texte"]
BURGUNDY, CREAM = "7A1F3D", "FBF8F4"


def make_logo(path: Path) -> None:
    """A 480 × 160 emblem: burgundy block with a white cross and the institution's name."""
    image = Image.new("RGB", (480, 160), "#" + CREAM)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, 156, 156), radius=24, fill="#" + BURGUNDY)
    draw.rectangle((66, 30, 94, 130), fill="white")
    draw.rectangle((30, 66, 130, 94), fill="white")
    font = ImageFont.truetype(str(HERE / "fonts" / "Carlito-Bold.ttf"), 54)
    draw.text((176, 22), "Clinique", fill="#" + BURGUNDY, font=font)
    draw.text((176, 84), "Exemple", fill="#1B7F79", font=font)
    image.save(path, format="PNG", optimize=True)


def set_background(master: object) -> None:
    """A solid cream background on the slide master."""
    c_sld = master._element.find(qn("p:cSld"))
    bg = etree.SubElement(c_sld, qn("p:bg"))
    c_sld.remove(bg)
    c_sld.insert(0, bg)
    pr = etree.SubElement(bg, qn("p:bgPr"))
    fill = etree.SubElement(pr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=CREAM)
    etree.SubElement(pr, qn("a:effectLst"))


def add_band_and_logo(prs: Presentation, logo: Path) -> None:
    """Draw a band and the logo on a scratch slide, then move both onto the slide master."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    master = prs.slide_master
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    band = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(7.3), prs.slide_width, Inches(0.2))
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor.from_string(BURGUNDY)
    band.line.fill.background()
    picture = scratch.shapes.add_picture(str(logo), Inches(11.55), Inches(0.3), height=Inches(0.6))
    image_part = scratch.part.related_part(picture._element.blipFill.blip.rEmbed)
    picture._element.blipFill.blip.set(qn("r:embed"), master.part.relate_to(image_part, RT.IMAGE))
    tree = master.shapes._spTree
    for element in (band._element, picture._element):
        tree.append(element)
    slide_ids = prs.slides._sldIdLst
    prs.part.drop_rel(slide_ids[-1].rId)
    slide_ids.remove(slide_ids[-1])


def make_master(path: Path, logo: Path) -> None:
    prs = Presentation()
    factor = 12192000 / prs.slide_width
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)
    master = prs.slide_master
    for shape in [s for m in [master, *prs.slide_layouts] for s in m.shapes]:
        shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)
    for layout, name in zip(prs.slide_layouts, FRENCH_LAYOUTS):
        layout.name = name
    set_background(master)
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
            target.writestr(entry, content)
    return out.getvalue()


if __name__ == "__main__":
    make_logo(HERE / "logo.png")
    make_master(HERE / "master.pptx", HERE / "logo.png")
    print(f"écrit : {HERE / 'master.pptx'}, {HERE / 'logo.png'}")
