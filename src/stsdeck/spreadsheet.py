"""Export the studies to a spreadsheet (one row per study) and import such a sheet back into YAML files."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from . import schema
from .errors import DataError, OutputError, Problem
from .load import Record, _child, _parent, display_name, load_yaml
from .write import write_outputs

SHEET = "Études"
KEY = "fichier"
FLOW_LISTS = ("cohorts", "survival", "toxicity")  # written {a: 1, b: 2} like the existing files
STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
TRUE, FALSE = ("true", "vrai", "oui", "yes"), ("false", "faux", "non", "no")
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()
REFUSED: Any = type("Refused", (), {"__repr__": lambda self: "REFUSED"})()
YAML_PRINTABLE = re.compile("[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


class Sheet(NamedTuple):
    """The raw content of one sheet: header, rows by Excel row number, problems met while reading."""

    file: str
    name: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]
    problems: list[Problem]


class Entry(NamedTuple):
    """One converted cell: blank or not, its value (or ABSENT), its coordinate, refused or not."""

    blank: bool
    value: Any
    coord: str
    bad: bool


# ---------------------------------------------------------------- export


def export_table(data: Path, target: Path) -> Path:
    """Write every study of the data folder `data` as one row of `target` (.xlsx, or .csv); return it."""
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise OutputError(f"{target.name} : format non pris en charge (attendu .xlsx ou .csv)")
    studies = _read_studies(data)
    columns = _layout({key: max((len(d[key]) for _, d in studies if isinstance(d.get(key), list)), default=0)
                       for key, spec in schema.STUDY.fields.items() if isinstance(spec, schema.ListOf)})
    flat = [{KEY: stem, **_flatten(d)} for stem, d in studies]
    columns += [p for p in dict.fromkeys(p for row in flat for p in row) if p not in columns]
    rows = [[row.get(c) for c in columns] for row in flat]
    table = (_csv_bytes if target.suffix.lower() == ".csv" else _xlsx_bytes)(columns, rows)
    return write_outputs({target.name: table}, target.parent)[0]


def _read_studies(data: Path) -> list[tuple[str, dict[str, Any]]]:
    """(file stem, raw YAML mapping) of every study, sorted by file name; DataError if unreadable."""
    paths = sorted((data / "studies").glob("*.yaml"))
    if not paths:
        raise DataError([Problem(display_name(data / "studies", data), 0, "", "aucune étude à exporter")])
    studies, problems = [], []
    for path in paths:
        record, found = load_yaml(path, data)
        problems += found
        if record is not None and not isinstance(record.data, dict):
            problems.append(Problem(record.file, 1, "", "attendu un tableau de champs"))
        elif record is not None:
            studies.append((path.stem, record.data))
    if problems:
        raise DataError(problems)
    return studies


def _layout(counts: dict[str, int]) -> list[str]:
    """Columns in order: fichier, top-level values, then nested fields (cells first), lists indexed."""
    fields = schema.STUDY.fields
    columns = [KEY] + [key for key, spec in fields.items() if isinstance(spec, schema.Scalar)]
    for key, spec in fields.items():
        if isinstance(spec, schema.Fields):
            columns += [f"{key}.{name}" for name in spec.fields]
        elif isinstance(spec, schema.ListOf):
            columns += [f"{key}[{i}].{name}" for i in range(max(counts[key], 1)) for name in spec.item.fields]
    return columns


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    """{'local_control.pct': 92, 'toxicity[0].label': '…', …} for a nested value."""
    if isinstance(value, dict):
        return {p: v for key, sub in value.items() for p, v in _flatten(sub, _child(path, key)).items()}
    if isinstance(value, list):
        return {p: v for i, sub in enumerate(value) for p, v in _flatten(sub, _child(path, i)).items()}
    return {path: value}


def _french_number(value: Any) -> str:
    """A YAML value as CSV text: decimal comma for numbers, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _yaml_number(value).replace(".", ",")
    return str(value)


