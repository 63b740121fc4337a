"""Read the YAML files of a dataset into records tagged with file and line of every field."""

from __future__ import annotations

import re
from collections.abc import Iterator
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


def _walk(node: yaml.Node, path: str, record: Record, problems: list[Problem],
          walked: set[int] | None = None) -> None:
    walked = set() if walked is None else walked
    if id(node) in walked:  # an alias: its node was walked where its anchor stands (and may contain itself)
        return
    walked.add(id(node))
    record.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and not node.style:  # plain: None in PyYAML, "" in libyaml
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
            _walk(value_node, _child(path, key), record, problems, walked)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, _child(path, index), record, problems, walked)


def within(path: Path, *roots: Path) -> bool:
    """True when `path`, its symbolic links followed, lies inside one of `roots`."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


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
    parsed = _fast_parse(text)
    if parsed is not None:
        node, data = parsed
    else:
        node, data, problem = _parse(text, name)
        if problem is not None:
            return None, [problem]
    if node is None:
        return Record(name, None, {"": 1}), []
    record = Record(name, data)
    _walk(node, "", record, problems)
    return record, problems


_UNUSUAL = re.compile("[^\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _fast_parse(text: str) -> tuple[yaml.Node | None, Any] | None:
    """Node tree and value of `text` with libyaml, parsed once; None when libyaml is missing or
    fails (the pure-Python parser then words the error)."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or _UNUSUAL.search(text):  # libyaml accepts what PyYAML words as an error
        return None
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    except Exception:
        return None
    finally:
        loader.dispose()


def _parse(text: str, name: str) -> tuple[yaml.Node | None, Any, Problem | None]:
    """Node tree and value of `text` with the pure-Python parser, or the located problem."""
    node = None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line, column, reason = syntax_error(text, exc)
        return None, None, Problem(name, line, "", f"YAML invalide, colonne {column} : {reason}")
    except yaml.reader.ReaderError as exc:  # a raw control character in the file
        line, column = _position(text, exc.position)
        return None, None, Problem(name, line, "", f"YAML invalide, colonne {column} : caractère de contrôle "
                                                   f"U+{exc.character:04X} interdit (retirez-le du fichier)")
    except Exception:  # PyYAML cannot build a value: impossible date, bad explicit tag, integer too long…
        return None, None, _unbuildable(name, node)
    return node, data, None


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column (from 1) of character `index` of `text`."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def _unbuildable(name: str, root: yaml.Node | None) -> Problem:
    """The problem of the first scalar PyYAML cannot turn into a value (impossible date, bad tag…)."""
    node = next((n for n in _scalars(root) if not _buildable(n)), None)
    if node is None:
        return Problem(name, 1, "", "YAML invalide : valeur illisible")
    date = node.tag.endswith(":timestamp")
    what = "date impossible" if date else "valeur illisible"
    shown = node.value if len(node.value) <= 40 else node.value[:37] + "…"
    return Problem(name, node.start_mark.line + 1, "", f"YAML invalide, colonne {node.start_mark.column + 1} : "
                                                       f"{what} « {shown} »{' (attendu AAAA-MM-JJ)' if date else ''}")


