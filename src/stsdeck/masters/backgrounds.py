"""The PDF's picture of each used layout: rendered once by LibreOffice without the placeholders'
prompt text (at `template new` or `template check --backgrounds`, never by a build), stored in the
template folder with the digest of the master it came from; a build only reads the fresh ones."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..errors import TemplateError

FOLDER = "backgrounds"
INDEX = "index.json"
DPI = 200
FILE = re.compile(r"^fond-\d+-\d+\.png$")
MAX_INDEX_BYTES = 200_000
MAX_PICTURE_BYTES = 30_000_000
MAX_PICTURE_SIDE = 20_000
PNG = b"\x89PNG\r\n\x1a\n"
TIMEOUT_S = 300


def fresh_backgrounds(folders: tuple[Path, ...], digest: str, layouts: dict[str, str]) -> dict[str, Path]:
    """The picture of each role's layout (`layouts`: role -> « Masque / Disposition ») rendered from
    the master of `digest`, looked for in `folders`, nearest first."""
    found: dict[str, Path] = {}
    for folder in folders:
        index = read_index(folder)
        if index is None or index["master"] != digest:
            continue
        for role, name in layouts.items():
            picture = folder / FOLDER / index["layouts"].get(name, "")
            if role not in found and name in index["layouts"] and _picture_ok(picture):
                found[role] = picture
    return found


def background_problems(template: str, folders: tuple[Path, ...], digest: str, layouts: dict[str, str],
                        labels: dict[str, str] | None = None) -> list[str]:
    """Layouts whose PDF background is missing or stale (named by `labels`, from their qualified
    names), and the command that makes them."""
    fresh = fresh_backgrounds(folders, digest, layouts)
    wanted = list(dict.fromkeys(name for role, name in layouts.items() if role not in fresh))
    if not wanted:
        return []
    indexes = [index for folder in folders if (index := read_index(folder)) is not None]
    stale = [name for name in wanted if any(name in index["layouts"] for index in indexes)]
    absent = [name for name in wanted if name not in stale]
    command = f"stsdeck template check {template} --backgrounds"
    shown = lambda names: ", ".join(f"« {(labels or {}).get(name, name)} »" for name in names)  # noqa: E731
    problems = []
    if stale:
        problems.append(f"arrière-plans PDF périmés (le masque a changé depuis leur rendu) : {shown(stale)} ; "
                        f"les refaire : {command}")
    if absent:
        problems.append(f"arrière-plans PDF absents : {shown(absent)} ; les faire : {command} "
                        "(LibreOffice nécessaire)")
    return problems


def read_index(folder: Path) -> dict[str, Any] | None:
    """The backgrounds index of a template folder, if it is there and well formed."""
    path = folder / FOLDER / INDEX
    if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_INDEX_BYTES:
        return None
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    layouts = index.get("layouts") if isinstance(index, dict) else None
    if not isinstance(index.get("master") if isinstance(index, dict) else None, str) or not isinstance(layouts, dict):
        return None
    return {"master": index["master"], "layouts": {str(k): v for k, v in layouts.items()
                                                   if isinstance(v, str) and FILE.match(v)}}


def _picture_ok(path: Path) -> bool:
    """A plain PNG file of bounded size (read by WeasyPrint in every build)."""
    if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_PICTURE_BYTES:
        return False
    with path.open("rb") as stream:
        head = stream.read(24)
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    return head[:8] == PNG and 0 < width <= MAX_PICTURE_SIDE and 0 < height <= MAX_PICTURE_SIDE


def render_backgrounds(folder: Path, master: bytes, digest: str, layouts: list[Any]) -> list[Path]:
    """Render `layouts` (inspect.Layout, each once) of the clean `master` with LibreOffice into
    `folder`/backgrounds/, with the index naming them; returns the pictures written."""
    tools = {name: shutil.which(name) for name in ("soffice", "pdftoppm")}
    if not all(tools.values()):
        raise TemplateError("arrière-plans PDF : LibreOffice (soffice) et poppler-utils (pdftoppm) sont "
                            "nécessaires pour les rendre ; les installer puis relancer la commande")
    layouts = list({layout.part: layout for layout in layouts}.values())
    with tempfile.TemporaryDirectory(prefix="stsdeck-fonds-") as scratch:
        pages = _rendered_pages(Path(scratch), master, layouts, tools)
        target = folder / FOLDER
        target.mkdir(exist_ok=True)
        names = {layout.qualified: f"fond-{layout.master}-{_position(layout, layouts)}.png" for layout in layouts}
        written = []
        for layout, page in zip(layouts, pages):
            written.append(_replace(target / names[layout.qualified], page.read_bytes()))
        index = {"master": digest, "dpi": DPI, "layouts": names}
        _replace(target / INDEX, (json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    for old in target.iterdir():
        if FILE.match(old.name) and old not in written:
            old.unlink()
    return written


def _position(layout: Any, layouts: list[Any]) -> int:
    return int(re.sub(r"\D", "", layout.part.rsplit("/", 1)[-1]) or 0)


def _rendered_pages(scratch: Path, master: bytes, layouts: list[Any], tools: dict[str, Any]) -> list[Path]:
    """One PNG per layout: a deck with one empty slide on each, converted by LibreOffice (private
    profile) to PDF, then rasterised at DPI."""
    deck = scratch / "dispositions.pptx"
    deck.write_bytes(_layout_deck(master, [layout.part for layout in layouts]))
    profile = (scratch / "profil").as_uri()
    run = subprocess.run([tools["soffice"], f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(scratch), str(deck)], capture_output=True, timeout=TIMEOUT_S)
    pdf = scratch / "dispositions.pdf"
    if not pdf.is_file():
        raise TemplateError("arrière-plans PDF : LibreOffice n'a pas rendu les dispositions "
                            f"({run.stderr.decode(errors='replace').strip()[-300:]})")
    subprocess.run([tools["pdftoppm"], "-r", str(DPI), "-png", str(pdf), str(scratch / "page")],
                   capture_output=True, timeout=TIMEOUT_S, check=True)
    pages = sorted(scratch.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if len(pages) != len(layouts):
        raise TemplateError(f"arrière-plans PDF : {len(pages)} pages rendues pour {len(layouts)} dispositions")
    return pages


def _layout_deck(master: bytes, parts: list[str]) -> bytes:
    """The master with one slide per layout part, each slide without any placeholder."""
    from pptx import Presentation

    prs = Presentation(io.BytesIO(master))
    layouts = {str(layout.part.partname).lstrip("/"): layout
               for slide_master in prs.slide_masters for layout in slide_master.slide_layouts}
    for part in parts:
        slide = prs.slides.add_slide(layouts[part])
        for placeholder in list(slide.placeholders):
            placeholder._element.getparent().remove(placeholder._element)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _replace(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path
