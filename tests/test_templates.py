"""Institution templates: lookup, extends, Jinja block override, masters (.pptx/.potx), refusals."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from stsdeck.masters.sanitize import POTX_TYPE, PPTX_TYPE
from stsdeck.build import BuildConfig, build
from stsdeck.cli import run
from stsdeck.errors import TemplateError
from stsdeck.resources import BUILTIN
from stsdeck.themes import Box, load_theme

from .conftest import DATA

CLINIQUE = BUILTIN / "clinique"


@pytest.fixture(scope="module")
def clinique(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("clinique")
    return {p.suffix.lstrip("."): p for p in build(BuildConfig(DATA, out, template="clinique")).written}


def pdf_fonts(path: Path) -> set[str]:
    reader = PdfReader(path)
    return {str(f.get_object()["/BaseFont"]).split("+")[-1]
            for page in reader.pages for f in page["/Resources"]["/Font"].values()}


def test_clinique_uses_its_master_layouts_fonts_and_no_master_leftovers(clinique: dict[str, Path]) -> None:
    prs = Presentation(clinique["pptx"])
    assert len(PdfReader(clinique["pdf"]).pages) == len(prs.slides)
    layouts = {slide.slide_layout.name for slide in prs.slides}
    assert layouts == {"Diapositive de titre", "Titre seul"}
    texts = " ".join(shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame)
    assert "Diapositive du masque" not in texts
    assert "Clinique Exemple – Réunion de concertation" in texts
    fonts = {run.font.name for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for run in p.runs}
    assert fonts == {"Calibri"}
    assert pdf_fonts(clinique["pdf"]) == {"Carlito", "Carlito-Bold"}


def test_master_metadata_never_leaks(clinique: dict[str, Path]) -> None:
    props = Presentation(clinique["pptx"]).core_properties
    assert (props.author, props.last_modified_by) == ("", "")
    assert props.title == "Radiochimiothérapie des sarcomes des tissus mous"
    with zipfile.ZipFile(clinique["pptx"]) as package:
        names = package.namelist()
        app = package.read("docProps/app.xml").decode() if "docProps/app.xml" in names else ""
        assert "Clinique Exemple" not in app and "Martin" not in app
        assert "docProps/thumbnail.jpeg" not in names and not [n for n in names if "printerSettings" in n]
        assert not [n for n in package.namelist() if "Martin" in package.read(n).decode("latin-1")]


def test_master_background_and_logo_are_kept(clinique: dict[str, Path]) -> None:
    prs = Presentation(clinique["pptx"])
    master = prs.slide_master
    assert any(shape.shape_type == 13 for shape in master.shapes)  # the logo picture
    assert b'val="FBF8F4"' in master.part.blob


def test_override_one_jinja_block_only(tmp_path: Path) -> None:
    folder = tmp_path / "pied"
    folder.mkdir()
    (folder / "theme.yaml").write_text("name: pied\nextends: default\n", encoding="utf-8")
    (folder / "deck.html.j2").write_text(
        '{% extends "default/deck.html.j2" %}\n'
        '{% block slide_footer %}<div class="footer" style="{{ footer_box | box }}">PIED-DE-PAGE</div>'
        '{% endblock %}\n', encoding="utf-8")
    pdf = tmp_path / "out" / "rtct-stm.pdf"
    build(BuildConfig(DATA, tmp_path / "out", ("pdf",), str(folder)))
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    assert all("PIED-DE-PAGE" in text for text in pages)
    assert "Contexte" in pages[1] and "Standard" in pages[1]


def as_potx(pptx: Path, potx: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(pptx) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                data = data.replace(PPTX_TYPE.encode(), POTX_TYPE.encode())
            target.writestr(entry, data)
    potx.write_bytes(out.getvalue())


def copy_clinique(tmp_path: Path) -> Path:
    folder = tmp_path / "etab"
    shutil.copytree(CLINIQUE, folder)
    return folder


def test_a_potx_master_builds(tmp_path: Path) -> None:
    folder = copy_clinique(tmp_path)
    as_potx(folder / "master.pptx", folder / "master.potx")
    (folder / "master.pptx").unlink()
    theme = folder / "theme.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace('master: "master.pptx"', 'master: "master.potx"'),
                     encoding="utf-8")
    pptx = tmp_path / "out" / "rtct-stm.pptx"
    build(BuildConfig(DATA, tmp_path / "out", ("pptx",), str(folder)))
    assert Presentation(pptx).slides[2].slide_layout.name == "Titre seul"


def test_a_master_layout_without_title_placeholder_is_refused(tmp_path: Path) -> None:
    folder = copy_clinique(tmp_path)
    prs = Presentation(folder / "master.pptx")
    layout = next(layout for layout in prs.slide_layouts if layout.name == "Titre seul")
    title = next(p for p in layout.placeholders if p.placeholder_format.idx == 0)
    title._element.getparent().remove(title._element)
    prs.save(folder / "master.pptx")
    with pytest.raises(TemplateError) as error:
        load_theme(folder)
    assert str(error.value).splitlines()[1:] == [
        "  - disposition « Titre seul » (layouts.text) : espace réservé « titre » absent",
        "  - disposition « Titre seul » (layouts.table) : espace réservé « titre » absent",
        "  - disposition « Titre seul » (layouts.chart) : espace réservé « titre » absent",
    ]


def test_template_check_lists_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_clinique(tmp_path)
    theme = folder / "theme.yaml"
    text = theme.read_text(encoding="utf-8").replace('rule: "#C9B7BC"', 'rule: "bordeaux"')
    text = text.replace('text: "Titre seul"', 'text: "Titre et texte"')
    theme.write_text(text, encoding="utf-8")
    (folder / "logo.png").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert run(["template", "check", str(folder)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == [
        "  - couleur invalide : colors.rule = « bordeaux » (attendu #RRGGBB)",
        f"  - logo illisible (PNG ou JPEG attendu ; SVG et WebP refusés) : {folder / 'logo.png'}",
        "  - disposition « Titre et texte » (layouts.text) absente du masque (disponibles : Diapositive de titre, "
        "Titre et contenu, Titre de section, Deux contenus, Comparaison, Titre seul, Vide, Contenu avec légende, "
        "Image avec légende, Titre et texte vertical, Titre vertical et texte)",
    ]


def test_unknown_layout_is_named_with_those_available(tmp_path: Path) -> None:
    folder = copy_clinique(tmp_path)
    theme = folder / "theme.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace('text: "Titre seul"', 'text: "Titre et texte"'),
                     encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        load_theme(folder)
    assert str(error.value).splitlines()[1].startswith(
        "  - disposition « Titre et texte » (layouts.text) absente du masque (disponibles : Diapositive de titre, "
        "Titre et contenu")


def test_template_new_copies_and_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["template", "new", "ma-clinique", "--from", "clinique"]) == 0
    theme = load_theme("ma-clinique", tmp_path)
    assert theme.name == "ma-clinique" and theme.folder == (tmp_path / "templates" / "ma-clinique").resolve()
    assert run(["template", "new", "ma-clinique"]) == 1


def test_lookup_prefers_the_project_folder_then_builtin(tmp_path: Path) -> None:
    assert load_theme("default", tmp_path).folder == (BUILTIN / "default").resolve()
    with pytest.raises(TemplateError, match="modèle « absent » introuvable"):
        load_theme("absent", tmp_path)


@pytest.mark.parametrize(("edit", "expected"), [
    (("fonts:\n", "fonts_old:\n", "fonts: [1, 2]\n"), ["  - fonts : attendu un tableau de champs, reçu liste"]),
    (("  table_pt: 11\n", '  table_pt: "grand"\n', ""), ["  - sizes.table_pt : attendu un nombre, reçu « grand »"]),
    (("  logo: [11.55, 0.3, 1.33, 0.6]\n", "  logo: [11.55, 0.3]\n", ""),
     ["  - boxes.logo : attendu [x, y, largeur, hauteur] en pouces, reçu « [11.55, 0.3] »"]),
])
def test_theme_fields_of_the_wrong_shape_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   edit: tuple[str, str, str], expected: list[str]) -> None:
    folder = copy_clinique(tmp_path)
    theme = folder / "theme.yaml"
    old, new, appended = edit
    text = theme.read_text(encoding="utf-8")
    assert old in text
    theme.write_text(text.replace(old, new) + appended, encoding="utf-8")
    assert run(["template", "check", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == expected


def test_a_missing_studies_folder_is_named_as_missing(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(data_copy / "studies")
    assert run(["check", "--data", str(data_copy)]) == 1
    assert "data/studies: aucune étude : le dossier studies/ est introuvable" in capsys.readouterr().err.splitlines()


def test_logo_is_one_shared_image_and_notes_slides_are_numbered_in_order(clinique: dict[str, Path]) -> None:
    """The package keeps part names and the shared logo that python-pptx itself would give."""
    import hashlib
    import zipfile

    with zipfile.ZipFile(clinique["pptx"]) as package:
        names = package.namelist()
        media = [n for n in names if n.startswith("ppt/media/")]
        digests = [hashlib.sha1(package.read(n)).hexdigest() for n in media]
    assert len(digests) == len(set(digests))  # every image stored once, the logo included
    assert len(media) == 5 + 1  # five charts and the logo
    notes = sorted(int(n.removeprefix("ppt/notesSlides/notesSlide").removesuffix(".xml"))
                   for n in names if n.startswith("ppt/notesSlides/notesSlide") and n.endswith(".xml"))
    assert notes == list(range(1, len(notes) + 1)) and notes


def theme_part(pptx: Path) -> str:
    with zipfile.ZipFile(pptx) as package:
        return package.read("ppt/theme/theme1.xml").decode()


def test_default_and_clinique_decks_pass_the_open_xml_rules(built: dict[str, Path], clinique: dict[str, Path]) -> None:
    from .rendering import audit_errors

    assert audit_errors(built["pptx"]) == []
    assert audit_errors(clinique["pptx"]) == []


def test_the_pptx_theme_carries_the_template_colours_and_font(built: dict[str, Path],
                                                              clinique: dict[str, Path]) -> None:
    default = theme_part(built["pptx"])
    for slot, color in (("dk1", "1A1A1A"), ("lt1", "FFFFFF"), ("accent1", "1F4E79"), ("accent2", "C55A11")):
        assert f'<a:{slot}><a:srgbClr val="{color}"/></a:{slot}>' in default
    assert '<a:latin typeface="Arial"/>' in default and "Calibri" not in default
    own = theme_part(clinique["pptx"])  # the master's own theme, kept
    for slot, color in (("dk1", "2B2B2B"), ("lt1", "FBF8F4"), ("accent1", "7A1F3D"), ("accent2", "1B7F79")):
        assert f'<a:{slot}><a:srgbClr val="{color}"/></a:{slot}>' in own
    theme = load_theme("clinique")  # theme.yaml's colours default to the master's theme
    assert (theme.color("primary"), theme.color("accent"), theme.color("background")) == ("#7A1F3D", "#1B7F79", "#FBF8F4")


def test_clinique_has_its_rule_and_one_master_background(clinique: dict[str, Path]) -> None:
    prs = Presentation(clinique["pptx"])
    rules = [[s for s in slide.shapes if s.name == "Filet du titre"] for slide in prs.slides]
    assert not rules[0] and all(len(r) == 1 for r in rules[1:])
    box = load_theme("clinique").box("title")
    assert (rules[1][0].begin_y, rules[1][0].end_x) == (box.y + box.h, box.x + box.w)
    assert prs.slide_master.part.blob.count(b"<p:bg>") == 1  # the schema allows one, before p:spTree
    pdf = PdfReader(clinique["pdf"])
    assert len(pdf.pages) == len(prs.slides)  # the PDF side, rule and background, is compared on pictures


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"), reason="LibreOffice absent")
def test_clinique_pdf_and_pptx_look_alike(clinique: dict[str, Path], tmp_path: Path) -> None:
    from .rendering import office_pdf
    from .test_masters import assert_alike

    assert_alike(clinique["pdf"], office_pdf(clinique["pptx"], tmp_path / "office"), tmp_path)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler absent")
def test_default_pdf_and_pptx_look_alike(built: dict[str, Path], office_rendering: Path, tmp_path: Path) -> None:
    from .test_masters import assert_alike

    assert_alike(built["pdf"], office_rendering, tmp_path)


def test_clinique_backgrounds_are_fresh_and_used_by_the_pdf() -> None:
    theme = load_theme("clinique")
    backgrounds = dict(theme.backgrounds)
    assert set(backgrounds) == {"title", "text", "table", "chart"}
    assert theme.background("table") == CLINIQUE.resolve() / "backgrounds" / "fond-1-6.png"
    assert load_theme("default").backgrounds == ()


def sized_master(folder: Path, width: int, height: int) -> None:
    """A python-pptx master at `width` × `height` EMU with the default's layout names."""
    from stsdeck.render.container import fit_slide_size

    prs = Presentation()
    fit_slide_size(prs, width, height)
    prs.save(folder / "master.pptx")


