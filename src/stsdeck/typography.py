"""French typography for display text: decimal commas and no-break spaces."""

from __future__ import annotations

import re
from functools import lru_cache

NBSP = "\u00a0"
UNITS = r"(?:%|Gy|cm|mm|mg|g|ans?|mois|sem|j|h|f|fractions?|patients|études?)"


def _decimal_comma(match: re.Match[str]) -> str:
    """64.1 -> 64,1; an address, DOI or dotted number (http://…, doi:10.1016/…, 10.1016/j.x,
    127.0.0.1, 1.2.3) is left as written."""
    text = match.group()
    return text if "://" in text or "/" in text or text.count(".") > 1 else text.replace(".", ",")


RULES = (
    (re.compile(r"\S*://\S*|(?:doi:)?\d+(?:\.\d+)+(?:/\S*)?"), _decimal_comma),  # 64.1 -> 64,1
    (re.compile(r"(?<=\d) ?(?=%)"), NBSP),                              # 8% / 8 % -> 8 %
    (re.compile(rf"(?<=\d) (?={UNITS}\b)"), NBSP),                      # 44 Gy, 3 ans
    (re.compile(r"(?<=[\w)»%]) (?=[:;?!])"), NBSP),                     # mot : -> mot :
    (re.compile(r"(?<=[≥≤<>=]) (?=\d)"), NBSP),                         # ≥ 95 stays together
    (re.compile(r"(?<=\d) (?=x \d)"), NBSP),                            # 10 x 3,5 Gy
    (re.compile(r"(?<=\bx) (?=\d)"), NBSP),
)


@lru_cache(maxsize=65536)
def french(text: str) -> str:
    """`text` with French typographic spacing; words are never changed."""
    text = re.sub(r"[ ]{2,}", " ", text)
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text
