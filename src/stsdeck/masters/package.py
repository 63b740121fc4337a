"""A PowerPoint package (zip) from elsewhere, read with limits: file and part sizes (declared and
actual, read in bounded chunks), part count, compression ratio; its XML parsed without entities,
DTDs or network."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ..errors import TemplateError

MAX_FILE = 50_000_000  # bytes of the .pptx/.potx itself
MAX_PARTS = 1000
MAX_PART = 30_000_000  # bytes of one part, uncompressed
MAX_TOTAL = 100_000_000  # bytes of all the parts read, uncompressed
MAX_RATIO = 100  # uncompressed / compressed size of a part larger than RATIO_FLOOR
RATIO_FLOOR = 1_000_000
CHUNK = 1 << 20  # parts are inflated this many bytes at a time
ENTITY = re.compile(r"Entity '([^']*)' not defined")


def megabytes(size: int) -> str:
    """A size in whole megabytes, as French messages give it."""
    return f"{max(1, round(size / 1_000_000))} Mo"


def refused(path: Path, reason: str) -> TemplateError:
    """The error for a master refused on the way in."""
    return TemplateError(f"masque refusé ({reason}) : {path}")


class Package:
    """The parts of a zip read within the limits; each part inflated at most MAX_PART bytes, all
    together at most MAX_TOTAL, whatever sizes the zip declares."""

    def __init__(self, path: Path):
        self.path = path
        if not path.is_file():
            raise TemplateError(f"masque introuvable : {path}")
        if path.stat().st_size > MAX_FILE:
            raise refused(path, f"fichier de {megabytes(path.stat().st_size)}, maximum {megabytes(MAX_FILE)}")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise TemplateError(f"masque illisible (pas un fichier PowerPoint : {exc}) : {path}") from exc
        self._infos = self._checked_entries()
        self._total = 0

    def _checked_entries(self) -> dict[str, zipfile.ZipInfo]:
        """The entries by name, once their count and declared sizes are known to be within limits."""
        entries = [info for info in self._zip.infolist() if not info.is_dir()]
        if len(entries) > MAX_PARTS:
            raise refused(self.path, f"{len(entries)} parties, maximum {MAX_PARTS}")
        for info in entries:
            self._check_declared(info)
        if sum(info.file_size for info in entries) > MAX_TOTAL:
            total = sum(info.file_size for info in entries)
            raise refused(self.path, f"{megabytes(total)} une fois décompressé, maximum {megabytes(MAX_TOTAL)}")
        infos = {info.filename: info for info in entries}
        if len(infos) != len(entries):
            raise refused(self.path, "parties en double")
        return infos

    def _check_declared(self, info: zipfile.ZipInfo) -> None:
        name = info.filename
        if info.flag_bits & 0x1:
            raise refused(self.path, f"partie « {name} » chiffrée")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refused(self.path, f"partie « {name} » : compression non standard")
        if info.file_size > MAX_PART:
            raise refused(self.path, f"partie « {name} » : {megabytes(info.file_size)} une fois décompressée, "
                                     f"maximum {megabytes(MAX_PART)}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refused(self.path, f"partie « {name} » : taux de compression de "
                                     f"{info.file_size // max(info.compress_size, 1)} pour 1, maximum {MAX_RATIO}")

    @property
    def names(self) -> list[str]:
        """The part names, in the zip's order."""
        return list(self._infos)

    def has(self, name: str) -> bool:
        """True when the package holds part `name`."""
        return name in self._infos

    def read(self, name: str) -> bytes:
        """Part `name` inflated in bounded chunks: refused as soon as it exceeds its declared size,
        MAX_PART or what remains of MAX_TOTAL."""
        info = self._infos[name]
        limit = min(info.file_size, MAX_PART, MAX_TOTAL - self._total)
        chunks, size = [], 0
        try:
            with self._zip.open(info) as stream:
                while block := stream.read(CHUNK):
                    size += len(block)
                    if size > limit:
                        raise refused(self.path, f"partie « {name} » plus grande une fois décompressée "
                                                 "que ce qu'annonce le fichier")
                    chunks.append(block)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise TemplateError(f"masque illisible (partie « {name} » corrompue) : {self.path}") from exc
        self._total += size
        return b"".join(chunks)

    def xml(self, name: str) -> Any:
        """Part `name` parsed as XML (see `parse_xml`)."""
        return parse_xml(self.read(name), name, self.path)


def parse_xml(data: bytes, name: str, path: Path) -> Any:
    """`data` as an lxml element: entities never resolved, no DTD loaded or accepted, no network,
    comments and processing instructions left out."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        entity = ENTITY.search(exc.msg or "")
        reason = f"référence d'entité XML « {entity.group(1)} » interdite" if entity else f"XML invalide, {exc.msg}"
        raise refused(path, f"partie « {name} » : {reason}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise refused(path, f"partie « {name} » : déclaration DTD (<!DOCTYPE>) interdite")
    if next(root.iter(etree.Entity), None) is not None:
        raise refused(path, f"partie « {name} » : référence d'entité XML interdite")
    return root