def _csv_bytes(columns: list[str], rows: list[list[Any]]) -> bytes:
    import pandas as pd

    frame = pd.DataFrame([[_french_number(v) for v in row] for row in rows], columns=columns, dtype=str)
    return frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx_bytes(columns: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for index, header in enumerate(columns, start=1):
        letter, spec = get_column_letter(index), _resolve(header)[0]
        sheet.cell(1, index, header).font = Font(bold=True)
        text = spec is None or spec.kind == "text"
        sheet.column_dimensions[letter].width = 40 if header.startswith("cells.") else max(12, len(header) + 2)
        if text:
            sheet.column_dimensions[letter].number_format = "@"
        for row_number, row in enumerate(rows, start=2):
            cell = sheet.cell(row_number, index, row[index - 1])
            if isinstance(row[index - 1], str):
                cell.data_type = "s"  # a text starting with "=" stays text, not a formula
            if text:
                cell.number_format = "@"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        _choices(sheet, letter, spec, len(rows))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(sheet: Any, letter: str, spec: schema.Scalar | None, count: int) -> None:
    """A drop-down list on a column whose values are a closed set (design, toxicity kind)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if spec is None or not spec.choices:
        return
    rule = DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True,
                          showErrorMessage=True, errorTitle="Valeur inconnue",
                          error="Valeurs possibles : " + ", ".join(spec.choices))
    rule.add(f"{letter}2:{letter}{count + 500}")
    sheet.add_data_validation(rule)


# ---------------------------------------------------------------- import


def import_table(source: Path, into: Path, sep: str | None = None, encoding: str | None = None) -> list[Path]:
    """Write one `into/studies/<fichier>.yaml` per row of `source` (.xlsx or .csv); every problem, or nothing."""
    sheet = _read_sheet(source, sep, encoding)
    studies, problems = _studies(sheet)
    problems = sheet.problems + problems
    if not problems and not studies:
        problems.append(Problem(sheet.file, 0, sheet.name, "aucune étude dans la feuille"))
    if problems:
        raise DataError(problems)
    return write_outputs({f"{stem}.yaml": to_yaml(data).encode("utf-8") for stem, data in studies}, into / "studies")


def _read_sheet(source: Path, sep: str | None, encoding: str | None) -> Sheet:
    if not source.is_file():
        raise DataError([Problem(source.name, 0, "", "fichier introuvable")])
    if source.suffix.lower() == ".csv":
        return _read_csv(source, sep, encoding)
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(source)
    raise DataError([Problem(source.name, 0, "", "format non pris en charge (attendu .xlsx ou .csv)")])


def _read_xlsx(source: Path) -> Sheet:
    """The 'Études' sheet (else the first one); formulas and merged cells become refused cells."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(source, data_only=False)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for files it cannot read
        raise DataError([Problem(source.name, 0, "", f"classeur illisible ({type(exc).__name__}) : "
                                 "enregistrez-le au format .xlsx")]) from exc
    ws = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    problems, refused = [], set()
    for area in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        problems.append(Problem(source.name, 0, f"{ws.title}!{get_column_letter(area.min_col)}{area.min_row}",
                                f"cellules fusionnées refusées ({area.coord}) : une valeur par cellule"))
        refused.update(area.cells)
    grid = []
    for row in ws.iter_rows():
        values = []
        for cell in row:
            if cell.data_type == "f":
                formula = getattr(cell.value, "text", cell.value)
                problems.append(Problem(source.name, 0, f"{ws.title}!{cell.coordinate}",
                                        f"formule refusée : saisissez la valeur ({formula})"))
            refuse = cell.data_type == "f" or (cell.row, cell.column) in refused
            values.append(REFUSED if refuse else cell.value)
        grid.append(values)
    header = grid[0] if grid else []
    return Sheet(source.name, ws.title, header, list(enumerate(grid[1:], start=2)), problems)


def _decode(source: Path, encoding: str | None) -> str:
    """The CSV text: declared encoding, else UTF-8 (BOM or not), else cp1252; line ends made \\n."""
    raw = source.read_bytes()
    for name in [encoding] if encoding else ["utf-8-sig", "cp1252"]:
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise DataError([Problem(source.name, 0, "", f"encodage inconnu « {name} »")]) from None
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    tried = encoding or "UTF-8 ni cp1252"
    raise DataError([Problem(source.name, 0, "", f"encodage illisible ({tried}) : enregistrez en « CSV UTF-8 »")])


def _sniff(text: str) -> str:
    """The separator of the header line: ; , or tab (; when the header has a single column)."""
    import csv

    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t").delimiter
    except csv.Error:
        return ";"


def _read_csv(source: Path, sep: str | None, encoding: str | None) -> Sheet:
    """Every CSV field as text (no type guessing); the sheet is named after the file."""
    import pandas as pd

    text = _decode(source, encoding)
    sep = sep or _sniff(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, engine="c" if len(sep) == 1 else "python")
    except pd.errors.EmptyDataError:
        raise DataError([Problem(source.name, 0, "", "fichier vide")]) from None
    except pd.errors.ParserError as exc:
        raise DataError([_ragged(source, sep, str(exc))]) from None
    grid = frame.values.tolist()
    return Sheet(source.name, source.stem, grid[0], list(enumerate(grid[1:], start=2)), [])


def _ragged(source: Path, sep: str, error: str) -> Problem:
    """The pandas tokenizing error of a CSV, in French and located when pandas says where."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if not found:
        return Problem(source.name, 0, "", f"CSV illisible avec le séparateur « {sep} » ({error.strip()})")
    expected, line, saw = found.groups()
    return Problem(source.name, 0, f"{source.stem}!{line}:{line}",
                   f"{saw} valeurs pour {expected} colonnes (séparateur « {sep} » dans un texte sans guillemets ?)")


def _resolve(header: str) -> tuple[schema.Scalar | None, str]:
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
            used = next((r for r, values in sheet.rows if not _blank(values[index])), None)
            if used and cell is not REFUSED:
                problems.append(Problem(sheet.file, 0, where, f"colonne sans en-tête (valeur en {letter}{used})"))
            continue
        spec, expected = (None, "") if header == KEY else _resolve(header)
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


def _studies(sheet: Sheet) -> tuple[list[tuple[str, dict[str, Any]]], list[Problem]]:
    """(fichier, study mapping) per non-empty row, and every problem mapped to its sheet cell."""
    if all(_blank(cell) for cell in sheet.header):
        return [], [Problem(sheet.file, 0, sheet.name, "feuille vide : la ligne 1 doit porter les en-têtes")]
    columns, problems = _columns(sheet)
    headers = {header for header, _ in columns.values()}
    missing = [c for c in _required() if c not in headers]
    problems += [Problem(sheet.file, 0, f"{sheet.name}!1:1", f"colonne obligatoire absente « {c} »") for c in missing]
    studies: list[tuple[str, dict[str, Any]]] = []
    stems: dict[str, str] = {}
    for number, values in sheet.rows:
        if all(_blank(v) for v in values):
            continue
        stem, data, found = _row(sheet, columns, number, values, {_parent(c) for c in missing} | set(missing))
        problems += found
        if stem is not None and KEY in headers:
            coord = f"{_letter(_key_index(columns))}{number}"
            problems += _check_stem(sheet, stem, coord, stems)
            studies.append((stem, data))
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
         skip: set[str]) -> tuple[str | None, dict[str, Any], list[Problem]]:
    """The study of one row: its fichier, its mapping, the problems of its cells and of the schema."""
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
    return stem, data, problems


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
        return _yaml_number(int(raw) if raw.is_integer() else raw)
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


# ---------------------------------------------------------------- YAML text


def to_yaml(data: dict[str, Any]) -> str:
    """A study in the layout of data/studies: double-quoted texts, flow items for short lists."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines += [f"{key}:"] + [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            lines += [f"{key}:"] + [line for item in value for line in _item(item, key in FLOW_LISTS)]
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _item(item: Any, flow: bool) -> list[str]:
    if not isinstance(item, dict):
        return [f"  - {_scalar(item)}"]
    pairs = [f"{k}: {_scalar(v)}" for k, v in item.items()]
    if flow:
        return ["  - {" + ", ".join(pairs) + "}"]
    return [("  - " if i == 0 else "    ") + pair for i, pair in enumerate(pairs)]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return _yaml_number(value)
    return _quote(str(value))


def _yaml_number(value: float) -> str:
    """85.4 → '85.4', 48 → '48'; never an exponent, which YAML 1.1 would read as text."""
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text.lower() else text


def _quote(text: str) -> str:
    """A YAML double-quoted scalar; characters YAML may not hold raw are escaped."""
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif YAML_PRINTABLE.fullmatch(char):
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08X}")
    return '"' + "".join(out) + '"'
