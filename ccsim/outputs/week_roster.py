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
from ccsim.i18n import check_lang, tr
from ccsim.outputs.csvfiles import write_rows
from ccsim.outputs.jsondoc import dumps
from ccsim.outputs.notes import translate_note
from ccsim.outputs.report_text import _left, _right
from ccsim.outputs.schedule_text import tr_status
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


def format_week_plan(plan: WeekPlan, lang: str | None = None) -> str:
    """The weekly roster as text, in ``lang`` (en, zh): solver, cost against the
    baseline, the roster (agent × day), and the rounds with the intervals that
    missed the target."""
    lang = check_lang(lang)
    s = plan.roster.solver
    gap = "—" if s.get("gap") is None else f"{100 * s['gap']:.2f}%"
    dual = "—" if s.get("dual_bound") is None else f"{s['dual_bound']:,.2f}"
    lines = [
        tr("wroster.head", lang, name=plan.week.name, group=plan.group,
           source=plan.templates.source),
        tr("wroster.requirement", lang, source=translate_note(plan.requirement_source, lang)),
        tr("wroster.solver", lang, solver=s["solver"], status=tr_status(s["status"], lang),
           objective=f"{s['objective']:,.2f}", gap=gap, dual=dual, time=f"{s['time_s']:.1f}",
           variables=s["variables"], constraints=s["constraints"], classes=s["classes"]),
        *(tr("staff.note", lang, note=translate_note(n, lang)) for n in plan.notes),
        "",
    ]  # fmt: skip
    lines += _grid_lines(plan, lang)
    lines.append(_total_line(plan, lang))
    if plan.baseline is not None:
        lines.append(tr("wroster.baseline", lang, note=translate_note(plan.baseline_note, lang)))
    lines.append("")
    for r in plan.rounds:
        missed = ", ".join(f"{m.day} {m.start} ({100 * m.service_level:.1f}%)" for m in r.missed)
        lines.append(
            tr("sched.round", lang, n=r.number, cost=f"{r.cost:,.2f}", agents=r.agents,
               status=tr_status(r.solver_status, lang), missed=missed or tr("sched.none", lang))
        )  # fmt: skip
    if plan.result is not None:
        if plan.verified:
            lines.append(
                tr("wroster.verified", lang, n=plan.result.replications, seed=plan.result.seed)
            )
        else:
            lines.append(
                tr("wroster.not_verified", lang, rounds=len(plan.rounds), n=len(plan.missed))
            )
    return "\n".join(lines)


def _grid_lines(plan: WeekPlan, lang: str) -> list[str]:
    labels = [d.label for d in plan.week.days]
    off = tr("wroster.off", lang)
    head = _left(tr("wroster.col_agent", lang), 16) + "".join(_right(lab, 13) for lab in labels)
    head += _right(tr("wroster.col_hours", lang), 7) + _right(tr("wroster.col_cost", lang), 10)
    lines = [head]
    for row in roster_week_rows(plan):
        cells = "".join(_right(off if row[lab] == "off" else row[lab], 13) for lab in labels)
        numbers = f"{row['paid_hours']:>7g}{row['cost']:>10,.2f}"
        lines.append(f"{_left(row['agent'], 16)}{cells}{numbers}")
    return lines


def _total_line(plan: WeekPlan, lang: str) -> str:
    r, base = plan.roster, plan.baseline
    cost = f"{r.cost:,.2f}"
    out = tr("wroster.total", lang, agents=len(r.agents), shifts=len(r.shifts), cost=cost)
    if base is None:
        note = plan.baseline_note or "not built"
        return out + tr("wroster.total_no_base", lang, note=translate_note(note, lang))
    saved = (base.cost - r.cost) / base.cost if base.cost > 0 else 0.0
    return out + tr(
        "wroster.total_base", lang, agents=len(base.agents), shifts=len(base.shifts),
        cost=f"{base.cost:,.2f}", saved=f"{100 * saved:.1f}",
    )  # fmt: skip


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
