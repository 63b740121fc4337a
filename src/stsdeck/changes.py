"""What changed since the previous build: studies added, removed or edited, figures that moved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .labels import format_label
from .manifest import flatten
from .model import Dataset, DeckInfo
from .synthesize import CategoryFigures


@dataclass(frozen=True)
class Changes:
    """Differences between two snapshots, study by study and figure by figure."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    edited: tuple[tuple[str, tuple[tuple[str, Any, Any], ...]], ...]
    figures: tuple[tuple[str, tuple[tuple[str, Any, Any], ...]], ...]
    first_build: bool

    @property
    def empty(self) -> bool:
        """True when nothing differs."""
        return not (self.added or self.removed or self.edited or self.figures)


def snapshot(dataset: Dataset, figures: tuple[CategoryFigures, ...]) -> dict[str, Any]:
    """Flat values of every study and every category's figures, for the next comparison."""
    studies = {s.key: {k: v for k, v in flatten(s).items() if k != "file"} for s in dataset.studies}
    return {"studies": studies, "figures": {f.category: flatten(f) for f in figures}}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    keys = sorted(set(before) | set(after))
    return tuple((k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k))


def compare(previous: dict[str, Any], current: dict[str, Any]) -> Changes:
    """Changes from the previous manifest's snapshot to the current one."""
    old, new = previous.get("studies") or {}, current["studies"]
    edited = tuple((key, d) for key in sorted(set(old) & set(new)) if (d := _diff(old[key], new[key])))
    old_fig, new_fig = previous.get("figures") or {}, current["figures"]
    moved = tuple((key, d) for key in new_fig if (d := _diff(old_fig.get(key, {}), new_fig[key])))
    return Changes(tuple(sorted(set(new) - set(old))), tuple(sorted(set(old) - set(new))), edited,
                   moved if old_fig else (), not previous)


BOOLEANS = {True: "oui", False: "non"}


def _value(value: Any, computed: bool = False) -> str:
    """A value as CHANGES.md shows it: decimal comma (one decimal for computed figures), oui/non."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return BOOLEANS[value]
    if isinstance(value, float):
        return f"{round(value, 1) if computed else value:g}".replace(".", ",")
    return str(value).replace("\n", " ⏎ ")


def labels_of(info: DeckInfo) -> dict[str, str]:
    """The deck's changes_* labels, without their prefix."""
    return {key.removeprefix("changes_"): text for key, text in info.labels if key.startswith("changes_")}


def markdown(changes: Changes, labels: dict[str, str]) -> str:
    """CHANGES.md in French."""
    if changes.first_build:
        return f"# {labels['title']}\n\n{labels['first']}\n"
    lines = [f"# {labels['title']}", ""]
    if changes.empty:
        return "\n".join(lines + [labels["none"], ""])
    lines += [f"- {labels['added']} : `{k}`" for k in changes.added]
    lines += [f"- {labels['removed']} : `{k}`" for k in changes.removed]
    for key, diffs in changes.edited:
        lines.append(f"- {labels['edited']} : `{key}`")
        lines += [f"  - `{field}` : {_value(a)} → {_value(b)}" for field, a, b in diffs]
    for key, diffs in changes.figures:
        lines.append(f"- {labels['figures']} : `{key}`")
        lines += [f"  - `{field}` : {_value(a, True)} → {_value(b, True)}" for field, a, b in diffs]
    return "\n".join(lines) + "\n"


def summary(changes: Changes, labels: dict[str, str]) -> str:
    """One line for the terminal."""
    if changes.first_build:
        return labels["first"]
    return format_label(labels["summary"], added=len(changes.added), removed=len(changes.removed),
                        edited=len(changes.edited), figures=len(changes.figures))
