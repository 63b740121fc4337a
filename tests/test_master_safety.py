"""Masters from elsewhere are untrusted: read with limits (a zip bomb is refused quickly and in little
memory), XML without entities or DTDs, and only what a deck needs copied into it; `template check`
names, in French, everything left out."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from stsdeck.build import BuildConfig, build
from stsdeck.cli import run

from .conftest import DATA
from .masters import PERSONAL, hostile, potx_master, with_layout_text, zip_bomb
from .rendering import audit_errors

THEME = """name: charte
extends: default
master: "master.pptx"
layouts:
  title: "Diapositive de titre"
  text: "Titre et contenu"
  table: "Titre seul"
  chart: "Titre seul"
"""
BOMB_SECONDS = 5.0
BOMB_MEGABYTES = 200


@pytest.fixture(scope="module")
def potx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return potx_master(tmp_path_factory.mktemp("potx") / "charte.potx").read_bytes()


def template_with(master: bytes, root: Path) -> Path:
    """A hand-written template folder whose master is `master`."""
    folder = root / "charte"
    folder.mkdir()
    (folder / "master.pptx").write_bytes(master)
    (folder / "theme.yaml").write_text(THEME, encoding="utf-8")
    return folder


def test_template_check_names_every_kind_of_part_left_out(potx: bytes, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = template_with(hostile(potx), tmp_path)
    assert run(["template", "check", str(folder)]) == 1  # and the backgrounds are still to be made
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "masque : éléments laissés de côté (ils n'iront dans aucun diaporama) :",
        "  - actions de lien (programme, macro, diapositive) : ppaction://program",
        "  - auteurs des commentaires : ppt/commentAuthors.xml",
        "  - commentaires : ppt/comments/comment1.xml",
        "  - contrôles ActiveX : ppt/activeX/activeX1.xml",
        "  - diapositives d'exemple : 2",
        "  - liens vers l'extérieur : file://///serveur/partage/logo.png, http://traceur.exemple.org/pixel.png, "
        "file:///C:/Windows/System32/calc.exe",
        "  - macros VBA : ppt/vbaProject.bin",
        "  - miniature : docProps/thumbnail.jpeg",
        "  - objets OLE incorporés : ppt/embeddings/oleObject1.bin",
        "  - paramètres d'imprimante : ppt/printerSettings/printerSettings1.bin",
        "  - propriétés du document (auteur, titre, dates) : docProps/core.xml",
        "  - propriétés personnalisées : docProps/custom.xml",
        "  - propriétés étendues (société, responsable, application) : docProps/app.xml",
    ]
    assert err.splitlines()[1:] == [
        "  - arrière-plans PDF absents : « Diapositive de titre », « Titre et contenu », « Titre seul » ; les faire : "
        f"stsdeck template check {folder} --backgrounds (LibreOffice nécessaire)"]


def test_nothing_hostile_reaches_the_deck_and_web_links_stay(potx: bytes, tmp_path: Path) -> None:
    folder = template_with(hostile(potx), tmp_path)
    (pptx,) = [p for p in build(BuildConfig(DATA, tmp_path / "out", ("pptx",), str(folder))).written
               if p.suffix == ".pptx"]
    with zipfile.ZipFile(pptx) as package:
        names = package.namelist()
        text = "".join(package.read(name).decode("utf-8", "replace") for name in names)
    for trace in ("vbaProject", "oleObj", "embeddings", "activeX", "controls", "serveur", "traceur", "calc.exe",
                  "ppaction", "printerSettings", "commentAuthors", "comments/", "thumbnail", "custom.xml", *PERSONAL):
        assert trace not in text and not [n for n in names if trace in n], trace
    assert "https://www.exemple.org/" in text
    assert audit_errors(pptx) == []


@pytest.mark.parametrize(("prefix", "reason"), [
    (b'<!DOCTYPE p:sldLayout [<!ENTITY perso "Dr Jeanne Secret">]>', "déclaration DTD (<!DOCTYPE>) interdite"),
    (b"", "référence d'entité XML « perso » interdite"),
])
def test_a_dtd_or_an_entity_in_a_layout_is_refused(potx: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   prefix: bytes, reason: str) -> None:
    folder = template_with(with_layout_text(potx, prefix), tmp_path)
    assert run(["template", "check", str(folder)]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [
        f"  - masque refusé (partie « ppt/slideLayouts/slideLayout1.xml » : {reason}) : {folder / 'master.pptx'}"]
    assert run(["build", "--data", str(DATA), "--out", str(tmp_path / "out"), "--template", str(folder)]) == 1
    assert not (tmp_path / "out" / "rtct-stm.pptx").exists()


@pytest.mark.parametrize(("bomb", "reason"), [
    ({"inflated": 25 << 20}, "partie « ppt/media/image99.png » : taux de compression de 1011 pour 1, maximum 100"),
    ({"inflated": 3 << 30, "declared": 1000, "name": "ppt/slideMasters/slideMaster1.xml"}, None),
])
def test_oversized_or_lying_parts_are_refused(potx: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              bomb: dict, reason: str | None) -> None:
    folder = template_with(zip_bomb(potx, **bomb), tmp_path)
    assert run(["template", "check", str(folder)]) == 1
    master = folder / "master.pptx"
    expected = f"masque refusé ({reason}) : {master}" if reason else \
        f"masque illisible (partie « ppt/slideMasters/slideMaster1.xml » corrompue) : {master}"
    assert capsys.readouterr().err.splitlines()[1:] == [f"  - {expected}"]


def test_a_zip_bomb_is_refused_in_seconds_and_little_memory(potx: bytes, tmp_path: Path) -> None:
    """A 3 MB master whose one part inflates to 3 GiB: `template new --from-master` and `template
    check` refuse it, measured in a process of their own."""
    master = tmp_path / "bombe.pptx"
    master.write_bytes(zip_bomb(potx, 3 << 30))
    assert master.stat().st_size < 4_000_000
    folder = template_with(master.read_bytes(), tmp_path)
    reason = "partie « ppt/media/image99.png » : 3221 Mo une fois décompressée, maximum 30 Mo"
    for argv, path in ((["template", "new", "bombe", "--from-master", str(master)], master),
                       (["template", "check", str(folder)], folder / "master.pptx")):
        started = time.perf_counter()
        code, megabytes, err = measured(argv, tmp_path)
        assert time.perf_counter() - started < BOMB_SECONDS
        assert megabytes < BOMB_MEGABYTES
        assert code == 1 and f"masque refusé ({reason}) : {path}" in err
    assert not (tmp_path / "templates" / "bombe").exists()


def measured(argv: list[str], cwd: Path) -> tuple[int, float, str]:
    """Exit code, peak memory (MB) and error output of `stsdeck argv` in a fresh process."""
    script = ("import sys\nfrom stsdeck.cli import run\ncode = run(sys.argv[1:])\n"  # VmHWM: this process's
              "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"  # peak, not the forked
              "print(peak.split()[1])\nsys.exit(code)")  # test runner's (ru_maxrss keeps it across exec)
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=60)
    return done.returncode, int(done.stdout.split()[-1]) / 1024, done.stderr
