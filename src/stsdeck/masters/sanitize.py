"""A master reduced to what a deck needs: its slide masters, layouts, themes and the pictures they
show (plain web hyperlinks kept). Everything else — sample slides, macros, OLE and ActiveX objects,
external links, document properties, thumbnails, printer settings, comments — is left behind and
named, in French, for `template check`."""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TemplateError
from .package import Package, refused

NS = {
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PML = "application/vnd.openxmlformats-officedocument.presentationml."
PPTX_TYPE = PML + "presentation.main+xml"
POTX_TYPE = PML + "template.main+xml"
MAIN_TYPES = {PPTX_TYPE, POTX_TYPE, PML + "slideshow.main+xml",
              "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
              "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
              "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml"}
CONTENT_TYPES = {
    "presentation": PPTX_TYPE,
    "slideMaster": PML + "slideMaster+xml",
    "slideLayout": PML + "slideLayout+xml",
    "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    "presProps": PML + "presProps+xml",
    "viewProps": PML + "viewProps+xml",
    "tableStyles": PML + "tableStyles+xml",
}
PART_NAMES = {"slideMaster": "ppt/slideMasters/slideMaster{}.xml", "slideLayout": "ppt/slideLayouts/slideLayout{}.xml",
              "theme": "ppt/theme/theme{}.xml", "presProps": "ppt/presProps.xml",
              "viewProps": "ppt/viewProps.xml", "tableStyles": "ppt/tableStyles.xml"}
KEPT = {  # relationship kinds followed from each kind of part
    "presentation": ("slideMaster", "theme", "presProps", "viewProps", "tableStyles"),
    "slideMaster": ("slideLayout", "theme", "image", "hyperlink"),
    "slideLayout": ("slideMaster", "image", "hyperlink"),
    "theme": ("image",),
}
IMAGES = {  # format: (signature at offset, extension, content type)
    "png": ((0, b"\x89PNG\r\n\x1a\n"), "png", "image/png"),
    "jpeg": ((0, b"\xff\xd8\xff"), "jpeg", "image/jpeg"),
    "gif": ((0, b"GIF8"), "gif", "image/gif"),
    "emf": ((40, b" EMF"), "emf", "image/x-emf"),
    "wmf": ((0, b"\xd7\xcd\xc6\x9a"), "wmf", "image/x-wmf"),
}
WEB = ("http://", "https://", "mailto:")
LABELS = {  # what a dropped relationship kind is, for the user
    "slide": "diapositives d'exemple", "notesSlide": "pages de notes", "notesMaster": "masque des pages de notes",
    "handoutMaster": "masque du document à distribuer", "vbaProject": "macros VBA",
    "oleObject": "objets OLE incorporés", "package": "documents incorporés",
    "control": "contrôles ActiveX", "activeXControlBinary": "contrôles ActiveX",
    "core-properties": "propriétés du document (auteur, titre, dates)",
    "extended-properties": "propriétés étendues (société, responsable, application)",
    "custom-properties": "propriétés personnalisées", "thumbnail": "miniature",
    "printerSettings": "paramètres d'imprimante", "font": "polices incorporées",
    "commentAuthors": "auteurs des commentaires", "authors": "auteurs des commentaires",
    "comments": "commentaires", "tags": "balises de programmes (tags)", "customXml": "données XML personnalisées",
    "vmlDrawing": "dessins VML (objets OLE ou ActiveX)", "audio": "sons et vidéos", "video": "sons et vidéos",
    "media": "sons et vidéos", "chart": "graphiques", "diagramData": "diagrammes SmartArt",
    "diagramLayout": "diagrammes SmartArt", "diagramQuickStyle": "diagrammes SmartArt",
    "diagramColors": "diagrammes SmartArt", "diagramDrawing": "diagrammes SmartArt",
    "origin": "signatures numériques", "revisionInfo": "historique des révisions",
    "changesInfo": "historique des révisions", "hyperlink": "liens hypertextes autres que web",
    "external": "liens vers l'extérieur", "image": "images d'un format non retenu (SVG, TIFF…)",
}
SLIDE_CONTENT = ("image", "slideLayout", "hyperlink", "slide")  # a sample slide's own, not named
# Elements removed whole when they refer to something left behind, before the enclosing shape.
SELF_CONTAINED = {"ext", "hlinkClick", "hlinkHover", "hlinkMouseOver", "bg", "timing", "transition",
                  "custDataLst", "controls", "embeddedFontLst"}
HYPERLINKS = ("hlinkClick", "hlinkHover", "hlinkMouseOver")
PRES_PROPS = b'<p:presentationPr xmlns:a="%s" xmlns:r="%s" xmlns:p="%s"/>'
VIEW_PROPS = b'<p:viewPr xmlns:a="%s" xmlns:r="%s" xmlns:p="%s"/>'
STAMP = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Sanitized:
    """The master as a clean .pptx package, what was left out of it, and its source's digest."""

    data: bytes
    dropped: tuple[str, ...]
    source_digest: str


@dataclass
class _Part:
    """A part of the clean package: its new name, content type, content and relationships."""

    name: str
    content_type: str
    xml: Any = None
    data: bytes = b""
    rels: list[tuple[str, str, str, bool]] = field(default_factory=list)  # id, kind, target, external


_CACHE: dict[tuple[str, int, int], Sanitized | TemplateError] = {}


def sanitized(path: Path) -> Sanitized:
    """The clean form of the master at `path` (remembered while the file is unchanged), or
    TemplateError when it is refused."""
    stat = path.stat() if path.is_file() else None
    key = (str(path.resolve()), stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1)
    if key not in _CACHE:
        try:
            _CACHE[key] = _Cleaner(Package(path)).run()
        except TemplateError as exc:
            _CACHE[key] = exc
    result = _CACHE[key]
    if isinstance(result, TemplateError):
        raise TemplateError(str(result))
    return result


def _kind(rel_type: str) -> str:
    return rel_type.rstrip("/").rsplit("/", 1)[-1]


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sniff(data: bytes) -> str | None:
    """The picture format of `data` by its signature, if it is one a deck keeps."""
    for name, ((offset, signature), _, _) in IMAGES.items():
        if data[offset:offset + len(signature)] == signature:
            return name
    return "wmf" if data[:4] in (b"\x01\x00\x09\x00", b"\x02\x00\x09\x00") else None


class _Cleaner:
    """One pass over a package: follow the relationships a deck needs, copy and scrub those parts."""

    def __init__(self, package: Package):
        self.package = package
        self.parts: dict[str, _Part] = {}  # new name -> part
        self.renamed: dict[str, str] = {}  # source name -> new name
        self.counters: dict[str, int] = {}
        self.dropped: dict[str, list[str]] = {}
        self.visited: set[str] = {"[Content_Types].xml", "_rels/.rels"}

    def run(self) -> Sanitized:
        main = self._main_part()
        self._presentation(main)
        self._orphans()
        return Sanitized(self._zip(), self._report(), hashlib.sha256(self.package.path.read_bytes()).hexdigest())

    # --- walking -------------------------------------------------------------------------------

    def _main_part(self) -> str:
        """The presentation part named by the package relationships (the others are dropped)."""
        if not self.package.has("[Content_Types].xml") or not self.package.has("_rels/.rels"):
            raise refused(self.package.path, "pas un fichier PowerPoint : [Content_Types].xml ou _rels/.rels absent")
        main = None
        for _, kind, target, external in self._rels("", "_rels/.rels"):
            if kind == "officeDocument" and not external and main is None:
                main = target
            else:
                self._drop(kind, target, external)
        if main is None or self._content_type(main) not in MAIN_TYPES:
            raise refused(self.package.path, "pas une présentation PowerPoint (.pptx ou .potx)")
        return main

    def _content_type(self, name: str) -> str:
        types = self.package.xml("[Content_Types].xml")
        for override in types.iterfind("ct:Override", NS):
            if override.get("PartName", "").lstrip("/") == name:
                return override.get("ContentType", "")
        extension = name.rsplit(".", 1)[-1].lower()
        return next((d.get("ContentType", "") for d in types.iterfind("ct:Default", NS)
                     if d.get("Extension", "").lower() == extension), "")

    def _rels(self, source: str, rels_name: str | None = None) -> list[tuple[str, str, str, bool]]:
        """(id, kind, target, external) of `source`'s relationships, targets resolved in the package."""
        folder, base = posixpath.split(source)
        rels_name = rels_name or posixpath.join(folder, "_rels", base + ".rels")
        self.visited.add(rels_name)
        if not self.package.has(rels_name):
            return []
        found = []
        for rel in self.package.xml(rels_name).iterfind("pr:Relationship", NS):
            target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
            if not external:
                joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                target = posixpath.normpath(joined)
                if target.startswith("..") or not self.package.has(target):
                    target = ""
            found.append((rel.get("Id", ""), _kind(rel.get("Type", "")), target, external))
        return found

    def _drop(self, kind: str, target: str, external: bool) -> None:
        """Note a relationship left behind (its part is never read)."""
        if external:
            self.dropped.setdefault(LABELS["external"], []).append(target)
            return
        if target:
            self.visited.add(target)
        self.dropped.setdefault(LABELS.get(kind, "autres parties"), []).append(target or "?")
        if kind == "slide" and target:
            self._drop_slide_parts(target)

    def _drop_slide_parts(self, slide: str) -> None:
        """Name what a sample slide carries (notes, comments, objects); its pictures and layout go
        unnamed (a deck keeps them only if the master uses them)."""
        for _, kind, target, external in self._rels(slide):
            if external or not target or target in self.visited:
                continue
            if kind in LABELS and kind not in SLIDE_CONTENT:
                self._drop(kind, target, external)
            elif kind != "image":
                self.visited.add(target)

    def _new_name(self, kind: str, source: str, extension: str = "") -> str:
        number = self.counters[kind] = self.counters.get(kind, 0) + 1
        name = f"ppt/media/image{number}.{extension}" if kind == "image" else PART_NAMES[kind].format(number)
        self.renamed[source] = name
        self.visited.add(source)
        return name

    def _presentation(self, source: str) -> None:
        self.visited.add(source)
        rels = self._follow(source, "presentation")
        for kind in ("presProps", "viewProps"):  # PowerPoint wants both; some masters lack them
            if kind not in {rel_kind for _, rel_kind, _, _ in rels}:
                rels.append((f"rIdStsdeck{kind}", kind, self._xml_part(kind, f"<{kind}>"), False))
        root = self.package.xml(source)
        part = _Part("ppt/presentation.xml", CONTENT_TYPES["presentation"], rels=rels)
        part.xml = _presentation_xml(root, rels, self.package.path)
        self.parts[part.name] = part

    def _follow(self, source: str, kind: str) -> list[tuple[str, str, str, bool]]:
        """The relationships of `source` a deck keeps, their targets copied (renamed); the others dropped."""
        kept = []
        for rid, rel_kind, target, external in self._rels(source):
            new = self._target(rel_kind, target, external, kind)
            if new is None:
                self._drop(rel_kind, target, external)
            else:
                kept.append((rid, rel_kind, new, external))
        return kept

    def _target(self, rel_kind: str, target: str, external: bool, source_kind: str) -> str | None:
        """The new name (or kept URL) of a relationship's target, or None when it is left behind."""
        if rel_kind not in KEPT[source_kind]:
            return None
        if rel_kind == "hyperlink":
            return target if external and target.lower().startswith(WEB) else None
        if external or not target:
            return None
        if target in self.renamed:
            return self.renamed[target]
        if rel_kind == "image":
            return self._image(target)
        return self._xml_part(rel_kind, target)

    def _image(self, source: str) -> str | None:
        data = self.package.read(source)
        image = _sniff(data)
        if image is None:
            return None
        _, extension, content_type = IMAGES[image]
        part = _Part(self._new_name("image", source, extension), content_type, data=data)
        self.parts[part.name] = part
        return part.name

    def _xml_part(self, kind: str, source: str) -> str:
        name = self._new_name(kind, source)
        if kind in ("presProps", "viewProps"):
            blob = (PRES_PROPS if kind == "presProps" else VIEW_PROPS) % tuple(NS[k].encode() for k in "arp")
            self.parts[name] = _Part(name, CONTENT_TYPES[kind], data=b'<?xml version="1.0" encoding="UTF-8" '
                                     b'standalone="yes"?>\n' + blob)
            return name
        part = _Part(name, CONTENT_TYPES[kind])
        self.parts[name] = part  # before its relationships: a layout points back to its master
        part.xml = self.package.xml(source)
        part.rels = self._follow(source, kind) if kind in KEPT else []
        _scrub(part.xml, part.rels, self.dropped)
        return name

    def _orphans(self) -> None:
        """Parts no relationship reached: left behind too."""
        orphans = [n for n in self.package.names if n not in self.visited and not n.endswith(".rels")]
        if orphans:
            self.dropped.setdefault("parties non reliées", []).extend(orphans)

    # --- writing -------------------------------------------------------------------------------

    def _zip(self) -> bytes:
        import io

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in self._entries():
                info = zipfile.ZipInfo(name, date_time=STAMP)
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                target.writestr(info, data)
        return out.getvalue()

    def _entries(self) -> list[tuple[str, bytes]]:
        from lxml import etree

        entries = [("[Content_Types].xml", self._content_types()),
                   ("_rels/.rels", _rels_xml([("rId1", "officeDocument", "ppt/presentation.xml", False)], ""))]
        for part in self.parts.values():
            data = part.data if part.xml is None else etree.tostring(
                part.xml, xml_declaration=True, encoding="UTF-8", standalone=True)
            entries.append((part.name, data))
            if part.rels:
                folder, base = posixpath.split(part.name)
                entries.append((posixpath.join(folder, "_rels", base + ".rels"), _rels_xml(part.rels, part.name)))
        return entries

    def _content_types(self) -> bytes:
        from xml.sax.saxutils import quoteattr

        defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
        defaults |= {extension: ctype for _, extension, ctype in IMAGES.values()}
        lines = [f'<Default Extension="{e}" ContentType="{c}"/>' for e, c in defaults.items()]
        lines += [f'<Override PartName={quoteattr("/" + p.name)} ContentType="{p.content_type}"/>'
                  for p in self.parts.values() if p.xml is not None or p.name.endswith(".xml")]
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{NS["ct"]}">'
                + "".join(lines) + "</Types>").encode()

    def _report(self) -> tuple[str, ...]:
        lines = []
        for label, items in sorted(self.dropped.items()):
            unique = list(dict.fromkeys(items))
            if label == LABELS["slide"]:
                lines.append(f"{label} : {len(unique)}")
                continue
            shown = ", ".join(unique[:3]) + (f" et {len(unique) - 3} autre(s)" if len(unique) > 3 else "")
            lines.append(f"{label} : {shown}")
        return tuple(lines)


