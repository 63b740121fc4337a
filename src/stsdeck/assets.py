"""Template assets: font and logo files checked before any build writes; the logo's place."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from collections.abc import Callable
from typing import Any

FONT_FACES = ("regular", "bold")
LOGO_FORMATS = ("PNG", "JPEG")
LOGO_MAX_BYTES = 5_000_000
LOGO_MAX_PIXELS = 4000


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


def file_problems(fonts: dict[str, str], logo: Path | None) -> list[str]:
    """Problems of the theme's font files (by face) and logo."""
    problems = [f"champ manquant : fonts.files.{face}" for face in FONT_FACES if face not in fonts]
    problems += [p for face in FONT_FACES if face in fonts if (p := font_problem(Path(fonts[face])))]
    if logo and (p := logo_problem(logo)):
        problems.append(p)
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


def logo_box(path: Path, box: Any) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the logo scaled to fit `box`, right-aligned, keeping its proportions."""
    from PIL import Image

    with Image.open(path) as image:
        width, height = image.size
    scale = min(box.w / width, box.h / height)
    w, h = int(width * scale), int(height * scale)
    return box.x + box.w - w, box.y, w, h
