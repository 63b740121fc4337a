"""Benchmark of stsdeck builds against the R officer peer, paired in one run: medians and ratios.

Run: .venv/bin/python bench/run.py [--repeat 5] [--peer-work /tmp/officer-peer]
Each case runs `repeat` times through GNU time (wall, user + system CPU of the whole process tree,
peak memory of its largest process). The cold builds alternate with the peer's cold render (R
officer + flextable + metafor + ggplot2, LibreOffice for its PDF), in turn first and second, so
that both meet the same machine load; the ratios are those of the medians.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.factory import make_dataset  # noqa: E402  (the tests' synthetic dataset generator)
from stsdeck.resources import EXAMPLE_DATA  # noqa: E402

STSDECK = [sys.executable, "-m", "stsdeck", "build", "--quiet"]
PEER = Path("shared/peers/officer/render.sh")


@dataclass(frozen=True)
class Run:
    """One command's wall time and CPU time (s) and its largest process's peak memory (MiB)."""

    wall: float
    cpu: float
    peak_mib: float


def timed(command: list[str]) -> Run:
    """`command` run once through GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        result = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%e %U %S %M", *command],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise SystemExit(f"échec : {' '.join(command)}\n{result.stderr}")
        wall, user, system, peak = report.read().split()[-4:]
    return Run(float(wall), float(user) + float(system), int(peak) / 1024)


def median(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "peak_mib")))


def repeated(repeat: int, prepare: Callable[[int], None], command: Callable[[int], list[str]]) -> Run:
    """Median of `repeat` runs, `prepare(i)` before each (not timed)."""
    runs = []
    for index in range(repeat):
        prepare(index)
        runs.append(timed(command(index)))
    return median(runs)


def paired(repeat: int, ours: Callable[[int], list[str]], theirs: Callable[[int], list[str]],
           prepare: Callable[[int], None]) -> tuple[Run, Run]:
    """Medians of `ours` and `theirs`, run in pairs, each pair in the other order than the last."""
    mine, peer = [], []
    for index in range(repeat):
        prepare(index)
        order = [(mine, ours), (peer, theirs)] if index % 2 == 0 else [(peer, theirs), (mine, ours)]
        for runs, command in order:
            runs.append(timed(command(index)))
    return median(mine), median(peer)


def build(data: Path, out: Path, *extra: str) -> list[str]:
    return [*STSDECK, "--data", str(data), "--out", str(out), *extra]


def edit_number(data: Path, index: int) -> None:
    """Delaney's 5-year local control (cell and value), 92 % and 93 % in turn: figures, two charts,
    two slides and both outputs change."""
    path = data / "studies" / "delaney-2003.yaml"
    old, new = (92, 93) if index % 2 == 0 else (93, 92)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'local_control: "{old}%', f'local_control: "{new}%')
                    .replace(f"  pct: {old}\n  years: 5", f"  pct: {new}\n  years: 5"), encoding="utf-8")


def edit_text(data: Path, index: int) -> None:
    """A word of one table cell: one slide's text changes, figures and charts do not."""
    path = data / "studies" / "delaney-2003.yaml"
    old, new = ("Moy = 85%", "Moy. = 85%") if index % 2 == 0 else ("Moy. = 85%", "Moy = 85%")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def watched_edits(data: Path, out: Path, repeat: int) -> Run:
    """One number edited (edit_number) under `build --watch`, `repeat` times: the median wall time
    from the file's write to the rebuild's summary line, and the CPU time of the watching process and
    its workers over that span; its peak memory."""
    command = [sys.executable, "-m", "stsdeck", "build", "--watch", "--data", str(data), "--out", str(out)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines = iter(child.stdout or ())
    try:
        next(line for line in lines if line.startswith("Surveillance de"))  # first build done, libraries loaded
        runs, shift = [], int('local_control: "93%' in (data / "studies" / "delaney-2003.yaml").read_text("utf-8"))
        for index in range(repeat):
            time.sleep(1.0)
            cpu, start = _tree_cpu(child.pid), time.perf_counter()
            edit_number(data, index + shift)
            next(line for line in lines if "étude(s) ajoutée(s)" in line)
            runs.append(Run(time.perf_counter() - start, _tree_cpu(child.pid) - cpu, _peak_mib(child.pid)))
    finally:
        child.terminate()
        child.wait(30)
    return median(runs)


def _tree_cpu(pid: int) -> float:
    """User + system CPU seconds of process `pid` and of its children it has waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _peak_mib(pid: int) -> float:
    line = next(l for l in Path(f"/proc/{pid}/status").read_text().splitlines() if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def peer_script() -> Path | None:
    """The officer peer's render.sh, in a `shared/` folder beside the checkout or above it."""
    return next((p / PEER for p in ROOT.parents if (p / PEER).is_file()), None)


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"{platform.machine()}, {model}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
            f"charge moyenne au départ {load}")


