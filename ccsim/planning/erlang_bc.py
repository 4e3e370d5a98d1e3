"""Erlang B and Erlang C (M/M/n, no abandonment), and what every Erlang formula of
`ccsim.planning.analytic` shares: the argument checks and the four service-level
definitions (`_combine_sl`). Written to stay finite for loads of thousands of
Erlangs: recursions in log space, no factorials."""

from __future__ import annotations

import math

from ccsim.metrics.service_level import SL_DEFINITIONS as SL_DEFINITIONS  # re-exported
from ccsim.metrics.service_level import service_level


def erlang_b(n: int, load: float) -> float:
    """Blocking probability of M/M/n/n with offered load ``load`` Erlangs.

    Uses the recursion B(k) = A B(k-1) / (k + A B(k-1)), B(0) = 1, which stays in
    [0, 1] and never forms a factorial, so it is stable for any n and load.
    """
    _check_n(n, allow_zero=True)
    _check_load(load)
    b = 1.0
    for k in range(1, n + 1):
        ab = load * b
        b = ab / (k + ab)
    return b


def erlang_c(n: int, load: float) -> float:
    """P(wait > 0) in M/M/n (Erlang C); 1.0 when the queue is unstable (load >= n)."""
    _check_n(n, allow_zero=True)
    _check_load(load)
    if load >= n:
        return 1.0
    return _erlang_c_from_b(n, load, erlang_b(n, load))


def erlang_c_service_level(n: int, load: float, aht: float, t: float) -> float:
    """P(W <= t) in M/M/n: 1 - C exp(-(n - A) t / aht); 0.0 when load >= n."""
    _check_positive(aht, "aht")
    _check_time(t)
    if load >= n:
        _check_load(load)
        return 0.0
    c = erlang_c(n, load)
    return 1.0 - c * math.exp(-(n - load) * t / aht)


def erlang_c_asa(n: int, load: float, aht: float) -> float:
    """Mean wait of all calls in M/M/n (= ASA, nobody abandons): C aht / (n - A)."""
    _check_positive(aht, "aht")
    if load >= n:
        _check_load(load)
        return math.inf
    return erlang_c(n, load) * aht / (n - load)


def erlang_c_occupancy(n: int, load: float) -> float:
    """Agent occupancy A / n in M/M/n, capped at 1 (an unstable queue keeps all busy)."""
    _check_n(n, allow_zero=True)
    _check_load(load)
    if n == 0:
        return 1.0 if load > 0 else 0.0
    return min(load / n, 1.0)


def erlang_c_agents(load: float, aht: float, t: float, target: float) -> int:
    """Fewest agents n with Erlang C SL(t) >= target, searching up from floor(A) + 1.

    Erlang B is carried along the search by its recursion, so the cost is O(n) in
    total rather than O(n) per candidate.
    """
    _check_load(load)
    _check_positive(aht, "aht")
    _check_time(t)
    if not 0.0 <= target < 1.0:
        raise ValueError(f"target must be in [0, 1), got {target!r}")
    n = math.floor(load) + 1
    b = erlang_b(n, load)
    while True:
        c = _erlang_c_from_b(n, load, b)
        if 1.0 - c * math.exp(-(n - load) * t / aht) >= target:
            return n
        n += 1
        ab = load * b
        b = ab / (n + ab)


def _erlang_c_from_b(n: int, load: float, b: float) -> float:
    """Erlang C from Erlang B for load < n: C = n B / (n - A (1 - B))."""
    return n * b / (n - load * (1.0 - b))


def _combine_sl(ans_t: float, ab_t: float, p_answer: float, definition: str) -> float:
    """Service level under ``definition`` from its two probability terms (per offered
    call: answered within T, abandoned within T; answered: ``p_answer``)."""
    counts = {"answered_within": ans_t, "abandoned_within": ab_t, "answered": p_answer}
    return service_level({**counts, "offered": 1.0}, definition)


def _log_erlang_b(n: int, load: float) -> float:
    """ln B(n, load) by the recursion on L_k = ln(1 / B(k)) = ln(1 + (k / A) e^{L_{k-1}}),
    which cannot underflow (B itself underflows for light loads on many agents)."""
    if load <= 0.0:
        return 0.0 if n == 0 else -math.inf
    log_load = math.log(load)
    big_l = 0.0
    for k in range(1, n + 1):
        z = math.log(k) - log_load + big_l
        big_l = z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))
    return -big_l


def _log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf


def _check_n(n: int, allow_zero: bool = False) -> None:
    if isinstance(n, bool) or int(n) != n:
        raise ValueError(f"n must be an integer, got {n!r}")
    if n < (0 if allow_zero else 1):
        raise ValueError(f"n must be >= {0 if allow_zero else 1}, got {n!r}")


def _check_load(load: float) -> None:
    if not load >= 0.0 or math.isinf(load):
        raise ValueError(f"load must be finite and >= 0, got {load!r}")


def _check_positive(value: float, name: str, allow_zero: bool = False) -> None:
    ok = value >= 0.0 if allow_zero else value > 0.0
    if not ok:
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")


def _check_time(t: float) -> None:
    if not t >= 0.0:
        raise ValueError(f"t must be >= 0, got {t!r}")
