"""`stsdeck check` on broken records: every problem at once, as file:line: field: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from stsdeck.cli import run
from stsdeck.resources import EXAMPLE_DATA


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_accepts_the_default_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--data", str(EXAMPLE_DATA)]) == 0
    assert capsys.readouterr().out == "Données valides : 26 études.\n"


def test_check_reports_every_problem_with_file_line_and_field(
        data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    studies = data_copy / "studies"
    edit(studies / "delaney-2003.yaml", "patients: 48", "patients: 0")
    edit(studies / "delaney-2003.yaml", "pcr_pct: 8", "pcr_pct: 120")
    edit(studies / "kraybill-2010.yaml", 'category: "split-course"', 'category: "split"')
    edit(studies / "mullen-2014.yaml", 'first_author: "Mullen"\n', "")
    edit(studies / "tseng-2015.yaml", 'histology: "STM grade II ou III"', "histology: NO")
    edit(studies / "byun-2021.yaml", "r0_pct: 100", "r0_pct: 99")
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "data/studies/byun-2021.yaml:23: r0_pct: la valeur 99 n'apparaît pas dans la cellule cells.r0 "
        "(« 100% ⏎ (marge < 1 mm dans 27,6 % cas) »)",
        "data/studies/delaney-2003.yaml:19: patients: attendu un entier > 0, reçu 0",
        "data/studies/delaney-2003.yaml:25: pcr_pct: attendu un pourcentage entre 0 et 100, reçu 120",
        "data/studies/kraybill-2010.yaml:1: category: catégorie inconnue « split » "
        "(attendu : split-course, normofractionated, hypofractionated, adjuvant)",
        "data/studies/mullen-2014.yaml:1: first_author: champ obligatoire manquant",
        "data/studies/tseng-2015.yaml:11: cells.histology: attendu un texte, reçu booléen « false » "
        "(écrit NO) (mettez la valeur entre guillemets)",
        "6 problème(s) ; rien n'a été écrit.",
    ]


FINDING = ("data/categories.yaml:10: categories[0].synthesis[3].text: « CL à 5 ans = 78-91% » : "
           "les données donnent 77,8–93 % (Kraybill 2010 : 77,8 % ; Delaney 2003 : 92 % ; Mullen 2014 : 93 %)")
REASON = "Puce de la revue d'origine conservée mot pour mot ; écart relevé par stsdeck, à confirmer par l'auteur"


def unacknowledged(data: Path) -> Path:
    """`data` with the acknowledgements of synthesis warnings removed."""
    path = data / "categories.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "acknowledged:" not in line), encoding="utf-8")
    return data


def test_acknowledged_warnings_are_listed_with_their_reason_and_pass_strict(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = str(EXAMPLE_DATA)
    assert run(["check", "--strict", "--data", data]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 4 and warnings[0] == f"avertissement reconnu ({REASON}) : {FINDING}"


def test_unacknowledged_warnings_fail_strict(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(unacknowledged(data_copy))
    assert run(["check", "--data", data]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 4 and warnings[0] == "avertissement : " + FINDING.replace("[3].text", "[3]")
    assert run(["check", "--strict", "--data", data]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "4 problème(s) ; rien n'a été écrit."


def test_strict_build_writes_nothing(data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(unacknowledged(data_copy))
    out = tmp_path / "out"
    out.mkdir()
    (out / "rtct-stm.pptx").write_bytes(b"previous deck")
    assert run(["build", "--strict", "--data", data, "--out", str(out)]) == 1
    assert (out / "rtct-stm.pptx").read_bytes() == b"previous deck"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["rtct-stm.pptx"]
