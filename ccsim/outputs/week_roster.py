"""A weekly roster's outputs (``ccsim schedule`` on a week): the text, the
``--json`` document and the files (docs/scheduling.md, "Weekly rosters").

``roster.csv`` has one row per agent and worked day (start, end, breaks);
``roster_week.csv`` one row per agent, a column per day (``07:00-15:30`` or
``off``); ``coverage.csv`` one row per day and interval; ``scheduled.yaml`` is the
week scenario with the roster (each shift with its ``days``), which ``ccsim run``
reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.atomic import write_text
from ccsim.outputs.csvfiles import write_rows
from ccsim.outputs.jsondoc import dumps
from ccsim.planning.week_plan import WeekPlan, coverage_rows
from ccsim.planning.week_roster import RosterShift, WeekRoster
from ccsim.units import format_clock, format_duration

__all__ = [
    "format_week_plan",
    "roster_rows",
    "roster_week_rows",
    "week_plan_json",
    "write_week_outputs",
]

ROSTER_COLUMNS = ["agent", "contract", "day", "template", "start", "end", "breaks",
                  "paid_hours", "cost"]  # fmt: skip


def _breaks(s: RosterShift) -> str:
    return "; ".join(
        f"{format_clock(at)} {format_duration(length)}{'' if paid else ' unpaid'}"
        for at, length, paid in s.breaks
    )


def roster_rows(roster: WeekRoster) -> list[dict[str, Any]]:
    """One row per agent and worked day."""
    return [
        {"agent": s.agent, "contract": s.contract, "day": s.day, "template": s.template,
         "start": format_clock(s.start), "end": format_clock(s.end), "breaks": _breaks(s),
         "paid_hours": s.paid_hours, "cost": s.cost}
        for s in roster.shifts
    ]  # fmt: skip


def roster_week_rows(plan: WeekPlan, roster: WeekRoster | None = None) -> list[dict[str, Any]]:
    """One row per agent: contract, each day's ``start-end`` or ``off``, paid hours, cost."""
    roster = roster or plan.roster
    labels = [d.label for d in plan.week.days]
    out = []
    for agent in roster.agents:
        mine = [s for s in roster.shifts if s.agent == agent]
        row: dict[str, Any] = {"agent": agent, "contract": mine[0].contract}
        for label in labels:
            s = next((s for s in mine if s.day == label), None)
            row[label] = "off" if s is None else f"{format_clock(s.start)}-{format_clock(s.end)}"
        row["days"] = len(mine)
        row["paid_hours"] = sum(s.paid_hours for s in mine)
        row["cost"] = sum(s.cost for s in mine)
        out.append(row)
    return out


def week_plan_json(plan: WeekPlan) -> dict[str, Any]:
    """The ``--json`` document of a weekly roster."""
    base = plan.baseline
    return {
        "scenario": plan.week.name,
        "group": plan.group,
        "templates": plan.templates.source,
        "requirement": plan.requirement_source,
        "seed": plan.result.seed if plan.result is not None else None,
        "replications": plan.result.replications if plan.result is not None else None,
        "solver": plan.roster.solver,
        "cost": plan.roster.cost,
        "agents": len(plan.roster.agents),
        "shifts": len(plan.roster.shifts),
        "baseline": None if base is None else {
            "cost": base.cost, "agents": len(base.agents), "shifts": len(base.shifts),
            "how": plan.baseline_note,
        },
        "baseline_note": plan.baseline_note,
        "roster": roster_rows(plan.roster),
        "intervals": coverage_rows(plan),
        "rounds": [
            {"round": r.number, "cost": r.cost, "agents": r.agents,
             "solver_status": r.solver_status,
             "missed": [{"day": m.day, "start": m.start, "service_level": m.service_level}
                        for m in r.missed]}
            for r in plan.rounds
        ],
        "verified": plan.verified,
        "notes": plan.notes,
    }  # fmt: skip


