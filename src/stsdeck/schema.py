"""Declared fields of every data file: types, units, ranges; collects every problem."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .load import Record, _child
from .model import CELL_KEYS

TYPE_NAMES = {bool: "booléen", int: "entier", float: "nombre", str: "texte",
              list: "liste", dict: "tableau de champs", type(None): "vide",
              dt.date: "date", dt.datetime: "date et heure", set: "ensemble (!!set)",
              tuple: "paires (!!pairs)", bytes: "données binaires (!!binary)"}


@dataclass(frozen=True)
class Scalar:
    """A leaf value: its kind, whether required, its range or choices."""

    kind: str  # text | int | number | pct | bool | date
    required: bool = True
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    nullable: bool = False
    pattern: str = ""  # a text must match it entirely (regular expression)
    meaning: str = ""  # what the pattern expects, in French


@dataclass(frozen=True)
class Fields:
    """A mapping with declared fields, and what each field is for (in French, shown by editors)."""

    fields: dict[str, Any]
    required: bool = True
    descriptions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListOf:
    """A list whose items all follow one spec."""

    item: Any
    required: bool = False
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class Free:
    """A mapping whose inner fields are not declared (chart labels)."""

    required: bool = True


@dataclass(frozen=True)
class BulletSpec:
    """A bullet: plain text, or {text, sub: [texts]}."""

    required: bool = True


TEXT = Scalar("text")
OPT_TEXT = Scalar("text", required=False)
PCT = Scalar("pct", low=0, high=100)
OPT_PCT = Scalar("pct", required=False, low=0, high=100)
POSITIVE_INT = Scalar("int", low=1)
YEARS = Scalar("number", low=0.1, high=50)

DESIGNS = ("phase-1", "phase-1-2", "phase-2", "randomized", "prospective", "retrospective")
TOXICITY_KINDS = ("haematologic", "skin", "wound", "late", "other", "supportive")
ROLES = ("rtct", "control", "subgroup", "mixed")  # what a cohort is: RT-CT arm, comparator, subgroup, mixed
CHEMOTHERAPY_KINDS = ("mono", "poly", "mixed")
COHORT_LABEL = OPT_TEXT  # the label of one of the study's cohorts
COHORT_OF_VALUE = ("Cohorte (label d'un élément de cohorts) que décrit cette valeur, si ce n'est pas celle "
                   "de arm")

SCHEDULE = Fields({
    "total_dose_gy": Scalar("number", low=0.1, high=150),
    "fractions": Scalar("int", required=False, low=1, high=100),
    "dose_per_fraction_gy": Scalar("number", required=False, low=0.1, high=30),
    "split_course": Scalar("bool", required=False),
    "twice_daily": Scalar("bool", required=False),
    "boost": Scalar("bool", required=False),
    "conditional": Scalar("bool", required=False),
}, descriptions={
    "total_dose_gy": "Dose totale, en Gy (point décimal : 50.4)",
    "fractions": "Nombre de fractions, s'il est donné",
    "dose_per_fraction_gy": "Dose par fraction, en Gy, si elle est donnée ou se déduit sans ambiguïté",
    "split_course": "RT en split course (deux séries séparées par une pause) ; défaut : false",
    "twice_daily": "RT bifractionnée ou hyperfractionnée (deux séances par jour) ; défaut : false",
    "boost": "Complément (boost) ajouté au schéma principal ; plusieurs schémas sans boost sont des "
             "alternatives (« 50-56 Gy ») ; défaut : false",
    "conditional": "Complément donné à certains patients seulement (« +/- … si R1 ») ; défaut : false",
})

COHORT = Fields({"label": TEXT, "patients": Scalar("int", required=False, low=1),
                 "role": Scalar("text", required=False, choices=ROLES)}, descriptions={
    "label": "Nom de la cohorte (bras, comparateur, sous-groupe), tel que la source le donne",
    "patients": "Effectif de la cohorte (entier > 0, au plus celui de l'étude), s'il est donné",
    "role": "rtct (traitée par RT-CT, défaut), control (bras contrôle), subgroup (sous-groupe, choisi par "
            "exemple sur la réponse) ou mixed (CT, RT et RT-CT mêlées) ; seules les cohortes rtct sont comptées",
})

RESPONSE = Fields({"pct": PCT, "threshold": TEXT, "cohort": COHORT_LABEL}, required=False, descriptions={
    "pct": "Patients en réponse majeure, en % (0 à 100)",
    "threshold": "Seuil de nécrose qui définit la réponse majeure, ex. « ≥ 95 % »",
    "cohort": COHORT_OF_VALUE,
})

LOCAL_CONTROL = Fields({"pct": PCT, "years": YEARS, "cohort": COHORT_LABEL}, required=False, descriptions={
    "pct": "Contrôle local, en % (0 à 100)",
    "years": "Horizon en années (5 si la colonne « à 5 ans » ne dit rien d'autre)",
    "cohort": COHORT_OF_VALUE,
})

SURVIVAL = Fields({"kind": TEXT, "pct": PCT, "years": YEARS, "cohort": COHORT_LABEL}, descriptions={
    "kind": "Type de survie tel que la cellule l'écrit : SG, SSM, SSR, SSP…",
    "pct": "Survie, en % (0 à 100)",
    "years": "Horizon en années",
    "cohort": COHORT_OF_VALUE,
})

TOXICITY = Fields({"label": TEXT, "pct": PCT, "kind": Scalar("text", choices=TOXICITY_KINDS), "grade": OPT_TEXT,
                   "cohort": COHORT_LABEL}, descriptions={
    "label": "Libellé de la toxicité, tel que la cellule l'écrit",
    "pct": "Patients atteints, en % (0 à 100)",
    "kind": "Type : haematologic (hématologique), skin (cutanée), wound (plaie), late (tardive), other (autre), "
            "supportive (soin de support, ex. G-CSF : jamais compté comme toxicité)",
    "grade": "Grade, si la source le précise, ex. « ≥ 3 », « 3-4 », « 4 »",
    "cohort": COHORT_OF_VALUE,
})

CELLS = Fields({key: Scalar("text") for key in CELL_KEYS}, descriptions={
    "reference": "Colonne Auteurs/année : « Auteur and al. Revue, année », avec l'objet de l'étude si la source le donne",
    "design": "Colonne Type d'étude",
    "patients": "Colonne Nombre de patients",
    "histology": "Colonne Histologie",
    "chemotherapy": "Colonne CT : chimiothérapie",
    "radiotherapy": "Colonne RT : schéma(s) de radiothérapie",
    "pcr": "Colonne pCR (%) : réponse histologique",
    "r0": "Colonne Exérèse R0 (%)",
    "toxicity": "Colonne Toxicités",
    "local_control": "Colonne Contrôle local à 5 ans",
    "survival": "Colonne Survie à 5 ans",
})

STUDY = Fields({
    "category": TEXT,
    "order": Scalar("int", required=False, low=1),
    "first_author": TEXT,
    "year": Scalar("int", low=1950, high=2100, nullable=True),
    "journal": TEXT,
    "design": Scalar("text", choices=DESIGNS),
    "title": OPT_TEXT,
    "doi": OPT_TEXT,
    "pmid": OPT_TEXT,
    "cells": CELLS,
    "patients": POSITIVE_INT,
    "cohorts": ListOf(COHORT),
    "arm": COHORT_LABEL,
    "shared_patients": OPT_TEXT,
    "chemotherapy_kind": Scalar("text", required=False, choices=CHEMOTHERAPY_KINDS),
    "radiotherapy": ListOf(SCHEDULE),
    "pcr_pct": OPT_PCT,
    "major_response": RESPONSE,
    "r0_pct": OPT_PCT,
    "local_control": LOCAL_CONTROL,
    "survival": ListOf(SURVIVAL),
    "toxicity": ListOf(TOXICITY),
}, descriptions={
    "category": "Catégorie de l'étude : un « id » de data/categories.yaml",
    "order": "Rang de l'étude dans le tableau de sa catégorie (1 = première ligne) ; sans rang, après les autres",
    "first_author": "Nom du premier auteur",
    "year": "Année de publication ; null si la source n'en donne pas",
    "journal": "Revue, abrégée comme dans les références (ex. Int J Radiat Oncol Biol Phys)",
    "design": "Type d'étude : phase-1, phase-1-2, phase-2, randomized, prospective ou retrospective",
    "title": "Titre de l'article, pour les références",
    "doi": "DOI de l'article, pour les références",
    "pmid": "Identifiant PubMed, pour les références",
    "cells": "Texte affiché dans le tableau, colonne par colonne : le texte de la source réparé, non reformulé "
             "(\"\" si la cellule est vide, \"/\" si la source met « / »)",
    "patients": "Effectif total de l'étude, comparateurs compris (entier > 0) ; il doit se lire dans "
                "cells.patients",
    "cohorts": "Cohortes (bras RT-CT, comparateur, sous-groupe), si la source les distingue",
    "arm": "Cohorte (label d'un élément de cohorts) que décrivent les valeurs structurées ; sans arm, toute "
           "l'étude, traitée par RT-CT",
    "shared_patients": "Nom d'une série : les études qui le partagent peuvent rapporter les mêmes patients "
                       "(même établissement, même protocole) ; elles sont comptées et poolées une fois",
    "chemotherapy_kind": "mono (monochimiothérapie), poly (polychimiothérapie) ou mixed (selon les patients)",
    "radiotherapy": "Schémas de radiothérapie cités dans cells.radiotherapy, un élément par schéma",
    "pcr_pct": "Réponse complète histologique (pCR), en % (0 à 100) ; elle doit se lire dans cells.pcr",
    "major_response": "Réponse histologique majeure (nécrose au-delà d'un seuil), si la source la donne",
    "r0_pct": "Exérèse R0, en % (0 à 100) ; elle doit se lire dans cells.r0",
    "local_control": "Contrôle local et son horizon ; ils doivent se lire dans cells.local_control",
    "survival": "Survies, une entrée par chiffre de cells.survival",
    "toxicity": "Toxicités, une entrée par taux de cells.toxicity",
})

ACKNOWLEDGEMENT = Fields({"reason": TEXT, "data": ListOf(TEXT, required=True, min_items=1)}, required=False,
                         descriptions={
    "reason": "Raison pour laquelle l'auteur garde cette puce malgré l'écart que stsdeck relève",
    "data": "Les données reconnues, copiées de l'avertissement (le texte après « donnent ») ; si elles "
            "changent, l'avertissement redevient ouvert et --strict échoue",
})

BULLET = Fields({"text": TEXT, "sub": ListOf(TEXT), "acknowledged": ACKNOWLEDGEMENT}, descriptions={
    "text": "Texte de la puce, mot pour mot",
    "sub": "Sous-puces",
    "acknowledged": "Écart reconnu : sa raison et les données reconnues (l'avertissement reste listé, mais "
                    "--strict ne le bloque plus tant que les données ne changent pas)",
})
ACKNOWLEDGED_TEXT = ("attendu reason: (pourquoi l'écart est gardé) et data: (les données reconnues, "
                     "copiées de l'avertissement), reçu un texte seul")

SECTION = Fields({"title": TEXT, "bullets": ListOf(BulletSpec(), required=True, min_items=1)}, descriptions={
    "title": "Titre de la diapositive",
    "bullets": "Puces : un texte, ou {text, sub: [sous-puces]}",
})

CATEGORY = Fields({
    "id": TEXT, "title": TEXT, "short_title": TEXT,
    "setting": Scalar("text", choices=("neoadjuvant", "adjuvant")),
    "synthesis": ListOf(BulletSpec()),
}, descriptions={
    "id": "Identifiant que les études citent dans leur champ category (lettres sans accent, chiffres, -)",
    "title": "Titre des diapositives de la catégorie (tableau et synthèse)",
    "short_title": "Titre court, pour les graphiques",
    "setting": "Situation : neoadjuvant (néoadjuvante) ou adjuvant (adjuvante)",
    "synthesis": "Puces de la diapositive de synthèse : les mots de l'auteur, mot pour mot ; "
                 "stsdeck compare leurs chiffres aux études",
})

CATEGORIES = Fields({"categories": ListOf(CATEGORY, required=True, min_items=1)}, descriptions={
    "categories": "Catégories de traitement, dans l'ordre du diaporama",
})

TRIAL = Fields({"title": TEXT, "schedule": Scalar("text")}, descriptions={
    "title": "Titre de l'essai, tel que le registre le donne",
    "schedule": "Schéma de traitement (\"\" si inconnu)",
})

TRIALS = Fields({"title": TEXT, "trials": ListOf(TRIAL, required=True)}, descriptions={
    "title": "Titre de la diapositive",
    "trials": "Essais en cours, un élément par essai",
})

LABEL_KEYS = ("continued", "references", "notes_references", "figures_title", "figures_studies", "study_one",
              "study_many", "figures_local_control", "figures_local_control_few", "figures_pooled",
              "figures_prediction", "figures_not_pooled", "figures_pcr", "figures_r0", "figures_wound",
              "figures_shared", "figures_excluded", "figures_excluded_study", "role_control", "role_subgroup",
              "role_mixed", "list_separator", "figures_method", "figures_method_ranges", "changes_title",
              "changes_first", "changes_none", "changes_added", "changes_removed", "changes_edited",
              "changes_figures", "changes_summary")

LABELS = Fields({key: TEXT for key in LABEL_KEYS}, descriptions={
    "continued": "Ajouté au titre d'une diapositive de tableau continuée, ex. « (suite) »",
    "references": "Titre de la diapositive des références",
    "notes_references": "Début des notes de l'orateur qui donnent les références d'une diapositive",
    "figures_title": "Titre du panneau des chiffres calculés (diapositives de synthèse)",
    "figures_studies": "Ligne des effectifs du panneau (patients des bras RT-CT, une série commune comptée "
                       "une fois) ; champs {studies}, {study_word}, {patients}",
    "study_one": "Le mot « étude » au singulier ({study_word})",
    "study_many": "Le mot « études » au pluriel ({study_word})",
    "figures_local_control": "Ligne du contrôle local d'un horizon, à partir de 3 études ; champs {years}, {range}, "
                             "{median}, {n}, {study_word}, {names}",
    "figures_local_control_few": "Ligne du contrôle local d'un horizon, 1 ou 2 études (sans médiane) ; champs "
                                 "{years}, {range}, {median}, {n}, {study_word}, {names}",
    "figures_pooled": "Ligne de l'estimation poolée ; champs {estimate}, {low}, {high}, {k}",
    "figures_prediction": "Ligne de l'intervalle de prédiction ; champs {low}, {high}, {tau2}, {i2}",
    "figures_not_pooled": "Pourquoi il n'y a pas d'estimation poolée ; champs {n}, {study_word}, {minimum}",
    "figures_pcr": "Ligne de la pCR ; champs {range}, {n}, {study_word}, {median}, {years}, {names}",
    "figures_r0": "Ligne de l'exérèse R0 ; champs {range}, {n}, {study_word}, {median}, {years}, {names}",
    "figures_wound": "Ligne des complications de plaie ; champs {range}, {n}, {study_word}, {median}, {years}, "
                     "{names}",
    "figures_shared": "Ligne d'une série de patients possiblement communs ; champs {names}, {kept}",
    "figures_excluded": "Ligne des valeurs écartées (hors bras RT-CT) ; champ {studies}",
    "figures_excluded_study": "Une étude écartée ; champs {name}, {role}, {cohort}",
    "role_control": "Nom d'une cohorte de rôle control ({role})",
    "role_subgroup": "Nom d'une cohorte de rôle subgroup ({role})",
    "role_mixed": "Nom d'une cohorte de rôle mixed ({role})",
    "list_separator": "Séparateur des noms d'études dans le panneau, ex. « , »",
    "figures_method": "Méthode de l'estimation poolée, en bas du panneau",
    "figures_method_ranges": "Méthode, en bas du panneau, quand la catégorie n'a pas d'estimation poolée",
    "changes_title": "Titre de build/CHANGES.md",
    "changes_first": "CHANGES.md d'une première construction",
    "changes_none": "CHANGES.md quand rien n'a changé",
    "changes_added": "Titre de la liste des études ajoutées",
    "changes_removed": "Titre de la liste des études retirées",
    "changes_edited": "Titre de la liste des études modifiées",
    "changes_figures": "Titre de la liste des chiffres recalculés",
    "changes_summary": "Résumé d'une ligne ; champs {added}, {removed}, {edited}, {figures}",
})

DECK = Fields({
    "title": TEXT, "subtitle": OPT_TEXT, "authors": ListOf(TEXT), "event": OPT_TEXT,
    "date": Scalar("date"), "institution": OPT_TEXT,
    "slug": Scalar("text", pattern=r"[A-Za-z0-9][A-Za-z0-9_-]*", meaning="lettres sans accent, chiffres, - et _"),
    "columns": ListOf(TEXT, required=True, min_items=len(CELL_KEYS), max_items=len(CELL_KEYS)),
    "labels": LABELS,
}, descriptions={
    "title": "Titre du diaporama (diapositive de titre)",
    "subtitle": "Sous-titre",
    "authors": "Auteurs, un par élément",
    "event": "Congrès ou réunion",
    "date": "Date de la présentation, AAAA-MM-JJ (1980 au plus tôt)",
    "institution": "Établissement",
    "slug": "Nom des fichiers produits (build/<slug>.pptx et .pdf) : lettres sans accent, chiffres, - et _",
    "columns": f"En-têtes des {len(CELL_KEYS)} colonnes du tableau des études, dans l'ordre de cells",
    "labels": "Libellés des diapositives et de CHANGES.md ; les {champs} sont remplacés par les valeurs calculées",
})


CHARTS = Fields({"alpha_beta_gy": Scalar("number", low=0.5, high=30), "common": Free(), "notes": Free(),
                 "designs": Free(), "charts": Free()}, descriptions={
    "alpha_beta_gy": "Rapport α/β de la tumeur, en Gy, pour l'EQD2",
    "common": "Textes communs aux graphiques (horizon, intervalle, absence de données…)",
    "notes": "Notes sous les graphiques (hypothèses de l'EQD2)",
    "designs": "Nom français de chaque type d'étude (légende de la carte des preuves)",
    "charts": "Textes de chaque graphique : titre, axes, légendes, texte alternatif",
})


def type_name(value: Any) -> str:
    """The French name of a value's type."""
    return TYPE_NAMES.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    text = str(value).lower() if isinstance(value, bool) else _bounded(value, 41).replace("\n", " ⏎ ")
    text = "".join(f"U+{ord(c):04X}" if _invisible(c) else c for c in text)  # never sent raw to a terminal
    return text if len(text) <= 40 else text[:37] + "…"


