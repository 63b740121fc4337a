"""Benchmark of stsdeck builds (medians), with the pandoc + LibreOffice pipeline as a peer.

Run: .venv/bin/python bench/run.py [--repeat 5]
Prints medians of: cold full build, PPTX only, nothing changed, one study edited (a number, then
a text only), 50 and 500 synthetic studies, peak memory; and, where pandoc and soffice exist, the
peer pipeline on the same content and the ratio.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.factory import make_dataset  # noqa: E402  (the tests' synthetic dataset generator)
from stsdeck.resources import EXAMPLE_DATA  # noqa: E402

STSDECK = [sys.executable, "-m", "stsdeck", "build", "--quiet"]


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak memory (KiB) of one command, through GNU time."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"échec : {' '.join(command)}\n{result.stderr}")
    return elapsed, int(result.stderr.strip().splitlines()[-1])


def median_of(repeat: int, prepare, command) -> tuple[float, int]:
    """Median time and peak memory over `repeat` runs, `prepare()` before each."""
    runs = []
    for index in range(repeat):
        prepare(index)
        runs.append(timed(command(index)))
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def build(data: Path, out: Path, *extra: str) -> list[str]:
    return [*STSDECK, "--data", str(data), "--out", str(out), *extra]


def edit_number(data: Path, index: int) -> None:
    """Change Delaney's local control (cell and value) to a new number."""
    path = data / "studies" / "delaney-2003.yaml"
    text = path.read_text(encoding="utf-8")
    old = 92 + index % 2 if index else 92
    new = 93 - index % 2 if index else 93
    path.write_text(text.replace(f'local_control: "{old}%', f'local_control: "{new}%')
                    .replace(f"  pct: {old}\n  years: 5", f"  pct: {new}\n  years: 5"), encoding="utf-8")


def edit_text(data: Path, index: int) -> None:
    path = data / "studies" / "delaney-2003.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Moy = 85%", f"Moy = 85% ({index})") if index == 0
                    else text.replace(f"({index - 1})", f"({index})"), encoding="utf-8")


LIBRARIES = {  # what a cold build must load, whatever it does with it
    "statsmodels (méta-analyse, exigée par le ticket 3)": "from statsmodels.stats.meta_analysis import combine_effects",
    "matplotlib (graphiques)": "import matplotlib; matplotlib.use('Agg'); import matplotlib.figure",
    "WeasyPrint (PDF)": "import weasyprint",
    "python-pptx (PPTX)": "import pptx",
}


def import_times(repeat: int) -> dict[str, float]:
    """Median time to import each library in a fresh interpreter, minus an empty interpreter's."""
    def median_run(code: str) -> float:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    empty = median_run("pass")
    return {name: median_run(code) - empty for name, code in LIBRARIES.items()}


def peer(tmp: Path, repeat: int) -> float | None:
    """pandoc markdown -> pptx, then soffice pptx -> pdf, on the default deck's content."""
    if not (shutil.which("pandoc") and shutil.which("soffice")):
        return None
    from stsdeck.validate import load_dataset

    dataset = load_dataset(EXAMPLE_DATA)
    lines = [f"% {dataset.info.title}", ""]
    for section in (dataset.context,):
        lines += [f"# {section.title}", ""] + [f"- {b.text}" for b in section.bullets] + [""]
    for category in dataset.categories:
        header = "| " + " | ".join(dataset.info.columns) + " |"
        lines += [f"# {category.title}", "", header, "|" + "---|" * len(dataset.info.columns)]
        lines += ["| " + " | ".join(c.replace("\n", " ").replace("|", "/") for c in s.cells.in_order()) + " |"
                  for s in category.studies]
        lines += ["", f"# {category.title}", ""] + [f"- {b.text}" for b in category.synthesis] + [""]
    lines += [f"# {dataset.trials_title}", ""] + [f"- {t.title}" for t in dataset.trials] + [""]
    markdown = tmp / "peer.md"
    markdown.write_text("\n".join(lines), encoding="utf-8")
    profile = (tmp / "lo-profile").as_uri()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(["pandoc", str(markdown), "-o", str(tmp / "peer.pptx")], check=True)
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(tmp / "peer.pptx")], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    tmp = Path(tempfile.mkdtemp(prefix="stsdeck-bench-"))
    data = tmp / "data"
    shutil.copytree(EXAMPLE_DATA, data)
    results: dict[str, tuple[float, int]] = {}
    fresh = lambda name: lambda i: shutil.rmtree(tmp / f"{name}{i}", ignore_errors=True)  # noqa: E731
    results["construction complète à froid (PPTX + PDF)"] = median_of(
        repeat, fresh("cold"), lambda i: build(data, tmp / f"cold{i}"))
    results["PPTX seul, à froid"] = median_of(repeat, fresh("pptx"), lambda i: build(data, tmp / f"pptx{i}", "--format", "pptx"))
    warm = tmp / "warm"
    timed(build(data, warm))
    results["rien n'a changé"] = median_of(repeat, lambda i: None, lambda i: build(data, warm))
    results["une étude modifiée (un chiffre : graphiques redessinés)"] = median_of(
        repeat, lambda i: edit_number(data, i), lambda i: build(data, warm))
    results["une étude modifiée (texte seul : graphiques réutilisés)"] = median_of(
        repeat, lambda i: edit_text(data, i), lambda i: build(data, warm))
    for count in (50, 500):
        synthetic = make_dataset(tmp / f"synthetic{count}", count)
        results[f"{count} études synthétiques, à froid"] = median_of(
            max(1, repeat // 2 if count == 500 else repeat), fresh(f"s{count}"),
            lambda i, s=synthetic, c=count: build(s, tmp / f"s{c}{i}"))
    print(f"Machine : {platform.machine()}, {platform.processor() or '?'}, Python {platform.python_version()}, "
          f"{__import__('os').cpu_count()} cœurs ; médianes de {repeat} exécutions")
    for name, (seconds, peak) in results.items():
        print(f"  {name:58s} {seconds:6.2f} s   pic mémoire {peak / 1024:6.0f} Mo")
    ratio = results["500 études synthétiques, à froid"][0] / results["50 études synthétiques, à froid"][0]
    print(f"  rapport 500 / 50 études : {ratio:.1f} (cible ≤ 12)")
    print("  imports incompressibles (interpréteur neuf, médiane) :")
    for name, seconds in import_times(repeat).items():
        print(f"    {name:56s} {seconds:6.2f} s")
    peer_time = peer(tmp, repeat)
    if peer_time is None:
        print("  pipeline pair (pandoc + soffice) : non mesuré (pandoc ou LibreOffice absent)")
    else:
        own = results["construction complète à froid (PPTX + PDF)"][0]
        print(f"  pipeline pair pandoc md→pptx + soffice pptx→pdf : {peer_time:.2f} s ; "
              f"stsdeck / pair = {own / peer_time:.2f}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
