"""The template's master, cleaned and inspected once per process: the file theme.yaml names or,
without one, python-pptx's own master."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .inspect import MasterInfo, inspect
from .sanitize import Sanitized, sanitized

_INFO: dict[str, MasterInfo] = {}


def default_master() -> Path:
    """python-pptx's own template (found without importing python-pptx)."""
    spec = importlib.util.find_spec("pptx")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / "default.pptx"


def clean_master(path: Path | None) -> Sanitized:
    """The clean master at `path` (python-pptx's without one); TemplateError when refused."""
    return sanitized(path or default_master())


def master_info(path: Path | None) -> MasterInfo:
    """What the clean master at `path` holds."""
    clean = clean_master(path)
    if clean.source_digest not in _INFO:
        _INFO[clean.source_digest] = inspect(clean.data)
    return _INFO[clean.source_digest]
