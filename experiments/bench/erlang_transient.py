"""Exact expected KPIs of M/M/n+M (FCFS) for a finite day that starts empty.

The reference day is short enough (8 h, starting with no call in the system) that
its expected KPIs differ measurably from the steady-state Erlang A values: the
first ~15 minutes, while the agents fill up, have almost no waiting. This module
computes the exact expectation for the day, so the benchmark can check every
implementation against it within Monte Carlo error and also report how far the
day is from steady state.

Method. ``p(t)`` is the distribution of the number in system, a birth-death chain
(arrivals ``lam``; departures ``mu * min(k, n) + theta * max(k - n, 0)``) truncated
at ``k_max`` (its mass there is printed-checkable and negligible). By PASTA the calls
of the day see, on average, ``alpha = (1 / T) * int_0^T p(t) dt``, obtained from one
matrix exponential of the augmented generator. A call that finds ``k >= n`` has
``m = k - n`` callers ahead; its wait is phase-type: with ``j`` ahead it moves on at
rate ``n mu + j theta`` and abandons at rate ``theta``. Calls that arrive before the
end of arrivals are unaffected by the drain (FCFS: nobody behind overtakes), so the
day's pooled KPIs are the ``alpha``-weighted per-state answers. With ``alpha`` the
stationary distribution the same code gives the steady-state Erlang A values, which
is how it is checked against ``ccsim.planning.analytic.erlang_a``.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm, solve_triangular

__all__ = ["day_kpis", "kpis_from_alpha", "stationary", "steady_kpis"]


def _generator(n: int, lam: float, mu: float, theta: float, k_max: int) -> np.ndarray:
    k = np.arange(k_max + 1)
    death = mu * np.minimum(k, n) + theta * np.maximum(k - n, 0)
    q = np.zeros((k_max + 1, k_max + 1))
    q[k[:-1], k[:-1] + 1] = lam
    q[k[1:], k[1:] - 1] = death[1:]
    q[k, k] = -q.sum(axis=1)
    return q


def stationary(n: int, lam: float, mu: float, theta: float, k_max: int) -> np.ndarray:
    """Stationary distribution of the truncated chain (product form, in log space)."""
    k = np.arange(1, k_max + 1)
    death = mu * np.minimum(k, n) + theta * np.maximum(k - n, 0)
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death))])
    p = np.exp(logp - logp.max())
    return p / p.sum()


def time_average_from_empty(
    n: int, lam: float, mu: float, theta: float, horizon: float, k_max: int
) -> np.ndarray:
    """``(1 / T) int_0^T p(t) dt`` with ``p(0)`` = empty system."""
    size = k_max + 1
    aug = np.zeros((2 * size, 2 * size))
    aug[:size, :size] = _generator(n, lam, mu, theta, k_max)
    aug[:size, size:] = np.eye(size)
    block = expm(aug * horizon)[:size, size:]  # int_0^T e^{Qs} ds
    alpha = block[0] / horizon
    return alpha / alpha.sum()


def kpis_from_alpha(
    alpha: np.ndarray, n: int, mu: float, theta: float, threshold: float
) -> dict[str, float]:
    """SL(threshold) over offered calls, ASA of answered calls, abandon rate,
    for calls that see ``alpha`` on arrival."""
    m_max = alpha.size - 1 - n
    j = np.arange(m_max + 1)
    sub = np.diag(-(n * mu + (j + 1) * theta)) + np.diag(n * mu + j[1:] * theta, -1)
    exit_answer = np.zeros(m_max + 1)
    exit_answer[0] = n * mu
    # sub is lower bidiagonal: triangular solves are exact and cheap.
    inv_a = solve_triangular(sub, exit_answer, lower=True)  # T^-1 a
    p_answer = -inv_a
    e_wait_answered = solve_triangular(sub, inv_a, lower=True)  # T^-2 a
    p_answer_within = solve_triangular(
        sub, expm(sub * threshold) @ exit_answer - exit_answer, lower=True
    )  # T^-1 (e^{Tt} - I) a
    now, queued = alpha[:n].sum(), alpha[n:]
    answered = now + queued @ p_answer
    return {
        "sl": float(now + queued @ p_answer_within),
        "asa_s": float(queued @ e_wait_answered / answered),
        "abandon_rate": float(1.0 - answered),
        "mass_at_k_max": float(alpha[-1]),
    }


def day_kpis(
    n: int,
    lam: float,
    aht: float,
    patience_mean: float,
    horizon: float,
    threshold: float,
    k_max: int | None = None,
) -> dict[str, float]:
    """Exact expected pooled KPIs of a day of length ``horizon`` starting empty
    (arrivals stop at ``horizon``, the system then drains)."""
    mu, theta = 1.0 / aht, 1.0 / patience_mean
    if k_max is None:
        k_max = n + 250
    alpha = time_average_from_empty(n, lam, mu, theta, horizon, k_max)
    return kpis_from_alpha(alpha, n, mu, theta, threshold)


def steady_kpis(
    n: int,
    lam: float,
    aht: float,
    patience_mean: float,
    threshold: float,
    k_max: int | None = None,
) -> dict[str, float]:
    mu, theta = 1.0 / aht, 1.0 / patience_mean
    if k_max is None:
        k_max = n + 250
    return kpis_from_alpha(stationary(n, lam, mu, theta, k_max), n, mu, theta, threshold)
