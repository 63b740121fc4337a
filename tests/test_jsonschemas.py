"""Editor schemas: shipped up to date, every field described, data files valid, and they agree with `check`."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from stsdeck import schema
from stsdeck.jsonschemas import STUDIES, data_files, json_schema, schema_name, schema_texts
from stsdeck.load import _child, load_yaml
from stsdeck.project import FILES, SKELETON, project_files
from stsdeck.resources import EXAMPLE_DATA, SCHEMAS
from stsdeck.validate import PLACEHOLDERS

REGENERATE = ".venv/bin/python -m stsdeck.jsonschemas src/stsdeck/schemas"


def editor_view(value: Any) -> Any:
    """A YAML value as an editor's language server validates it: an unquoted date is its text."""
    if isinstance(value, dict):
        return {key: editor_view(item) for key, item in value.items()}
    if isinstance(value, list):
        return [editor_view(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def validator(pattern: str) -> jsonschema.Draft7Validator:
    shipped = json.loads((SCHEMAS / schema_name(pattern)).read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(shipped, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_shipped_schemas_are_those_the_declarations_give() -> None:
    shipped = {path.name: path.read_text(encoding="utf-8") for path in SCHEMAS.glob("*.json")}
    assert shipped == schema_texts(), f"schémas de l'éditeur périmés après un changement de schema.py : {REGENERATE}"


def test_schemas_are_valid_draft_7() -> None:
    for pattern, spec in data_files().items():
        jsonschema.Draft7Validator.check_schema(json_schema(spec, pattern))


def undescribed(spec: Any, path: str) -> list[str]:
    """Declared fields without a French description, below `spec`."""
    if isinstance(spec, schema.ListOf):
        return undescribed(spec.item, path + "[]")
    if isinstance(spec, schema.BulletSpec):
        return undescribed(schema.BULLET, path)
    if not isinstance(spec, schema.Fields):
        return []
    missing = [_child(path, key) for key in spec.fields if not spec.descriptions.get(key)]
    unknown = [_child(path, key) + " (décrit, pas déclaré)" for key in spec.descriptions if key not in spec.fields]
    return missing + unknown + [m for key, sub in spec.fields.items() for m in undescribed(sub, _child(path, key))]


def test_every_declared_field_has_a_french_description() -> None:
    missing = [m for pattern, spec in data_files().items() for m in undescribed(spec, pattern)]
    assert not missing, f"champs sans description (descriptions= de leur Fields, dans schema.py) : {missing}"


def test_label_descriptions_name_the_placeholders_the_checker_allows() -> None:
    for key, allowed in PLACEHOLDERS.items():
        named = set(re.findall(r"\{(\w+)\}", schema.LABELS.descriptions[key]))
        assert named == allowed, key


def default_files() -> list[tuple[str, Path]]:
    """(pattern, file) for every data file of the example review and of the skeleton."""
    folders = (EXAMPLE_DATA, SKELETON)
    return [(pattern, path) for folder in folders for pattern in data_files() for path in sorted(folder.glob(pattern))]


@pytest.mark.parametrize(("pattern", "path"), default_files(), ids=lambda v: getattr(v, "name", v))
def test_every_default_data_file_follows_its_schema(pattern: str, path: Path) -> None:
    data = editor_view(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert [e.message for e in validator(pattern).iter_errors(data)] == []


def test_the_editor_settings_map_every_schema_to_its_files() -> None:
    settings = json.loads((FILES / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    expected = {f"./schemas/{schema_name(pattern)}": [f"/data/{pattern}"] for pattern in data_files()}
    assert settings["yaml.schemas"] == expected
    assert settings["yaml.yamlVersion"] == "1.1"  # as PyYAML reads them: `no` is false, 2026-01-15 a date
    assert {p.as_posix() for p in project_files(example=False)} >= {f"schemas/{n}" for n in schema_texts()}


Edit = Callable[[dict[str, Any]], None]


def setting(path: str, value: Any) -> Edit:
    """Set the field at a dotted path (list items as [i])."""
    *parents, last = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]

    def edit(data: dict[str, Any]) -> None:
        for part in parents:
            data = data[part]
        data[last] = value
    return edit


def removing(path: str) -> Edit:
    *parents, last = path.split(".")

    def edit(data: dict[str, Any]) -> None:
        for part in parents:
            data = data[part]
        del data[last]
    return edit


STUDY = "studies/delaney-2003.yaml"
BAD = [  # (file, edit, field that both must flag)
    (STUDY, setting("patients", "vingt"), "patients"),
    (STUDY, setting("patients", 0), "patients"),
    (STUDY, setting("year", "2003"), "year"),
    (STUDY, setting("year", 1900), "year"),
    (STUDY, setting("design", "phase-3"), "design"),
    (STUDY, setting("pcr_pct", 120), "pcr_pct"),
    (STUDY, setting("r0_pct", True), "r0_pct"),
    (STUDY, setting("cells.reference", 12), "cells.reference"),
    (STUDY, setting("radiotherapy", {"total_dose_gy": 44}), "radiotherapy"),
    (STUDY, setting("radiotherapy[0].split_course", "oui"), "radiotherapy[0].split_course"),
    (STUDY, setting("radiotherapy[0].fractions", 500), "radiotherapy[0].fractions"),
    (STUDY, setting("local_control.years", 0), "local_control.years"),
    (STUDY, setting("toxicity[1].kind", "cutanée"), "toxicity[1].kind"),
    (STUDY, setting("survival[0].pct", None), "survival[0].pct"),
    (STUDY, setting("cohorts", [{"label": "bras A", "patients": 0}]), "cohorts[0].patients"),
    (STUDY, setting("patient", 48), "patient"),
    (STUDY, removing("journal"), "journal"),
    (STUDY, removing("cells.histology"), "cells.histology"),
    ("deck.yaml", setting("slug", "ma revue"), "slug"),
    ("deck.yaml", setting("date", "30/11/2026"), "date"),
    ("deck.yaml", setting("columns", ["A", "B"]), "columns"),
    ("deck.yaml", setting("authors", "Dupont"), "authors"),
    ("deck.yaml", removing("labels.references"), "labels.references"),
    ("categories.yaml", setting("categories", []), "categories"),
    ("categories.yaml", setting("categories[0].setting", "palliative"), "categories[0].setting"),
    ("categories.yaml", setting("categories[1].synthesis[0]", 3), "categories[1].synthesis[0]"),
    ("context.yaml", setting("bullets[1].sub", "Pouvoir radio-sensibilisant"), "bullets[1].sub"),
    ("conclusion.yaml", setting("bullets[0]", {"text": "RTCT", "souligné": True}), "bullets[0].souligné"),
    ("conclusion.yaml", setting("bullets", []), "bullets"),
    ("trials.yaml", setting("trials[0].schedule", None), "trials[0].schedule"),
    ("charts.yaml", setting("alpha_beta_gy", 50), "alpha_beta_gy"),
    ("charts.yaml", setting("common", "aucune"), "common"),
]


def schema_fields(error: jsonschema.ValidationError) -> set[str]:
    """The fields a schema error is about, written as `check` writes them."""
    if error.validator == "anyOf":  # a bullet: the errors of the branch of the type written, if any
        within = [e for e in error.context if e.relative_path or e.validator != "type"] or error.context
        return set().union(*(schema_fields(e) for e in within))
    path = ""
    for part in error.absolute_path:
        path = _child(path, part)
    if error.validator == "required":
        return {_child(path, key) for key in error.validator_value if key not in error.instance}
    if error.validator == "additionalProperties":
        return {_child(path, key) for key in error.instance if key not in error.schema["properties"]}
    return {path}


@pytest.mark.parametrize(("name", "edit", "field"), BAD, ids=[f"{b[0]}:{b[2]}" for b in BAD])
def test_the_schema_and_check_flag_the_same_bad_value(name: str, edit: Edit, field: str, tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLE_DATA / name).read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "data" / name
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    record, problems = load_yaml(path, tmp_path / "data")
    assert record is not None and not problems
    pattern = STUDIES if name.startswith("studies/") else name
    checked = {p.field for p in schema.check_record(data_files()[pattern], record)}
    flagged = set().union(*(schema_fields(e) for e in validator(pattern).iter_errors(editor_view(data))))
    assert checked == flagged == {field}
