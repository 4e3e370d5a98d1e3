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

# Kind codes, in DIST_KINDS order (`Distribution.code`). tests/test_draws.py checks
# they match DIST_KINDS.
EXPONENTIAL, DETERMINISTIC, LOGNORMAL, GAMMA, WEIBULL, UNIFORM, EMPIRICAL = range(7)
SURVIVAL = 7
# A mixture is not dispatched by _sample: `sample` hands it to _sample_mixture, whose
# components are the kinds above.
MIXTURE = 8


def _sample(rng: np.random.Generator, code: int, p0: float, p1: float, values, n: int):
    """``n`` draws of distribution ``code`` with canonical parameters ``(p0, p1)``.

    ``values`` is the empirical sample (unused, and may be empty, for the other kinds).
    """
    if code == EXPONENTIAL:  # p0 = mean
        return rng.exponential(p0, n)
    if code == DETERMINISTIC:  # p0 = value; consumes no random numbers
        return np.full(n, p0, dtype=np.float64)
    if code == LOGNORMAL:  # p0, p1 = mu, sigma of the underlying normal
        return rng.lognormal(p0, p1, n)
    if code == GAMMA:  # p0, p1 = shape, scale
        return rng.standard_gamma(p0, n) * p1
    if code == WEIBULL:  # p0, p1 = shape k, scale lambda
        return p1 * rng.weibull(p0, n)
    if code == UNIFORM:  # p0, p1 = low, high
        return rng.uniform(p0, p1, n)
    if code == EMPIRICAL:  # uniform with replacement, as rng.choice(values, n)
        return values[rng.integers(0, values.shape[0], n)]
    if code == SURVIVAL:  # p0 = tail mean; values = m knot times, then m levels S
        return _survival_inverse(values, values.shape[0] // 2, p0, 1.0 - rng.random(n))
    raise ValueError("unknown distribution code")


def _survival_inverse(values: np.ndarray, m: int, tail_mean: float, u: np.ndarray):
    """The t with S(t) = u, for each u in (0, 1]: inverse transform of a survival curve
    with knots ``values[:m]`` (times) and ``values[m:]`` (levels), S = 1 before the
    first knot, linear between knots, exponential of mean ``tail_mean`` past the last.

    At or above the first level: the first knot (an atom if S0 < 1). Between knots:
    the neighbouring knots with S[lo] > u >= S[hi] (S does not increase, so ``hi`` is
    the number of levels above u). The tail's logarithm is libm's (``math.log``),
    one call per draw there, as the compiled kernel this replaces computed it.
    """
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


def _sample_mixture(rng, cum, codes, p0, p1, values, first, last, n):
    """``n`` draws of a mixture: component ``c`` (kind ``codes[c]``, parameters
    ``p0[c], p1[c]``, empirical sample ``values[first[c]:last[c]]``) with
    probability ``cum[c] - cum[c - 1]``.

    First ``n`` uniforms pick the components (``rng.random(n)``: component c is the
    first with ``u < cum[c]``, the last if none), then each component's draws are made
    in one batch, components in order, and put back in the calls' order: component
    c's k-th call gets its k-th draw.
    """
    m = cum.shape[0]
    pick = np.searchsorted(cum[: m - 1], rng.random(n), side="right")
    out = np.empty(n, dtype=np.float64)
    for c in range(m):
        where = np.flatnonzero(pick == c)
        if where.shape[0] == 0:
            continue
        sub = values[first[c] : last[c]]
        out[where] = _sample(rng, int(codes[c]), p0[c], p1[c], sub, where.shape[0])
    return out


def sample(rng: np.random.Generator, dist: Distribution, n: int) -> np.ndarray:
    """``n`` independent draws of ``dist`` from ``rng``, as a float64 array."""
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"number of draws must be >= 0, got {n}")
    if dist.kind == "mixture":
        cum, codes, p0, p1, values, first, last = _mixture_arrays(dist)
        return _sample_mixture(rng, cum, codes, p0, p1, values, first, last, n)
    params = tuple(float(p) for p in dist.params) + (0.0, 0.0)
    values = np.ascontiguousarray(dist.values, dtype=np.float64)
    if dist.kind == "empirical" and values.shape[0] == 0:
        raise ValueError("an empirical distribution needs at least one value")
    if dist.kind == "survival" and (values.shape[0] < 2 or values.shape[0] % 2):
        raise ValueError("a survival distribution needs knot times and as many levels")
    return _sample(rng, dist.code, params[0], params[1], values, n)


def _mixture_arrays(dist: Distribution) -> tuple[np.ndarray, ...]:
    """The flat arrays `_sample_mixture` reads: cumulative weights (the last set to
    exactly 1), kind codes, the two parameters, and the empirical samples end to end
    with each component's slice bounds."""
    if not dist.components:
        raise ValueError("a mixture needs at least one component")
    if any(d.kind == "mixture" for _, d in dist.components):
        raise ValueError("a mixture's components must not be mixtures (flatten them)")
    if any(d.kind == "empirical" and not d.values for _, d in dist.components):
        raise ValueError("an empirical distribution needs at least one value")
    weights = np.array([w for w, _ in dist.components], dtype=np.float64)
    cum = np.cumsum(weights / weights.sum())
    cum[-1] = 1.0
    params = [tuple(float(p) for p in d.params) + (0.0, 0.0) for _, d in dist.components]
    sizes = np.array([len(d.values) for _, d in dist.components], dtype=np.int64)
    last = np.cumsum(sizes)
    values = [v for _, d in dist.components for v in d.values]
    return (
        cum,
        np.array([d.code for _, d in dist.components], dtype=np.int64),
        np.array([p[0] for p in params], dtype=np.float64),
        np.array([p[1] for p in params], dtype=np.float64),
        np.array(values, dtype=np.float64),
        last - sizes,
        last,
    )


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
