"""Nothing fetched: HTML, URLs and paths written in the data are shown as text, never followed."""

from __future__ import annotations

import shutil
import socket
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pypdf import PdfReader

import stsdeck.render.pdf as pdf_module
from stsdeck.build import BuildConfig, build
from stsdeck.resources import BUILTIN

from .conftest import DATA

HOSTILE = {
    "histology": '<img src="file:///etc/passwd"> <script>alert(1)</script>',
    "chemotherapy": "file:///etc/hostname",
    "design": "http://127.0.0.1:9/x.png",
    "reference": "../../secret.txt",
}
CSS = "url(http://127.0.0.1:9/y.png)"
TITLE = '<b onload="fetch(\'http://127.0.0.1:9/t\')">Titre</b>'


def hostile_data(data: Path) -> Path:
    """The default dataset with hostile texts in cells, a context bullet and the deck title."""
    path = data / "studies" / "delaney-2003.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for key, text in HOSTILE.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}: "))
        lines[index] = f"  {key}: {quoted(text)}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    context = data / "context.yaml"
    context.write_text(context.read_text(encoding="utf-8").replace(
        '  - "Standard = chirurgie', f"  - {quoted(CSS)}\n  - \"Standard = chirurgie", 1), encoding="utf-8")
    deck = data / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace(
        'title: "Radiochimiothérapie des sarcomes des tissus mous"', f"title: {quoted(TITLE)}", 1), encoding="utf-8")
    return data


def quoted(text: str) -> str:
    """`text` as a single-quoted YAML scalar."""
    return "'" + text.replace("'", "''") + "'"


def squeezed(text: str) -> str:
    """`text` without any whitespace: wrapped lines in a table cell join again."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The hostile dataset built, every connection and every URL asked recorded in log files (the PDF
    renders in a forked worker process, which inherits these patches and appends to the same files)."""
    root = tmp_path_factory.mktemp("hostile")
    data = hostile_data(Path(shutil.copytree(DATA, root / "data")))
    logs = {name: root / f"{name}.log" for name in ("connections", "urls", "paths")}

    def record(name: str, value: Any) -> None:
        with open(logs[name], "a", encoding="utf-8") as log:
            log.write(f"{value}\n")

    def refuse(*args: Any, **kwargs: Any) -> None:
        record("connections", args)
        raise OSError("connexion interdite pendant le rendu")

    original_fetcher, original_allowed = pdf_module.confined_fetcher, pdf_module.allowed_path

    def recording_fetcher(roots: tuple[Path, ...]) -> Any:
        fetcher = original_fetcher(roots)
        fetch = fetcher.fetch

        def recorded(url: str, headers: Any = None) -> Any:
            record("urls", url)
            return fetch(url, headers)

        fetcher.fetch = recorded
        return fetcher

    def recording_allowed(url: str, roots: tuple[Path, ...]) -> Path | None:
        record("paths", url)
        return original_allowed(url, roots)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        patch.setattr(pdf_module, "confined_fetcher", recording_fetcher)
        patch.setattr(pdf_module, "allowed_path", recording_allowed)
        written = build(BuildConfig(data, root / "out")).written
    outputs = {p.suffix.lstrip("."): p for p in written}
    logged = {name: path.read_text(encoding="utf-8").splitlines() if path.exists() else []
              for name, path in logs.items()}
    return {"pdf": outputs["pdf"], "pptx": outputs["pptx"], **logged}


def test_no_connection_is_attempted(hostile_build: dict[str, Any]) -> None:
    assert hostile_build["connections"] == []


def test_only_template_files_and_inline_data_are_read(hostile_build: dict[str, Any]) -> None:
    urls = hostile_build["urls"]
    assert any(url.endswith("LiberationSans-Regular.ttf") for url in urls)  # the recording works
    templates = BUILTIN.resolve()
    for url in urls:
        if url.startswith("data:"):
            continue
        assert url.startswith("file://"), url
        path = Path(url.removeprefix("file://")).resolve()
        assert path.is_relative_to(templates) and path.is_file(), url
    assert set(hostile_build["paths"]) == {u for u in urls if not u.startswith("data:")}


def test_hostile_texts_appear_literally_in_the_pdf(hostile_build: dict[str, Any]) -> None:
    text = squeezed(" ".join(page.extract_text() for page in PdfReader(hostile_build["pdf"]).pages))
    for written in [*HOSTILE.values(), CSS, TITLE]:
        assert squeezed(written) in text, written


def test_hostile_texts_appear_literally_in_the_pptx(hostile_build: dict[str, Any]) -> None:
    prs = Presentation(hostile_build["pptx"])
    texts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
    shown = [squeezed(text.replace("\u2060", "")) for text in texts]  # lines broken as measured, word joiners
    for written in [*HOSTILE.values(), CSS, TITLE]:
        assert any(squeezed(written) in text for text in shown), written


def test_the_pptx_links_to_nothing_outside(hostile_build: dict[str, Any]) -> None:
    with zipfile.ZipFile(hostile_build["pptx"]) as package:
        rels = [package.read(name).decode("utf-8") for name in package.namelist() if name.endswith(".rels")]
    assert not any('TargetMode="External"' in rel for rel in rels)
