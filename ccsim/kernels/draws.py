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

import functools
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

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


def _poisson_count(uniform: Callable[[], float], lam: float) -> int:
    """One Poisson(``lam``) count from the numbers ``uniform()`` gives (`_count_at`)."""
    return _count_at(_Calls(uniform), 0, lam)[0]


class _Calls:
    """Numbers read in order, each from a call of ``uniform`` (``rng.random``): the
    sequence `_count_at` reads, one generator call per number."""

    def __init__(self, uniform: Callable[[], float]) -> None:
        self.uniform = uniform

    def __getitem__(self, index: int) -> float:
        return self.uniform()


def _count_at(values: Any, at: int, lam: float) -> tuple[int, int]:
    """One Poisson(``lam``) count, exactly as the compiled draws (numba's generator)
    always gave it, so that every seed keeps its callers, from the uniforms
    ``values[at]``, ``values[at + 1]``, ... (each read once, in order); returns the
    count and where the next unread number is (`_count`, with ``lam``'s constants).
    """
    if lam == 0:
        return 0, at
    return _count(values, at, _constants(lam))


@functools.lru_cache(maxsize=4096)
def _constants(lam: float) -> tuple[float, ...]:
    """What `_count` needs of ``lam`` > 0: ``(lam, 2a, b, vr, a, log(invalpha),
    log(lam))`` of the transformed-rejection method (``lam >= 10``), or ``(lam,
    exp(-lam), 0, ...)`` (multiplying uniforms)."""
    if lam >= 10:
        _, loglam, b, a, _, vr, log_invalpha = _ptrs_constants(lam)
        return (lam, 2 * a, b, vr, a, log_invalpha, loglam)
    return (lam, math.exp(-lam), 0.0, 0.0, 0.0, 0.0, 0.0)


def _count(values: Any, at: int, constants: tuple[float, ...]) -> tuple[int, int]:
    """One Poisson count from ``values[at]``, ... (`_count_at`); returns the count
    and where the next unread number is.

    numba's transformed-rejection method (``lam >= 10``) truncates a candidate where
    numpy floors it, so about one count in 10^5 differs from ``rng.poisson(lam)``;
    this is numba's algorithm, step for step, on the same uniforms (``rng.random()``
    is the generator's ``next_double``) and with libm's ``exp`` and ``log``.
    """
    lam, c, b, vr, a, log_invalpha, loglam = constants
    if not b:  # multiply uniforms until the product falls to exp(-lam) or below
        prod = values[at]
        at += 1
        k = 0
        while prod > c:
            k += 1
            prod *= values[at]
            at += 1
        return k, at
    log = math.log
    while True:  # transformed rejection: candidates until one is accepted
        u = values[at] - 0.5
        v = values[at + 1]
        at += 2
        us = 0.5 - abs(u)
        k = int((c / us + b) * u + lam + 0.43)  # c = 2a
        if us >= 0.07 and v <= vr:
            return k, at
        if k < 0 or (us < 0.013 and v > us):
            continue
        # log(v) of 0.0 is -inf in numba (the test then fails); math.log raises.
        if (log(v) if v > 0.0 else -math.inf) + log_invalpha - log(a / (us * us) + b) <= (
            -lam + k * loglam - _loggam(k + 1)
        ):
            return k, at


@functools.lru_cache(maxsize=4096)
def _ptrs_constants(lam: float) -> tuple[float, ...]:
    """The transformed-rejection method's constants for ``lam`` (a day's intervals
    repeat their means from one replication to the next)."""
    slam = math.sqrt(lam)
    b = 0.931 + 2.53 * slam
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    return (
        slam,
        math.log(lam),
        b,
        -0.059 + 0.02483 * b,
        invalpha,
        0.9277 - 3.6224 / (b - 2),
        math.log(invalpha),
    )


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


@functools.lru_cache(maxsize=1 << 16)
def _loggam(x: int) -> float:
    """log Gamma(x) as numpy's and numba's Poisson sampler compute it (the same
    counts come back day after day: remembered)."""
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

    The stream's numbers are drawn in one batch (`_Uniforms`) and read in that order,
    the counts' and the times' alike, and the generator is then left where drawing
    them one call at a time (`_poisson_arrivals_stepwise`) leaves it: the same
    numbers, without a numpy call per interval.
    """
    if type(rng.bit_generator) is not np.random.PCG64:
        if not (np.isfinite(rates).all() and (rates >= 0).all()):
            raise ValueError("rates must be finite and >= 0")
        return _poisson_arrivals_stepwise(rng, rates, start, interval)
    day = _plan(tuple((rates * interval).tolist()), start, interval)  # checks the rates
    u = _Uniforms(rng, day.expected)
    firsts: list[int] = []
    counts: list[int] = []
    while True:
        try:
            at = _count_intervals(u.values, day.intervals, firsts, counts)
            break
        except IndexError:  # read past the batch: draw more, go on from the last count
            u.grow(64)
    if at > u.buffer.shape[0]:
        u.grow(at - u.buffer.shape[0])
    u.close(at)
    if not counts:
        return np.empty(0, dtype=np.float64)
    n = np.array(counts)
    times = np.concatenate([u.buffer[f : f + k] for f, k in zip(firsts, counts, strict=True)])
    times *= interval  # low + u * interval, in place (the sum is the same either way round)
    times += day.lows.repeat(n)
    np.minimum(times, day.highs.repeat(n), out=times)  # a + u * interval < b
    # Each interval's times rise with its uniforms and lie below the next interval's:
    # sorting them all at once sorts each interval's uniforms.
    times.sort()
    return times


class _Day(NamedTuple):
    """What a day's rates give `_poisson_arrivals` before any number is drawn."""

    intervals: tuple[tuple[int, tuple[float, ...]], ...]  # `_count_intervals`'s plan
    expected: float  # numbers the day reads, about (the batch's size)
    lows: np.ndarray  # per interval with calls, its start...
    highs: np.ndarray  # ...and the last time before its end


