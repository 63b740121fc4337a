"""Run a plan's tasks, each in its lane (one worker process per lane, bound to the build), in plan
order within each lane, a task as soon as those it needs are done; results in plan order."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from .errors import RenderError

HERE = ""  # the lane of tasks run in the build's own process
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): a signal for this process when its parent dies
# numpy's BLAS starts a thread per core when it loads, and they spin: a third more CPU to import
# statsmodels or matplotlib in a worker, for matrices of a few dozen values. One thread in each
# worker, unless the user chose otherwise.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


class Job(Protocol):
    """What the executor reads of a task: nothing about decks."""

    name: str
    lane: str
    run: Callable[..., Any]
    args: tuple[Any, ...]
    needs: tuple[str, ...]
    label: str


def execute(jobs: Sequence[Job], timeout_s: float) -> dict[str, Any]:
    """Every job's result by name, in plan order: `job.run(*job.args, *results of job.needs)`. A job
    still running after `timeout_s` stops the build (RenderError); so does a job's error, re-raised
    here. Either way, and when this process dies, every worker dies with it."""
    with _Lanes(jobs) as lanes:
        return lanes.run(timeout_s)


class _Worker:
    """One lane's process: forked with the plan in its memory, it receives a job's index and the
    results it needs, and answers with the result or the error."""

    def __init__(self, jobs: Sequence[Job], indexes: list[int]) -> None:
        from multiprocessing import get_context

        context = get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, jobs, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.queue = deque(indexes)
        self.busy: int | None = None
        self.since = 0.0

    def send(self, index: int, inputs: tuple[Any, ...]) -> None:
        self.conn.send((index, inputs))
        self.queue.popleft()
        self.busy, self.since = index, time.monotonic()

    def receive(self, label: str) -> tuple[bool, Any]:
        try:
            answer = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise RenderError(f"{label} : le processus de travail s'est arrêté (code {self.process.exitcode})")
        self.busy = None
        return answer

    def stop(self, kill: bool) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Lanes:
    """The plan's lanes: a worker process for each named lane, this process for HERE."""

    def __init__(self, jobs: Sequence[Job]) -> None:
        self.jobs = list(jobs)
        self.index = {job.name: i for i, job in enumerate(self.jobs)}
        self.here = deque(i for i, job in enumerate(self.jobs) if job.lane == HERE)
        self.workers: list[_Worker] = []
        self.results: dict[str, Any] = {}

    def __enter__(self) -> _Lanes:
        import gc

        sys.stdout.flush()
        sys.stderr.flush()
        lanes = dict.fromkeys(job.lane for job in self.jobs if job.lane != HERE)
        gc.freeze()  # the build's objects out of the workers' collections: none copied by them, less to scan
        try:
            for lane in lanes:
                self.workers.append(_Worker(self.jobs, [i for i, job in enumerate(self.jobs) if job.lane == lane]))
        except BaseException:
            self.__exit__(RuntimeError)
            raise
        finally:
            gc.unfreeze()  # collected again here, in the build's process
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        for worker in self.workers:
            worker.stop(kill=kind is not None or worker.busy is not None)

    def run(self, timeout_s: float) -> dict[str, Any]:
        while len(self.results) < len(self.jobs):
            self._send_ready()
            if self.here and self._ready(self.here[0]):
                job = self.jobs[self.here.popleft()]
                self.results[job.name] = job.run(*job.args, *self._inputs(job))
            else:
                self._wait(timeout_s)
        return {job.name: self.results[job.name] for job in self.jobs}

    def _ready(self, index: int) -> bool:
        return all(need in self.results for need in self.jobs[index].needs)

    def _inputs(self, job: Job) -> tuple[Any, ...]:
        return tuple(self.results[need] for need in job.needs)

    def _send_ready(self) -> None:
        for worker in self.workers:
            if worker.busy is None and worker.queue and self._ready(worker.queue[0]):
                worker.send(worker.queue[0], self._inputs(self.jobs[worker.queue[0]]))

    def _wait(self, timeout_s: float) -> None:
        """Take the next answer of a busy worker; stop the build once a job has run `timeout_s`."""
        from multiprocessing.connection import wait

        busy = [w for w in self.workers if w.busy is not None]
        if not busy:
            missing = [job.name for job in self.jobs if job.name not in self.results]
            raise RuntimeError(f"plan sans issue : {', '.join(missing)} attendent une tâche absente")
        left = min(w.since for w in busy) + timeout_s - time.monotonic()
        answered = wait([w.conn for w in busy], timeout=max(0.0, left))
        if not answered:
            late = self.jobs[min(busy, key=lambda w: w.since).busy or 0]
            raise RenderError(f"{late.label} interrompu : toujours en cours après {timeout_s:g} s ; "
                              "les fichiers précédents sont conservés")
        for worker in (w for w in busy if w.conn in answered):
            job = self.jobs[worker.busy or 0]
            ok, value = worker.receive(job.label)
            if not ok:
                raise value
            self.results[job.name] = value


def _serve(conn: Any, jobs: Sequence[Job], parent: int) -> None:
    """A worker's life: run the jobs it is sent until told to stop or its build is gone."""
    _bind_to(parent)
    one_blas_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the build, which kills its workers
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, inputs = message
        job = jobs[index]
        try:
            conn.send((True, job.run(*job.args, *inputs)))
        except Exception as exc:  # noqa: BLE001  (sent back whole, raised by the build)
            conn.send((False, _portable(exc)))


def one_blas_thread() -> None:
    """numpy's BLAS, when it loads in this process, with one thread (BLAS_THREADS), unless the user set it."""
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")


def _bind_to(parent: int) -> None:
    """Die with the build: on Linux the kernel kills this worker when its parent dies; elsewhere
    it stops at the next job, when its pipe closes."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _portable(exc: Exception) -> Exception:
    """`exc` if it survives pickling, else a RenderError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001
        return RenderError(f"{type(exc).__name__} : {exc}")
    return exc