def _bounded(value: Any, room: int) -> str:
    """The start of str(value), at least `room` characters of it when it is that long, without
    building all of it (a YAML alias bomb is a list of a billion items)."""
    parts, used = [], 0
    for piece in _pieces(value, top=True):
        parts.append(piece)
        used += len(piece)
        if used > room:
            break
    return "".join(parts)


def _pieces(value: Any, top: bool = False) -> Iterator[str]:
    """str(value) (repr inside containers) piece by piece, lazily."""
    brackets = {list: "[]", tuple: "()", set: "{}", dict: "{}"}
    if type(value) not in brackets:
        yield str(value)[:200] if top else repr(value)[:200]
        return
    yield brackets[type(value)][0]
    for index, item in enumerate(value.items() if isinstance(value, dict) else value):
        yield ", " if index else ""
        if isinstance(value, dict):
            yield from _pieces(item[0])
            yield ": "
            item = item[1]
        yield from _pieces(item)
    yield brackets[type(value)][1]


INVISIBLE = {"Cf": "caractère de format", "Zl": "séparateur de ligne", "Zp": "séparateur de paragraphe"}
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff")
ALLOWED_FORMAT = "\u00ad"  # soft hyphen: an allowed hyphenation point


def _invisible(char: str) -> bool:
    return "\ud800" <= char <= "\udfff" or unicodedata.category(char) in ("Cc", *INVISIBLE) and char != ALLOWED_FORMAT