def _scalars(root: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    """Every scalar node under `root`, each once (aliases are not followed twice)."""
    pending, seen = [root] if root else [], set()
    while pending:
        node = pending.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
        else:
            pending += [child for pair in node.value for child in pair]


def _buildable(node: yaml.ScalarNode) -> bool:
    try:
        yaml.SafeLoader("").construct_object(node)
    except Exception:  # PyYAML's constructors raise ValueError, IndexError, AttributeError…
        return False
    return True


def syntax_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """Line, column and French reason of a YAML syntax error; an unclosed quote is located where it opens."""
    flow = "flow" in str(exc.context) and exc.context_mark is not None  # located at its opening [ or {
    mark = exc.context_mark if flow else exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return _quote_error(text, exc) or _tab_error(text, exc) or (line, column, yaml_reason(exc))


def _quote_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """An unclosed quote (or text after a closing one), located at the opening quote."""
    if "end of stream" in str(exc.problem) and "quoted scalar" in str(exc.context) and exc.context_mark:
        return exc.context_mark.line + 1, exc.context_mark.column + 1, "guillemet non fermé (fin du fichier atteinte)"
    mark = exc.problem_mark
    quoted = _quoted_before(text, mark.index) if mark and "expected <block end>" in str(exc.problem) else None
    if quoted is None or quoted.end_mark.line != mark.line:
        return None
    if quoted.start_mark.line == mark.line:
        return mark.line + 1, mark.column + 1, "texte après le guillemet fermant : mettez toute la valeur entre guillemets"
    return (quoted.start_mark.line + 1, quoted.start_mark.column + 1,
            f"guillemet non fermé (le texte continue jusqu'à la ligne {mark.line + 1})")


def _tab_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """A tab inside a value rather than in the indentation."""
    mark = exc.problem_mark
    if mark is None or "found character '\\t'" not in str(exc.problem):
        return None
    if not text[text.rfind("\n", 0, mark.index) + 1:mark.index].strip():  # in the indentation
        return None
    return mark.line + 1, mark.column + 1, "tabulation interdite en YAML : remplacez-la par une espace"


def _quoted_before(text: str, index: int) -> yaml.ScalarToken | None:
    """The token just before character `index` when it is a quoted text."""
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= index:
                break
            last = token
    except yaml.YAMLError:
        pass
    return last if isinstance(last, yaml.ScalarToken) and last.style in ('"', "'") else None


YAML_REASONS = (
    ("found character '\\t'", "tabulation interdite en YAML : indentez avec des espaces"),
    ("mapping values are not allowed", "deux-points inattendu : mettez le texte entre guillemets"),
    ("could not find expected ':'", "deux-points attendu après le nom du champ"),
    ("found unexpected end of stream", "fin de fichier inattendue : un guillemet n'est pas fermé"),
    ("did not find expected key", "indentation incohérente"),
    ("expected <block end>", "indentation incohérente"),
    ("found undefined alias", "alias YAML inconnu"),
    ("while scanning a quoted scalar", "guillemet non fermé"),
    ("expected ',' or ']'", "crochet « [ » non fermé, ou virgule manquante dans la liste"),
    ("expected ',' or '}'", "accolade « { » non fermée, ou virgule manquante entre les champs"),
    ("found unknown escape character", "barre oblique inverse inconnue entre guillemets doubles : "
                                       "doublez-la (\\\\) ou utilisez des guillemets simples"),
    ("while scanning an anchor", "« & » en début de valeur : mettez le texte entre guillemets"),
    ("while scanning an alias", "« * » en début de valeur : mettez le texte entre guillemets"),
    ("expected the node content", "valeur attendue : mettez le texte entre guillemets"),
    ("expected a single document", "un seul document attendu : retirez la ligne « --- »"),
    ("could not determine a constructor", "étiquette YAML « ! » non autorisée : mettez le texte entre guillemets"),
    ("found unhashable key", "nom de champ invalide (une liste ou un tableau ne peut pas nommer un champ)"),
    ("found incompatible YAML document", "version de YAML non prise en charge : retirez la ligne « %YAML »"),
    ("for merging", "fusion « << » : attendu un tableau de champs"),
    ("failed to decode base64", "données binaires !!binary illisibles"),
)


def yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's reason in French when it is a common one, else as PyYAML says it."""
    reason = f"{exc.context or ''} {exc.problem or ''}".strip()
    if start := re.search(r"found character '(.)' that cannot start any token", reason):
        return f"caractère « {start[1]} » interdit en début de valeur : mettez le texte entre guillemets"
    return next((french for pattern, french in YAML_REASONS if pattern in reason), f"syntaxe invalide ({reason})")
