"""Exact queueing formulas: Erlang B, Erlang C and Erlang A (M/M/n+M).

These are the ground truth the simulator is validated against (design.md, section 2).
Every formula is written to stay finite and accurate for loads of several thousand
Erlangs: no factorials or large powers, only recursions, log-space arithmetic and the
regularised incomplete gamma function of scipy.

Units: times in seconds, arrival rate ``lam`` in calls per second, mean handle time
``aht`` in seconds, offered load ``load`` = lam * aht in Erlangs, ``n`` agents,
``t`` the service-level threshold in seconds, ``patience_mean`` the mean of the
exponential patience in seconds.

Erlang A notation: mu = 1/aht, theta = 1/patience_mean, nu = n*mu, rho = lam/nu,
x = nu/theta, y = lam/theta, and A(x, y) = (x e^y / y^x) * gamma(x, y) with gamma the
lower incomplete gamma function.  The *offered wait* V is what a caller would wait if
infinitely patient; a caller with patience tau is answered iff V < tau (then W = V),
otherwise abandons after W = tau.  In steady state (Baccelli-Hebuterne, Zeltyn-
Mandelbaum) V has an atom P(V = 0) = 1 - P(V > 0) and, for v > 0, the density

    f_V(v) = nu * pi_n * exp(lam * H(v) - nu * v),   H(v) = (1 - exp(-theta v)) / theta,

where pi_n is the stationary probability of exactly n calls in the system.  Integrating
it gives the closed forms used below (Palm; Garnett-Mandelbaum-Reiman 2002):

    P(V > 0) = pi_n * A(x, y),   P(V > t) = pi_n * E_t * A(x, y e^{-theta t}),
    E_t = exp(lam * H(t) - nu * t),   P(abandon) = P(V > 0) * (1/(rho A) + 1 - 1/rho).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special

__all__ = [
    "ErlangA",
    "erlang_a",
    "erlang_a_chain",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents",
    "erlang_c_asa",
    "erlang_c_occupancy",
    "erlang_c_service_level",
]

SL_DEFINITIONS = ("offered", "answered", "exclude_short_abandons", "short_abandons_as_met")


# -- Erlang B and C ----------------------------------------------------------------------


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


# -- Erlang A: closed forms ------------------------------------------------------------


@dataclass(frozen=True)
class ErlangA:
    """Steady-state KPIs of M/M/n+M (exponential patience, FCFS), from :func:`erlang_a`.

    p_wait: P(an offered call finds all agents busy), abandoned callers included.
    p_abandon: P(an offered call abandons).
    asa: mean wait of answered calls (those answered at once count as 0).
    mean_abandon_time: mean wait of abandoned calls.
    occupancy: answered load per agent, lam (1 - p_abandon) aht / n.
    The model inputs (n, lam, aht, patience_mean) are kept so that
    :meth:`service_level` can be evaluated for any threshold.
    """

    n: int
    lam: float
    aht: float
    patience_mean: float
    p_wait: float
    p_abandon: float
    asa: float
    mean_abandon_time: float
    occupancy: float

    def service_level(self, t: float, definition: str = "offered") -> float:
        """SL(t) under one of the simulator's four definitions (design.md, KPIs).

        With ans(t) = P(answered and wait <= t), ab(t) = P(abandoned and wait <= t):
        ``offered`` ans(t); ``answered`` ans(t) / P(answered);
        ``exclude_short_abandons`` ans(t) / (1 - ab(t));
        ``short_abandons_as_met`` ans(t) + ab(t).
        """
        ans_t, ab_t = _erlang_a_sl_terms(self.n, self.lam, self.aht, self.patience_mean, t)
        return _combine_sl(ans_t, ab_t, 1.0 - self.p_abandon, definition)

    def sl_terms(self, t: float) -> tuple[float, float]:
        """(P(answered and wait <= t), P(abandoned and wait <= t)) for offered calls."""
        return _erlang_a_sl_terms(self.n, self.lam, self.aht, self.patience_mean, t)


def erlang_a(n: int, lam: float, aht: float, patience_mean: float) -> ErlangA:
    """Exact Erlang A (M/M/n+M) KPIs; stable also when the offered load exceeds n.

    Closed forms (via A(x, y) in log space): p_wait, p_abandon, occupancy and the
    service-level terms.  asa and mean_abandon_time need E[V e^{-theta V}] and
    E[tau; tau < V], whose closed forms involve the derivative of the incomplete gamma
    function in its first argument (not in scipy); they are computed by adaptive
    Gauss-Kronrod quadrature (relative tolerance 1e-12) of the exact density f_V above,
    on an interval fitted to its peak, so they are exact to ~1e-10.  The abandon time is
    evaluated as a ratio of integrals whose theta factors cancel, which keeps it accurate
    for very patient callers.  ``patience_mean = inf`` gives the Erlang C values (with
    mean_abandon_time the theta -> 0 limit 1/(nu - lam)); then load < n is required
    for finite waits.
    """
    _check_n(n)
    _check_positive(lam, "lam", allow_zero=True)
    _check_positive(aht, "aht")
    _check_positive(patience_mean, "patience_mean")
    load = lam * aht
    if lam == 0.0:
        return ErlangA(n, lam, aht, patience_mean, 0.0, 0.0, 0.0, 0.0, 0.0)
    if math.isinf(patience_mean):
        return _erlang_a_no_abandonment(n, lam, aht)
    m = _ErlangAModel(n, lam, aht, patience_mean)
    p_answer = 1.0 - m.p_abandon
    asa = m.e_v_answered() / p_answer if p_answer > 0 else math.nan
    return ErlangA(
        n=n,
        lam=lam,
        aht=aht,
        patience_mean=patience_mean,
        p_wait=m.p_wait,
        p_abandon=m.p_abandon,
        asa=asa,
        mean_abandon_time=m.mean_abandon_time(),
        occupancy=load * p_answer / n,
    )


def _erlang_a_no_abandonment(n: int, lam: float, aht: float) -> ErlangA:
    """Erlang A with infinite patience, i.e. Erlang C (or the unstable limit)."""
    load = lam * aht
    if load >= n:
        return ErlangA(n, lam, aht, math.inf, 1.0, 0.0, math.inf, math.inf, 1.0)
    return ErlangA(
        n=n,
        lam=lam,
        aht=aht,
        patience_mean=math.inf,
        p_wait=erlang_c(n, load),
        p_abandon=0.0,
        asa=erlang_c_asa(n, load, aht),
        mean_abandon_time=aht / (n - load),
        occupancy=load / n,
    )


class _ErlangAModel:
    """Shared quantities of one M/M/n+M model, all kept in log space where they can be
    astronomically large or small (A(x, y) overflows for heavy overload)."""

    def __init__(self, n: int, lam: float, aht: float, patience_mean: float) -> None:
        self.n, self.lam = n, lam
        self.nu = n / aht
        self.theta = 1.0 / patience_mean
        self.rho = lam / self.nu
        self.x = self.nu / self.theta
        self.y = lam / self.theta
        self.log_a = _log_a_xy(self.x, self.y)
        log_b = _log_erlang_b(n, lam * aht)
        if log_b == -math.inf:  # no call ever finds all agents busy (to double precision)
            self.p_wait, self.p_no_wait = 0.0, 1.0
            self.log_pi_n = -math.inf
        else:
            # P(V > 0) = A B / (1 - B + A B) = 1 / (1 + (1 - B) / (A B))
            log_1mb = math.log(-math.expm1(log_b)) if log_b < 0 else -math.inf
            logit = self.log_a + log_b - log_1mb
            self.p_wait = float(special.expit(logit))
            self.p_no_wait = float(special.expit(-logit))  # 1 - p_wait, accurate near 1
            self.log_pi_n = _log(self.p_wait) - self.log_a
        self.pi_n = math.exp(self.log_pi_n)
        # P(ab) = P(V>0) - pi_n (A - 1) / rho
        a_m1 = math.expm1(self.log_a) if self.log_a < 700 else math.inf
        if math.isinf(a_m1):
            p_ab = self.p_wait * (1.0 - 1.0 / self.rho) + self.pi_n / self.rho
        else:
            p_ab = self.p_wait - self.pi_n * a_m1 / self.rho
        self.p_abandon = min(max(p_ab, 0.0), 1.0)

    # log of the density scale: f_V(v) = exp(log_f0 + g(v)), g(v) = lam H(v) - nu v
    def g(self, v: float) -> float:
        return self.y * -math.expm1(-self.theta * v) - self.nu * v

    def sl_terms(self, t: float) -> tuple[float, float]:
        """(P(answered, W <= t), P(abandoned, W <= t)) in closed form."""
        if self.p_wait == 0.0:
            return 1.0, 0.0
        if t == 0.0:
            return self.p_no_wait, 0.0
        if math.isinf(t):
            return 1.0 - self.p_abandon, self.p_abandon
        log_e_t = self.g(t)
        y_t = self.y * math.exp(-self.theta * t)
        log_a_t = _log_a_xy(self.x, y_t) if y_t > 0 else 0.0
        p_v_gt_t = math.exp(self.log_pi_n + log_e_t + log_a_t)  # P(V > t)
        pi_n_e_t = math.exp(self.log_pi_n + log_e_t)
        # E[e^{-theta V}; 0 < V <= t] = (P(V>0) - pi_n - P(V>t) + pi_n E_t) / rho
        served_waiting = (self.p_wait - self.pi_n - p_v_gt_t + pi_n_e_t) / self.rho
        served_waiting = max(served_waiting, 0.0)
        ans_t = self.p_no_wait + served_waiting
        # P(ab, W <= t) = E[1 - e^{-theta min(V, t)}]
        ab_t = self.p_wait - served_waiting - math.exp(-self.theta * t) * p_v_gt_t
        return min(ans_t, 1.0), min(max(ab_t, 0.0), 1.0)

    # -- quadrature terms -------------------------------------------------------------

    def _peak_interval(self) -> tuple[float, float, float]:
        """(lo, mode, hi) around the mode of g with g dropping by >= 90 at both ends."""
        theta, lam, nu = self.theta, self.lam, self.nu
        mode = math.log(lam / nu) / theta if lam > nu else 0.0
        g_mode = self.g(mode)
        curv = lam * math.exp(-theta * mode) * theta  # -g''(mode)
        slope = abs(lam * math.exp(-theta * mode) - nu)  # |g'(mode)|
        scale = 1.0 / max(slope, math.sqrt(curv), 1e-300)
        drop = 90.0

        def find(direction: float, limit: float) -> float:
            step = scale
            while True:
                v = mode + direction * step
                if direction < 0 and v <= limit:
                    return limit
                if self.g(v) < g_mode - drop:
                    a, b = sorted((mode + direction * step / 2, v))
                    return optimize.brentq(lambda u: self.g(u) - (g_mode - drop), a, b)
                step *= 2.0

        lo = find(-1.0, 0.0) if mode > 0 else 0.0
        hi = find(1.0, math.inf)
        return lo, mode, hi

    def _integral(self, factor) -> float:
        """ln of  nu * pi_n * integral_0^inf factor(v) e^{g(v)} dv  (factor >= 0), i.e. of
        E[factor(V); V > 0] under the exact density f_V."""
        lo, mode, hi = self._peak_interval()
        g_mode = self.g(mode)

        def f(v: float) -> float:
            return factor(v) * math.exp(self.g(v) - g_mode)

        pts = np.unique(np.concatenate([np.linspace(lo, mode, 5), np.linspace(mode, hi, 9)]))
        total = 0.0
        for a, b in zip(pts[:-1], pts[1:], strict=True):
            val, _ = integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-13, limit=200)
            total += val
        return math.log(total) + g_mode + math.log(self.nu) + self.log_pi_n if total > 0 else -1e300

    def e_v_answered(self) -> float:
        """E[V e^{-theta V}] = E[W; answered] (quadrature)."""
        if self.p_wait == 0.0:
            return 0.0
        theta = self.theta
        return math.exp(self._integral(lambda v: v * math.exp(-theta * v)))

    def mean_abandon_time(self) -> float:
        """E[tau | tau < V] = E[V^2 psi2(theta V)] / E[V psi1(theta V)] (quadrature), where
        theta V^2 psi2 = P(tau < V, tau * theta ...) cancels theta exactly; see _psi1/_psi2."""
        if self.p_wait == 0.0:
            return 0.0
        theta = self.theta
        log_num = self._integral(lambda v: v * v * _psi2(theta * v))
        log_den = self._integral(lambda v: v * _psi1(theta * v))
        return math.exp(log_num - log_den)


def _psi1(u: float) -> float:
    """(1 - e^{-u}) / u, so that E[1 - e^{-theta V}] = theta E[V psi1(theta V)]."""
    return -math.expm1(-u) / u if u > 1e-12 else 1.0 - 0.5 * u


def _psi2(u: float) -> float:
    """(1 - e^{-u}(1 + u)) / u^2, so that E[tau; tau < V] = theta E[V^2 psi2(theta V)]."""
    if u < 1e-4:
        return 0.5 - u / 3.0 + u * u / 8.0
    return float(special.gammainc(2.0, u)) / (u * u)


def _erlang_a_sl_terms(
    n: int, lam: float, aht: float, patience_mean: float, t: float
) -> tuple[float, float]:
    """(P(answered, W <= t), P(abandoned, W <= t)); Erlang C terms for infinite patience."""
    _check_time(t)
    if lam == 0.0:
        return 1.0, 0.0
    if math.isinf(patience_mean):
        return erlang_c_service_level(n, lam * aht, aht, t), 0.0
    return _ErlangAModel(n, lam, aht, patience_mean).sl_terms(t)


def _combine_sl(ans_t: float, ab_t: float, p_answer: float, definition: str) -> float:
    """Service level under ``definition`` from its two probability terms."""
    if definition == "offered":
        return ans_t
    if definition == "answered":
        return ans_t / p_answer if p_answer > 0 else math.nan
    if definition == "exclude_short_abandons":
        return ans_t / (1.0 - ab_t) if ab_t < 1.0 else math.nan
    if definition == "short_abandons_as_met":
        return min(ans_t + ab_t, 1.0)
    raise ValueError(
        f"unknown service-level definition {definition!r}; use one of {SL_DEFINITIONS}"
    )


def _log_a_xy(x: float, y: float) -> float:
    """ln A(x, y), A(x, y) = (x e^y / y^x) gamma(x, y) = 1F1(1; x + 1; y), stably.

    For y >= x, or y < x with a moderate tail, uses
        ln A = D(x) + x h(y/x) + ln P(x, y),  h(r) = r - 1 - ln r,
        D(x) = ln Gamma(x + 1) - x ln x + x   (Stirling series for large x),
    which avoids the cancellation of the huge terms y, x ln y and ln Gamma(x).  When
    P(x, y) is too deep in its tail (y well below x), sums the positive Kummer series
    A = sum_k prod_{i<=k} y / (x + i), which then converges geometrically.
    """
    if y <= 0.0:
        return 0.0
    d = (y - x) / x
    if d > -0.5:
        xh = x * (d - math.log1p(d))  # x h(r) >= 0, no cancellation near r = 1
    else:
        xh = x * (d - (math.log(y) - math.log(x)))
    if y < x and xh > 100.0:
        return _log_a_series(x, y)
    p = float(special.gammainc(x, y))
    if p <= 0.0:
        return _log_a_series(x, y)
    return _stirling_d(x) + xh + math.log(p)


def _log_a_series(x: float, y: float) -> float:
    """ln A(x, y) = ln(1 + sum_{k>=1} prod_{i=1}^k y / (x + i)) for y < x."""
    log_r = math.log(y / x)
    total = 0.0
    start = 1
    cum = 0.0
    chunk = 1024
    while True:
        i = np.arange(start, start + chunk, dtype=float)
        logs = cum + np.cumsum(log_r - np.log1p(i / x))
        terms = np.exp(logs)
        total += float(terms.sum())
        cum = float(logs[-1])
        if terms[-1] < 1e-18 * (1.0 + total):
            return math.log1p(total)
        start += chunk
        chunk = min(chunk * 2, 1 << 20)


def _stirling_d(x: float) -> float:
    """ln Gamma(x + 1) - x ln x + x, accurate also for huge x."""
    if x < 10.0:
        return float(special.gammaln(x + 1.0)) - x * math.log(x) + x
    inv = 1.0 / x
    inv2 = inv * inv
    series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))))
    return 0.5 * math.log(2.0 * math.pi * x) + series


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


# -- Erlang A: birth-death chain (independent cross-check) ------------------------------


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
    if theta > 0:
        mean_abandon_time = float(np.dot(pq, e_w_ab)) / p_abandon
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


# -- argument checks -------------------------------------------------------------------


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
