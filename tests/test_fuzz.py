"""Fuzzing: every dataset the schema accepts builds; every mutation of a valid study is accepted or
answered with located problems, never with another exception."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader

from stsdeck.build import check
from stsdeck.deck import build_deck
from stsdeck.errors import DataError
from stsdeck.render.pdf import render_pdf
from stsdeck.render.pptx import render_pptx
from stsdeck.schema import DESIGNS, TOXICITY_KINDS
from stsdeck.synthesize import figures
from stsdeck.themes import load_theme
from stsdeck.validate import load_dataset

from .conftest import DATA
from .factory import make_dataset

# Printable text the fonts cover: letters, digits, punctuation, symbols and spaces of the Latin, Greek and
# Cyrillic blocks (no control or surrogate character: the checker refuses those), plus what breaks markup.
CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x4FF)
SPECIALS = st.sampled_from(["≥", "≤", "%", "'", '"', "«", "»", "<", ">", "&", "<b>", "&amp;", "é", "è", "à",
                            "ç", "œ", "É", "–", "—", "µ", "±", "/", ":", ";", "?", "!", "x", "Gy", "cm"])
LONG_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàç"), min_size=20, max_size=32)
PLAIN = st.text(CHARS, min_size=1, max_size=10)
WORD = st.one_of(PLAIN, PLAIN, PLAIN, SPECIALS, SPECIALS, LONG_WORD)
TEXT = st.lists(st.tuples(WORD, st.sampled_from([" ", " ", " ", "\n"])), max_size=6).map(
    lambda parts: "".join(word + sep for word, sep in parts).strip())
PCT = st.integers(0, 1000).map(lambda tenths: tenths / 10)
YEARS = st.integers(1, 500).map(lambda tenths: tenths / 10)


def shown(value: float) -> str:
    """A number as a cell writes it: decimal comma."""
    return f"{value:g}".replace(".", ",")


@st.composite
def studies(draw: st.DrawFn, index: int) -> dict[str, Any]:
    """A study the schema accepts, its structured numbers written into their cells."""
    patients = draw(st.integers(1, 5000))
    numbers: dict[str, list[float]] = {key: [] for key in ("patients", "radiotherapy", "pcr", "r0", "toxicity",
                                                           "local_control", "survival")}
    study: dict[str, Any] = {"category": "synth", "order": index + 1, "first_author": f"{draw(TEXT)} {index}",
                             "year": draw(st.one_of(st.none(), st.integers(1950, 2100))), "journal": draw(TEXT),
                             "design": draw(st.sampled_from(DESIGNS)), "patients": patients}
    numbers["patients"].append(patients)
    cohorts = draw(st.lists(st.integers(1, patients), max_size=2))
    if cohorts:
        study["cohorts"] = [{"label": draw(TEXT), "patients": n} for n in cohorts]
        numbers["patients"] += cohorts
    schedules = []
    for _ in range(draw(st.integers(0, 2))):
        schedule: dict[str, Any] = {"total_dose_gy": draw(st.integers(1, 1500)) / 10}
        if draw(st.booleans()):
            schedule["fractions"] = draw(st.integers(1, 100))
        if draw(st.booleans()):
            schedule["dose_per_fraction_gy"] = draw(st.integers(1, 300)) / 10
        if draw(st.booleans()):
            schedule["split_course"] = draw(st.booleans())
        numbers["radiotherapy"] += [v for k, v in schedule.items() if k != "split_course"]
        schedules.append(schedule)
    if schedules:
        study["radiotherapy"] = schedules
    for key, cell in (("pcr_pct", "pcr"), ("r0_pct", "r0")):
        if draw(st.booleans()):
            study[key] = draw(PCT)
            numbers[cell].append(study[key])
    if draw(st.booleans()):
        study["major_response"] = {"pct": draw(PCT), "threshold": draw(TEXT)}
        numbers["pcr"].append(study["major_response"]["pct"])
    if draw(st.booleans()):
        study["local_control"] = {"pct": draw(PCT), "years": draw(st.one_of(st.just(5), YEARS))}
        numbers["local_control"] += study["local_control"].values()
    survival = [{"kind": draw(st.sampled_from(["SG", "SSM", "SSR", "SSP"])), "pct": draw(PCT),
                 "years": draw(st.one_of(st.just(5), YEARS))} for _ in range(draw(st.integers(0, 2)))]
    if survival:
        study["survival"] = survival
        numbers["survival"] += [v for rate in survival for v in (rate["pct"], rate["years"])]
    toxicity = [{"label": draw(TEXT), "pct": draw(PCT), "kind": draw(st.sampled_from(TOXICITY_KINDS))}
                for _ in range(draw(st.integers(0, 2)))]
    if toxicity:
        study["toxicity"] = toxicity
        numbers["toxicity"] += [t["pct"] for t in toxicity]
    cells = {key: draw(TEXT) for key in ("reference", "design", "histology", "chemotherapy")}
    cells["reference"] = f"{cells['reference']} {index}".strip()  # one study per file: no two alike
    cells |= {key: (draw(TEXT) + " " + " ; ".join(shown(n) + " %" for n in values)).strip()
              for key, values in numbers.items()}
    study["cells"] = cells
    return study


def dataset_folder(root: Path, records: list[dict[str, Any]]) -> Path:
    """The synthetic dataset's base files with `records` as its studies."""
    data = make_dataset(root, 0)
    for index, record in enumerate(records, 1):
        path = data / "studies" / f"etude{index:02d}-2020.yaml"
        path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def theme() -> Any:
    return load_theme()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records=st.integers(1, 6).flatmap(lambda n: st.tuples(*(studies(i) for i in range(n)))))
