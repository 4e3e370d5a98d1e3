"""The arithmetic some distribution kinds need: the Weibull shape for a cv, the
survival curve's exact moments and its inverse transform.

Pure functions on plain numbers (numpy only for the inverse transform, imported
there so that reading a scenario never loads it).
"""

from __future__ import annotations

import math
from typing import Any

from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import fail

WEIBULL_SHAPES = (0.1, 200.0)  # the shapes the mean/cv solver searches


def weibull_shape(cv: float, loc: Loc) -> float:
    """The shape k with CV(k) = cv: Γ(1+2/k) / Γ(1+1/k)² = 1 + cv², by bisection on log k.

    CV falls monotonically as k grows; logs of the Gamma function keep it finite.
    """

    def excess(k: float) -> float:  # > 0 while k is too small
        return math.lgamma(1 + 2 / k) - 2 * math.lgamma(1 + 1 / k) - math.log1p(cv**2)

    lo, hi = WEIBULL_SHAPES
    if excess(lo) < 0 or excess(hi) > 0:
        lo_cv, hi_cv = (weibull_cv(k) for k in (hi, lo))
        fail(loc, f"weibull takes a cv between {lo_cv:.3g} and {hi_cv:.3g}, got {cv:g}")
    a, b = math.log(lo), math.log(hi)
    for _ in range(100):
        mid = (a + b) / 2
        a, b = (mid, b) if excess(math.exp(mid)) > 0 else (a, mid)
    return math.exp((a + b) / 2)


def weibull_cv(k: float) -> float:
    """The coefficient of variation of a Weibull of shape ``k``."""
    return math.sqrt(math.expm1(math.lgamma(1 + 2 / k) - 2 * math.lgamma(1 + 1 / k)))


def survival_knots(dist: Any) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A survival distribution's knot times and its survival levels S at them."""
    m = len(dist.values) // 2
    return dist.values[:m], dist.values[m:]


def survival_moment(dist: Any, j: int) -> float:
    """E[T^j] of a survival distribution, exactly: j ∫ t^(j-1) S(t) dt with S = 1
    before the first knot, linear between knots, and past the last knot S_last times
    an exponential tail of mean ``tail_mean`` (whose part is S_last E[(t_last + X)^j],
    X exponential)."""
    times, surv = survival_knots(dist)
    tail = dist.params[0]
    total = times[0] ** j  # S = 1 on [0, t0): j ∫ t^(j-1) dt
    for a, b, sa, sb in zip(times, times[1:], surv, surv[1:], strict=False):
        if b <= a:
            continue
        k = (sb - sa) / (b - a)
        c = sa - k * a
        total += c * (b**j - a**j) + k * j * (b ** (j + 1) - a ** (j + 1)) / (j + 1)
    last, s_last = times[-1], surv[-1]
    total += (
        s_last
        * sum(math.comb(j, i) * last ** (j - i) * math.factorial(i) * tail**i for i in range(j + 1))
        - s_last * last**j
    )
    return total


def survival_inverse(values: Any, m: int, tail_mean: float, u: Any) -> Any:
    """The t with S(t) = u, for each u in (0, 1]: inverse transform of a survival curve
    with knots ``values[:m]`` (times) and ``values[m:]`` (levels), S = 1 before the
    first knot, linear between knots, exponential of mean ``tail_mean`` past the last.

    At or above the first level: the first knot (an atom if S0 < 1). Between knots:
    the neighbouring knots with S[lo] > u >= S[hi] (S does not increase, so ``hi`` is
    the number of levels above u). The tail's logarithm is libm's (``math.log``),
    one call per draw there, as the compiled kernel this replaces computed it.
    """
    import numpy as np

    times, levels = values[:m], values[m:]
    out = np.empty(u.shape[0], dtype=np.float64)
    top = u >= levels[0]
    out[top] = times[0]
    last = levels[m - 1]
    tail = ~top & (u <= last)
    if last <= 0.0:
        out[tail] = times[m - 1]
    else:
        where = np.flatnonzero(tail)
        logs = np.array([math.log(last / x) for x in u[where].tolist()], dtype=np.float64)
        out[where] = times[m - 1] + tail_mean * logs
    inside = ~top & ~tail
    x = u[inside]
    hi = np.searchsorted(-levels, -x, side="left")
    lo = hi - 1
    s0, s1 = levels[lo], levels[hi]
    t0, t1 = times[lo], times[hi]
    out[inside] = t0 + (s0 - x) / (s0 - s1) * (t1 - t0)
    return out