def _invisible_kind(char: str) -> str:
    if char in BIDI:
        return "contrôle de direction du texte"
    return "espace ou liant de largeur nulle" if char in ZERO_WIDTH else INVISIBLE[unicodedata.category(char)]


def text_problem(text: str) -> str | None:
    """Why a text would corrupt a deck or not show what it says (control characters, lone
    surrogates, bidi controls, zero-width and other invisible characters), or None."""
    for position, char in enumerate(text, start=1):
        if "\ud800" <= char <= "\udfff":
            return f"caractère invalide (demi-paire de substitution U+{ord(char):04X})"
        if char != "\n" and unicodedata.category(char) == "Cc":
            name = "tabulation" if char == "\t" else f"caractère de contrôle U+{ord(char):04X}"
            return f"{name} interdite dans un texte" if char == "\t" else f"{name} interdit dans un texte"
        if char != ALLOWED_FORMAT and unicodedata.category(char) in INVISIBLE:
            return (f"caractère invisible U+{ord(char):04X} ({_invisible_kind(char)}) interdit dans un texte, "
                    f"position {position} : retirez-le")
    return None


EXPECTED = {"text": "un texte", "int": "un entier", "number": "un nombre", "pct": "un pourcentage",
            "bool": "true ou false", "date": "une date AAAA-MM-JJ"}


