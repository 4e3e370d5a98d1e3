"""Priorities seen in a log: kept as call types with a scenario ``priority`` where
they change how callers are served, merged away where they do not.

The reader names a call of type ``x`` with priority ``p`` ``x.pp``
(`ccsim.data.logreader.PRIORITY_SEP`). Per base type, the waits of the priority
classes are compared (Kruskal–Wallis); when they differ clearly (p < `P_VALUE`
and mean waits at least `RATIO` apart) each class stays a call type, ranked by
mean wait into scenario priorities 1 (served first) … ; otherwise the classes are
merged into ``x`` and the report says the priority made no difference.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ccsim.data.logcalls import CallLog
from ccsim.data.logreader import PRIORITY_SEP

P_VALUE = 1e-3
RATIO = 1.5
#: Fewest queued calls per class for the comparison.
MIN_CALLS = 20


def base_type(name: str) -> str:
    """``retail.p2`` -> ``retail``; a name without a priority is its own base."""
    head, sep, tail = name.rpartition(PRIORITY_SEP)
    return head if sep and head else name


def split_by_priority(log: CallLog, notes: list[str]) -> tuple[CallLog, dict[str, Any]]:
    """The log with priority classes merged where they do not matter, and the report
    (``{"priority": {type: 1..9}, "classes": {base: {...}}}``; empty: no priorities)."""
    from scipy import stats

    groups: dict[str, list[int]] = {}
    for k, name in enumerate(log.types):
        if base_type(name) != name:
            groups.setdefault(base_type(name), []).append(k)
    if not groups:
        return log, {}
    keep: dict[str, int] = {}
    classes: dict[str, Any] = {}
    merge: set[int] = set()
    for base, ks in groups.items():
        waits = [log.wait[log.queued & (log.call_type == k)] for k in ks]
        means = [float(w.mean()) if w.size else np.nan for w in waits]
        big = [w for w in waits if w.size >= MIN_CALLS]
        p = (
            float(stats.kruskal(*big).pvalue)
            if len(big) >= 2 and np.ptp(np.concatenate(big)) > 0
            else 1.0
        )
        lo, hi = np.nanmin(means), np.nanmax(means)
        differ = len(big) == len(ks) and p < P_VALUE and hi >= RATIO * max(lo, 1e-9)
        classes[base] = {
            "classes": [log.types[k] for k in ks],
            "mean_wait_s": [float(f"{m:.4g}") for m in means],
            "p_value": float(f"{p:.3g}"),
            "kept": bool(differ),
        }
        if differ:
            order = np.argsort(means)
            for rank, i in enumerate(order[:9]):
                keep[log.types[ks[i]]] = rank + 1
            notes.append(f"{base}: priorities served differently (p = {p:.2g}): kept as call types")
        else:
            merge.update(ks)
            notes.append(f"{base}: priorities made no clear difference to waits: merged")
    if not merge:
        return log, {"priority": keep, "classes": classes}
    names = [base_type(n) if k in merge else n for k, n in enumerate(log.types)]
    new_types = list(dict.fromkeys(names))
    remap = np.array([new_types.index(n) for n in names] + [-1])
    merged = replace(log, call_type=remap[log.call_type], types=new_types)
    return merged, {"priority": keep, "classes": classes}
