"""Every bad input answered: one exact French line `file:line: field: message` per problem, exit code 1,
and a build that fails leaves the output folder as it was."""

from __future__ import annotations

import random
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from PIL import Image

from stsdeck.cli import run
from stsdeck.resources import BUILTIN
from stsdeck.validate import load_dataset

from .conftest import DATA
from .factory import make_dataset

DELANEY = "data/studies/delaney-2003.yaml"
SLUG = "rtct-stm"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def study(data: Path) -> Path:
    return data / "studies" / "delaney-2003.yaml"


def in_study(old: str, new: str) -> Callable[[Path], None]:
    return lambda data: edit(study(data), old, new)


def in_file(name: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda data: edit(data / name, old, new)


def cp1252(data: Path) -> None:
    text = study(data).read_text(encoding="utf-8").replace("≥", ">=")
    study(data).write_bytes(text.encode("cp1252"))


def raw_bytes(old: bytes, new: bytes) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        content = study(data).read_bytes()
        assert old in content
        study(data).write_bytes(content.replace(old, new, 1))
    return change


def remove_studies(category: str | None) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        for path in (data / "studies").glob("*.yaml"):
            if category is None or f'category: "{category}"' in path.read_text(encoding="utf-8"):
                path.unlink()
    return change


TEXT_HINT = "(mettez la valeur entre guillemets)"
CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "yaml-unclosed-quote": (
        in_study('journal: "Int J Radiat Oncol Biol Phys"', 'journal: "Int J Radiat Oncol Biol Phys'),
        [f"{DELANEY}:5: YAML invalide, colonne 10 : guillemet non fermé (le texte continue jusqu'à la ligne 6)"]),
    "yaml-unclosed-bracket": (
        in_study('first_author: "Delaney"', "first_author: [Delaney"),
        [f"{DELANEY}:3: YAML invalide, colonne 15 : crochet « [ » non fermé, ou virgule manquante dans la liste"]),
    "yaml-colon-in-text": (
        in_study('first_author: "Delaney"', "first_author: Delaney: 2003"),
        [f"{DELANEY}:3: YAML invalide, colonne 22 : deux-points inattendu : mettez le texte entre guillemets"]),
    "tab-indentation": (
        in_study("  pct: 92", "\tpct: 92"),
        [f"{DELANEY}:29: YAML invalide, colonne 1 : tabulation interdite en YAML : indentez avec des espaces"]),
    "duplicate-key": (
        in_study("pcr_pct: 8\n", "pcr_pct: 8\npcr_pct: 8\n"),
        [f"{DELANEY}:27: pcr_pct: clé en double (déjà définie ligne 26)"]),
    "unquoted-NO": (
        in_study('histology: "STS haut grade ≥ 8 cm (grade II et III)"', "histology: NO"),
        [f"{DELANEY}:11: cells.histology: attendu un texte, reçu booléen « false » (écrit NO) {TEXT_HINT}"]),
    "unquoted-yes": (
        in_study('design: "Essai de phase II"', "design: yes"),
        [f"{DELANEY}:9: cells.design: attendu un texte, reçu booléen « true » (écrit yes) {TEXT_HINT}"]),
    "unquoted-on": (
        in_study('journal: "Int J Radiat Oncol Biol Phys"', "journal: on"),
        [f"{DELANEY}:5: journal: attendu un texte, reçu booléen « true » (écrit on) {TEXT_HINT}"]),
    "leading-zero": (
        in_study("pcr_pct: 8\n", "pcr_pct: 8\npmid: 0012345\n"),
        [f"{DELANEY}:27: pmid: attendu un texte, reçu entier « 5349 » (écrit 0012345) {TEXT_HINT}"]),
    "clock-time": (
        in_study('design: "Essai de phase II"', "design: 12:30"),
        [f"{DELANEY}:9: cells.design: attendu un texte, reçu entier « 750 » (écrit 12:30) {TEXT_HINT}"]),
    "decimal-comma": (
        in_study("pcr_pct: 8\n", "pcr_pct: 8,5\n"),
        [f"{DELANEY}:26: pcr_pct: attendu un pourcentage, reçu texte « 8,5 » (décimales avec un point en YAML : 8.5)"]),
    "date-for-number": (
        in_study("pcr_pct: 8\n", "pcr_pct: 2021-03-04\n"),
        [f"{DELANEY}:26: pcr_pct: attendu un pourcentage, reçu date « 2021-03-04 »"]),
    "date-for-text": (
        in_study('journal: "Int J Radiat Oncol Biol Phys"', "journal: 2021-03-04"),
        [f"{DELANEY}:5: journal: attendu un texte, reçu date « 2021-03-04 » {TEXT_HINT}"]),
    "impossible-date": (
        in_file("deck.yaml", "date: 2026-11-30", "date: 2026-13-01"),
        ["data/deck.yaml:6: YAML invalide, colonne 7 : date impossible « 2026-13-01 » (attendu AAAA-MM-JJ)"]),
    "tab-in-quoted-text": (
        in_study('design: "Essai de phase II"', 'design: "Essai de\tphase II"'),
        [f"{DELANEY}:9: cells.design: tabulation interdite dans un texte"]),
    "tab-escape-in-text": (
        in_study('design: "Essai de phase II"', 'design: "Essai de\\tphase II"'),
        [f"{DELANEY}:9: cells.design: tabulation interdite dans un texte"]),
    "tab-in-unquoted-text": (
        in_study('design: "Essai de phase II"', "design: Essai de\tphase II"),
        [f"{DELANEY}:9: YAML invalide, colonne 19 : tabulation interdite en YAML : remplacez-la par une espace"]),
    "not-utf8": (
        cp1252,
        [f"{DELANEY}:12: fichier non encodé en UTF-8 (enregistrez-le en UTF-8)"]),
    "raw-control-byte": (
        raw_bytes(b"Essai de phase II", b"Essai\x07 de phase II"),
        [f"{DELANEY}:9: YAML invalide, colonne 17 : caractère de contrôle U+0007 interdit (retirez-le du fichier)"]),
    "pct-above-100": (
        in_study("pcr_pct: 8\n", "pcr_pct: 120\n"),
        [f"{DELANEY}:26: pcr_pct: attendu un pourcentage entre 0 et 100, reçu 120"]),
    "pct-negative": (
        in_study("  pct: 92", "  pct: -5"),
        [f"{DELANEY}:29: local_control.pct: attendu un pourcentage entre 0 et 100, reçu -5"]),
    "patients-zero": (
        in_study("patients: 48", "patients: 0"),
        [f"{DELANEY}:19: patients: attendu un entier > 0, reçu 0"]),
    "patients-negative": (
        in_study("patients: 48", "patients: -3"),
        [f"{DELANEY}:19: patients: attendu un entier > 0, reçu -3"]),
    "cohort-above-study": (
        lambda data: (edit(study(data), 'patients: "48"', 'patients: "48 (bras A : 60)"'),
                      edit(study(data), "pcr_pct: 8\n", 'pcr_pct: 8\ncohorts:\n  - {label: "bras A", patients: 60}\n')),
        [f"{DELANEY}:28: cohorts[0].patients: effectif de la cohorte (60) supérieur à celui de l'étude (48)"]),
    "unknown-category": (
        in_study('category: "split-course"', 'category: "split"'),
        [f"{DELANEY}:1: category: catégorie inconnue « split » "
         "(attendu : split-course, normofractionated, hypofractionated, adjuvant)"]),
    "missing-field": (
        in_study('journal: "Int J Radiat Oncol Biol Phys"\n', ""),
        [f"{DELANEY}:1: journal: champ obligatoire manquant"]),
    "bell-in-cell": (
        in_study('design: "Essai de phase II"', 'design: "Essai\\a de phase II"'),
        [f"{DELANEY}:9: cells.design: caractère de contrôle U+0007 interdit dans un texte"]),
    "surrogate-in-cell": (
        in_study('design: "Essai de phase II"', 'design: "Essai \\ud800 de phase II"'),
        [f"{DELANEY}:9: cells.design: caractère invalide (demi-paire de substitution U+D800)"]),
    "bell-in-deck-title": (
        in_file("deck.yaml", 'title: "Radiochimiothérapie', 'title: "\\aRadiochimiothérapie'),
        ["data/deck.yaml:2: title: caractère de contrôle U+0007 interdit dans un texte"]),
    "surrogate-in-bullet": (
        in_file("context.yaml", '"Pouvoir radio-sensibilisant de la CT"', '"Pouvoir \\udfff de la CT"'),
        ["data/context.yaml:6: bullets[1].sub[0]: caractère invalide (demi-paire de substitution U+DFFF)"]),
    "escape-in-trial": (
        in_file("trials.yaml", 'schedule: "Doxorubicine', 'schedule: "\\eDoxorubicine'),
        ["data/trials.yaml:6: trials[1].schedule: caractère de contrôle U+001B interdit dans un texte"]),
    "control-shown-visibly": (
        in_study('design: "phase-2"', 'design: "phase\\e[2J"'),
        [f"{DELANEY}:6: design: valeur « phaseU+001B[2J » inconnue "
         "(attendu : phase-1, phase-1-2, phase-2, randomized, prospective, retrospective)"]),
    "empty-category": (
        remove_studies("adjuvant"),
        ["data/categories.yaml:61: categories[3].id: catégorie « adjuvant » sans aucune étude"]),
    "no-study": (
        remove_studies(None),
        ["data/studies: aucune étude : le dossier studies/ est vide"]),
    "empty-study-file": (
        lambda data: study(data).write_text("", encoding="utf-8"),
        [f"{DELANEY}:1: fichier vide"]),
    "study-file-not-a-mapping": (
        lambda data: study(data).write_text("- Delaney\n- 2003\n", encoding="utf-8"),
        [f"{DELANEY}:1: attendu un tableau de champs, reçu liste"]),
    "categories-missing": (
        lambda data: (data / "categories.yaml").unlink(),
        ["data/categories.yaml: fichier manquant"]),
}


