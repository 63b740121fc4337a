"""Layouts by name (« Masque / Disposition » when names repeat) and the best layout for each role."""

from __future__ import annotations

from .inspect import Layout, MasterInfo, Rect

ROLES = ("title", "text", "table", "chart")
TITLES = ("title", "ctrTitle")
SUBTITLES = ("subTitle",)
BODIES = ("body", "obj")
FURNITURE = ("dt", "ftr", "sldNum", "hdr")
NEEDED = {"title": (("titre", TITLES), ("sous-titre", SUBTITLES + BODIES)),
          "text": (("titre", TITLES),), "table": (("titre", TITLES),), "chart": (("titre", TITLES),)}
FOOTER_SHARE = 0.93  # without footer placeholders, content ends this far down the slide


def written_name(info: MasterInfo, layout: Layout) -> str:
    """How theme.yaml names `layout`: its own name when it is unique, else « Masque / Disposition »."""
    return layout.name if [other.name for other in info.layouts].count(layout.name) == 1 else layout.qualified


def available(info: MasterInfo) -> list[str]:
    """The names a template can write for the master's layouts."""
    return [written_name(info, layout) for layout in info.layouts]


def find(info: MasterInfo, name: str, key: str) -> tuple[Layout | None, str | None]:
    """The layout `name` designates for `layouts.key`, or None and why, in French."""
    qualified = [layout for layout in info.layouts
                 if name in (layout.qualified, f"Masque {layout.master} / {layout.name}")]
    matches = qualified or [layout for layout in info.layouts if layout.name == name]
    if len(matches) == 1:
        return matches[0], None
    if matches:
        choices = " ; ".join(f"« {layout.qualified} »" for layout in matches)
        return None, f"disposition « {name} » (layouts.{key}) ambiguë, elle existe dans plusieurs masques : " \
                     f"préciser le masque ({choices})"
    return None, f"disposition « {name} » (layouts.{key}) absente du masque (disponibles : {', '.join(available(info))})"


def missing_placeholders(layout: Layout, key: str) -> list[str]:
    """The placeholders a `key` slide needs that `layout` lacks (French names)."""
    return [label for label, kinds in NEEDED[key] if not layout.kinds() & set(kinds)]


def best_layouts(info: MasterInfo) -> dict[str, Layout]:
    """The layout for each role: title + subtitle for the title slide, title + body for text, title
    alone for tables and charts; among equals, the one whose artwork stays out of the title and
    content areas, then the first. Content roles never take the title slide's layout when another
    layout has a title."""
    covers = [layout for layout in info.layouts if not missing_placeholders(layout, "title")]
    titled = [layout for layout in info.layouts if layout.kinds() & set(TITLES)]
    cover = min(covers or titled or list(info.layouts), key=lambda layout: _cover_rank(layout, info))
    others = [layout for layout in titled if layout is not cover and layout.type != "title"] or titled or [cover]
    text = min(others, key=lambda layout: _text_rank(layout, info))
    alone = min(others, key=lambda layout: _alone_rank(layout, info))
    return {"title": cover, "text": text, "table": alone, "chart": alone}


def _cover_rank(layout: Layout, info: MasterInfo) -> tuple[float, ...]:
    shape = 0 if layout.type == "title" else 1 if layout.kinds() & set(SUBTITLES) else 2
    return shape, -round(_area(layout.artwork) / (info.width * info.height), 2), _order(layout, info)


def _text_rank(layout: Layout, info: MasterInfo) -> tuple[float, ...]:
    body = layout.box(*BODIES)
    room = body[2] * body[3] / (info.width * info.height) if body else 0.0
    bodies = sum(p.kind in BODIES + SUBTITLES for p in layout.placeholders)
    return (0 if body else 1, round(intrusion(layout, info), 2), -round(room, 1), bodies, _order(layout, info))


def _alone_rank(layout: Layout, info: MasterInfo) -> tuple[float, ...]:
    extra = sum(p.kind not in TITLES + FURNITURE for p in layout.placeholders)
    return round(intrusion(layout, info), 2), 0 if extra == 0 else 1, extra, _order(layout, info)


def _order(layout: Layout, info: MasterInfo) -> int:
    return info.layouts.index(layout)


def content_box(layout: Layout, info: MasterInfo) -> Rect:
    """Where a layout's content goes: its largest body placeholder, else the room between its title
    and its footer placeholders (or the bottom of the slide)."""
    body = layout.box(*BODIES)
    if body:
        return body
    title = layout.box(*TITLES) or (info.width // 20, info.height // 20, info.width * 9 // 10, info.height // 8)
    footers = [p.box[1] for p in layout.placeholders if p.kind in FURNITURE and p.box and p.box[1] > title[1]]
    top = title[1] + title[3] + info.height // 50
    bottom = min(footers, default=int(info.height * FOOTER_SHARE)) - info.height // 50
    return title[0], top, title[2], max(bottom - top, info.height // 4)


def intrusion(layout: Layout, info: MasterInfo) -> float:
    """Share of the title and content areas that the layout's (and its master's) artwork covers."""
    areas = [content_box(layout, info)] + [b for b in [layout.box(*TITLES)] if b]
    covered = sum(_area([_overlap(shape, area) for shape in layout.artwork]) / max(area[2] * area[3], 1)
                  for area in areas)
    return covered / len(areas)


def _overlap(a: Rect, b: Rect) -> Rect:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return x0, y0, max(x1 - x0, 0), max(y1 - y0, 0)


def _area(rects: list[Rect] | tuple[Rect, ...]) -> int:
    return sum(r[2] * r[3] for r in rects)
