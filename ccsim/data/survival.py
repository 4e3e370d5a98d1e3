"""Patience from censored waits: an abandoned call shows its caller's patience (= its
wait), an answered call only that the patience exceeded its wait. Kaplan–Meier
(nonparametric) and censored maximum-likelihood fits (exponential: abandons / total
waiting time; Weibull and lognormal numerically), chosen by AIC."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccsim.data.durations import MIN_DURATION_S, Fit, _round

#: Fewest abandonments for the two-parameter (Weibull, lognormal) patience fits; with
#: fewer, only the exponential is fitted.
MIN_ABANDONS_2P = 20


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Kaplan–Meier survival curve of right-censored data: the distinct event
    times and S(t) just after each. ``event`` is True where ``time`` is exact (an
    abandonment), False where it is a lower bound (an answered call)."""
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    order = np.argsort(time, kind="stable")
    t, e = time[order], event[order]
    at_risk = t.size - np.searchsorted(t, t, side="left")  # #(time >= t_i)
    times = np.unique(t[e])
    if times.size == 0:
        return times, np.ones(0)
    first = np.searchsorted(t, times, side="left")
    deaths = np.bincount(np.searchsorted(times, t[e]), minlength=times.size)
    surv = np.cumprod(1.0 - deaths / at_risk[first])
    return times, surv


def km_summary(time: np.ndarray, event: np.ndarray) -> dict[str, Any]:
    """Median and restricted mean (up to the longest wait) of the Kaplan–Meier curve,
    and S(t) at a few waits. The restricted mean is a lower bound of the mean when
    the curve ends above 0 (the longest waits were answered)."""
    times, surv = kaplan_meier(time, event)
    horizon = float(np.max(time)) if len(time) else 0.0
    steps = np.concatenate([[0.0], times, [horizon]])
    levels = np.concatenate([[1.0], surv])
    rmean = float(np.sum(np.diff(steps) * levels)) if times.size else horizon
    below = np.nonzero(surv <= 0.5)[0]

    def at(w: float) -> float:
        i = np.searchsorted(times, w, side="right")
        return float(levels[i])

    return {
        "median_s": float(times[below[0]]) if below.size else None,
        "restricted_mean_s": _round(rmean),
        "up_to_s": _round(horizon),
        "survival": {f"{w}s": _round(at(w)) for w in (30, 60, 120, 300, 600)},
    }


@dataclass
class PatienceFit:
    """Censored patience estimates of one call type."""

    fits: list[Fit]  # best AIC first
    abandoned: int
    answered: int
    naive_mean_s: float | None  # mean wait of the abandoned calls: biased low
    kaplan_meier: dict[str, Any]

    @property
    def best(self) -> Fit:
        return self.fits[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "chosen": self.best.dist,
            "abandoned": self.abandoned,
            "answered_censored": self.answered,
            "naive_mean_s": None if self.naive_mean_s is None else _round(self.naive_mean_s),
            "kaplan_meier": self.kaplan_meier,
            "fits": [f.to_dict() for f in self.fits],
        }


def fit_patience(wait: np.ndarray, abandoned: np.ndarray) -> PatienceFit:
    """Patience from waits: exact where ``abandoned``, a lower bound (censored) where
    the call was answered. Exponential (closed form), Weibull and lognormal censored
    maximum likelihood, best AIC first, each with the standard error of its mean
    (observed information, delta method). The two-parameter fits need at least
    `MIN_ABANDONS_2P` abandonments."""
    w = np.asarray(wait, dtype=float)
    d = np.asarray(abandoned, dtype=bool)
    n_ab = int(d.sum())
    if n_ab == 0:
        raise ValueError("no abandoned calls: patience cannot be estimated")
    # An abandonment at 0 s has no density: take it as at MIN_DURATION_S.
    w = np.where(d, np.maximum(w, MIN_DURATION_S), np.maximum(w, 0.0))
    total = float(w.sum())
    rate = n_ab / total
    exp_fit = Fit(
        "exponential",
        {"mean": 1.0 / rate},
        n_ab * math.log(rate) - rate * total,
        1,
        1.0 / rate,
        1.0,
        mean_se=1.0 / rate / math.sqrt(n_ab),
    )
    fits = [exp_fit]
    for dist in ("weibull", "lognormal") if n_ab >= MIN_ABANDONS_2P else ():
        fit = _censored_mle(dist, w, d, 1.0 / rate)
        if fit is not None:
            fits.append(fit)
    return PatienceFit(
        sorted(fits, key=lambda f: f.aic),
        n_ab,
        int((~d).sum()),
        float(np.mean(wait[d])),
        km_summary(w, d),
    )


