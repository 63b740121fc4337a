"""`stsdeck new`: a review project that checks and builds as it is, and nothing of the user's replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stsdeck import __version__, project
from stsdeck.cli import run
from stsdeck.jsonschemas import schema_texts
from stsdeck.project import Requirement, installed_requirement
from stsdeck.resources import EXAMPLE_DATA

EXAMPLE_REQUIREMENT = "stsdeck @ git+https://github.com/exemple/stsdeck@v0.1.0"


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def new(folder: Path, *options: str) -> int:
    return run(["new", str(folder), "--stsdeck", EXAMPLE_REQUIREMENT, *options])


def test_a_new_project_has_data_templates_ci_and_editor_settings(tmp_path: Path) -> None:
    folder = tmp_path / "ma-revue"
    assert new(folder) == 0
    studies = {"data/studies/exemple-2020.yaml"}
    data = {f"data/{name}" for name in ("deck.yaml", "context.yaml", "categories.yaml", "trials.yaml",
                                        "conclusion.yaml", "charts.yaml", "FORMAT.md")}
    schemas = {f"schemas/{name}" for name in schema_texts()}
    assert files(folder) == data | studies | schemas | {
        "README.md", "requirements.txt", ".gitignore", "templates/README.md", ".github/workflows/deck.yml",
        ".vscode/settings.json", ".vscode/extensions.json"}
    assert "build/" in (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert (folder / "data" / "charts.yaml").read_bytes() == (EXAMPLE_DATA / "charts.yaml").read_bytes()


def test_the_requirement_and_version_are_written_in(tmp_path: Path) -> None:
    folder = tmp_path / "ma-revue"
    assert new(folder) == 0
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert requirements[-1] == EXAMPLE_REQUIREMENT
    assert all(line.startswith("#") for line in requirements[:-1])
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert f"stsdeck=={__version__}" in readme and "$" not in readme


def test_check_and_build_work_inside_a_new_project_with_no_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ma-revue"
    assert new(folder) == 0
    monkeypatch.chdir(folder)
    assert run(["check", "--strict"]) == 0
    assert run(["build", "--quiet"]) == 0
    assert {"build/ma-revue.pptx", "build/ma-revue.pdf", "build/CHANGES.md"} <= files(folder)
    assert "Données valides : 1 étude." in capsys.readouterr().out


def test_template_new_writes_into_the_project_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ma-revue"
    assert new(folder) == 0
    monkeypatch.chdir(folder)
    assert run(["template", "new", "mon-chu", "--from", "clinique"]) == 0
    assert (folder / "templates" / "mon-chu" / "theme.yaml").is_file()
    assert run(["template", "check", "mon-chu"]) == 0


def test_the_example_review_is_copied_whole(tmp_path: Path) -> None:
    folder = tmp_path / "rtct"
    assert new(folder, "--example") == 0
    example = {p.relative_to(EXAMPLE_DATA).as_posix(): p.read_bytes() for p in EXAMPLE_DATA.rglob("*") if p.is_file()}
    copied = {p.relative_to(folder / "data").as_posix(): p.read_bytes() for p in (folder / "data").rglob("*")
              if p.is_file()}
    assert copied == example
    assert run(["check", "--strict", "--data", str(folder / "data")]) == 0


def test_an_empty_folder_is_accepted(tmp_path: Path) -> None:
    assert new(tmp_path) == 0
    assert (tmp_path / "data" / "deck.yaml").is_file()


def test_a_folder_with_anything_in_it_is_refused_and_left_as_it_was(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mes notes", encoding="utf-8")
    assert new(tmp_path) == 1
    assert files(tmp_path) == {"notes.txt"}
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    assert capsys.readouterr().err == (f"erreur : le dossier {tmp_path} n'est pas vide : stsdeck new n'écrit que "
                                       "dans un dossier nouveau ou vide, pour ne rien remplacer\n")


def test_a_file_in_the_way_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "revue").write_text("", encoding="utf-8")
    assert new(tmp_path / "revue") == 1
    assert capsys.readouterr().err == f"erreur : {tmp_path / 'revue'} existe déjà et n'est pas un dossier\n"


class Installed:
    """A stand-in for the installed distribution's metadata."""

    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.text = None if direct_url is None else json.dumps(direct_url)

    def read_text(self, name: str) -> str | None:
        return self.text


@pytest.mark.parametrize(("direct_url", "expected"), [
    (None, Requirement(f"stsdeck=={__version__}")),
    ({"url": "https://github.com/exemple/stsdeck.git", "vcs_info": {"vcs": "git", "commit_id": "0123abc"}},
     Requirement("stsdeck @ git+https://github.com/exemple/stsdeck.git@0123abc")),
    ({"url": "file:///home/moi/stsdeck", "dir_info": {"editable": True}},
     Requirement(f"stsdeck=={__version__}", reachable=False)),
    ({"url": "file:///tmp/stsdeck-0.1.0-py3-none-any.whl", "archive_info": {}},
     Requirement(f"stsdeck=={__version__}", reachable=False)),
])
def test_the_default_requirement_follows_how_stsdeck_was_installed(
        direct_url: dict[str, object] | None, expected: Requirement, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project.metadata, "distribution", lambda name: Installed(direct_url))
    assert installed_requirement() == expected


def test_a_local_install_is_said_to_be_out_of_the_ci_reach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(project.metadata, "distribution", lambda name: Installed({"url": "file:///x", "dir_info": {}}))
    assert run(["new", str(tmp_path / "revue")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("avertissement : ce stsdeck vient d'un dossier ou d'une roue de cette machine")
    assert (tmp_path / "revue" / "requirements.txt").read_text(encoding="utf-8").endswith(
        f"\nstsdeck=={__version__}\n")
