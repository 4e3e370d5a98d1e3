"""Calibrate a scenario from a call-by-call log: volumes, handle times, patience,
IVR and staffing, each estimated with the estimator that suits what the log shows.

- Volumes: calls arriving per planning interval, per call type, averaged over the
  log's days.
- Handle time (answer to end of service) and IVR time: exponential, gamma and
  lognormal fitted by maximum likelihood; the lowest AIC is chosen, every fit is
  reported (with its Kolmogorov–Smirnov distance).
- Patience is *censored*: an abandoned call shows its caller's patience (= its wait),
  an answered call only that the patience exceeded its wait. The mean wait of the
  abandoned calls ("naive") is therefore biased low — the patient callers are the
  ones who got answered. We give Kaplan–Meier (nonparametric) and censored maximum
  likelihood fits (exponential: abandons / total waiting time; Weibull and lognormal
  numerically), and choose by AIC.
- Staffing per interval from agent ids: see `infer_staffing`.

`calibrate` returns the scenario as plain data (accepted by `ccsim run`) and a fit
report; the engine-free estimators are public for reuse.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.data.busyness import estimate_busyness
from ccsim.data.calllog import CallLog
from ccsim.data.floor import MIN_WAIT_S, floor_staffing
from ccsim.data.mixes import handle_varies, hourly_mixes
from ccsim.data.patience import choose_patience
from ccsim.i18n import MESSAGES, tr
from ccsim.units import format_clock, format_duration

#: Shortest duration used in a fit: logs record whole seconds, and a zero handle time
#: has no lognormal or gamma density.
MIN_DURATION_S = 0.5
#: Fewest observations for a distribution fit.
MIN_FIT = 2
#: Fewest abandonments for the two-parameter (Weibull, lognormal) patience fits; with
#: fewer, only the exponential is fitted.
MIN_ABANDONS_2P = 20
#: Default gap between two calls of an agent that still counts as one logged-in session.
SESSION_GAP_S = 1800.0


# --------------------------------------------------------------------------- durations


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
        """The scenario's distribution mapping (durations in seconds, written ``Ns``)."""
        if self.dist == "exponential":
            return {"dist": "exponential", "mean": _secs(self.mean)}
        if self.dist == "deterministic":
            return {"dist": "deterministic", "value": _secs(self.mean)}
        if self.dist == "weibull":
            return {
                "dist": "weibull",
                "shape": _round(self.params["shape"]),
                "scale": _secs(self.params["scale"]),
            }
        return {"dist": self.dist, "mean": _secs(self.mean), "cv": _round(self.cv)}

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


# --------------------------------------------------------------------------- patience


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


# --------------------------------------------------------------------------- staffing


def infer_staffing(
    log: CallLog, starts: np.ndarray, interval: float, n_days: int, gap: float = SESSION_GAP_S
) -> dict[str, np.ndarray]:
    """Agents per planning interval (time of day), averaged over days.

    - ``busy``: agent-seconds of service (answer to end) / interval length — the mean
      number of agents busy, a hard lower bound of staffing (needs no agent ids).
    - ``seen``: distinct agents with any service in the interval (needs agent ids) —
      a lower bound too: an agent who took no call there is invisible.
    - ``sessions``: an agent's calls closer than ``gap`` seconds (end of one to answer
      of the next) form one logged-in session, from its first answer to its last end;
      the agent-seconds of sessions / interval length is the mean number logged in.
      This is what the scenario's staffing line uses (rounded up), when agent ids exist.
    """
    n = starts.size
    answered = log.answered & ~np.isnan(log.end)
    busy = _cover(log.answer[answered], log.end[answered], starts, interval) / interval
    out = {"busy": busy / n_days}
    if "agent" not in log.has or not np.any(log.agent[answered] >= 0):
        return out
    seen = np.zeros(n)
    sessions = np.zeros(n)
    who = log.agent[answered]
    a, e = log.answer[answered], log.end[answered]
    for agent in np.unique(who[who >= 0]):
        sel = who == agent
        order = np.argsort(a[sel])
        b0, b1 = a[sel][order], e[sel][order]
        day = np.floor(b0 / 86400.0)
        for one in np.unique(day):  # an agent counts once per day and interval
            seen += _cover(b0[day == one], b1[day == one], starts, interval) > 0
        ends = np.maximum.accumulate(b1)
        new = np.concatenate([[True], b0[1:] - ends[:-1] > gap])
        first = np.nonzero(new)[0]
        last = np.concatenate([first[1:], [b0.size]]) - 1
        sessions += _cover(b0[first], ends[last], starts, interval)
    out["seen"] = seen / n_days
    out["sessions"] = sessions / interval / n_days
    return out


