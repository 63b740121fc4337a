"""Small synthetic datasets written as YAML for tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .conftest import DATA

LONG = ("Toxicité hématologique de grade 3 ou 4 chez une partie notable des patients, "
        "complications de plaie fréquentes et suivi des toxicités tardives insuffisant")


def study(index: int, category: str, long_cells: bool) -> dict:
    """One valid study whose cells grow longer with `index` when `long_cells` is set."""
    text = (LONG + " ") * (1 + index % 3) if long_cells else "court"
    patients = 10 + index
    return {
        "category": category, "order": index, "first_author": f"Auteur{index:02d}", "year": 2000 + index % 25,
        "journal": "J Synth Oncol", "design": "phase-2",
        "cells": {"reference": f"Auteur{index:02d} and al. J Synth Oncol, {2000 + index % 25}",
                  "design": "Essai de phase II", "patients": str(patients), "histology": "STM haut grade",
                  "chemotherapy": text, "radiotherapy": "50 Gy en 25 f de 2 Gy", "pcr": "pCR = 10 %",
                  "r0": "90 %", "toxicity": text, "local_control": "85 %", "survival": "SG = 70 %"},
        "patients": patients, "pcr_pct": 10, "r0_pct": 90, "local_control": {"pct": 85, "years": 5},
        "radiotherapy": [{"total_dose_gy": 50, "fractions": 25, "dose_per_fraction_gy": 2}],
    }


def make_dataset(root: Path, count: int, long_cells: bool = True) -> Path:
    """A dataset of `count` studies in one category, with the default deck, context and trials."""
    root.mkdir(parents=True)
    for name in ("deck.yaml", "context.yaml", "trials.yaml", "conclusion.yaml", "charts.yaml"):
        shutil.copy(DATA / name, root / name)
    categories = {"categories": [{"id": "synth", "title": "Catégorie synthétique", "short_title": "Synth",
                                  "setting": "neoadjuvant", "synthesis": ["Une puce de synthèse"]}]}
    (root / "categories.yaml").write_text(yaml.safe_dump(categories, allow_unicode=True), encoding="utf-8")
    (root / "studies").mkdir()
    for index in range(1, count + 1):
        path = root / "studies" / f"auteur{index:02d}-{2000 + index % 25}.yaml"
        path.write_text(yaml.safe_dump(study(index, "synth", long_cells), allow_unicode=True), encoding="utf-8")
    return root