@functools.lru_cache(maxsize=256)
def _plan(means: tuple[float, ...], start: float, interval: float) -> _Day:
    """The `_Day` of these means per interval (a day's means repeat from one
    replication to the next: worked out once). Per interval with calls, the plan
    holds ``(i, constants)``: its index and `_constants` (``lam >= 10``: two numbers
    read, most often; else about ``lam + 1``)."""
    if not all(0.0 <= m < math.inf for m in means):  # NaN fails too
        raise ValueError("rates must be finite and >= 0")
    # no calls where the mean is 0, and no random numbers consumed
    plan = [(i, _constants(lam)) for i, lam in enumerate(means) if lam > 0.0]
    small = sum(m + 1.0 for m in means if 0.0 < m < 10.0)  # numbers small counts read
    which = np.array([p[0] for p in plan], dtype=np.int64)
    lows = start + which * interval
    highs = np.nextafter(start + (which + 1) * interval, lows)
    lows.flags.writeable = highs.flags.writeable = False  # shared by every replication
    return _Day(tuple(plan), sum(means) + small + 4 * len(means), lows, highs)


def _count_intervals(values: Any, plan: tuple, firsts: list[int], counts: list[int]) -> int:
    """Count the calls of each interval of ``plan`` not counted yet (`_count`),
    appending where its times' uniforms start and how many there are; returns the
    next unread number. Reading past ``values`` raises IndexError with the counts so
    far complete: call again on a longer batch to go on."""
    at = firsts[-1] + counts[-1] if counts else 0
    for _, constants in plan[len(counts) :]:
        k, at = _count(values, at, constants)
        firsts.append(at)
        counts.append(k)
        at += k
    return at


class _Uniforms:
    """A PCG64 generator's next numbers, drawn ahead in one batch (``buffer``) to be
    read in order; `close` puts the generator where reading them one call at a time
    would have. ``values`` reads them one by one as Python floats (a memoryview of
    the buffer: as quick to read as a list, and nothing to convert)."""

    def __init__(self, rng: np.random.Generator, expected: float) -> None:
        self.rng = rng
        self.buffer = rng.random(int(expected + 8.0 * math.sqrt(expected) + 64))
        self.values: Any = self.buffer.data  # a memoryview

    def grow(self, at_least: int) -> None:
        """Draw at least ``at_least`` more numbers, the stream's next ones."""
        extra = self.rng.random(max(at_least, self.buffer.shape[0] // 2 + 64))
        self.buffer = np.concatenate((self.buffer, extra))
        self.values = self.buffer.data

    def close(self, used: int) -> None:
        """Leave the generator after the first ``used`` numbers."""
        bit_generator = self.rng.bit_generator
        assert isinstance(bit_generator, np.random.PCG64)
        # One 64-bit output per double: step back over the numbers drawn but not used
        # (PCG64 advances modulo its period, so backwards too).
        bit_generator.advance(used - self.buffer.shape[0])


def _poisson_arrivals_stepwise(
    rng: np.random.Generator, rates: np.ndarray, start: float, interval: float
) -> np.ndarray:
    """`_poisson_arrivals` with one generator call per number or batch (any generator)."""
    parts = []
    for i in range(rates.shape[0]):
        mean = rates[i] * interval
        if mean <= 0.0:
            continue  # no calls, and no random numbers consumed
        k = _poisson_count(rng.random, mean)
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
    ``rates[i]`` (calls per second), finite and >= 0 (checked with the day's plan, once
    per day's rates). Returns float64 times in seconds.
    """
    rates = np.ascontiguousarray(rates, dtype=np.float64)
    if rates.ndim != 1:
        raise ValueError(f"rates must be one-dimensional, got shape {rates.shape}")
    if not interval > 0:
        raise ValueError(f"interval must be > 0, got {interval}")
    return _poisson_arrivals(rng, rates, float(start), float(interval))
