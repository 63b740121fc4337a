"""Sheet rows -> study mappings: each cell converted to its column's declared type, every problem
mapped to its cell."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from .. import schema
from ..errors import Problem
from ..load import Record, _child, _parent
from .read import REFUSED, Sheet
from .yamltext import yaml_number

KEY = "fichier"
STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
TRUE, FALSE = ("true", "vrai", "oui", "yes"), ("false", "faux", "non", "no")
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()


class Row(NamedTuple):
    """One study of the sheet: its file stem, its mapping, the cell of each of its fields."""

    stem: str
    data: dict[str, Any]
    where: dict[str, str]


class Entry(NamedTuple):
    """One converted cell: blank or not, its value (or ABSENT), its coordinate, refused or not."""

    blank: bool
    value: Any
    coord: str
    bad: bool


def resolve(header: str) -> tuple[schema.Scalar | None, str]:
    """The spec of a column header like 'toxicity[0].pct', or None and what was expected."""
    spec: Any = schema.STUDY
    path = ""
    for part in _segments(header) or [None]:
        if isinstance(spec, schema.Fields) and isinstance(part, str) and part in spec.fields:
            spec = spec.fields[part]
        elif isinstance(spec, schema.ListOf) and isinstance(part, int):
            spec = spec.item
        else:
            return None, _expected(spec, path)
        path = _child(path, part)
    return (spec, "") if isinstance(spec, schema.Scalar) else (None, _expected(spec, path))


def _segments(header: str) -> list[str | int] | None:
    parts: list[str | int] = []
    for piece in header.split("."):
        match = re.fullmatch(r"([A-Za-z_]\w*)((?:\[\d+\])*)", piece)
        if not match:
            return None
        parts += [match[1], *(int(n) for n in re.findall(r"\d+", match[2]))]
    return parts


def _expected(spec: Any, path: str) -> str:
    """Headers accepted at `path` (the field names of a group, an index for a list)."""
    if isinstance(spec, schema.ListOf):
        return f"{path}[0].*"
    if not isinstance(spec, schema.Fields):
        return path
    names = [KEY] if not path else []
    for key, sub in spec.fields.items():
        suffix = {schema.Fields: ".*", schema.ListOf: "[0].*"}.get(type(sub), "")
        names.append(_child(path, key) + suffix)
    return ", ".join(names)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _columns(sheet: Sheet) -> tuple[dict[int, tuple[str, schema.Scalar | None]], list[Problem]]:
    """Known columns by index ({index: (header, spec)}, spec None for fichier) and header problems."""
    columns: dict[int, tuple[str, schema.Scalar | None]] = {}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for index, cell in enumerate(sheet.header):
        letter, where = _letter(index), f"{sheet.name}!{_letter(index)}1"
        header = "" if cell is None or cell is REFUSED else str(cell).strip()
        if not header:
            used = next((r for r, values in sheet.rows if index < len(values) and not _blank(values[index])), None)
            if used and cell is not REFUSED:
                problems.append(Problem(sheet.file, 0, where, f"colonne sans en-tête (valeur en {letter}{used})"))
            continue
        spec, expected = (None, "") if header == KEY else resolve(header)
        if header in seen:
            problems.append(Problem(sheet.file, 0, where,
                                    f"colonne en double « {header} » (déjà en {seen[header]})"))
        elif header != KEY and spec is None:
            problems.append(Problem(sheet.file, 0, where, f"colonne inconnue « {header} » (attendu : {expected})"))
        else:
            seen[header] = f"{letter}1"
            columns[index] = (header, spec)
    return columns, problems


def _required(spec: schema.Fields = schema.STUDY, path: str = "") -> list[str]:
    """Columns every sheet needs: fichier and the required fields outside lists and optional groups."""
    found = [KEY] if not path else []
    for key, sub in spec.fields.items():
        if isinstance(sub, schema.Scalar) and sub.required:
            found.append(_child(path, key))
        elif isinstance(sub, schema.Fields) and sub.required:
            found += _required(sub, _child(path, key))
    return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def sheet_studies(sheet: Sheet) -> tuple[list[Row], list[Problem]]:
    """The study of each non-empty row, and every problem mapped to its sheet cell."""
    if all(_blank(cell) for cell in sheet.header):
        return [], [Problem(sheet.file, 0, sheet.name, "feuille vide : la ligne 1 doit porter les en-têtes")]
    columns, problems = _columns(sheet)
    headers = {header for header, _ in columns.values()}
    missing = [c for c in _required() if c not in headers]
    problems += [Problem(sheet.file, 0, f"{sheet.name}!1:1", f"colonne obligatoire absente « {c} »") for c in missing]
    studies: list[Row] = []
    stems: dict[str, str] = {}
    for number, values in sheet.rows:
        if all(_blank(v) for v in values):
            continue
        stem, data, where, found = _row(sheet, columns, number, values, {_parent(c) for c in missing} | set(missing))
        problems += found
        if stem is not None and KEY in headers:
            coord = f"{_letter(_key_index(columns))}{number}"
            problems += _check_stem(sheet, stem, coord, stems)
            studies.append(Row(stem, data, where))
    return studies, problems


def _key_index(columns: dict[int, tuple[str, schema.Scalar | None]]) -> int:
    return next(i for i, (header, _) in columns.items() if header == KEY)


def _check_stem(sheet: Sheet, stem: str, coord: str, stems: dict[str, str]) -> list[Problem]:
    where = f"{sheet.name}!{coord}"
    if not stem:
        return [Problem(sheet.file, 0, where, "fichier manquant : nom du fichier YAML sans .yaml (ex. delaney-2003)")]
    if not STEM.fullmatch(stem):
        return [Problem(sheet.file, 0, where, f"nom de fichier « {schema._shown(stem)} » invalide "
                                              "(lettres sans accent, chiffres, - et _)")]
    if stem.casefold() in stems:
        return [Problem(sheet.file, 0, where, f"fichier « {stem} » en double (déjà en {stems[stem.casefold()]})")]
    stems[stem.casefold()] = coord
    return []


def _row(sheet: Sheet, columns: dict[int, tuple[str, schema.Scalar | None]], number: int, values: list[Any],
         skip: set[str]) -> tuple[str | None, dict[str, Any], dict[str, str], list[Problem]]:
    """The study of one row: its fichier, its mapping, the cell of each field, the problems of its
    cells and of the schema."""
    problems: list[Problem] = []
    entries: dict[tuple[str | int, ...], Entry] = {}
    stem: str | None = ""
    where = {"": f"{sheet.name}!A{number}"}
    for index, (header, spec) in columns.items():
        coord = f"{sheet.name}!{_letter(index)}{number}"
        raw = values[index] if index < len(values) else None
        if spec is None:
            where[""] = coord
            stem = None if raw is REFUSED else _text(raw).strip() if raw is not None else ""
            continue
        value, message = (ABSENT, None) if raw is REFUSED else _convert(spec, raw)
        if message:
            problems.append(Problem(sheet.file, 0, coord, message))
        entries[tuple(_segments(header) or ())] = Entry(_blank(raw), value, coord, bool(message) or raw is REFUSED)
    data = _build(schema.STUDY, entries, "", where, skip)
    for problem in schema.check_record(schema.STUDY, Record(sheet.file, data)):
        located = _locate(problem, where, skip, sheet.file)
        if located:
            problems.append(located)
    return stem, data, where, problems


def _build(spec: Any, entries: dict[tuple[str | int, ...], Entry], path: str, where: dict[str, str],
           skip: set[str]) -> Any:
    """Nested value from flat cells; blank list items and blank optional groups are left out."""
    if isinstance(spec, schema.Scalar):
        entry = entries[()]
        where[path] = entry.coord
        if entry.bad:
            skip.add(path)
        return entry.value
    groups: dict[str | int, dict[tuple[str | int, ...], Entry]] = {}
    for parts, entry in entries.items():
        groups.setdefault(parts[0], {})[parts[1:]] = entry
    if isinstance(spec, schema.ListOf):
        items = [_build(spec.item, sub, _child(path, i), where, skip)
                 for i, sub in enumerate(groups[k] for k in sorted(groups)
                                         if not all(e.blank for e in groups[k].values()))]
        return items or ABSENT
    where.setdefault(path, next(iter(entries.values())).coord)
    out = {}
    for key, sub_spec in spec.fields.items():
        sub = groups.get(key)
        optional_group = isinstance(sub_spec, schema.Fields) and not sub_spec.required
        if sub is None or (optional_group and all(e.blank for e in sub.values())):
            continue
        value = _build(sub_spec, sub, _child(path, key), where, skip)
        if value is not ABSENT:
            out[key] = value
    return out


def _locate(problem: Problem, where: dict[str, str], skip: set[str], file: str) -> Problem | None:
    """A schema problem moved to the cell of its field (or of its closest group), None if already told."""
    if problem.field in skip:
        return None
    probe = problem.field
    while probe and probe not in where:
        probe = _parent(probe)
    message = problem.message if probe == problem.field else f"{problem.field} : {problem.message}"
    return Problem(file, 0, where.get(probe, where[""]), message)


def _convert(spec: schema.Scalar, raw: Any) -> tuple[Any, str | None]:
    """A cell's value in the column's declared type, or ABSENT and why it cannot be."""
    if _blank(raw) and not (spec.kind == "text" and raw):
        if spec.nullable:
            return None, None
        return ("" if spec.kind == "text" and spec.required else ABSENT), None
    if isinstance(raw, (dt.date, dt.time)):
        return ABSENT, f"date ou heure reçue ({raw}) : mettez la cellule au format Texte et ressaisissez la valeur"
    if spec.kind == "bool":
        return _boolean(raw)
    if spec.kind in ("int", "number", "pct"):
        return _number(raw, spec.kind == "int")
    return _text(raw), None


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, float):
        return yaml_number(int(raw) if raw.is_integer() else raw)
    return str(raw).replace("\r\n", "\n").replace("\r", "\n")


def _number(raw: Any, integer: bool) -> tuple[Any, str | None]:
    """85,4 or 85.4 → 85.4; 48 → 48; anything else is refused (no thousand separators, no %)."""
    expected = "un entier" if integer else "un nombre"
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and NUMBER.fullmatch(re.sub(r"\s", "", raw)):
        text = re.sub(r"\s", "", raw)
        value = int(text) if text.lstrip("+-").isdigit() else float(text.replace(",", "."))
    else:
        return ABSENT, f"attendu {expected}, reçu « {schema._shown(raw)} »"
    if integer and isinstance(value, float):
        if not value.is_integer():
            return ABSENT, f"attendu {expected}, reçu « {schema._shown(raw)} »"
        value = int(value)
    return value, None


def _boolean(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, bool):
        return raw, None
    word = str(raw).strip().lower()
    if word in TRUE or word in FALSE:
        return word in TRUE, None
    return ABSENT, f"attendu true ou false (VRAI ou FAUX), reçu « {schema._shown(raw)} »"


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """{'local_control.pct': 92, 'toxicity[0].label': '…', …} for a nested value."""
    if isinstance(value, dict):
        return {p: v for key, sub in value.items() for p, v in flatten(sub, _child(path, key)).items()}
    if isinstance(value, list):
        return {p: v for i, sub in enumerate(value) for p, v in flatten(sub, _child(path, i)).items()}
    return {path: value}
