"""Linear-quadratic BED / EQD2 of doses and schedules."""

from __future__ import annotations

import pytest

from stsdeck.model import Schedule
from stsdeck.radiobiology import Course, bed, course_eqd2, dose_per_fraction, eqd2, schedule_bed, schedule_eqd2


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


def test_a_course_adds_the_boosts_every_patient_receives() -> None:
    course = course_eqd2([Schedule(50, 25, 2), Schedule(10, 5, 2, boost=True)], 4)
    assert course == Course(60, 60, None, False)


def test_alternative_schedules_give_a_span_and_conditional_boosts_an_upper_end() -> None:
    # Nesseler 2017: « 50-56 Gy en 25 à 28 f +/- boost séquentiel 10-16 Gy en 5 à 8 f si R1 »
    schedules = [Schedule(50, 25, 2), Schedule(56, 28, 2), Schedule(10, 5, 2, boost=True, conditional=True),
                 Schedule(16, 8, 2, boost=True, conditional=True)]
    assert course_eqd2(schedules, 4) == Course(50, 56, 72, False)


def test_boosts_use_their_own_fractionation() -> None:
    # Silva 2021: 25 Gy in 5 x 5 Gy, +/- 16 Gy in 8 f if positive margins
    course = course_eqd2([Schedule(25, 5, 5), Schedule(16, 8, 2, boost=True, conditional=True)], 4)
    assert (course.low, course.boosted) == (pytest.approx(37.5), pytest.approx(53.5))


def test_a_conditional_boost_without_fractionation_is_left_out_and_said() -> None:
    course = course_eqd2([Schedule(44, 22, 2, split_course=True), Schedule(16, boost=True, conditional=True)], 4)
    assert course == Course(44, 44, None, True)


def test_a_course_without_fractionation_has_no_eqd2() -> None:
    assert course_eqd2([Schedule(60, twice_daily=True)], 4) is None
    assert course_eqd2([Schedule(45, 25, 1.8), Schedule(10, boost=True)], 4) is None  # a boost for all, unknown
    assert course_eqd2([Schedule(16, 8, 2, boost=True)], 4) is None  # no main schedule
    assert course_eqd2([], 4) is None


def test_the_studies_courses(dataset_courses) -> None:
    assert dataset_courses["delaney-2003"] == Course(44, 44, None, True)
    assert dataset_courses["eilber-2001"].low == pytest.approx(17.5 * (1 + 3.5 / 4) / 1.5)
    assert dataset_courses["eilber-2001"].high == pytest.approx(35 * (1 + 3.5 / 4) / 1.5)
    assert dataset_courses["byun-2021"] is None
    assert dataset_courses["lehane-2016"].low == pytest.approx(30 * (1 + 1.5 / 4) / 1.5)  # twice daily, full repair


@pytest.fixture(scope="module")
def dataset_courses() -> dict:
    from stsdeck.validate import load_dataset

    from .conftest import DATA

    return {s.key: course_eqd2(s.radiotherapy, 4) for s in load_dataset(DATA).studies}