def _cover(b0: np.ndarray, b1: np.ndarray, starts: np.ndarray, interval: float) -> np.ndarray:
    """Seconds of the spans [b0, b1) (times of any day, folded onto the time of day)
    falling in each interval [start, start + interval)."""
    day = np.floor(b0 / 86400.0) * 86400.0
    s0, s1 = b0 - day, b1 - day
    lo = np.maximum(s0[:, None], starts[None, :])
    hi = np.minimum(s1[:, None], starts[None, :] + interval)
    return np.clip(hi - lo, 0.0, None).sum(axis=0)


# --------------------------------------------------------------------------- the scenario


@dataclass
class Calibration:
    """What `calibrate` produced: the scenario (plain data) and the fit report."""

    scenario: dict[str, Any]
    report: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def calibrate(
    log: CallLog,
    interval: float = 1800.0,
    threshold: float = 20.0,
    name: str | None = None,
    session_gap: float = SESSION_GAP_S,
    *,
    patience: str = "auto",
    staffing: str = "floor",
    staffing_line: list[int] | None = None,
    ivr_mix: str = "by_interval",
) -> Calibration:
    """Estimate a scenario from a call log (see the module's docstring).

    The horizon covers the times of day calls arrived or joined a queue, in whole
    intervals; volumes and staffing are per interval, averaged over the log's days.
    ``patience``: "auto" (the Kaplan–Meier curve when parametric fits are poor),
    "parametric" or "survival". ``staffing``: "floor" (busy while callers wait,
    `ccsim.data.floor`) or "sessions" (agent ids); ``staffing_line`` overrides both.
    ``ivr_mix``: "by_interval" (per-interval volumes carry the time-of-day mix) or
    "day" (one IVR node with the day's branch shares).
    """
    from ccsim.data.priorities import split_by_priority

    if "end" not in log.has:
        raise ValueError(
            "the log has no end-of-service column: handle times cannot be estimated "
            "(name it with --columns end=COLUMN)"
        )
    notes: list[str] = []
    log, prio_report = split_by_priority(log, notes)
    grid = _Grid(log, interval)
    report: dict[str, Any] = {
        "source": log.source,
        "calls": log.n_calls,
        "skipped_rows": log.skipped,
        "dropped": log.dropped,
        "bad": log.bad,
        "fixed": log.fixed,
        "days": grid.n_days,
        "dates": sorted(log.dates.values()) if log.dates else None,
        "interval_s": interval,
        "horizon": [format_clock(grid.start), format_clock(grid.end)],
        "call_types": {},
    }
    if prio_report:
        report["priorities"] = prio_report
    call_types = _call_types(log, grid, report, notes, patience, ivr_mix, prio_report)
    scenario: dict[str, Any] = {
        "name": name or f"calibrated from {log.source}",
        "horizon": {
            "start": format_clock(grid.start),
            "end": "24:00" if grid.end >= 86400 else format_clock(grid.end),
            "interval": format_duration(interval),
        },
        "service_level": {"threshold": _secs(threshold), "target": 0.8},
    }
    busy = _busyness(log, report, notes)
    if busy is not None:
        scenario["busyness"] = busy
    if log.via_ivr.any():
        scenario["ivr"] = _ivr(log, grid, report, notes, ivr_mix)
    scenario["call_types"] = call_types
    line = _staffing(log, grid, report, notes, staffing, staffing_line, session_gap)
    scenario["agent_groups"] = {"agents": {"skills": list(log.types), "agents": line}}
    report["time_of_day"] = hourly_mixes(log, grid.tod)
    if log.skipped:
        notes.append(f"{log.skipped} bad row(s) skipped")
    report["notes"] = notes
    return Calibration(scenario, report, notes)


