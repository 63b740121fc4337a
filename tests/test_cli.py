"""The command line speaks French: help, usage, argparse's errors, --version, --quiet, library warnings."""

from __future__ import annotations

import argparse
import inspect
import logging
import warnings
from pathlib import Path

import pytest

from stsdeck import __version__, cli
from stsdeck.cli import parser, run
from stsdeck.frenchargs import FRENCH, PLURALS
from stsdeck.notices import third_party_notices
from stsdeck.project import SKELETON, project_files

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "the following",
           "required", "invalid choice", "unrecognized", "expected", "argument", "choose from")


def parsers(p: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """`p` and all its sub-parsers."""
    subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
    return [p, *[q for action in subs for child in action.choices.values() for q in parsers(child)]]


def test_every_help_is_french() -> None:
    helps = [q.format_help() for q in parsers(parser())]
    assert len(helps) >= 9  # stsdeck, new, build, check, import, export, template, template new|check
    for text in helps:
        assert text.startswith("usage : stsdeck")
        assert "options :\n" in text and "afficher cette aide et quitter" in text
        assert not [word for word in ENGLISH if word in text.replace("arguments :", "")], text


def failure(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The last line stsdeck prints for a command line it refuses (exit code 2)."""
    with pytest.raises(SystemExit) as stop:
        run(argv)
    assert stop.value.code == 2
    return capsys.readouterr().err.splitlines()[-1]


@pytest.mark.parametrize(("argv", "message"), [
    (["build", "--format", "docx"],
     "stsdeck build : erreur : argument --format : choix « docx » invalide (possibles : 'pptx', 'pdf', 'all')"),
    (["import"], "stsdeck import : erreur : argument(s) obligatoire(s) manquant(s) : TABLEUR"),
    (["check", "--verbeux"], "stsdeck : erreur : argument(s) non reconnu(s) : --verbeux"),
    (["check", "--data"], "stsdeck check : erreur : argument --data : une valeur attendue"),
    (["publier"], "stsdeck : erreur : argument commande : choix « publier » invalide (possibles : 'new', 'build', "
                  "'check', 'import', 'export', 'template')"),
    ([], "stsdeck : erreur : argument(s) obligatoire(s) manquant(s) : commande"),
])
def test_argparse_errors_are_french(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert failure(argv, capsys) == message


def test_the_usage_line_of_an_error_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    failure(["build", "--format", "docx"], capsys)
    assert not capsys.readouterr().err  # all read by failure()
    with pytest.raises(SystemExit):
        run(["template"])
    err = capsys.readouterr().err
    assert err.startswith("usage : stsdeck template [-h] action ...\n")


def test_argparse_is_left_in_english_for_others() -> None:
    parser().format_help()
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_every_translated_message_is_one_argparse_has() -> None:
    source = inspect.getsource(argparse)
    missing = [msgid for msgid in [*FRENCH, *PLURALS] if repr(msgid)[1:-1] not in source]
    assert not missing, f"messages qu'argparse n'a plus (à retraduire dans frenchargs.py) : {missing}"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        run(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"stsdeck {__version__}\n"


@pytest.fixture
def skeleton_data(tmp_path: Path) -> Path:
    """The data folder `stsdeck new` writes, without --example."""
    folder = tmp_path / "data"
    for relative, source in project_files(example=False).items():
        if relative.parts[0] == "data":
            (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / relative).write_bytes(source.read_bytes())
    assert (folder / "deck.yaml").read_bytes() == (SKELETON / "deck.yaml").read_bytes()
    return folder


def test_quiet_prints_nothing_when_all_goes_well(skeleton_data: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    assert run(["check", "--quiet", "--data", str(skeleton_data)]) == 0
    assert run(["build", "--quiet", "--data", str(skeleton_data), "--out", str(out), "--format", "pptx"]) == 0
    assert run(["build", "--quiet", "--data", str(skeleton_data), "--out", str(out), "--format", "pptx"]) == 0
    assert capsys.readouterr() == ("", "")
    assert (out / "ma-revue.pptx").is_file()


def test_without_quiet_the_check_says_how_many_studies(skeleton_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--data", str(skeleton_data)]) == 0
    assert capsys.readouterr().out == "Données valides : 1 étude.\n"


def test_library_warnings_become_french_notices_or_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    site = "/opt/venv/lib/python3.11/site-packages"
    with third_party_notices():
        logging.getLogger("fontTools.ttLib.tables._h_e_a_d").warning(
            "'created' timestamp seems very low; regarding as unix timestamp")
        logging.getLogger("weasyprint").warning(
            'Using fontTools instead of HarfBuzz-Subset for font "Liberation Sans". This will be unsupported')
        logging.getLogger("weasyprint").warning("Ignored `colr: red` at 3:5, unknown property.")
        logging.getLogger("weasyprint").error("Failed to load image at 'https://exemple.org/logo.png' (URLError)")
        warnings.warn_explicit("Data Validation extension is not supported and will be removed", UserWarning,
                               f"{site}/openpyxl/worksheet/_reader.py", 329)
        warnings.warn_explicit("Glyph 8805 (\\N{GREATER-THAN OR EQUAL TO}) missing from font(s) Carlito.",
                               UserWarning, "/src/stsdeck/charts/render.py", 12)
        warnings.warn_explicit("the default will change", FutureWarning, f"{site}/pandas/core/frame.py", 1)
        logging.getLogger("matplotlib.font_manager").warning("findfont: Font family 'Arial' not found.")
        logging.getLogger("weasyprint").warning("Anchor defined twice 'x'")
        logging.getLogger("weasyprint").warning("Anchor defined twice 'x'")
        logging.getLogger("weasyprint.progress").info("Step 1 - Fetching and parsing HTML")
    assert capsys.readouterr() == ("", "".join(f"avertissement : {line}\n" for line in (
        "feuille de style du modèle : « colr: red » ignorée (ligne 3, colonne 5)",
        "le PDF n'a pas pu charger « https://exemple.org/logo.png » (fichier absent ou hors du dossier du modèle)",
        "graphiques : le caractère « ≥ » manque à la police Carlito",
        "graphiques : police 'Arial' introuvable, une police de remplacement est utilisée",
        "message d'une bibliothèque (en anglais) : Anchor defined twice 'x'",
    )))


def test_notices_are_installed_for_every_command_and_removed_after(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def noisy(args: argparse.Namespace) -> int:
        logging.getLogger("fontTools.subset").warning("'created' timestamp seems very low")
        warnings.warn("Glyph 8805 (\\N{GREATER-THAN OR EQUAL TO}) missing from font(s) Carlito.")
        return 0

    handlers, show = list(logging.getLogger().handlers), warnings.showwarning
    monkeypatch.setitem(cli.COMMANDS, "check", noisy)
    assert run(["check"]) == 0
    assert capsys.readouterr().err == "avertissement : graphiques : le caractère « ≥ » manque à la police Carlito\n"
    assert logging.getLogger().handlers == handlers and warnings.showwarning is show
