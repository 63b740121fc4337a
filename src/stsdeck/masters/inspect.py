"""What a clean master holds: slide size, slide masters and their layouts (placeholders with their
geometry, artwork), and each master's theme colours and fonts."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from typing import Any

from .sanitize import NS

Rect = tuple[int, int, int, int]  # x, y, width, height in EMU
CONTENT_SHAPES = ("sp", "pic", "cxnSp", "graphicFrame", "grpSp")
FILLS = ("solidFill", "gradFill", "blipFill", "pattFill")
INHERITED = {"ctrTitle": "title", "subTitle": "body", "obj": "body"}  # layout type -> master placeholder
DECK_COLORS = {"primary": "accent1", "accent": "accent2", "text": "dk1", "muted": "dk2", "background": "lt1",
               "header_fill": "accent1", "header_text": "lt1", "band_fill": "lt2"}  # theme.yaml colour <- slot
RULE_SHARE = 0.65  # the table rule: this far from the text colour towards the background
SCHEME = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
          "hlink", "folHlink")


@dataclass(frozen=True)
class Placeholder:
    """A layout placeholder: its type (title, ctrTitle, subTitle, body, obj, dt, ftr, sldNum…), index
    and box (the master's when the layout does not place it)."""

    kind: str
    idx: int
    box: Rect | None


@dataclass(frozen=True)
class Layout:
    """A slide layout of one slide master, as the template addresses it."""

    master: int  # 1-based position of its slide master
    master_name: str
    name: str
    type: str
    placeholders: tuple[Placeholder, ...]
    artwork: tuple[Rect, ...]  # visible shapes that are not placeholders, the master's included
    part: str

    @property
    def qualified(self) -> str:
        """« Masque / Disposition »."""
        return f"{self.master_name} / {self.name}"

    def kinds(self) -> set[str]:
        """The placeholder types it has."""
        return {p.kind for p in self.placeholders}

    def box(self, *kinds: str) -> Rect | None:
        """The largest box among its placeholders of `kinds`."""
        boxes = [p.box for p in self.placeholders if p.kind in kinds and p.box]
        return max(boxes, key=lambda r: r[2] * r[3], default=None)


@dataclass(frozen=True)
class Scheme:
    """A theme's colours (#RRGGBB by slot: dk1, lt1, accent1…) and major and minor Latin fonts."""

    colors: tuple[tuple[str, str], ...]
    major_font: str
    minor_font: str

    def color(self, slot: str) -> str | None:
        """The colour in `slot`, if the theme gives it plainly."""
        return dict(self.colors).get(slot)

    def deck_colors(self) -> dict[str, str]:
        """theme.yaml's colours as this theme gives them (DECK_COLORS; the rule between the text
        and background colours)."""
        colors = {key: color for key, slot in DECK_COLORS.items() if (color := self.color(slot))}
        if "text" in colors and "background" in colors:
            colors["rule"] = mix(colors["text"], colors["background"], RULE_SHARE)
        return colors


def mix(first: str, second: str, share: float) -> str:
    """The colour `share` of the way from `first` to `second` (#RRGGBB)."""
    a, b = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (first, second))
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b))


@dataclass(frozen=True)
class MasterInfo:
    """The slide size (EMU), the layouts of every slide master in order, and each master's theme."""

    width: int
    height: int
    layouts: tuple[Layout, ...]
    schemes: tuple[Scheme, ...]  # by slide master

    def scheme(self, layout: Layout | None = None) -> Scheme:
        """The theme of `layout`'s slide master (the first master's without one)."""
        return self.schemes[(layout.master if layout else 1) - 1]


def inspect(data: bytes) -> MasterInfo:
    """Read a sanitised master package (see sanitize.py: canonical part names, no DTD)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = {name: etree.fromstring(package.read(name)) for name in package.namelist()
               if name.endswith((".xml", ".rels"))}
    size = xml["ppt/presentation.xml"].find("p:sldSz", NS)
    masters = [_target(xml, "ppt/presentation.xml", rid) for rid in _ids(xml["ppt/presentation.xml"], "sldMasterIdLst")]
    names = _master_names([xml[m] for m in masters])
    layouts, schemes = [], []
    for number, (master, name) in enumerate(zip(masters, names), 1):
        schemes.append(_scheme(xml.get(_related(xml, master, "theme") or "")))
        for part in (_target(xml, master, rid) for rid in _ids(xml[master], "sldLayoutIdLst")):
            layouts.append(_layout(xml[part], xml[master], number, name, part))
    return MasterInfo(int(size.get("cx")), int(size.get("cy")), tuple(layouts), tuple(schemes))


def _ids(root: Any, list_name: str) -> list[str]:
    entries = root.find(f"p:{list_name}", NS)
    return [e.get(f"{{{NS['r']}}}id") for e in entries] if entries is not None else []


def _rels(xml: dict[str, Any], part: str) -> dict[str, tuple[str, str]]:
    folder, base = posixpath.split(part)
    rels = xml.get(posixpath.join(folder, "_rels", base + ".rels"))
    found = {}
    for rel in rels.iterfind("pr:Relationship", NS) if rels is not None else ():
        target = posixpath.normpath(posixpath.join(folder, rel.get("Target")))
        found[rel.get("Id")] = (rel.get("Type").rsplit("/", 1)[-1], target)
    return found


def _target(xml: dict[str, Any], part: str, rid: str) -> str:
    return _rels(xml, part)[rid][1]


def _related(xml: dict[str, Any], part: str, kind: str) -> str | None:
    return next((target for k, target in _rels(xml, part).values() if k == kind), None)


def _master_names(masters: list[Any]) -> list[str]:
    """Each slide master's name, « Masque N » when it has none or shares it with another."""
    names = [(m.find("p:cSld", NS).get("name") or "").strip() for m in masters]
    return [name if name and names.count(name) == 1 else f"Masque {i}" for i, name in enumerate(names, 1)]


