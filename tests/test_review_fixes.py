"""Inputs found by review: deck metadata, labels, layouts without a master, DOIs, long properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from stsdeck.build import BuildConfig, build
from stsdeck.cli import run
from stsdeck.typography import french


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("deck.yaml", 'slug: "rtct-stm"', 'slug: "../ailleurs"',
     'data/deck.yaml:8: slug: « ../ailleurs » invalide (attendu : lettres sans accent, chiffres, - et _)'),
    ("deck.yaml", 'date: 2026-11-30', 'date: 1975-06-01',
     "data/deck.yaml:6: date: date 1975-06-01 trop ancienne (1980 au plus tôt)"),
    ("deck.yaml", '  - "Survie à 5 ans"\n', '  - "Survie à 5 ans"\n  - "Colonne en trop"\n',
     "data/deck.yaml:11: columns: attendu au plus 11 élément(s), reçu 12"),
    ("deck.yaml", '"pCR : {range} ({n} {study_word})"', '"pCR : {plage} ({n} {study_word})"',
     "data/deck.yaml:36: labels.figures_pcr: champ {plage} inconnu (possibles : {median}, {n}, {names}, {range}, "
     "{study_word}, {years})"),
    ("charts.yaml", 'range: "{low}–{high}"', 'range: "{low–{high}"',
     "data/charts.yaml:8: common.range: accolade non fermée ou isolée (écrivez {{ ou }} pour une accolade "
     "littérale)"),
])
def test_deck_metadata_and_labels_are_checked(data_copy: Path, capsys: pytest.CaptureFixture[str],
                                              file: str, old: str, new: str, expected: str) -> None:
    edit(data_copy / file, old, new)
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [expected, "1 problème(s) ; rien n'a été écrit."]


def test_layout_names_are_checked_without_a_master(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "sans-masque"
    folder.mkdir()
    (folder / "theme.yaml").write_text('name: sans-masque\nextends: default\nlayouts:\n  text: "Titre seul"\n',
                                       encoding="utf-8")
    assert run(["template", "check", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines()[1].startswith(
        "  - disposition « Titre seul » (layouts.text) absente du masque (disponibles : Title Slide,")


def test_dois_and_addresses_keep_their_dots() -> None:
    assert french("doi:10.1016/j.ijrobp.2003.01.001") == "doi:10.1016/j.ijrobp.2003.01.001"
    assert french("10.1200/JCO.2001.19.13.3203") == "10.1200/JCO.2001.19.13.3203"
    assert french("SSM = 64.1%") == "SSM =\u00a064,1\u00a0%"


def test_long_author_lists_are_cut_to_what_the_pptx_properties_hold(data_copy: Path, tmp_path: Path) -> None:
    authors = "\n".join(f'  - "Dr Auteur Numéro {i} du service de radiothérapie"' for i in range(12))
    edit(data_copy / "deck.yaml", "authors: []", "authors:\n" + authors)
    build(BuildConfig(data_copy, tmp_path, ("pptx",)))
    props = Presentation(tmp_path / "rtct-stm.pptx").core_properties
    assert len(props.author) == 255 and props.author.startswith("Dr Auteur Numéro 0")


def test_a_template_resource_outside_its_folders_fails_the_pdf(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import DATA

    folder = tmp_path / "externe"
    folder.mkdir()
    (folder / "theme.yaml").write_text("name: externe\nextends: default\n", encoding="utf-8")
    (folder / "deck.css").write_text(".title { background: url(file:///etc/hostname); }\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run(["build", "--quiet", "--format", "pdf", "--data", str(DATA), "--out", str(out),
                "--template", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "erreur : PDF : ressource du modèle hors de ses dossiers, refusée : file:///etc/hostname")
    assert not (out / "rtct-stm.pdf").exists()


def test_a_pptx_only_build_keeps_the_charts_svg_and_the_previous_pdf(data_copy: Path, tmp_path: Path) -> None:
    from stsdeck.manifest import CACHE_DIR

    build(BuildConfig(data_copy, tmp_path))
    charts = sorted((tmp_path / CACHE_DIR).glob("chart-*"))
    pdf = (tmp_path / "rtct-stm.pdf").read_bytes()
    edit(data_copy / "studies" / "greto-2018.yaml", "SG = 64,6%", "SG = 64,6 %")
    build(BuildConfig(data_copy, tmp_path, ("pptx",)))
    assert sorted((tmp_path / CACHE_DIR).glob("chart-*")) == charts and len(charts) == 5
    assert (tmp_path / "rtct-stm.pdf").read_bytes() == pdf
