"""Batched random draws, at numpy's speed.

The functions never create or seed a generator: they take a ``numpy.random.Generator``
(from `ccsim.streams`) and call its own vectorised methods, one call per batch
(``rng.exponential(mean, n)``, ``rng.standard_gamma(shape, n) * scale``,
``rng.choice(values, n)``, ...). A batch of ``n`` draws is therefore bit for bit the
``n`` numbers the generator gives one at a time, and leaves it advanced the same
way, so every named stream (common random numbers) gives what it always gave.

No compiled code: drawing callers costs no compilation, and an engine that does not
need numba (SimPy) never imports it.

Public functions are `sample`, `sample_by_period` and `poisson_arrivals`; they
check their inputs.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as np

from ccsim.scenario.model import Distribution, Period

__all__ = ["poisson_arrivals", "sample", "sample_by_period"]


def sample(rng: np.random.Generator, dist: Distribution, n: int) -> np.ndarray:
    """``n`` independent draws of ``dist`` from ``rng``, as a float64 array: its
    kind's `sample` (`ccsim.scenario.kinds.distributions`)."""
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"number of draws must be >= 0, got {n}")
    return dist.rule.sample(rng, dist, n)


def sample_by_period(
    rng: np.random.Generator, periods: Sequence[Period], times: np.ndarray
) -> np.ndarray:
    """One draw per call, from the distribution of the period its time falls in.

    ``times`` (seconds since midnight, one per call) before the first period take the
    first, from the last period's end on the last. The draws are made per period in
    one batch (periods in order, each from ``rng``) and put back in the calls' order.
    """
    times = np.asarray(times, dtype=np.float64)
    starts = np.array([p.start for p in periods[1:]], dtype=np.float64)
    which = np.searchsorted(starts, times, side="right")
    out = np.empty(times.shape[0], dtype=np.float64)
    for j, period in enumerate(periods):
        mine = which == j
        out[mine] = sample(rng, period.dist, int(mine.sum()))
    return out


def _poisson_count(rng: np.random.Generator, lam: float) -> int:
    """One Poisson(``lam``) count, exactly as the compiled draws (numba's generator)
    always gave it, so that every seed keeps its callers.

    numba's transformed-rejection method (``lam >= 10``) truncates a candidate where
    numpy floors it, so about one count in 10^5 differs from ``rng.poisson(lam)``;
    this is numba's algorithm, step for step, on the same uniforms (``rng.random()``
    is the generator's ``next_double``) and with libm's ``exp`` and ``log``.
    """
    if lam >= 10:
        return _poisson_ptrs(rng, lam)
    if lam == 0:
        return 0
    enlam = math.exp(-lam)
    x, prod = 0, 1.0
    while True:
        prod *= rng.random()
        if prod > enlam:
            x += 1
        else:
            return x


def _poisson_ptrs(rng: np.random.Generator, lam: float) -> int:
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        k = int((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        # log(v) of 0.0 is -inf in numba (the test then fails); math.log raises.
        log_v = math.log(v) if v > 0.0 else -math.inf
        if log_v + math.log(invalpha) - math.log(a / (us * us) + b) <= (
            -lam + k * loglam - _loggam(k + 1)
        ):
            return k


_LOGGAM = (
    8.333333333333333e-02,
    -2.777777777777778e-03,
    7.936507936507937e-04,
    -5.952380952380952e-04,
    8.417508417508418e-04,
    -1.917526917526918e-03,
    6.410256410256410e-03,
    -2.955065359477124e-02,
    1.796443723688307e-01,
    -1.39243221690590e00,
)


def _loggam(x: int) -> float:
    """log Gamma(x) as numpy's and numba's Poisson sampler compute it."""
    if x == 1 or x == 2:
        return 0.0
    n = int(7 - x) if x < 7 else 0
    x0 = float(x + n)
    x2 = (1.0 / x0) * (1.0 / x0)
    gl0 = _LOGGAM[9]
    for k in range(9):
        gl0 *= x2
        gl0 += _LOGGAM[8 - k]
    gl = gl0 / x0 + 0.5 * 1.8378770664093453e00 + (x0 - 0.5) * math.log(x0) - x0
    if x < 7:
        for _ in range(n):
            gl = gl - math.log(x0 - 1.0)
            x0 = x0 - 1.0
    return gl


def _poisson_arrivals(
    rng: np.random.Generator, rates: np.ndarray, start: float, interval: float
) -> np.ndarray:
    """Arrival times of a Poisson process with rate ``rates[i]`` on interval ``i``.

    Exact, not thinned: given N ~ Poisson(rate * interval) arrivals in an interval,
    their times are N sorted independent uniforms on it. Intervals are drawn one after
    the other (count, then its times), so a change to a later interval's rate leaves
    the earlier intervals' arrivals unchanged.
    """
    parts = []
    for i in range(rates.shape[0]):
        mean = rates[i] * interval
        if mean <= 0.0:
            continue  # no calls, and no random numbers consumed
        k = _poisson_count(rng, mean)
        u = rng.random(k)
        u.sort()
        a = start + i * interval
        b = start + (i + 1) * interval
        last = np.nextafter(b, a)  # a + u * interval may round up to b itself
        parts.append(np.minimum(a + u * interval, last))
    if not parts:
        return np.empty(0, dtype=np.float64)
    return np.concatenate(parts)


def poisson_arrivals(
    rng: np.random.Generator, rates: np.ndarray, start: float, interval: float
) -> np.ndarray:
    """Sorted arrival times of a piecewise-constant-rate Poisson process.

    Interval ``i`` is ``[start + i*interval, start + (i+1)*interval)`` with rate
    ``rates[i]`` (calls per second). Returns float64 times in seconds.
    """
    rates = np.ascontiguousarray(rates, dtype=np.float64)
    if rates.ndim != 1:
        raise ValueError(f"rates must be one-dimensional, got shape {rates.shape}")
    if not np.all(np.isfinite(rates)) or np.any(rates < 0):
        raise ValueError("rates must be finite and >= 0")
    if not interval > 0:
        raise ValueError(f"interval must be > 0, got {interval}")
    return _poisson_arrivals(rng, rates, float(start), float(interval))
