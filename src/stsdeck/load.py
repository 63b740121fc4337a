"""Read the YAML files of a dataset into records tagged with file and line of every field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem


@dataclass(frozen=True)
class Record:
    """The parsed content of one data file, with the line of each field path."""

    file: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # source text of each plain (unquoted) scalar

    def line(self, path: str) -> int:
        """Line of `path`, or of its closest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = _parent(path)
        return self.lines.get("", 1)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def _child(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _walk(node: yaml.Node, path: str, record: Record, problems: list[Problem]) -> None:
    record.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.style is None:
        record.raw[path] = node.value
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            here = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(record.file, here, _child(path, key),
                                        f"clé en double (déjà définie ligne {seen[key]})"))
            seen[key] = here
            _walk(value_node, _child(path, key), record, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, _child(path, index), record, problems)


def display_name(path: Path, root: Path) -> str:
    """Path shown in messages: relative to the dataset's parent when possible."""
    try:
        return path.resolve().relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """The file's text as UTF-8 (BOM and Windows line endings accepted), or a problem."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "", "fichier non encodé en UTF-8 (enregistrez-le en UTF-8)")]
    return text.replace("\r\n", "\n"), []


def load_yaml(path: Path, root: Path) -> tuple[Record | None, list[Problem]]:
    """Parse one YAML file into a Record; syntax errors become located problems."""
    name = display_name(path, root)
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(name, line, "", f"YAML invalide, colonne {column} : {yaml_reason(exc)}")]
    if node is None:
        return Record(name, None, {"": 1}), []
    record = Record(name, data)
    _walk(node, "", record, problems)
    return record, problems


YAML_REASONS = (
    ("found character '\\t'", "tabulation interdite en YAML : indentez avec des espaces"),
    ("mapping values are not allowed", "deux-points inattendu : mettez le texte entre guillemets"),
    ("could not find expected ':'", "deux-points attendu après le nom du champ"),
    ("found unexpected end of stream", "fin de fichier inattendue : un guillemet n'est pas fermé"),
    ("did not find expected key", "indentation incohérente"),
    ("expected <block end>", "indentation incohérente"),
    ("found undefined alias", "alias YAML inconnu"),
    ("while scanning a quoted scalar", "guillemet non fermé"),
)


def yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's reason in French when it is a common one, else as PyYAML says it."""
    reason = f"{exc.context or ''} {exc.problem or ''}".strip() or "syntaxe invalide"
    return next((french for pattern, french in YAML_REASONS if pattern in reason), reason)
