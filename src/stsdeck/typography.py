"""French typography for display text: decimal commas, no-break spaces, units, and where lines may break."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

NBSP = "\u00a0"
WJ = "\u2060"  # word joiner: no line break here, and nothing drawn
WORD_END = r"(?![^\W_])"  # not followed by a letter or a digit
PROTECTED = r"\S*://\S*|doi:\S*"  # addresses and DOIs are copied as written: never joined
LETTERS = re.compile(r"([(«\[]?)([^\W\d_]{5,})([)»\].,;:]*)")  # a word to hyphenate: letters, maybe bracketed


def _decimal_comma(match: re.Match[str]) -> str:
    """64.1 -> 64,1; an address, DOI or dotted number (http://…, doi:10.1016/…, 10.1016/j.x,
    127.0.0.1, 1.2.3) is left as written."""
    text = match.group()
    return text if "://" in text or "/" in text or text.count(".") > 1 else text.replace(".", ",")


RULES = (
    (re.compile(r"\S*://\S*|(?:doi:)?\d+(?:\.\d+)+(?:/\S*)?"), _decimal_comma),  # 64.1 -> 64,1
    (re.compile(r"(?<=\d) ?(?=%)"), NBSP),                              # 8% / 8 % -> 8 %
    (re.compile(r"(?<=[\w)»%]) (?=[:;?!])"), NBSP),                     # mot : -> mot :
    (re.compile(r"(?<=[≥≤<>=]) (?=\d)"), NBSP),                         # ≥ 95 stays together
    (re.compile(r"(?<=\d) (?=x \d)"), NBSP),                            # 10 x 3,5 Gy
    (re.compile(r"(?<=\bx) (?=\d)"), NBSP),
)
BREAKS = (  # where a line must not break, once the spacing is set
    (re.compile(r"(?<=\d) ([-–]) (?=\d)"), f"{NBSP}\\1{NBSP}"),        # 60 – 66 Gy
    (re.compile(rf"({PROTECTED})|(?<=\d)([-–])(?=[^\s{WJ}])|(?<=[^\W_])(/)(?=[^\W_])"),
     lambda m: m.group(1) or (m.group(2) or m.group(3)) + WJ),          # 17-50 %, 84,7–95,1 %, and a slash
                                                                       # between words, which renderers treat apart
    (re.compile(r"(?<=[≥≤±]) |(?<=\+/-) "), NBSP),                      # ≥ G3, ± 2, +/- 16 Gy
)


@dataclass(frozen=True)
class Typography:
    """A template's declared typography: the units a number keeps beside it (« 50 Gy ») and the
    spellings set at rendering (« mg/m2 » -> « mg/m² »); the data is never changed."""

    units: tuple[str, ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()
    hyphenation: str = ""  # language of the hyphenation patterns (pyphen's name, « fr_FR »); "" for none
    memo: dict[tuple[str, bool], str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @cached_property
    def _unit(self) -> re.Pattern[str] | None:
        """A number then, spaced or not, one of the units."""
        names = sorted(self.units, key=len, reverse=True)
        return re.compile(rf"(?<=\d)[ {NBSP}]?(?=(?:{'|'.join(map(re.escape, names))}){WORD_END})") if names else None

    @cached_property
    def _spelling(self) -> re.Pattern[str] | None:
        written = sorted(dict(self.spellings), key=len, reverse=True)
        return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(map(re.escape, written))}){WORD_END}") if written else None

    @cached_property
    def _patterns(self) -> Any:
        import pyphen

        return pyphen.Pyphen(lang=self.hyphenation)

    def hyphenate(self, word: str) -> list[int]:
        """Where `word` may be hyphenated, as offsets: inside a run of letters only (never in a number,
        a unit or a code), by the language's patterns."""
        core = LETTERS.fullmatch(word)
        if not self.hyphenation or core is None:
            return []
        return [core.start(2) + offset for offset in self._patterns.positions(core.group(2))]

    def spaced(self, text: str) -> str:
        """`text` with French spacing, its units spaced and its spellings set; words are never changed."""
        return self._set(text, False)

    def __call__(self, text: str) -> str:
        """`text` spaced, and joined where a line must not break (a number and its dash, « ≥ » and
        what follows): what the slides show, measured and drawn alike."""
        return self._set(text, True)

    def _set(self, text: str, joined: bool) -> str:
        known = self.memo.get((text, joined))
        if known is None:
            if len(self.memo) >= 65536:
                self.memo.clear()
            known = self.memo[(text, joined)] = self._rules(text, joined)
        return known

    def _rules(self, text: str, joined: bool) -> str:
        text = re.sub(r"[ ]{2,}", " ", text)
        if self._spelling is not None:
            text = self._spelling.sub(lambda m: dict(self.spellings)[m.group()], text)
        for pattern, replacement in RULES:
            text = pattern.sub(replacement, text)
        if self._unit is not None:
            text = self._unit.sub(NBSP, text)
        for pattern, replacement in BREAKS if joined else ():
            text = pattern.sub(replacement, text)
        return text


def typography_of(settings: dict[str, Any]) -> Typography:
    """The typography a theme's settings declare (section `typography`, optional)."""
    declared = settings.get("typography") or {}
    return Typography(tuple(declared.get("units") or ()), tuple((declared.get("spellings") or {}).items()),
                      declared.get("hyphenation") or "")


def typography_problems(settings: dict[str, Any]) -> list[str]:
    """What is wrong in a theme's `typography` section: units a list of texts, spellings texts."""
    declared = settings.get("typography")
    if declared is None:
        return []
    if not isinstance(declared, dict):
        return ["typography : attendu un tableau de champs (units, spellings)"]
    units, spellings = declared.get("units") or [], declared.get("spellings") or {}
    problems = []
    if not (isinstance(units, list) and all(isinstance(u, str) and u.strip() for u in units)):
        problems.append("typography.units : attendu une liste d'unités (textes)")
    if not (isinstance(spellings, dict) and all(isinstance(v, str) and k for k, v in spellings.items())):
        problems.append("typography.spellings : attendu des paires « écrit : affiché » (textes)")
    language = declared.get("hyphenation") or ""
    if language and not (isinstance(language, str) and _known_language(language)):
        problems.append(f"typography.hyphenation : langue de césure inconnue « {language} » (par exemple fr_FR)")
    return problems


def _known_language(language: str) -> bool:
    import pyphen

    return pyphen.language_fallback(language) is not None


@lru_cache(maxsize=1)
def default_typography() -> Typography:
    """The built-in default template's typography, for text set without a theme (chart labels)."""
    import yaml

    from .resources import BUILTIN

    return typography_of(yaml.safe_load((BUILTIN / "default" / "theme.yaml").read_text(encoding="utf-8")))


def french(text: str) -> str:
    """`text` with French typographic spacing and the default template's units; words are never changed."""
    return default_typography().spaced(text)
