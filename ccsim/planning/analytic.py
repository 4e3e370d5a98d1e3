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
    E_t = exp(lam * H(t) - nu * t),   P(abandon) = P(V > 0) * (1/(rho A) + 1 - 1/rho),

and, integrating e^{-theta v} f_V(v) by parts (d e^{lam H} = lam e^{-theta v} e^{lam H}),
the service-level terms

    P(answered, W <= t) = 1 - P(V > 0) + (P(V > 0) - pi_n - P(V > t) + pi_n E_t) / rho,
    P(abandoned, W <= t) = E[1 - e^{-theta min(V, t)}]
                         = P(V > 0) - [P(answered, W <= t) - 1 + P(V > 0)]
                           - e^{-theta t} P(V > t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special

__all__ = [
    "BalkingErlangA",
    "ErlangA",
    "erlang_a",
    "erlang_a_atom",
    "erlang_a_chain",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents",
    "erlang_c_asa",
    "erlang_c_occupancy",
    "erlang_c_service_level",
]

# Largest shape x = n patience / aht for which scipy's gammainc is used (accurate to
# ~1e-12 there); beyond it Erlang A terms come from series or quadrature.
_GAMMAINC_MAX_SHAPE = 1e5

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


def erlang_a(n: int, lam: float, aht: float, patience_mean: float) -> ErlangA:
    """Exact Erlang A (M/M/n+M) KPIs; stable also when the offered load exceeds n.

    Which terms are closed forms (module docstring) and which are quadrature:

    * p_wait: closed form A B / (1 + (A - 1) B) with B = Erlang B (log-space recursion)
      and A(x, y) from gammainc (x <= 1e5) or its Kummer series; for x > 1e5 (patience
      above 1e5 aht / n, far beyond practice) scipy's gammainc is inaccurate, so A comes
      from the series or from quadrature of its defining integral.
    * p_abandon, occupancy and the service-level terms: closed forms (GMR) when
      x <= 1e5, otherwise quadrature of the exact offered-wait density.
    * asa and mean_abandon_time need E[V e^{-theta V}] and E[tau; tau < V], whose closed
      forms involve the derivative of the incomplete gamma function in its first
      argument (not in scipy): adaptive Gauss-Kronrod quadrature (relative tolerance
      1e-13) of the exact density, on an interval fitted to its peak, in the variable
      s = theta V.  The abandon time is a ratio of integrals whose theta factors cancel,
      which keeps it accurate for very patient callers.

    Cross-checked against :func:`erlang_a_chain` to ~1e-11 for n up to 3000, under-
    and overload.  ``patience_mean = inf`` gives the Erlang C values (mean_abandon_time
    is then the theta -> 0 limit aht / (n - load)); if also load >= n the waits are
    infinite.
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
    asa = m.e_w_answered() / p_answer if p_answer > 0 else math.nan
    return ErlangA(
        n=n,
        lam=lam,
        aht=aht,
        patience_mean=patience_mean,
        p_wait=m.p_wait,
        p_abandon=m.p_abandon,
        asa=asa,
        mean_abandon_time=m.mean_abandon_time(),
        occupancy=min(load * p_answer / n, 1.0),
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
    """Shared quantities of one M/M/n+M model.  A(x, y) is kept as its logarithm: it
    overflows for heavy overload and large n."""

    def __init__(self, n: int, lam: float, aht: float, patience_mean: float) -> None:
        self.nu = n / aht
        self.theta = 1.0 / patience_mean
        self.rho = lam / self.nu
        self.x = self.nu / self.theta
        self.y = lam / self.theta
        self.closed = self.x <= _GAMMAINC_MAX_SHAPE
        self.density = _OfferedWaitDensity(self.x, self.y)
        self.log_a = _log_a_xy(self.x, self.y)
        log_b = _log_erlang_b(n, lam * aht)
        if log_b == -math.inf:  # no call finds all agents busy (to double precision)
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
        if not self.closed:
            p_ab = self.p_wait * self._ratio(lambda s: -math.expm1(-s))
        elif self.log_a < 700.0:
            # GMR: P(ab) = P(V>0) (1/(rho A) + 1 - 1/rho) = P(V>0) - pi_n (A - 1) / rho
            p_ab = self.p_wait - self.pi_n * math.expm1(self.log_a) / self.rho
        else:
            p_ab = self.p_wait * (1.0 - 1.0 / self.rho) + self.pi_n / self.rho
        self.p_abandon = min(max(p_ab, 0.0), 1.0)

    def _ratio(self, factor, a: float = 0.0, b: float = math.inf) -> float:
        """E[factor(theta V); a < theta V < b | V > 0] by quadrature of the exact density."""
        d = self.density
        return d.integral(factor, a, b) / d.integral(_one)

    def sl_terms(self, t: float) -> tuple[float, float]:
        """(P(answered, W <= t), P(abandoned, W <= t)): closed form, or quadrature when
        x is beyond the accurate range of scipy's gammainc."""
        if self.p_wait == 0.0:
            return 1.0, 0.0
        if t == 0.0:
            return self.p_no_wait, 0.0
        if math.isinf(t):
            return 1.0 - self.p_abandon, self.p_abandon
        theta = self.theta
        if not self.closed:
            cut = theta * t
            served = self.p_wait * self._ratio(lambda s: math.exp(-s), 0.0, cut)
            ab = self._ratio(lambda s: -math.expm1(-s), 0.0, cut)
            ab += -math.expm1(-cut) * self._ratio(_one, cut)
            return min(self.p_no_wait + served, 1.0), min(self.p_wait * ab, 1.0)
        # E_t = exp(lam H(t) - nu t); P(V > t) = pi_n E_t A(x, y e^{-theta t})
        log_e_t = self.y * -math.expm1(-theta * t) - self.nu * t
        y_t = self.y * math.exp(-theta * t)
        log_a_t = _log_a_xy(self.x, y_t)
        p_v_gt_t = math.exp(self.log_pi_n + log_e_t + log_a_t)
        pi_n_e_t = math.exp(self.log_pi_n + log_e_t)
        # E[e^{-theta V}; 0 < V <= t] = (P(V>0) - pi_n - P(V>t) + pi_n E_t) / rho
        served = max((self.p_wait - self.pi_n - p_v_gt_t + pi_n_e_t) / self.rho, 0.0)
        # P(ab, W <= t) = E[1 - e^{-theta min(V, t)}]
        ab = self.p_wait - served - math.exp(-theta * t) * p_v_gt_t
        return min(self.p_no_wait + served, 1.0), min(max(ab, 0.0), 1.0)

    def e_w_answered(self) -> float:
        """E[W; answered] = E[V e^{-theta V}] = (P(V>0)/theta) E[s e^{-s} | V > 0], s =
        theta V (quadrature)."""
        if self.p_wait == 0.0:
            return 0.0
        return self.p_wait / self.theta * self._ratio(lambda s: s * math.exp(-s))

    def mean_abandon_time(self) -> float:
        """E[tau | tau < V] (quadrature).  With s = theta V,
        E[tau; tau < V] = E[1 - e^{-s}(1 + s)] / theta and P(tau < V) = E[1 - e^{-s}];
        dividing both by s keeps the ratio accurate as theta -> 0."""
        d = self.density
        num = d.integral(lambda s: s * s * _psi2(s))
        den = d.integral(lambda s: s * _psi1(s))
        return num / den / self.theta


def _one(s: float) -> float:
    return 1.0


def _psi1(s: float) -> float:
    """(1 - e^{-s}) / s."""
    return -math.expm1(-s) / s if s > 1e-12 else 1.0 - 0.5 * s


def _psi2(s: float) -> float:
    """(1 - e^{-s}(1 + s)) / s^2 = P(2, s) / s^2."""
    if s < 1e-4:
        return 0.5 - s / 3.0 + s * s / 8.0
    return float(special.gammainc(2.0, s)) / (s * s)


def _em1pu(u: float) -> float:
    """e^{-u} - 1 + u without cancellation for small |u|."""
    if abs(u) < 0.5:
        term, total = u * u / 2.0, 0.0
        for k in range(3, 22):
            total += term
            term *= -u / k
        return total
    return math.expm1(-u) + u


class _OfferedWaitDensity:
    """The density of the offered wait on V > 0 in dimensionless time s = theta V:
    f(s) proportional to exp(G(s)), G(s) = y (1 - e^{-s}) - x s, so that
    A(x, y) = x * integral_0^inf exp(G(s)) ds.

    G is concave with its mode at s* = ln(y/x) (overload) or 0.  G(s) - G(s*) is formed
    as -(x - c) u - c (e^{-u} - 1 + u), u = s - s*, c = y e^{-s*}, which has no
    cancellation even for x, y ~ 1e13.  Quadrature runs over u in [lo, hi], where G has
    dropped by 90 below its peak (the rest is < 1e-39 of the mass).
    """

    DROP = 90.0

    def __init__(self, x: float, y: float) -> None:
        self.x = x
        d = (y - x) / x
        if d > 0:
            self.mode, self.c, self.slope = math.log1p(d), x, 0.0
            self.g_mode = x * (d - math.log1p(d))
        else:
            self.mode, self.c, self.slope = 0.0, y, x - y
            self.g_mode = 0.0
        self.scale = 1.0 / max(self.slope, math.sqrt(self.c), 1e-300)
        # integration range in u = s - mode
        self.lo = self._drop_point(-1.0) if self.mode > 0 else 0.0
        self.hi = self._drop_point(1.0)

    def dg(self, u: float) -> float:
        """G(mode + u) - G(mode)."""
        return -self.slope * u - self.c * _em1pu(u)

    def _drop_point(self, direction: float) -> float:
        """u < 0 (left) or > 0 (right) where G has dropped by DROP; -mode if it never
        does on the left."""
        step = self.scale
        while True:
            u = direction * step
            if u <= -self.mode:
                return -self.mode
            if self.dg(u) < -self.DROP:
                a, b = sorted((u / 2, u))
                return optimize.brentq(lambda v: self.dg(v) + self.DROP, a, b, xtol=1e-300)
            step *= 2.0

    def integral(self, factor, a: float = 0.0, b: float = math.inf) -> float:
        """integral_a^b factor(s) exp(G(s) - G(mode)) ds by adaptive Gauss-Kronrod, in the
        offset u = s - mode (so the narrow peak of huge x, y is resolved)."""
        lo = max(a - self.mode, self.lo)
        hi = min(b - self.mode, self.hi)
        if not lo < hi:
            return 0.0
        grid = np.concatenate([np.linspace(self.lo, 0.0, 5), np.linspace(0.0, self.hi, 9)])
        pts = np.unique(np.concatenate([[lo, hi], grid[(grid > lo) & (grid < hi)]]))
        mode = self.mode

        def f(u: float) -> float:
            return factor(mode + u) * math.exp(self.dg(u))

        total = 0.0
        for p, q in zip(pts[:-1], pts[1:], strict=True):
            total += integrate.quad(f, p, q, epsabs=0.0, epsrel=1e-13, limit=200)[0]
        return total

    def log_a(self) -> float:
        """ln A(x, y) = ln x + G(mode) + ln integral exp(G - G(mode))."""
        return math.log(self.x) + self.g_mode + math.log(self.integral(_one))


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

    Closed form: ln A = D(x) + x h(y/x) + ln P(x, y), with h(r) = r - 1 - ln r,
    D(x) = ln Gamma(x + 1) - x ln x + x (Stirling series for large x) and P = gammainc;
    this avoids the cancellation of the huge terms y, x ln y and ln Gamma(x).  When
    P(x, y) is deep in its lower tail (y well below x, x h > 100) the positive Kummer
    series A = sum_k prod_{i<=k} y / (x + i) is summed instead; it then converges
    geometrically.  scipy's gammainc loses accuracy for shapes x > 1e5 (relative error
    up to 1e-2 at x = 1e7 in the lower tail), so there A comes from the series when it is
    short, else from quadrature of A = x * integral_0^inf exp(y (1 - e^{-s}) - x s) ds.
    """
    if y <= 0.0:
        return 0.0
    d = (y - x) / x
    log_r = math.log1p(d) if d > -0.5 else math.log(y) - math.log(x)  # ln(y / x)
    xh = x * (d - log_r)  # x h(r) >= 0, no cancellation near r = 1
    if y < x and xh > 100.0:
        # terms decay like r^k e^{-k^2 / (2x)}: about this many are needed
        terms_needed = min(42.0 / -log_r, math.sqrt(84.0 * x))
        if x <= _GAMMAINC_MAX_SHAPE or terms_needed < 2e5:
            return _log_a_series(x, y)
    if x > _GAMMAINC_MAX_SHAPE:
        return _OfferedWaitDensity(x, y).log_a()
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


# -- M/M/n+G, patience an atom at zero plus an exponential ------------------------------


@dataclass(frozen=True)
class BalkingErlangA:
    """Steady-state KPIs of M/M/n+G with patience 0 with probability ``p_zero``, else
    exponential of mean ``patience_mean`` (FCFS), from :func:`erlang_a_atom`.

    p_wait: P(an offered call finds all agents busy).
    p_abandon: P(an offered call abandons), those who hang up at once included.
    p_abandon_at_once: P(it must wait and its patience is 0).
    occupancy: answered load per agent, lam (1 - p_abandon) aht / n.
    """

    n: int
    lam: float
    aht: float
    p_zero: float
    patience_mean: float
    p_wait: float
    p_abandon: float
    p_abandon_at_once: float
    occupancy: float


def erlang_a_atom(
    n: int, lam: float, aht: float, p_zero: float, patience_mean: float
) -> BalkingErlangA:
    """Exact M/M/n+G KPIs for a patience that is 0 with probability ``p_zero`` (callers
    who hang up as soon as they hear they must wait) and else Exp(mean ``patience_mean``).

    The number in system is a birth-death chain: below n agents busy calls arrive at
    lam; at n or more only those with positive patience join, at lam' = lam (1 - p),
    and the j - n waiting ones leave at rate theta each (their exponential patience is
    memoryless). Relative to pi_n, the states below n sum to 1/B - 1 (B = Erlang B of
    load lam aht on n), the queue states to A(x, y') - 1 with x = nu / theta and
    y' = lam' / theta (the Erlang A series, module docstring), and sum_k k pi_{n+k} =
    pi_n (y' A' - x (A' - 1)). By PASTA P(wait) = pi_n A'; the abandonments are those
    who hang up at once, p P(wait), plus theta E[queue] / lam per offered call:

        P(wait) = A' B / (1 + (A' - 1) B),   P(abandon) = P(wait) (1 - (1 - 1/A') / rho),

    rho = lam / nu with the full lam. p = 0 is Erlang A; p = 1 is Erlang B (A' = 1).
    """
    _check_n(n)
    _check_positive(lam, "lam")
    _check_positive(aht, "aht")
    _check_positive(patience_mean, "patience_mean")
    if not 0.0 <= p_zero <= 1.0:
        raise ValueError(f"p_zero must be in [0, 1], got {p_zero}")
    nu = n / aht
    theta = 1.0 / patience_mean
    log_a = _log_a_xy(nu / theta, lam * (1.0 - p_zero) / theta)
    log_b = _log_erlang_b(n, lam * aht)
    # P(wait) = 1 / (1 / (A' B) + 1 - 1 / A'), in logs: A' overflows in heavy overload.
    p_wait = 1.0 / (math.exp(-log_a - log_b) - math.expm1(-log_a))
    p_abandon = p_wait * (1.0 + math.expm1(-log_a) * nu / lam)
    return BalkingErlangA(
        n=n,
        lam=lam,
        aht=aht,
        p_zero=p_zero,
        patience_mean=patience_mean,
        p_wait=p_wait,
        p_abandon=p_abandon,
        p_abandon_at_once=p_zero * p_wait,
        occupancy=min(lam * aht * (1.0 - p_abandon) / n, 1.0),
    )
