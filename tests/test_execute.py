"""The executor: fixed lanes, plan order, needs passed in, errors and timeouts stop every worker."""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any, Callable

import pytest

from stsdeck.errors import DataError, Problem, RenderError
from stsdeck.execute import HERE, execute
from stsdeck.plan import Task


def Job(name: str, lane: str, run: Callable[..., Any], args: tuple[Any, ...] = (), needs: tuple[str, ...] = (),
        label: str = "travail") -> Task:
    return Task(name, lane, run, args, needs, label)


def pid_and(*values: Any) -> tuple[int, tuple[Any, ...]]:
    return os.getpid(), values


def located_error() -> None:
    raise DataError([Problem("data/charts.yaml", 3, "titre", "libellé manquant")])


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def die() -> None:
    os._exit(3)


def test_each_lane_is_one_process_and_results_come_in_plan_order() -> None:
    jobs = [Job("b1", "b", pid_and, (1,)), Job("a1", "a", pid_and, (2,)), Job("here", HERE, pid_and, (3,), ("a1",)),
            Job("a2", "a", pid_and, (4,), ("b1", "here")), Job("b2", "b", pid_and, (5,))]
    results = execute(jobs, timeout_s=60)
    assert list(results) == ["b1", "a1", "here", "a2", "b2"]
    pids = {name: pid for name, (pid, _) in results.items()}
    assert pids["a1"] == pids["a2"] != pids["b1"] == pids["b2"]
    assert pids["here"] == os.getpid() not in (pids["a1"], pids["b1"])
    assert results["here"][1] == (3, results["a1"])
    assert results["a2"][1] == (4, results["b1"], results["here"])
    assert multiprocessing.active_children() == []


def test_a_workers_error_comes_back_located_and_stops_the_others() -> None:
    jobs = [Job("slow", "a", sleep, (60,)), Job("bad", "b", located_error)]
    start = time.monotonic()
    with pytest.raises(DataError) as caught:
        execute(jobs, timeout_s=120)
    assert time.monotonic() - start < 30
    assert str(caught.value) == "data/charts.yaml:3: titre: libellé manquant"
    assert multiprocessing.active_children() == []


def test_a_job_running_too_long_is_named_and_stopped() -> None:
    with pytest.raises(RenderError) as caught:
        execute([Job("quick", "a", sleep, (0,)), Job("hung", "b", sleep, (60,), label="rendu PDF")], timeout_s=1)
    assert str(caught.value) == ("rendu PDF interrompu : toujours en cours après 1 s ; "
                                 "les fichiers précédents sont conservés")
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_is_reported() -> None:
    with pytest.raises(RenderError) as caught:
        execute([Job("dies", "a", die, label="dessin des graphiques")], timeout_s=60)
    assert str(caught.value) == "dessin des graphiques : le processus de travail s'est arrêté (code 3)"


def test_a_need_missing_from_the_plan_is_a_plain_error() -> None:
    with pytest.raises(RuntimeError, match="attendent une tâche absente"):
        execute([Job("orphan", "a", pid_and, (), ("nowhere",))], timeout_s=60)


def blas_threads() -> tuple[str | None, ...]:
    return tuple(os.environ.get(name) for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"))


def test_workers_load_numpys_blas_with_one_thread_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    results = execute([Job("worker", "a", blas_threads), Job("here", HERE, blas_threads)], timeout_s=60)
    assert results["worker"] == ("1", "1", "2")
    assert results["here"] == (None, None, "2")  # the build's own process and its caller untouched


def frozen_count() -> int:
    import gc

    return gc.get_freeze_count()


def test_the_builds_objects_are_frozen_for_the_workers_only() -> None:
    import gc

    results = execute([Job("worker", "a", frozen_count)], timeout_s=60)
    assert results["worker"] > 1000  # the build's objects, out of the worker's collections
    assert gc.get_freeze_count() == 0  # and collected again in the build's process
