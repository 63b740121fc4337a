"""What the audience sees: LibreOffice and poppler renderings, picture comparison, OOXML audit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

needs_office = pytest.mark.skipif(
    not shutil.which("soffice") and not os.environ.get("CI"), reason="LibreOffice absent (installé par .ci/run)")
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftoppm") and not os.environ.get("CI"), reason="poppler-utils absent (installé par .ci/run)")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
Word = tuple[float, float, float, float, str]


def office_pdf(document: Path, out: Path, to: str = "pdf") -> Path:
    """`document` (PPTX, ODP…) converted to PDF (or to the format `to`) by LibreOffice headless,
    with a private profile (conversions running at once never share one), written into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / f"lo-profile-{os.getpid()}").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", to,
                    "--outdir", str(out), str(document)], check=True, capture_output=True, timeout=300)
    return out / f"{document.stem}.{to}"


def pages(pdf: Path) -> list[tuple[float, float, list[Word]]]:
    """Every page's size (pt) and its words with their boxes, from `pdftotext -bbox`."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [(float(w), float(h), [(*map(float, m[:4]), _unescape(m[4])) for m in WORD.findall(body)])
            for w, h, body in PAGE.findall(html)]


def text_lines(pdf: Path) -> list[list[str]]:
    """Each page's text lines as poppler lays them out (`pdftotext -layout`)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")[:-1]]


def pictures(pdf: Path, out: Path, dpi: int = 20) -> list[Path]:
    """Every page of `pdf` as a grey PNG at `dpi`, in page order (pdftoppm)."""
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / pdf.stem
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True,
                   capture_output=True, timeout=300)
    return sorted(out.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def difference(a: Path, b: Path) -> float:
    """Mean absolute difference (0 = same, 1 = opposite) of two grey pictures, the second resized
    to the first's size."""
    from PIL import Image, ImageChops, ImageStat

    with Image.open(a) as first, Image.open(b) as second:
        left = first.convert("L")
        right = second.convert("L").resize(left.size)
        return ImageStat.Stat(ImageChops.difference(left, right)).mean[0] / 255


def audit_errors(pptx: Path) -> list[str]:
    """The Open XML SDK rule violations of `pptx` (openxml-audit), as text; [] when valid."""
    from openxml_audit import validate_pptx

    return [str(error) for error in validate_pptx(pptx).errors]


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