def _kind_ok(spec: Scalar, value: Any) -> bool:
    checks = {
        "text": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "pct": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, dt.date) or (isinstance(v, str) and _is_iso_date(v)),
    }
    return checks[spec.kind](value)


def _year(value: Any) -> int:
    return value.year if isinstance(value, dt.date) else dt.date.fromisoformat(value).year


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _hint(spec: Scalar, value: Any) -> str:
    if spec.kind == "text" and not isinstance(value, str) and value is not None:
        return " (mettez la valeur entre guillemets)"
    if spec.kind in ("number", "pct", "int") and isinstance(value, str) and "," in value:
        return f" (décimales avec un point en YAML : {value.replace(',', '.')})"
    return ""


def _check_scalar(spec: Scalar, value: Any, raw: str | None = None) -> str | None:
    if value is None and spec.nullable:
        return None
    if value is None:
        return f"attendu {EXPECTED[spec.kind]}, reçu une valeur vide"
    if not _kind_ok(spec, value):
        written = f" (écrit {raw})" if raw is not None and raw != _shown(value) else ""
        return f"attendu {EXPECTED[spec.kind]}, reçu {type_name(value)} « {_shown(value)} »{written}{_hint(spec, value)}"
    if spec.kind == "date" and _year(value) < 1980:
        return f"date {value} trop ancienne (1980 au plus tôt)"
    if spec.kind == "text":
        if spec.pattern and not re.fullmatch(spec.pattern, value):
            return f"« {_shown(value)} » invalide (attendu : {spec.meaning})"
        if spec.choices and value not in spec.choices:
            return f"valeur « {_shown(value)} » inconnue (attendu : {', '.join(spec.choices)})"
        return text_problem(value)
    if spec.kind == "pct" and not 0 <= value <= 100:
        return f"attendu un pourcentage entre 0 et 100, reçu {value}"
    if spec.kind == "int" and spec.low == 1 and value < 1:
        return f"attendu un entier > 0, reçu {value}"
    if spec.low is not None and spec.high is not None and not spec.low <= value <= spec.high:
        return f"attendu entre {_shown(spec.low)} et {_shown(spec.high)}, reçu {value}"
    return None


