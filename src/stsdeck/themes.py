"""Locate and validate a template folder and read its theme file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import TemplateError

BUILTIN = Path(__file__).resolve().parents[2] / "templates"  # the repository's templates/ (editable install)
EMU_PER_INCH = 914400

REQUIRED = {
    "fonts": ("pptx_family", "pdf_family", "files"),
    "colors": ("primary", "accent", "text", "muted", "background", "header_fill", "header_text",
               "band_fill", "rule"),
    "sizes": ("title_slide_pt", "subtitle_pt", "meta_pt", "title_pt", "body_pt", "sub_body_pt",
              "table_pt", "table_header_pt", "footer_pt", "line_spacing"),
    "boxes": ("title", "content", "cover_title", "cover_meta", "footer", "synthesis_bullets", "synthesis_panel"),
    "panel": ("padding_in", "fill"),
    "table": ("cell_margin_x_in", "cell_margin_y_in", "column_weights"),
    "footer": ("text", "slide_numbers"),
}
FONT_FACES = ("regular", "bold", "italic", "bold_italic")


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    x: int
    y: int
    w: int
    h: int

    @classmethod
    def inches(cls, values: list[float]) -> "Box":
        """A box from [x, y, w, h] in inches."""
        x, y, w, h = (round(v * EMU_PER_INCH) for v in values)
        return cls(x, y, w, h)


@dataclass(frozen=True)
class Theme:
    """A validated template: its folder and the look it declares."""

    folder: Path
    name: str
    settings: dict[str, Any]

    def color(self, key: str) -> str:
        """A colour as #RRGGBB."""
        return self.settings["colors"][key]

    def size(self, key: str) -> float:
        """A size in points (or a factor for line_spacing)."""
        return float(self.settings["sizes"][key])

    def box(self, key: str) -> Box:
        """A named slide area."""
        return Box.inches(self.settings["boxes"][key])

    def font_file(self, face: str = "regular") -> Path:
        """Path of a font face file inside the template folder."""
        return self.folder / self.settings["fonts"]["files"][face]

    @property
    def table(self) -> dict[str, Any]:
        """Table settings."""
        return self.settings["table"]


def template_root(template: str | Path | None, project: Path | None = None) -> Path:
    """The folder of `template`: a path, a project template name, or a built-in one."""
    if template is None:
        template = "default"
    candidate = Path(template)
    if candidate.is_dir():
        return candidate
    for base in (project or Path.cwd()) / "templates", BUILTIN:
        if (base / str(template)).is_dir():
            return base / str(template)
    raise TemplateError(f"modèle « {template} » introuvable (ni dossier, ni templates/{template}, ni modèle intégré)")


def load_theme(template: str | Path | None = None, project: Path | None = None) -> Theme:
    """Read and validate the theme of `template`; list everything missing at once."""
    folder = template_root(template, project).resolve()
    path = folder / "theme.yaml"
    if not path.is_file():
        raise TemplateError(f"{path}: fichier de thème manquant")
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [f"{section}.{key}" for section, keys in REQUIRED.items()
               for key in keys if key not in (settings.get(section) or {})]
    missing += [f"fonts.files.{face}" for face in FONT_FACES
                if not missing and face not in settings["fonts"]["files"]]
    if missing:
        raise TemplateError(f"{path}: champs manquants : {', '.join(missing)}")
    theme = Theme(folder, settings.get("name", folder.name), settings)
    unreadable = [str(theme.font_file(f)) for f in FONT_FACES if not theme.font_file(f).is_file()]
    if unreadable:
        raise TemplateError(f"{path}: police introuvable : {', '.join(unreadable)}")
    return theme
