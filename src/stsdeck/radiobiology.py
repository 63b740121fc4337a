"""Linear-quadratic dose conversions (BED, EQD2) of radiotherapy schedules, without time factor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Schedule

# The model behind every figure of this module (charts print it, in French, from the
# `notes.assumption` text of data/charts.yaml): linear-quadratic model, no overall-time
# (repopulation) factor, complete repair between fractions. Split-course and twice-daily
# schedules are therefore computed exactly like continuous once-daily ones, which flatters
# split courses and ignores incomplete repair when two fractions are given less than ~6 h apart.
# The EQD2 of a course adds the EQD2 of its parts (BED is additive in the LQ model).

REFERENCE_DOSE_PER_FRACTION_GY = 2.0


def bed(total_gy: float, dose_per_fraction_gy: float, alpha_beta: float) -> float:
    """Biologically effective dose: BED = D (1 + d / (α/β)), in Gy."""
    _check(total_gy, dose_per_fraction_gy, alpha_beta)
    return total_gy * (1 + dose_per_fraction_gy / alpha_beta)


def eqd2(total_gy: float, dose_per_fraction_gy: float, alpha_beta: float) -> float:
    """Equivalent dose in 2 Gy fractions: EQD2 = BED / (1 + 2 / (α/β)), in Gy."""
    reference = 1 + REFERENCE_DOSE_PER_FRACTION_GY / alpha_beta
    return bed(total_gy, dose_per_fraction_gy, alpha_beta) / reference


def dose_per_fraction(schedule: Schedule) -> float | None:
    """The stated dose per fraction, else total dose / fractions, else None."""
    if schedule.dose_per_fraction_gy is not None:
        return schedule.dose_per_fraction_gy
    if schedule.fractions:
        return schedule.total_dose_gy / schedule.fractions
    return None


def schedule_bed(schedule: Schedule, alpha_beta: float) -> float | None:
    """BED of a schedule (split course and twice daily alike), None without a dose per fraction."""
    d = dose_per_fraction(schedule)
    return None if d is None else bed(schedule.total_dose_gy, d, alpha_beta)


def schedule_eqd2(schedule: Schedule, alpha_beta: float) -> float | None:
    """EQD2 of a schedule (split course and twice daily alike), None without a dose per fraction."""
    d = dose_per_fraction(schedule)
    return None if d is None else eqd2(schedule.total_dose_gy, d, alpha_beta)


def _check(total_gy: float, dose_per_fraction_gy: float, alpha_beta: float) -> None:
    if alpha_beta <= 0:
        raise ValueError(f"alpha/beta must be > 0, got {alpha_beta}")
    if total_gy < 0 or dose_per_fraction_gy < 0:
        raise ValueError(f"doses must be >= 0, got {total_gy} Gy in {dose_per_fraction_gy} Gy fractions")


@dataclass(frozen=True)
class Course:
    """EQD2 (Gy) of a study's whole course: from its lowest to its highest main schedule, each with the
    boosts every patient receives; `boosted` adds the largest conditional boost (« +/- … si R1 »)."""

    low: float
    high: float
    boosted: float | None = None
    boost_left_out: bool = False  # a conditional boost without a dose per fraction is not counted


def course_eqd2(schedules: Sequence[Schedule], alpha_beta: float) -> Course | None:
    """The course's EQD2, None without a main schedule or when a schedule every patient receives has
    no dose per fraction; the main schedules (and the boosts for all) are alternatives of one another."""
    mains = [schedule_eqd2(s, alpha_beta) for s in schedules if not s.boost]
    always = [schedule_eqd2(s, alpha_beta) for s in schedules if s.boost and not s.conditional]
    if not mains or None in mains or None in always:
        return None
    sometimes = [schedule_eqd2(s, alpha_beta) for s in schedules if s.boost and s.conditional]
    known = [d for d in sometimes if d is not None]
    low = min(mains) + min(always, default=0.0)
    high = max(mains) + max(always, default=0.0)
    return Course(low, high, high + max(known) if known else None, len(known) < len(sometimes))
