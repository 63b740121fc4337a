"""Faults around a build: read-only folder, full disk, a reader holding the output open, a hung renderer.
Each gets one clear French message, exit code 1, and leaves the previous outputs as they were."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from stsdeck.build import BuildConfig
from stsdeck.cli import build_once, reported

from .factory import make_dataset

SLUG = "rtct-stm"
PREVIOUS = {f"{SLUG}.pptx": b"previous deck " * 1000, f"{SLUG}.pdf": b"%PDF previous " * 1000,
            "CHANGES.md": b"previous changes\n"}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A three-study dataset: quick to build."""
    return make_dataset(tmp_path / "data", 3, long_cells=False)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder holding an earlier build's files (and its lock file)."""
    folder = tmp_path / "out"
    folder.mkdir()
    for name, data in PREVIOUS.items():
        (folder / name).write_bytes(data)
    (folder / ".stsdeck.lock").touch()
    return folder


def visible(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def build_cli(config: BuildConfig, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Exit code and stderr lines of `stsdeck build` with `config`."""
    code = reported(lambda: build_once(config))
    return code, capsys.readouterr().err.splitlines()


def chmod_stops_writes(folder: Path) -> bool:
    """False when running as root, where a read-only folder can still be written."""
    probe = folder / "probe"
    try:
        probe.write_bytes(b"")
    except PermissionError:
        return True
    probe.unlink()
    return False


def test_read_only_output_folder(small: Path, out: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    out.chmod(0o555)
    try:
        if not chmod_stops_writes(out):
            def refused(*args: object, **kwargs: object) -> None:
                raise PermissionError(13)
            monkeypatch.setattr("stsdeck.write.tempfile.mkstemp", refused)
        code, err = build_cli(BuildConfig(small, out), capsys)
    finally:
        out.chmod(0o755)
    assert code == 1
    assert err == [f"erreur : {out}/.stsdeck-cache: dossier de sortie non inscriptible (permission refusée)"]
    assert visible(out) == PREVIOUS


def test_disk_full_while_writing_the_pdf_keeps_every_previous_output(
        small: Path, out: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if f".{SLUG}.pdf." in os.readlink(f"/proc/self/fd/{fd}"):  # the PPTX was written before it
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    code, err = build_cli(BuildConfig(small, out), capsys)
    assert code == 1
    assert err == [f"erreur : {out}/{SLUG}.pdf: écriture impossible (disque plein)"]
    assert visible(out) == PREVIOUS
    assert not list(out.rglob("*.tmp"))


def test_a_reader_holding_the_pdf_keeps_reading_the_old_bytes(small: Path, out: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    with open(out / f"{SLUG}.pdf", "rb") as reader:
        head = reader.read(100)
        code, _ = build_cli(BuildConfig(small, out), capsys)
        assert code == 0
        assert head + reader.read() == PREVIOUS[f"{SLUG}.pdf"]
    assert len(PdfReader(out / f"{SLUG}.pdf").pages) > 3


def hang(*args: object, **kwargs: object) -> bytes:
    """A PDF renderer that never finishes (module level: the worker process finds it by name)."""
    time.sleep(60)
    return b""


def test_a_hung_renderer_is_stopped_and_nothing_is_written(small: Path, out: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("stsdeck.render.pdf.rendered_parts", hang)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # even on one core the PDF renders in a guarded worker
    start = time.monotonic()
    code, err = build_cli(BuildConfig(small, out, timeout_s=8), capsys)  # each task has 8 s
    assert time.monotonic() - start < 30
    assert code == 1
    assert err == ["erreur : rendu PDF interrompu : toujours en cours après 8 s ; les fichiers précédents sont conservés"]
    assert visible(out) == PREVIOUS



def test_a_build_failing_while_the_pdf_renders_stops_its_workers(data_copy: Path, out: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The text slides' PDF is laid out before the charts are drawn; a chart label that cannot be
    filled in fails the build then: the workers are stopped at once and the error reads as written."""
    import multiprocessing

    monkeypatch.setattr("stsdeck.render.pdf.rendered_parts", hang)
    labels = data_copy / "charts.yaml"
    labels.write_text(labels.read_text(encoding="utf-8").replace(
        'soins de support (G-CSF) exclus"', 'soins de support (G-CSF) exclus {zzz}"'), encoding="utf-8")
    start = time.monotonic()
    code, err = build_cli(BuildConfig(data_copy, out), capsys)
    assert code == 1 and time.monotonic() - start < 30
    assert "data/charts.yaml: zzz: libellé manquant, ou champ entre accolades inconnu" in "\n".join(err)
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert multiprocessing.active_children() == []
    assert visible(out) == PREVIOUS
