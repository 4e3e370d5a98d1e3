"""``ccsim staff``'s answer for people and programs: the staffing table as aligned text
in the user's language (`staffing_text`, with the per-queue view of
`queue_staffing_text`), and the ``--json`` document (`to_json`, docs/staffing.md)."""

from __future__ import annotations

import math

from ccsim.i18n import MESSAGES, check_lang, tr
from ccsim.outputs.notes import translate_note
from ccsim.outputs.report import _left, _right, _width, format_value
from ccsim.planning.queue_staffing import queue_staffing
from ccsim.planning.staffing import StaffingResult

__all__ = ["goal_text", "queue_staffing_text", "staffing_text", "to_json"]


def _clean(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item"):
        return _clean(x.item())
    return x


def to_json(found) -> dict:
    """The `--json` document of `ccsim staff` (docs/staffing.md)."""
    g = found.goal
    rows = []
    for rec in found.table.to_dict("records"):
        row = {k: _clean(v) for k, v in rec.items()}
        for prefix in ("", "erlang_"):
            for kpi in ("service_level", "abandon_rate"):
                key = prefix + kpi
                lo, hi = row.pop(f"{key}_ci_low"), row.pop(f"{key}_ci_high")
                row[key] = {"mean": row[key], "ci95": None if lo is None else [lo, hi]}
        rows.append(row)
    hours = found.scenario.horizon.interval / 3600.0
    return {
        "scenario": found.scenario.name,
        "goal": {
            "threshold_s": g.threshold,
            "target": g.target,
            "definition": g.definition,
            "max_abandon": g.max_abandon,
            "confidence": g.confidence,
        },
        "replications": found.replications,
        "seed": found.seed,
        "check_seed": found.check_seed,
        "converged": found.converged,
        "feasible": found.feasible,
        "iterations": found.iterations,
        "simulations": found.simulations,
        "notes": found.notes,
        "agent_hours": {
            "erlang": float(found.table["erlang_agents"].sum() * hours),
            "required": float(found.table["required_agents"].sum() * hours),
        },
        "by_interval": rows,
        "by_call_type": _by_queue(found),
    }


def _by_queue(found) -> dict:
    """The answer per queue where the groups allow it (`ccsim.planning.queue_staffing`)."""

    return queue_staffing(found)


def goal_text(goal, lang: str = "en") -> str:
    """`StaffingGoal.describe` in ``lang``."""

    if lang == "en":
        return goal.describe()
    definition = MESSAGES.get(f"field.{goal.definition}", {}).get(lang, goal.definition)
    text = tr("staff.goal_sl", lang, target=f"{100 * goal.target:g}",
              threshold=f"{goal.threshold:g}", definition=definition)  # fmt: skip
    if goal.max_abandon is not None:
        text += tr("staff.goal_abandon", lang, value=f"{100 * goal.max_abandon:g}")
    if goal.confidence is None:
        return text + tr("staff.goal_mean", lang)
    return text + tr("staff.goal_confidence", lang, value=f"{100 * goal.confidence:g}")


def staffing_text(found, lang: str | None = None) -> str:
    """The staffing table as aligned text, with the notes and the totals, in ``lang``."""

    lang = check_lang(lang)
    t = found.table
    several = t["group"].nunique() > 1
    head = tr(
        "staff.head",
        lang,
        name=found.scenario.name,
        goal=goal_text(found.goal, lang),
        n=found.replications,
        seed=found.seed,
        check_seed=found.check_seed,
        sims=found.simulations,
        steps=found.iterations,
        converged="" if found.converged else tr("staff.not_converged", lang),
    )
    names = ("interval", "load", "erlang", "sim", "diff", "sl", "ci", "abandon", "p_met",
             "check_sl", "erlang_sl")  # fmt: skip
    heads = [tr(f"staff.col_{c}", lang) for c in names]
    # each column as wide as its default or its header and a space (Chinese is wider)
    defaults = (9, 7, 7, 6, 6, 8, 18, 7, 8, 10, 11)
    widths = [
        max(w, _width(h) + (i not in (0, 6)))
        for i, (w, h) in enumerate(zip(defaults, heads, strict=True))
    ]

    def line(cells: list[str], first: str) -> str:
        return _left(first, 14) * several + "".join(
            _left(c, w) if i in (0, 6) else _right(c, w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines = [head, line(heads, tr("staff.col_group", lang))]
    miss_word = tr("staff.misses", lang)
    for r in t.itertuples():
        lo, hi = (format_value(v, "pct") for v in (r.service_level_ci_low, r.service_level_ci_high))
        ci = f"  [{lo}, {hi}]" if not math.isnan(r.service_level_ci_low) else ""
        sl = format_value(r.service_level, "pct") + ("" if r.target_met else " !")
        cells = [
            r.start, f"{r.offered_load:.1f}", f"{r.erlang_agents:d}", f"{r.required_agents:d}",
            f"{r.difference:+d}", sl, ci, format_value(r.abandon_rate, "pct"),
            format_value(r.p_target_met, "pct"),
            format_value(getattr(r, "check_service_level", None), "pct"),
            format_value(r.erlang_service_level, "pct"),
        ]  # fmt: skip
        erl_miss = "" if r.erlang_target_met else f" {miss_word}"
        lines.append(line(cells, str(r.group)) + erl_miss)
    hours = found.scenario.horizon.interval / 3600.0
    first = t.drop_duplicates("start")
    lines.append("")
    lines.append(
        tr(
            "staff.totals",
            lang,
            erlang=f"{t['erlang_agents'].sum() * hours:,.1f}",
            sim=f"{t['required_agents'].sum() * hours:,.1f}",
            erlang_misses=int((~first["erlang_target_met"]).sum()),
            sim_misses=int((~first["target_met"]).sum()),
        )
    )
    lines += [tr("staff.note", lang, note=translate_note(n, lang)) for n in found.notes]
    if len(found.scenario.call_types) > 1:
        lines += ["", queue_staffing_text(found)]
    return "\n".join(lines)


def queue_staffing_text(found: StaffingResult) -> str:
    """Per queue: its agents (dedicated queues) and simulated SL per interval."""

    per_queue = queue_staffing(found)
    lines = ["per queue (call type):"]
    for name, q in per_queue.items():
        if q["dedicated"]:
            lines.append(f"  {name}: its own group {q['groups'][0]}")
        else:
            lines.append(
                f"  {name}: shares agents ({', '.join(q['groups'])}): no per-queue agents, "
                "its service level with the found staffing"
            )
    names = list(per_queue)
    header = f"{'interval':<9}" + "".join(f"{n[:14]:>16}" for n in names)
    lines += ["", header]
    n = len(next(iter(per_queue.values()))["by_interval"]) if per_queue else 0
    for i in range(n):
        cells = []
        for name in names:
            row = per_queue[name]["by_interval"][i]
            sl = format_value((row["service_level"] or {}).get("mean"), "pct")
            agents = row["required_agents"]
            cells.append(f"{sl if agents is None else f'{agents} ag. {sl}':>16}")
        lines.append(f"{per_queue[names[0]]['by_interval'][i]['interval']:<9}" + "".join(cells))
    return "\n".join(lines)