@pytest.mark.parametrize(("size", "content"), [
    ((9144000, 6858000), (308610, 1188720, 8524494, 5166360)),  # 4:3, 10 × 7,5 in
    ((12192000, 7620000), (411480, 1320800, 11365992, 5740400)),  # 16:10
])
def test_boxes_scale_to_the_master_size(tmp_path: Path, size: tuple[int, int], content: tuple[int, ...]) -> None:
    sized_master(tmp_path, *size)
    (tmp_path / "theme.yaml").write_text('name: taille\nextends: default\nmaster: "master.pptx"\n', encoding="utf-8")
    theme = load_theme(tmp_path)
    assert theme.slide == size
    box = theme.box("content")
    assert (box.x, box.y, box.w, box.h) == content
    pptx = tmp_path / "out" / "rtct-stm.pptx"
    build(BuildConfig(DATA, tmp_path / "out", ("pptx",), str(tmp_path)))
    prs = Presentation(pptx)
    assert (prs.slide_width, prs.slide_height) == size
    for slide in prs.slides:
        for shape in slide.shapes:
            height = sum(r.height for r in shape.table.rows) if shape.has_table else shape.height
            assert shape.left + shape.width <= size[0] and shape.top + height <= size[1], shape.name


def test_a_layer_with_its_own_frame_keeps_its_boxes(tmp_path: Path) -> None:
    """Boxes given on a 10 × 7,5 in frame by a template that extends the 16:9 default."""
    (tmp_path / "theme.yaml").write_text(
        "name: cadre\nextends: default\nslide_in: [10, 7.5]\nboxes:\n  title: [0.5, 0.25, 9, 1]\n", encoding="utf-8")
    theme = load_theme(tmp_path)
    assert theme.slide == (9144000, 6858000)
    assert theme.box("title") == Box.inches([0.5, 0.25, 9, 1])
    assert theme.box("content") == Box.inches([0.45 * 0.75, 1.3, 12.43 * 0.75, 5.65])


