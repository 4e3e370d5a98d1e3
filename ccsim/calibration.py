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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccsim.calllog import CallLog
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

    @property
    def aic(self) -> float:
        return 2.0 * self.n_params - 2.0 * self.loglik

    def scenario(self) -> dict[str, Any]:
        """The scenario's distribution mapping (durations in seconds, written ``Ns``)."""
        if self.dist == "exponential":
            return {"dist": "exponential", "mean": _secs(self.mean)}
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
) -> Calibration:
    """Estimate a scenario from a call log (see the module's docstring).

    The horizon covers the arrivals' times of day in whole intervals; volumes,
    staffing and IVR arrivals are per interval, averaged over the log's days.
    """
    if "end" not in log.has:
        raise ValueError(
            "the log has no end-of-service column: handle times cannot be estimated "
            "(name it with --columns end=COLUMN)"
        )
    notes: list[str] = []
    days = log.days
    n_days = int(days.size)
    tod = log.arrival - np.floor(log.arrival / 86400.0) * 86400.0
    start = math.floor(tod.min() / interval) * interval
    end = min(math.floor(tod.max() / interval) * interval + interval, 86400.0)
    starts = np.arange(start, end - 1e-9, interval)
    idx = np.clip(((tod - start) // interval).astype(int), 0, starts.size - 1)
    n = starts.size

    def per_interval(sel: np.ndarray) -> list[float]:
        counts = np.bincount(idx[sel], minlength=n) / n_days
        return [_round(v, 3) for v in counts]

    report: dict[str, Any] = {
        "source": log.source,
        "calls": log.n_calls,
        "skipped_rows": log.skipped,
        "days": n_days,
        "interval_s": interval,
        "horizon": [format_clock(start), format_clock(end)],
        "call_types": {},
    }
    call_types: dict[str, Any] = {}
    via = log.via_ivr
    handle = log.handle
    wait = log.wait
    for k, type_name in enumerate(log.types):
        mine = log.call_type == k
        entry: dict[str, Any] = {}
        rep: dict[str, Any] = {"offered_per_day": _round(np.sum(mine & log.queued) / n_days, 3)}
        direct = mine & ~via
        if direct.any():
            entry["arrivals"] = {"volumes": per_interval(direct)}
        served = mine & log.answered & ~np.isnan(handle)
        if served.sum() < MIN_FIT:
            raise ValueError(
                f"call type {type_name!r}: {int(served.sum())} answered call(s) with an end "
                f"time; at least {MIN_FIT} are needed to estimate its handle time"
            )
        fits = fit_durations(handle[served])
        entry["handle_time"] = fits[0].scenario()
        rep["handle_time"] = {
            "chosen": fits[0].dist,
            "n": int(served.sum()),
            "sample_mean_s": _round(float(np.mean(handle[served]))),
            "sample_cv": _round(float(np.std(handle[served]) / np.mean(handle[served]))),
            "fits": [f.to_dict() for f in fits],
        }
        queued = mine & log.queued
        ab = log.abandoned[queued]
        if ab.any():
            pat = fit_patience(wait[queued], ab)
            entry["patience"] = pat.best.scenario()
            rep["patience"] = pat.to_dict()
        else:
            notes.append(f"{type_name}: no abandoned calls, so no patience (nobody abandons)")
            rep["patience"] = None
        call_types[type_name] = entry
        report["call_types"][type_name] = rep

    scenario: dict[str, Any] = {
        "name": name or f"calibrated from {log.source}",
        "horizon": {
            "start": format_clock(start),
            "end": "24:00" if end >= 86400 else format_clock(end),
            "interval": format_duration(interval),
        },
        "service_level": {"threshold": _secs(threshold), "target": 0.8},
    }
    if via.any():
        scenario["ivr"] = _ivr(log, per_interval(via), report, notes)
    scenario["call_types"] = call_types

    staffing = infer_staffing(log, starts, interval, n_days, session_gap)
    if "sessions" in staffing:
        line = np.ceil(np.maximum(staffing["sessions"], staffing["busy"]) - 1e-9)
        how = (
            f"agents logged in: an agent's calls less than {session_gap / 60:g} min apart form "
            "one session from the first answer to the last end; agent-seconds of sessions per "
            "interval / interval length, rounded up (at least the busy agents)"
        )
    else:
        line = np.ceil(staffing["busy"] - 1e-9)
        how = (
            "no agent ids: busy agents only (agent-seconds of service per interval / interval "
            "length, rounded up) — a LOWER BOUND; edit the staffing line before planning"
        )
        notes.append("no agent column: the staffing line is the busy agents, a lower bound")
    line = np.maximum(line, 0).astype(int)
    if not line.any():
        line[:] = 1
    scenario["agent_groups"] = {"agents": {"skills": list(log.types), "agents": line.tolist()}}
    report["staffing"] = {
        "inferred_from": how,
        "starts": [format_clock(t) for t in starts],
        "agents": line.tolist(),
        **{key: [_round(v, 2) for v in values] for key, values in staffing.items()},
    }
    if log.skipped:
        notes.append(f"{log.skipped} bad row(s) skipped")
    report["notes"] = notes
    return Calibration(scenario, report, notes)


def _ivr(log: CallLog, volumes: list[float], report: dict, notes: list[str]) -> dict[str, Any]:
    """One IVR node: its time fitted, branches to the call types (calls that queued)
    and to self_service (IVR calls that never queued: self-served or hung up — a log
    does not tell them apart, so both count as self-service)."""
    via = log.via_ivr
    n_ivr = int(via.sum())
    branches: dict[str, float] = {}
    for k, type_name in enumerate(log.types):
        share = np.sum(via & log.queued & (log.call_type == k)) / n_ivr
        if share > 0:
            branches[type_name] = float(share)
    self_share = 1.0 - sum(branches.values())
    if self_share > 0:
        branches["self_service"] = self_share
    node: dict[str, Any] = {"branches": {k: _round(v, 6) for k, v in branches.items()}}
    # Rounding must keep the sum at 1: put the remainder on the largest branch.
    top = max(node["branches"], key=node["branches"].get)
    node["branches"][top] = _round(1.0 - sum(v for k, v in node["branches"].items() if k != top), 9)
    ivr_time = (log.ivr_end - log.ivr_start)[via & ~np.isnan(log.ivr_end)]
    rep: dict[str, Any] = {"calls": n_ivr, "self_service_share": _round(self_share)}
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


def format_report(cal: Calibration, lang: str | None = None) -> str:
    """The fit report as text: per call type the handle-time and patience fits; in
    ``lang`` (en, zh)."""
    from ccsim.i18n import check_lang, tr
    from ccsim.outputs.notes import translate_note

    lang = check_lang(lang)
    r = cal.report
    skipped = tr("cal.skipped", lang, n=r["skipped_rows"]) if r["skipped_rows"] else ""
    lines = [
        tr("cal.head", lang, source=r["source"], calls=r["calls"], days=r["days"],
           start=r["horizon"][0], end=r["horizon"][1], minutes=f"{r['interval_s'] / 60:g}")
        + skipped
    ]  # fmt: skip
    for type_name, rep in r["call_types"].items():
        ht = rep["handle_time"]
        lines.append(tr("cal.type", lang, name=type_name, n=f"{rep['offered_per_day']:g}"))
        lines.append(
            tr("cal.handle_time", lang, n=ht["n"], mean=f"{ht['sample_mean_s']:g}",
               cv=f"{ht['sample_cv']:g}", chosen=_dist_word(ht["chosen"], lang))
        )  # fmt: skip
        lines += _fit_lines(ht["fits"], lang)
        pat = rep["patience"]
        if pat is None:
            lines.append(tr("cal.no_patience", lang))
            continue
        km = pat["kaplan_meier"]
        lines.append(
            tr("cal.patience", lang, abandoned=pat["abandoned"], answered=pat["answered_censored"],
               chosen=_dist_word(pat["chosen"], lang))
        )  # fmt: skip
        lines += _fit_lines(pat["fits"], lang)
        survival = ", ".join(f"S({k})={v:g}" for k, v in km["survival"].items())
        lines.append(
            tr("cal.km", lang, median=_fmt(km["median_s"]), mean=f"{km['restricted_mean_s']:g}",
               up_to=f"{km['up_to_s']:g}", survival=survival)
        )  # fmt: skip
        lines.append(tr("cal.naive", lang, mean=f"{pat['naive_mean_s']:g}"))
    if "ivr" in r:
        ivr = r["ivr"]
        lines.append(tr("cal.ivr", lang, n=ivr["calls"], share=f"{ivr['self_service_share']:g}"))
        if "duration" in ivr:
            lines += _fit_lines(ivr["duration"]["fits"], lang)
    st = r["staffing"]
    lines.append(tr("cal.staffing", lang, how=translate_note(st["inferred_from"], lang)))
    lines.append(
        "  " + " ".join(f"{s}:{a}" for s, a in zip(st["starts"], st["agents"], strict=True))
    )
    for note in r["notes"]:
        lines.append(tr("staff.note", lang, note=translate_note(note, lang)))
    return "\n".join(lines)


def _dist_word(dist: str, lang: str) -> str:
    from ccsim.i18n import MESSAGES

    return dist if lang == "en" else MESSAGES.get(f"field.{dist}", {}).get(lang, dist)


def _fit_lines(fits: list[dict], lang: str = "en") -> list[str]:
    from ccsim.i18n import tr
    from ccsim.report import _left

    out = []
    for f in fits:
        se = f" ± {f['mean_se_s']:g}" if f.get("mean_se_s") is not None else ""
        ks = f", KS {f['ks']:.3f}" if f.get("ks") is not None else ""
        params = ", ".join(f"{_param_word(k, lang)} {v:g}" for k, v in f["params"].items())
        dist = _dist_word(f["dist"], lang)
        out.append(
            "    " + tr("cal.fit", lang, dist=_left(dist, 11 if lang == "en" else 13),
                        mean=f"{f['mean_s']:g}", se=se, cv=f"{f['cv']:g}", params=params,
                        aic=f"{f['aic']:.1f}", ks=ks)
        )  # fmt: skip
    return out


def _param_word(name: str, lang: str) -> str:
    from ccsim.i18n import MESSAGES

    return name if lang == "en" else MESSAGES.get(f"cal.param_{name}", {}).get(lang, name)


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
