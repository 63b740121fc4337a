"""Turn the records of a data folder into a frozen Dataset, or every problem found."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from . import schema
from .errors import DataError, Problem
from .labels import label_fields
from .load import Record, display_name, load_yaml, within
from .model import (Bullet, Category, Cells, Cohort, Dataset, DeckInfo, Rate, Response, Schedule,
                    Section, Study, Toxicity, Trial)

FILES = {"deck.yaml": schema.DECK, "context.yaml": schema.SECTION, "categories.yaml": schema.CATEGORIES,
         "trials.yaml": schema.TRIALS, "conclusion.yaml": schema.SECTION, "charts.yaml": schema.CHARTS}

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def load_dataset(root: Path) -> Dataset:
    """Load and validate the data folder `root`; raise DataError with every problem."""
    problems: list[Problem] = []
    records: dict[str, Record] = {}
    if not root.is_dir():
        raise DataError([Problem(root.as_posix(), 0, "", "dossier de données introuvable")])
    for name, spec in FILES.items():
        record = _read(root / name, root, spec, problems)
        if record is not None:
            records[name] = record
    studies = [r for p in sorted((root / "studies").glob("*.yaml"))
               if (r := _read(p, root, schema.STUDY, problems)) is not None]
    if "categories.yaml" in records:
        problems += _cross_check(records["categories.yaml"], studies, root)
    for name, check in (("deck.yaml", label_problems), ("charts.yaml", brace_problems)):
        if name in records:
            problems += check(records[name])
    if problems:
        raise DataError(problems)
    return _dataset(records, studies)


LINKED_OUT = "lien symbolique vers un fichier hors du dossier de données : refusé, non lu (copiez le fichier dans le dossier)"


def _read(path: Path, root: Path, spec: schema.Fields, problems: list[Problem]) -> Record | None:
    if not within(path, root):  # a symbolic link out: named as written, its target never read
        problems.append(Problem(f"{display_name(path.parent, root)}/{path.name}", 0, "", LINKED_OUT))
        return None
    if not path.is_file():
        problems.append(Problem(display_name(path, root), 0, "", "fichier manquant"))
        return None
    record, found = load_yaml(path, root)
    problems += found
    if record is None:
        return None
    if record.data is None:
        problems.append(Problem(record.file, 1, "", "fichier vide"))
        return None
    found = schema.check_record(spec, record)
    problems += found
    return None if found else record


def _cross_check(categories: Record, studies: list[Record], root: Path) -> list[Problem]:
    """Problems between files: categories, empty categories, numbers absent from their cells."""
    known = [c["id"] for c in categories.data["categories"]]
    problems: list[Problem] = []
    if not studies:
        state = "est vide" if (root / "studies").is_dir() else "est introuvable"
        problems.append(Problem(display_name(root / "studies", root), 0, "", f"aucune étude : le dossier studies/ {state}"))
    for study in studies:
        if study.data["category"] not in known:
            problems.append(Problem(study.file, study.line("category"), "category",
                                    f"catégorie inconnue « {study.data['category']} » (attendu : {', '.join(known)})"))
        problems += numbers_in_cells(study) + cohorts_within(study) + cohort_references(study)
    problems += duplicate_studies(studies) + duplicate_orders(studies)
    used = {s.data["category"] for s in studies}
    for index, key in enumerate(known):
        if studies and key not in used:
            path = f"categories[{index}]"
            problems.append(Problem(categories.file, categories.line(path), path + ".id",
                                    f"catégorie « {key} » sans aucune étude"))
    return problems


RANGE_FIELDS = {"range", "n", "study_word", "median", "years", "names"}
PLACEHOLDERS = {
    "figures_studies": {"studies", "study_word", "patients"},
    "figures_pooled": {"estimate", "low", "high", "k"},
    "figures_prediction": {"low", "high", "tau2", "i2"},
    "figures_not_pooled": {"n", "study_word", "minimum"},
    "figures_shared": {"names", "kept"},
    "figures_excluded": {"studies"},
    "figures_excluded_study": {"name", "role", "cohort"},
    "changes_summary": {"added", "removed", "edited", "figures"},
    **{key: RANGE_FIELDS for key in ("figures_local_control", "figures_local_control_few", "figures_pcr",
                                     "figures_r0", "figures_wound")},
}


def label_problems(deck: Record) -> list[Problem]:
    """Labels of deck.yaml whose {placeholders} the deck cannot fill."""
    problems = []
    for key, text in deck.data["labels"].items():
        path, fields = f"labels.{key}", label_fields(text)
        allowed = PLACEHOLDERS.get(key, set())
        if isinstance(fields, str):
            problems.append(Problem(deck.file, deck.line(path), path, fields))
        elif unknown := sorted(fields - allowed):
            hint = ", ".join("{" + name + "}" for name in sorted(allowed)) or "aucun"
            problems.append(Problem(deck.file, deck.line(path), path,
                                    f"champ {{{unknown[0]}}} inconnu (possibles : {hint})"))
    return problems


def brace_problems(record: Record, value: Any = None, path: str = "") -> list[Problem]:
    """Texts of a labels file that stsdeck refuses: braces it cannot read or will not format,
    characters that would not show as written."""
    value = record.data if value is None and not path else value
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in brace_problems(record, v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in brace_problems(record, v, f"{path}[{i}]")]
    fields = label_fields(value) if isinstance(value, str) else set()
    message = fields if isinstance(fields, str) else schema.text_problem(value) if isinstance(value, str) else None
    return [Problem(record.file, record.line(path), path, message)] if message else []


def cohorts_within(study: Record) -> list[Problem]:
    """A cohort larger than its study is an error."""
    total = study.data["patients"]
    return [Problem(study.file, study.line(f"cohorts[{i}].patients"), f"cohorts[{i}].patients",
                    f"effectif de la cohorte ({c['patients']}) supérieur à celui de l'étude ({total})")
            for i, c in enumerate(study.data.get("cohorts", [])) if c.get("patients", 0) > total]


def _cohort_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(field path, cohort label) of the arm and of every value that names a cohort."""
    found = [("arm", data["arm"])] if data.get("arm") else []
    for key in ("local_control", "major_response"):
        if data.get(key, {}).get("cohort"):
            found.append((f"{key}.cohort", data[key]["cohort"]))
    for key in ("survival", "toxicity"):
        found += [(f"{key}[{i}].cohort", v["cohort"]) for i, v in enumerate(data.get(key, [])) if v.get("cohort")]
    return found


