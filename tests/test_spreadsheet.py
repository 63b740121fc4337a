"""Spreadsheet export/import: lossless round trip, French Excel CSV, located problems, nothing written on error."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import openpyxl
import pytest
import yaml

from stsdeck.errors import DataError
from stsdeck.model import CELL_KEYS
from stsdeck.spreadsheet import export_table, import_table

from .conftest import DATA
HEADER = ["fichier", "category", "first_author", "year", "journal", "design", "patients", "r0_pct",
          *(f"cells.{key}" for key in CELL_KEYS)]  # r0_pct is column H, cells.reference column I
ROW = ["delaney-2003", "split-course", "Delaney", 2003, "Cancer", "phase-2", 48, 85.4,
       "Delaney and al. Cancer, 2003", "Essai de phase II", "48", "Léiomyosarcome", "", "", "", "85,4 %",
       "", "", ""]


def originals() -> dict[str, Any]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA / "studies").glob("*.yaml"))}


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_loses_nothing(tmp_path: Path, suffix: str) -> None:
    table = export_table(DATA, tmp_path / f"etudes.{suffix}")
    written = import_table(table, tmp_path / "data")
    assert {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in written} == originals()


def test_export_has_one_row_per_study_and_flattened_columns(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(export_table(DATA, tmp_path / "etudes.xlsx"))["Études"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["fichier", "category", "order"]
    for column in ("cells.reference", "cells.survival", "local_control.pct", "local_control.years",
                   "major_response.threshold", "radiotherapy[3].total_dose_gy", "toxicity[0].grade"):
        assert column in header
    assert sheet.max_row == 1 + len(originals())
    cells = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "delaney-2003")
    row = {h: c.value for h, c in zip(header, cells)}
    assert (row["r0_pct"], row["local_control.years"], row["radiotherapy[0].split_course"]) == (85.4, 5, True)
    assert row["cells.r0"] == "85,4 %\n(94% chir conservatrice)"


def test_csv_export_is_for_french_excel(tmp_path: Path) -> None:
    raw = export_table(DATA, tmp_path / "etudes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbffichier;category;")
    delaney = next(line for line in raw.decode("utf-8-sig").split("\r\n") if line.startswith("delaney-2003;"))
    assert ";85,4;" in delaney and ";44;22;2;true;" in delaney


def csv_text(*rows: list[Any]) -> str:
    def field(value: Any) -> str:
        text = "" if value is None else str(value).replace(".", ",") if isinstance(value, float) else str(value)
        return f'"{text}"' if any(c in text for c in ';"\n') else text
    return "\r\n".join(";".join(field(v) for v in row) for row in [HEADER, *rows]) + "\r\n"


def test_french_excel_csv_in_cp1252_imports(tmp_path: Path) -> None:
    row = ROW[:]
    row[HEADER.index("cells.histology")] = "NO"
    row[HEADER.index("cells.chemotherapy")] = "12:30"
    row[HEADER.index("cells.patients")] = "0012"
    source = tmp_path / "etudes.csv"
    source.write_bytes(csv_text(row).encode("cp1252"))
    [path] = import_table(source, tmp_path / "data")
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert path == tmp_path / "data" / "studies" / "delaney-2003.yaml"
    assert study["r0_pct"] == 85.4 and study["patients"] == 48 and study["year"] == 2003
    assert study["cells"]["r0"] == "85,4 %"
    assert (study["cells"]["histology"], study["cells"]["chemotherapy"], study["cells"]["patients"]) == \
        ("NO", "12:30", "0012")


def test_utf8_bom_crlf_csv_with_multiline_cell_imports(tmp_path: Path) -> None:
    row = ROW[:]
    row[HEADER.index("cells.reference")] = "Delaney and al. Cancer, 2003\nÉtude pilote ≥ 8 cm"
    source = tmp_path / "etudes.csv"
    source.write_bytes(csv_text(row).encode("utf-8-sig"))
    [path] = import_table(source, tmp_path / "data")
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert study["r0_pct"] == 85.4
    assert study["cells"]["reference"] == "Delaney and al. Cancer, 2003\nÉtude pilote ≥ 8 cm"
    assert 'reference: "Delaney and al. Cancer, 2003\\nÉtude pilote ≥ 8 cm"' in path.read_text(encoding="utf-8")


def test_declared_separator_and_encoding(tmp_path: Path) -> None:
    source = tmp_path / "etudes.txt.csv"
    source.write_bytes(csv_text(ROW).replace(";", "\t").encode("latin-1"))
    [path] = import_table(source, tmp_path / "data", sep="\t", encoding="latin-1")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["cells"]["histology"] == "Léiomyosarcome"


def test_written_yaml_follows_the_data_format(tmp_path: Path) -> None:
    header = HEADER + ["order", "local_control.pct", "local_control.years", "toxicity[0].label", "toxicity[0].pct",
                       "toxicity[0].kind", "toxicity[1].label", "toxicity[1].pct", "toxicity[1].kind",
                       "radiotherapy[0].total_dose_gy", "radiotherapy[0].split_course"]
    row = ROW + [1, 92, 5, None, None, None, "neutropénie fébrile", 25, "haematologic", 44, True]
    [path] = import_table(workbook(tmp_path, [header, row]), tmp_path / "data")
    assert path.read_text(encoding="utf-8") == (
        'category: "split-course"\norder: 1\nfirst_author: "Delaney"\nyear: 2003\njournal: "Cancer"\n'
        'design: "phase-2"\ncells:\n  reference: "Delaney and al. Cancer, 2003"\n  design: "Essai de phase II"\n'
        '  patients: "48"\n  histology: "Léiomyosarcome"\n  chemotherapy: ""\n  radiotherapy: ""\n  pcr: ""\n'
        '  r0: "85,4 %"\n  toxicity: ""\n  local_control: ""\n  survival: ""\npatients: 48\n'
        "radiotherapy:\n  - total_dose_gy: 44\n    split_course: true\nr0_pct: 85.4\n"
        "local_control:\n  pct: 92\n  years: 5\n"
        'toxicity:\n  - {label: "neutropénie fébrile", pct: 25, kind: "haematologic"}\n')


def workbook(tmp_path: Path, rows: list[list[Any]], edit: Callable[[Any], None] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Feuil1"
    for row in rows:
        sheet.append(row)
    if edit:
        edit(sheet)
    path = tmp_path / "etudes.xlsx"
    book.save(path)
    return path


def problems(source: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        import_table(source, tmp_path / "data")
    assert not (tmp_path / "data").exists()
    return [str(p) for p in caught.value.problems]


def row(name: str, **changes: Any) -> list[Any]:
    values = dict(zip(HEADER, ROW), fichier=name, **changes)
    return list(values.values())


def test_non_number_in_numeric_column(tmp_path: Path) -> None:
    source = workbook(tmp_path, [HEADER, row("a"), row("b", r0_pct="abc")])
    assert problems(source, tmp_path) == ["etudes.xlsx: Feuil1!H3: attendu un nombre, reçu « abc »"]


def test_non_number_in_csv(tmp_path: Path) -> None:
    source = tmp_path / "etudes.csv"
    source.write_text(csv_text(row("a", patients="48 patients")), encoding="utf-8")
    assert problems(source, tmp_path) == ["etudes.csv: etudes!G2: attendu un entier, reçu « 48 patients »"]


def test_formula_is_refused(tmp_path: Path) -> None:
    source = workbook(tmp_path, [HEADER, row("a"), row("b", patients="=SUM(G2:G2)")])
    assert problems(source, tmp_path) == [
        "etudes.xlsx: Feuil1!G3: formule refusée : saisissez la valeur (=SUM(G2:G2))"]


def test_merged_cells_are_refused(tmp_path: Path) -> None:
    source = workbook(tmp_path, [HEADER, row("a"), row("b"), row("c")], lambda s: s.merge_cells("B3:B4"))
    assert problems(source, tmp_path) == [
        "etudes.xlsx: Feuil1!B3: cellules fusionnées refusées (B3:B4) : une valeur par cellule"]


def test_unknown_columns(tmp_path: Path) -> None:
    source = workbook(tmp_path, [HEADER + ["toxicité", "toxicity[0].grad"], row("a") + ["", ""]])
    assert problems(source, tmp_path) == [
        "etudes.xlsx: Feuil1!T1: colonne inconnue « toxicité » (attendu : fichier, category, order, first_author, "
        "year, journal, design, title, doi, pmid, cells.*, patients, cohorts[0].*, radiotherapy[0].*, pcr_pct, "
        "major_response.*, r0_pct, local_control.*, survival[0].*, toxicity[0].*)",
        "etudes.xlsx: Feuil1!U1: colonne inconnue « toxicity[0].grad » (attendu : toxicity[0].label, "
        "toxicity[0].pct, toxicity[0].kind, toxicity[0].grade)"]


def test_percentage_out_of_range_is_mapped_to_its_cell(tmp_path: Path) -> None:
    header = HEADER + ["toxicity[0].label", "toxicity[0].pct", "toxicity[0].kind",
                       "toxicity[1].label", "toxicity[1].pct", "toxicity[1].kind"]
    source = workbook(tmp_path, [header, row("a", r0_pct=120) + ["", "", "", "fibrose", 150, "late"]])
    assert problems(source, tmp_path) == [
        "etudes.xlsx: Feuil1!H2: attendu un pourcentage entre 0 et 100, reçu 120",
        "etudes.xlsx: Feuil1!X2: attendu un pourcentage entre 0 et 100, reçu 150"]


def test_duplicate_and_missing_fichier(tmp_path: Path) -> None:
    source = workbook(tmp_path, [HEADER, row("delaney-2003"), row("Delaney-2003"), row(""), row("../x")])
    assert problems(source, tmp_path) == [
        "etudes.xlsx: Feuil1!A3: fichier « Delaney-2003 » en double (déjà en A2)",
        "etudes.xlsx: Feuil1!A4: fichier manquant : nom du fichier YAML sans .yaml (ex. delaney-2003)",
        "etudes.xlsx: Feuil1!A5: nom de fichier « ../x » invalide (lettres sans accent, chiffres, - et _)"]


def test_missing_required_column_and_field(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "journal"] + ["local_control.pct", "local_control.years"]
    source = workbook(tmp_path, [header, [v for h, v in zip(HEADER, row("a")) if h != "journal"] + [92, None]])
    assert problems(source, tmp_path) == [
        "etudes.xlsx: Feuil1!1:1: colonne obligatoire absente « journal »",
        "etudes.xlsx: Feuil1!T2: champ obligatoire manquant"]
