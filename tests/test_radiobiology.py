"""Linear-quadratic BED / EQD2 of doses and schedules."""

from __future__ import annotations

import pytest

from stsdeck.model import Schedule
from stsdeck.radiobiology import bed, dose_per_fraction, eqd2, schedule_bed, schedule_eqd2


def lq_eqd2(total: float, per_fraction: float, alpha_beta: float) -> float:
    """EQD2 written out independently: D (1 + d/(α/β)) / (1 + 2/(α/β))."""
    return total * (1 + per_fraction / alpha_beta) / (1 + 2 / alpha_beta)


def test_bed_of_5_x_5_gy() -> None:
    assert bed(25, 5, 4) == pytest.approx(25 * (1 + 5 / 4))
    assert bed(25, 5, 4) == pytest.approx(56.25)


def test_eqd2_of_25_gy_in_5_fractions_at_alpha_beta_4() -> None:
    assert eqd2(25, 5, 4) == pytest.approx(37.5)
    assert eqd2(25, 5, 4) == pytest.approx(25 * (1 + 5 / 4) / (1 + 2 / 4))
    assert eqd2(25, 5, 4) == pytest.approx(lq_eqd2(25, 5, 4))


def test_eqd2_of_28_gy_in_8_fractions_at_alpha_beta_4() -> None:
    assert eqd2(28, 3.5, 4) == pytest.approx(35.0)
    assert eqd2(28, 3.5, 4) == pytest.approx(28 * (1 + 3.5 / 4) / 1.5)


def test_two_gy_fractions_are_their_own_eqd2() -> None:
    assert eqd2(50, 2, 4) == pytest.approx(50)
    assert eqd2(50, 2, 10) == pytest.approx(50)


def test_schedule_uses_the_stated_dose_per_fraction() -> None:
    schedule = Schedule(total_dose_gy=28, fractions=8, dose_per_fraction_gy=3.5)
    assert schedule_eqd2(schedule, 4) == pytest.approx(35.0)
    assert schedule_bed(schedule, 4) == pytest.approx(52.5)


def test_schedule_derives_dose_per_fraction_from_fractions() -> None:
    schedule = Schedule(total_dose_gy=25, fractions=5)
    assert dose_per_fraction(schedule) == pytest.approx(5)
    assert schedule_eqd2(schedule, 4) == pytest.approx(lq_eqd2(25, 5, 4))


def test_schedule_without_fractionation_has_no_eqd2() -> None:
    assert schedule_eqd2(Schedule(total_dose_gy=50), 4) is None
    assert schedule_bed(Schedule(total_dose_gy=50), 4) is None


def test_split_course_and_twice_daily_are_computed_like_any_schedule() -> None:
    plain = Schedule(total_dose_gy=36, fractions=20, dose_per_fraction_gy=1.8)
    both = Schedule(total_dose_gy=36, fractions=20, dose_per_fraction_gy=1.8, split_course=True, twice_daily=True)
    assert schedule_eqd2(both, 4) == schedule_eqd2(plain, 4) == pytest.approx(lq_eqd2(36, 1.8, 4))


def test_assumption_is_stated_for_charts() -> None:
    import yaml

    from .conftest import DATA

    assumption = yaml.safe_load((DATA / "charts.yaml").read_text(encoding="utf-8"))["notes"]["assumption"]
    assert "LQ" in assumption and "facteur temps" in assumption


@pytest.mark.parametrize("args", [(25, 5, 0), (25, 5, -3), (-1, 2, 4), (25, -5, 4)])
def test_invalid_inputs_are_rejected(args: tuple[float, float, float]) -> None:
    with pytest.raises(ValueError):
        bed(*args)
