"""Exact expected service after a headcount cut, under the count rule (M/M/n(t)+M).

One group of agents answers one stream of Poisson callers (exponential handle
times, exponential patience, FCFS); its headcount is ``n1`` agents for the first
period and ``n2`` after. The *count rule* (``staffing_cut: by_count``, as in
ContactCenters and SSJ) is what this computes: at the cut no call starts while the
busy agents are at or above ``n2``, and an agent who finishes a call above it
leaves. (The per-agent rule, where the agents who stay keep answering while those
leaving finish their calls, is not a birth–death chain in the count alone.)

Method. The state is (busy agents ``b``, callers waiting ``q``), a continuous-time
Markov chain with arrivals at rate ``lam1`` then ``lam2``, service completions at ``b * mu`` (an
agent above the headcount leaves; else the head of the queue starts) and
abandonments at ``q * theta``; ``q`` is truncated at ``q_max`` (its mass there is
returned so it can be checked negligible). The first period is solved from an
empty center with one matrix exponential; the second period's time integral of
the state distribution with one more (the augmented-generator trick), both as
sparse exponential actions. By PASTA a caller arriving at time t sees the state
distribution at t. Its wait depends only on the state it finds and the second
period's rates (callers behind it never overtake it): with ``j`` callers ahead and
``b`` busy it is answered when a completion finds ``b <= n2`` and nobody ahead,
and abandons at rate ``theta`` — an absorbing chain whose absorption by time
``threshold`` gives the chance to be answered within the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.linalg import expm
from scipy.sparse.linalg import expm_multiply

__all__ = ["CutPeriod", "after_cut"]


@dataclass(frozen=True)
class CutPeriod:
    """Expected totals over the period after the cut (calls offered in it)."""

    offered: float
    answered_within: float  # answered within the threshold
    answered: float
    mass_at_q_max: float  # truncation check: probability of a full queue, at most

    @property
    def service_level(self) -> float:
        """Ratio of expected totals: answered within the threshold / offered."""
        return self.answered_within / self.offered


def _index(b: int, q: int, q_max: int) -> int:
    return b * (q_max + 1) + q


def _generator(n: int, b_max: int, lam: float, mu: float, theta: float, q_max: int):
    """The (busy, waiting) chain under headcount n, as a sparse generator."""
    rows, cols, rates = [], [], []

    def add(src: int, dst: int, rate: float) -> None:
        if rate > 0:
            rows.append(src)
            cols.append(dst)
            rates.append(rate)

    for b in range(b_max + 1):
        for q in range(q_max + 1):
            s = _index(b, q, q_max)
            if b < n and q == 0:
                add(s, _index(b + 1, 0, q_max), lam)
            elif q < q_max:
                add(s, _index(b, q + 1, q_max), lam)
            if b > 0:
                if b > n or q == 0:  # an agent above the headcount leaves, or goes idle
                    add(s, _index(b - 1, q, q_max), b * mu)
                else:  # the head of the queue starts
                    add(s, _index(b, q - 1, q_max), b * mu)
            if q > 0:
                add(s, _index(b, q - 1, q_max), q * theta)
    size = (b_max + 1) * (q_max + 1)
    q_matrix = sparse.csr_matrix((rates, (rows, cols)), shape=(size, size))
    return q_matrix - sparse.diags(np.asarray(q_matrix.sum(axis=1)).ravel())


def _answered_within(
    n: int, b_max: int, mu: float, theta: float, q_max: int, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per state found on arrival: P(answered within threshold), P(answered)."""
    size = (b_max + 1) * (q_max + 1)
    within = np.zeros(size)
    ever = np.zeros(size)
    # Waiting phases (b >= n busy, j ahead), then two absorbing states.
    phases = [(b, j) for b in range(n, b_max + 1) for j in range(q_max + 1)]
    where = {p: i for i, p in enumerate(phases)}
    m = len(phases)
    answered, abandoned = m, m + 1
    g = np.zeros((m + 2, m + 2))
    for i, (b, j) in enumerate(phases):
        if b > n:
            g[i, where[(b - 1, j)]] += b * mu
        elif j > 0:
            g[i, where[(b, j - 1)]] += b * mu
        else:
            g[i, answered] += b * mu
        if j > 0:
            g[i, where[(b, j - 1)]] += j * theta
        g[i, abandoned] += theta
        g[i, i] = -g[i].sum()
    by_threshold = expm(g * threshold)[:m, answered]
    # Eventually answered: solve the absorption equations.
    t_sub = g[:m, :m]
    eventually = np.linalg.solve(-t_sub, g[:m, answered])
    for b in range(b_max + 1):
        for q in range(q_max + 1):
            s = _index(b, q, q_max)
            if b < n and q == 0:
                within[s] = ever[s] = 1.0  # answered on arrival
            elif b >= n and q < q_max:
                within[s] = by_threshold[where[(b, q)]]
                ever[s] = eventually[where[(b, q)]]
    return within, ever


def after_cut(
    n1: int,
    n2: int,
    lam1: float,
    lam2: float,
    aht: float,
    patience: float,
    period1: float,
    period2: float,
    threshold: float,
    q_max: int = 60,
) -> CutPeriod:
    """Expected offered, answered-within-``threshold`` and answered calls of the
    period after a cut from ``n1`` to ``n2`` agents (count rule), the center empty
    at the start of the first period. Arrival rates ``lam1`` then ``lam2`` per
    second; times in seconds."""
    mu, theta = 1.0 / aht, 1.0 / patience
    b_max = max(n1, n2)
    size = (b_max + 1) * (q_max + 1)
    p0 = np.zeros(size)
    p0[_index(0, 0, q_max)] = 1.0
    q1 = _generator(n1, b_max, lam1, mu, theta, q_max)
    p_cut = expm_multiply(q1.T * period1, p0)
    # [p, 0] exp([[Q, I], [0, 0]] T) = [p e^{QT}, p int_0^T e^{Qs} ds]
    q2 = _generator(n2, b_max, lam2, mu, theta, q_max)
    aug = sparse.bmat([[q2, sparse.identity(size)], [None, sparse.csr_matrix((size, size))]])
    integral = expm_multiply(aug.T.tocsr() * period2, np.concatenate([p_cut, np.zeros(size)]))
    seen = integral[size:]  # expected time spent in each state during the period
    within, ever = _answered_within(n2, b_max, mu, theta, q_max, threshold)
    full = sum(seen[_index(b, q_max, q_max)] for b in range(b_max + 1)) / period2
    return CutPeriod(
        offered=lam2 * period2,
        answered_within=float(lam2 * seen @ within),
        answered=float(lam2 * seen @ ever),
        mass_at_q_max=float(full),
    )