def cohort_references(study: Record) -> list[Problem]:
    """An arm or a value naming a cohort the study does not list is an error."""
    labels = [c["label"] for c in study.data.get("cohorts", [])]
    expected = ", ".join(f"« {label} »" for label in labels) or "aucune cohorte dans cohorts"
    return [Problem(study.file, study.line(path), path, f"cohorte « {schema._shown(label)} » inconnue "
                    f"(attendu : {expected})") for path, label in _cohort_fields(study.data) if label not in labels]


def author_slug(author: str) -> str:
    """A first author as a file name: lower case, without accents, words joined by « - »."""
    plain = unicodedata.normalize("NFKD", author).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _described_patients(data: dict[str, Any]) -> int | None:
    """Patients of the cohort the study's values describe (its arm), or of the whole study."""
    if not data.get("arm"):
        return data["patients"]
    return next((c.get("patients") for c in data.get("cohorts", []) if c["label"] == data["arm"]), None)


def duplicate_studies(studies: list[Record]) -> list[Problem]:
    """The same study twice: a copied file (same cells), or the same first author, year and cohort."""
    problems, seen_cells, seen_ids = [], {}, {}
    for study in sorted(studies, key=lambda r: r.file):
        d = study.data
        cells = tuple(sorted(d["cells"].items()))
        ident = (author_slug(d["first_author"]), d["year"], d.get("arm", ""), _described_patients(d))
        if (first := seen_cells.get(cells)) is not None:
            problems.append(Problem(study.file, study.line("cells"), "cells",
                                    f"mêmes cellules que {first} : fichier copié ? (une étude par fichier)"))
        elif (first := seen_ids.get(ident)) is not None:
            problems.append(Problem(study.file, study.line("first_author"), "first_author",
                                    f"même étude que {first} (même premier auteur, même année, même cohorte de "
                                    f"{ident[3]} patients)"))
        seen_cells.setdefault(cells, study.file)
        seen_ids.setdefault(ident, study.file)
    return problems


