"""Patience that keeps its shape: the Kaplan–Meier curve as a scenario distribution.

Real patience hazards are rarely exponential (a high hazard in the first seconds,
a bump near a minute, a flat tail), and parametric fits extrapolated far beyond the
longest wait give absurd means. `survival_spec` turns the censored waits into a
``{dist: survival, …}`` (ccsim.scenario.distributions): knots at quantiles of the
abandonment times, S from Kaplan–Meier at them, and the **tail rule** — past the
last knot, an exponential whose mean is the censored exponential MLE over the
waits beyond `TAIL_FROM` of the abandonment times (time at risk past that point /
abandonments past it): the hazard of the latest quarter of the data goes on.

`choose_patience` keeps the best parametric fit unless its survival curve strays
from Kaplan–Meier by more than the 95 % Kolmogorov bound (1.36 / √abandons, at
least `MIN_GAP`) up to the 95th percentile of the waits; then the curve is used.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ccsim.scenario.kinds.distributions import dist_kind

#: Most knots in a written curve.
MAX_KNOTS = 40
#: The tail's hazard is estimated past this quantile of the abandonment times.
TAIL_FROM = 0.75
#: Smallest sup-distance between a parametric fit and Kaplan–Meier that counts as poor.
MIN_GAP = 0.02
#: A fitted mean is "supported by the data" when the fit leaves at most this share of
#: callers' patience beyond the longest wait observed.
SUPPORTED_TAIL = 0.2


def km_at(times: np.ndarray, surv: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The Kaplan–Meier step function (right-continuous, 1 before the first event) at ``t``."""
    levels = np.concatenate([[1.0], surv])
    return levels[np.searchsorted(times, t, side="right")]


def survival_spec(
    wait: np.ndarray, abandoned: np.ndarray, times: np.ndarray, surv: np.ndarray
) -> dict[str, Any]:
    """The ``dist: survival`` mapping of the Kaplan–Meier curve (``times``, ``surv``
    from `ccsim.data.survival.kaplan_meier`) with the documented tail rule."""
    ab = np.sort(wait[abandoned])
    qs = np.unique(np.quantile(ab, np.linspace(0, 1, MAX_KNOTS)[1:]))
    knots = np.concatenate([[0.0], qs[qs > 0]])
    levels = km_at(times, surv, knots)
    levels[0] = 1.0
    levels = np.minimum.accumulate(levels)
    start = float(np.quantile(ab, TAIL_FROM))
    beyond = wait > start
    at_risk = float(np.sum(wait[beyond] - start))
    events = int(np.sum(abandoned & beyond))
    last = float(levels[-1])
    if events and at_risk > 0:
        tail = at_risk / events
    elif 0 < last < 1:
        tail = knots[-1] / -math.log(last)
    else:
        tail = max(float(wait.max()), 1.0)
    return {
        "dist": "survival",
        "times": [f"{t:.4g}s" for t in knots],
        "survival": [float(f"{s:.4g}") for s in levels],
        "tail_mean": f"{tail:.4g}s",
    }


def fitted_survival(dist: str, params: dict[str, float], t: np.ndarray) -> np.ndarray:
    """S(t) of a fitted exponential, Weibull or lognormal patience (its kind's
    `survival`; the fit's parameters are the kind's canonical ones, in order)."""
    return dist_kind(dist).survival(tuple(params.values()), t)


def gap(fit, times: np.ndarray, surv: np.ndarray, horizon: float) -> float:
    """sup |S_fit − S_KM| over the KM jumps up to ``horizon`` (both sides of each)."""
    t = times[times <= horizon]
    if t.size == 0:
        return 0.0
    s_fit = fitted_survival(fit.dist, fit.params, t)
    after = km_at(times, surv, t)
    before = km_at(times, surv, np.nextafter(t, -np.inf))
    return float(max(np.max(np.abs(s_fit - after)), np.max(np.abs(s_fit - before))))


def choose_patience(pat, wait: np.ndarray, abandoned: np.ndarray, mode: str) -> dict[str, Any]:
    """Which patience to write: ``mode`` "auto", "parametric" or "survival". Returns
    ``{"scenario": mapping, "chosen": name, "gap": sup-distance, "bound": …,
    "horizon_s": …}``; the fits' ``mean_supported`` flags are set on the way."""
    from ccsim.data.survival import kaplan_meier

    times, surv = kaplan_meier(wait, abandoned)
    horizon = float(np.quantile(wait, 0.95))
    longest = float(wait.max())
    for f in pat.fits:
        f.supported = bool(
            fitted_survival(f.dist, f.params, np.array([longest]))[0] <= SUPPORTED_TAIL
        )
    best = pat.best
    d = gap(best, times, surv, horizon)
    bound = max(MIN_GAP, 1.36 / math.sqrt(max(pat.abandoned, 1)))
    use_curve = mode == "survival" or (mode == "auto" and d > bound)
    if use_curve and times.size:
        return {
            "scenario": survival_spec(wait, abandoned, times, surv),
            "chosen": "survival",
            "gap": d,
            "bound": bound,
            "horizon_s": horizon,
        }
    return {
        "scenario": best.scenario(),
        "chosen": best.dist,
        "gap": d,
        "bound": bound,
        "horizon_s": horizon,
    }