def format_week_plan(plan: WeekPlan) -> str:
    """The weekly roster as text: solver, cost against the baseline, the roster
    (agent × day), and the rounds with the intervals that missed the target."""
    s = plan.roster.solver
    gap = "—" if s.get("gap") is None else f"{100 * s['gap']:.2f}%"
    dual = "—" if s.get("dual_bound") is None else f"{s['dual_bound']:,.2f}"
    lines = [
        f"{plan.week.name}: weekly roster for group {plan.group} from {plan.templates.source}",
        f"requirement: {plan.requirement_source}",
        f"solver: {s['solver']}, {s['status']}, objective {s['objective']:,.2f}, gap {gap},"
        f" dual bound {dual}, {s['time_s']:.1f} s, {s['variables']} variables,"
        f" {s['constraints']} constraints ({s['classes']} kinds of working week)",
        *(f"note: {n}" for n in plan.notes),
        "",
    ]
    lines += _grid_lines(plan)
    lines.append(_total_line(plan))
    if plan.baseline is not None:
        lines.append(f"baseline: {plan.baseline_note}")
    lines.append("")
    for r in plan.rounds:
        missed = ", ".join(f"{m.day} {m.start} ({100 * m.service_level:.1f}%)" for m in r.missed)
        lines.append(
            f"round {r.number}: cost {r.cost:,.2f}, {r.agents} agents, solver {r.solver_status};"
            f" below target: {missed or 'none'}"
        )
    if plan.result is not None:
        if plan.verified:
            lines.append(
                f"verified: the simulation of the week ({plan.result.replications} replications,"
                f" seed {plan.result.seed}) meets the target in every interval of every day"
            )
        else:
            lines.append(
                f"NOT verified: after {len(plan.rounds)} round(s) {len(plan.missed)} interval(s)"
                " still miss the target (listed above; try --rounds, or more replications)"
            )
    return "\n".join(lines)


def _grid_lines(plan: WeekPlan) -> list[str]:
    labels = [d.label for d in plan.week.days]
    head = f"{'agent':<16}" + "".join(f"{lab:>13}" for lab in labels) + f"{'hours':>7}{'cost':>10}"
    lines = [head]
    for row in roster_week_rows(plan):
        cells = "".join(f"{row[lab]:>13}" for lab in labels)
        lines.append(f"{row['agent']:<16}{cells}{row['paid_hours']:>7g}{row['cost']:>10,.2f}")
    return lines


def _total_line(plan: WeekPlan) -> str:
    r, base = plan.roster, plan.baseline
    out = f"total: {len(r.agents)} agents, {len(r.shifts)} shifts, cost {r.cost:,.2f}"
    if base is None:
        return out + f" (baseline: {plan.baseline_note or 'not built'})"
    saved = (base.cost - r.cost) / base.cost if base.cost > 0 else 0.0
    return out + (
        f" (baseline, day by day with fixed days off: {len(base.agents)} agents, {len(base.shifts)}"
        f" shifts, {base.cost:,.2f}; {100 * saved:.1f}% saved)"
    )


def write_week_outputs(plan: WeekPlan, out_dir: Path) -> list[Path]:
    """Write ``scheduled.yaml``, ``roster.csv``, ``roster_week.csv``, ``coverage.csv``
    and ``schedule.json`` in ``out_dir``."""
    from ccsim.planning.staffing import staffed_document, write_staffed

    out_dir.mkdir(parents=True, exist_ok=True)
    doc = staffed_document(
        plan.scheduled_data, plan.week.base, {}, base_dir=plan.path.parent, out_dir=out_dir
    )
    written = [
        write_staffed(
            out_dir / "scheduled.yaml",
            doc,
            f"Written by ccsim schedule: {plan.path} rostered for the week (group {plan.group})\n"
            f"from {plan.templates.source}; each shift works on its days.",
        )
    ]
    rows = roster_rows(plan.roster)
    written.append(write_rows(out_dir / "roster.csv", ROSTER_COLUMNS,
                              [[r[c] for c in ROSTER_COLUMNS] for r in rows]))  # fmt: skip
    for name, table in (("roster_week.csv", roster_week_rows(plan)),
                        ("coverage.csv", coverage_rows(plan))):  # fmt: skip
        header = list(table[0]) if table else []
        written.append(write_rows(out_dir / name, header, [list(r.values()) for r in table]))
    written.append(out_dir / "schedule.json")
    write_text(written[-1], dumps(week_plan_json(plan), indent=1))
    return written
