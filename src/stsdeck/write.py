"""The only module that writes to disk: atomic replacement of each output file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def write_outputs(outputs: dict[str, bytes], folder: Path) -> list[Path]:
    """Write every output atomically into `folder` (temp file, fsync, rename)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: impossible de créer le dossier de sortie ({exc.strerror})") from exc
    return [_write_atomic(folder / name, data) for name, data in outputs.items()]


def _write_atomic(path: Path, data: bytes) -> Path:
    try:
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