def _rels_xml(rels: list[tuple[str, str, str, bool]], source: str) -> bytes:
    from xml.sax.saxutils import quoteattr

    folder = posixpath.dirname(source)
    lines = []
    for rid, kind, target, external in rels:
        where = target if external else posixpath.relpath(target, folder or ".")
        mode = ' TargetMode="External"' if external else ""
        rel_type = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/" + kind)
        lines.append(f'<Relationship Id={quoteattr(rid)} Type="{rel_type}" Target={quoteattr(where)}{mode}/>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{NS["pr"]}">'
            + "".join(lines) + "</Relationships>").encode()


def _presentation_xml(root: Any, rels: list[tuple[str, str, str, bool]], path: Path) -> Any:
    """presentation.xml with only its slide masters, slide and notes sizes and default text style."""
    from lxml import etree

    p = NS["p"]
    kept = {rid for rid, kind, _, _ in rels if kind == "slideMaster"}
    clean = etree.Element(f"{{{p}}}presentation", nsmap={"a": NS["a"], "r": NS["r"], "p": p})
    masters = etree.SubElement(clean, f"{{{p}}}sldMasterIdLst")
    for entry in root.iterfind("p:sldMasterIdLst/p:sldMasterId", NS):
        if entry.get(f"{{{NS['r']}}}id") in kept:
            masters.append(entry)
    if not len(masters):
        raise refused(path, "aucun masque de diapositives")
    size = root.find("p:sldSz", NS)
    cx, cy = (int(size.get(k, "0")) if size is not None and size.get(k, "").isdigit() else 0 for k in ("cx", "cy"))
    if not (914400 <= cx <= 51206400 and 914400 <= cy <= 51206400):
        raise refused(path, f"taille de diapositive {cx} × {cy} EMU hors des limites de PowerPoint")
    etree.SubElement(clean, f"{{{p}}}sldSz", cx=str(cx), cy=str(cy))
    notes = root.find("p:notesSz", NS)
    ncx, ncy = (notes.get("cx", "6858000"), notes.get("cy", "9144000")) if notes is not None else ("6858000", "9144000")
    etree.SubElement(clean, f"{{{p}}}notesSz", cx=ncx if ncx.isdigit() else "6858000",
                     cy=ncy if ncy.isdigit() else "9144000")
    style = root.find("p:defaultTextStyle", NS)
    if style is not None:
        clean.append(style)
    return clean


