"""Locate a template folder (search path, `extends`), merge and validate its theme file."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .assets import file_problems
from .errors import TemplateError
from .resources import BUILTIN

EMU_PER_INCH = 914400
THEME_FILE = "theme.yaml"
SLIDE = (12192000, 6858000)  # 16:9, 13,333 × 7,5 in: the slide (and box frame) when none is given
SLIDE_LIMITS_IN = (1.0, 56.0)  # PowerPoint's smallest and largest slide side
ROLES = ("title", "text", "table", "chart")
ROLE_OF_KIND = {"cover": "title", "table": "table", "chart": "chart"}  # other kinds of slide use "text"

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

    def scaled(self, frame: tuple[int, int], slide: tuple[int, int]) -> "Box":
        """The box drawn on a `frame`-sized slide, placed on a `slide`-sized one."""
        if frame == slide:
            return self
        fx, fy = slide[0] / frame[0], slide[1] / frame[1]
        return Box(round(self.x * fx), round(self.y * fy), round(self.w * fx), round(self.h * fy))


@dataclass(frozen=True)
class Theme:
    """A validated template: its folders (own first, then what it extends) and merged settings."""

    folder: Path
    name: str
    settings: dict[str, Any]
    folders: tuple[Path, ...] = ()
    slide: tuple[int, int] = SLIDE  # EMU: the master's size, else the frame of the boxes
    layouts: tuple[tuple[str, str], ...] = ()  # (role, layout part in the clean master)
    backgrounds: tuple[tuple[str, str], ...] = ()  # (role, picture of its layout for the PDF)

    def color(self, key: str) -> str:
        """A colour as #RRGGBB."""
        return self.settings["colors"][key]

    def size(self, key: str) -> float:
        """A size in points (or a factor for line_spacing)."""
        return float(self.settings["sizes"][key])

    @property
    def frame(self) -> tuple[int, int]:
        """The slide size (EMU) the boxes of theme.yaml are given on."""
        return frame_of(self.settings) or SLIDE

    def box(self, key: str) -> Box:
        """A named slide area, scaled from the boxes' frame to the slide."""
        return Box.inches(self.settings["boxes"][key]).scaled(self.frame, self.slide)

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

    def role(self, kind: str) -> str:
        """The layout role of a kind of slide (cover, table, chart, or text for the others)."""
        return ROLE_OF_KIND.get(kind, "text")

    def layout_part(self, role: str) -> str:
        """The part name of `role`'s layout in the clean master."""
        return dict(self.layouts)[role]

    def background(self, kind: str) -> Path | None:
        """The picture of the layout of `kind` slides for the PDF page, if it is up to date."""
        found = dict(self.backgrounds).get(self.role(kind))
        return Path(found) if found else None

    def master_data(self) -> bytes:
        """The clean master as .pptx bytes (python-pptx's own without one)."""
        from .masters.source import clean_master

        return clean_master(self.file("master")).data

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


def _read_layer(folder: Path, roots: tuple[Path, ...]) -> dict[str, Any]:
    """One template's own theme file, its file paths made absolute; each must lie inside `roots`
    (the template's folder and those it extends)."""
    settings = _theme_file(folder)
    shape = _shape_problems(settings) or _outside_problems(settings, folder, roots)
    if shape:
        raise TemplateError(f"{folder / THEME_FILE}:\n" + "\n".join(f"  - {p}" for p in shape))
    files = (settings.get("fonts") or {}).get("files") or {}
    for face, value in files.items():
        files[face] = str(folder / value)
    for key in FILE_KEYS:
        if settings.get(key):
            settings[key] = str(folder / settings[key])
    return settings


def _outside_problems(settings: dict[str, Any], folder: Path, roots: tuple[Path, ...]) -> list[str]:
    """File names of the theme file that lead outside the template chain, as written."""
    from .load import within

    files = (settings.get("fonts") or {}).get("files") or {}
    named = [(f"fonts.files.{face}", value) for face, value in files.items()]
    named += [(key, settings[key]) for key in FILE_KEYS if settings.get(key)]
    return [f"{field} : « {value} » hors du dossier du modèle et des modèles qu'il étend : refusé"
            for field, value in named if not within(folder / value, *roots)]


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
    roots = (*chain, BUILTIN / "default")
    settings = _stacked([_read_layer(folder, roots) for folder in reversed(chain)])
    theme = Theme(chain[0], settings.get("name", chain[0].name), settings, tuple(chain))
    problems = theme_problems(theme)
    if problems:
        raise TemplateError(f"modèle « {theme.name} » ({chain[0]}) :\n" + "\n".join(f"  - {p}" for p in problems))
    return _with_master(theme)


def _stacked(layers: list[dict[str, Any]]) -> dict[str, Any]:
    """The layers (farthest first) merged; the master's theme colours come under the layer that
    names the master, and each layer's boxes are carried over to the frame of the layers above."""
    names = {}
    for layer in layers:
        names = _merge(names, layer)
    settings: dict[str, Any] = {}
    for layer in layers:
        if layer.get("master"):
            settings = _merge(settings, _master_colors(Path(layer["master"]), names.get("layouts")))
        settings = _merge(_reframed(settings, frame_of(layer)), layer)
    return settings


def _master_colors(master: Path, layouts: Any) -> dict[str, Any]:
    """{"colors": …} from the theme of the master holding the text layout ({} if unreadable)."""
    from .masters.layouts import find
    from .masters.source import master_info

    try:
        info = master_info(master)
    except TemplateError:
        return {}
    name = layouts.get("text") if isinstance(layouts, dict) else None
    layout = find(info, name, "text")[0] if isinstance(name, str) else None
    return {"colors": info.scheme(layout).deck_colors()}


