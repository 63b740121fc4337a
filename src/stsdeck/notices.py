"""Third-party warnings and log records: silenced when harmless, else said in French, never raw."""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HARMLESS_SOURCES = ("fontTools", "openpyxl")  # font subsetting notes; spreadsheet features stsdeck does not read
HARMLESS_CATEGORIES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning, ResourceWarning)
RULES: tuple[tuple[re.Pattern[str], str | None], ...] = tuple((re.compile(pattern), french) for pattern, french in (
    (r"Using fontTools instead of HarfBuzz-Subset", None),  # the same PDF, made a little more slowly
    (r"Failed to load (?:image|stylesheet|font|inline SVG)\w* at '?(?P<url>[^'\s]+)",
     "le PDF n'a pas pu charger « {url} » (fichier absent ou hors du dossier du modèle)"),
    (r"^Ignored `(?P<rule>[^`]*)` at (?P<line>\d+):(?P<column>\d+)",
     "feuille de style du modèle : « {rule} » ignorée (ligne {line}, colonne {column})"),
    (r"Glyph (?P<code>\d+) .*missing from font\(s\) (?P<font>.+?)\.?$",
     "graphiques : le caractère « {code:c} » manque à la police {font}"),
    (r"findfont: Font family (?P<font>.+?) not found",
     "graphiques : police {font} introuvable, une police de remplacement est utilisée"),
))
UNKNOWN = "message d'une bibliothèque (en anglais) : {message}"


def notice(source: str, message: str) -> str | None:
    """The French notice for a third-party message from `source` (a package name), or None to silence it."""
    if source.split(".")[0] in HARMLESS_SOURCES:
        return None
    for pattern, french in RULES:
        if match := pattern.search(message):
            return None if french is None else french.format(**_values(match))
    return UNKNOWN.format(message=" ".join(message.split()))


def _values(match: re.Match[str]) -> dict[str, Any]:
    return {key: int(value) if value.isdigit() else value for key, value in match.groupdict().items()}


class Notices(logging.Handler):
    """Says each notice once on the standard error, as « avertissement : … »."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: set[str] = set()

    def say(self, source: str, message: str) -> None:
        """Print the notice for `message`, unless silenced or already said."""
        text = notice(source, message)
        if text is not None and text not in self.said:
            self.said.add(text)
            print(f"avertissement : {text}", file=sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        """A log record of a library."""
        self.say(record.name, record.getMessage())

    def show(self, message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: Any = None, line: str | None = None) -> None:
        """A Python warning (replaces warnings.showwarning)."""
        if not issubclass(category, HARMLESS_CATEGORIES):
            self.say(package_of(filename), str(message))


def package_of(filename: str) -> str:
    """The installed package a source file belongs to ('' outside site-packages)."""
    parts = Path(filename).parts
    inside = [i for i, part in enumerate(parts) if part in ("site-packages", "dist-packages")]
    return parts[inside[-1] + 1] if inside and inside[-1] + 1 < len(parts) else ""


@contextlib.contextmanager
def third_party_notices() -> Iterator[Notices]:
    """Inside this block (and the worker processes it forks), library warnings and log records
    become French notices or nothing."""
    notices = Notices()
    root = logging.getLogger()
    root.addHandler(notices)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = notices.show
            yield notices
    finally:
        root.removeHandler(notices)
