"""Profile of one cold build, process by process: each task's time line, then each process's top lines.

Run: .venv/bin/python bench/profiles.py [--format pptx,pdf] [--studies N] [--top 12]
Every task of the plan runs under cProfile in its own process (the build's, or its lane's worker);
the build's own process is profiled whole. Nothing of this is in stsdeck itself.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
START = time.perf_counter()

import stsdeck.build as stages  # noqa: E402
from stsdeck.build import BuildConfig, build  # noqa: E402
from stsdeck.resources import EXAMPLE_DATA  # noqa: E402
from tests.factory import make_dataset  # noqa: E402


def profiled(task: stages.Task, folder: Path, plain: bool = False) -> stages.Task:
    """`task` whose run is profiled into `folder` (timed only, if `plain`), with its start and end times."""
    lane = task.lane or "build"
    profiling = lane != "build" and not plain  # the build's own process is profiled whole

    def run(*args: object, _run=task.run, _name=task.name) -> object:
        profile, began, cpu = cProfile.Profile(), time.perf_counter(), time.process_time()
        try:
            return profile.runcall(_run, *args) if profiling else _run(*args)
        finally:
            if profiling:
                profile.dump_stats(folder / f"{lane}.{_name.replace(':', '-')}.{os.getpid()}.prof")
            line = [lane, _name, began - START, time.perf_counter() - START, time.process_time() - cpu]
            with open(folder / "timeline.jsonl", "a", encoding="utf-8") as log:
                log.write(json.dumps(line) + "\n")

    return dataclasses.replace(task, run=run)


def top(paths: list[Path], count: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(*map(str, paths), stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(count)
    return "\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", default="pptx,pdf")
    parser.add_argument("--studies", type=int, default=0, help="études synthétiques (défaut : la revue d'exemple)")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--plain", action="store_true", help="time line only: no cProfile, whose cost doubles imports")
    parser.add_argument("--warm", action="store_true", help="libraries loaded first, as by build --watch")
    parser.add_argument("--edit", choices=("number", "text"), help="profile the rebuild after this edit")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stsdeck-profile-"))
    data = make_dataset(tmp / "data", args.studies) if args.studies else EXAMPLE_DATA
    if args.edit:
        from bench.run import edit_number, edit_text

        shutil.copytree(data, tmp / "edited")
        data = tmp / "edited"
        build(BuildConfig(data, tmp / "out", tuple(args.format.split(","))))
        (edit_number if args.edit == "number" else edit_text)(data, 0)
        if args.warm:
            from stsdeck.warm import load_libraries

            load_libraries(tuple(args.format.split(",")))
        global START
        START = time.perf_counter()
    planned = stages.plan
    stages.plan = lambda *a, **k: [profiled(t, tmp, args.plain) for t in planned(*a, **k)]  # type: ignore[assignment]
    whole = cProfile.Profile()
    config = BuildConfig(data, tmp / "out", tuple(args.format.split(",")))
    build(config) if args.plain else whole.runcall(build, config)
    if not args.plain:
        whole.dump_stats(tmp / "build-process.prof")
    print(f"build: {time.perf_counter() - START:.2f} s mur, {time.process_time():.2f} s CPU (processus de la construction)")
    for line in sorted((json.loads(l) for l in open(tmp / "timeline.jsonl")), key=lambda l: l[2]):
        lane, name, began, ended, cpu = line
        print(f"  {lane:14s} {name:28s} {began:5.2f} → {ended:5.2f} s   CPU {cpu:4.2f} s")
    if args.plain:
        return shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n== processus de la construction (tout compris)\n{top([tmp / 'build-process.prof'], args.top)}")
    for lane in sorted({p.name.split('.')[0] for p in tmp.glob('*.*.*.prof')} - {"build"}):
        print(f"\n== voie « {lane} »\n{top(sorted(tmp.glob(f'{lane}.*.prof')), args.top)}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
