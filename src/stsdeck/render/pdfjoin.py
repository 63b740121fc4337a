"""WeasyPrint PDFs of consecutive sections joined into one, each font embedded once with every glyph used."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from .sfnt import mergeable, merged

BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]+)>")


def joined(parts: list[bytes]) -> bytes:
    """One PDF made of `parts` in order, with the first part's metadata, language and bookmarks of
    all. Each font, embedded by every part as its own subset (glyph ids kept), becomes one font:
    its subsets merged, its widths and text maps united; a font that cannot be merged (not
    TrueType) stays one copy per part."""
    parts = [part for part in parts if part]  # a share of a deck may hold no section
    if len(parts) <= 1:
        return parts[0] if parts else b""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    for reader in readers:
        writer.append(reader)
    _one_font_each(writer)
    _compacted(writer)
    writer.add_metadata(dict(readers[0].metadata or {}))
    if "/Lang" in readers[0].trailer["/Root"]:
        from pypdf.generic import NameObject

        writer.root_object[NameObject("/Lang")] = readers[0].trailer["/Root"]["/Lang"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _one_font_each(writer: Any) -> None:
    """Every page's fonts of one name (WeasyPrint names a font after its file) replaced by one merged font."""
    from pypdf.generic import NameObject

    groups: dict[str, list[Any]] = {}
    for page in writer.pages:
        for name, ref in _fonts(page):
            seen = groups.setdefault(str(name), [])
            if all(ref.idnum != other.idnum for other in seen):
                seen.append(ref)
    replacement = {name: _merged_font(writer, refs) for name, refs in groups.items() if len(refs) > 1}
    for page in writer.pages:
        fonts = page["/Resources"].get("/Font")
        for name, _ in _fonts(page):
            if str(name) in replacement and replacement[str(name)] is not None:
                fonts.get_object()[NameObject(name)] = replacement[str(name)]


def _compacted(writer: Any) -> None:
    """Identical objects kept once, and the objects no longer referenced (the replaced fonts) dropped:
    pypdf drops one level of unreferenced objects a pass."""
    count = None
    while count != (count := sum(obj is not None for obj in writer._objects)):
        writer.compress_identical_objects()


def _fonts(page: Any) -> Iterable[tuple[str, Any]]:
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    return [] if fonts is None else list(fonts.get_object().items())


def _merged_font(writer: Any, refs: list[Any]) -> Any | None:
    """A new Type0 font of the fonts `refs`: their programs merged, widths and ToUnicode united;
    None when a program is not mergeable."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, NumberObject, StreamObject

    fonts = [ref.get_object() for ref in refs]
    cids = [font["/DescendantFonts"][0].get_object() for font in fonts]
    programs = [cid["/FontDescriptor"].get_object().get("/FontFile2") for cid in cids]
    if any(p is None for p in programs) or any(str(f.get("/Subtype")) != "/Type0" for f in fonts):
        return None
    data = [p.get_object().get_data() for p in programs]
    if not all(mergeable(d) for d in data):
        return None
    program = StreamObject()
    program.set_data(merged(data))
    program[NameObject("/Length1")] = NumberObject(len(program.get_data()))
    program = program.flate_encode()
    descriptor = cids[0]["/FontDescriptor"].get_object().clone(writer)
    descriptor[NameObject("/FontFile2")] = writer._add_object(program)
    cid = cids[0].clone(writer)
    cid[NameObject("/FontDescriptor")] = writer._add_object(descriptor)
    cid[NameObject("/W")] = _widths_array(_widths(c.get("/W", ArrayObject())) for c in cids)
    maps = DecodedStreamObject()
    maps.set_data(_to_unicode([font["/ToUnicode"].get_object().get_data() for font in fonts if "/ToUnicode" in font]))
    font = fonts[0].clone(writer)
    font[NameObject("/DescendantFonts")] = ArrayObject([writer._add_object(cid)])
    font[NameObject("/ToUnicode")] = writer._add_object(maps.flate_encode())
    return writer._add_object(font)


def _widths(array: Any) -> dict[int, float]:
    """CID -> width of a /W array (both of its forms: `c [w ...]` and `c_first c_last w`)."""
    from pypdf.generic import ArrayObject

    items, widths, index = list(array), {}, 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], ArrayObject):
            widths.update({first + i: float(w) for i, w in enumerate(items[index + 1])})
            index += 2
        else:
            widths.update({c: float(items[index + 2]) for c in range(first, int(items[index + 1]) + 1)})
            index += 3
    return widths


def _widths_array(tables: Iterable[dict[int, float]]) -> Any:
    """A /W array `c [w ...]` of the union of `tables`, one run per stretch of consecutive CIDs."""
    from pypdf.generic import ArrayObject, FloatObject, NumberObject

    union: dict[int, float] = {}
    for table in tables:
        union.update({cid: width for cid, width in table.items() if cid not in union})
    array, run_start, run = ArrayObject(), None, ArrayObject()
    for cid in sorted(union):
        if run_start is None or cid != run_start + len(run):
            if run_start is not None:
                array += [NumberObject(run_start), run]
            run_start, run = cid, ArrayObject()
        width = union[cid]
        run.append(NumberObject(int(width)) if width == int(width) else FloatObject(width))
    if run_start is not None:
        array += [NumberObject(run_start), run]
    return array


def _to_unicode(streams: list[bytes]) -> bytes:
    """One ToUnicode CMap with the glyph-to-text entries of every stream (WeasyPrint's bfchar form)."""
    entries: dict[bytes, bytes] = {}
    for stream in streams:
        for glyph, text in BFCHAR.findall(stream):
            entries.setdefault(glyph.lower(), text)
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(entries.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<" + glyph + b"> <" + text + b">" for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)
