"""Shared fixtures: the repository's data, a built default deck, small synthetic datasets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stsdeck.build import BuildConfig, build
from stsdeck.resources import EXAMPLE_DATA

ROOT = Path(__file__).resolve().parents[1]
DATA = EXAMPLE_DATA


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default deck built once into a temporary folder: {'pptx': path, 'pdf': path}."""
    out = tmp_path_factory.mktemp("build")
    paths = build(BuildConfig(DATA, out)).written
    return {p.suffix.lstrip("."): p for p in paths}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the default dataset."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def office_rendering(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default deck's PPTX as LibreOffice renders it (a PDF), converted once per test session."""
    from .rendering import office_pdf

    return office_pdf(built["pptx"], tmp_path_factory.mktemp("office"))
