"""JSON Schemas of the data files for editors, generated from schema.py's declarations.

The package ships them in `schemas/`; after a change to schema.py, regenerate them with
`python -m stsdeck.jsonschemas src/stsdeck/schemas`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from . import schema
from .validate import FILES

DRAFT = "http://json-schema.org/draft-07/schema#"
STUDIES = "studies/*.yaml"
TITLES = {
    "deck.yaml": "stsdeck : métadonnées du diaporama, en-têtes du tableau et libellés (data/deck.yaml)",
    "context.yaml": "stsdeck : diapositive « Contexte » (data/context.yaml)",
    "categories.yaml": "stsdeck : catégories de traitement et leurs puces de synthèse (data/categories.yaml)",
    "trials.yaml": "stsdeck : études en cours (data/trials.yaml)",
    "conclusion.yaml": "stsdeck : diapositive « Conclusion » (data/conclusion.yaml)",
    "charts.yaml": "stsdeck : textes des graphiques et α/β (data/charts.yaml)",
    STUDIES: "stsdeck : une étude (data/studies/<premier-auteur>-<année>.yaml)",
}
KINDS: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "pct": {"type": "number", "minimum": 0, "maximum": 100},
    "bool": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},  # an editor reads an unquoted date as its text
}


def data_files() -> dict[str, schema.Fields]:
    """Each data file's pattern, relative to data/, and its declared fields."""
    return {**FILES, STUDIES: schema.STUDY}


def schema_name(pattern: str) -> str:
    """The schema file of a data file pattern: deck.yaml -> deck.schema.json, studies/*.yaml -> study.schema.json."""
    return "study.schema.json" if pattern == STUDIES else pattern.replace(".yaml", ".schema.json")


def json_schema(spec: schema.Fields, title: str) -> dict[str, Any]:
    """The JSON Schema (draft 7) of one data file."""
    return {"$schema": DRAFT, "title": title, **node(spec)}


def node(spec: Any) -> dict[str, Any]:
    """The JSON Schema of one declared spec."""
    handler = {schema.Scalar: _scalar, schema.Fields: _fields, schema.ListOf: _list,
               schema.BulletSpec: _bullet, schema.Free: _free}
    return handler[type(spec)](spec)


def _scalar(spec: schema.Scalar) -> dict[str, Any]:
    result = dict(KINDS[spec.kind])
    bounds = {"minimum": spec.low, "maximum": spec.high}
    result |= {key: value for key, value in bounds.items() if value is not None}
    result |= {"enum": list(spec.choices)} if spec.choices else {}
    result |= {"pattern": f"^(?:{spec.pattern})$"} if spec.pattern else {}
    if spec.nullable:
        result["type"] = [result["type"], "null"]
    return result


def _fields(spec: schema.Fields) -> dict[str, Any]:
    properties = {key: _described(node(sub), spec.descriptions.get(key, "")) for key, sub in spec.fields.items()}
    required = [key for key, sub in spec.fields.items() if getattr(sub, "required", False)]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _described(result: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, **result} if description else result


def _list(spec: schema.ListOf) -> dict[str, Any]:
    result: dict[str, Any] = {"type": "array", "items": node(spec.item)}
    result |= {"minItems": spec.min_items} if spec.min_items else {}
    result |= {"maxItems": spec.max_items} if spec.max_items is not None else {}
    return result


def _bullet(spec: schema.BulletSpec) -> dict[str, Any]:
    return {"anyOf": [{"type": "string"}, node(schema.BULLET)]}


def _free(spec: schema.Free) -> dict[str, Any]:
    return {"type": "object"}


def schema_texts() -> dict[str, str]:
    """Every schema file's name and JSON text, as shipped."""
    return {schema_name(pattern): json.dumps(json_schema(spec, TITLES[pattern]), ensure_ascii=False, indent=2) + "\n"
            for pattern, spec in data_files().items()}


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def main(argv: list[str]) -> int:
    """`python -m stsdeck.jsonschemas DOSSIER`: write the schemas into DOSSIER."""
    if len(argv) != 1:
        print("usage : python -m stsdeck.jsonschemas DOSSIER (par exemple src/stsdeck/schemas)", file=sys.stderr)
        return 2
    for path in write_schemas(Path(argv[0])):
        print(f"écrit : {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