def frame_of(settings: dict[str, Any]) -> tuple[int, int] | None:
    """`slide_in` ([width, height] in inches) in EMU, if valid."""
    value = settings.get("slide_in")
    low, high = SLIDE_LIMITS_IN
    if isinstance(value, list) and len(value) == 2 and all(_is_number(v) and low <= v <= high for v in value):
        return round(value[0] * EMU_PER_INCH), round(value[1] * EMU_PER_INCH)
    return None


def _reframed(settings: dict[str, Any], frame: tuple[int, int] | None) -> dict[str, Any]:
    """`settings` with its boxes and type sizes carried over to `frame`, when a layer above declares
    another: on a slide 0,8 times as large, 11 pt text becomes 8,8 pt and takes, projected, the same
    share of the screen (as PowerPoint does when a slide is resized)."""
    old = frame_of(settings) or SLIDE
    if frame is None or frame == old:
        return settings
    fx, fy = frame[0] / old[0], frame[1] / old[1]
    moved = dict(settings)
    if isinstance(boxes := settings.get("boxes"), dict):
        moved["boxes"] = {key: [box[0] * fx, box[1] * fy, box[2] * fx, box[3] * fy] if _is_box(box) else box
                          for key, box in boxes.items()}
    if isinstance(sizes := settings.get("sizes"), dict):
        moved["sizes"] = {key: round(value * min(fx, fy), 2) if _is_number(value) and key != "line_spacing"
                          else value for key, value in sizes.items()}
    return moved


def _is_box(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 4 and all(_is_number(n) and n >= 0 for n in value)


def _with_master(theme: Theme) -> Theme:
    """`theme` with its slide size, the layout part of each role and its up-to-date backgrounds."""
    from .masters.backgrounds import fresh_backgrounds
    from .masters.layouts import find
    from .masters.source import clean_master, master_info

    master = theme.file("master")
    info = master_info(master)
    parts = {role: find(info, theme.layout(role), role)[0] for role in ROLES}
    slide = (info.width, info.height) if master else theme.frame
    backgrounds = fresh_backgrounds(theme.folders, clean_master(master).source_digest,
                                    {role: layout.qualified for role, layout in parts.items()}) if master else {}
    return replace(theme, slide=slide, layouts=tuple((role, layout.part) for role, layout in parts.items()),
                   backgrounds=tuple((role, str(path)) for role, path in backgrounds.items()))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_problems(settings: dict[str, Any]) -> list[str]:
    """Sizes, areas, margins and column weights that are not the numbers the layout needs."""
    from .model import CELL_KEYS

    problems = [f"sizes.{k} : attendu un nombre, reçu « {v} »" for k, v in settings["sizes"].items()
                if not _is_number(v) or v <= 0]
    problems += [f"boxes.{k} : attendu [x, y, largeur, hauteur] en pouces, reçu « {v} »"
                 for k, v in settings["boxes"].items() if not _is_box(v)]
    if "slide_in" in settings and frame_of(settings) is None:
        low, high = (f"{n:g}".replace(".", ",") for n in SLIDE_LIMITS_IN)
        problems.append(f"slide_in : attendu [largeur, hauteur] en pouces, chacune de {low} à {high}, "
                        f"reçu « {settings['slide_in']} »")
    weights = settings["table"]["column_weights"]
    if not (isinstance(weights, list) and len(weights) == len(CELL_KEYS) and all(_is_number(w) and w > 0 for w in weights)):
        problems.append(f"table.column_weights : attendu {len(CELL_KEYS)} nombres positifs")
    problems += [f"table.{k} : attendu un nombre ≥ 0" for k in ("cell_margin_x_in", "cell_margin_y_in", "rule_pt")
                 if not _is_number(settings["table"][k]) or settings["table"][k] < 0]
    return problems


def _rule_problems(settings: dict[str, Any]) -> list[str]:
    """The rule under the title: a colour of the theme and a width in points, or nothing."""
    rule = settings.get("title_rule")
    if not rule:
        return []
    ok = isinstance(rule, dict) and rule.get("color") in settings["colors"] \
        and _is_number(rule.get("width_pt")) and 0 < rule["width_pt"] <= 20
    colors = ", ".join(settings["colors"])
    return [] if ok else [f"title_rule : attendu {{color: une couleur du thème ({colors}), width_pt: épaisseur en "
                          f"points}}, reçu « {rule} »"]


def theme_problems(theme: Theme) -> list[str]:
    """What the template lacks or gets wrong: fields, colours, fonts, logo, master layouts."""
    from .masters.check import master_problems

    settings = theme.settings
    problems = [f"champ manquant : {section}.{key}" for section, keys in REQUIRED.items()
                for key in keys if key not in (settings.get(section) or {})]
    if problems:
        return problems
    problems += [f"couleur invalide : colors.{k} = « {v} » (attendu #RRGGBB)"
                 for k, v in settings["colors"].items() if not COLOR.match(str(v))]
    problems += _number_problems(settings)
    problems += _rule_problems(settings)
    from .deck import settings_problems

    problems += settings_problems(settings)
    problems += [f"cover_fields : champ « {f} » inconnu (attendu : {', '.join(COVER_FIELDS)})"
                 for f in settings.get("cover_fields", []) if f not in COVER_FIELDS]
    problems += file_problems(settings["fonts"]["files"], theme.file("logo"))
    problems += master_problems(theme.file("master"), settings["layouts"])
    return problems