class _Grid:
    """The planning intervals of the day a log's arrivals cover, and each call's
    interval: of its arrival, and of the moment it was offered to a queue (its
    arrival if never)."""

    def __init__(self, log: CallLog, interval: float) -> None:
        self.interval = interval
        self.n_days = int(log.days.size)
        offered = np.where(log.queued, log.queue, log.arrival)
        self.tod = _tod(log.arrival)
        self.offered_tod = _tod(offered)
        # The day of the arrivals; a call offered after its end (it was still in the
        # IVR) counts in the last interval, as the simulation's arrivals would.
        self.start = math.floor(self.tod.min() / interval) * interval
        self.end = min(math.floor(self.tod.max() / interval) * interval + interval, 86400.0)
        self.starts = np.arange(self.start, self.end - 1e-9, interval)
        self.n = self.starts.size
        self.idx = self._index(self.tod)
        self.offered_idx = self._index(self.offered_tod)

    def _index(self, tod: np.ndarray) -> np.ndarray:
        return np.clip(((tod - self.start) // self.interval).astype(int), 0, self.n - 1)

    def volumes(self, sel: np.ndarray, offered: bool = False) -> list[float]:
        idx = self.offered_idx if offered else self.idx
        return [_round(v, 3) for v in np.bincount(idx[sel], minlength=self.n) / self.n_days]


def _tod(t: np.ndarray) -> np.ndarray:
    return t - np.floor(t / 86400.0) * 86400.0


def _call_types(log, grid, report, notes, patience, ivr_mix, prio_report) -> dict[str, Any]:
    """Per call type: arrivals, handle time and patience (and priority, if split)."""
    call_types: dict[str, Any] = {}
    via = log.via_ivr
    for k, type_name in enumerate(log.types):
        mine = log.call_type == k
        entry: dict[str, Any] = {}
        rep: dict[str, Any] = {
            "offered_per_day": _round(np.sum(mine & log.queued) / grid.n_days, 3)
        }
        if ivr_mix == "by_interval":  # every call of the type, when it was offered
            sel = mine & (log.queued | ~via)
            if sel.any():
                entry["arrivals"] = {"volumes": grid.volumes(sel, offered=True)}
        elif (mine & ~via).any():
            entry["arrivals"] = {"volumes": grid.volumes(mine & ~via)}
        entry["handle_time"], rep["handle_time"] = _handle(log, grid, k, type_name, notes)
        queued = mine & log.queued
        ab = log.abandoned[queued]
        if ab.any():
            pat = fit_patience(log.wait[queued], ab)
            w = np.maximum(
                np.where(ab, np.maximum(log.wait[queued], MIN_DURATION_S), log.wait[queued]), 0
            )
            choice = choose_patience(pat, w, ab, patience)
            entry["patience"] = choice["scenario"]
            rep["patience"] = pat.to_dict()
            rep["patience"].update(
                chosen=choice["chosen"],
                km_gap=_round(choice["gap"]),
                km_gap_bound=_round(choice["bound"]),
                up_to_s=_round(choice["horizon_s"]),
                longest_wait_s=_round(float(w.max())),
            )
            for f, d in zip(pat.fits, rep["patience"]["fits"], strict=True):
                d["mean_supported"] = f.supported
            if choice["chosen"] == "survival":
                rep["patience"]["curve"] = _curve_summary(choice["scenario"])
        else:
            notes.append(f"{type_name}: no abandoned calls, so no patience (nobody abandons)")
            rep["patience"] = None
        if prio_report and type_name in prio_report.get("priority", {}):
            entry["priority"] = prio_report["priority"][type_name]
        call_types[type_name] = entry
        report["call_types"][type_name] = rep
    return call_types


def _curve_summary(spec: dict[str, Any]) -> dict[str, Any]:
    """The written survival curve: knots, last knot, tail mean, and its mean with the
    share of it that lies past the last knot (the tail rule's part)."""
    from ccsim.scenario.distributions import distribution

    d = distribution(spec, ())
    m = len(d.values) // 2
    last, s_last, tail = d.values[m - 1], d.values[-1], d.params[0]
    return {
        "knots": m,
        "last_knot_s": _round(last),
        "tail_mean_s": _round(tail),
        "mean_s": _round(d.mean),
        "tail_share_of_mean": _round(s_last * tail / d.mean) if d.mean > 0 else None,
    }


def _handle(log, grid, k: int, type_name: str, notes: list[str]) -> tuple[dict, dict]:
    served = (log.call_type == k) & log.answered & ~np.isnan(log.handle)
    handle = log.handle
    if served.sum() < MIN_FIT:
        raise ValueError(
            f"call type {type_name!r}: {int(served.sum())} answered call(s) with an end "
            f"time; at least {MIN_FIT} are needed to estimate its handle time"
        )
    fits = fit_durations(handle[served])
    rep = {
        "chosen": fits[0].dist,
        "n": int(served.sum()),
        "sample_mean_s": _round(float(np.mean(handle[served]))),
        "sample_cv": _round(float(np.std(handle[served]) / max(np.mean(handle[served]), 1e-9))),
        "fits": [f.to_dict() for f in fits],
    }
    p = handle_varies(log, grid.offered_tod, k)
    rep["by_hour_p_value"] = None if p is None else _round(p)
    spec = fits[0].scenario()
    if p is not None and p < BY_HOUR_P:
        by_hour = _handle_by_hour(handle, served, grid, spec)
        if by_hour is not None:
            spec, rep["by_hour"] = by_hour
            notes.append(
                f"{type_name}: handle time differs by hour (Kruskal–Wallis p = {p:.2g}, hourly "
                f"means {BY_HOUR_SHIFT:.0%} or more from the day's): written by_period, per hour"
            )
    return spec, rep


#: Handle time is written per hour when it differs by hour this clearly …
BY_HOUR_P = 1e-3
#: … and some hour's mean is this far from the day's (a relative difference).
BY_HOUR_SHIFT = 0.1
#: Fewest calls an hour needs for its own fit; thinner hours take the day's.
BY_HOUR_MIN = 50


def _handle_by_hour(handle, served, grid: _Grid, day_spec: dict) -> tuple[dict, list] | None:
    """``{by_period: […]}`` with one period per hour of the horizon (a call in the hour
    it was offered, as by_period reads it): the hour's own best fit where it has
    `BY_HOUR_MIN` calls, else the day's distribution. None when no hour's mean is
    `BY_HOUR_SHIFT` from the day's."""
    hour = np.floor(grid.offered_tod / 3600.0)
    day_mean = float(np.mean(handle[served]))
    inner = [h * 3600.0 for h in range(25) if grid.start < h * 3600.0 < grid.end]
    edges = [grid.start, *inner, grid.end]  # whole hours, cut by the horizon's ends
    periods, rows, shifted = [], [], False
    for a, b in zip(edges, edges[1:], strict=False):
        mine = served & (hour == math.floor(a / 3600.0))
        n = int(mine.sum())
        spec = dict(day_spec)
        if n >= BY_HOUR_MIN:
            spec = fit_durations(handle[mine])[0].scenario()
            shifted |= abs(float(np.mean(handle[mine])) / day_mean - 1) >= BY_HOUR_SHIFT
        end = "24:00" if b >= 86400 else format_clock(b)
        periods.append({"from": format_clock(a), "to": end, **spec})
        rows.append({"from": format_clock(a), "n": n, "own_fit": n >= BY_HOUR_MIN})
    if not shifted or len(periods) < 2:
        return None
    return {"by_period": periods}, rows


def _busyness(log: CallLog, report: dict, notes: list[str]) -> dict[str, Any] | None:
    totals = np.bincount(np.floor(log.arrival / 86400.0).astype(int) - int(log.days.min()))
    totals = totals[np.isin(np.arange(totals.size), log.days - log.days.min())]
    est = estimate_busyness(totals)
    if est is None:
        notes.append(f"{totals.size} day(s): too few to estimate busyness (day-to-day variation)")
        report["busyness"] = None
        return None
    report["busyness"] = {
        "cv": _round(est.cv),
        "days": est.days,
        "calls_per_day": _round(est.mean),
        "daily_sd": _round(est.sd),
        "poisson_sd": _round(est.poisson_sd),
    }
    return est.scenario()


def _staffing(log, grid, report, notes, method, override, session_gap) -> list[int]:
    """The staffing line: the override, the floor estimate, or agent sessions."""
    staffing = infer_staffing(log, grid.starts, grid.interval, grid.n_days, session_gap)
    floor = floor_staffing(log, grid.starts, grid.interval)
    extra = {
        "while_waiting": [None if np.isnan(v) else _round(v, 3) for v in floor.while_waiting],
        "days_with_wait": floor.days_with_wait.tolist(),
        "peak_busy": floor.peak_busy.astype(int).tolist(),
    }
    if override is not None:
        if len(override) != grid.n:
            raise ValueError(
                f"the staffing file has {len(override)} interval(s); the log's day has {grid.n} "
                f"({format_clock(grid.start)}–{format_clock(grid.end)})"
            )
        line, how = np.asarray(override), "the staffing file given (--staffing)"
    elif method == "sessions" and "sessions" in staffing:
        line = np.ceil(np.maximum(staffing["sessions"], staffing["busy"]) - 1e-9)
        how = (
            f"agents logged in: an agent's calls less than {session_gap / 60:g} min apart form "
            "one session from the first answer to the last end; agent-seconds of sessions per "
            "interval / interval length, rounded up (at least the busy agents)"
        )
    else:
        line = floor.agents
        how = (
            "busy while waiting: while callers wait, a work-conserving center has no idle "
            "agent, so the agents busy then are on the floor — per day and interval the mean "
            f"busy over the seconds someone waited (>= {MIN_WAIT_S:g} s of waiting), median "
            "over days, rounded; intervals where nobody waited: the peak busy (a lower bound). "
            "Exact for one pool of agents serving every queue; low when after-call work is "
            "not in the logged service times or agents serve only some queues; within ±1 "
            "agent on simulated logs (docs/calibration.md)"
        )
        if method == "sessions":
            notes.append("no agent ids: sessions cannot be formed; busy-while-waiting used")
    line = np.maximum(np.asarray(line), 0).astype(int)
    if not line.any():
        line[:] = 1
    report["staffing"] = {
        "inferred_from": how,
        "starts": [format_clock(t) for t in grid.starts],
        "agents": line.tolist(),
        **extra,
        **{key: [_round(v, 2) for v in values] for key, values in staffing.items()},
    }
    return line.tolist()


def _ivr(log: CallLog, grid: _Grid, report: dict, notes: list[str], mix: str) -> dict[str, Any]:
    """One IVR node with its time fitted as handle times are. ``mix`` "by_interval":
    its arrivals are the IVR callers who never queued (self-served or hung up there —
    a log does not tell them apart), per interval, branch self_service; the callers
    who queued are their call types' volumes. "day": all IVR callers, branches with
    the day's shares to each call type and to self_service."""
    via = log.via_ivr
    n_ivr = int(via.sum())
    self_share = float(np.sum(via & ~log.queued) / n_ivr)
    if mix == "by_interval":
        branches = {"self_service": 1.0}
        volumes = grid.volumes(via & ~log.queued)
    else:
        branches = {}
        for k, type_name in enumerate(log.types):
            share = np.sum(via & log.queued & (log.call_type == k)) / n_ivr
            if share > 0:
                branches[type_name] = float(share)
        if self_share > 0:
            branches["self_service"] = self_share
        volumes = grid.volumes(via)
    node: dict[str, Any] = {"branches": {k: _round(v, 6) for k, v in branches.items()}}
    # Rounding must keep the sum at 1: put the remainder on the largest branch.
    top = max(node["branches"], key=node["branches"].get)
    node["branches"][top] = _round(1.0 - sum(v for k, v in node["branches"].items() if k != top), 9)
    ivr_time = (log.ivr_end - log.ivr_start)[via & ~np.isnan(log.ivr_end)]
    rep: dict[str, Any] = {"calls": n_ivr, "self_service_share": _round(self_share), "mix": mix}
    if ivr_time.size >= MIN_FIT:
        fits = fit_durations(ivr_time)
        node["duration"] = fits[0].scenario()
        rep["duration"] = {"chosen": fits[0].dist, "fits": [f.to_dict() for f in fits]}
    else:
        node["duration"] = "0s"
        notes.append("IVR: no IVR end times, so an IVR time of 0")
    report["ivr"] = rep
    return {"arrivals": {"volumes": volumes}, "nodes": {"menu": node}}


# --------------------------------------------------------------------------- report


def format_report(cal: Calibration, lang: str = "en") -> str:
    """The fit report as text (in ``lang``): what was read and dropped, per call
    type the handle-time and patience fits, busyness, IVR, time-of-day mixes, staffing."""
    r = cal.report
    dates = r.get("dates")
    lines = [
        tr("cal.header", lang, source=r["source"], calls=r["calls"], days=r["days"])
        + (tr("cal.dates", lang, first=dates[0], last=dates[-1]) if dates else "")
        + tr("cal.horizon", lang, start=r["horizon"][0], end=r["horizon"][1],
             minutes=r["interval_s"] / 60)
    ]  # fmt: skip
    for key, counts in (("dropped", "dropped"), ("skipped", "bad"), ("corrected", "fixed")):
        lines += _count_lines(tr(f"cal.{key}", lang), r.get(counts), lang)
    for type_name, rep in r["call_types"].items():
        lines += _type_lines(type_name, rep, lang)
    lines += _busyness_lines(r.get("busyness"), lang)
    if "ivr" in r:
        ivr = r["ivr"]
        mix = _word("mix", ivr.get("mix", "day"), lang)
        lines.append(
            tr("cal.ivr", lang, calls=ivr["calls"], share=ivr["self_service_share"], mix=mix)
        )
        if "duration" in ivr:
            lines += _fit_lines(ivr["duration"]["fits"], lang)
    lines += _mix_lines(r.get("time_of_day"), lang)
    lines += _staffing_lines(r["staffing"], lang)
    for note in r["notes"]:
        lines.append(tr("cal.note", lang, note=_note(note, lang)))
    return "\n".join(lines)


def _staffing_lines(st: dict, lang: str) -> list[str]:
    lines = [tr("cal.staffing", lang, how=_how(st["inferred_from"], lang))]
    lines.append(
        "  " + " ".join(f"{s}:{a}" for s, a in zip(st["starts"], st["agents"], strict=True))
    )
    if "while_waiting" in st:
        lines.append(
            tr("cal.busy_waiting", lang)
            + " ".join(
                f"{_fmt(w)}({d})"
                for w, d in zip(st["while_waiting"], st["days_with_wait"], strict=True)
            )
        )
    return lines


def _word(kind: str, value: str, lang: str) -> str:
    """A distribution, parameter or mix name in ``lang`` (unknown names as they are)."""
    entry = MESSAGES.get(f"cal.{kind}.{value}")
    return entry[lang] if entry else value


#: The notes and staffing methods the report translates: pattern, catalogue key.
_NOTE_PATTERNS = (
    (r"(?P<n>\d+) bad row\(s\) skipped", "cal.note.bad_rows"),
    (r"(?P<type>.+): no abandoned calls, so no patience \(nobody abandons\)",
     "cal.note.no_abandons"),
    (r"(?P<n>\d+) day\(s\): too few to estimate busyness \(day-to-day variation\)",
     "cal.note.few_days"),
    (r"no agent ids: sessions cannot be formed; busy-while-waiting used", "cal.note.no_agent_ids"),
    (r"IVR: no IVR end times, so an IVR time of 0", "cal.note.no_ivr_end"),
)  # fmt: skip


def _note(note: str, lang: str) -> str:
    """A calibration note in ``lang``; a note without a translation stays as written."""
    if lang == "en":
        return note
    for pattern, key in _NOTE_PATTERNS:
        m = re.fullmatch(pattern, note)
        if m:
            return tr(key, lang, **m.groupdict())
    return note


def _how(how: str, lang: str) -> str:
    """How the staffing line was inferred (`_staffing`'s text), in ``lang``."""
    if lang == "en":
        return how
    if how.startswith("the staffing file"):
        return tr("cal.how_file", lang)
    m = re.search(r"less than (\S+) min apart", how)
    if how.startswith("agents logged in") and m:
        return tr("cal.how_sessions", lang, gap=float(m.group(1)))
    m = re.search(r"\(>= (\S+) s of waiting\)", how)
    return tr("cal.how_floor", lang, min_wait=float(m.group(1))) if m else how


def _count_lines(what: str, counts: dict[str, int] | None, lang: str = "en") -> list[str]:
    if not counts:
        return []
    total = sum(counts.values())
    return [tr("cal.count", lang, what=what, total=total)] + [
        f"    {n:>7}  {why}" for why, n in sorted(counts.items(), key=lambda x: -x[1])
    ]


def _type_lines(type_name: str, rep: dict, lang: str = "en") -> list[str]:
    ht = rep["handle_time"]
    lines = [tr("cal.type", lang, type=type_name, offered=rep["offered_per_day"])]
    lines.append(
        tr("cal.handle", lang, n=ht["n"], mean=ht["sample_mean_s"], cv=ht["sample_cv"],
           chosen=_word("dist", ht["chosen"], lang))
    )  # fmt: skip
    lines += _fit_lines(ht["fits"], lang)
    pat = rep["patience"]
    if pat is None:
        return [*lines, tr("cal.no_patience", lang)]
    return lines + _patience_lines(pat, lang)


def _patience_lines(pat: dict, lang: str) -> list[str]:
    km = pat["kaplan_meier"]
    why = tr("cal.why_survival" if pat["chosen"] == "survival" else "cal.why_aic", lang)
    lines = [
        tr("cal.patience", lang, abandoned=pat["abandoned"], censored=pat["answered_censored"],
           chosen=_word("dist", pat["chosen"], lang), why=why)
    ]  # fmt: skip
    if "km_gap" in pat:
        lines.append(
            tr("cal.km_gap", lang, gap=pat["km_gap"], up_to=pat["up_to_s"],
               bound=pat["km_gap_bound"])
        )  # fmt: skip
    lines += _fit_lines(pat["fits"], lang)
    if pat.get("curve"):
        c = pat["curve"]
        lines.append(
            tr("cal.curve", lang, knots=c["knots"], last=c["last_knot_s"], tail=c["tail_mean_s"],
               mean=c["mean_s"], share=c["tail_share_of_mean"])
        )  # fmt: skip
    lines.append(
        tr("cal.km", lang, median=_fmt(km["median_s"]), rmean=km["restricted_mean_s"],
           up_to=km["up_to_s"])
        + ", ".join(f"S({k})={v:g}" for k, v in km["survival"].items())
    )  # fmt: skip
    lines.append(tr("cal.naive", lang, naive=pat["naive_mean_s"]))
    return lines


def _busyness_lines(b: dict | None, lang: str = "en") -> list[str]:
    if not b:
        return []
    return [
        tr("cal.busyness", lang, cv=b["cv"], days=b["days"], mean=b["calls_per_day"],
           sd=b["daily_sd"], psd=b["poisson_sd"])
    ]  # fmt: skip


def _mix_lines(mix: dict | None, lang: str = "en") -> list[str]:
    if not mix:
        return []
    lines = [tr("cal.by_hour", lang)]
    ivr = "ivr_calls" in mix
    types = list(mix["call_type_mix"])
    head = tr("cal.col_hour", lang) + (tr("cal.col_ivr", lang) if ivr else "")
    head += "".join(tr("cal.col_type", lang, type=t[:12]) for t in types)
    lines.append(head)
    for i, h in enumerate(mix["hours"]):
        row = f"  {h}  {mix['queued_calls'][i]:>6}"
        if ivr:
            row += f"  {mix['ivr_calls'][i]:>5}  {_fmt(mix['self_service_share'][i]):>11}"
        for t in types:
            share, aht = mix["call_type_mix"][t][i], mix["handle_mean_s"][t][i]
            row += f"  {_fmt(share):>18}  {_fmt(aht):>5}"
        lines.append(row)
    return lines


def _fit_lines(fits: list[dict], lang: str = "en") -> list[str]:
    out = []
    for f in fits:
        se = f" ± {f['mean_se_s']:g}" if f.get("mean_se_s") is not None else ""
        if f.get("mean_supported") is False:
            se += tr("cal.not_supported", lang)
        ks = f", KS {f['ks']:.3f}" if f.get("ks") is not None else ""
        params = ", ".join(f"{_word('param', k, lang)} {v:g}" for k, v in f["params"].items())
        out.append(
            tr("cal.fit", lang, dist=_word("dist", f["dist"], lang), mean=f["mean_s"], se=se,
               cv=f["cv"], params=params, aic=f["aic"], ks=ks)
        )  # fmt: skip
    return out


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _round(x: float, digits: int = 4) -> float:
    """Round to ``digits`` significant digits (plain float, for YAML and JSON)."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{digits + 2}g}")


def _secs(x: float) -> str:
    return f"{_round(x, 4):g}s"
