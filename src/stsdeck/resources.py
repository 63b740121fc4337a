"""Where the package's own files are: the built-in templates and the example review."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUILTIN = PACKAGE / "templates"  # built-in templates (default, clinique), shipped in the wheel
EXAMPLE = PACKAGE / "examples" / "rtct-stm"  # the seed review: RT-CT des sarcomes des tissus mous
EXAMPLE_DATA = EXAMPLE / "data"
