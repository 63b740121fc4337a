"""Institution masters end to end: a LibreOffice-saved master (28 × 15,75 cm, two slide masters) and a
4:3 .potx (French layouts, sample slides, personal metadata) through `template new --from-master`,
`template check`, build, the Open XML SDK rules and a picture comparison of the PDF with the PPTX
as LibreOffice renders it."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from stsdeck.build import BuildConfig, build
from stsdeck.cli import run
from stsdeck.themes import load_theme

from .conftest import DATA
from .masters import PERSONAL, libreoffice_master, potx_master
from .rendering import audit_errors, difference, needs_office, needs_poppler, office_pdf, pictures

pytestmark = [needs_office, needs_poppler]
MAX_SLIDE_DIFFERENCE = 0.1  # grey levels, 0 to 1: text drawn by two engines, same look
MAX_MEAN_DIFFERENCE = 0.05


@dataclass(frozen=True)
class Made:
    """A template made from a master, its `template check` output, and a deck built with it."""

    folder: Path
    new_output: str
    check_output: str
    pptx: Path
    pdf: Path
    office: Path  # the PPTX as LibreOffice renders it


def made_from(master: Path, name: str, root: Path) -> Made:
    """`template new NAME --from-master`, `template check`, build; each must pass with no edit."""
    import contextlib
    import io

    project = root / "projet"
    project.mkdir(parents=True)
    outputs = []
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        for argv in (["template", "new", name, "--from-master", str(master)], ["template", "check", name]):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                assert run(argv) == 0, argv
            outputs.append(out.getvalue())
    folder = project / "templates" / name
    written = build(BuildConfig(DATA, root / "build", template=str(folder))).written
    paths = {p.suffix: p for p in written}
    return Made(folder, *outputs, paths[".pptx"], paths[".pdf"], office_pdf(paths[".pptx"], root / "office"))


@pytest.fixture(scope="module")
def from_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Made:
    root = tmp_path_factory.mktemp("masque-lo")
    return made_from(libreoffice_master(root / "source"), "charte-lo", root)


@pytest.fixture(scope="module")
def from_potx(tmp_path_factory: pytest.TempPathFactory) -> Made:
    root = tmp_path_factory.mktemp("masque-potx")
    return made_from(potx_master(root / "charte.potx"), "charte-potx", root)


@pytest.fixture(params=["from_libreoffice", "from_potx"])
def made(request: pytest.FixtureRequest) -> Made:
    return request.getfixturevalue(request.param)


def test_template_new_reports_what_the_master_held_and_check_passes(from_potx: Made) -> None:
    assert from_potx.new_output.splitlines() == [
        "masque nettoyé, laissé de côté : diapositives d'exemple : 2",
        "masque nettoyé, laissé de côté : miniature : docProps/thumbnail.jpeg",
        "masque nettoyé, laissé de côté : paramètres d'imprimante : ppt/printerSettings/printerSettings1.bin",
        "masque nettoyé, laissé de côté : propriétés du document (auteur, titre, dates) : docProps/core.xml",
        "masque nettoyé, laissé de côté : propriétés personnalisées : docProps/custom.xml",
        "masque nettoyé, laissé de côté : propriétés étendues (société, responsable, application) : docProps/app.xml",
        "arrière-plans PDF rendus : 3 disposition(s)",
        f"modèle créé : {from_potx.folder}",
    ]
    assert from_potx.check_output.splitlines() == [
        "masque : rien à retirer",
        "arrière-plans PDF à jour : « Diapositive de titre », « Titre et contenu », « Titre seul »",
        f"modèle « charte-potx » valide ({from_potx.folder})",
    ]


def test_roles_go_to_the_layouts_their_placeholders_fit(from_libreoffice: Made, from_potx: Made) -> None:
    assert load_theme(from_libreoffice.folder).settings["layouts"] == {
        "title": "Masque 1 / Title Slide", "text": "Masque 2 / Title, Content",
        "table": "Masque 2 / Title Only", "chart": "Masque 2 / Title Only"}
    assert load_theme(from_potx.folder).settings["layouts"] == {
        "title": "Diapositive de titre", "text": "Titre et contenu", "table": "Titre seul", "chart": "Titre seul"}


def test_every_layout_of_every_master_is_listed_with_its_placeholders(from_libreoffice: Made) -> None:
    listed = load_theme(from_libreoffice.folder).settings["master_layouts"]
    assert len(listed) == 24
    assert listed["Masque 1 / Title Slide"] == ["titre", "sous-titre"]
    assert listed["Masque 2 / Title Only"] == ["titre"]
    text = (from_libreoffice.folder / "theme.yaml").read_text(encoding="utf-8")
    assert '"Masque 2 / Title Only": [titre]  # utilisée : tableaux d\'études, graphiques' in text


def test_slides_take_the_master_size_and_no_content_slide_uses_the_title_layout(made: Made) -> None:
    prs = Presentation(made.pptx)
    theme = load_theme(made.folder)
    assert (prs.slide_width, prs.slide_height) == theme.slide
    title_layout = prs.slides[0].slide_layout
    assert all(slide.slide_layout is not title_layout for slide in list(prs.slides)[1:])
    width, height = (v / 12700 for v in theme.slide)
    page = PdfReader(made.pdf).pages[0].mediabox
    assert (round(float(page.width), 1), round(float(page.height), 1)) == (round(width, 1), round(height, 1))
    assert len(PdfReader(made.pdf).pages) == len(prs.slides)


def test_libreoffice_master_size_and_potx_size(from_libreoffice: Made, from_potx: Made) -> None:
    assert load_theme(from_libreoffice.folder).slide == (10080625, 5670550)
    assert load_theme(from_potx.folder).slide == (9144000, 6858000)


def test_no_sample_slide_or_personal_metadata_reaches_the_deck(made: Made) -> None:
    with zipfile.ZipFile(made.pptx) as package:
        text = "".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())
    assert not [value for value in PERSONAL if value in text]
    assert "Contenu d'exemple" not in text
    pdf = " ".join(page.extract_text() for page in PdfReader(made.pdf).pages)
    assert not [value for value in PERSONAL if value in pdf]


def test_colours_and_fonts_come_from_the_master_theme(from_libreoffice: Made, from_potx: Made) -> None:
    potx = load_theme(from_potx.folder)
    assert (potx.color("primary"), potx.color("accent"), potx.color("text")) == ("#0B3D6E", "#D2691E", "#1C1C1C")
    assert (potx.settings["fonts"]["pptx_family"], potx.settings["fonts"]["pdf_family"]) == ("Calibri", "Carlito")
    assert load_theme(from_libreoffice.folder).color("primary") == "#4F81BD"  # LibreOffice's own theme
    with zipfile.ZipFile(from_potx.pptx) as package:
        theme = package.read("ppt/theme/theme1.xml").decode()
    assert '<a:accent1><a:srgbClr val="0B3D6E"/>' in theme


def test_the_deck_passes_the_open_xml_rules(made: Made) -> None:
    assert audit_errors(made.pptx) == []


def test_pdf_and_pptx_look_alike_slide_by_slide(made: Made, tmp_path: Path) -> None:
    assert_alike(made.pdf, made.office, tmp_path)


def assert_alike(pdf: Path, office: Path, tmp: Path) -> None:
    """Same number of pages, each pair of low-resolution pictures within the bounds."""
    ours, theirs = pictures(pdf, tmp / "pdf"), pictures(office, tmp / "office")
    assert len(ours) == len(theirs)
    differences = [difference(a, b) for a, b in zip(ours, theirs)]
    assert max(differences) < MAX_SLIDE_DIFFERENCE, differences
    assert sum(differences) / len(differences) < MAX_MEAN_DIFFERENCE, differences


def test_the_pdf_pages_carry_the_layout_artwork(from_libreoffice: Made, tmp_path: Path) -> None:
    """The cover's orange block and the content pages' green band, as in the PPTX."""
    from PIL import Image

    cover, content = pictures(from_libreoffice.pdf, tmp_path, dpi=10)[:2]
    with Image.open(cover) as opened_cover, Image.open(content) as opened_content:
        first, second = opened_cover.convert("L"), opened_content.convert("L")
        assert first.getpixel((first.width // 2, first.height * 9 // 10)) < 200  # orange, grey level
        assert second.getpixel((second.width // 2, 0)) < 120  # the band at the top
        assert second.getpixel((second.width // 2, second.height * 9 // 10)) > 240  # white


def test_changed_master_makes_backgrounds_stale(from_potx: Made, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    folder = tmp_path / "charte"
    shutil.copytree(from_potx.folder, folder)
    prs = Presentation(folder / "master.pptx")
    prs.slide_layouts[0].name = "Diapositive de titre"  # same names, new bytes
    prs.core_properties.revision = 7
    prs.save(folder / "master.pptx")
    assert run(["template", "check", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [
        "  - arrière-plans PDF périmés (le masque a changé depuis leur rendu) : « Diapositive de titre », "
        f"« Titre et contenu », « Titre seul » ; les refaire : stsdeck template check {folder} "
        "--backgrounds"]
    theme = load_theme(folder)
    assert theme.backgrounds == ()  # a build draws plain pages rather than the old master's look


def test_a_repeated_layout_name_must_name_its_master(from_libreoffice: Made, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    folder = tmp_path / "charte-lo"
    shutil.copytree(from_libreoffice.folder, folder)
    theme = folder / "theme.yaml"
    text = theme.read_text(encoding="utf-8")
    assert 'table: "Masque 2 / Title Only"' in text
    theme.write_text(text.replace('table: "Masque 2 / Title Only"', 'table: "Title Only"'), encoding="utf-8")
    assert run(["template", "check", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [
        "  - disposition « Title Only » (layouts.table) ambiguë, elle existe dans plusieurs masques : préciser le "
        "masque (« Masque 1 / Title Only » ; « Masque 2 / Title Only »)"]
