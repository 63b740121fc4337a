"""Read a sheet from elsewhere, within limits: .xlsx streamed (openpyxl's read-only parser), .csv as
text; hidden sheets, rows and columns, formulas and merged cells are refused by name."""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import DataError, Problem

SHEET = "Études"
MAX_BYTES = 50_000_000  # the file as given
MAX_UNPACKED = 200_000_000  # an .xlsx's parts once decompressed, as its zip directory declares them
MAX_ROWS = 10_000  # one row per study: far more than any review
MAX_COLUMNS = 1_000
ESCAPED = ("=", "+", "-", "@", "\t", "\r", "'")  # after the apostrophe of a neutralised CSV cell
REFUSED: Any = type("Refused", (), {"__repr__": lambda self: "REFUSED"})()
UTF = ("utf-8-sig", "utf-8", "utf8")


class Sheet(NamedTuple):
    """The raw content of one sheet: header, rows by Excel row number, problems met while reading,
    and the legacy encoding a CSV was read with (characters it lacks may have become « ? »)."""

    file: str
    name: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]
    problems: list[Problem]
    encoding: str = ""


def read_sheet(source: Path, sep: str | None, encoding: str | None) -> Sheet:
    """The sheet of `source` (.xlsx or .csv), or DataError."""
    if not source.is_file():
        raise DataError([Problem(source.name, 0, "", "fichier introuvable")])
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise DataError([Problem(source.name, 0, "", f"fichier trop volumineux ({_mb(size)} Mo, au plus "
                                                     f"{_mb(MAX_BYTES)} Mo)")])
    if source.suffix.lower() == ".csv":
        return _read_csv(source, sep, encoding)
    if source.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(source)
    raise DataError([Problem(source.name, 0, "", "format non pris en charge (attendu .xlsx ou .csv)")])


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.0f}"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _too_many(file: str, sheet: str, what: str, limit: int) -> DataError:
    return DataError([Problem(file, 0, sheet, f"feuille trop grande : plus de {_thousands(limit)} {what} "
                                              "(une ligne par étude attendue) ; rien n'a été importé")])


# ---------------------------------------------------------------- xlsx


def _read_xlsx(source: Path) -> Sheet:
    """The 'Études' sheet (else the first one), streamed row by row and stopped past the limits."""
    _check_package(source)
    book = _open_book(source)
    try:
        if not book.worksheets:
            raise DataError([Problem(source.name, 0, "", "aucune feuille de calcul dans le classeur")])
        ws = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows, parser = _scan(source.name, book, ws)
        problems = _hidden_sheets(source.name, book) + _hidden_lines(source.name, ws.title, parser, rows)
    finally:
        book.close()
    grid, found = _values(source.name, ws.title, rows, _merged(parser))
    header = grid.pop(1, [])
    return Sheet(source.name, ws.title, header, sorted(grid.items()), problems + found)


def _check_package(source: Path) -> None:
    """DataError when the .xlsx is not a zip, or declares more than MAX_UNPACKED bytes of parts
    (a part cannot inflate past its declared size: zipfile stops there)."""
    import zipfile

    try:
        with zipfile.ZipFile(source) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError):
        raise DataError([Problem(source.name, 0, "", "classeur illisible (BadZipFile) : enregistrez-le au "
                                                     "format .xlsx")]) from None
    if unpacked > MAX_UNPACKED:
        raise DataError([Problem(source.name, 0, "", f"classeur trop volumineux une fois décompressé "
                                                     f"({_mb(unpacked)} Mo, au plus {_mb(MAX_UNPACKED)} Mo)")])