@dataclass
class Checker:
    """Walks a record against a spec and collects problems."""

    record: Record
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.record.file, self.record.line(path), path, message))

    def check(self, spec: Any, value: Any, path: str) -> None:
        handler = {Scalar: self._scalar, Fields: self._fields, ListOf: self._list, BulletSpec: self._bullet,
                   Free: self._free}
        handler[type(spec)](spec, value, path)

    def _scalar(self, spec: Scalar, value: Any, path: str) -> None:
        message = _check_scalar(spec, value, self.record.raw.get(path))
        if message:
            self.add(path, message)

    def _fields(self, spec: Fields, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.add(path, f"attendu un tableau de champs, reçu {type_name(value)}")
            return
        for key in value:
            if key not in spec.fields:
                self.add(_child(path, key), f"champ inconnu (attendu : {', '.join(spec.fields)})")
        for key, sub in spec.fields.items():
            if key in value:
                self.check(sub, value[key], _child(path, key))
            elif getattr(sub, "required", False):
                self.problems.append(Problem(self.record.file, self.record.line(path) if path else 1,
                                             _child(path, key), "champ obligatoire manquant"))

    def _list(self, spec: ListOf, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.add(path, f"attendu une liste, reçu {type_name(value)}")
            return
        if len(value) < spec.min_items:
            self.add(path, f"attendu au moins {spec.min_items} élément(s), reçu {len(value)}")
        if spec.max_items is not None and len(value) > spec.max_items:
            self.add(path, f"attendu au plus {spec.max_items} élément(s), reçu {len(value)}")
        for index, item in enumerate(value):
            self.check(spec.item, item, _child(path, index))

    def _free(self, spec: Free, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.add(path, f"attendu un tableau de champs, reçu {type_name(value)}")

    def _bullet(self, spec: BulletSpec, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self._scalar(TEXT, value, path)
            return
        if isinstance(value.get("acknowledged"), str):
            self.add(_child(path, "acknowledged"), ACKNOWLEDGED_TEXT)
            value = {key: item for key, item in value.items() if key != "acknowledged"}
        self._fields(BULLET, value, path)


def check_record(spec: Fields, record: Record) -> list[Problem]:
    """Every problem of `record` against `spec`."""
    checker = Checker(record)
    checker.check(spec, record.data, "")
    return checker.problems
