"""Subsets of one TrueType font that keep its glyph ids, merged into one font holding every glyph."""

from __future__ import annotations

import struct
from dataclasses import dataclass

NEEDED = (b"head", b"maxp", b"hhea", b"hmtx", b"loca", b"glyf")


@dataclass(frozen=True)
class Subset:
    """The tables of one subset, its glyphs (bytes, empty when dropped) and their metrics."""

    tables: dict[bytes, bytes]
    glyphs: tuple[bytes, ...]
    metrics: tuple[tuple[int, int], ...]  # (advance width, left side bearing) of each glyph id


def mergeable(font: bytes) -> bool:
    """True for a TrueType outline font (glyf) that `merged` can read."""
    try:
        return all(tag in _tables(font) for tag in NEEDED)
    except struct.error:
        return False


def merged(fonts: list[bytes]) -> bytes:
    """One font with the glyphs of every subset in `fonts` (subsets of one font, glyph ids kept, as
    WeasyPrint embeds them): the tables of the subset with the most glyph ids, each glyph and its
    metrics taken from the first subset that holds it."""
    subsets = [_read(font) for font in fonts]
    base = max(subsets, key=lambda s: len(s.glyphs))
    glyphs, metrics = list(base.glyphs), list(base.metrics)
    for subset in subsets:
        for gid, glyph in enumerate(subset.glyphs):
            if glyph and not glyphs[gid]:
                glyphs[gid], metrics[gid] = glyph, subset.metrics[gid]
    return _written(base.tables, glyphs, metrics)


def _tables(font: bytes) -> dict[bytes, bytes]:
    (count,) = struct.unpack_from(">H", font, 4)
    tables = {}
    for index in range(count):
        tag, _, offset, length = struct.unpack_from(">4sLLL", font, 12 + 16 * index)
        tables[tag] = font[offset:offset + length]
    return tables


def _read(font: bytes) -> Subset:
    tables = _tables(font)
    (count,) = struct.unpack_from(">H", tables[b"maxp"], 4)
    (long_loca,) = struct.unpack_from(">h", tables[b"head"], 50)
    loca = tables[b"loca"]
    if long_loca:
        offsets = struct.unpack_from(f">{count + 1}L", loca)
    else:
        offsets = tuple(2 * o for o in struct.unpack_from(f">{count + 1}H", loca))
    glyf = tables[b"glyf"]
    glyphs = tuple(glyf[offsets[i]:offsets[i + 1]] for i in range(count))
    return Subset(tables, glyphs, _metrics(tables, count))


def _metrics(tables: dict[bytes, bytes], count: int) -> tuple[tuple[int, int], ...]:
    (long_count,) = struct.unpack_from(">H", tables[b"hhea"], 34)
    hmtx = tables[b"hmtx"]
    flat = struct.unpack_from(">" + "Hh" * long_count, hmtx)
    pairs = list(zip(flat[::2], flat[1::2]))
    last = pairs[-1][0] if pairs else 0
    bearings = struct.unpack_from(f">{count - long_count}h", hmtx, 4 * long_count) if count > long_count else ()
    return tuple(pairs + [(last, b) for b in bearings])


def _written(base: dict[bytes, bytes], glyphs: list[bytes], metrics: list[tuple[int, int]]) -> bytes:
    """The font file of `base`'s tables with `glyphs` (long loca offsets) and `metrics` (all long)."""
    offsets, glyf = [0], bytearray()
    for glyph in glyphs:
        glyf += glyph + b"\0" * (-len(glyph) % 4)
        offsets.append(len(glyf))
    count = len(glyphs)
    tables = dict(base)
    tables[b"glyf"] = bytes(glyf)
    tables[b"loca"] = struct.pack(f">{count + 1}L", *offsets)
    tables[b"hmtx"] = b"".join(struct.pack(">Hh", advance, bearing) for advance, bearing in metrics)
    tables[b"hhea"] = base[b"hhea"][:34] + struct.pack(">H", count) + base[b"hhea"][36:]
    tables[b"maxp"] = base[b"maxp"][:4] + struct.pack(">H", count) + base[b"maxp"][6:]
    head = bytearray(base[b"head"])
    head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set once the file is assembled
    head[50:52] = struct.pack(">h", 1)  # long loca offsets
    tables[b"head"] = bytes(head)
    return _assembled(tables)


def _assembled(tables: dict[bytes, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">LHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    directory, body = bytearray(), bytearray()
    for tag in tags:
        data = tables[tag]
        directory += struct.pack(">4sLLL", tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    head = offset + _position(tags, tables, b"head")
    font[head + 8:head + 12] = struct.pack(">L", (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def _position(tags: list[bytes], tables: dict[bytes, bytes], wanted: bytes) -> int:
    position = 0
    for tag in tags:
        if tag == wanted:
            return position
        position += len(tables[tag]) + (-len(tables[tag]) % 4)
    raise KeyError(wanted)


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}L", padded)) & 0xFFFFFFFF
