"""Templates from elsewhere: sandboxed Jinja, files confined to the template chain, `template check` renders once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stsdeck.cli import run
from stsdeck.resources import BUILTIN

from .conftest import DATA

FOOTER = '{{% extends "default/deck.html.j2" %}}\n{{% block slide_footer %}}{body}{{% endblock %}}\n'


def template(tmp_path: Path, name: str, footer: str | None = None, theme: str = "") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "theme.yaml").write_text(f"name: {name}\nextends: default\n{theme}", encoding="utf-8")
    if footer is not None:
        (folder / "deck.html.j2").write_text(FOOTER.format(body=footer), encoding="utf-8")
    return folder


def template_check(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert run(["template", "check", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.splitlines()


def test_python_internals_are_refused_by_template_check_and_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    witness = tmp_path / "execute"
    folder = template(tmp_path, "piege", f"{{{{ cycler.__init__.__globals__.os.popen('touch {witness}').read() }}}}")
    expected = [f"erreur : modèle « piege » ({folder}) :",
                f"  - {folder}/deck.html.j2:2: refusé par le bac à sable : accès à l'attribut « __init__ » "
                "d'un objet « type »"]
    assert template_check(folder, capsys) == expected
    out = tmp_path / "build"
    out.mkdir()
    (out / "rtct-stm.pdf").write_bytes(b"deck precedent")
    assert run(["build", "--data", str(DATA), "--out", str(out), "--template", str(folder), "--format", "pdf"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "erreur : " + expected[1].removeprefix("  - ")
    assert (out / "rtct-stm.pdf").read_bytes() == b"deck precedent"
    assert not witness.exists()


@pytest.mark.parametrize("body, reason", [
    ("{{ slides.__class__ }}", "refusé par le bac à sable : accès à l'attribut « __class__ » d'un objet « tuple »"),
    ("{% set _ = theme.update({'a': 1}) %}", "refusé par le bac à sable : accès à l'attribut « update » d'un objet « dict »"),
    ("{{ 'x' * 1000000000 }}", "répétition trop grande (plus de 100000 éléments)"),
    ("{{ inconnue.champ }}", "variable « inconnue » inconnue"),
    ("{% for %}", "syntaxe Jinja invalide (Expected an expression, got 'end of statement block')"),
])
def test_other_template_errors_are_located(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str,
                                            reason: str) -> None:
    folder = template(tmp_path, "piege", body)
    assert template_check(folder, capsys)[1] == f"  - {folder}/deck.html.j2:2: {reason}"


def test_an_include_of_a_link_to_a_file_outside_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$SECRET-HASH:19000:0:99999:7:::\n", encoding="utf-8")
    folder = template(tmp_path, "piege", '{% include "pied.html" %}')
    (folder / "pied.html").symlink_to(secret)
    assert template_check(folder, capsys)[1] == (
        f"  - {folder}/deck.html.j2:2: pied.html : lien symbolique refusé ({folder}/pied.html) : un modèle ne lit que "
        "ses propres fichiers")


@pytest.mark.parametrize("name", ["../shadow", "/etc/passwd", "default/../../shadow"])
def test_an_include_outside_the_chain_is_not_found(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   name: str) -> None:
    (tmp_path / "shadow").write_text("SECRET\n", encoding="utf-8")
    folder = template(tmp_path, "piege", f'{{% include "{name}" %}}')
    assert template_check(folder, capsys)[1] == (
        f"  - {folder}/deck.html.j2:2: gabarit « {name} » introuvable dans les dossiers du modèle")


def test_a_linked_template_or_stylesheet_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (elsewhere / "deck.html.j2").write_text(FOOTER.format(body="pied"), encoding="utf-8")
    (elsewhere / "deck.css").write_text("body { color: red; }", encoding="utf-8")
    folder = template(tmp_path, "piege")
    (folder / "deck.html.j2").symlink_to(elsewhere / "deck.html.j2")
    assert template_check(folder, capsys)[1] == (
        f"  - deck.html.j2 : lien symbolique refusé ({folder}/deck.html.j2) : un modèle ne lit que ses propres fichiers")
    (folder / "deck.html.j2").unlink()
    (folder / "deck.css").symlink_to(elsewhere / "deck.css")
    assert template_check(folder, capsys)[1] == (
        f"  - {folder}/deck.css : lien symbolique refusé : un modèle ne lit que ses propres fichiers")


def test_a_logo_outside_the_template_is_refused_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "projet"
    (project / "templates").mkdir(parents=True)
    (tmp_path / "private").mkdir()
    shutil.copy(BUILTIN / "clinique" / "logo.png", tmp_path / "private" / "photo.png")
    folder = template(project / "templates", "maison", theme='logo: "../../../private/photo.png"\n')
    assert (folder / "../../../private/photo.png").is_file()
    assert template_check(folder, capsys) == [
        f"erreur : {folder}/theme.yaml:",
        "  - logo : « ../../../private/photo.png » hors du dossier du modèle et des modèles qu'il étend : refusé"]


def test_a_font_linked_out_of_the_template_is_refused_as_written(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = template(tmp_path, "maison", theme="fonts:\n  files:\n    regular: polices/texte.ttf\n")
    (folder / "polices").mkdir()
    (folder / "polices" / "texte.ttf").symlink_to(BUILTIN.parent / "templates" / ".." / "__init__.py")
    assert template_check(folder, capsys) == [
        f"erreur : {folder}/theme.yaml:",
        "  - fonts.files.regular : « polices/texte.ttf » hors du dossier du modèle et des modèles qu'il étend : refusé"]


def test_the_built_in_templates_pass_template_check(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("default", "clinique"):
        assert run(["template", "check", name]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"modèle « default » valide ({BUILTIN / 'default'})"
    assert lines[-1] == f"modèle « clinique » valide ({BUILTIN / 'clinique'})"
    assert not any(line.startswith("erreur") for line in lines)
