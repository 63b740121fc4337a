"""Deck -> HTML with a sandboxed Jinja2 (autoescaped, StrictUndefined), one page per slide at the
slide's size, on the picture of the slide's layout when the template has one."""

from __future__ import annotations

import base64
import os
import re
import traceback
from pathlib import Path
from typing import Any

from ..errors import TemplateError
from ..measure import EMU_PER_PT, baseline_shift, metrics
from ..slides import ChartBlock, Deck, TableBlock
from ..resources import BUILTIN
from ..themes import Box, Theme

TEMPLATE = "deck.html.j2"
CSS = "deck.css"


def _pt(emu: int) -> str:
    return f"{emu / EMU_PER_PT:.2f}pt"


def _style(box: Box) -> str:
    return f"left:{_pt(box.x)};top:{_pt(box.y)};width:{_pt(box.w)};height:{_pt(box.h)}"


_ENVIRONMENTS: dict[tuple[Path, ...], Any] = {}  # one per template chain in this process: templates compiled once


def environment(theme: Theme) -> Any:
    """A sandboxed Jinja2 over the template's folders, nearest first; `{% extends "default/deck.html.j2" %}`
    (or any parent's name) reaches the parent's file. Templates come from elsewhere: they reach no
    Python internals, change no value, read no file outside the chain, follow no symbolic link.
    A template is compiled again only when its file changes."""
    folders = tuple(template_folders(theme))
    if folders not in _ENVIRONMENTS:
        _ENVIRONMENTS[folders] = _sandbox(list(folders))
    return _ENVIRONMENTS[folders]