def test_any_accepted_dataset_builds_a_deck_both_readers_reopen(theme: Any, records: tuple[dict[str, Any], ...]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        dataset = load_dataset(dataset_folder(Path(folder) / "data", list(records)))
    try:
        deck = build_deck(dataset, theme, figures(dataset))
    except DataError as error:  # long words in many columns can leave a row taller than a slide
        assert all(p.file and p.line > 0 and p.field.startswith("cells.") and "trop haute" in p.message
                   for p in error.problems), error
        return
    slides = len(Presentation(io.BytesIO(render_pptx(deck, theme))).slides)
    assert slides == len(deck.slides)
    assert len(PdfReader(io.BytesIO(render_pdf(deck, theme))).pages) == slides


# Mutations of a valid study file.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(), st.text(max_size=20))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)
GARBAGE = st.one_of(st.text(max_size=12), st.sampled_from(["\t", ": ", '"', "'", "[", "{", "- ", "#", "&a", "*a",
                                                           "\x07", "\ud800", "\r", "\ufeff", "%", "!!", "---"]))
STUDY = "delaney-2003.yaml"


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default deck's files with one study per category, Delaney's among them."""
    data = tmp_path_factory.mktemp("mutations") / "data"
    shutil.copytree(DATA, data)
    keep = {STUDY, "byun-2021.yaml", "eilber-2001.yaml", "fakhai-2010.yaml"}
    for path in (data / "studies").glob("*.yaml"):
        if path.name not in keep:
            path.unlink()
    check(data)
    return data


def paths(value: Any, here: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) inside a nested value."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    found = []
    for key, child in children:
        found += [(*here, key), *paths(child, (*here, key))]
    return found


def mutated(draw: st.DrawFn, record: dict[str, Any]) -> bytes:
    """`record` with values replaced or deleted, written as YAML, then maybe garbled as text or bytes."""
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(paths(record)))
        parent = record
        for key in where[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[where[-1]]
        else:
            parent[where[-1]] = draw(VALUES)
    text = yaml.safe_dump(record, allow_unicode=True)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(GARBAGE) + text[at + cut:]
    content = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(min_size=1, max_size=4)) + content[at:]
    return content


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mutation_of_a_study_is_accepted_or_located(small_data: Path, data: st.DataObject) -> None:
    path = small_data / "studies" / STUDY
    original = yaml.safe_load((DATA / "studies" / STUDY).read_text(encoding="utf-8"))
    path.write_bytes(mutated(data.draw, original))
    try:
        check(small_data)
    except DataError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file and (problem.line > 0 or problem.field), problem