@pytest.mark.parametrize(("line", "expected"), [
    ("slide_in: [0.5, 7.5]\n", "  - slide_in : attendu [largeur, hauteur] en pouces, chacune de 1 à 56, reçu « [0.5, 7.5] »"),
    ("title_rule: {color: violet, width_pt: 2}\n",
     "  - title_rule : attendu {color: une couleur du thème (primary, accent, text, muted, background, header_fill, "
     "header_text, band_fill, rule), width_pt: épaisseur en points}, reçu « {'color': 'violet', 'width_pt': 2} »"),
])
def test_slide_size_and_title_rule_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               line: str, expected: str) -> None:
    (tmp_path / "theme.yaml").write_text("name: essai\nextends: default\n" + line, encoding="utf-8")
    assert run(["template", "check", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [expected]


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler absent")
def test_clinique_pdf_draws_the_rule_under_the_title(clinique: dict[str, Path], tmp_path: Path) -> None:
    from .rendering import pictures

    box = load_theme("clinique").box("title")
    dpi = 50
    page = pictures(clinique["pdf"], tmp_path, dpi)[1]
    from PIL import Image

    with Image.open(page) as opened:
        grey = opened.convert("L")
        y = round((box.y + box.h) / 914400 * dpi)
        x = round((box.x + box.w / 2) / 914400 * dpi)
        assert min(grey.getpixel((x, y + dy)) for dy in (-1, 0, 1)) < 160  # the teal rule on cream
