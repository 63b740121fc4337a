"""build(): check the data, plan the tasks, execute them, write the outputs — each stage feeds the next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .claims import check_claims, read_source
from .errors import DataError, Problem
from .execute import execute
from .manifest import CACHE_DIR, MANIFEST, digest, input_hashes, manifest_bytes, read_manifest, up_to_date
from .model import Dataset
from .plan import Task, describe, plan
from .progress import Progress
from .themes import load_theme, template_chain
from .validate import load_dataset, study_warnings
from .write import output_lock, prune_cache, refused_output, write_outputs

FORMATS = ("pptx", "pdf")
CHANGES = "CHANGES.md"


@dataclass(frozen=True)
class BuildConfig:
    """What to build from where."""

    data: Path = Path("data")
    out: Path = Path("build")
    formats: tuple[str, ...] = FORMATS
    template: str | None = None
    strict: bool = False
    quiet: bool = True
    timeout_s: float = 600.0  # a renderer still working after this long is stopped


@dataclass(frozen=True)
class Report:
    """What a check or build produced: studies counted, warnings, files written, what changed."""

    studies: int
    warnings: tuple[Problem, ...]
    written: tuple[Path, ...] = ()
    skipped: bool = False
    summary: str = ""


def checked(data: Path, strict: bool) -> tuple[Dataset, tuple[Problem, ...]]:
    """The validated dataset and its warnings; with `strict`, warnings are errors."""
    dataset = load_dataset(data)
    warnings = tuple(sorted(check_claims(dataset, source=read_source(data)) + study_warnings(dataset)))
    blocking = [w for w in warnings if not w.acknowledged]
    if strict and blocking:
        raise DataError(blocking)
    return dataset, warnings


def check(data: Path, strict: bool = False) -> Report:
    """Validate the dataset and its synthesis claims without writing anything."""
    dataset, warnings = checked(data, strict)
    return Report(len(dataset.studies), warnings)


def build(config: BuildConfig) -> Report:
    """Build the deck into config.out; nothing is rendered when no input changed, nothing is
    written unless every stage succeeded, and concurrent builds of one folder take turns."""
    progress = Progress(config.quiet)
    refused_output(config.out, config.data, template_chain(config.template))
    with output_lock(config.out, progress.notice):
        inputs = input_hashes(config.data, template_chain(config.template), config.out)
        request = {"formats": list(config.formats), "strict": config.strict}
        previous = read_manifest(config.out)
        if up_to_date(previous, inputs, request, config.out):
            return Report(previous.get("count", 0), (), skipped=True)
        return _full_build(config, progress, inputs, request, previous)


def _full_build(config: BuildConfig, progress: Progress, inputs: dict[str, str], request: dict[str, object],
                previous: dict[str, object]) -> Report:
    """Check, plan, execute, assemble, write: each stage takes the previous one's value."""
    progress.stage("Vérification du modèle et des données")
    theme = load_theme(config.template)
    dataset, warnings = checked(config.data, config.strict)
    tasks = plan(dataset, theme, config.formats, config.out, digest(repr(sorted(inputs.items())).encode()))
    progress.stage(describe(tasks))
    results = execute(tasks, config.timeout_s)
    files, summary = assemble(dataset, tasks, results, Manifested(inputs, request, previous))
    progress.stage("Écriture")
    written = write_outputs(files, config.out)
    prune_cache(config.out, {task.cache for task in tasks if task.cache} | set(cache_files(tasks, results)))
    progress.done()
    shown = tuple(p for p in written if p.suffix in (".pptx", ".pdf", ".md") and CACHE_DIR not in p.parts)
    return Report(len(dataset.studies), warnings, shown, summary=summary)


def cache_files(tasks: list[Task], results: dict[str, Any]) -> dict[str, bytes | None]:
    """The cache files of the tasks that keep several: bytes for those made by this build, None for those read."""
    return {name: data for task in tasks if task.files is not None for name, data in task.files(results[task.name]).items()}


@dataclass(frozen=True)
class Manifested:
    """What the manifest records of this build's request, and the previous build's manifest."""

    inputs: dict[str, str]
    request: dict[str, object]
    previous: dict[str, object]


def assemble(dataset: Dataset, tasks: list[Task], results: dict[str, Any], manifested: Manifested
             ) -> tuple[dict[str, bytes], str]:
    """Every file to write (the outputs, the new cache files, CHANGES.md, the manifest) and the
    one-line summary of what changed since the previous build."""
    from .changes import compare, labels_of, markdown, snapshot, summary

    outputs = {task.output: results[task.name] for task in tasks if task.output}
    fresh = {task.cache: task.store(results[task.name]) for task in tasks if task.store is not None}
    fresh |= {name: data for name, data in cache_files(tasks, results).items() if data is not None}
    current = snapshot(dataset, results["figures"])
    changes, labels = compare(manifested.previous, current), labels_of(dataset.info)
    outputs[CHANGES] = markdown(changes, labels).encode("utf-8")
    manifest = manifest_bytes(manifested.inputs, manifested.request, outputs, current | {"count": len(dataset.studies)})
    return fresh | outputs | {MANIFEST: manifest}, summary(changes, labels)
