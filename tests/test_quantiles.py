"""Normal and Student t quantiles of the standard library against scipy's."""

from __future__ import annotations

import pytest

from stsdeck.quantiles import normal_quantile, regularized_beta, student_t_cdf, student_t_quantile


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 10, 30, 200])
@pytest.mark.parametrize("p", [0.025, 0.1, 0.5, 0.9, 0.975, 0.995, 0.9995])
def test_student_t_quantile_matches_scipy(p: float, df: int) -> None:
    from scipy import stats

    assert student_t_quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-11, abs=1e-13)


def test_student_t_quantile_known_table_values() -> None:
    assert student_t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-4)
    assert student_t_quantile(0.975, 2) == pytest.approx(4.3027, abs=1e-4)
    assert student_t_quantile(0.975, 10) == pytest.approx(2.2281, abs=1e-4)


def test_student_t_cdf_inverts_the_quantile() -> None:
    for df in (1, 3, 12):
        assert student_t_cdf(student_t_quantile(0.9, df), df) == pytest.approx(0.9, abs=1e-14)


def test_regularized_beta_bounds_and_symmetry() -> None:
    assert regularized_beta(0, 2, 3) == 0 and regularized_beta(1, 2, 3) == 1
    assert regularized_beta(0.3, 2, 3) == pytest.approx(1 - regularized_beta(0.7, 3, 2), rel=1e-13)
    assert regularized_beta(0.5, 1, 1) == pytest.approx(0.5)


def test_normal_quantile_is_1_96_at_97_5_percent() -> None:
    assert normal_quantile(0.975) == pytest.approx(1.959963984540054, rel=1e-14)


@pytest.mark.parametrize("p, df", [(0, 3), (1, 3), (0.5, 0)])
def test_student_t_quantile_refuses_impossible_arguments(p: float, df: int) -> None:
    with pytest.raises(ValueError):
        student_t_quantile(p, df)