def _layout(layout: Any, master: Any, number: int, master_name: str, part: str) -> Layout:
    inherited = {p.kind: p.box for p in _placeholders(master, {})}
    artwork = _artwork(layout) + (_artwork(master) if layout.get("showMasterSp", "1") not in ("0", "false") else ())
    name = layout.find("p:cSld", NS).get("name") or f"Disposition {posixpath.basename(part)}"
    return Layout(number, master_name, name, layout.get("type", "cust"), _placeholders(layout, inherited),
                  artwork, part)


def _placeholders(root: Any, inherited: dict[str, Rect | None]) -> tuple[Placeholder, ...]:
    found = []
    for shape in _shapes(root):
        ph = shape.find(".//p:nvPr/p:ph", NS)
        if ph is None:
            continue
        kind = ph.get("type", "obj")
        box = _rect(shape) or inherited.get(kind) or inherited.get(INHERITED.get(kind, kind))
        found.append(Placeholder(kind, int(ph.get("idx", "0")) if ph.get("idx", "0").isdigit() else 0, box))
    return tuple(found)


def _shapes(root: Any) -> list[Any]:
    tree = root.find("p:cSld/p:spTree", NS)
    return [s for s in tree if s.tag.rsplit("}", 1)[-1] in CONTENT_SHAPES] if tree is not None else []


def _rect(shape: Any) -> Rect | None:
    xfrm = next(shape.iter(f"{{{NS['a']}}}xfrm", f"{{{NS['p']}}}xfrm"), None)
    if xfrm is None:
        return None
    off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
    try:
        return int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy"))
    except (AttributeError, TypeError, ValueError):
        return None


def _artwork(root: Any) -> tuple[Rect, ...]:
    """Boxes of the visible shapes of a master or layout that are not placeholders."""
    return tuple(r for s in _shapes(root) if s.find(".//p:nvPr/p:ph", NS) is None and _visible(s)
                 and (r := _rect(s)) is not None)


def _visible(shape: Any) -> bool:
    """False for an empty shape with neither fill nor line (an invisible text box)."""
    if shape.tag.rsplit("}", 1)[-1] != "sp":
        return True
    properties = shape.find("p:spPr", NS)
    if properties is not None and any(properties.find(f"a:{fill}", NS) is not None for fill in FILLS):
        return True
    line = properties.find("a:ln", NS) if properties is not None else None
    if line is not None and line.find("a:noFill", NS) is None and len(line):
        return True
    style = shape.find("p:style", NS)
    explicit = properties is not None and properties.find("a:noFill", NS) is not None
    if style is not None and not explicit and style.find("a:fillRef", NS) is not None \
            and style.find("a:fillRef", NS).get("idx", "0") != "0":
        return True
    return any((t.text or "").strip() for t in shape.iter(f"{{{NS['a']}}}t"))


def _scheme(theme: Any) -> Scheme:
    if theme is None:
        return Scheme((), "", "")
    scheme = theme.find("a:themeElements/a:clrScheme", NS)
    colors = []
    for slot in SCHEME:
        element = scheme.find(f"a:{slot}", NS) if scheme is not None else None
        value = _color(element[0]) if element is not None and len(element) else None
        if value:
            colors.append((slot, value))
    fonts = theme.find("a:themeElements/a:fontScheme", NS)
    major, minor = (fonts.find(f"a:{kind}/a:latin", NS) if fonts is not None else None
                    for kind in ("majorFont", "minorFont"))
    return Scheme(tuple(colors), major.get("typeface", "") if major is not None else "",
                  minor.get("typeface", "") if minor is not None else "")


def _color(element: Any) -> str | None:
    """#RRGGBB of an srgbClr or a sysClr (its last colour)."""
    local = element.tag.rsplit("}", 1)[-1]
    value = element.get("val") if local == "srgbClr" else element.get("lastClr") if local == "sysClr" else None
    if value and len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value):
        return "#" + value.upper()
    return None
