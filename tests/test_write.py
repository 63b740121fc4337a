"""The output folder: stsdeck removes only its own files, refuses folders that are not an output's,
and data under the output folder stay inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stsdeck.build import BuildConfig, build
from stsdeck.cli import run
from stsdeck.manifest import CACHE_DIR
from stsdeck.resources import BUILTIN

from .factory import make_dataset

ADVICE = "choisissez un dossier à part, par exemple build/"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A three-study dataset: quick to build."""
    return make_dataset(tmp_path / "data", 3, long_cells=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_removes_only_its_own_leftovers(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(BuildConfig(small, out, ("pptx",)))
    theirs = {".rapport-these.docx.tmp": b"brouillon de these", f"{CACHE_DIR}/.notes.tmp": b"notes",
              f"{CACHE_DIR}/lisez-moi.txt": b"a moi", "rtct-stm.pptx.tmp": b"copie"}
    for name, data in theirs.items():
        (out / name).write_bytes(data)
    (out / ".stsdeck-tmp.rtct-stm.pptx.abc123.tmp").write_bytes(b"reste d'une construction tuee")
    (small / "studies" / "auteur01-2001.yaml").write_text(
        (small / "studies" / "auteur01-2001.yaml").read_text(encoding="utf-8").replace("court", "long"),
        encoding="utf-8")
    assert not build(BuildConfig(small, out, ("pptx",))).skipped
    after = tree(out)
    assert {name: after.get(name) for name in theirs} == theirs
    assert not [name for name in after if name.startswith(".stsdeck-tmp.")]


@pytest.mark.parametrize("out, reason", [
    ("/", "c'est la racine du système"),
    ("~", "c'est votre dossier personnel"),
    ("{home}", "c'est votre dossier personnel"),
    ("{home}/..", "il contient votre dossier personnel"),
    ("{data}", "c'est le dossier des données ({data})"),
    ("{default}", "c'est le dossier du modèle default ({default})"),
])
def test_an_output_folder_that_is_not_an_outputs_is_refused(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        out: str, reason: str) -> None:
    home = tmp_path / "maison"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    names = {"home": home, "data": small, "default": BUILTIN / "default"}
    out, reason = out.format(**names), reason.format(**names)
    watched = {"/": Path("/"), **names}
    before = {name: sorted(os.listdir(folder)) for name, folder in watched.items()}
    assert run(["build", "--data", str(small), "--out", out, "--format", "pptx"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == f"erreur : {out} : dossier de sortie refusé, {reason} ; {ADVICE}"
    assert {name: sorted(os.listdir(folder)) for name, folder in watched.items()} == before


def test_data_under_the_output_folder_stay_inputs(small: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(small.parent)
    assert run(["build", "--data", "data", "--out", ".", "--format", "pptx"]) == 0
    assert run(["build", "--data", "data", "--out", ".", "--format", "pptx"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("Rien à faire")
    study = small / "studies" / "auteur02-2002.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("J Synth Oncol", "J Synth Oncol B"), encoding="utf-8")
    assert run(["build", "--data", "data", "--out", ".", "--format", "pptx"]) == 0
    out = capsys.readouterr().out
    assert "Rien à faire" not in out and "1 modifiée(s)" in out
