"""Locate a template folder (search path, `extends`), merge and validate its theme file."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import TemplateError
from .resources import BUILTIN

EMU_PER_INCH = 914400
THEME_FILE = "theme.yaml"

REQUIRED = {
    "fonts": ("pptx_family", "pdf_family", "files"),
    "colors": ("primary", "accent", "text", "muted", "background", "header_fill", "header_text",
               "band_fill", "rule"),
    "sizes": ("title_slide_pt", "subtitle_pt", "meta_pt", "title_pt", "body_pt", "sub_body_pt", "body_max_pt",
              "min_text_pt", "table_pt", "table_header_pt", "references_pt", "footer_pt", "line_spacing"),
    "boxes": ("title", "content", "cover_title", "cover_meta", "footer", "synthesis_bullets",
              "synthesis_panel", "logo"),
    "table": ("cell_margin_x_in", "cell_margin_y_in", "rule_pt", "column_weights"),
    "references": ("columns", "gap_in"),
    "footer": ("text", "slide_numbers"),
    "panel": ("padding_in", "fill"),
    "layouts": ("title", "text", "table", "chart"),
}
FONT_FACES = ("regular", "bold")
FILE_KEYS = ("master", "logo")
COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
COVER_FIELDS = ("subtitle", "authors", "institution", "event", "date")


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
    """A validated template: its folders (own first, then what it extends) and merged settings."""

    folder: Path
    name: str
    settings: dict[str, Any]
    folders: tuple[Path, ...] = ()

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
        """Absolute path of a font face file."""
        return Path(self.settings["fonts"]["files"][face])

    def file(self, key: str) -> Path | None:
        """Absolute path of the master or logo, if the template declares one."""
        value = self.settings.get(key)
        return Path(value) if value else None

    def layout(self, key: str) -> str:
        """Name of the master layout used for `key` slides (title, text, table, chart)."""
        return self.settings["layouts"][key]

    @property
    def table(self) -> dict[str, Any]:
        """Table settings."""
        return self.settings["table"]


def template_root(template: str | Path | None, project: Path | None = None) -> Path:
    """The folder of `template`: a path, a project template name, or a built-in one."""
    name = str(template or "default")
    candidate = Path(name)
    if candidate.is_dir() and (candidate / THEME_FILE).is_file():
        return candidate.resolve()
    for base in ((project or Path.cwd()) / "templates", BUILTIN):
        if (base / name / THEME_FILE).is_file():
            return (base / name).resolve()
    raise TemplateError(f"modèle « {name} » introuvable (ni dossier, ni templates/{name}/, ni modèle intégré)")


def _theme_file(folder: Path) -> dict[str, Any]:
    """The settings of `folder`'s theme file as written, or TemplateError located by line."""
    from .load import load_yaml

    path = folder / THEME_FILE
    try:
        record, problems = load_yaml(path, folder)
    except OSError as exc:
        raise TemplateError(f"{path}: fichier de thème illisible ({exc.strerror})") from exc
    if problems:
        raise TemplateError("\n".join(str(replace(p, file=str(path))) for p in problems))
    settings = (record.data or {}) if record else {}
    if not isinstance(settings, dict):
        raise TemplateError(f"{path}: attendu un tableau de champs")
    return settings


def _read_layer(folder: Path) -> dict[str, Any]:
    """One template's own theme file, its file paths made absolute."""
    settings = _theme_file(folder)
    shape = _shape_problems(settings)
    if shape:
        raise TemplateError(f"{folder / THEME_FILE}:\n" + "\n".join(f"  - {p}" for p in shape))
    files = (settings.get("fonts") or {}).get("files") or {}
    for face, value in files.items():
        files[face] = str(folder / value)
    for key in FILE_KEYS:
        if settings.get(key):
            settings[key] = str(folder / settings[key])
    return settings


