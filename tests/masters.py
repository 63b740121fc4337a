"""PowerPoint masters made the way institutions get them: saved by LibreOffice from a presentation
with several master pages, a .potx with French layout names, sample slides and personal
metadata, and the same with hostile parts (macros, OLE, ActiveX, linked pictures…) or a zip bomb."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from stsdeck.masters.sanitize import POTX_TYPE, PPTX_TYPE
from stsdeck.render.container import theme_xml

from .rendering import office_pdf

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PERSONAL = ("Dr Jeanne Secret", "06 12 34 56 78", "Hôpital Exemple", "Diapositive d'exemple confidentielle")
FRENCH = ["Diapositive de titre", "Titre et contenu", "En-tête de section", "Deux contenus", "Comparaison",
          "Titre seul", "Vide", "Contenu avec légende", "Image avec légende", "Titre et texte vertical",
          "Titre vertical et texte"]
POTX_COLORS = {"text": "#1C1C1C", "background": "#FFFFFF", "muted": "#4A5A6A", "band_fill": "#E4ECF4",
               "primary": "#0B3D6E", "accent": "#D2691E", "header_fill": "#0B3D6E", "rule": "#A0A8B0"}

FODP = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:meta><meta:initial-creator>Dr Jeanne Secret</meta:initial-creator><dc:creator>Dr Jeanne Secret</dc:creator>
  <meta:user-defined meta:name="Téléphone">06 12 34 56 78</meta:user-defined></office:meta>
 <office:styles>
  <style:style style:name="band" style:family="graphic"><style:graphic-properties draw:fill="solid"
   draw:fill-color="#0B5E55" draw:stroke="none"/></style:style>
  <style:style style:name="big" style:family="graphic"><style:graphic-properties draw:fill="solid"
   draw:fill-color="#E07A1F" draw:stroke="none"/></style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" fo:page-height="15.75cm"
   style:print-orientation="landscape"/></style:page-layout>
  <style:style style:name="dp1" style:family="drawing-page"><style:drawing-page-properties draw:fill="solid"
   draw:fill-color="#F4F1EA" presentation:background-visible="true" presentation:background-objects-visible="true"/>
  </style:style>
  <style:style style:name="dp2" style:family="drawing-page"><style:drawing-page-properties draw:fill="solid"
   draw:fill-color="#FFFFFF" presentation:background-visible="true" presentation:background-objects-visible="true"/>
  </style:style>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Couverture" style:page-layout-name="PM1" draw:style-name="dp1">
   <draw:rect draw:style-name="big" svg:x="0cm" svg:y="9cm" svg:width="28cm" svg:height="6.75cm"/>
  </style:master-page>
  <style:master-page style:name="Contenu" style:page-layout-name="PM1" draw:style-name="dp2">
   <draw:rect draw:style-name="band" svg:x="0cm" svg:y="0cm" svg:width="28cm" svg:height="0.6cm"/>
   <draw:rect draw:style-name="band" svg:x="0cm" svg:y="15.2cm" svg:width="28cm" svg:height="0.55cm"/>
  </style:master-page>
 </office:master-styles>
 <office:body><office:presentation>
  <draw:page draw:name="p1" draw:master-page-name="Couverture">
   <draw:frame presentation:class="title" svg:x="2cm" svg:y="2cm" svg:width="24cm" svg:height="3cm">
    <draw:text-box><text:p>Diapositive d'exemple confidentielle</text:p></draw:text-box></draw:frame>
   <draw:frame presentation:class="subtitle" svg:x="2cm" svg:y="5.5cm" svg:width="24cm" svg:height="3cm">
    <draw:text-box><text:p>Dr Jeanne Secret, Hôpital Exemple</text:p></draw:text-box></draw:frame>
  </draw:page>
  <draw:page draw:name="p2" draw:master-page-name="Contenu">
   <draw:frame presentation:class="title" svg:x="1.2cm" svg:y="1cm" svg:width="25.6cm" svg:height="2cm">
    <draw:text-box><text:p>Contenu d'exemple</text:p></draw:text-box></draw:frame>
   <draw:frame presentation:class="outline" svg:x="1.2cm" svg:y="3.4cm" svg:width="25.6cm" svg:height="10.8cm">
    <draw:text-box><text:p>Joindre le 06 12 34 56 78</text:p></draw:text-box></draw:frame>
  </draw:page>
 </office:presentation></office:body>
</office:document>
"""


