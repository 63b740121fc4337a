"""Build manifest: hashes of every input and output, and a snapshot of studies and figures."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .resources import BUILTIN, PACKAGE

MANIFEST = ".stsdeck-manifest.json"
CACHE_DIR = ".stsdeck-cache"  # figures and charts kept between builds, inside the output folder
BUILTIN_DEFAULT = BUILTIN / "default"


def digest(data: bytes) -> str:
    """SHA-256 of `data`, hex."""
    return hashlib.sha256(data).hexdigest()


def _files(folder: Path, exclude: Path | None = None) -> list[Path]:
    """Files under `folder` (editor backups, caches, links out of `folder`, and anything under
    `exclude` when `exclude` lies inside `folder`, left out: data under the output folder are inputs)."""
    from .load import within

    nested = exclude is not None and within(exclude, folder) and exclude.resolve() != folder.resolve()
    excluded = exclude.resolve() if nested and exclude is not None else None
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        ignored = any(part == "__pycache__" or part.startswith(".") or part.endswith("~") for part in parts)
        inside = excluded is not None and path.resolve().is_relative_to(excluded)
        if within(path, folder) and path.is_file() and not ignored and not inside and path.suffix != ".pyc":
            found.append(path)
    return found


def files_digest(folders: tuple[Path, ...]) -> str:
    """Hash of the names and contents of the files under `folders` (as `input_hashes` sees them)."""
    return digest("".join(f"{p.relative_to(folder).as_posix()}:{digest(p.read_bytes())};"
                          for folder in folders for p in _files(folder)).encode())


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Version and hash of stsdeck's own code (the code this process runs, read once): a new
    version redraws and rerenders everything."""
    code = "".join(digest(p.read_bytes()) for p in _files(PACKAGE) if p.suffix == ".py")
    return f"{__version__}:{digest(code.encode())}"


def input_hashes(data: Path, template_folders: list[Path] | tuple[Path, ...], out: Path | None = None) -> dict[str, str]:
    """Hash of every data file, template file (the built-in default included: the PDF always reads
    it) and stsdeck source file, keyed by a stable name; the outputs in `out` are not inputs."""
    hashes = {f"data/{p.relative_to(data).as_posix()}": digest(p.read_bytes()) for p in _files(data, out)}
    for folder in dict.fromkeys([*template_folders, BUILTIN_DEFAULT]):
        hashes |= {f"template/{folder.name}/{p.relative_to(folder).as_posix()}": digest(p.read_bytes())
                   for p in _files(folder, out)}
    hashes["stsdeck"] = code_digest()
    return hashes


def read_manifest(out: Path) -> dict[str, Any]:
    """The previous build's manifest, or an empty one."""
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def outputs_intact(manifest: dict[str, Any], out: Path) -> bool:
    """True when every output the manifest lists is on disk with its recorded hash."""
    outputs = manifest.get("outputs") or {}
    return bool(outputs) and all((out / name).is_file() and digest((out / name).read_bytes()) == value
                                 for name, value in outputs.items())


def up_to_date(manifest: dict[str, Any], inputs: dict[str, str], request: dict[str, Any], out: Path) -> bool:
    """Nothing to do: same inputs, same request, outputs untouched since."""
    same = manifest.get("inputs") == inputs and manifest.get("request") == request
    return same and outputs_intact(manifest, out)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A nested value as {"path.to[0].field": leaf}; a dataclass's fields that take no part in
    comparison (source lines, labels) are left out."""
    if dataclasses.is_dataclass(value):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.compare}
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in flatten(item, f"{prefix}.{key}" if prefix else key).items()}
    if isinstance(value, (list, tuple)):
        return {k: v for i, item in enumerate(value) for k, v in flatten(item, f"{prefix}[{i}]").items()}
    return {prefix: value}


def manifest_bytes(inputs: dict[str, str], request: dict[str, Any], outputs: dict[str, bytes],
                   snapshot: dict[str, Any]) -> bytes:
    """The manifest of a build, as stable JSON."""
    body = {"inputs": inputs, "request": request, "outputs": {n: digest(b) for n, b in sorted(outputs.items())},
            **snapshot}
    return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
