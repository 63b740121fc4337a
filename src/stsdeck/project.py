"""`stsdeck new`: a review project (data, templates, CI workflow, editor set-up) copied from package data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from string import Template

from . import __version__
from .errors import OutputError
from .resources import EXAMPLE_DATA, PROJECT, SCHEMAS

FILES = PROJECT / "files"  # copied into every project
SKELETON = PROJECT / "skeleton"  # the minimal data/ of a project made without --example
SHARED = ("charts.yaml", "FORMAT.md")  # the skeleton takes these from the example review
TEMPLATED = ("README.md", "requirements.txt")  # where $version and $requirement are filled in


@dataclass(frozen=True)
class Requirement:
    """The pip requirement a project's CI installs stsdeck with."""

    text: str
    reachable: bool = True  # False when stsdeck came from a local folder or wheel, out of the CI's reach


def installed_requirement() -> Requirement:
    """How this stsdeck was installed, as a requirement: its git URL and commit, else its version."""
    try:
        direct = metadata.distribution("stsdeck").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    pinned = f"stsdeck=={__version__}"
    if not direct:
        return Requirement(pinned)
    origin = json.loads(direct)
    vcs = origin.get("vcs_info")
    if vcs:
        return Requirement(f"stsdeck @ {vcs['vcs']}+{origin['url']}@{vcs['commit_id']}")
    return Requirement(pinned, reachable=False)


def project_files(example: bool) -> dict[Path, Path]:
    """Each file of a new project (its path in the project) and the package file it is copied from."""
    files = _tree(FILES, Path()) | _tree(SCHEMAS, Path("schemas"))
    if example:
        return files | _tree(EXAMPLE_DATA, Path("data"))
    return files | _tree(SKELETON, Path("data")) | {Path("data", name): EXAMPLE_DATA / name for name in SHARED}


def _tree(source: Path, target: Path) -> dict[Path, Path]:
    return {target / path.relative_to(source): path for path in sorted(source.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


def new_project(folder: Path, example: bool, requirement: str) -> list[Path]:
    """Write a new project into `folder`, which must be new or empty; return the files written."""
    _refuse_used(folder)
    values = {"version": __version__, "requirement": requirement}
    written = []
    for relative, source in project_files(example).items():
        content = source.read_bytes()
        if relative.as_posix() in TEMPLATED:
            content = Template(content.decode("utf-8")).safe_substitute(values).encode("utf-8")
        written.append(_create(folder / relative, content))
    return written


def _refuse_used(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} existe déjà et n'est pas un dossier")
    if folder.is_dir() and any(folder.iterdir()):
        raise OutputError(f"le dossier {folder} n'est pas vide : stsdeck new n'écrit que dans un dossier "
                          "nouveau ou vide, pour ne rien remplacer")


def _create(path: Path, content: bytes) -> Path:
    """Write a new file; one that appeared meanwhile is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("xb") as file:
            file.write(content)
    except FileExistsError:
        raise OutputError(f"{path} existe déjà : rien n'a été remplacé") from None
    return path