def libreoffice_master(folder: Path) -> Path:
    """A .pptx saved by LibreOffice from a presentation with two master pages (a cover with a large
    orange block, a content page with two bands), 28 × 15,75 cm, two sample slides and an author."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "charte-lo.fodp"
    source.write_text(FODP, encoding="utf-8")
    office_pdf(source, folder, "pptx")
    return folder / "charte-lo.pptx"


def _rect_xml(shape_id: int, name: str, box: tuple[int, int, int, int], color: str) -> str:
    x, y, w, h = box
    return (f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr/><p:nvPr/>'
            f'</p:nvSpPr><p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="{color}"/></a:solidFill>'
            '<a:ln><a:noFill/></a:ln></p:spPr></p:sp>')


def _add_artwork(owner: object, shape_id: int, name: str, box: tuple[int, int, int, int], color: str) -> None:
    owner.shapes._spTree.append(etree.fromstring(_rect_xml(shape_id, name, box, color)))


def potx_master(path: Path) -> Path:
    """A 4:3 .potx with French layout names, a navy band on the master and a navy block on the title
    layout, its own theme (navy, orange, Calibri), two sample slides, an author, a company, custom
    properties with a phone number, and a thumbnail."""
    prs = Presentation()
    for layout, name in zip(prs.slide_layouts, FRENCH):
        layout.name = name
    width, height = prs.slide_width, prs.slide_height
    _add_artwork(prs.slide_master, 90, "Bandeau", (0, height - 320040, width, 320040), "0B3D6E")
    _add_artwork(prs.slide_layouts[0], 91, "Bloc de couverture", (0, 0, width, 1371600), "0B3D6E")
    part = prs.slide_master.part.part_related_by(RT.THEME)
    part._blob = theme_xml(part.blob, "Charte bleue", POTX_COLORS, "Calibri")
    cover = prs.slides.add_slide(prs.slide_layouts[0])
    cover.shapes.title.text = PERSONAL[3]
    cover.placeholders[1].text = f"{PERSONAL[0]}, {PERSONAL[2]}"
    sample = prs.slides.add_slide(prs.slide_layouts[1])
    sample.shapes.title.text = "Contenu d'exemple"
    sample.placeholders[1].text = f"Joindre le {PERSONAL[1]}"
    prs.core_properties.author = prs.core_properties.last_modified_by = PERSONAL[0]
    out = io.BytesIO()
    prs.save(out)
    path.write_bytes(_with_personal_parts(out.getvalue()))
    return path


def _with_personal_parts(data: bytes) -> bytes:
    """The package as a .potx, with app.xml naming a company and custom.xml a phone number."""
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats'
           '.org/officeDocument/2006/extended-properties"><Application>Microsoft Office PowerPoint</Application>'
           f'<Company>{PERSONAL[2]}</Company><Manager>{PERSONAL[0]}</Manager></Properties>')
    custom = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats'
              '.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
              '2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Téléphone">'
              f'<vt:lpwstr>{PERSONAL[1]}</vt:lpwstr></property></Properties>')
    parts = {"docProps/app.xml": app.encode(), "docProps/custom.xml": custom.encode()}
    rels = {"_rels/.rels": [("rIdCustom", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                             "custom-properties", "docProps/custom.xml", "")]}
    types = [("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")]
    return edited(data, parts, rels, types, main=POTX_TYPE)


def edited(data: bytes, parts: dict[str, bytes], rels: dict[str, list[tuple[str, str, str, str]]],
           overrides: list[tuple[str, str]], main: str | None = None,
           xml: dict[str, object] | None = None) -> bytes:
    """The package with `parts` added or replaced, relationships (id, type, target, mode) added to
    the .rels parts named, content-type overrides added, the main type switched to `main`, and
    `xml[name](root)` applied to XML parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = list(dict.fromkeys([*source.namelist(), *parts, *rels]))
        for name in names:
            content = parts.get(name) or (source.read(name) if name in source.namelist() else
                                         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                         b'relationships"/>')
            if name in rels:
                root = etree.fromstring(content)
                for rid, kind, where, mode in rels[name]:
                    attrs = {"Id": rid, "Type": kind, "Target": where} | ({"TargetMode": mode} if mode else {})
                    etree.SubElement(root, "{http://schemas.openxmlformats.org/package/2006/relationships}"
                                           "Relationship", attrs)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if xml and name in xml:
                root = etree.fromstring(content)
                xml[name](root)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if name == "[Content_Types].xml":
                content = _types(content, overrides, main)
            target.writestr(name, content)
    return out.getvalue()