def _open_book(source: Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(source, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for files it cannot read
        raise DataError([Problem(source.name, 0, "", f"classeur illisible ({type(exc).__name__}) : "
                                 "enregistrez-le au format .xlsx")]) from exc


def _scan(file: str, book: Any, ws: Any) -> tuple[dict[int, list[dict[str, Any]]], Any]:
    """The cells of each row of `ws` by row number, read with the parser of openpyxl's read-only
    mode (which also collects the hidden rows, columns and merged cells), stopped past the limits."""
    from openpyxl.worksheet._reader import WorkSheetParser

    rows: dict[int, list[dict[str, Any]]] = {}
    with ws._get_source() as src:  # what ReadOnlyWorksheet does, keeping the parser's findings
        parser = WorkSheetParser(src, ws._shared_strings, data_only=False, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            if len(rows) == MAX_ROWS:
                raise _too_many(file, ws.title, "lignes", MAX_ROWS)
            if cells and cells[-1]["column"] > MAX_COLUMNS:
                raise _too_many(file, ws.title, "colonnes", MAX_COLUMNS)
            rows[number] = cells
    return rows, parser


STATES = {"hidden": "feuille masquée refusée : affichez-la ou supprimez-la",
          "veryHidden": "feuille très masquée (invisible dans Excel) refusée : supprimez-la"}


def _hidden_sheets(file: str, book: Any) -> list[Problem]:
    sheets = (*book.worksheets, *book.chartsheets)
    return [Problem(file, 0, ws.title, STATES.get(ws.sheet_state, STATES["hidden"]))
            for ws in sheets if ws.sheet_state != "visible"]


def _hidden(attrs: dict[str, str], size: str) -> bool:
    return attrs.get("hidden") in ("1", "true") or attrs.get(size) in ("0", "0.0")


def _hidden_lines(file: str, title: str, parser: Any, rows: dict[int, list[dict[str, Any]]]) -> list[Problem]:
    """Hidden (or zero-sized) rows and columns that hold a value, by contiguous range."""
    from openpyxl.utils import get_column_letter

    filled = {number for number, cells in rows.items() if any(c["value"] is not None for c in cells)}
    hidden_rows = sorted(int(n) for n, attrs in parser.row_dimensions.items() if _hidden(attrs, "ht"))
    used = {c["column"] for cells in rows.values() for c in cells if c["value"] is not None}
    hidden_columns = sorted(i for attrs in parser.column_dimensions.values() if _hidden(attrs, "width")
                            for i in range(int(attrs["min"]), int(attrs.get("max", attrs["min"])) + 1))
    problems = [Problem(file, 0, f"{title}!{a}:{b}", _plural("ligne", a, b))
                for a, b in _ranges([n for n in hidden_rows if n in filled])]
    problems += [Problem(file, 0, f"{title}!{get_column_letter(a)}:{get_column_letter(b)}", _plural("colonne", a, b))
                 for a, b in _ranges([i for i in hidden_columns if i in used])]
    return problems


def _plural(what: str, first: int, last: int) -> str:
    if first == last:
        return f"{what} masquée refusée : affichez-la ou supprimez-la"
    return f"{what}s masquées refusées : affichez-les ou supprimez-les"


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted numbers grouped into (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        runs = runs[:-1] + [(runs[-1][0], n)] if runs and n == runs[-1][1] + 1 else runs + [(n, n)]
    return runs


def _merged(parser: Any) -> list[Any]:
    from openpyxl.worksheet.cell_range import CellRange

    cells = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
    return sorted((CellRange(m.ref) for m in cells), key=lambda r: (r.min_row, r.min_col))


def _values(file: str, title: str, rows: dict[int, list[dict[str, Any]]], merged: list[Any]
            ) -> tuple[dict[int, list[Any]], list[Problem]]:
    """Each row's values by column (formulas and merged cells as REFUSED), and their problems."""
    from openpyxl.utils import get_column_letter

    problems = [Problem(file, 0, f"{title}!{get_column_letter(a.min_col)}{a.min_row}",
                        f"cellules fusionnées refusées ({a.coord}) : une valeur par cellule") for a in merged]
    refused = {cell for area in merged for cell in area.cells}
    width = max((cells[-1]["column"] for cells in rows.values() if cells), default=0)
    grid: dict[int, list[Any]] = {}
    for number, cells in rows.items():
        values: list[Any] = [None] * width
        for cell in cells:
            coordinate = f"{get_column_letter(cell['column'])}{number}"
            if cell["data_type"] == "f":
                formula = getattr(cell["value"], "text", cell["value"])
                problems.append(Problem(file, 0, f"{title}!{coordinate}", f"formule refusée : saisissez la valeur ({formula})"))
            refuse = cell["data_type"] == "f" or (number, cell["column"]) in refused
            values[cell["column"] - 1] = REFUSED if refuse else cell["value"]
        grid[number] = [REFUSED if (number, i + 1) in refused else v for i, v in enumerate(values)]
    return grid, problems


# ---------------------------------------------------------------- csv


def _decode(source: Path, encoding: str | None) -> tuple[str, str]:
    """The CSV text and the encoding it was read with: the declared one, else UTF-8 (BOM or not),
    else cp1252; line ends made \\n."""
    raw = source.read_bytes()
    for name in [encoding] if encoding else ["utf-8-sig", "cp1252"]:
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise DataError([Problem(source.name, 0, "", f"encodage inconnu « {name} »")]) from None
        if name.lower().replace("_", "-") in UTF:  # which of the two, for _legacy
            name = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), name
    tried = encoding or "UTF-8 ni cp1252"
    raise DataError([Problem(source.name, 0, "", f"encodage illisible ({tried}) : enregistrez en « CSV UTF-8 »")])


def _sniff(text: str) -> str:
    """The separator of the header line: ; , or tab (; when the header has a single column)."""
    import csv

    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t").delimiter
    except csv.Error:
        return ";"


def unescaped(text: str) -> str:
    """A CSV cell as the user wrote it: the apostrophe stsdeck puts before a cell that a spreadsheet
    would take for a formula (=, +, -, @, tab, carriage return) or before an apostrophe is removed."""
    return text[1:] if text[:1] == "'" and text[1:2] in ESCAPED else text


def _read_csv(source: Path, sep: str | None, encoding: str | None) -> Sheet:
    """Every CSV field as text (no type guessing); the sheet is named after the file."""
    import pandas as pd

    text, used = _decode(source, encoding)
    sep = sep or _sniff(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, nrows=MAX_ROWS + 2,
                            engine="c" if len(sep) == 1 else "python")
    except pd.errors.EmptyDataError:
        raise DataError([Problem(source.name, 0, "", "fichier vide")]) from None
    except pd.errors.ParserError as exc:
        raise DataError([_ragged(source, sep, str(exc))]) from None
    if len(frame) > MAX_ROWS + 1:
        raise _too_many(source.name, source.stem, "lignes", MAX_ROWS)
    if len(frame.columns) > MAX_COLUMNS:
        raise _too_many(source.name, source.stem, "colonnes", MAX_COLUMNS)
    grid = [[unescaped(cell) for cell in row] for row in frame.values.tolist()]
    legacy = _legacy(text, used)
    return Sheet(source.name, source.stem, grid[0], list(enumerate(grid[1:], start=2)), [], legacy)


def _legacy(text: str, used: str) -> str:
    """The encoding whose lost characters (saved as « ? ») the import must look for: the legacy one
    the file was read with, or cp1252 for a plain-ASCII file without BOM (Excel's « CSV » in France,
    which holds no accent to tell it from UTF-8)."""
    name = used.lower().replace("_", "-")
    if name == "utf-8-sig":
        return ""
    if name in UTF:
        return "cp1252" if text.isascii() else ""
    return used


def _ragged(source: Path, sep: str, error: str) -> Problem:
    """The pandas tokenizing error of a CSV, in French and located when pandas says where."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if not found:
        return Problem(source.name, 0, "", f"CSV illisible avec le séparateur « {sep} » ({error.strip()})")
    expected, line, saw = found.groups()
    return Problem(source.name, 0, f"{source.stem}!{line}:{line}",
                   f"{saw} valeurs pour {expected} colonnes (séparateur « {sep} » dans un texte sans guillemets ?)")
