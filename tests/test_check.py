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
        "data/studies/byun-2021.yaml:24: r0_pct: la valeur 99 n'apparaît pas dans la cellule cells.r0 "
        "(« 100% ⏎ (marge < 1 mm dans 27,6 % cas) »)",
        "data/studies/delaney-2003.yaml:19: patients: attendu un entier > 0, reçu 0",
        "data/studies/delaney-2003.yaml:26: pcr_pct: attendu un pourcentage entre 0 et 100, reçu 120",
        "data/studies/kraybill-2010.yaml:1: category: catégorie inconnue « split » "
        "(attendu : split-course, normofractionated, hypofractionated, adjuvant)",
        "data/studies/mullen-2014.yaml:1: first_author: champ obligatoire manquant",
        "data/studies/tseng-2015.yaml:11: cells.histology: attendu un texte, reçu booléen « false » "
        "(écrit NO) (mettez la valeur entre guillemets)",
        "6 problème(s) ; rien n'a été écrit.",
    ]


FINDING = ("data/categories.yaml:14: categories[0].synthesis[3].text: « CL à 5 ans = 78-91% » : "
           "les données donnent 77,8–93 % (Delaney 2003 : 92 % ; Mullen 2014 : 93 %)")
REASON = "Puce de la revue d'origine conservée mot pour mot ; écart relevé par stsdeck, à confirmer par l'auteur"
WARNINGS = 6


def unacknowledged(data: Path) -> Path:
    """`data` with the acknowledgements of synthesis warnings removed (and the bullets kept)."""
    path = data / "categories.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith(("acknowledged:", "reason:", "data:"))]
    path.write_text("".join(kept), encoding="utf-8")
    return data


