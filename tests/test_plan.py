"""The plan: made before anything runs, cached results read while planning, each library loaded
only in the process whose tasks use it."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from stsdeck.build import BuildConfig, build
from stsdeck.execute import HERE
from stsdeck.plan import CHARTS, FIGURES_PDF, Task, describe, plan
from stsdeck.themes import load_theme
from stsdeck.validate import load_dataset

from .conftest import DATA

HEAVY = ("matplotlib", "statsmodels", "pandas", "scipy", "weasyprint")


def lanes(tasks: list[Task]) -> dict[str, str]:
    return {task.name: task.lane for task in tasks}


def test_a_cold_plan_puts_each_library_in_one_lane(tmp_path: Path) -> None:
    tasks = plan(load_dataset(DATA), load_theme(), ("pptx", "pdf"), tmp_path, "d")
    assert lanes(tasks) == {
        "figures": FIGURES_PDF, "chart:pathological_response": CHARTS, "chart:toxicity": CHARTS,
        "chart:evidence_map": CHARTS, "chart:lc_vs_eqd2": CHARTS, "chart:local_control": CHARTS,
        "layout": HERE, "slides": HERE, "pptx": HERE,
        "pdf:load:0": FIGURES_PDF, "pdf:ahead:0": FIGURES_PDF, "pdf": FIGURES_PDF}
    assert [t.name for t in tasks if t.needs == ("figures",)] == ["chart:local_control", "layout"]
    assert {t.output for t in tasks if t.output} == {"rtct-stm.pptx", "rtct-stm.pdf"}
    assert all(t.cache.startswith(".stsdeck-cache/") and t.store for t in tasks if t.lane in (CHARTS, "figures"))
    assert describe(tasks) == "Calcul et rendu : chiffres, 5 graphique(s), mise en page, PPTX, PDF"


def test_a_second_plan_reads_figures_and_charts_from_the_cache(tmp_path: Path) -> None:
    build(BuildConfig(DATA, tmp_path, ("pptx",)))
    tasks = plan(load_dataset(DATA), load_theme(), ("pptx",), tmp_path, "d")
    assert set(lanes(tasks).values()) == {HERE}
    assert all(t.store is None for t in tasks)
    assert describe(tasks) == "Calcul et rendu : mise en page, PPTX (repris du cache : chiffres, 5 graphique(s))"
    pdf = plan(load_dataset(DATA), load_theme(), ("pptx", "pdf"), tmp_path, "d")
    assert [t.name for t in pdf if t.lane == CHARTS] == [f"chart:{k}" for k in (
        "pathological_response", "toxicity", "evidence_map", "lc_vs_eqd2", "local_control")]  # SVGs not drawn yet


def noting_libraries(task: Task, log: Path) -> Task:
    """`task`, noting in `log` the heavy libraries its process has loaded by its end."""
    def run(*args: Any, _run=task.run) -> Any:
        result = _run(*args)
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps([task.lane, sorted({n.split(".")[0] for n in sys.modules} & set(HEAVY))]) + "\n")
        return result

    return dataclasses.replace(task, run=run)


NOTED_BUILD = """
import sys
from pathlib import Path
import stsdeck.build as stages
from tests.test_plan import noting_libraries
log, planned = Path(sys.argv[1]), stages.plan
stages.plan = lambda *a: [noting_libraries(t, log) for t in planned(*a)]
stages.build(stages.BuildConfig(Path(sys.argv[2]), Path(sys.argv[3])))
"""


def test_each_process_loads_only_the_libraries_of_its_tasks(tmp_path: Path) -> None:
    """In a fresh interpreter: this one may have loaded them, and forked workers would inherit them."""
    import subprocess

    from .conftest import ROOT

    log = tmp_path / "loaded.jsonl"
    subprocess.run([sys.executable, "-c", NOTED_BUILD, str(log), str(DATA), str(tmp_path / "out")],
                   cwd=ROOT, check=True, capture_output=True, timeout=240)
    seen = dict(json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    assert seen == {CHARTS: ["matplotlib"], FIGURES_PDF: ["pandas", "scipy", "statsmodels", "weasyprint"], HERE: []}


def test_a_long_review_shares_its_pdf_between_both_workers(tmp_path: Path) -> None:
    from stsdeck.plan import LONG_REVIEW

    from .factory import make_dataset

    data = make_dataset(tmp_path / "data", LONG_REVIEW, long_cells=False)
    tasks = {task.name: task for task in plan(load_dataset(data), load_theme(), ("pdf",), tmp_path, "d")}
    assert (tasks["pdf:0"].lane, tasks["pdf:1"].lane, tasks["pdf"].lane) == (FIGURES_PDF, CHARTS, HERE)
    assert tasks["pdf"].needs == ("pdf:0", "pdf:1") and tasks["pdf"].output == "rtct-stm.pdf"
    charts = [name for name, task in tasks.items() if task.lane == CHARTS]
    assert charts.index("pdf:load:1") > max(charts.index(name) for name in charts if name.startswith("chart:"))
