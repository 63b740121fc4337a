"""Linear-quadratic dose conversions (BED, EQD2) of radiotherapy schedules, without time factor."""

from __future__ import annotations

from .model import Schedule

# The model behind every figure of this module (charts print it, in French, from the
# `notes.assumption` text of data/charts.yaml): linear-quadratic model, no overall-time
# (repopulation) factor, complete repair between fractions. Split-course and twice-daily
# schedules are therefore computed exactly like continuous once-daily ones, which flatters
# split courses and ignores incomplete repair when two fractions are given less than ~6 h apart.

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