def _shape_problems(settings: dict[str, Any]) -> list[str]:
    """Sections that are not mappings, and file names that are not texts."""
    sections = (*REQUIRED, "sizes")
    from .schema import type_name

    problems = [f"{name} : attendu un tableau de champs, reçu {type_name(settings[name])}"
                for name in dict.fromkeys(sections) if name in settings and not isinstance(settings[name], dict)]
    files = settings.get("fonts", {}).get("files", {}) if isinstance(settings.get("fonts"), dict) else {}
    if not isinstance(files, dict):
        problems.append("fonts.files : attendu un tableau de champs (regular, bold)")
    elif any(not isinstance(v, str) for v in files.values()):
        problems.append("fonts.files : attendu des noms de fichiers")
    problems += [f"{key} : attendu un nom de fichier" for key in FILE_KEYS
                 if settings.get(key) and not isinstance(settings[key], str)]
    return problems


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`, mappings merged key by key."""
    merged = dict(base)
    for key, value in override.items():
        both = isinstance(value, dict) and isinstance(base.get(key), dict)
        merged[key] = _merge(base[key], value) if both else value
    return merged


def template_chain(template: str | Path | None, project: Path | None = None) -> list[Path]:
    """The template's folder followed by every folder it extends, nearest first."""
    chain = [template_root(template, project)]
    while parent := _theme_file(chain[-1]).get("extends"):
        folder = template_root(parent, project)
        if folder in chain:
            raise TemplateError(f"{chain[-1] / THEME_FILE}: extends: héritage circulaire vers « {parent} »")
        chain.append(folder)
    return chain


def load_theme(template: str | Path | None = None, project: Path | None = None) -> Theme:
    """Read, merge and validate the theme of `template`; every problem is listed at once."""
    chain = template_chain(template, project)
    settings: dict[str, Any] = {}
    for folder in reversed(chain):
        settings = _merge(settings, _read_layer(folder))
    theme = Theme(chain[0], settings.get("name", chain[0].name), settings, tuple(chain))
    problems = theme_problems(theme)
    if problems:
        raise TemplateError(f"modèle « {theme.name} » ({chain[0]}) :\n" + "\n".join(f"  - {p}" for p in problems))
    return theme


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_problems(settings: dict[str, Any]) -> list[str]:
    """Sizes, areas, margins and column weights that are not the numbers the layout needs."""
    from .model import CELL_KEYS

    problems = [f"sizes.{k} : attendu un nombre, reçu « {v} »" for k, v in settings["sizes"].items()
                if not _is_number(v) or v <= 0]
    problems += [f"boxes.{k} : attendu [x, y, largeur, hauteur] en pouces, reçu « {v} »"
                 for k, v in settings["boxes"].items()
                 if not (isinstance(v, list) and len(v) == 4 and all(_is_number(n) and n >= 0 for n in v))]
    weights = settings["table"]["column_weights"]
    if not (isinstance(weights, list) and len(weights) == len(CELL_KEYS) and all(_is_number(w) and w > 0 for w in weights)):
        problems.append(f"table.column_weights : attendu {len(CELL_KEYS)} nombres positifs")
    problems += [f"table.{k} : attendu un nombre ≥ 0" for k in ("cell_margin_x_in", "cell_margin_y_in", "rule_pt")
                 if not _is_number(settings["table"][k]) or settings["table"][k] < 0]
    return problems


def theme_problems(theme: Theme) -> list[str]:
    """What the template lacks or gets wrong: fields, colours, fonts, logo, master layouts."""
    from .assets import file_problems, master_problems

    settings = theme.settings
    problems = [f"champ manquant : {section}.{key}" for section, keys in REQUIRED.items()
                for key in keys if key not in (settings.get(section) or {})]
    if problems:
        return problems
    problems += [f"couleur invalide : colors.{k} = « {v} » (attendu #RRGGBB)"
                 for k, v in settings["colors"].items() if not COLOR.match(str(v))]
    problems += _number_problems(settings)
    from .deck import settings_problems

    problems += settings_problems(settings)
    problems += [f"cover_fields : champ « {f} » inconnu (attendu : {', '.join(COVER_FIELDS)})"
                 for f in settings.get("cover_fields", []) if f not in COVER_FIELDS]
    problems += file_problems(theme)
    master = theme.file("master")
    if master is None or master.is_file():
        problems += master_problems(theme)
    return problems
