"""Duration fits: exponential, gamma and lognormal by maximum likelihood, best AIC
first (handle times, IVR times). Figures are rounded for the written scenario
(`round_figure`, `seconds_text`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ccsim.scenario.kinds.distributions import dist_kind

#: Shortest duration used in a fit: logs record whole seconds, and a zero handle time
#: has no lognormal or gamma density.
MIN_DURATION_S = 0.5
#: Fewest observations for a distribution fit.
MIN_FIT = 2


@dataclass
class Fit:
    """One fitted distribution: its scenario form, likelihood and summary."""

    dist: str
    params: dict[str, float]
    loglik: float
    n_params: int
    mean: float
    cv: float
    ks: float | None = None
    mean_se: float | None = None
    supported: bool | None = None  # patience: the mean rests on the waits observed

    @property
    def aic(self) -> float:
        return 2.0 * self.n_params - 2.0 * self.loglik

    def scenario(self) -> dict[str, Any]:
        """The scenario's distribution mapping in its kind's first form (the form the
        format lists first: ``mean``, ``value``, ``mean``/``cv`` or ``shape``/``scale``),
        durations in seconds written ``Ns``."""
        known = {**self.params, "mean": self.mean, "value": self.mean, "cv": self.cv}
        form = dist_kind(self.dist).forms[0]
        sizes = ("mean", "value", "scale")
        return {
            "dist": self.dist,
            **{key: _secs(known[key]) if key in sizes else _round(known[key]) for key in form},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "dist": self.dist,
            "params": {k: _round(v) for k, v in self.params.items()},
            "loglik": _round(self.loglik),
            "aic": _round(self.aic),
            "ks": None if self.ks is None else _round(self.ks),
            "mean_s": _round(self.mean),
            "mean_se_s": None if self.mean_se is None else _round(self.mean_se),
            "cv": _round(self.cv),
        }


def fit_durations(values: np.ndarray) -> list[Fit]:
    """Exponential, gamma and lognormal fitted by maximum likelihood (location 0) to
    complete (uncensored) durations, best AIC first."""
    from scipy import stats

    x = np.maximum(np.asarray(values, dtype=float), MIN_DURATION_S)
    if x.size < MIN_FIT:
        raise ValueError(f"need at least {MIN_FIT} durations to fit, got {x.size}")
    if np.ptp(x) <= 1e-9 * x.max():  # every duration the same: no spread to fit
        return [Fit("deterministic", {"value": float(x[0])}, 0.0, 0, float(x[0]), 0.0, 0.0)]
    fits = []
    scale = float(x.mean())
    fits.append(
        Fit(
            "exponential",
            {"mean": scale},
            float(stats.expon.logpdf(x, scale=scale).sum()),
            1,
            scale,
            1.0,
            float(stats.kstest(x, "expon", args=(0, scale)).statistic),
        )
    )
    shape, _, gscale = stats.gamma.fit(x, floc=0)
    fits.append(
        Fit(
            "gamma",
            {"shape": shape, "scale": gscale},
            float(stats.gamma.logpdf(x, shape, scale=gscale).sum()),
            2,
            shape * gscale,
            1.0 / math.sqrt(shape),
            float(stats.kstest(x, "gamma", args=(shape, 0, gscale)).statistic),
        )
    )
    logs = np.log(x)
    mu, sigma = float(logs.mean()), float(logs.std())  # the lognormal MLE, closed form
    sigma = max(sigma, 1e-9)
    fits.append(
        Fit(
            "lognormal",
            {"mu": mu, "sigma": sigma},
            float(stats.lognorm.logpdf(x, sigma, scale=math.exp(mu)).sum()),
            2,
            math.exp(mu + sigma**2 / 2),
            math.sqrt(math.expm1(sigma**2)),
            float(stats.kstest(x, "lognorm", args=(sigma, 0, math.exp(mu))).statistic),
        )
    )
    return sorted(fits, key=lambda f: f.aic)


def _round(x: float, digits: int = 4) -> float:
    """Round to ``digits`` significant digits (plain float, for YAML and JSON)."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{digits + 2}g}")


def _secs(x: float) -> str:
    return f"{_round(x, 4):g}s"
