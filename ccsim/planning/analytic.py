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

Erlang B and C are in `ccsim.planning.erlang_bc`, A(x, y) and the offered-wait density
in `ccsim.planning.erlang_a_terms`, the birth-death cross-check in
`ccsim.planning.erlang_a_chain`; every formula is importable from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from ccsim.planning.erlang_a_chain import erlang_a_chain
from ccsim.planning.erlang_a_terms import (
    _GAMMAINC_MAX_SHAPE,
    _log_a_xy,
    _OfferedWaitDensity,
    _one,
    _psi1,
    _psi2,
)
from ccsim.planning.erlang_bc import (
    SL_DEFINITIONS,
    _check_n,
    _check_positive,
    _check_time,
    _combine_sl,
    _log,
    _log_erlang_b,
    erlang_b,
    erlang_c,
    erlang_c_agents,
    erlang_c_asa,
    erlang_c_occupancy,
    erlang_c_service_level,
)

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
    "SL_DEFINITIONS",
]


# -- Erlang B and C ----------------------------------------------------------------------


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


# -- Erlang A: birth-death chain (independent cross-check) ------------------------------


# -- argument checks -------------------------------------------------------------------


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
