"""The Erlang A function A(x, y) = (x e^y / y^x) gamma(x, y), kept as its logarithm
(it overflows in heavy overload), and the exact density of the offered wait with
its quadrature (`ccsim.planning.analytic`'s docstring has the notation)."""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, optimize, special

# Largest shape x = n patience / aht for which scipy's gammainc is used (accurate to
# ~1e-12 there); beyond it Erlang A terms come from series or quadrature.
_GAMMAINC_MAX_SHAPE = 1e5


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
