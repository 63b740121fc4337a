"""`stsdeck template new`: copy a template into the project's templates/ folder to edit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .errors import TemplateError
from .themes import THEME_FILE, template_root

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def new_folder(name: str, project: Path) -> Path:
    """`project`/templates/`name`, refused when the name is invalid or the folder exists."""
    if not NAME.match(name):
        raise TemplateError(f"nom de modèle « {name} » invalide (lettres, chiffres, - et _)")
    target = project / "templates" / name
    if target.exists():
        raise TemplateError(f"{target} existe déjà : choisissez un autre nom")
    return target


def new_template(name: str, source: str, project: Path) -> Path:
    """Copy `source` to `project`/templates/`name`/ and rename it; refuse to overwrite."""
    target = new_folder(name, project)
    shutil.copytree(template_root(source, project), target)
    theme = target / THEME_FILE
    text = theme.read_text(encoding="utf-8")
    theme.write_text(re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M), encoding="utf-8")
    return target