def _scrub(root: Any, rels: list[tuple[str, str, str, bool]], dropped: dict[str, list[str]]) -> None:
    """Remove from a master, layout or theme every element that refers to a relationship left behind,
    every hyperlink that is not a plain web link, and programme tags."""
    live = {rid for rid, *_ in rels}
    links = {rid for rid, kind, *_ in rels if kind == "hyperlink"}
    for element in list(root.iter()):
        if not _attached(element, root):
            continue  # already removed with an ancestor
        if _local(element) in HYPERLINKS and (element.get("action") or element.get(f"{{{NS['r']}}}id") not in links):
            if element.get("action"):
                dropped.setdefault("actions de lien (programme, macro, diapositive)", []).append(element.get("action"))
            _remove(element)
            continue
        _drop_dead_refs(element, live)


def _drop_dead_refs(element: Any, live: set[str]) -> None:
    refs = [v for k, v in element.attrib.items() if k.startswith(f"{{{NS['r']}}}") and v]
    if any(ref not in live for ref in refs):
        _remove(_removable(element))


def _attached(element: Any, root: Any) -> bool:
    """True while `element` is still inside `root` (not removed with an ancestor)."""
    top = element
    for top in element.iterancestors():
        pass
    return top is root or element is root


def _removable(element: Any) -> Any:
    """What goes with an element that refers to something left behind: the nearest self-contained
    ancestor (an extension, a hyperlink, a background…) or the shape that holds it."""
    node = element
    while node is not None:
        parent = node.getparent()
        if _local(node) in SELF_CONTAINED:
            return node
        if parent is not None and _local(parent) in ("spTree", "grpSp"):
            return node
        node = parent
    return element


def _remove(element: Any) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)
