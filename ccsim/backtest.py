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

from ccsim.calllog import CallLog
from ccsim.observations import ABANDONED, ANSWERED, BLOCKED, SELF_SERVED, Observations
from ccsim.scenario import Scenario

#: The KPIs compared, as named in `ccsim.metrics`.
BACKTEST_KPIS = ("service_level", "asa_s", "abandon_rate", "answered", "offered")


def observations_from_log(log: CallLog, scenario: Scenario, day: int | None = None) -> Observations:
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
    names = [c.name for c in scenario.call_types]
    index = np.full(len(log.types), -1, dtype=np.int64)
    for k, name in enumerate(log.types):
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
    from ccsim.metrics import replication_kpis
    from ccsim.runner import run

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


def format_backtest(bt: dict[str, Any], lang: str | None = None) -> str:
    """The comparison as a text table: per interval, measured vs simulated (and its
    replications' 95 % range; ``*`` marks a measured value outside it); in ``lang``."""
    from ccsim.i18n import MESSAGES, check_lang, kpi_label, tr
    from ccsim.report import _left, _right, format_value

    lang = check_lang(lang)
    kinds = {
        "service_level": "pct",
        "asa_s": "sec",
        "abandon_rate": "pct",
        "answered": "count",
        "offered": "count",
    }
    titles = {
        "service_level": "SL",
        "asa_s": "ASA",
        "abandon_rate": "Abandon",
        "answered": "Answered",
        "offered": "Offered",
    }
    if lang != "en":
        titles = {k: kpi_label(k, lang) for k in titles}

    def cell(row: dict[str, Any], k: str) -> str:
        if row["measured"] is None and row["simulated"] is None:
            return "—"
        m = format_value(row["measured"], kinds[k])
        s = format_value(row["simulated"], kinds[k])
        flag = "*" if row["in_range"] is False else " "
        return f"{m}{flag}/{s}"

    sl = bt["service_level"]
    definition = sl["definition"]
    if lang != "en":
        definition = MESSAGES.get(f"field.{definition}", {}).get(lang, definition)
    lines = [
        tr("bt.head", lang, n=bt["replications"], seed=bt["seed"],
           threshold=f"{sl['threshold_s']:g}", definition=definition),
        "",
        _left(tr("word.interval", lang), 9) + "".join(_right(titles[k], 20) for k in BACKTEST_KPIS),
    ]  # fmt: skip
    for row in bt["by_interval"]:
        lines.append(
            f"{row['start']:<9}" + "".join(f"{cell(row[k], k):>20}" for k in BACKTEST_KPIS)
        )
    lines.append(
        _left(tr("bt.day", lang), 9)
        + "".join(f"{cell(bt['day'][k], k):>20}" for k in BACKTEST_KPIS)
    )
    lines.append("")
    for k in BACKTEST_KPIS:
        f = bt["fit"][k]
        if not f["intervals"]:
            continue
        mape = f", MAPE {f['mape']:.1%}" if f["mape"] is not None else ""
        lines.append(
            tr("bt.fit", lang, kpi=titles[k], share=f"{f['in_range_share']:.0%}",
               n=f["intervals"], mae=format_value(f["mae"], kinds[k]), mape=mape)
        )  # fmt: skip
    return "\n".join(lines)