def duplicate_orders(studies: list[Record]) -> list[Problem]:
    """Two studies of one category at the same stated rank are an error."""
    problems, seen = [], {}
    for study in sorted(studies, key=lambda r: r.file):
        if "order" not in study.data:
            continue
        place = (study.data["category"], study.data["order"])
        if (first := seen.setdefault(place, study.file)) != study.file:
            problems.append(Problem(study.file, study.line("order"), "order",
                                    f"rang {place[1]} déjà pris par {first} dans la catégorie « {place[0]} »"))
    return problems


NAME_WARNING = "avertissement"


def study_warnings(dataset: Dataset) -> list[Problem]:
    """Warnings about the studies' files: a name that is not <premier-auteur>-<année>.yaml."""
    problems = []
    for study in dataset.studies:
        expected = author_slug(study.first_author) + ("" if study.year is None else f"-{study.year}")
        if not re.fullmatch(re.escape(expected) + r"(-[a-z0-9]+)*", study.key):
            problems.append(Problem(study.file, 0, "", f"nom de fichier « {schema._shown(study.key)}.yaml » : "
                                    f"attendu « {expected}.yaml » (premier auteur et année de l'étude)",
                                    NAME_WARNING))
    return problems


def numbers_in_cell(text: str) -> set[float]:
    """Numbers written in a display text, decimal commas or points."""
    return {float(n.replace(",", ".")) for n in NUMBER.findall(text)}


def _structured_numbers(data: dict[str, Any]) -> list[tuple[str, float, str]]:
    """(field path, value, cell key) for every structured number a study states."""
    cohorts = [c["patients"] for c in data.get("cohorts", []) if "patients" in c]
    total_is_sum = bool(cohorts) and sum(cohorts) == data["patients"]
    found: list[tuple[str, float, str]] = [] if total_is_sum else [("patients", data["patients"], "patients")]
    found += [(f"cohorts[{i}].patients", c["patients"], "patients") for i, c in enumerate(data.get("cohorts", []))
              if "patients" in c]
    for i, sched in enumerate(data.get("radiotherapy", [])):
        found += [(f"radiotherapy[{i}].{k}", sched[k], "radiotherapy")
                  for k in ("total_dose_gy", "fractions") if k in sched]
        if "dose_per_fraction_gy" in sched and not _derived_dose(sched):
            found.append((f"radiotherapy[{i}].dose_per_fraction_gy", sched["dose_per_fraction_gy"], "radiotherapy"))
    simple = {"pcr_pct": "pcr", "r0_pct": "r0"}
    found += [(k, data[k], cell) for k, cell in simple.items() if k in data]
    if "major_response" in data:
        found.append(("major_response.pct", data["major_response"]["pct"], "pcr"))
    rates = [("local_control", data["local_control"])] if "local_control" in data else []
    rates += [(f"survival[{i}]", r) for i, r in enumerate(data.get("survival", []))]
    for path, rate in rates:
        cell = path.split("[")[0]
        found.append((f"{path}.pct", rate["pct"], cell))
        if rate["years"] != 5:
            found.append((f"{path}.years", rate["years"], cell))
    found += [(f"toxicity[{i}].pct", t["pct"], "toxicity") for i, t in enumerate(data.get("toxicity", []))]
    return found


def _derived_dose(sched: dict[str, Any]) -> bool:
    """True when the dose per fraction equals total dose / fractions (derived, not stated)."""
    if "fractions" not in sched:
        return False
    return abs(sched["total_dose_gy"] / sched["fractions"] - sched["dose_per_fraction_gy"]) < 0.051


