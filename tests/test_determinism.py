"""Same inputs, same bytes: beside CPU hogs, seconds apart, and on WeasyPrint's fontTools fallback
(no libharfbuzz-subset0), without SOURCE_DATE_EPOCH."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stsdeck.build import BuildConfig, build
from stsdeck.manifest import CACHE_DIR
from stsdeck.render.pdf import date_epoch

from .conftest import DATA

SECONDS_1904_TO_1970 = 2082844800  # fontTools' timestamps count from 1904


def outputs(out: Path) -> dict[str, bytes]:
    """The deck files and the cache files of a build."""
    files = [*out.glob("rtct-stm.*"), *(out / CACHE_DIR).iterdir()]
    return {p.name: p.read_bytes() for p in sorted(files)}


def test_a_build_beside_cpu_hogs_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(BuildConfig(DATA, tmp_path / "calm"))
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(3)]
    try:
        build(BuildConfig(DATA, tmp_path / "busy"))
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    calm, busy = outputs(tmp_path / "calm"), outputs(tmp_path / "busy")
    kinds = sorted(name.split("-")[0] for name in calm)
    assert kinds.count("chart") == 5 and kinds.count("figures") == 4 and kinds.count("pdf") > 5  # and each section's PDF
    assert {"rtct-stm.pptx", "rtct-stm.pdf"} <= set(calm)
    assert busy == calm


def font_stamps(pdf: bytes) -> list[int]:
    """The `head.modified` stamp of every font subset embedded in `pdf`."""
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    stamps = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            stamps.append(TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))["head"].modified)
    return stamps


def test_the_fonttools_fallback_stamps_fonts_with_the_deck_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capfd: pytest.CaptureFixture[str]) -> None:
    """Without HarfBuzz's subsetter, WeasyPrint subsets with fontTools, which stamps each subset
    with the time: here the deck's date, so two builds seconds apart are identical, and quiet."""
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)  # the workers are forked with it
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(BuildConfig(DATA, tmp_path / "first", ("pdf",)))
    time.sleep(1.5)
    build(BuildConfig(DATA, tmp_path / "second", ("pdf",)))
    first, second = ((tmp_path / name / "rtct-stm.pdf").read_bytes() for name in ("first", "second"))
    assert first == second
    assert set(font_stamps(first)) == {date_epoch("2026-11-30") + SECONDS_1904_TO_1970}
    fonts = subprocess.run(["pdffonts", str(tmp_path / "first" / "rtct-stm.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert len(fonts) == 2  # the fontTools subsets keep their glyph ids too: the sections' fonts merge
    captured = capfd.readouterr()
    assert "timestamp" not in captured.err + captured.out


def test_source_date_epoch_wins_over_the_deck_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(BuildConfig(DATA, tmp_path, ("pdf",)))
    assert set(font_stamps((tmp_path / "rtct-stm.pdf").read_bytes())) == {1700000000 + SECONDS_1904_TO_1970}


def harfbuzz_subsets() -> bool:
    import weasyprint.pdf.fonts

    return weasyprint.pdf.fonts.harfbuzz_subset is not None


@pytest.mark.skipif(not harfbuzz_subsets(), reason="libharfbuzz-subset0 absent : WeasyPrint passe par fontTools")
def test_with_harfbuzz_the_fonts_keep_their_own_stamps(built: dict[str, Path]) -> None:
    """The normal path (libharfbuzz-subset0 installed): the subsets keep the font files' stamps."""
    from fontTools.ttLib import TTFont

    from stsdeck.resources import BUILTIN

    own = {TTFont(path)["head"].modified for path in (BUILTIN / "default" / "fonts").glob("*.ttf")}
    assert set(font_stamps(built["pdf"].read_bytes())) == own