def _types(content: bytes, overrides: list[tuple[str, str]], main: str | None) -> bytes:
    if main:
        content = content.replace(PPTX_TYPE.encode(), main.encode())
    root = etree.fromstring(content)
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    for part, kind in overrides:
        etree.SubElement(root, ct + "Override", PartName=part, ContentType=kind)
    etree.SubElement(root, ct + "Default", Extension="bin", ContentType="application/octet-stream")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OLE_FRAME = (f'<p:graphicFrame xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}"><p:nvGraphicFramePr><p:cNvPr id="95" '
             'name="Objet OLE"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x="0" y="0"/>'
             '<a:ext cx="914400" cy="914400"/></p:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats'
             '.org/presentationml/2006/ole"><p:oleObj r:id="rIdOle" progId="Excel.Sheet.12"><p:embed/></p:oleObj>'
             '</a:graphicData></a:graphic></p:graphicFrame>')
LINKED = (f'<p:pic xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}"><p:nvPicPr><p:cNvPr id="{{id}}" name="Image liée"/>'
          '<p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/>'
          '</a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
          '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>')
LINKS = (f'<p:sp xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}"><p:nvSpPr><p:cNvPr id="97" name="Liens"/><p:cNvSpPr '
         'txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/>'
         '</a:xfrm></p:spPr><p:txBody><a:bodyPr/><a:p><a:r><a:rPr><a:hlinkClick r:id="rIdWeb"/></a:rPr>'
         '<a:t>site</a:t></a:r><a:r><a:rPr><a:hlinkClick r:id="rIdProgram" action="ppaction://program"/></a:rPr>'
         '<a:t>programme</a:t></a:r></a:p></p:txBody></p:sp>')


