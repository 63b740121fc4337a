"""Template assets: fonts, logo and PowerPoint master, checked before any build writes."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .themes import Theme

LOGO_FORMATS = ("PNG", "JPEG")
LOGO_MAX_BYTES = 5_000_000
LOGO_MAX_PIXELS = 4000
SLIDE_SIZE = (12192000, 6858000)
POTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
REQUIRED_PLACEHOLDERS = {"title": ("titre", "sous-titre"), "text": ("titre",), "table": ("titre",),
                         "chart": ("titre",)}
PLACEHOLDER_TYPES = {"titre": ("TITLE", "CENTER_TITLE"), "sous-titre": ("SUBTITLE", "BODY")}


def font_problem(path: Path) -> str | None:
    """Why the font file at `path` cannot be used, or None."""
    if not path.is_file():
        return f"police introuvable : {path}"
    try:
        from fontTools.ttLib import TTFont

        TTFont(str(path), lazy=True)["hmtx"]
    except Exception:  # fontTools raises many types for a broken file
        return f"police illisible (TrueType/OpenType attendu) : {path}"
    return None


def logo_problem(path: Path) -> str | None:
    """Why the logo at `path` cannot be used (missing, too large, not PNG/JPEG, corrupt), or None."""
    if not path.is_file():
        return f"logo introuvable : {path}"
    if path.stat().st_size > LOGO_MAX_BYTES:
        return f"logo trop lourd ({path.stat().st_size // 1_000_000} Mo, maximum 5 Mo) : {path}"
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.verify()
                kind, size = image.format, image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"logo trop grand (plus de {Image.MAX_IMAGE_PIXELS // 1_000_000} millions de pixels, " \
               f"maximum {LOGO_MAX_PIXELS} px de côté) : {path}"
    except (UnidentifiedImageError, OSError, SyntaxError):
        return f"logo illisible (PNG ou JPEG attendu ; SVG et WebP refusés) : {path}"
    if kind not in LOGO_FORMATS:
        return f"logo au format {kind} refusé (PNG ou JPEG attendu) : {path}"
    if max(size) > LOGO_MAX_PIXELS:
        return f"logo trop grand ({size[0]} × {size[1]} px, maximum {LOGO_MAX_PIXELS} px) : {path}"
    return None


def file_problems(theme: Theme) -> list[str]:
    """Problems of the theme's fonts, logo and master file."""
    from .themes import FONT_FACES

    files = theme.settings["fonts"]["files"]
    problems = [f"champ manquant : fonts.files.{face}" for face in FONT_FACES if face not in files]
    problems += [p for face in FONT_FACES if face in files if (p := font_problem(theme.font_file(face)))]
    logo = theme.file("logo")
    if logo and (p := logo_problem(logo)):
        problems.append(p)
    master = theme.file("master")
    if master and not master.is_file():
        problems.append(f"masque introuvable : {master}")
    return problems


def rewritten_package(data: bytes, content: Callable[[str, bytes], bytes],
                      date_time: tuple[int, ...] | None = None) -> bytes:
    """An OOXML package (zip) with each part passed through `content(name, bytes)`, entries in the
    same order; with `date_time`, every entry carries that date (reproducible bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = entry
            if date_time is not None:
                info = zipfile.ZipInfo(entry.filename, date_time=date_time)
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(info, content(entry.filename, source.read(entry)))
    return out.getvalue()


def master_bytes(path: Path) -> bytes:
    """The master as .pptx bytes (a .potx has its main content type switched)."""
    data = path.read_bytes()
    if path.suffix.lower() != ".potx":
        return data
    return rewritten_package(data, lambda name, part: part.replace(POTX_TYPE.encode(), PPTX_TYPE.encode())
                             if name == "[Content_Types].xml" else part)


def open_master(path: Path) -> Any:
    """The master as a python-pptx Presentation, or raise ValueError if it is not one."""
    from pptx import Presentation

    try:
        return Presentation(io.BytesIO(master_bytes(path)))
    except Exception as exc:  # python-pptx raises KeyError, ValueError, BadZipFile…
        raise ValueError(f"masque illisible ({type(exc).__name__}) : {path}") from exc


def _placeholder_kinds(layout: Any) -> set[str]:
    kinds = set()
    for placeholder in layout.placeholders:
        name = placeholder.placeholder_format.type.name if placeholder.placeholder_format.type else ""
        kinds |= {k for k, types in PLACEHOLDER_TYPES.items() if name in types}
    return kinds


def master_problems(theme: Theme) -> list[str]:
    """Layouts the theme maps that the master (python-pptx's own without one) lacks, or that lack a
    needed placeholder; a master that is not 16:9."""
    from pptx import Presentation

    master = theme.file("master")
    try:
        prs = open_master(master) if master else Presentation()
    except ValueError as exc:
        return [str(exc)]
    problems = []
    if master and (prs.slide_width, prs.slide_height) != SLIDE_SIZE:
        problems.append(f"masque au format {prs.slide_width} × {prs.slide_height} EMU, "
                        f"attendu 16:9 ({SLIDE_SIZE[0]} × {SLIDE_SIZE[1]} EMU)")
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    for key, needed in REQUIRED_PLACEHOLDERS.items():
        name = theme.layout(key)
        if name not in layouts:
            problems.append(f"disposition « {name} » (layouts.{key}) absente du masque "
                            f"(disponibles : {', '.join(layouts)})")
            continue
        missing = [n for n in needed if n not in _placeholder_kinds(layouts[name])]
        problems += [f"disposition « {name} » (layouts.{key}) : espace réservé « {n} » absent" for n in missing]
    return problems


def logo_box(path: Path, box: Any) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the logo scaled to fit `box`, right-aligned, keeping its proportions."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
    scale = min(box.w / width, box.h / height)
    w, h = int(width * scale), int(height * scale)
    return box.x + box.w - w, box.y, w, h
