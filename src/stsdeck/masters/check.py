"""What `template check` says of a master: the layouts each role names, what the master held that
stays out of decks, and whether the PDF backgrounds of its layouts are up to date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import TemplateError
from .layouts import ROLES, find, missing_placeholders, written_name
from .source import clean_master, master_info


def master_problems(master: Path | None, layouts: dict[str, Any]) -> list[str]:
    """The master refused, or the layouts theme.yaml names that it lacks (absent, ambiguous, or
    without a placeholder the role needs)."""
    try:
        info = master_info(master)
    except TemplateError as exc:
        return [str(exc)]
    problems = []
    for role in ROLES:
        layout, problem = find(info, str(layouts[role]), role)
        if layout is None:
            problems.append(str(problem))
            continue
        problems += [f"disposition « {layouts[role]} » (layouts.{role}) : espace réservé « {label} » absent"
                     for label in missing_placeholders(layout, role)]
    return problems


def dropped_lines(master: Path | None) -> list[str]:
    """What the master held that no deck gets, one French line each (none without a master)."""
    if master is None:
        return []
    dropped = clean_master(master).dropped
    if not dropped:
        return ["masque : rien à retirer"]
    return ["masque : éléments laissés de côté (ils n'iront dans aucun diaporama) :",
            *(f"  - {line}" for line in dropped)]


def background_report(master: Path, layouts: dict[str, str], folders: tuple[Path, ...], command: str,
                      refresh: bool) -> tuple[list[str], list[str]]:
    """(lines to show, problems) about the PDF backgrounds of the layouts the roles use; with
    `refresh`, they are rendered again first, into the nearest template folder."""
    from .backgrounds import background_problems, render_backgrounds

    info, clean = master_info(master), clean_master(master)
    used = {role: find(info, str(layouts[role]), role)[0] for role in ROLES}
    lines = []
    if refresh:
        written = render_backgrounds(folders[0], clean.data, clean.source_digest, list(used.values()))
        lines.append(f"arrière-plans PDF refaits : {len(written)} disposition(s) dans {folders[0] / 'backgrounds'}")
    names = {role: layout.qualified for role, layout in used.items() if layout is not None}
    labels = {layout.qualified: written_name(info, layout) for layout in used.values() if layout is not None}
    problems = background_problems(command, folders, clean.source_digest, names, labels)
    if not problems:
        lines.append(f"arrière-plans PDF à jour : {', '.join(f'« {name} »' for name in dict.fromkeys(labels.values()))}")
    return lines, problems
