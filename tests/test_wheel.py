"""The wheel, installed in a fresh venv without network, makes a review project elsewhere and builds it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def call(*command: str | Path, cwd: Path | None = None) -> str:
    """Run a command; its standard output (its standard error in the failure message)."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wheel(tmp: Path) -> Path:
    """stsdeck's wheel, built from a copy of the sources (the checkout is left untouched)."""
    source = tmp / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    call(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", tmp / "dist", source)
    (built,) = (tmp / "dist").glob("stsdeck-*-py3-none-any.whl")
    return built


def fresh_venv(tmp: Path, built: Path) -> Path:
    """A new venv with the wheel installed offline; the dependencies are this environment's, read
    through a .pth file (which adds folders, not this environment's editable stsdeck)."""
    venv = tmp / "venv"
    call(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    call(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-index", "--no-deps", built)
    site = Path(call(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    ours = [path for path in sys.path if path.endswith("-packages") and Path(path).is_dir()]
    (site / "dependencies-of-the-tests.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return venv


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv where the wheel is installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    return fresh_venv(tmp, wheel(tmp)) / "bin"


def test_the_fresh_venv_runs_the_wheel_not_the_checkout(installed: Path) -> None:
    location = call(installed / "python", "-c", "import stsdeck; print(stsdeck.__file__)").strip()
    assert Path(location).is_relative_to(installed.parent) and not Path(location).is_relative_to(ROOT)
    assert call(installed / "stsdeck", "--version").startswith("stsdeck ")


def test_a_new_project_outside_the_checkout_checks_and_builds(installed: Path, tmp_path: Path) -> None:
    assert not tmp_path.is_relative_to(ROOT)
    call(installed / "stsdeck", "new", "ma-revue", cwd=tmp_path)
    project = tmp_path / "ma-revue"
    for name in (".github/workflows/deck.yml", ".vscode/settings.json", ".gitignore", "schemas/study.schema.json",
                 "templates/README.md", "data/charts.yaml"):
        assert (project / name).is_file(), name
    assert call(installed / "stsdeck", "check", cwd=project) == "Données valides : 1 étude.\n"
    call(installed / "stsdeck", "build", "--quiet", cwd=project)
    assert sorted(p.name for p in (project / "build").iterdir() if not p.name.startswith(".")) == [
        "CHANGES.md", "ma-revue.pdf", "ma-revue.pptx"]
    assert (project / "build" / "ma-revue.pdf").read_bytes().startswith(b"%PDF")


def test_the_example_review_checks_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    call(installed / "stsdeck", "new", "rtct", "--example", cwd=tmp_path)
    assert call(installed / "stsdeck", "check", "--strict", cwd=tmp_path / "rtct").startswith(
        "Données valides : 26 études.")
