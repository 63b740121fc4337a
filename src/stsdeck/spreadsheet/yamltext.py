"""A study as YAML text in the layout of data/studies: double-quoted texts, flow items for short lists."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

FLOW_LISTS = ("cohorts", "survival", "toxicity")  # written {a: 1, b: 2} like the existing files
YAML_PRINTABLE = re.compile("[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def to_yaml(data: dict[str, Any]) -> str:
    """A study in the layout of data/studies: double-quoted texts, flow items for short lists."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines += [f"{key}:"] + [f"  {k}: {_scalar(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            lines += [f"{key}:"] + [line for item in value for line in _item(item, key in FLOW_LISTS)]
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _item(item: Any, flow: bool) -> list[str]:
    if not isinstance(item, dict):
        return [f"  - {_scalar(item)}"]
    pairs = [f"{k}: {_scalar(v)}" for k, v in item.items()]
    if flow:
        return ["  - {" + ", ".join(pairs) + "}"]
    return [("  - " if i == 0 else "    ") + pair for i, pair in enumerate(pairs)]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return yaml_number(value)
    return _quote(str(value))


def yaml_number(value: float) -> str:
    """85.4 → '85.4', 48 → '48'; never an exponent, which YAML 1.1 would read as text."""
    text = repr(value)
    return format(Decimal(text), "f") if "e" in text.lower() else text


def _quote(text: str) -> str:
    """A YAML double-quoted scalar; characters YAML may not hold raw are escaped."""
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif YAML_PRINTABLE.fullmatch(char):
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08X}")
    return '"' + "".join(out) + '"'
