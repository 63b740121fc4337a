"""The PPTX container: an empty presentation on the template's clean master (python-pptx's own when
the template has none, sized and themed from theme.yaml), and its layouts by role."""

from __future__ import annotations

import io
from typing import Any

from ..themes import ROLES, Theme

THEME_SLOTS = {  # theme.yaml colour written into each slot of the deck's colour scheme
    "dk1": "text", "lt1": "background", "dk2": "muted", "lt2": "band_fill", "accent1": "primary",
    "accent2": "accent", "accent3": "header_fill", "accent4": "rule", "hlink": "accent", "folHlink": "muted",
}
DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"
SCALED = (("off", "x", "y"), ("ext", "cx", "cy"), ("chOff", "x", "y"), ("chExt", "cx", "cy"))


def presentation(theme: Theme) -> Any:
    """An empty presentation: the template's master without its slides, or python-pptx's, at the
    theme's slide size and carrying the theme's colours and fonts."""
    from pptx import Presentation

    prs = Presentation(io.BytesIO(theme.master_data()))
    if theme.file("master") is None:
        fit_slide_size(prs, *theme.slide)
        theme_part = prs.slide_master.part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme")
        theme_part._blob = theme_xml(theme_part.blob, theme.name, theme.settings["colors"],
                                     theme.settings["fonts"]["pptx_family"])
    return prs


def layouts_by_role(prs: Any, theme: Theme) -> dict[str, Any]:
    """The python-pptx layout of each role (title, text, table, chart), found through the theme's
    resolved layouts (their part names)."""
    parts = {str(layout.part.partname).lstrip("/"): layout
             for master in prs.slide_masters for layout in master.slide_layouts}
    return {role: parts[theme.layout_part(role)] for role in ROLES}


def fit_slide_size(prs: Any, width: int, height: int) -> None:
    """Set the slide size and scale the master's and layouts' own shapes to it (shapes that inherit
    their place from the master keep inheriting it)."""
    fx, fy = width / prs.slide_width, height / prs.slide_height
    prs.slide_width, prs.slide_height = width, height
    a = f"{{{DRAWINGML}}}"
    for owner in (prs.slide_master, *prs.slide_layouts):
        for xfrm in owner._element.iter(a + "xfrm"):
            for tag, kx, ky in SCALED:
                element = xfrm.find(a + tag)
                if element is not None:
                    element.set(kx, str(round(int(element.get(kx, "0")) * fx)))
                    element.set(ky, str(round(int(element.get(ky, "0")) * fy)))


def theme_xml(xml: bytes, name: str, colors: dict[str, str], font: str) -> bytes:
    """A theme part whose colour scheme holds `colors` (THEME_SLOTS) and whose major and minor
    Latin fonts are `font`."""
    from lxml import etree

    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    a = f"{{{DRAWINGML}}}"
    scheme = root.find(f"{a}themeElements/{a}clrScheme")
    scheme.set("name", name)
    for slot, key in THEME_SLOTS.items():
        element = scheme.find(a + slot)
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, a + "srgbClr", val=colors[key].lstrip("#").upper())
    fonts = root.find(f"{a}themeElements/{a}fontScheme")
    fonts.set("name", name)
    for latin in fonts.iterfind(f"{a}*/{a}latin"):
        latin.set("typeface", font)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
