"""The answer of the staffing search as a table (one row per group and interval:
Erlang and simulated agents, the KPIs of both and of the check) and the notes that
say what the numbers assume."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.units import format_clock

if TYPE_CHECKING:
    import pandas as pd


def _notes(scenario, names, loads, goal, searched, converged, feasible, max_iterations):
    notes = []
    for g in names:
        notes.append(f"{g}: Erlang {loads[g]['erlang_model']}")
    notes.append("intervals without offered calls get 0 agents; any interval with calls at least 1")
    if not searched.all():
        notes.append("warm-up intervals keep the Erlang staffing (they are not searched)")
    if len(names) > 1:
        notes.append(
            "several groups: the Erlang start splits each call type's load over the groups "
            "answering it first at its best priority; the search decides on the interval's "
            "SL over all call types"
        )
    if any(c.retrial or c.transfer or c.callback for c in scenario.call_types):
        notes.append("Erlang start: redials, transfers and callbacks are not in the offered load")
    if any(g.shrinkage > 0 for g in scenario.agent_groups):
        notes.append(
            "shrinkage: the simulated answer is scheduled agents (absences included); "
            "the Erlang answer is agents on the floor"
        )
    if not feasible:
        notes.append(
            f"NOT FEASIBLE: some interval still missed the goal after {max_iterations}"
            " iterations; the table shows the last staffing tried"
        )
    elif not converged:
        notes.append(
            f"stopped after {max_iterations} iterations: every interval meets the "
            "goal, but some may still be able to drop an agent"
        )
    return notes


def _table(names, h, loads, erlang, best, searched, final, first, check) -> pd.DataFrame:
    import pandas as pd

    starts = [format_clock(t) for t in h.interval_starts()]
    rows = []
    for k, g in enumerate(names):
        for i, start in enumerate(starts):
            row = {
                "group": g,
                "start": start,
                "offered_load": float(loads[g]["load"][i]),
                "erlang_agents": int(erlang[k, i]),
                "required_agents": int(best[k, i]),
                "difference": int(best[k, i] - erlang[k, i]),
                "erlang_model": loads[g]["erlang_model"][0],
                "searched": bool(searched[i]),
            }
            for prefix, a in (("", final), ("erlang_", first)):
                row.update(
                    {
                        f"{prefix}service_level": a.sl[i],
                        f"{prefix}service_level_ci_low": a.sl_ci[i, 0],
                        f"{prefix}service_level_ci_high": a.sl_ci[i, 1],
                        f"{prefix}abandon_rate": a.abandon[i],
                        f"{prefix}abandon_rate_ci_low": a.abandon_ci[i, 0],
                        f"{prefix}abandon_rate_ci_high": a.abandon_ci[i, 1],
                        f"{prefix}p_target_met": a.p_met[i],
                        f"{prefix}target_met": bool(a.met[i]),
                    }
                )
            if check is not None:
                row["check_service_level"] = check.sl[i]
                row["check_abandon_rate"] = check.abandon[i]
                row["check_target_met"] = bool(check.met[i])
            rows.append(row)
    return pd.DataFrame(rows)
