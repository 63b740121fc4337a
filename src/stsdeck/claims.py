"""Check what synthesis bullets claim (rates, sub-claims, doses, toxicity rates, counts) against the data."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .load import Record, load_yaml
from .model import Bullet, Category, Dataset, Study
from .synthesize import counted_patients, is_rtct, local_control_studies, wound_toxicity

SEVERITY = "avertissement"
FILE = "data/categories.yaml"
LOCAL_CONTROL, WOUND, SKIN, HAEMATOLOGIC = "local_control", "wound", "skin", "haematologic"
DOSE, STUDIES, PATIENTS = "dose", "studies", "patients"

# Message templates (French, shown to the author).
MESSAGE = "« {claim} » : les données{scope} donnent {data}"
DATA = "{values} ({studies})"
COUNT = "« {claim} » : la catégorie compte {data}"
NO_DATA = "« {claim} » : aucune étude de la catégorie ne donne cette valeur{scope}"
REOPENED = " ; reconnu pour « {previous} », les données ont changé"
ALL_HORIZONS = ", tous horizons confondus ({horizons}),"
AT_HORIZON = " à {years}"
SELECTED = " ({qualifier})"
GRADE = ", grade {grade}"
UNITS = {DOSE: "Gy", STUDIES: "études", PATIENTS: "patients"}

_NUMBER = r"\d+(?:[.,]\d+)?"
_LABELS = {  # where a claim starts in a bullet; the first that matches a place wins
    LOCAL_CONTROL: re.compile(rf"\bCL\b(?:\s+à\s+(?P<years>{_NUMBER})\s+ans?\b)?"),
    WOUND: re.compile(r"\bcomplications?\s+(?:de\s+)?(?:plaies?|cutan[ée]e?s?(?:\s+aigu[eëü]?s?)?)\b(?P<years>)",
                      re.IGNORECASE),
    SKIN: re.compile(r"\b(?:dermite|dermatite|radiodermite|toxicités?\s+cutanées?)s?\b(?P<years>)", re.IGNORECASE),
    HAEMATOLOGIC: re.compile(r"\btoxicités?\s+hématologiques?\b(?P<years>)", re.IGNORECASE),
    DOSE: re.compile(r"\bRT\b(?P<years>)"),
}
_COUNTS = {STUDIES: re.compile(r"(?P<a>\d+)\s+études?\b"), PATIENTS: re.compile(r"(?P<a>\d[\d  ]*)\s+patients\b")}
_VALUES = {
    "pct": re.compile(rf"(?P<a>{_NUMBER})\s*%?\s*(?:[-–—]\s*(?P<b>{_NUMBER})\s*)?%"),
    "gy": re.compile(rf"(?P<a>{_NUMBER})\s*(?:Gy\s*)?(?:(?:à|[-–—])\s*(?P<b>{_NUMBER})\s*)?Gy"),
}
_SEPARATOR = re.compile(r";|,\s")
_PART = re.compile(r"\s+/\s+")  # « mono CT = 85% / polyCT = 90-99% »: one sub-claim on each side
_QUALIFIERS = (  # (pattern, study field, value): a sub-claim about some of the category's studies
    (re.compile(r"\bmono\s*-?\s*CT\b", re.IGNORECASE), "chemotherapy_kind", "mono"),
    (re.compile(r"\bpoly\s*-?\s*CT\b", re.IGNORECASE), "chemotherapy_kind", "poly"),
)
_DRUG = re.compile(r"\((?P<drug>[A-ZÉ][a-zéèêï]{3,})\)")  # « dermite 2% (Trabectidine) »


@dataclass(frozen=True)
class Claim:
    """A value or range a bullet claims for an outcome, at a horizon in years or at any horizon (None),
    with the decimals it is written with, and the studies it is about (all, or a qualifier's)."""

    outcome: str
    text: str
    low: float
    high: float
    years: float | None
    decimals: int = 0
    qualifier: str = ""  # as written (« mono CT », « Trabectidine »), "" for all the category's studies


@dataclass(frozen=True)
class Point:
    """One study's value for a claimed outcome."""

    study: Study
    value: float
    years: float | None
    grade: str = ""


@dataclass(frozen=True)
class Finding:
    """What the data say against a claim: the message, and the data part an acknowledgement records."""

    message: str
    data: str


# --- parsing -------------------------------------------------------------------------------------------

def parse_claims(text: str) -> tuple[Claim, ...]:
    """The claims of a bullet text, in text order: rates and doses after their label, counts."""
    starts = _starts(text)
    ends = [s for s, _, _ in starts[1:]] + [len(text)]
    claims = [c for (_, outcome, match), end in zip(starts, ends) for c in _claims(text, outcome, match, end)]
    claims += [_count(outcome, m) for outcome, pattern in _COUNTS.items() for m in pattern.finditer(text)]
    return tuple(sorted(claims, key=lambda c: text.index(c.text)))


def _starts(text: str) -> list[tuple[int, str, re.Match[str]]]:
    found: dict[int, tuple[int, str, re.Match[str]]] = {}
    for outcome, label in _LABELS.items():
        for match in label.finditer(text):
            if not any(s <= match.start() < m.end() for s, _, m in found.values()):
                found.setdefault(match.start(), (match.start(), outcome, match))
    return sorted(found.values(), key=lambda f: f[0])


def _claims(text: str, outcome: str, label: re.Match[str], limit: int) -> list[Claim]:
    stop = _SEPARATOR.search(text, label.end(), limit)
    end = stop.start() if stop else limit
    years = _float(label["years"]) if label["years"] else None
    parts = _parts(text, label.end(), end)
    if len(parts) > 1 and all(_qualifier(text[a:b]) for a, b in parts):
        shown = [label.start(), *(a for a, _ in parts[1:])]  # the first sub-claim keeps its label
        return [c for (a, b), at in zip(parts, shown) if (c := _claim(text, outcome, a, b, years, at)) is not None]
    claim = _claim(text, outcome, label.end(), end, years, label.start())
    return [] if claim is None else [claim]


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [m for m in _PART.finditer(text, start, end)]
    bounds = [start, *(c for m in cuts for c in (m.start(), m.end())), end]
    return list(zip(bounds[::2], bounds[1::2]))


def _claim(text: str, outcome: str, start: int, end: int, years: float | None, shown_from: int) -> Claim | None:
    pattern = _VALUES["gy" if outcome == DOSE else "pct"]
    found = list(pattern.finditer(text, start, end))
    if not found:
        return None
    numbers = [m[k] for m in found for k in ("a", "b") if m[k]]
    values = [_float(n) for n in numbers]
    stop = found[-1].end()
    drug = _DRUG.match(text, stop + (len(text[stop:end]) - len(text[stop:end].lstrip())))
    stop = drug.end() if drug else stop
    return Claim(outcome, text[shown_from:stop].strip(), min(values), max(values), years,
                 max(_decimals(n) for n in numbers), _qualifier(text[start:stop]))


def _qualifier(text: str) -> str:
    for pattern, _, _ in _QUALIFIERS:
        if match := pattern.search(text):
            return match.group(0)
    drug = _DRUG.search(text)
    return drug["drug"] if drug else ""


def _count(outcome: str, match: re.Match[str]) -> Claim:
    value = float(re.sub(r"\D", "", match["a"]))
    return Claim(outcome, match.group(0), value, value, None)


def _float(number: str) -> float:
    return float(number.replace(",", "."))


def _decimals(number: str) -> int:
    return len(re.split(r"[.,]", number)[1]) if re.search(r"[.,]", number) else 0


# --- the data a claim is about -------------------------------------------------------------------------

def selected(category: Category, claim: Claim) -> tuple[Study, ...]:
    """The category's studies a claim is about: those its qualifier names, else all."""
    if not claim.qualifier:
        return category.studies
    for pattern, field, value in _QUALIFIERS:
        if pattern.fullmatch(claim.qualifier):
            return tuple(s for s in category.studies if getattr(s, field) == value)
    drug = claim.qualifier.lower()
    return tuple(s for s in category.studies if drug in s.cells.chemotherapy.lower())


def _highest(kind: str) -> Callable[[Study], list[Point]]:
    def points(study: Study) -> list[Point]:
        rates = [t for t in study.toxicity if t.kind == kind and is_rtct(study, t.cohort)]
        top = max(rates, key=lambda t: t.pct, default=None)
        return [] if top is None else [Point(study, top.pct, None, top.grade)]
    return points


def _wound(study: Study) -> list[Point]:
    wound = wound_toxicity(study)
    return [] if wound is None else [Point(study, wound.pct, None, wound.grade)]


def _doses(study: Study) -> list[Point]:
    if not is_rtct(study):
        return []
    return [Point(study, s.total_dose_gy, None) for s in study.radiotherapy if not s.boost]


POINTS: dict[str, Callable[[Study], list[Point]]] = {
    WOUND: _wound, SKIN: _highest(SKIN), HAEMATOLOGIC: _highest(HAEMATOLOGIC), DOSE: _doses}


def points(category: Category, claim: Claim) -> tuple[Point, ...]:
    """The values of the studies a claim is about, for its outcome and horizon (RT-CT cohorts only)."""
    studies = selected(category, claim)
    if claim.outcome == LOCAL_CONTROL:
        return tuple(Point(s, s.local_control.pct, s.local_control.years)
                     for s in local_control_studies(studies, claim.years))
    return tuple(p for s in studies for p in POINTS[claim.outcome](s))


# --- checking ------------------------------------------------------------------------------------------

def accepts(claim: Claim, value: float) -> bool:
    """Whether `value`, rounded half up to the claim's decimals, lies within the claimed range."""
    scale = 10 ** claim.decimals
    rounded = math.floor(value * scale + 0.5 + 1e-9) / scale
    return claim.low - 1e-9 <= rounded <= claim.high + 1e-9


def check_claim(claim: Claim, category: Category) -> Finding | None:
    """What the data say when some value falls outside the claim once rounded, else None."""
    if claim.outcome in UNITS and claim.outcome != DOSE:
        return _check_count(claim, category)
    found = points(category, claim)
    selection = SELECTED.format(qualifier=claim.qualifier) if claim.qualifier else ""
    if not found:
        return Finding(NO_DATA.format(claim=claim.text, scope=_horizon(claim.years) + selection), "")
    outside = sorted((p for p in found if not accepts(claim, p.value)), key=lambda p: (p.value, p.study.key))
    if not outside:
        return None
    low, high = min(p.value for p in found), max(p.value for p in found)
    unit = UNITS.get(claim.outcome, "%")
    values = f"{_fr(low)} {unit}" if low == high else f"{_fr(low)}–{_fr(high)} {unit}"
    data = DATA.format(values=values, studies=" ; ".join(_describe(p, claim, unit) for p in outside))
    return Finding(MESSAGE.format(claim=claim.text, scope=_scope(claim, found, selection), data=data), data)


def _check_count(claim: Claim, category: Category) -> Finding | None:
    count = len(category.studies) if claim.outcome == STUDIES else counted_patients(category.studies)
    if count == claim.low:
        return None
    data = f"{count} {UNITS[claim.outcome]}"
    return Finding(COUNT.format(claim=claim.text, data=data), data)


def _scope(claim: Claim, found: Sequence[Point], selection: str) -> str:
    """What the data were read for: every horizon, or the qualifier's studies at the claim's horizon."""
    if claim.outcome == LOCAL_CONTROL and claim.years is None:
        return ALL_HORIZONS.format(horizons=_years_list(sorted({p.years for p in found}))) + selection
    return _horizon(claim.years) + selection if selection else ""


def _describe(point: Point, claim: Claim, unit: str) -> str:
    text = f"{point.study.name} : {_fr(point.value)} {unit}"
    if claim.outcome == LOCAL_CONTROL and claim.years is None:
        text += AT_HORIZON.format(years=_years_list([point.years]))
    return text + (GRADE.format(grade=point.grade) if point.grade else "")


def _horizon(years: float | None) -> str:
    return AT_HORIZON.format(years=_years_list([years])) if years is not None else ""


def _years_list(years: Sequence[float]) -> str:
    numbers = [_fr(y) for y in years]
    joined = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " et " + numbers[-1]
    return f"{joined} {'an' if years == [1] else 'ans'}"


def _fr(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# --- findings as warnings ------------------------------------------------------------------------------

def bullet_texts(category: Category, index: int) -> Iterator[tuple[str, str, Bullet]]:
    """(field path, text, bullet) of each bullet and sub-bullet of a category's synthesis."""
    for j, bullet in enumerate(category.synthesis):
        path = f"categories[{index}].synthesis[{j}]"
        yield (f"{path}.text" if bullet.sub or bullet.acknowledged else path), bullet.text, bullet
        yield from ((f"{path}.sub[{k}]", sub, bullet) for k, sub in enumerate(bullet.sub))


def warning(finding: Finding, bullet: Bullet, file: str, line: int, field: str) -> Problem:
    """The finding as a warning: acknowledged when the bullet acknowledges these very data, reopened
    (not acknowledged, saying so) when it acknowledged other data."""
    if bullet.acknowledged and finding.data in bullet.acknowledged_data:
        return Problem(file, line, field, finding.message, SEVERITY, bullet.acknowledged)
    previous = " | ".join(bullet.acknowledged_data)
    reopened = REOPENED.format(previous=previous) if bullet.acknowledged else ""
    return Problem(file, line, field, finding.message + reopened, SEVERITY)


def check_claims(dataset: Dataset, source: Record | None = None) -> list[Problem]:
    """Warnings for synthesis claims the data contradict; `source` (categories.yaml's record) gives lines."""
    file = source.file if source else FILE
    problems = []
    for index, category in enumerate(dataset.categories):
        for field, text, bullet in bullet_texts(category, index):
            for claim in parse_claims(text):
                if (finding := check_claim(claim, category)) is not None:
                    problems.append(warning(finding, bullet, file, source.line(field) if source else 0, field))
    return sorted(problems)


def read_source(root: Path) -> Record | None:
    """The loaded categories.yaml of `root`, whose lines locate the findings."""
    record, _ = load_yaml(root / "categories.yaml", root)
    return record
