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
    dataset = load_dataset(DATA)
    tasks = plan(dataset, load_theme(), ("pptx", "pdf"), tmp_path, "d")
    assert lanes(tasks) == {
        **{f"figures:{c.key}": CHARTS for c in dataset.categories}, "figures": HERE,
        "chart:pathological_response": CHARTS, "chart:toxicity": CHARTS,
        "chart:evidence_map": CHARTS, "chart:lc_vs_eqd2": CHARTS, "chart:local_control": CHARTS,
        "layout": HERE, "slides": HERE, "pptx": HERE,
        "pdf:load:0": FIGURES_PDF, "pdf:ahead:0": FIGURES_PDF, **{f"pdf:chart:{k}": FIGURES_PDF for k in (
            "pathological_response", "toxicity", "evidence_map", "lc_vs_eqd2", "local_control")}, "pdf": FIGURES_PDF}
    assert [t.name for t in tasks if t.lane == FIGURES_PDF][-6:-1] == [
        f"pdf:chart:{t.name.split(':')[1]}" for t in tasks if t.lane == CHARTS and t.name.startswith("chart:")]
    assert [t.name for t in tasks if t.needs == ("figures",)] == ["chart:local_control", "layout"]
    assert {t.output for t in tasks if t.output} == {"rtct-stm.pptx", "rtct-stm.pdf"}
    assert all(t.cache.startswith(".stsdeck-cache/") and t.store for t in tasks if t.lane == CHARTS
               or t.name.startswith("figures:"))
    assert describe(tasks) == "Calcul et rendu : chiffres, 5 graphique(s), mise en page, PPTX, PDF"


def test_without_a_pdf_the_figures_are_computed_beside_the_charts(tmp_path: Path) -> None:
    tasks = plan(load_dataset(DATA), load_theme(), ("pptx",), tmp_path, "d")
    assert {t.lane for t in tasks if t.name.startswith("figures:")} == {FIGURES_PDF}
    assert {t.lane for t in tasks if t.name.startswith("chart:")} == {CHARTS}


def test_a_second_plan_reads_figures_and_charts_from_the_cache(tmp_path: Path) -> None:
    build(BuildConfig(DATA, tmp_path, ("pptx",)))
    tasks = plan(load_dataset(DATA), load_theme(), ("pptx",), tmp_path, "d")
    assert set(lanes(tasks).values()) == {HERE}
    assert all(t.store is None for t in tasks)
    assert describe(tasks) == "Calcul et rendu : mise en page, PPTX (repris du cache : chiffres, 5 graphique(s))"
    assert lanes(tasks)["figures"] == HERE and tasks[0].args[0][0].category == load_dataset(DATA).categories[0].key
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
    assert seen == {CHARTS: ["matplotlib", "pandas", "scipy", "statsmodels"], FIGURES_PDF: ["weasyprint"], HERE: []}


def test_an_edit_in_a_category_without_pooling_recomputes_it_alone_without_statsmodels(tmp_path: Path) -> None:
    """Delaney 2003 is in the split-course category, 2 independent studies: nothing to pool."""
    import shutil
    import subprocess

    from .conftest import ROOT

    data, out, log = tmp_path / "data", tmp_path / "out", tmp_path / "loaded.jsonl"
    shutil.copytree(DATA, data)
    build(BuildConfig(data, out, ("pptx",)))
    study = data / "studies" / "delaney-2003.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("  pct: 92\n  years: 5", "  pct: 93\n  years: 5")
                     .replace('local_control: "92%', 'local_control: "93%'), encoding="utf-8")
    dataset = load_dataset(data)
    tasks = plan(dataset, load_theme(), ("pptx",), out, "d")
    assert [t.name for t in tasks if t.name.startswith("figures:") and t.store] == ["figures:split-course"]
    assert describe(tasks).startswith("Calcul et rendu : chiffres de 1 catégorie(s), 2 graphique(s), mise en page")
    subprocess.run([sys.executable, "-c", NOTED_BUILD, str(log), str(data), str(out)],
                   cwd=ROOT, check=True, capture_output=True, timeout=240)
    seen = dict(json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    assert "statsmodels" not in seen[CHARTS] and "scipy" not in seen[CHARTS]
    # the rebuilt figures were cached: a third plan computes none
    assert all(t.store is None for t in plan(dataset, load_theme(), ("pptx",), out, "d") if t.name.startswith("fig"))


def test_a_long_review_shares_its_pdf_between_both_workers(tmp_path: Path) -> None:
    from stsdeck.plan import LONG_REVIEW

    from .factory import make_dataset

    data = make_dataset(tmp_path / "data", LONG_REVIEW, long_cells=False)
    tasks = {task.name: task for task in plan(load_dataset(data), load_theme(), ("pdf",), tmp_path, "d")}
    assert (tasks["pdf:ahead:0"].lane, tasks["pdf:ahead:1"].lane, tasks["pdf"].lane) == (FIGURES_PDF, CHARTS, FIGURES_PDF)
    assert tasks["pdf"].needs[:3] == ("slides", "pdf:ahead:0", "pdf:ahead:1") and tasks["pdf"].output == "rtct-stm.pdf"
    charts = [name for name, task in tasks.items() if task.lane == CHARTS]
    assert charts.index("pdf:load:1") > max(charts.index(name) for name in charts if name.startswith("chart:"))
