"""Erlang A from the truncated birth-death chain (`erlang_a_chain`): an independent
cross-check of the closed forms of `ccsim.planning.analytic`."""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from ccsim.planning.erlang_bc import (
    SL_DEFINITIONS,
    _check_n,
    _check_positive,
    _check_time,
    _combine_sl,
)


def erlang_a_chain(n: int, lam: float, aht: float, patience_mean: float, t: float) -> dict:
    """Erlang A KPIs from the truncated birth-death chain, independent of the closed forms.

    The stationary distribution pi_j (j calls in system, departure rate min(j, n) mu +
    (j - n)^+ theta) is built in log space and truncated where terms fall below 1e-16 of
    the largest.  By PASTA an arrival sees pi; if it sees n + k (k waiting ahead) it runs
    a race: at stage m (m ahead) the stage ends after Exp(nu + m theta + theta), moving
    forward with prob. (nu + m theta) / (nu + (m + 1) theta), else the caller abandons.
    Means follow from first-step recursions; the probabilities of being answered /
    abandoned by time t come from uniformisation of that race chain for all k at once.

    Returns p_wait, p_abandon, asa, mean_abandon_time, occupancy, mean_queue,
    sl_ans_t, sl_ab_t and sl_<definition> for the four definitions.
    """
    _check_n(n)
    _check_positive(lam, "lam")
    _check_positive(aht, "aht")
    _check_positive(patience_mean, "patience_mean")
    _check_time(t)
    nu = n / aht
    theta = 0.0 if math.isinf(patience_mean) else 1.0 / patience_mean
    load = lam * aht
    if theta == 0.0 and load >= n:
        raise ValueError("infinite patience needs load < n for a stationary chain")

    log_queue, pi_low, pq = _stationary(n, lam, nu, theta, load)
    big_k = len(pq) - 1
    ks = np.arange(big_k + 1, dtype=float)

    # race stage m: total rate alpha_m + theta, alpha_m = nu + m theta
    alpha = nu + ks * theta
    q = alpha / (alpha + theta)  # prob. of surviving stage m
    mean_stage = 1.0 / (alpha + theta)
    p_served = np.cumprod(q)  # P(answered | k ahead) = nu / (nu + (k+1) theta)
    p_ab_k = 1.0 - p_served
    # first-step recursions, starting at stage k and going down to 0
    e_w_served = np.empty(big_k + 1)  # E[V; answered]
    e_w_ab = np.empty(big_k + 1)  # E[tau; abandoned]
    prev_s = prev_a = 0.0
    for m in range(big_k + 1):
        prev_s = mean_stage[m] * p_served[m] + q[m] * prev_s
        prev_a = mean_stage[m] * p_ab_k[m] + q[m] * prev_a
        e_w_served[m] = prev_s
        e_w_ab[m] = prev_a

    p_wait = float(pq.sum())
    p_abandon = float(np.dot(pq, p_ab_k))
    p_answer = 1.0 - p_abandon
    asa = float(np.dot(pq, e_w_served)) / p_answer
    if theta > 0:  # conditional mean; weights rescaled so that it survives underflow
        w = np.exp(log_queue - log_queue.max())
        mean_abandon_time = float(np.dot(w, e_w_ab) / np.dot(w, p_ab_k))
    else:
        mean_abandon_time = math.nan
    mean_queue = float(np.dot(pq, ks))

    served_t, ab_t_k = _race_absorption(alpha, theta, t)
    ans_t = float(pi_low.sum() + np.dot(pq, served_t))
    ab_t = float(np.dot(pq, ab_t_k))
    out = {
        "p_wait": p_wait,
        "p_abandon": p_abandon,
        "asa": asa,
        "mean_abandon_time": mean_abandon_time,
        "occupancy": load * p_answer / n,
        "mean_queue": mean_queue,
        "sl_ans_t": ans_t,
        "sl_ab_t": ab_t,
    }
    for definition in SL_DEFINITIONS:
        out[f"sl_{definition}"] = _combine_sl(ans_t, ab_t, p_answer, definition)
    return out


def _stationary(
    n: int, lam: float, nu: float, theta: float, load: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chain's stationary distribution, truncated where terms fall below 1e-16 of
    the largest: ln pi_{n+k} (unnormalised), pi_j for j < n, and pi_{n+k}."""
    # log pi_j for j < n and for the queue part, relative to pi_n
    j = np.arange(n, dtype=float)
    log_low = j * math.log(load) - special.gammaln(j + 1.0)
    log_pi_n = n * math.log(load) - float(special.gammaln(n + 1.0))
    queue_logs = [0.0]
    best = 0.0
    k = 0
    while True:
        k += 1
        step = math.log(lam) - math.log(nu + k * theta)
        cur = queue_logs[-1] + step
        queue_logs.append(cur)
        best = max(best, cur)
        if step < 0 and cur < best - 37.0 - math.log(1.0 + k):
            break
    log_queue = log_pi_n + np.array(queue_logs)
    log_all = np.concatenate([log_low, log_queue])
    log_norm = float(special.logsumexp(log_all))
    pi_low = np.exp(log_low - log_norm)
    pq = np.exp(log_queue - log_norm)  # pq[k] = pi_{n+k}
    return log_queue, pi_low, pq


def _race_absorption(alpha: np.ndarray, theta: float, t: float) -> tuple[np.ndarray, np.ndarray]:
    """P(answered by t), P(abandoned by t) for a caller starting k stages ahead, all k.

    Uniformisation with rate L = max(alpha) + theta: after s jumps of the uniformised
    chain, h_s[k] = P(absorbed in 'answered' by step s | start k); then
    P(by t) = sum_s Poisson(s; L t) h_s.  Backward step:
    h_{s+1}[k] = (1 - (alpha_k + theta)/L) h_s[k] + alpha_k/L h_s[k-1] (+ exit terms).
    """
    size = len(alpha)
    if t == 0.0:
        return np.zeros(size), np.zeros(size)
    rate = float(alpha.max()) + theta
    lt = rate * t
    stay = 1.0 - (alpha + theta) / rate
    fwd = alpha / rate
    ab_step = theta / rate
    h_s = np.zeros(size)
    h_a = np.zeros(size)
    acc_s = np.zeros(size)
    acc_a = np.zeros(size)
    s_max = int(lt + 12.0 * math.sqrt(lt) + 50)
    weights = np.exp(
        np.arange(s_max + 1) * math.log(lt) - lt - special.gammaln(np.arange(s_max + 1) + 1.0)
    )
    for s in range(s_max + 1):
        acc_s += weights[s] * h_s
        acc_a += weights[s] * h_a
        prev_s = np.concatenate(([1.0], h_s[:-1]))  # stage -1 is 'answered'
        prev_a = np.concatenate(([0.0], h_a[:-1]))
        h_s = stay * h_s + fwd * prev_s
        h_a = stay * h_a + fwd * prev_a + ab_step
    return acc_s, acc_a
