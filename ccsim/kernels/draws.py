"""Batched random draws, compiled with numba.

The kernels never create or seed a generator: they take a ``numpy.random.Generator``
(from `ccsim.streams`) as an argument and call its methods, which numba compiles to
the same algorithms numpy uses. A kernel therefore gives bit for bit the numbers the
generator's own methods would (``rng.exponential(mean, n)``, ``rng.gamma(shape,
scale, n)``, ``rng.choice(values, n)``, ...) and leaves the generator advanced the
same way, so results do not depend on whether a draw ran compiled or not.

Public functions are the thin Python wrappers `sample` and `poisson_arrivals`; they
check their inputs and pass plain scalars and arrays to the kernels.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np
from numba import njit

from ccsim.scenario.model import Distribution, Period

__all__ = ["poisson_arrivals", "sample", "sample_by_period"]

# Kind codes, in DIST_KINDS order (the kernel dispatches on the integer). Literals, not
# DIST_KINDS.index(...): numba freezes globals into its on-disk cache, which is keyed on
# this file only. tests/test_draws.py checks they match DIST_KINDS.
EXPONENTIAL, DETERMINISTIC, LOGNORMAL, GAMMA, WEIBULL, UNIFORM, EMPIRICAL = range(7)
SURVIVAL = 7
# A mixture is not dispatched by _sample: `sample` hands it to _sample_mixture, whose
# components are the kinds above.
MIXTURE = 8


@njit(cache=True)
def _sample(rng, code, p0, p1, values, n):
    """``n`` draws of distribution ``code`` with canonical parameters ``(p0, p1)``.

    One loop per kind, so the kind test is not repeated per draw. ``values`` is the
    empirical sample (unused, and may be empty, for the other kinds).
    """
    out = np.empty(n, dtype=np.float64)
    if code == EXPONENTIAL:  # p0 = mean
        for i in range(n):
            out[i] = rng.exponential(p0)
    elif code == DETERMINISTIC:  # p0 = value; consumes no random numbers
        out[:] = p0
    elif code == LOGNORMAL:  # p0, p1 = mu, sigma of the underlying normal
        for i in range(n):
            out[i] = rng.lognormal(p0, p1)
    elif code == GAMMA:  # p0, p1 = shape, scale (numpy's gamma() is exactly this)
        for i in range(n):
            out[i] = rng.standard_gamma(p0) * p1
    elif code == WEIBULL:  # p0, p1 = shape k, scale lambda
        for i in range(n):
            out[i] = p1 * rng.weibull(p0)
    elif code == UNIFORM:  # p0, p1 = low, high
        for i in range(n):
            out[i] = rng.uniform(p0, p1)
    elif code == EMPIRICAL:  # uniform with replacement, as rng.choice(values, n)
        m = values.shape[0]
        for i in range(n):
            out[i] = values[rng.integers(0, m)]
    elif code == SURVIVAL:  # p0 = tail mean; values = m knot times, then m levels S
        m = values.shape[0] // 2
        for i in range(n):
            out[i] = _survival_inverse(values, m, p0, 1.0 - rng.random())
    else:
        raise ValueError("unknown distribution code")
    return out


@njit(cache=True)
def _survival_inverse(values, m, tail_mean, u):
    """The t with S(t) = u (u in (0, 1]): inverse transform of a survival curve with
    knots ``values[:m]`` (times) and ``values[m:]`` (levels), S = 1 before the first
    knot, linear between knots, exponential of mean ``tail_mean`` past the last."""
    if u >= values[m]:  # at or above the first level: the first knot (an atom if S0 < 1)
        return values[0]
    last = values[2 * m - 1]
    if u <= last:
        if last <= 0.0:
            return values[m - 1]
        return values[m - 1] + tail_mean * np.log(last / u)
    lo, hi = 0, m - 1  # S[lo] > u >= S[hi]: bisect to neighbouring knots
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if values[m + mid] > u:
            lo = mid
        else:
            hi = mid
    s0, s1 = values[m + lo], values[m + hi]
    t0, t1 = values[lo], values[hi]
    return t0 + (s0 - u) / (s0 - s1) * (t1 - t0)


@njit(cache=True)
def _sample_mixture(rng, cum, codes, p0, p1, values, first, last, n):
    """``n`` draws of a mixture: component ``c`` (kind ``codes[c]``, parameters
    ``p0[c], p1[c]``, empirical sample ``values[first[c]:last[c]]``) with
    probability ``cum[c] - cum[c - 1]``.

    First ``n`` uniforms pick the components (as ``rng.random(n)`` would), then each
    component's draws are made in one batch, components in order, and put back in
    the calls' order: component c's k-th call gets its k-th draw.
    """
    m = cum.shape[0]
    pick = np.empty(n, dtype=np.int64)
    for i in range(n):
        u = rng.random()
        c = 0
        while c < m - 1 and u >= cum[c]:
            c += 1
        pick[i] = c
    out = np.empty(n, dtype=np.float64)
    for c in range(m):
        where = np.flatnonzero(pick == c)
        if where.shape[0] == 0:
            continue
        drawn = _sample(rng, codes[c], p0[c], p1[c], values[first[c] : last[c]], where.shape[0])
        for j in range(where.shape[0]):
            out[where[j]] = drawn[j]
    return out


def sample(rng: np.random.Generator, dist: Distribution, n: int) -> np.ndarray:
    """``n`` independent draws of ``dist`` from ``rng``, as a float64 array."""
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"number of draws must be >= 0, got {n}")
    if dist.kind == "mixture":
        return _sample_mixture(rng, *_mixture_arrays(dist), n)
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


@njit(cache=True)
def _poisson_arrivals(rng, rates, start, interval):
    """Arrival times of a Poisson process with rate ``rates[i]`` on interval ``i``.

    Exact, not thinned: given N ~ Poisson(rate * interval) arrivals in an interval,
    their times are N sorted independent uniforms on it. Intervals are drawn one after
    the other (count, then its times), so a change to a later interval's rate leaves
    the earlier intervals' arrivals unchanged.
    """
    expected = 0.0
    for i in range(rates.shape[0]):
        expected += rates[i] * interval
    out = np.empty(int(expected + 10.0 * np.sqrt(expected)) + 16, dtype=np.float64)
    total = 0
    for i in range(rates.shape[0]):
        mean = rates[i] * interval
        if mean <= 0.0:
            continue  # no calls, and no random numbers consumed
        k = rng.poisson(mean)
        if total + k > out.shape[0]:  # rare: grow the buffer
            bigger = np.empty(2 * (total + k), dtype=np.float64)
            bigger[:total] = out[:total]
            out = bigger
        u = np.empty(k, dtype=np.float64)
        for j in range(k):
            u[j] = rng.random()
        u.sort()
        a = start + i * interval
        b = start + (i + 1) * interval
        last = np.nextafter(b, a)  # a + u * interval may round up to b itself
        for j in range(k):
            out[total + j] = min(a + u[j] * interval, last)
        total += k
    return out[:total].copy()


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