def numbers_in_cells(study: Record) -> list[Problem]:
    """Problems for structured numbers that their display cell does not show."""
    problems = []
    for path, value, cell in _structured_numbers(study.data):
        text = study.data["cells"][cell]
        if not any(abs(value - n) < 1e-9 for n in numbers_in_cell(text)):
            problems.append(Problem(study.file, study.line(path), path,
                                    f"la valeur {_french(value)} n'apparaît pas dans la cellule cells.{cell} "
                                    f"(« {schema._shown(text)} »)"))
    return problems


def _french(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _bullet(item: str | dict[str, Any]) -> Bullet:
    if isinstance(item, str):
        return Bullet(item)
    acknowledged = item.get("acknowledged", {})
    return Bullet(item["text"], tuple(item.get("sub", [])), acknowledged.get("reason", ""),
                  tuple(acknowledged.get("data", [])))


def _bullets(items: list[Any]) -> tuple[Bullet, ...]:
    return tuple(_bullet(i) for i in items)


def _section(record: Record) -> Section:
    return Section(record.data["title"], _bullets(record.data["bullets"]))


def _rate(data: dict[str, Any]) -> Rate:
    return Rate(float(data["pct"]), float(data["years"]), data.get("kind", ""), data.get("cohort", ""))


def _study(record: Record) -> Study:
    d = record.data
    return Study(
        key=Path(record.file).stem, file=record.file, category=d["category"], order=d.get("order", 999),
        first_author=d["first_author"], year=d["year"], journal=d["journal"], design=d["design"],
        cells=Cells(**d["cells"]), patients=d["patients"],
        cohorts=tuple(Cohort(c["label"], c.get("patients"), c.get("role", "rtct")) for c in d.get("cohorts", [])),
        arm=d.get("arm", ""), shared_patients=d.get("shared_patients", ""),
        chemotherapy_kind=d.get("chemotherapy_kind", ""),
        radiotherapy=tuple(Schedule(**s) for s in d.get("radiotherapy", [])),
        pcr_pct=d.get("pcr_pct"), r0_pct=d.get("r0_pct"),
        major_response=Response(**d["major_response"]) if "major_response" in d else None,
        local_control=_rate(d["local_control"]) if "local_control" in d else None,
        survival=tuple(_rate(s) for s in d.get("survival", [])),
        toxicity=tuple(Toxicity(t["label"], float(t["pct"]), t["kind"], t.get("grade", ""), t.get("cohort", ""))
                       for t in d.get("toxicity", [])),
        title=d.get("title", ""), doi=str(d.get("doi", "")), pmid=str(d.get("pmid", "")),
        lines={path: line for path, line in record.lines.items() if path.startswith("cells.")})


def _info(record: Record) -> DeckInfo:
    d = record.data
    date = d["date"] if isinstance(d["date"], dt.date) else dt.date.fromisoformat(d["date"])
    return DeckInfo(title=d["title"], subtitle=d.get("subtitle", ""), authors=tuple(d.get("authors", [])),
                    event=d.get("event", ""), date=date.isoformat(), institution=d.get("institution", ""),
                    slug=d["slug"], columns=tuple(d["columns"]), labels=tuple(d["labels"].items()))


def _dataset(records: dict[str, Record], study_records: list[Record]) -> Dataset:
    studies = sorted((_study(r) for r in study_records), key=lambda s: (s.order, s.year or 0, s.key))
    categories = tuple(
        Category(c["id"], c["title"], c["short_title"], c["setting"], _bullets(c.get("synthesis", [])),
                 tuple(s for s in studies if s.category == c["id"]))
        for c in records["categories.yaml"].data["categories"])
    trials = records["trials.yaml"].data
    return Dataset(info=_info(records["deck.yaml"]), context=_section(records["context.yaml"]),
                   categories=categories, trials_title=trials["title"],
                   trials=tuple(Trial(t["title"], t["schedule"]) for t in trials["trials"]),
                   conclusion=_section(records["conclusion.yaml"]), chart_labels=records["charts.yaml"].data)
