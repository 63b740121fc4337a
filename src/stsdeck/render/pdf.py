"""HTML -> .pdf bytes with WeasyPrint; the URL fetcher reads only inside the template folders."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class Part:
    """The PDF of one section of the deck, under its cache file name."""

    index: int  # the section's position in the deck
    name: str  # cache file, named after everything its bytes depend on
    data: bytes
    fresh: bool  # rendered by this build; False when read from the cache


def render_pdf(deck: Deck, theme: Theme) -> bytes:
    """The whole deck as one PDF, every section rendered here (no cache)."""
    return assembled(deck, theme, ())


def assembled(deck: Deck, theme: Theme, known: tuple[Part, ...]) -> bytes:
    """The deck as one PDF, each font once: every section's PDF taken from `known`, or rendered here."""
    sections = _sections(deck, theme)
    found = {part.name: part.data for part in known}
    missing = [s for s in sections if s.name not in found]
    found |= {part.name: part.data for part in _rendered(missing, theme, None, deck.date)}
    return joined([found[section.name] for section in sections])


@dataclass(frozen=True)
class _Section:
    index: int
    deck: Deck
    html: str
    name: str
    look: str  # digest of the template folders' files


def _sections(deck: Deck, theme: Theme) -> list[_Section]:
    """Every section of `deck` in order, with its HTML and the cache file name of its PDF."""
    from ..manifest import files_digest

    look = files_digest(theme_roots(theme))
    stamp = renderer_stamp(look)
    sections = []
    for index, (section, first) in enumerate(sections_of(deck)):
        html = render_html(section, theme, first)
        sections.append(_Section(index, section, html, part_name(html, stamp), look))
    return sections


def rendered_parts(deck: Deck, theme: Theme, out: Path | None, share: tuple[int, int],
                   wanted: Callable[[Deck], bool]) -> tuple[Part, ...]:
    """The PDFs of the `wanted` sections of share `share` (i of n) of `deck`: read from `out`'s
    cache when there, else laid out and written here, each font subset once per section (`joined`
    merges them)."""
    chosen = {index for index, _ in shared(list(enumerate(sections_of(deck))), share)}
    return _rendered([s for s in _sections(deck, theme) if s.index in chosen and wanted(s.deck)], theme, out,
                     deck.date)


def _rendered(sections: list[_Section], theme: Theme, out: Path | None, iso_date: str) -> tuple[Part, ...]:
    """The PDFs of `sections`, from `out`'s cache or laid out here; font timestamps come from
    SOURCE_DATE_EPOCH or the deck's date, never the clock."""
    parts = []
    try:
        for section in sections:
            cached = _cached(out / section.name) if out is not None else None
            data = cached if cached is not None else _written(_laid_out(section.html, theme, section.look), iso_date)
            parts.append(Part(section.index, section.name, data, cached is None))
    except (ValueError, OSError) as exc:
        raise RenderError(f"PDF : {exc}") from exc
    finally:
        _FONTS.clear()  # a font configuration removes its folder when dropped: none may outlive the call
    return tuple(parts)


def with_chart(key: str) -> Callable[[Deck], bool]:
    """True for a section that shows chart `key`."""
    from ..slides import ChartBlock

    return lambda section: any(isinstance(block, ChartBlock) and block.key == key
                               for slide in section.slides for block in slide.blocks)


def without_chart(section: Deck) -> bool:
    """True for a section that can be rendered before the charts are drawn."""
    return not any(slide.kind == "chart" for slide in section.slides)


def part_name(html: str, stamp: str) -> str:
    """Cache file of the PDF of a section: a hash of its HTML and of `renderer_stamp`."""
    from ..manifest import CACHE_DIR, digest

    return f"{CACHE_DIR}/pdf-{digest((stamp + html).encode())[:24]}.pdf"


def renderer_stamp(look: str) -> str:
    """What a section's PDF depends on besides its HTML: `look` (the template folders' files), the
    code, WeasyPrint's version and font subsetter, SOURCE_DATE_EPOCH."""
    import os

    from weasyprint import __version__
    from weasyprint.pdf import fonts

    from ..manifest import code_digest

    subsetter = "harfbuzz" if fonts.harfbuzz_subset is not None else "fonttools"
    return f"{look}:{code_digest()}:{__version__}:{subsetter}:{os.environ.get('SOURCE_DATE_EPOCH', '')}:"


def _cached(path: Path) -> bytes | None:
    """A section's PDF kept at `path`, if whole."""
    data = path.read_bytes() if path.is_file() else b""
    return data if data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") else None


def _written(document: Any, iso_date: str) -> bytes:
    """A laid-out WeasyPrint document as PDF bytes."""
    with _reproducible(iso_date):
        return document.write_pdf()


def joined(parts: list[bytes]) -> bytes:
    """One PDF of `parts` in order, each font embedded once."""
    from .pdfjoin import joined as join

    return join(parts)


def date_epoch(iso_date: str) -> int:
    """Seconds from 1970 to midnight UTC of `iso_date` (1980-01-01 if it is not a date)."""
    try:
        day = dt.date.fromisoformat(iso_date)
    except ValueError:
        day = dt.date(1980, 1, 1)
    return int(dt.datetime.combine(day, dt.time(), dt.timezone.utc).timestamp())


def shared(sections: list[tuple[int, tuple[Deck, int]]], share: tuple[int, int]) -> list[tuple[int, tuple[Deck, int]]]:
    """Share i of n of the numbered `sections`: consecutive sections, about as many slides in each share."""
    index, count = share
    total = sum(len(part.slides) for _, (part, _) in sections)
    low, high = total * index / count, total * (index + 1) / count
    return [(number, (part, first)) for number, (part, first) in sections if low <= first - 1 < high]


CHUNK = 5  # at most this many slides per section: an edit renders its section again, and no more


def sections_of(deck: Deck) -> list[tuple[Deck, int]]:
    """The deck cut into sections, each with its first slide number: each chart slide alone (it
    can be rendered once its chart is drawn, and again only when it changes), a cut after each
    category's synthesis, and every CHUNK slides."""
    slides, bounds, start = deck.slides, [], 0
    for index in range(1, len(slides) + 1):
        if index == len(slides) or index - start == CHUNK or slides[index - 1].kind in ("chart", "synthesis") \
                or slides[index].kind == "chart":
            bounds.append((start, index))
            start = index
    return [(replace(deck, slides=slides[a:b]), a + 1) for a, b in bounds]


# The fonts loaded while rendering sections, kept from one section to the next within one call (a
# process forked later must not inherit one: dropping it there would remove its parent's font folder).
_FONTS: dict[tuple[tuple[Path, ...], str], Any] = {}


def _laid_out(html: str, theme: Theme, look: str) -> Any:
    """The WeasyPrint document of one section's HTML, laid out; `look` is the digest of the template folders."""
    from .weasy import weasyprint

    html_document = weasyprint().HTML
    from weasyprint.text.fonts import FontConfiguration

    roots = theme_roots(theme)
    fetcher = confined_fetcher(roots)
    if (roots, look) not in _FONTS:
        _FONTS.clear()
        _FONTS[roots, look] = FontConfiguration()
    fonts = _FONTS[roots, look]
    try:
        document = html_document(string=html, base_url=theme.folder.resolve().as_uri() + "/", url_fetcher=fetcher
                        ).render(font_config=fonts)
    except (ValueError, OSError) as exc:
        raise RenderError(f"PDF : {exc}") from exc
    if fetcher.refused:  # a template asked for a font, image or style outside its folders
        raise RenderError("PDF : ressource du modèle hors de ses dossiers, refusée : " + ", ".join(fetcher.refused))
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
