"""What every chart draws with: the canvas (data, labels, colours, size), type sizes, palette, French numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..labels import format_label
from ..model import Category, Dataset, Study
from ..synthesize import POOLED_HORIZON_YEARS
from ..typography import NBSP, french

FONT_SIZE = 12.0
SMALL = 10.0
# Category colours after the theme's primary and accent: distinct hues, readable on white.
FALLBACK_PALETTE = ("#1F4E79", "#C55A11", "#009E73", "#7B3F98", "#0072B2", "#CC79A7", "#8C6D1F")
MAX_ROWS = 45  # a chart with one row per study stays readable up to this many studies
MAX_NAMED = 45  # points are labelled with their study's name up to this many


@dataclass(frozen=True)
class Canvas:
    """What every chart needs: data, labels, colours and figure size."""

    dataset: Dataset
    labels: dict[str, Any]
    colors: dict[str, str]
    size: tuple[float, float]
    category_figures: tuple[Any, ...]

    def text(self, chart: str, key: str, **values: Any) -> str:
        """The French label `key` of `chart`, formatted with `values`."""
        return french(format_label(str(self.labels["charts"][chart][key]), **values))

    def common(self, key: str, **values: Any) -> str:
        """A label shared by all charts, formatted with `values`."""
        return french(format_label(str(self.labels["common"][key]), **values))

    def note(self, key: str, **values: Any) -> str:
        """A chart note, formatted with `values`."""
        return french(format_label(str(self.labels["notes"][key]), **values))

    def colour(self, category: Category) -> str:
        """The colour of `category` in every chart."""
        keys = [c.key for c in self.dataset.categories]
        return palette(self.colors, len(keys))[keys.index(category.key)]

    def ink(self, key: str, default: str) -> str:
        """A theme colour, or `default`."""
        return self.colors.get(key, default)

    def join(self, parts: list[str]) -> str:
        """Parts joined with the list separator, or the word for none."""
        return self.common("list_separator").join(parts) if parts else self.common("none")


def palette(colors: dict[str, str], n: int) -> tuple[str, ...]:
    """`n` category colours: the theme's primary and accent, then the fallback palette, cycling."""
    unique: list[str] = []
    for colour in (colors.get("primary"), colors.get("accent"), *FALLBACK_PALETTE):
        if colour and colour.lower() not in (u.lower() for u in unique):
            unique.append(colour)
    return tuple(unique[i % len(unique)] for i in range(n))


def number(value: float, decimals: int = 1) -> str:
    """`value` with a decimal comma and without trailing zeros: 77.8 -> "77,8", 92.0 -> "92"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent(value: float, decimals: int = 1) -> str:
    """`value` as a French percentage: 77.8 -> "77,8 %" with a no-break space."""
    return f"{number(value, decimals)}{NBSP}%"


def study_name(study: Study) -> str:
    """First author and year ("Hazell 2020"), the author alone without a year."""
    return study.name


def horizon_name(canvas: Canvas, study: Study) -> str:
    """Study name, with its local-control horizon when it is not the pooled horizon (5 years)."""
    name = study_name(study)
    rate = study.local_control
    if rate is None or rate.years == POOLED_HORIZON_YEARS:
        return name
    return canvas.common("with_horizon", name=name, years=number(rate.years))