def _sandbox(folders: list[Path]) -> Any:
    from jinja2 import StrictUndefined, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        """Jinja's immutable sandbox, with repetition and powers bounded."""

        intercepted_binops = frozenset(["*", "**"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            return bounded_binop(operator, left, right)

    env = Sandbox(loader=confined_loader(folders), undefined=StrictUndefined,
                  autoescape=select_autoescape(["html", "j2"], default=True), keep_trailing_newline=True)
    env.filters.update(pt=_pt, box=_style)
    env.tests["table"] = lambda block: isinstance(block, TableBlock)
    env.tests["chart"] = lambda block: isinstance(block, ChartBlock)
    env.filters["svg_uri"] = lambda data: "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    return env


MAX_REPEAT = 100_000  # items or characters a template may make with `*`
MAX_EXPONENT = 64
MAX_BITS = 4096  # of an integer power


def bounded_binop(operator: str, left: Any, right: Any) -> Any:
    """`left * right` or `left ** right`, refused (SecurityError) when it would make a huge value."""
    from jinja2.exceptions import SecurityError

    if operator == "**" and _huge_power(left, right):
        raise SecurityError(f"puissance trop grande (exposant au plus {MAX_EXPONENT}, résultat au plus {MAX_BITS} bits)")
    if operator == "*" and _huge_repeat(left, right):
        raise SecurityError(f"répétition trop grande (plus de {MAX_REPEAT} éléments)")
    return left ** right if operator == "**" else left * right


def _huge_power(left: Any, right: Any) -> bool:
    if not isinstance(right, (int, float)):
        return False
    whole = isinstance(left, int) and isinstance(right, int)
    return abs(right) > MAX_EXPONENT or whole and left.bit_length() * right > MAX_BITS


def _huge_repeat(left: Any, right: Any) -> bool:
    sized = [v for v in (left, right) if isinstance(v, (str, list, tuple))]
    counts = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
    return bool(sized and counts) and len(sized[0]) * counts[0] > MAX_REPEAT


def template_folders(theme: Theme) -> list[Path]:
    """The folders Jinja may read, nearest first: the template's, those it extends, the built-in default."""
    return list(dict.fromkeys(folder.resolve() for folder in (*theme.folders, BUILTIN / "default")))


def confined_loader(folders: list[Path]) -> Any:
    """A Jinja loader of the files of `folders` only: `name` from the nearest folder that has it,
    `folder-name/name` from that folder; a symbolic link on the way is refused (TemplateError)."""
    from jinja2 import BaseLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    class ConfinedLoader(BaseLoader):
        """Reads templates inside the template chain, never through a symbolic link."""

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            pieces = split_template_path(template)
            prefixed = [(f, pieces[1:]) for f in folders if len(pieces) > 1 and pieces[0] == f.name]
            for folder, parts in (*prefixed, *((f, pieces) for f in folders)):
                path = folder.joinpath(*parts)
                if _linked(folder, parts):
                    raise TemplateError(f"{template} : lien symbolique refusé ({path}) : un modèle ne lit que "
                                        "ses propres fichiers")
                if path.is_file():
                    source = _read_template(path)
                    return source, str(path), lambda: _unchanged(folder, parts, path, source)
            raise TemplateNotFound(template)

    return ConfinedLoader()


def _unchanged(folder: Path, parts: list[str], path: Path, source: str) -> bool:
    """True while the template file still holds `source`, and is still no link: its compiled form serves again."""
    try:
        return not _linked(folder, parts) and _read_template(path) == source
    except OSError:
        return False


def _linked(folder: Path, parts: list[str]) -> bool:
    """True when a component of folder/parts (below `folder`) is a symbolic link."""
    return any(folder.joinpath(*parts[:n]).is_symlink() for n in range(1, len(parts) + 1))


def _read_template(path: Path) -> str:
    """A template file's text, opened without following a link swapped in since it was checked."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, encoding="utf-8") as source:
        return source.read()


def render_html(deck: Deck, theme: Theme, first_number: int = 1) -> str:
    """The deck as one HTML document; fonts and images are referenced inside the template. A
    template's error or refusal is a TemplateError naming its file and line."""
    values = dict(deck=deck, theme=theme.settings, slides=deck.slides, title_box=theme.box("title"),
                  footer_box=theme.box("footer"), spacing=theme.size("line_spacing"),
                  stylesheets=stylesheets(theme), logo=_logo(theme), first_number=first_number, page=_page(theme),
                  backgrounds=_backgrounds(deck, theme), title_rule=_title_rule(theme),
                  shift=baseline_shift(metrics(theme.font_file("regular")), theme.size("line_spacing")),
                  fonts={face: theme.font_file(face).as_uri() for face in ("regular", "bold")})
    env = environment(theme)
    try:
        return env.get_template(TEMPLATE).render(**values)
    except Exception as exc:  # Jinja's errors, the sandbox's and the loader's refusals, a template's bug
        raise template_error(exc, template_folders(theme)) from None


JINJA_REASONS = (
    (re.compile(r"access to attribute '(.+)' of '(.+)' object is unsafe\."),
     "refusé par le bac à sable : accès à l'attribut « {0} » d'un objet « {1} »"),
    (re.compile(r"(.+) is not safely callable"), "refusé par le bac à sable : appel de {0}"),
    (re.compile(r"Range too big.*"), "refusé par le bac à sable : range() de plus de 100 000 éléments"),
    (re.compile(r"'(.+)' is undefined"), "variable « {0} » inconnue"),
)


def template_error(exc: Exception, folders: list[Path]) -> Exception:
    """`exc`, raised while rendering, as a TemplateError located in the template's file and line;
    an error that no template line caused is stsdeck's own and is returned unchanged."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError, TemplateError as JinjaError

    where = _template_line(exc, folders)
    if isinstance(exc, TemplateSyntaxError):
        where = f"{exc.filename}:{exc.lineno}: " if exc.filename else where
        reason = f"syntaxe Jinja invalide ({exc.message})"
    elif isinstance(exc, TemplateNotFound):
        reason = f"gabarit « {exc.name} » introuvable dans les dossiers du modèle"
    elif isinstance(exc, (JinjaError, SecurityError, TemplateError, OverflowError)):
        reason = _jinja_reason(str(exc))
    elif where:
        reason = f"erreur du gabarit ({type(exc).__name__} : {exc})"
    else:
        return exc
    return TemplateError(f"{where}{reason}")


def _jinja_reason(message: str) -> str:
    for pattern, french in JINJA_REASONS:
        if found := pattern.fullmatch(message):
            return french.format(*found.groups())
    return message


def _template_line(exc: Exception, folders: list[Path]) -> str:
    """« file:line: » of the last template line in `exc`'s traceback, or ""."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if any(Path(f.filename).is_relative_to(folder) for folder in folders)]
    return f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""


def _page(theme: Theme) -> dict[str, str]:
    """The page size: the slide's."""
    width, height = theme.slide
    return {"width": _pt(width), "height": _pt(height)}


def _backgrounds(deck: Deck, theme: Theme) -> dict[str, str]:
    """The URI of the layout picture of each kind of slide in `deck` that has one."""
    kinds = dict.fromkeys(slide.kind for slide in deck.slides)
    return {kind: path.as_uri() for kind in kinds if (path := theme.background(kind)) is not None}


def _title_rule(theme: Theme) -> dict[str, str] | None:
    """The CSS box and border of the rule under the title (theme.yaml `title_rule`), if any."""
    rule = theme.settings.get("title_rule")
    if not rule:
        return None
    box = theme.box("title")
    width = float(rule["width_pt"])
    top = box.y / EMU_PER_PT + box.h / EMU_PER_PT - width / 2
    return {"style": f"left:{_pt(box.x)};top:{top:.2f}pt;width:{_pt(box.w)};"
                     f"border-top:{width:.2f}pt solid {theme.color(rule['color'])}"}


def stylesheets(theme: Theme) -> list[str]:
    """URIs of the deck.css of every template in the chain, farthest first (nearest wins); a
    deck.css that is a symbolic link is refused."""
    folders = list(reversed(template_folders(theme)))
    linked = [folder / CSS for folder in folders if (folder / CSS).is_symlink()]
    if linked:
        raise TemplateError(f"{linked[0]} : lien symbolique refusé : un modèle ne lit que ses propres fichiers")
    return [(f / CSS).as_uri() for f in folders if (f / CSS).is_file()]


def _logo(theme: Theme) -> dict[str, str] | None:
    """The logo's URI and CSS box, if the template has one."""
    from ..assets import logo_box

    path = theme.file("logo")
    if path is None or not theme.settings.get("logo_on_slides", True):
        return None
    x, y, w, h = logo_box(path, theme.box("logo"))
    return {"uri": path.as_uri(), "style": _style(Box(x, y, w, h))}
