"""build --watch loads the workers' libraries once, after its first build, for every later build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stsdeck import warm, watch
from stsdeck.build import BuildConfig


def test_the_libraries_of_each_format_are_loaded_with_one_blas_thread() -> None:
    script = ("import json, os, sys; from stsdeck.warm import load_libraries; "
              "before = sorted(m for m in ('matplotlib', 'statsmodels', 'weasyprint', 'pptx', 'pypdf') if m in sys.modules); "
              "loaded = load_libraries(tuple(sys.argv[1].split(','))); "
              "print(json.dumps([before, loaded, os.environ.get('OPENBLAS_NUM_THREADS'), "
              "__import__('matplotlib').get_backend().lower()]))")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    pptx = json.loads(subprocess.run([sys.executable, "-c", script, "pptx"], capture_output=True, text=True,
                                     check=True, env=env).stdout)
    both = json.loads(subprocess.run([sys.executable, "-c", script, "pptx,pdf"], capture_output=True, text=True,
                                     check=True, env=env).stdout)
    assert pptx[0] == both[0] == []  # nothing of it loaded by stsdeck.warm itself
    assert set(pptx[1]) == {"statsmodels.stats.meta_analysis", "matplotlib.figure", "matplotlib.backends.backend_agg", "pptx"}
    assert set(both[1]) == set(pptx[1]) | {"matplotlib.backends.backend_svg", "pypdf", "weasyprint"}
    assert pptx[2:] == both[2:] == ["1", "agg"]


def test_watch_loads_them_after_its_first_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    events: list[str] = []
    monkeypatch.setattr(warm, "load_libraries", lambda formats: events.append(f"chargement {','.join(formats)}"))
    config = BuildConfig(tmp_path, tmp_path / "out", ("pptx",))
    code = watch.watch(config, lambda: events.append("construction") or 0, stop=lambda: True)
    assert code == 0 and events == ["construction", "chargement pptx"]


def test_a_build_with_the_libraries_loaded_gives_the_same_bytes(tmp_path: Path) -> None:
    script = ("import sys; from pathlib import Path; from stsdeck.build import BuildConfig, build; "
              "from stsdeck.resources import EXAMPLE_DATA; from stsdeck.warm import load_libraries; "
              "out = Path(sys.argv[1]); build(BuildConfig(EXAMPLE_DATA, out / 'cold')); "
              "load_libraries(('pptx', 'pdf')); build(BuildConfig(EXAMPLE_DATA, out / 'warm'))")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, capture_output=True, timeout=300)
    for name in ("rtct-stm.pptx", "rtct-stm.pdf", "CHANGES.md"):
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name


def test_a_library_that_fails_to_load_is_left_to_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(warm.LIBRARIES, "pptx", ("pptx", "stsdeck_bibliotheque_absente"))
    assert warm.load_libraries(("pptx",)) == ("pptx",)