def hostile(data: bytes) -> bytes:
    """A master with what must never reach a deck: macros, an OLE object and an ActiveX control on
    the slide master, pictures linked to a UNC share and a web tracker on the title layout, a
    programme link beside a web link, printer settings, comment authors, a thumbnail."""
    master, layout = "ppt/slideMasters/slideMaster1.xml", "ppt/slideLayouts/slideLayout1.xml"

    def on_master(root: object) -> None:
        tree = root.find(f"{{{P}}}cSld/{{{P}}}spTree")
        tree.append(etree.fromstring(OLE_FRAME))
        controls = etree.fromstring(f'<p:controls xmlns:p="{P}" xmlns:r="{R}"><p:control r:id="rIdAx" '
                                    'name="CaseACocher1" spid="_x0000_s1025"/></p:controls>')
        tree.addnext(controls)

    def on_layout(root: object) -> None:
        tree = root.find(f"{{{P}}}cSld/{{{P}}}spTree")
        for shape_id, rid in ((98, "rIdUnc"), (99, "rIdWebPicture")):
            tree.append(etree.fromstring(LINKED.replace("{id}", str(shape_id)).replace("{rid}", rid)))
        tree.append(etree.fromstring(LINKS))

    parts = {"ppt/vbaProject.bin": b"VBA macro", "ppt/embeddings/oleObject1.bin": b"OLE",
             "ppt/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
             "ppt/printerSettings/printerSettings1.bin": b"printer " + PERSONAL[0].encode(),
             "ppt/comments/comment1.xml": (f'<p:cmLst xmlns:p="{P}"><p:cm authorId="0" idx="1"><p:pos x="0" y="0"/>'
                                           f'<p:text>Appeler le {PERSONAL[1]}</p:text></p:cm></p:cmLst>').encode(),
             "ppt/commentAuthors.xml": (f'<p:cmAuthorLst xmlns:p="{P}"><p:cmAuthor id="0" name="{PERSONAL[0]}" '
                                        'initials="JS" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>').encode()}
    rels = {
        "ppt/_rels/presentation.xml.rels": [
            ("rIdVba", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin", ""),
            ("rIdPrinter", RELS + "printerSettings", "printerSettings/printerSettings1.bin", ""),
            ("rIdAuthors", RELS + "commentAuthors", "commentAuthors.xml", "")],
        "ppt/slides/_rels/slide1.xml.rels": [("rIdComments", RELS + "comments", "../comments/comment1.xml", "")],
        "ppt/slideMasters/_rels/slideMaster1.xml.rels": [
            ("rIdOle", RELS + "oleObject", "../embeddings/oleObject1.bin", ""),
            ("rIdAx", RELS + "control", "../activeX/activeX1.xml", "")],
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels": [
            ("rIdUnc", RELS + "image", "file://///serveur/partage/logo.png", "External"),
            ("rIdWebPicture", RELS + "image", "http://traceur.exemple.org/pixel.png", "External"),
            ("rIdWeb", RELS + "hyperlink", "https://www.exemple.org/", "External"),
            ("rIdProgram", RELS + "hyperlink", "file:///C:/Windows/System32/calc.exe", "External")]}
    types = [("/ppt/commentAuthors.xml", "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml"),
             ("/ppt/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
             ("/ppt/comments/comment1.xml", "application/vnd.openxmlformats-officedocument.presentationml.comments+xml")]
    return edited(data, parts, rels, types, xml={master: on_master, layout: on_layout})


def with_layout_text(data: bytes, prefix: bytes) -> bytes:
    """The master with `prefix` (a DOCTYPE, say) before its first layout's root and an entity
    reference in that layout's name."""
    name = "ppt/slideLayouts/slideLayout1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        layout = source.read(name)
    body = layout.split(b"?>", 1)[1] if layout.startswith(b"<?xml") else layout
    body = body.replace(b'<p:cSld name="', b'<p:cSld name="&perso;', 1)
    return edited(data, {name: b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prefix + body}, {}, [])


def zip_bomb(data: bytes, inflated: int, declared: int | None = None, name: str = "ppt/media/image99.png") -> bytes:
    """The master with part `name` (added, or in place of the master's) made of `inflated` bytes
    of zeros that take a few megabytes compressed; its local and central headers declare
    `declared` bytes (the truth by default). Written by hand: one deflate block of a mebibyte of
    zeros, repeated."""
    block_size = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(block_size)) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * (inflated // block_size) + b"\x03\x00"  # an empty final block
    size = inflated if declared is None else declared
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename.encode(), source.read(info)) for info in source.infolist() if info.filename != name]
    out, central = io.BytesIO(), []
    for filename, content in entries:
        compressed = zlib.compress(content, 6)[2:-4]
        central.append(_entry(out, filename, compressed, zlib.crc32(content), len(content)))
    central.append(_entry(out, name.encode(), stream, 0, size))
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _entry(out: io.BytesIO, name: bytes, compressed: bytes, crc: int, size: int) -> bytes:
    """Write one deflated entry's local header and data; return its central directory record."""
    offset = out.tell()
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(compressed), size, len(name), 0))
    out.write(name + compressed)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(compressed), size,
                       len(name), 0, 0, 0, 0, 0, offset) + name
