"""HTML -> .pdf bytes with WeasyPrint; the URL fetcher reads only inside the template folders."""

from __future__ import annotations

import mimetypes
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


CHUNK = 20  # at most this many slides per WeasyPrint document: bounds memory, and what an edit redoes


def render_pdf(deck: Deck, theme: Theme) -> bytes:
    """The deck as PDF bytes, fonts embedded from the template folder; long decks in chunks."""
    return joined([render_chunk(chunk, theme, first) for chunk, first in chunks(deck)])


def chunks(deck: Deck) -> list[tuple[Deck, int]]:
    """The deck cut into documents of at most CHUNK slides, each with its first slide number. Each
    category's tables and synthesis, and each chart, get documents of their own, so that a rebuild
    after an edit lays out again only the sections and charts the edit touched."""
    slides, bounds, start = deck.slides, [], 0
    for index in range(1, len(slides) + 1):
        if index == len(slides) or _section_starts(slides[index - 1].kind, slides[index].kind) \
                or index - start == CHUNK:
            bounds.append((start, index))
            start = index
    return [(replace(deck, slides=slides[a:b]), a + 1) for a, b in bounds]


def _section_starts(previous: str, kind: str) -> bool:
    """True when a slide of `kind` after one of `previous` opens a new section of the deck."""
    return (kind == "chart" or previous == "chart" or previous == "synthesis"
            or (kind == "table" and previous != "table"))


def chunk_key(deck: Deck, first_number: int, salt: str) -> str:
    """Hash of everything a chunk's PDF is made from: its slides (their full, content-only repr)
    and first number, and in `salt` the template files and the code that turn them into HTML."""
    import hashlib

    return hashlib.sha256(repr((deck, first_number)).encode("utf-8") + salt.encode()).hexdigest()[:20]


def render_chunk(deck: Deck, theme: Theme, first_number: int = 1) -> bytes:
    """One chunk of slides as a PDF document."""
    from weasyprint import HTML

    html = render_html(deck, theme, first_number)
    base = theme.folder.resolve().as_uri() + "/"
    fetcher = confined_fetcher(theme_roots(theme))
    try:
        pdf = HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf()
    except (ValueError, OSError) as exc:
        raise RenderError(f"PDF : {exc}") from exc
    if fetcher.refused:  # a template asked for a font, image or style outside its folders
        raise RenderError("PDF : ressource du modèle hors de ses dossiers, refusée : " + ", ".join(fetcher.refused))
    return pdf


def joined(parts: list[bytes]) -> bytes:
    """One PDF made of `parts` in order, with the first part's metadata."""
    import io

    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(part)) for part in parts]
    for reader in readers:
        writer.append(reader)
    writer.add_metadata({k: v for k, v in (readers[0].metadata or {}).items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def theme_roots(theme: Theme) -> tuple[Path, ...]:
    """Folders the PDF may read from: the template, those it extends, and the built-in default."""
    from ..resources import BUILTIN

    return (*theme.folders, BUILTIN / "default")
