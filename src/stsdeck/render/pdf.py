"""HTML -> .pdf bytes with WeasyPrint; the URL fetcher reads only inside the template folders."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import RenderError
from ..slides import Deck
from ..themes import Theme
from .html import render_html


def data_uri(url: str) -> bool:
    """True for an inline data: URI (the charts), which reads nothing."""
    return url.startswith("data:")


def allowed_path(url: str, roots: tuple[Path, ...]) -> Path | None:
    """The local file `url` names if it lies inside one of `roots`, else None."""
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parsed.path)).resolve()
    inside = any(path.is_relative_to(root.resolve()) for root in roots)
    return path if inside and path.is_file() else None


def confined_fetcher(roots: tuple[Path, ...]) -> Any:
    """A WeasyPrint URL fetcher serving files under `roots` and refusing everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):
        """Refuses the network and every file outside the template folders."""

        refused: list[str]

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if data_uri(url):
                return super().fetch(url, headers)
            path = allowed_path(url, roots)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"ressource refusée hors du modèle : {url}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": mime})

    fetcher = ConfinedFetcher(allowed_protocols=("file", "data"), allow_redirects=False)
    fetcher.refused = []
    return fetcher


BATCH_PAGES = 150  # pages written together: fonts are subset once per batch, and memory stays bounded


def render_pdf(deck: Deck, theme: Theme, share: tuple[int, int] = (0, 1)) -> bytes:
    """Share `share` (i of n) of the deck's sections as one PDF: laid out (those laid out ahead by
    `lay_out_ahead` in this process are reused), then written by batches of about BATCH_PAGES pages,
    so that each font is subset once per batch (once for a congress deck) and a long deck never
    holds all its pages in memory; font timestamps come from SOURCE_DATE_EPOCH or the deck's date,
    never the clock."""
    batches: list[bytes] = []
    pending: list[Any] = []
    try:
        for html in _sections_html(deck, theme, share):
            pending.append(_laid_out(html, theme))
            if sum(len(document.pages) for document in pending) >= BATCH_PAGES:
                batches.append(_written(pending, deck.date))
                pending = []
        if pending:
            batches.append(_written(pending, deck.date))
    except (ValueError, OSError) as exc:
        raise RenderError(f"PDF : {exc}") from exc
    finally:
        _LAID_OUT.clear()
        _FONTS.clear()
    return joined(batches)


def _written(documents: list[Any], iso_date: str) -> bytes:
    """The pages of `documents` written as one PDF (each font subset once), then forgotten."""
    pages = [page for document in documents for page in document.pages]
    with _reproducible(iso_date):
        data = documents[0].copy(pages).write_pdf()
    for key in [key for key, document in _LAID_OUT.items() if any(document is d for d in documents)]:
        del _LAID_OUT[key]
    return data


def joined(parts: list[bytes]) -> bytes:
    """One PDF made of `parts` in order, with the first part's metadata."""
    import io

    parts = [part for part in parts if part]  # a share of a deck may hold no section
    if len(parts) <= 1:
        return parts[0] if parts else b""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    for reader in readers:
        writer.append(reader)
    writer.add_metadata(dict(readers[0].metadata or {}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def date_epoch(iso_date: str) -> int:
    """Seconds from 1970 to midnight UTC of `iso_date` (1980-01-01 if it is not a date)."""
    try:
        day = dt.date.fromisoformat(iso_date)
    except ValueError:
        day = dt.date(1980, 1, 1)
    return int(dt.datetime.combine(day, dt.time(), dt.timezone.utc).timestamp())


def lay_out_ahead(deck: Deck, theme: Theme, share: tuple[int, int] = (0, 1)) -> int:
    """Lay out, in this process, the sections of share `share` of `deck` that hold no chart (up to
    BATCH_PAGES slides), for a later `render_pdf` of the same deck with its charts drawn;
    the number of sections laid out."""
    count, slides = 0, 0
    for part, first in shared(sections_of(deck), share):
        if slides >= BATCH_PAGES:
            break
        if any(slide.kind == "chart" for slide in part.slides):
            continue
        _laid_out(render_html(part, theme, first), theme)
        count, slides = count + 1, slides + len(part.slides)
    return count


def shared(sections: list[tuple[Deck, int]], share: tuple[int, int]) -> list[tuple[Deck, int]]:
    """Share i of n of `sections`: consecutive sections, about as many slides in each share."""
    index, count = share
    total = sum(len(part.slides) for part, _ in sections)
    low, high = total * index / count, total * (index + 1) / count
    return [(part, first) for part, first in sections if low <= first - 1 < high]


CHUNK = 20  # at most this many slides per WeasyPrint document: its layout time grows faster than its length


def sections_of(deck: Deck) -> list[tuple[Deck, int]]:
    """The deck cut where chart slides start and end, and every CHUNK slides, each part with its
    first slide number: the parts without a chart can be laid out before the charts are drawn."""
    slides, bounds, start = deck.slides, [], 0
    for index in range(1, len(slides) + 1):
        if index == len(slides) or index - start == CHUNK or \
                (slides[index].kind == "chart") != (slides[index - 1].kind == "chart"):
            bounds.append((start, index))
            start = index
    return [(replace(deck, slides=slides[a:b]), a + 1) for a, b in bounds]


def _sections_html(deck: Deck, theme: Theme, share: tuple[int, int] = (0, 1)) -> Iterator[str]:
    return (render_html(part, theme, first) for part, first in shared(sections_of(deck), share))


# Until the next `render_pdf` in this process: the sections laid out ahead, and the fonts they loaded
# (one WeasyPrint font configuration per template chain).
_LAID_OUT: dict[tuple[str, tuple[Path, ...]], Any] = {}
_FONTS: dict[tuple[Path, ...], Any] = {}


def _laid_out(html: str, theme: Theme) -> Any:
    """The WeasyPrint document of one section's HTML, laid out at most once per `render_pdf`."""
    from .weasy import weasyprint

    html_document = weasyprint().HTML
    from weasyprint.text.fonts import FontConfiguration

    roots = theme_roots(theme)
    key = (html, roots)
    if key in _LAID_OUT:
        return _LAID_OUT[key]
    fetcher = confined_fetcher(roots)
    fonts = _FONTS.setdefault(roots, FontConfiguration())
    try:
        document = html_document(string=html, base_url=theme.folder.resolve().as_uri() + "/", url_fetcher=fetcher
                        ).render(font_config=fonts)
    except (ValueError, OSError) as exc:
        raise RenderError(f"PDF : {exc}") from exc
    if fetcher.refused:  # a template asked for a font, image or style outside its folders
        raise RenderError("PDF : ressource du modèle hors de ses dossiers, refusée : " + ", ".join(fetcher.refused))
    _LAID_OUT[key] = document
    return document


@contextmanager
def _reproducible(iso_date: str) -> Iterator[None]:
    """While writing: SOURCE_DATE_EPOCH set to the deck's date unless the user set it (fontTools,
    WeasyPrint's fallback when HarfBuzz's subsetter is missing, stamps each font subset with it), and
    fontTools' notices about the fonts' own stamps kept from the user."""
    import logging
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    fonttools = logging.getLogger("fontTools")
    level = fonttools.level
    if epoch is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(date_epoch(iso_date))
    fonttools.setLevel(logging.ERROR)
    try:
        yield
    finally:
        fonttools.setLevel(level)
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def theme_roots(theme: Theme) -> tuple[Path, ...]:
    """Folders the PDF may read from: the template, those it extends, and the built-in default."""
    from ..resources import BUILTIN

    return (*theme.folders, BUILTIN / "default")