def _censored_loglik(dist: str, theta: np.ndarray, w: np.ndarray, d: np.ndarray) -> float:
    from scipy import special

    a, b = theta
    if dist == "weibull":  # theta = log shape, log scale
        k, lam = math.exp(a), math.exp(b)
        z = (w / lam) ** k
        we = w[d]
        logf = math.log(k) - math.log(lam) + (k - 1) * np.log(we / lam)
        return float(logf.sum() - z.sum())
    # lognormal: theta = mu, log sigma
    s = math.exp(b)
    lw = np.log(np.maximum(w, 1e-12))
    zz = (lw - a) / s
    logf = -0.5 * zz[d] ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi) - lw[d]
    cens = ~d
    logs = special.log_ndtr(-zz[cens]) if cens.any() else np.zeros(0)
    return float(logf.sum() + logs.sum())


def _dist_mean_cv(dist: str, theta: np.ndarray) -> tuple[float, float]:
    a, b = theta
    if dist == "weibull":
        k, lam = math.exp(a), math.exp(b)
        g1, g2 = math.gamma(1 + 1 / k), math.gamma(1 + 2 / k)
        return lam * g1, math.sqrt(max(g2 / g1**2 - 1, 0.0))
    s = math.exp(b)
    return math.exp(a + s * s / 2), math.sqrt(math.expm1(s * s))


def _censored_mle(dist: str, w: np.ndarray, d: np.ndarray, mean0: float) -> Fit | None:
    """Weibull or lognormal fitted to censored waits; None if the optimiser fails."""
    from scipy import optimize

    start = np.array([0.0, math.log(mean0)])

    def nll(theta: np.ndarray) -> float:
        try:
            with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                value = -_censored_loglik(dist, theta, w, d)
        except (OverflowError, ValueError):
            return math.inf
        return value if math.isfinite(value) else math.inf

    res = optimize.minimize(
        nll, start, method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000}
    )
    if not math.isfinite(res.fun):
        return None
    theta = res.x
    mean, cv = _dist_mean_cv(dist, theta)
    params = (
        {"shape": math.exp(theta[0]), "scale": math.exp(theta[1])}
        if dist == "weibull"
        else {"mu": float(theta[0]), "sigma": math.exp(theta[1])}
    )
    return Fit(dist, params, -float(res.fun), 2, mean, cv, mean_se=_mean_se(nll, dist, theta))


def _mean_se(nll, dist: str, theta: np.ndarray) -> float | None:
    """Standard error of the fitted mean: inverse observed information (a numerical
    Hessian of the negative log-likelihood) and the delta method."""
    h = 1e-4
    k = theta.size
    hess = np.zeros((k, k))
    f0 = nll(theta)
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            if i == j:
                v = (nll(theta + ei) - 2 * f0 + nll(theta - ei)) / h**2
            else:
                v = (
                    nll(theta + ei + ej)
                    - nll(theta + ei - ej)
                    - nll(theta - ei + ej)
                    + nll(theta - ei - ej)
                ) / (4 * h * h)
            hess[i, j] = hess[j, i] = v
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return None
    grad = np.array(
        [
            (
                _dist_mean_cv(dist, theta + np.eye(k)[i] * h)[0]
                - _dist_mean_cv(dist, theta - np.eye(k)[i] * h)[0]
            )
            / (2 * h)
            for i in range(k)
        ]
    )
    var = float(grad @ cov @ grad)
    return math.sqrt(var) if var > 0 and math.isfinite(var) else None
