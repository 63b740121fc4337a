"""WeasyPrint imported with its C libraries found in one reading of the linker's cache, instead of one
`ldconfig` (and `gcc`) subprocess per name it tries: about half of its import time on Linux."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType

LDCONFIG = ("/sbin/ldconfig", "-p")
ABI = {"x86_64": "libc6,x86-64", "aarch64": "libc6,AArch64", "ppc64le": "libc6,64bit"}


def weasyprint() -> ModuleType:
    """The weasyprint module, imported once per process."""
    if "weasyprint" not in sys.modules:
        with _libraries_from_cache():
            importlib.import_module("weasyprint")
    return sys.modules["weasyprint"]


@contextmanager
def _libraries_from_cache() -> Iterator[None]:
    """While importing: ctypes' find_library answered from the linker's cache (a name missing from
    it is not found, as find_library would say after its subprocesses; WeasyPrint then tries its
    next name, and dlopen still honours LD_LIBRARY_PATH for the file names it also tries)."""
    import ctypes.util

    original = ctypes.util.find_library
    sonames = _cached_sonames() if sys.platform.startswith("linux") else None
    if sonames is not None:
        ctypes.util.find_library = _finder(sonames)
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _cached_sonames() -> tuple[str, ...] | None:
    """The library file names the linker's cache lists for this machine's ABI, or None if unread."""
    import platform

    try:
        listing = subprocess.run(LDCONFIG, capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    abi = re.escape(ABI.get(platform.machine(), "libc6"))
    return tuple(re.findall(rf"^\s+(lib\S+\.so[.\d]*)\s+\({abi}[,)]", listing, re.M))


def _finder(sonames: tuple[str, ...]) -> Callable[[str], str | None]:
    def find_library(name: str) -> str | None:
        pattern = re.compile(rf"lib{re.escape(name)}\.so(?:\.\d+)*")
        found = sorted((soname.endswith(".so"), soname) for soname in sonames if pattern.fullmatch(soname))
        return found[0][1] if found else None  # a versioned name first, as the runtime loads it

    return find_library
