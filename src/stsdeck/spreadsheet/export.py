"""Export the studies of a valid data folder to a spreadsheet, one row per study; a CSV cell that a
spreadsheet would run as a formula is neutralised with a leading apostrophe (OWASP)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .. import schema
from ..errors import DataError, OutputError, Problem
from ..load import display_name, load_yaml
from ..write import write_outputs
from .read import ESCAPED, SHEET
from .rows import KEY, flatten, resolve
from .yamltext import yaml_number


def export_table(data: Path, target: Path) -> Path:
    """Write every study of the data folder `data` as one row of `target` (.xlsx, or .csv); return it.
    The data are validated first: what `check` refuses is not exported."""
    from ..validate import load_dataset

    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise OutputError(f"{target.name} : format non pris en charge (attendu .xlsx ou .csv)")
    load_dataset(data)
    studies = _read_studies(data)
    columns = _layout({key: max((len(d[key]) for _, d in studies if isinstance(d.get(key), list)), default=0)
                       for key, spec in schema.STUDY.fields.items() if isinstance(spec, schema.ListOf)})
    flat = [{KEY: stem, **flatten(d)} for stem, d in studies]
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


def neutralised(text: str) -> str:
    """A text as a CSV cell: with a leading apostrophe when a spreadsheet would take it for a
    formula (=, +, -, @, tab, carriage return), or when it starts with an apostrophe itself (so
    that import, which removes that apostrophe, gives back the text as it was)."""
    return "'" + text if text[:1] in ESCAPED and text else text


def _csv_cell(value: Any) -> str:
    """A YAML value as CSV text: decimal comma for numbers, true/false for booleans, texts neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return yaml_number(value).replace(".", ",")
    return neutralised(value) if isinstance(value, str) else str(value)


def _csv_bytes(columns: list[str], rows: list[list[Any]]) -> bytes:
    import pandas as pd

    frame = pd.DataFrame([[_csv_cell(v) for v in row] for row in rows], columns=columns, dtype=str)
    return frame.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx_bytes(columns: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for index, header in enumerate(columns, start=1):
        letter, spec = get_column_letter(index), resolve(header)[0]
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