def test_acknowledged_warnings_are_listed_with_their_reason_and_pass_strict(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = str(EXAMPLE_DATA)
    assert run(["check", "--strict", "--data", data]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == WARNINGS and warnings[0] == f"avertissement reconnu ({REASON}) : {FINDING}"


def test_unacknowledged_warnings_fail_strict(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(unacknowledged(data_copy))
    assert run(["check", "--data", data]) == 0
    warnings = capsys.readouterr().err.splitlines()
    finding = FINDING.replace("[3].text", "[3]")
    assert len(warnings) == WARNINGS and warnings[0] == "avertissement : " + finding
    assert run(["check", "--strict", "--data", data]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"{WARNINGS} problème(s) ; rien n'a été écrit."


def test_a_data_change_reopens_an_acknowledgement(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(data_copy / "studies" / "mullen-2014.yaml", "  pct: 93\n", "  pct: 94\n")
    edit(data_copy / "studies" / "mullen-2014.yaml", "≥ 95% = 93%", "≥ 95% = 94%")
    assert run(["check", "--strict", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [FINDING.replace("93 %)", "94 %)").replace("77,8–93", "77,8–94")
                   + " ; reconnu pour « 77,8–93 % (Delaney 2003 : 92 % ; Mullen 2014 : 93 %) », "
                   "les données ont changé", "1 problème(s) ; rien n'a été écrit."]


def test_an_acknowledgement_without_its_data_is_refused(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_copy / "categories.yaml"
    text = path.read_text(encoding="utf-8")
    old = """        acknowledged:
          reason: "Puce de la revue d'origine conservée mot pour mot ; écart relevé par stsdeck, à confirmer par l'auteur"
          data: ["77,8–93 % (Delaney 2003 : 92 % ; Mullen 2014 : 93 %)"]"""
    assert old in text
    path.write_text(text.replace(old, '        acknowledged: "vu"'), encoding="utf-8")
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "data/categories.yaml:15: categories[0].synthesis[3].acknowledged: attendu reason: (pourquoi l'écart "
        "est gardé) et data: (les données reconnues, copiées de l'avertissement), reçu un texte seul")


def test_strict_build_writes_nothing(data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(unacknowledged(data_copy))
    out = tmp_path / "out"
    out.mkdir()
    (out / "rtct-stm.pptx").write_bytes(b"previous deck")
    assert run(["build", "--strict", "--data", data, "--out", str(out)]) == 1
    assert (out / "rtct-stm.pptx").read_bytes() == b"previous deck"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["rtct-stm.pptx"]


def test_a_bidi_override_in_a_cell_is_a_located_error(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # « 92 % » written with U+202E before « 29 »: a PDF would show « % 92 » while the computations use 29
    edit(data_copy / "studies" / "delaney-2003.yaml", 'local_control: "92%', 'local_control: "\u202e29 %')
    edit(data_copy / "context.yaml", "  - ", "  - \u200b", )
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        "data/context.yaml:3: bullets[0]: caractère invisible U+200B (espace ou liant de largeur nulle) interdit dans "
        "un texte, position 1 : retirez-le",
        "data/studies/delaney-2003.yaml:17: cells.local_control: caractère invisible U+202E (contrôle de direction "
        "du texte) interdit dans un texte, position 1 : retirez-le"]


def test_a_soft_hyphen_and_no_break_spaces_are_allowed(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(data_copy / "studies" / "delaney-2003.yaml", 'local_control: "92%', 'local_control: "92\u00a0% contrô\u00adle\u202f')
    assert run(["check", "--data", str(data_copy)]) == 0


def test_a_study_linked_out_of_the_data_folder_is_refused_unread(
        data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRET-HASH:19000:0:99999:7:::\nSECRET-KEY: 1\n", encoding="utf-8")
    (data_copy / "studies" / "zz-lien.yaml").symlink_to(secret)
    (data_copy / "trials.yaml").unlink()
    (data_copy / "trials.yaml").symlink_to(secret)
    read: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.resolve()) or original(self))
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "data/studies/zz-lien.yaml: lien symbolique vers un fichier hors du dossier de données : refusé, non lu "
        "(copiez le fichier dans le dossier)",
        "data/trials.yaml: lien symbolique vers un fichier hors du dossier de données : refusé, non lu "
        "(copiez le fichier dans le dossier)",
        "2 problème(s) ; rien n'a été écrit."]
    assert read and secret not in read


def test_a_build_never_reads_a_study_linked_out(data_copy: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("SECRET-KEY: 1\n", encoding="utf-8")
    secret.chmod(0)  # unreadable for an ordinary user: reading it would fail loudly
    (data_copy / "studies" / "zz-lien.yaml").symlink_to(secret)
    assert run(["build", "--data", str(data_copy), "--out", str(tmp_path / "build"), "--format", "pptx"]) == 1
    err = capsys.readouterr().err
    assert "data/studies/zz-lien.yaml: lien symbolique vers un fichier hors du dossier de données" in err
    assert "SECRET" not in err and "erreur interne" not in err
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == [".stsdeck.lock"]


# --- the same study twice ---------------------------------------------------------------------------------

def test_a_copied_study_file_is_an_error_naming_both_files(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    studies = data_copy / "studies"
    (studies / "tseng-2015-copie.yaml").write_bytes((studies / "tseng-2015.yaml").read_bytes())
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "data/studies/tseng-2015.yaml:2: order: rang 5 déjà pris par data/studies/tseng-2015-copie.yaml dans la "
        "catégorie « normofractionated »",
        "data/studies/tseng-2015.yaml:8: cells: mêmes cellules que data/studies/tseng-2015-copie.yaml : "
        "fichier copié ? (une étude par fichier)",
        "2 problème(s) ; rien n'a été écrit."]


def test_same_author_year_and_cohort_is_an_error(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    studies = data_copy / "studies"
    text = (studies / "tseng-2015.yaml").read_text(encoding="utf-8")
    (studies / "tseng-2015-b.yaml").write_text(
        text.replace('histology: "STM grade II ou III"', 'histology: "STM grade III"').replace("order: 5", "order: 11"),
        encoding="utf-8")
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "data/studies/tseng-2015.yaml:3: first_author: même étude que data/studies/tseng-2015-b.yaml (même premier "
        "auteur, même année, même cohorte de 36 patients)",
        "1 problème(s) ; rien n'a été écrit."]


def test_a_duplicate_order_is_an_error(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(data_copy / "studies" / "byun-2021.yaml", "order: 8", "order: 5")
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "data/studies/tseng-2015.yaml:2: order: rang 5 déjà pris par data/studies/byun-2021.yaml dans la "
        "catégorie « normofractionated »",
        "1 problème(s) ; rien n'a été écrit."]


def test_a_file_name_that_is_not_author_year_is_a_warning(data_copy: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    studies = data_copy / "studies"
    (studies / "tseng-2015.yaml").rename(studies / "gemcitabine.yaml")
    assert run(["check", "--data", str(data_copy)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == ("avertissement : data/studies/gemcitabine.yaml: nom de fichier « gemcitabine.yaml » : "
                       "attendu « tseng-2015.yaml » (premier auteur et année de l'étude)")
    assert run(["check", "--strict", "--data", str(data_copy)]) == 1
