"""The only module that writes to disk: atomic replacement of each output file."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

LOCK = ".stsdeck.lock"
TEMP_PREFIX = ".stsdeck-tmp."  # unmistakably stsdeck's: no other file is ever removed as a leftover


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


def replace_files(outputs: dict[str, bytes], folder: Path, removed: list[str]) -> list[Path]:
    """`outputs` written into `folder` as write_outputs does, then the files named in `removed`
    (which the user asked to remove) deleted; the paths written."""
    written = write_outputs(outputs, folder)
    for name in removed:
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"{folder / name}: suppression impossible ({reason(exc)})") from exc
    return written


@contextmanager
def output_lock(folder: Path, waiting: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the output folder's lock, a `flock` that the kernel releases when its build dies (and
    that the build's worker processes do not inherit). When a live build holds it, `waiting` is told
    « une autre construction est en cours (pid N) » and this build waits its turn: the other ends,
    fails or is stopped by its own timeout, so the wait is never silent nor endless."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise OutputError(f"{folder}: dossier de sortie inaccessible ({reason(exc)})") from exc
    _HELD.add(fd)
    try:
        if not _locked(fd, fcntl.LOCK_EX | fcntl.LOCK_NB):
            waiting(f"une autre construction est en cours (pid {_holder(fd)}) ; attente de sa fin")
            _locked(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        remove_stale_temps(folder)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)


_HELD: set[int] = set()  # lock files open in this process


def _close_held_locks() -> None:
    """In a forked child: close its copies of the parent's locks, so that a worker that outlived
    its build would still not hold the output folder."""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_locks)


def _locked(fd: int, operation: int) -> bool:
    try:
        fcntl.flock(fd, operation)
    except BlockingIOError:
        return False
    return True


def _holder(fd: int) -> str:
    """The pid the lock's holder wrote in it, or « ? »."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return text if text.isdigit() else "?"


def remove_stale_temps(folder: Path) -> None:
    """stsdeck's own temporary files left by a build that was killed (the lock is held: none is in
    use); no other file is touched, whatever its name."""
    from .manifest import CACHE_DIR

    for temp in (*folder.glob(f"{TEMP_PREFIX}*"), *(folder / CACHE_DIR).glob(f"{TEMP_PREFIX}*")):
        if temp.is_file() and not temp.is_symlink():
            temp.unlink(missing_ok=True)


def refused_output(out: Path, data: Path, templates: list[Path] | tuple[Path, ...]) -> None:
    """OutputError when `out` is the root, the home folder or one that holds it, the data folder or
    a template folder (those of `templates` and the built-in default); a project folder that holds
    data/, or a build/ inside data/, is fine (the data stay inputs, the outputs do not become inputs)."""
    from .resources import BUILTIN

    templates = list(dict.fromkeys([*templates, BUILTIN / "default"]))
    folder = Path(os.path.expanduser(out)).resolve()
    home = Path.home().resolve()
    reasons = [(folder == Path(folder.anchor), "c'est la racine du système"),
               (folder == home, "c'est votre dossier personnel"),
               (home.is_relative_to(folder), "il contient votre dossier personnel"),
               (folder == data.resolve(), f"c'est le dossier des données ({data})"),
               *((folder == t.resolve(), f"c'est le dossier du modèle {t.name} ({t})") for t in templates)]
    why = next((reason for refused, reason in reasons if refused), None)
    if why:
        raise OutputError(f"{out} : dossier de sortie refusé, {why} ; choisissez un dossier à part, par exemple build/")


def _staged(path: Path, data: bytes) -> Path:
    """`data` written and flushed to a temporary file beside `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=".tmp", dir=path.parent)
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


CACHED = re.compile(r"[a-z]+-[0-9a-f]{8,64}\.[a-z]+")  # the names stsdeck gives its cache files


def prune_cache(folder: Path, keep: set[str]) -> None:
    """Remove the cache files of earlier builds that this build no longer uses (files named as
    stsdeck names them; anything else in the cache folder stays)."""
    from .manifest import CACHE_DIR

    for path in (folder / CACHE_DIR).glob("*"):
        ours = CACHED.fullmatch(path.name) and path.is_file() and not path.is_symlink()
        if ours and f"{CACHE_DIR}/{path.name}" not in keep:
            path.unlink(missing_ok=True)
