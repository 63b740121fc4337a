"""The only module that writes to disk: atomic replacement of each output file."""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

LOCK = ".stsdeck.lock"


REASONS = {errno.EACCES: "permission refusée", errno.EPERM: "permission refusée",
           errno.ENOSPC: "disque plein", errno.EDQUOT: "quota de disque dépassé",
           errno.EROFS: "système de fichiers en lecture seule", errno.ENOENT: "dossier introuvable",
           errno.EIO: "erreur d'entrée-sortie du disque", errno.EEXIST: "un fichier porte déjà ce nom",
           errno.ENOTDIR: "un fichier est à la place d'un dossier", errno.EISDIR: "un dossier porte ce nom"}


def reason(exc: OSError) -> str:
    """What the system said, in French when it is a common failure."""
    if isinstance(exc, PermissionError) and exc.errno is None:
        return REASONS[errno.EACCES]
    return REASONS.get(exc.errno, exc.strerror or str(exc))


def write_outputs(outputs: dict[str, bytes], folder: Path) -> list[Path]:
    """Write every output into `folder`: all of them to temporary files first (fsync), then each
    renamed into place, so a failure (disk full, permission) leaves the previous outputs as they were."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: impossible de créer le dossier de sortie ({reason(exc)})") from exc
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in outputs.items():
            staged.append((_staged(folder / name, data), folder / name))
        return [_replace(temp, path) for temp, path in staged]
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder's lock: concurrent builds into one folder take turns."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK, "a+b")
    except OSError as exc:
        raise OutputError(f"{folder}: dossier de sortie inaccessible ({reason(exc)})") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        remove_stale_temps(folder)
        yield


def remove_stale_temps(folder: Path) -> None:
    """Temporary files left by a build that was killed (the lock is held: none is in use)."""
    from .manifest import CACHE_DIR

    for temp in (*folder.glob(".*.tmp"), *(folder / CACHE_DIR).glob(".*.tmp")):
        temp.unlink(missing_ok=True)


def _staged(path: Path, data: bytes) -> Path:
    """`data` written and flushed to a temporary file beside `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: dossier de sortie non inscriptible ({reason(exc)})") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{path}: écriture impossible ({reason(exc)})") from exc
    return Path(temp)


def _replace(temp: Path, path: Path) -> Path:
    try:
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"{path}: écriture impossible ({reason(exc)})") from exc
    return path


def prune_cache(folder: Path, keep: set[str]) -> None:
    """Remove the cache files of earlier builds that this build no longer uses."""
    from .manifest import CACHE_DIR

    for path in (folder / CACHE_DIR).glob("*"):
        if f"{CACHE_DIR}/{path.name}" not in keep:
            path.unlink(missing_ok=True)
