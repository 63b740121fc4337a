"""Check the ranges that synthesis bullets claim against the ranges the study data give."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .load import Record, load_yaml
from .model import Category, Dataset, Study
from .synthesize import local_control_studies, wound_toxicity

SEVERITY = "avertissement"
FILE = "data/categories.yaml"
LOCAL_CONTROL = "local_control"
WOUND = "wound"

# Message templates (French, shown to the author).
MESSAGE = "« {claim} » : les données{scope} donnent {low}–{high} % ({studies})"
NO_DATA = "« {claim} » : aucune étude de la catégorie ne donne cette valeur{scope}"
ALL_HORIZONS = ", tous horizons confondus ({horizons}),"
AT_HORIZON = " à {years}"
GRADE = ", grade {grade}"

_NUMBER = r"\d+(?:[.,]\d+)?"
_LABELS = {
    LOCAL_CONTROL: re.compile(rf"\bCL\b(?:\s+à\s+(?P<years>{_NUMBER})\s+ans?\b)?"),
    WOUND: re.compile(r"\bcomplications?\s+(?:de\s+)?(?:plaies?|cutan[ée]e?s?(?:\s+aigu[eëü]?s?)?)\b(?P<years>)",
                      re.IGNORECASE),
}
_PERCENT = re.compile(rf"(?P<a>{_NUMBER})\s*%?\s*(?:[-–—]\s*(?P<b>{_NUMBER})\s*)?%")
_SEPARATOR = re.compile(r";|,\s")


@dataclass(frozen=True)
class Claim:
    """A range a bullet claims for an outcome, at a horizon in years or at any horizon (None)."""

    outcome: str
    text: str
    low: float
    high: float
    years: float | None


@dataclass(frozen=True)
class Point:
    """One study's value for a claimed outcome."""

    study: Study
    pct: float
    years: float | None
    grade: str = ""


def parse_claims(text: str) -> tuple[Claim, ...]:
    """The local-control and wound-complication ranges a bullet text claims, in text order."""
    starts = sorted(((m.start(), outcome, m) for outcome, label in _LABELS.items() for m in label.finditer(text)),
                    key=lambda found: found[0])
    ends = [s for s, _, _ in starts[1:]] + [len(text)]
    claims = (_claim(text, outcome, match, end) for (_, outcome, match), end in zip(starts, ends))
    return tuple(c for c in claims if c is not None)


def _claim(text: str, outcome: str, label: re.Match[str], limit: int) -> Claim | None:
    stop = _SEPARATOR.search(text, label.end(), limit)
    segment_end = stop.start() if stop else limit
    found = list(_PERCENT.finditer(text, label.end(), segment_end))
    if not found:
        return None
    values = [_float(m[k]) for m in found for k in ("a", "b") if m[k]]
    years = _float(label["years"]) if label["years"] else None
    return Claim(outcome, text[label.start():found[-1].end()], min(values), max(values), years)


def _float(number: str) -> float:
    return float(number.replace(",", "."))


def points(category: Category, claim: Claim) -> tuple[Point, ...]:
    """The category's study values for the outcome and horizon of `claim`."""
    if claim.outcome == LOCAL_CONTROL:
        return tuple(Point(s, s.local_control.pct, s.local_control.years)
                     for s in local_control_studies(category.studies, claim.years))
    return tuple(Point(s, w.pct, None, w.grade) for s in category.studies if (w := wound_toxicity(s)))


def check_claim(claim: Claim, category: Category, tolerance_pct: float = 1.0) -> str | None:
    """The message when the data range leaves the claimed range widened by the tolerance, else None."""
    found = points(category, claim)
    if not found:
        return NO_DATA.format(claim=claim.text, scope=_horizon(claim.years))
    low, high = min(p.pct for p in found), max(p.pct for p in found)
    if claim.low - tolerance_pct <= low + 1e-9 and high <= claim.high + tolerance_pct + 1e-9:
        return None
    outside = sorted((p for p in found if not claim.low <= p.pct <= claim.high), key=lambda p: p.pct)
    return MESSAGE.format(claim=claim.text, scope=_scope(claim, found), low=_fr(low), high=_fr(high),
                          studies=" ; ".join(_describe(p, claim) for p in outside))


def _scope(claim: Claim, found: Sequence[Point]) -> str:
    if claim.outcome != LOCAL_CONTROL or claim.years is not None:
        return ""
    return ALL_HORIZONS.format(horizons=_years_list(sorted({p.years for p in found})))


def _describe(point: Point, claim: Claim) -> str:
    study = point.study
    name = f"{study.first_author} {study.year}" if study.year else study.first_author
    text = f"{name} : {_fr(point.pct)} %"
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


def bullet_texts(category: Category, index: int) -> Iterator[tuple[str, str, str]]:
    """(field path, text, acknowledgement) of each bullet and sub-bullet of a category's synthesis."""
    for j, bullet in enumerate(category.synthesis):
        path = f"categories[{index}].synthesis[{j}]"
        yield (f"{path}.text" if bullet.sub or bullet.acknowledged else path), bullet.text, bullet.acknowledged
        yield from ((f"{path}.sub[{k}]", sub, bullet.acknowledged) for k, sub in enumerate(bullet.sub))


def check_claims(dataset: Dataset, tolerance_pct: float = 1.0, source: Record | None = None) -> list[Problem]:
    """Warnings for synthesis ranges the data contradict; `source` (categories.yaml's record) gives lines."""
    file = source.file if source else FILE
    problems = []
    for index, category in enumerate(dataset.categories):
        for field, text, acknowledged in bullet_texts(category, index):
            for claim in parse_claims(text):
                if (message := check_claim(claim, category, tolerance_pct)) is not None:
                    line = source.line(field) if source else 0
                    problems.append(Problem(file, line, field, message, SEVERITY, acknowledged))
    return sorted(problems)


def read_source(root: Path) -> Record | None:
    """The loaded categories.yaml of `root`, whose lines locate the findings."""
    record, _ = load_yaml(root / "categories.yaml", root)
    return record
