"""WeasyPrint imported with its C libraries found in one reading of the linker's cache."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from stsdeck.render.weasy import _finder


def test_a_library_is_found_by_its_versioned_name_and_a_missing_one_is_not() -> None:
    find = _finder(("libfontconfig.so", "libfontconfig.so.1", "libpango-1.0.so.0", "libharfbuzz-subset.so.0",
                    "libharfbuzz.so.0"))
    assert find("fontconfig") == "libfontconfig.so.1"
    assert find("pango-1.0") == "libpango-1.0.so.0"
    assert find("harfbuzz") == "libharfbuzz.so.0"  # not its -subset sibling
    assert find("fontconfig-1") is None and find("harfbuzz-vector") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="cache du lieur : Linux")
def test_weasyprint_is_imported_with_one_subprocess_and_find_library_given_back() -> None:
    script = textwrap.dedent("""
        import ctypes.util, subprocess
        calls = []
        original_popen = subprocess.Popen.__init__
        def counted(self, args, *rest, **options):
            calls.append(args)
            original_popen(self, args, *rest, **options)
        subprocess.Popen.__init__ = counted
        before = ctypes.util.find_library
        from stsdeck.render.weasy import weasyprint
        module = weasyprint()
        assert module.HTML and ctypes.util.find_library is before
        print(len(calls), calls[0][0])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "/sbin/ldconfig"]
