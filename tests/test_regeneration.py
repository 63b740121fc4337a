"""Regeneration: nothing changed renders nothing, one edit shows, CHANGES.md, kills and races are safe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pptx import Presentation
from pypdf import PdfReader

from stsdeck.build import BuildConfig, build
from stsdeck.manifest import CACHE_DIR

from .test_render_pptx import table_rows

STSDECK = [sys.executable, "-m", "stsdeck"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def valid_outputs(out: Path) -> None:
    assert len(Presentation(out / "rtct-stm.pptx").slides) == len(PdfReader(out / "rtct-stm.pdf").pages) > 10


def test_nothing_changed_renders_nothing(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(BuildConfig(data_copy, out))
    stamps = {p.name: p.stat().st_mtime_ns for p in first.written}
    second = build(BuildConfig(data_copy, out))
    assert second.skipped and second.written == ()
    assert {p.name: p.stat().st_mtime_ns for p in first.written} == stamps


def test_one_study_edit_reaches_the_outputs_and_changes_md(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildConfig(data_copy, out))
    delaney = data_copy / "studies" / "delaney-2003.yaml"
    edit(delaney, 'local_control: "92%\\n', 'local_control: "94%\\n')
    edit(delaney, "local_control:\n  pct: 92\n", "local_control:\n  pct: 94\n")
    report = build(BuildConfig(data_copy, out))
    assert not report.skipped
    rows = {row[0].replace("\n", " "): row for row in table_rows(Presentation(out / "rtct-stm.pptx"))}
    assert rows["Delaney and al. Int J Radiat Oncol Biol Phys, 2003"][9].startswith("94\u00a0%")
    assert "94\u00a0%" in " ".join(p.extract_text() for p in PdfReader(out / "rtct-stm.pdf").pages[:4])
    changes = (out / "CHANGES.md").read_text(encoding="utf-8")
    assert changes.startswith("# Modifications depuis la construction précédente\n\n"
                              "- Étude modifiée : `delaney-2003`\n"
                              "  - `cells.local_control` : 92% ⏎ (vs 86% groupe contrôle historique) → "
                              "94% ⏎ (vs 86% groupe contrôle historique)\n"
                              "  - `local_control.pct` : 92 → 94\n"
                              "- Chiffres recalculés : `split-course`\n")
    assert report.summary == ("0 étude(s) ajoutée(s), 0 retirée(s), 1 modifiée(s) ; "
                              "chiffres recalculés dans 1 catégorie(s)")


def test_a_text_only_edit_reuses_the_charts_and_figures(data_copy: Path, tmp_path: Path) -> None:
    """...and the PDF of every section but its own; the deck it makes is the very deck a first
    build of the edited data makes, byte for byte."""
    out = tmp_path / "out"
    build(BuildConfig(data_copy, out))
    cached = sorted((out / CACHE_DIR).iterdir())
    sections = len(cached) - 9
    assert [p.name.split("-")[0] for p in cached] == ["chart"] * 5 + ["figures"] * 4 + ["pdf"] * sections
    edit(data_copy / "studies" / "delaney-2003.yaml", "Pas de données sur la fibrose tardive",
         "Pas de données publiées sur la fibrose tardive")
    build(BuildConfig(data_copy, out))
    now = sorted((out / CACHE_DIR).iterdir())
    assert [p for p in now if not p.name.startswith("pdf-")] == [p for p in cached if not p.name.startswith("pdf-")]
    assert len(now) == len(cached) and len(set(now) - set(cached)) == 1  # one section rendered again, the old one gone
    assert "Pas de données publiées" in " ".join(PdfReader(out / "rtct-stm.pdf").pages[2].extract_text().split())
    build(BuildConfig(data_copy, tmp_path / "first"))
    for name in ("rtct-stm.pdf", "rtct-stm.pptx"):
        assert (out / name).read_bytes() == (tmp_path / "first" / name).read_bytes(), name


def test_a_build_killed_midway_leaves_the_previous_outputs_valid(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildConfig(data_copy, out, ("pptx", "pdf")))
    edit(data_copy / "studies" / "kraybill-2010.yaml", "77,8%", "77,8 %")
    for delay in (0.4, 1.2, 2.5):
        child = subprocess.Popen([*STSDECK, "build", "--quiet", "--data", str(data_copy), "--out", str(out)],
                                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        valid_outputs(out)
    build(BuildConfig(data_copy, out))
    valid_outputs(out)
    assert not list(out.rglob(".*.tmp"))


def test_two_parallel_builds_into_one_folder(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [*STSDECK, "build", "--data", str(data_copy), "--out", str(out)]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
    outputs = [child.communicate(timeout=240) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    assert sum("Rien à faire" in stdout for stdout, _ in outputs) == 1
    valid_outputs(out)


def test_watch_rebuilds_after_a_file_write(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    child = subprocess.Popen([*STSDECK, "build", "--watch", "--quiet", "--format", "pptx",
                              "--data", str(data_copy), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (out / "CHANGES.md").is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (out / "CHANGES.md").read_text(encoding="utf-8").endswith("Première construction : rien à comparer.\n")
        time.sleep(1.0)
        edit(data_copy / "studies" / "greto-2018.yaml", "SG = 64,6%", "SG = 64,6 %")
        while "greto-2018" not in (out / "CHANGES.md").read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "`greto-2018`" in (out / "CHANGES.md").read_text(encoding="utf-8")
    finally:
        child.terminate()
        child.wait(timeout=30)


def test_a_comment_added_to_a_study_changes_no_value_and_reuses_the_charts(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildConfig(data_copy, out, ("pptx",)))
    cached = sorted((out / CACHE_DIR).iterdir())
    path = data_copy / "studies" / "delaney-2003.yaml"
    path.write_text("# relu le 30/11\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    report = build(BuildConfig(data_copy, out, ("pptx",)))
    assert report.summary == ("0 étude(s) ajoutée(s), 0 retirée(s), 0 modifiée(s) ; "
                              "chiffres recalculés dans 0 catégorie(s)")
    assert (out / "CHANGES.md").read_text(encoding="utf-8").endswith(
        "Aucune modification des études ni des chiffres calculés.\n")
    assert sorted((out / CACHE_DIR).iterdir()) == cached


def test_a_small_number_edit_redraws_only_the_charts_that_show_it_and_is_listed(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(BuildConfig(data_copy, out, ("pptx",)))
    charts = set((out / CACHE_DIR).glob("chart-*"))
    figures = set((out / CACHE_DIR).glob("figures-*"))
    edit(data_copy / "studies" / "jebsen-2011.yaml", "dose_per_fraction_gy: 1.8", "dose_per_fraction_gy: 1.84")
    build(BuildConfig(data_copy, out, ("pptx",)))
    after = set((out / CACHE_DIR).glob("chart-*"))
    assert len(after) == len(charts) == 5
    assert len(after - charts) == 1  # the EQD2 chart only: a schedule is drawn nowhere else
    assert set((out / CACHE_DIR).glob("figures-*")) == figures  # the figures do not read schedules
    assert "  - `radiotherapy[0].dose_per_fraction_gy` : 1,8 → 1,84\n" in (out / "CHANGES.md").read_text(encoding="utf-8")


def test_a_data_folder_under_a_tilde_path_is_still_watched_for_changes(data_copy: Path, tmp_path: Path) -> None:
    import shutil

    data = Path(shutil.copytree(data_copy, tmp_path / "copie~1" / "data"))
    out = tmp_path / "out"
    build(BuildConfig(data, out, ("pptx",)))
    edit(data / "studies" / "greto-2018.yaml", "SG = 64,6%", "SG = 64,6 %")
    assert not build(BuildConfig(data, out, ("pptx",))).skipped


def test_an_output_folder_inside_the_data_is_not_an_input(data_copy: Path) -> None:
    out = data_copy / "build"
    build(BuildConfig(data_copy, out, ("pptx",)))
    assert build(BuildConfig(data_copy, out, ("pptx",))).skipped


def session_processes(session: int) -> list[int]:
    """Pids of the live processes of `session` (a build started in a session of its own)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def test_a_build_killed_mid_render_leaves_no_worker_and_the_next_build_starts_at_once(
        data_copy: Path, tmp_path: Path) -> None:
    """SIGKILL to the build's process alone (not its group): its workers die with it, none holds
    the output folder, and the next build neither waits nor fails."""
    out = tmp_path / "out"
    child = subprocess.Popen([*STSDECK, "build", "--quiet", "--data", str(data_copy), "--out", str(out)],
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(session_processes(child.pid)) < 3 and time.monotonic() < deadline:  # the build and its 2 workers
        time.sleep(0.05)
    assert len(session_processes(child.pid)) == 3
    time.sleep(1.0)  # figures, charts and the PDF under way
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    deadline = time.monotonic() + 10
    while session_processes(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_processes(child.pid) == []
    after = subprocess.run([*STSDECK, "build", "--quiet", "--data", str(data_copy), "--out", str(out)],
                           capture_output=True, text=True, timeout=240)
    assert after.returncode == 0, after.stderr
    assert "une autre construction est en cours" not in after.stderr
    valid_outputs(out)


def test_a_build_waiting_for_the_lock_says_who_holds_it(data_copy: Path, tmp_path: Path) -> None:
    from stsdeck.write import output_lock

    out = tmp_path / "out"
    with output_lock(out):
        child = subprocess.Popen([*STSDECK, "build", "--quiet", "--format", "pptx", "--data", str(data_copy),
                                  "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = child.stderr.readline()
        assert first == f"une autre construction est en cours (pid {os.getpid()}) ; attente de sa fin…\n"
        assert child.poll() is None
    _, rest = child.communicate(timeout=240)
    assert child.returncode == 0, rest
    assert (out / "rtct-stm.pptx").is_file()