@dataclass(frozen=True)
class Line:
    """One printed row: a measure, its run, and optionally the peer's run and a ratio target."""

    name: str
    run: Run
    peer: Run | None = None
    target: str = ""


def show(lines: list[Line]) -> None:
    print("| mesure (médiane) | mur | CPU | pic mémoire | pair : mur / CPU | rapport mur / CPU | cible |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for line in lines:
        r, p = line.run, line.peer
        peer = f"{p.wall:.2f} s / {p.cpu:.2f} s" if p else ""
        ratio = f"{r.wall / p.wall:.2f} / {r.cpu / p.cpu:.2f}" if p else ""
        print(f"| {line.name} | {r.wall:.2f} s | {r.cpu:.2f} s | {r.peak_mib:.0f} Mio | {peer} | {ratio} | {line.target} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-work", type=Path, default=Path("/tmp/officer-peer"),
                        help="dossier de travail du pair, tel que donné à setup.sh")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "src" / "stsdeck"), quiet=1)  # as an installed wheel is: bytecode ready
    repeat, script = args.repeat, peer_script()
    has_peer = script is not None and shutil.which("Rscript") and (args.peer_work / "officer-template.pptx").is_file()
    tmp = Path(tempfile.mkdtemp(prefix="stsdeck-bench-"))
    data = tmp / "data"
    shutil.copytree(EXAMPLE_DATA, data)
    fresh = lambda name: lambda i: shutil.rmtree(tmp / f"{name}{i}", ignore_errors=True)  # noqa: E731
    print(f"Machine : {machine()} ; médianes de {repeat} exécutions\n")
    lines: list[Line] = []
    for name, extra, want in (("PPTX + PDF", (), ["pdf"]), ("PPTX seul", ("--format", "pptx"), [])):
        key = "cold" if not extra else "pptx"
        ours = lambda i, k=key, e=extra: build(data, tmp / f"{k}{i}", *e)  # noqa: E731
        if has_peer:
            theirs = lambda i, w=want: ["bash", str(script), str(args.peer_work), str(tmp / "peer-out"), *w]  # noqa: E731
            mine, peer = paired(repeat, ours, theirs, fresh(key))
            target = "≤ 0,6 × mur et ≤ 0,8 × CPU du pair" if not extra else "≤ 0,3 × mur du pair"
            lines.append(Line(f"à froid, {name}", mine, peer, target))
        else:
            lines.append(Line(f"à froid, {name} (pair absent)", repeated(repeat, fresh(key), ours)))
    cold = lines[0].run
    warm = tmp / "warm"
    timed(build(data, warm))
    lines.append(_with_ratio(Line("rien n'a changé", repeated(repeat, lambda i: None, lambda i: build(data, warm))),
                             cold, 0.05))
    lines.append(_with_ratio(Line("un texte modifié (chiffres et graphiques repris)",
                                  repeated(repeat, lambda i: edit_text(data, i), lambda i: build(data, warm))), cold, None))
    lines.append(_with_ratio(Line("un chiffre modifié (chiffres, 2 graphiques, PDF, PPTX)",
                                  repeated(repeat, lambda i: edit_number(data, i), lambda i: build(data, warm))), cold, 0.3))
    lines.append(_with_ratio(Line("un chiffre modifié, sous build --watch (de l'enregistrement au résumé)",
                                  watched_edits(data, tmp / "watch", repeat)), cold, 0.3))
    sizes = {}
    for count in (50, 500):
        synthetic = make_dataset(tmp / f"synthetic{count}", count)
        runs = max(1, repeat // 2) if count == 500 else repeat
        sizes[count] = repeated(runs, fresh(f"s{count}"), lambda i, s=synthetic, c=count: build(s, tmp / f"s{c}{i}"))
        lines.append(Line(f"{count} études synthétiques, à froid", sizes[count],
                          target="≤ 500 Mio" if count == 500 else ""))
    show(lines)
    print(f"\nrapport 500 / 50 études : {sizes[500].wall / sizes[50].wall:.1f} (mur), "
          f"{sizes[500].cpu / sizes[50].cpu:.1f} (CPU) ; cible ≤ 12")
    shutil.rmtree(tmp, ignore_errors=True)


def _with_ratio(line: Line, cold: Run, target: float | None) -> Line:
    """`line` with its wall time as a fraction of the cold build's in its target column."""
    share = f"{line.run.wall / cold.wall:.3f} × froid"
    wanted = f" (cible ≤ {target:g} × froid)".replace(".", ",") if target is not None else ""
    return Line(line.name, line.run, None, share + wanted)


if __name__ == "__main__":
    main()
