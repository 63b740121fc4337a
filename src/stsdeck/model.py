"""Frozen domain values: studies, outcomes, categories, trials and the dataset."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

CELL_KEYS = ("reference", "design", "patients", "histology", "chemotherapy", "radiotherapy",
             "pcr", "r0", "toxicity", "local_control", "survival")


@dataclass(frozen=True)
class Cells:
    """Display text of a study's table row, column by column, verbatim after repair."""

    reference: str
    design: str
    patients: str
    histology: str
    chemotherapy: str
    radiotherapy: str
    pcr: str
    r0: str
    toxicity: str
    local_control: str
    survival: str

    def in_order(self) -> tuple[str, ...]:
        """The cells in table column order."""
        return tuple(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Schedule:
    """One radiotherapy schedule: total dose, fractions, dose per fraction."""

    total_dose_gy: float
    fractions: int | None = None
    dose_per_fraction_gy: float | None = None
    split_course: bool = False
    twice_daily: bool = False
    boost: bool = False  # a complement added to the study's main schedule
    conditional: bool = False  # given to some patients only (« +/- … si R1 »)


@dataclass(frozen=True)
class Rate:
    """A percentage with its horizon in years (local control, survival)."""

    pct: float
    years: float
    kind: str = ""
    cohort: str = ""  # label of the cohort the rate describes, "" for the study's own arm


@dataclass(frozen=True)
class Toxicity:
    """A toxicity rate as the study reports it."""

    label: str
    pct: float
    kind: str
    grade: str = ""
    cohort: str = ""


@dataclass(frozen=True)
class Response:
    """A major pathological response rate at a necrosis threshold."""

    pct: float
    threshold: str
    cohort: str = ""


@dataclass(frozen=True)
class Cohort:
    """A sub-cohort of a study: an arm, a comparator or a subgroup, with its size when stated."""

    label: str
    patients: int | None = None
    role: str = "rtct"  # rtct | control | subgroup | mixed


@dataclass(frozen=True)
class Study:
    """One published study, its table row and the values its text states."""

    key: str
    file: str
    category: str
    order: int
    first_author: str
    year: int | None
    journal: str
    design: str
    cells: Cells
    patients: int
    cohorts: tuple[Cohort, ...] = ()
    arm: str = ""  # label of the cohort the structured values describe; "" for the whole study
    shared_patients: str = ""  # series name: studies sharing it may report the same patients
    chemotherapy_kind: str = ""  # mono | poly | mixed
    radiotherapy: tuple[Schedule, ...] = ()
    pcr_pct: float | None = None
    major_response: Response | None = None
    r0_pct: float | None = None
    local_control: Rate | None = None
    survival: tuple[Rate, ...] = ()
    toxicity: tuple[Toxicity, ...] = ()
    title: str = ""
    doi: str = ""
    pmid: str = ""
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def name(self) -> str:
        """First author and year ("Hazell 2020"), the author alone without a year."""
        return self.first_author if self.year is None else f"{self.first_author} {self.year}"


@dataclass(frozen=True)
class Bullet:
    """A bullet with optional sub-bullets, in the author's words."""

    text: str
    sub: tuple[str, ...] = ()
    acknowledged: str = ""  # why a warning about this bullet was reviewed and kept
    acknowledged_data: tuple[str, ...] = ()  # the data the acknowledgement was given for


@dataclass(frozen=True)
class Section:
    """A text slide's content: title and bullets (context, conclusion)."""

    title: str
    bullets: tuple[Bullet, ...]


@dataclass(frozen=True)
class Category:
    """A treatment category: its table title, synthesis and studies in order."""

    key: str
    title: str
    short_title: str
    setting: str
    synthesis: tuple[Bullet, ...]
    studies: tuple[Study, ...]


@dataclass(frozen=True)
class Trial:
    """An ongoing trial and its schedule."""

    title: str
    schedule: str


@dataclass(frozen=True)
class DeckInfo:
    """Deck metadata and the labels the slides use."""

    title: str
    subtitle: str
    authors: tuple[str, ...]
    event: str
    date: str
    institution: str
    slug: str
    columns: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]

    def label(self, key: str) -> str:
        """The French label named `key`."""
        return dict(self.labels)[key]


@dataclass(frozen=True)
class Dataset:
    """Everything the deck says, validated."""

    info: DeckInfo
    context: Section
    categories: tuple[Category, ...]
    trials_title: str
    trials: tuple[Trial, ...]
    conclusion: Section
    chart_labels: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def studies(self) -> tuple[Study, ...]:
        """All studies, in deck order."""
        return tuple(s for c in self.categories for s in c.studies)
