"""Import a sheet into data/studies: first what it will change (studies added, changed, removed),
refused as a whole on any problem, then written."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .. import schema
from ..errors import DataError, Problem
from ..load import display_name, load_yaml, within
from .read import read_sheet
from .rows import Row, flatten, sheet_studies
from .yamltext import to_yaml

ABSENT_RULES = ("refuser", "supprimer", "garder")  # what becomes of a study the sheet no longer has
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
UNREAD: Any = type("Unread", (), {"__repr__": lambda self: "UNREAD"})()  # a file linked out of data/, or unreadable


class Change(NamedTuple):
    """A study the import rewrites: each field that changes, as (field, before, after)."""

    stem: str
    fields: tuple[tuple[str, Any, Any], ...]


class ImportPlan(NamedTuple):
    """What an import will do to `folder` (data/studies): files to write, files to remove."""

    source: str
    folder: Path
    added: tuple[str, ...]
    changed: tuple[Change, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...]  # absent from the sheet, kept as asked
    unchanged: tuple[str, ...]
    outputs: dict[str, bytes]


def plan_import(source: Path, into: Path, sep: str | None = None, encoding: str | None = None,
                absent: str = "refuser") -> ImportPlan:
    """What importing `source` into the data folder `into` will change; DataError with every problem
    (of the sheet, of the characters an encoding lost, of the studies it no longer has) otherwise."""
    if absent not in ABSENT_RULES:
        raise ValueError(f"absent: {absent!r} (attendu : {', '.join(ABSENT_RULES)})")
    folder = into / "studies"
    if folder.exists() and not within(folder, into):
        raise DataError([Problem(display_name(folder.parent, into) + "/studies", 0, "",
                                 "lien symbolique vers un dossier hors du dossier de données : refusé")])
    sheet = read_sheet(source, sep, encoding)
    rows, problems = sheet_studies(sheet)
    problems = sheet.problems + problems
    if not problems and not rows:
        problems.append(Problem(sheet.file, 0, sheet.name, "aucune étude dans la feuille"))
    if problems:
        raise DataError(problems)
    existing = _existing(folder, into)
    changes = {row.stem: _differences(existing[row.stem], row.data) for row in rows if row.stem in existing}
    problems = [p for row in rows if row.stem in changes
                for p in _lost(sheet.file, sheet.encoding, row, changes[row.stem])]
    gone = tuple(stem for stem in existing if stem not in {row.stem for row in rows})
    if absent == "refuser":
        problems += [Problem(display_name(folder / f"{stem}.yaml", into), 0, "", ABSENT_MESSAGE.format(sheet=sheet.file))
                     for stem in gone]
    if problems:
        raise DataError(problems)
    written = [row for row in rows if row.stem not in changes or changes[row.stem]]
    return ImportPlan(sheet.file, folder, tuple(r.stem for r in rows if r.stem not in existing),
                      tuple(Change(stem, diffs) for stem, diffs in changes.items() if diffs),
                      gone if absent == "supprimer" else (), gone if absent == "garder" else (),
                      tuple(stem for stem, diffs in changes.items() if not diffs),
                      {f"{row.stem}.yaml": to_yaml(row.data).encode("utf-8") for row in written})


ABSENT_MESSAGE = ("étude absente du tableur {sheet} : relancez avec --supprimer-absentes pour la supprimer, "
                  "ou --garder-absentes pour la garder")


def _existing(folder: Path, into: Path) -> dict[str, Any]:
    """The study mappings already in `folder` by file stem; UNREAD for a file linked out of the
    data folder (never read) or that does not parse."""
    found: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yaml")):
        record = load_yaml(path, into)[0] if within(path, into) and path.is_file() else None
        found[path.stem] = record.data if record is not None and isinstance(record.data, dict) else UNREAD
    return found


def _differences(before: Any, after: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    """(field, before, after) of every field whose value changes; the whole file when unread."""
    if before is UNREAD:
        return (("", UNREAD, MISSING),)
    old, new = flatten(before), flatten(after)
    fields = dict.fromkeys([*new, *old])
    return tuple((f, old.get(f, MISSING), new.get(f, MISSING)) for f in fields
                 if not _same(old.get(f, MISSING), new.get(f, MISSING)))


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same kind (a number equals its float, a boolean is not a number)."""
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    return a == b if numbers else type(a) is type(b) and a == b


def _lost(file: str, encoding: str, row: Row, diffs: tuple[tuple[str, Any, Any], ...]) -> list[Problem]:
    """A text that the sheet's legacy encoding turned into « ? » where the YAML file has characters
    that encoding lacks (≥ saved as cp1252): an error, never an import of « ? »."""
    problems = []
    for field, before, after in diffs if encoding else ():
        if isinstance(before, str) and isinstance(after, str) and _degraded(before, encoding) == after:
            lost = "".join(dict.fromkeys(c for c in before if _degraded(c, encoding) != c))
            problems.append(Problem(file, 0, row.where.get(field, row.where[""]),
                                    f"« {lost} » devenu « ? » à l'enregistrement en {encoding}, un encodage sans ce "
                                    "caractère : enregistrez le fichier en « CSV UTF-8 » et réimportez-le"))
    return problems


def _degraded(text: str, encoding: str) -> str:
    return text.encode(encoding, errors="replace").decode(encoding)


def apply_import(plan: ImportPlan) -> list[Path]:
    """Write the plan's study files and remove the studies it removes; the paths written."""
    from ..write import replace_files

    return replace_files(plan.outputs, plan.folder, [f"{stem}.yaml" for stem in plan.removed])


def import_table(source: Path, into: Path, sep: str | None = None, encoding: str | None = None,
                 absent: str = "refuser") -> list[Path]:
    """Import `source` into `into`: the study files written (added or changed), or DataError and nothing."""
    return apply_import(plan_import(source, into, sep, encoding, absent))


def describe(plan: ImportPlan) -> list[str]:
    """What the import changes, in French, one line per study (and per changed field)."""
    lines = [f"ajoutée : {stem}" for stem in plan.added]
    for change in plan.changed:
        lines.append(f"modifiée : {change.stem}")
        lines += [f"  {_field_change(field, before, after)}" for field, before, after in change.fields]
    lines += [f"supprimée : {stem}" for stem in plan.removed]
    lines += [f"gardée (absente du tableur) : {stem}" for stem in plan.kept]
    return lines + [f"{len(plan.added)} ajoutée(s), {len(plan.changed)} modifiée(s), {len(plan.removed)} supprimée(s), "
                    f"{len(plan.unchanged)} inchangée(s) dans {plan.folder}"]


def _field_change(field: str, before: Any, after: Any) -> str:
    if before is UNREAD:
        return "fichier illisible ou lien hors du dossier : remplacé en entier"
    shown = {MISSING: "(absent)"}
    text = lambda v: shown[v] if v is MISSING else f"« {schema._shown(v)} »"  # noqa: E731
    return f"{field} : {text(before)} → {text(after)}"