def previous_outputs(out: Path) -> dict[str, bytes]:
    """An output folder holding the files of an earlier build."""
    out.mkdir()
    files = {f"{SLUG}.pptx": b"previous deck", f"{SLUG}.pdf": b"%PDF previous"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return files


def visible(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_one_exact_located_message(case: str, command: str, data_copy: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    change, expected = CASES[case]
    change(data_copy)
    out = tmp_path / "out"
    before = previous_outputs(out)
    options = ["--out", str(out), "--quiet"] if command == "build" else []
    assert run([command, "--data", str(data_copy), *options]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [*expected, f"{len(expected)} problème(s) ; rien n'a été écrit."]
    assert captured.out == ""
    assert visible(out) == before


@pytest.mark.parametrize("encoding", ["utf-8-bom", "crlf", "bom-and-crlf"])
def test_bom_and_windows_line_endings_are_accepted(encoding: str, data_copy: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for path in [study(data_copy), data_copy / "categories.yaml", data_copy / "deck.yaml"]:
        content = path.read_bytes()
        if "crlf" in encoding:
            content = content.replace(b"\n", b"\r\n")
        if "bom" in encoding:
            content = b"\xef\xbb\xbf" + content
        path.write_bytes(content)
    assert run(["check", "--data", str(data_copy)]) == 0
    assert capsys.readouterr().out == "Données valides : 26 études.\n"
    assert load_dataset(data_copy) == load_dataset(DATA)


def test_bom_and_crlf_keep_line_numbers(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(study(data_copy), "patients: 48", "patients: 0")
    study(data_copy).write_bytes(b"\xef\xbb\xbf" + study(data_copy).read_bytes().replace(b"\n", b"\r\n"))
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == f"{DELANEY}:19: patients: attendu un entier > 0, reçu 0"


def test_a_cell_too_long_for_a_whole_slide_fails_the_build(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = make_dataset(tmp_path / "data", 2, long_cells=False)
    path = data / "studies" / "auteur02-2002.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["cells"]["toxicity"] = " ".join(["toxicité"] * 2500)
    path.write_text(yaml.safe_dump(record, allow_unicode=True, width=10**6), encoding="utf-8")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "toxicity:" in text)
    out = tmp_path / "out"
    before = previous_outputs(out)
    assert run(["build", "--data", str(data), "--out", str(out), "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"data/studies/auteur02-2002.yaml:{line}: cells.toxicity: ligne du tableau trop haute pour tenir sur 3 "
        "diapositives (388,5 cm pour 3 × 12,8 cm disponibles) : raccourcissez le texte de cette cellule",
        "1 problème(s) ; rien n'a été écrit.",
    ]
    assert visible(out) == before


def test_an_empty_data_folder_lists_every_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert run(["check", "--data", str(data)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        *(f"data/{name}: fichier manquant" for name in sorted(
            ["deck.yaml", "context.yaml", "categories.yaml", "trials.yaml", "conclusion.yaml", "charts.yaml"])),
        "6 problème(s) ; rien n'a été écrit.",
    ]


def test_a_missing_data_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "absent"
    assert run(["check", "--data", str(missing)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{missing.as_posix()}: dossier de données introuvable", "1 problème(s) ; rien n'a été écrit."]


def test_a_recursive_yaml_alias_is_answered(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(study(data_copy), "survival:\n", "survival: &s\n  - *s\n")
    assert run(["check", "--data", str(data_copy)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{DELANEY}:31: survival[0]: attendu un tableau de champs, reçu liste", "1 problème(s) ; rien n'a été écrit."]


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares `width` × `height` pixels (no image data: a decompression bomb's header)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def logo_template(tmp_path: Path, logo: str, write: Callable[[Path], None] | None) -> Path:
    """A minimal template extending the default one, with the logo `logo` written by `write`."""
    folder = tmp_path / "etab"
    folder.mkdir()
    (folder / "theme.yaml").write_text(f"name: etab\nextends: default\nlogo: \"{logo}\"\n", encoding="utf-8")
    if write:
        write(folder / logo)
    return folder


def pil_image(size: tuple[int, int], kind: str) -> Callable[[Path], None]:
    return lambda path: Image.new("RGB", size, "#7A1F3D").save(path, format=kind)


LOGOS: dict[str, tuple[str, Callable[[Path], None] | None, str]] = {
    "missing": ("logo.png", None, "logo introuvable : {path}"),
    "corrupt": ("logo.png", lambda path: path.write_bytes(bytes(random.Random(6).randrange(256) for _ in range(4096))),
                "logo illisible (PNG ou JPEG attendu ; SVG et WebP refusés) : {path}"),
    "svg": ("logo.svg", lambda path: path.write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' width='120' height='60'><rect width='120' height='60'/></svg>",
        encoding="utf-8"), "logo illisible (PNG ou JPEG attendu ; SVG et WebP refusés) : {path}"),
    "webp": ("logo.webp", pil_image((240, 120), "WEBP"), "logo au format WEBP refusé (PNG ou JPEG attendu) : {path}"),
    "webp-named-png": ("logo.png", pil_image((240, 120), "WEBP"),
                       "logo au format WEBP refusé (PNG ou JPEG attendu) : {path}"),
    "huge": ("logo.png", pil_image((4500, 120), "PNG"), "logo trop grand (4500 × 120 px, maximum 4000 px) : {path}"),
    "bomb": ("logo.png", lambda path: path.write_bytes(png_header(20000, 20000)),
             "logo trop grand (plus de 89 millions de pixels, maximum 4000 px de côté) : {path}"),
}


@pytest.mark.parametrize("command", ["template", "build"])
@pytest.mark.parametrize("case", list(LOGOS))
def test_bad_logo_is_refused_by_name(case: str, command: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    logo, write, message = LOGOS[case]
    folder = logo_template(tmp_path, logo, write)
    out = tmp_path / "out"
    before = previous_outputs(out)
    argv = (["template", "check", str(folder)] if command == "template" else
            ["build", "--data", str(DATA), "--out", str(out), "--template", str(folder), "--quiet"])
    assert run(argv) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"erreur : modèle « etab » ({folder}) :", "  - " + message.format(path=folder / logo)]
    assert visible(out) == before


@pytest.mark.parametrize("command", ["template", "build"])
def test_missing_font_file_is_named(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "etab"
    shutil.copytree(BUILTIN / "clinique", folder)
    (folder / "fonts" / "Carlito-Bold.ttf").unlink()
    out = tmp_path / "out"
    before = previous_outputs(out)
    argv = (["template", "check", str(folder)] if command == "template" else
            ["build", "--data", str(DATA), "--out", str(out), "--template", str(folder), "--quiet"])
    assert run(argv) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"erreur : modèle « clinique » ({folder}) :", f"  - police introuvable : {folder / 'fonts' / 'Carlito-Bold.ttf'}"]
    assert visible(out) == before


@pytest.mark.parametrize(("theme", "message"), [
    ("name: [etab\n", ":1: YAML invalide, colonne 7 : crochet « [ » non fermé, ou virgule manquante dans la liste"),
    ("- etab\n", ": attendu un tableau de champs"),
])
def test_unreadable_theme_file_is_located(theme: str, message: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "etab"
    folder.mkdir()
    (folder / "theme.yaml").write_text(theme, encoding="utf-8")
    assert run(["template", "check", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"erreur : {folder / 'theme.yaml'}{message}"]
