"""Back-test a scenario against a day of a call log: the KPIs measured in the log
beside those the scenario simulates, per planning interval and for the day.

The log's KPIs are computed by the same code as the simulation's
(`ccsim.metrics.replication_kpis`): the log is turned into one replication's
`Observations`, so service level (the scenario's definition and threshold), ASA,
abandon rate and answered calls mean exactly the same on both sides — a call
belongs to the interval in which it joined the queue.

Whether the measured value is plausible under the scenario is judged against the
spread of the *replications* (their 2.5 % and 97.5 % quantiles), not the 95 %
confidence interval of the mean: one real day is one draw, like one replication,
and the CI of the mean shrinks to nothing as replications grow, so with it every
real day would eventually look "wrong".
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ccsim.data.logcalls import CallLog
from ccsim.observations import ABANDONED, ANSWERED, BLOCKED, SELF_SERVED, Observations
from ccsim.scenario import Scenario

#: The KPIs compared, as named in `ccsim.metrics`.
BACKTEST_KPIS = ("service_level", "asa_s", "abandon_rate", "answered", "offered")


def observations_from_log(
    log: CallLog, scenario: Scenario, day: int | None = None, staffing: list[int] | None = None
) -> Observations:
    """One day of the log as a replication's `Observations` (times of day in seconds).

    ``day`` (0 = the log's first) is needed when the log holds several days. Call
    types must be the scenario's. A call that went through the IVR and never queued
    is self-served; one that neither queued nor went through the IVR is blocked.
    """
    days = log.days
    if day is None:
        if days.size > 1:
            raise ValueError(
                f"the log holds {days.size} days: choose one with --day (0 = the first)"
            )
        day = int(days[0])
    sel = np.floor(log.arrival / 86400.0) == day
    if not sel.any():
        raise ValueError(f"the log has no calls on day {day} (days: {days.tolist()})")
    from ccsim.data.priorities import base_type

    names = [c.name for c in scenario.call_types]
    index = np.full(len(log.types), -1, dtype=np.int64)
    for k, name in enumerate(log.types):
        if name not in names and base_type(name) in names:  # priorities merged by calibrate
            name = base_type(name)
        if name not in names:
            raise ValueError(
                f"call type {name!r} of the log is not in the scenario (its call types: "
                f"{', '.join(names)})"
            )
        index[k] = names.index(name)
    shift = day * 86400.0
    answered, abandoned = log.answered[sel], log.abandoned[sel]
    queued = answered | abandoned
    n = int(sel.sum())
    outcome = np.where(
        answered,
        ANSWERED,
        np.where(abandoned, ABANDONED, np.where(log.via_ivr[sel], SELF_SERVED, BLOCKED)),
    ).astype(np.int8)
    kind = log.call_type[sel]
    call_type = np.where((queued | ~log.via_ivr[sel]) & (kind >= 0), index[kind], -1)
    obs = Observations.empty(n, len(scenario.agent_groups), scenario.horizon.n_intervals)
    obs.call_type = call_type.astype(np.int32)
    obs.arrival = log.arrival[sel] - shift
    obs.offered = np.where(queued, log.queue[sel] - shift, np.nan)
    obs.outcome = outcome
    obs.wait = np.where(queued, log.wait[sel], np.nan)
    obs.talk = np.where(answered, np.nan_to_num(log.handle[sel]), 0.0)
    obs.group = np.where(answered, 0, -1).astype(np.int32)
    obs.via_ivr = log.via_ivr[sel]
    if staffing is not None:  # agents on the floor known: occupancy can be measured
        obs.staffed[0, :] = np.asarray(staffing, dtype=float) * scenario.horizon.interval
        obs.scheduled[0, :] = obs.staffed[0, :]
    ivr = log.ivr_end[sel] - log.ivr_start[sel]
    obs.ivr_time = np.where(np.isnan(ivr), 0.0, ivr)
    return obs


def backtest(
    log: CallLog,
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    day: int | None = None,
) -> dict[str, Any]:
    """Measured against simulated KPIs, per interval and for the day.

    Returns ``{"seed", "replications", "day": {kpi: row}, "by_interval": [{"start",
    kpi: row}], "fit": {kpi: {"in_range_share", "mae", "mape"}}}`` where a row is
    ``{"measured", "simulated" (mean over replications), "range95" (2.5 %–97.5 %
    quantiles of the replications), "error" (measured − simulated), "in_range"}``.
    """
    from ccsim.batch.runner import run
    from ccsim.metrics import replication_kpis

    measured = replication_kpis(observations_from_log(log, scenario, day), scenario)
    result = run(scenario, replications=replications, seed=seed)
    sims = result.kpis
    out: dict[str, Any] = {
        "seed": result.seed,
        "replications": result.replications,
        "service_level": {
            "threshold_s": scenario.service_level.threshold,
            "definition": scenario.service_level.definition,
        },
        "day": {
            k: _row(measured["summary"][k], [r["summary"][k] for r in sims]) for k in BACKTEST_KPIS
        },
        "by_interval": [],
    }
    for i, mrow in enumerate(measured["by_interval"]):
        row: dict[str, Any] = {"start": mrow["start"]}
        for k in BACKTEST_KPIS:
            row[k] = _row(mrow[k], [r["by_interval"][i][k] for r in sims])
        out["by_interval"].append(row)
    out["fit"] = {k: _fit([r[k] for r in out["by_interval"]]) for k in BACKTEST_KPIS}
    return out


#: The KPIs of the multi-day verdict (``offered`` is the input, not a result).
VERDICT_KPIS = ("service_level", "asa_s", "abandon_rate", "answered")


def backtest_days(
    log: CallLog,
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    days: list[int] | None = None,
    staffing: list[int] | None = None,
) -> dict[str, Any]:
    """Every (selected) day of the log against one simulation of the scenario.

    ``staffing`` (agents per interval, e.g. from a staffing file): the real
    occupancy is measured (busy / staffed) and judged too; without it, it is not.

    Each real day is one draw of the day-to-day variation, like a replication: it
    is judged against the replications' 2.5–97.5 % range, per day and per interval.
    Returns ``{"seed", "replications", "days": [{"day", "date", kpi: row}],
    "by_interval": [{"start", kpi: {"simulated", "range95", "measured": [per day],
    "in_range_days", "days"}}], "verdict": {kpi: {"days_in_range", "days"}},
    "pairs_in_range", "pairs"}`` (rows as in `backtest`).
    """
    from ccsim.batch.runner import run
    from ccsim.metrics import replication_kpis

    chosen = [int(d) for d in (log.days if days is None else days)]
    missing = sorted(set(chosen) - set(log.days.tolist()))
    if missing:
        raise ValueError(f"the log has no calls on day(s) {missing} (days: {log.days.tolist()})")
    if staffing is not None and len(staffing) != scenario.horizon.n_intervals:
        raise ValueError(
            f"the staffing file has {len(staffing)} interval(s), the scenario "
            f"{scenario.horizon.n_intervals}"
        )
    kpis = BACKTEST_KPIS + (("occupancy",) if staffing is not None else ())
    judged = VERDICT_KPIS + (("occupancy",) if staffing is not None else ())
    measured = [
        replication_kpis(observations_from_log(log, scenario, d, staffing), scenario)
        for d in chosen
    ]
    result = run(scenario, replications=replications, seed=seed)
    sims = result.kpis
    dates = log.dates or {}
    out_days = []
    for d, m in zip(chosen, measured, strict=True):
        row: dict[str, Any] = {"day": d, "date": dates.get(d)}
        for k in kpis:
            row[k] = _row(m["summary"][k], [r["summary"][k] for r in sims])
        out_days.append(row)
    by_interval = _days_by_interval(kpis, sims, measured)
    verdict = {}
    for k in kpis:
        flags = [r[k]["in_range"] for r in out_days if r[k]["in_range"] is not None]
        verdict[k] = {"days_in_range": int(sum(flags)), "days": len(flags)}
    pairs = sum(verdict[k]["days"] for k in judged)
    n_inside = sum(verdict[k]["days_in_range"] for k in judged)
    return {
        "seed": result.seed,
        "replications": result.replications,
        "service_level": {
            "threshold_s": scenario.service_level.threshold,
            "definition": scenario.service_level.definition,
        },
        "interval_s": scenario.horizon.interval,
        "days": out_days,
        "by_interval": by_interval,
        "verdict": verdict,
        "pairs": pairs,
        "pairs_in_range": n_inside,
        "kpis": list(judged),
        "occupancy": "measured against the staffing file"
        if staffing is not None
        else "not measured: a call log does not say how many agents were logged in "
        "(give --staffing FILE to measure it)",
    }


def _days_by_interval(
    kpis: tuple[str, ...], sims: list[dict[str, Any]], measured: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per interval and KPI: the replications' mean and 95 % range, and the real days'
    values (how many inside the range, of how many defined)."""
    by_interval = []
    for i, srow in enumerate(sims[0]["by_interval"]):
        row = {"start": srow["start"]}
        for k in kpis:
            sim = _row(None, [r["by_interval"][i][k] for r in sims])
            values = [_clean(m["by_interval"][i][k]) for m in measured]
            inside = [
                v is not None
                and sim["range95"] is not None
                and sim["range95"][0] <= v <= sim["range95"][1]
                for v in values
            ]
            defined = sum(v is not None and sim["range95"] is not None for v in values)
            row[k] = {
                "simulated": sim["simulated"],
                "range95": sim["range95"],
                "measured": values,
                "in_range_days": int(sum(inside)),
                "days": int(defined),
            }
        by_interval.append(row)
    return by_interval


def _clean(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _row(measured: Any, simulated: list[Any]) -> dict[str, Any]:
    m = _clean(measured)
    values = np.array([v for v in map(_clean, simulated) if v is not None])
    if values.size == 0:
        return {"measured": m, "simulated": None, "range95": None, "error": None, "in_range": None}
    lo, hi = np.quantile(values, [0.025, 0.975])
    mean = float(values.mean())
    return {
        "measured": m,
        "simulated": mean,
        "range95": [float(lo), float(hi)],
        "error": None if m is None else m - mean,
        "in_range": None if m is None else bool(lo <= m <= hi),
    }


def _fit(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Over the intervals where both sides are defined: the share with the measured
    value in the replications' 95 % range, mean absolute error and (where the
    simulated value is not 0) mean absolute percentage error."""
    both = [r for r in rows if r["error"] is not None]
    if not both:
        return {"intervals": 0, "in_range_share": None, "mae": None, "mape": None}
    errs = np.array([abs(r["error"]) for r in both])
    pct = [abs(r["error"]) / abs(r["simulated"]) for r in both if r["simulated"]]
    return {
        "intervals": len(both),
        "in_range_share": float(np.mean([r["in_range"] for r in both])),
        "mae": float(errs.mean()),
        "mape": float(np.mean(pct)) if pct else None,
    }
