"""The only module that writes to disk: atomic replacement of each output file."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

LOCK = ".stsdeck.lock"


def write_outputs(outputs: dict[str, bytes], folder: Path) -> list[Path]:
    """Write every output atomically into `folder` (temp file, fsync, rename)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: impossible de créer le dossier de sortie ({exc.strerror})") from exc
    return [_write_atomic(folder / name, data) for name, data in outputs.items()]


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder's lock: concurrent builds into one folder take turns."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK, "a+b")
    except OSError as exc:
        raise OutputError(f"{folder}: dossier de sortie inaccessible ({exc.strerror})") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        remove_stale_temps(folder)
        yield


def remove_stale_temps(folder: Path) -> None:
    """Temporary files left by a build that was killed (the lock is held: none is in use)."""
    for temp in folder.rglob(".*.tmp"):
        temp.unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: dossier de sortie non inscriptible ({exc.strerror})") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{path}: écriture impossible ({exc.strerror})") from exc
    return path
