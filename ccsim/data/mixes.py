"""Time-of-day mixes: where IVR callers go, which call types come, and handle time,
per interval, pooled toward the day where an interval has few calls.

The scenario carries the mix by time of day exactly through per-interval volumes:
each call type's ``arrivals: {volumes: …}`` counts the calls that *joined its
queue* in each interval (IVR or not), and the IVR's own arrivals are the IVR callers
who never queued (self-service). A single IVR share for the whole day would send
night callers to queues that have no agents; per-interval volumes cannot.

The shares reported per hour are shrunk toward the day's share with the weight
n / (n + `POOL_CALLS`) of the hour's n calls (a beta-binomial posterior mean): an
hour with many calls keeps its own share, a thin one borrows the day's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ccsim.data.logcalls import CallLog
from ccsim.units import format_clock

#: Calls of prior weight pulling a thin hour's share toward the day's.
POOL_CALLS = 20.0


def pooled_share(hits: np.ndarray, total: np.ndarray, day_share: float) -> np.ndarray:
    """(hits + k·p) / (total + k): each hour's share shrunk toward ``day_share``."""
    return (hits + POOL_CALLS * day_share) / (total + POOL_CALLS)


def hourly_mixes(log: CallLog, tod: np.ndarray) -> dict[str, Any]:
    """Per hour of the day: IVR callers, the share that queued per call type and the
    self-service share (pooled), the call-type mix of queued calls, and the mean
    handle time per call type (no pooling: a mean with its count)."""
    hour = (tod // 3600).astype(int)
    hours = np.unique(hour)
    via, queued = log.via_ivr, log.queued
    out: dict[str, Any] = {"hours": [format_clock(h * 3600) for h in hours]}
    if via.any():
        n_ivr = np.array([np.sum(via & (hour == h)) for h in hours])
        served = via & ~queued
        day = float(served.sum() / via.sum())
        hits = np.array([np.sum(served & (hour == h)) for h in hours])
        out["ivr_calls"] = n_ivr.tolist()
        out["self_service_share"] = _r(pooled_share(hits, n_ivr, day))
        out["self_service_share_raw"] = _r(np.where(n_ivr > 0, hits / np.maximum(n_ivr, 1), np.nan))
    n_q = np.array([np.sum(queued & (hour == h)) for h in hours])
    out["queued_calls"] = n_q.tolist()
    mix, handle = {}, {}
    for k, name in enumerate(log.types):
        mine = queued & (log.call_type == k)
        day = float(mine.sum() / max(queued.sum(), 1))
        hits = np.array([np.sum(mine & (hour == h)) for h in hours])
        mix[name] = _r(pooled_share(hits, n_q, day))
        served = log.answered & (log.call_type == k) & ~np.isnan(log.handle)
        handle[name] = [_mean(log.handle[served & (hour == h)]) for h in hours]
    out["call_type_mix"] = mix
    out["handle_mean_s"] = handle
    return out


def handle_varies(log: CallLog, tod: np.ndarray, k: int) -> float | None:
    """p-value of "handle time of call type ``k`` is the same every hour"
    (Kruskal–Wallis over hours with at least 5 calls); None if it cannot be tested."""
    from scipy import stats

    served = log.answered & (log.call_type == k) & ~np.isnan(log.handle)
    hour = (tod // 3600).astype(int)
    groups = [log.handle[served & (hour == h)] for h in np.unique(hour[served])]
    groups = [g for g in groups if g.size >= 5]
    if len(groups) < 2 or np.ptp(np.concatenate(groups)) == 0:  # too few, or all equal
        return None
    return float(stats.kruskal(*groups).pvalue)


def _mean(x: np.ndarray) -> float | None:
    return float(f"{x.mean():.4g}") if x.size else None


def _r(x: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else float(f"{v:.3g}") for v in np.asarray(x, dtype=float)]
