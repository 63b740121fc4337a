"""Label formatting that allows only plain named fields `{name}`, with a bounded width and precision."""

from __future__ import annotations

import re
import string
from typing import Any

MAX_WIDTH = 100
MAX_PRECISION = 20
BRACES = "accolade non fermée ou isolée (écrivez {{ ou }} pour une accolade littérale)"
SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?",
                  re.DOTALL)


class LabelRefused(ValueError):
    """A label whose braces stsdeck refuses to format; the message says why, in French."""


def _written(name: str, conversion: str | None, spec: str) -> str:
    """A field as the label writes it, shortened for a message."""
    text = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    return text if len(text) <= 60 else text[:57] + "…}"


def _spec_problem(spec: str) -> str | None:
    """Why a format spec is refused (nested field, unknown syntax, width or precision too large)."""
    found = SPEC.fullmatch(spec) if "{" not in spec and "}" not in spec else None
    if found is None:
        return f"format « {spec[:30]} » invalide"
    if found["width"] and int(found["width"]) > MAX_WIDTH:
        return f"largeur {found['width']} trop grande (au plus {MAX_WIDTH})"
    if found["precision"] and int(found["precision"]) > MAX_PRECISION:
        return f"précision {found['precision']} trop grande (au plus {MAX_PRECISION})"
    return None


def _field_problem(name: str, conversion: str | None, spec: str) -> str | None:
    if not name.isidentifier():
        return "seuls les champs nommés simplement sont permis, comme {n} (ni point, ni crochets, ni numéro)"
    if conversion:
        return f"conversion « !{conversion} » non permise"
    return _spec_problem(spec) if spec else None


def pieces(text: str) -> list[tuple[str, str | None, str]]:
    """(literal text, field name or None, format spec) of each piece of `text`; LabelRefused when a
    brace is unbalanced or a field is more than a plain name with a bounded format."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise LabelRefused(BRACES) from None
    for _, name, spec, conversion in parsed:
        if name is not None and (why := _field_problem(name, conversion, spec or "")):
            raise LabelRefused(f"champ « {_written(name, conversion, spec or '')} » refusé : {why}")
    return [(literal, name, spec or "") for literal, name, spec, _ in parsed]


def label_fields(text: str) -> set[str] | str:
    """The field names a label uses, or why stsdeck refuses it."""
    try:
        return {name for _, name, _ in pieces(text) if name is not None}
    except LabelRefused as exc:
        return str(exc)


def format_label(text: str, **values: Any) -> str:
    """`text` with each `{name}` replaced by its value (KeyError for a name not given, as str.format)."""
    return "".join(literal + (format(values[name], spec) if name is not None else "")
                   for literal, name, spec in pieces(text))
