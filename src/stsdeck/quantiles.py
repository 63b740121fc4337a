"""Normal and Student t quantiles from the standard library (no scipy import on the build path)."""

from __future__ import annotations

import math
from statistics import NormalDist

EPSILON = 1e-15
TINY = 1e-300


def normal_quantile(p: float) -> float:
    """The standard normal quantile of probability `p` (0 < p < 1)."""
    return NormalDist().inv_cdf(p)


def student_t_quantile(p: float, df: int) -> float:
    """The Student t quantile of probability `p` (0 < p < 1) with `df` degrees of freedom, found by
    bisection on the exact distribution function to double precision."""
    if not 0 < p < 1 or df < 1:
        raise ValueError(f"need 0 < p < 1 and df >= 1, got p={p}, df={df}")
    if p < 0.5:
        return -student_t_quantile(1 - p, df)
    low, high = 0.0, 1.0
    while student_t_cdf(high, df) < p:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        low, high = (middle, high) if student_t_cdf(middle, df) < p else (low, middle)
    return (low + high) / 2


def student_t_cdf(t: float, df: int) -> float:
    """P(T <= t) for a Student t with `df` degrees of freedom."""
    tail = 0.5 * regularized_beta(df / (df + t * t), df / 2, 0.5)
    return 1 - tail if t >= 0 else tail


def regularized_beta(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b), by its continued fraction."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(x, a, b) / a
    return 1 - front * _beta_fraction(1 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz method)."""
    c, d = 1.0, _nonzero(1 - (a + b) * x / (a + 1))
    d = 1 / d
    result = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 / _nonzero(1 + numerator * d)
            c = _nonzero(1 + numerator / c)
            result *= d * c
        if abs(d * c - 1) < EPSILON:
            break
    return result


def _nonzero(value: float) -> float:
    return value if abs(value) > TINY else TINY
