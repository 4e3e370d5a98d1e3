"""``ccsim schedule``'s answer as text, in the user's language: the solver, the chosen
shifts, coverage and service level per interval, and the rounds (`format_plan`)."""

from __future__ import annotations

from ccsim.i18n import MESSAGES, check_lang, tr
from ccsim.outputs.notes import translate_note
from ccsim.outputs.report import _left, _right, _width, format_value
from ccsim.units import format_duration

__all__ = ["format_plan", "tr_status"]


def format_plan(plan, lang: str | None = None) -> str:
    """The schedule as text: solver, chosen shifts, coverage and SL per interval,
    rounds; in ``lang`` (en, zh)."""

    lang = check_lang(lang)
    s = plan.schedule.solver
    gap = "—" if s.get("gap") is None else f"{100 * s['gap']:.2f}%"
    lines = [
        tr("sched.head", lang, name=plan.scenario.name, group=plan.group,
           source=plan.templates.source),
        tr("sched.requirement", lang, source=translate_note(plan.requirement_source, lang),
           slot=format_duration(plan.slot)),
        tr("sched.solver", lang, solver=s["solver"], status=tr_status(s["status"], lang),
           objective=format_value(s["objective"], "money"), gap=gap, time=f"{s['time_s']:.2f}",
           variables=s["variables"], constraints=s["constraints"]),
        *(tr("staff.note", lang, note=translate_note(n, lang)) for n in plan.notes),
        "",
    ]  # fmt: skip
    lines += _shift_lines(plan, lang)
    lines += _coverage_lines(plan, lang)
    lines += _round_lines(plan, lang)
    return "\n".join(lines)


def tr_status(status: str, lang: str) -> str:
    """The solver's status (optimal, time limit …) in ``lang``."""

    return MESSAGES.get(f"sched.status_{status.replace(' ', '_')}", {}).get(lang, status)


def _shift_lines(plan, lang: str) -> list[str]:
    heads = [tr(f"sched.col_{c}", lang) for c in ("template", "start", "end", "breaks",
                                                   "agents", "cost")]  # fmt: skip
    unpaid = tr("sched.unpaid", lang)
    lines = [
        f"{_left(heads[0], 14)} {_right(heads[1], 5)} {_right(heads[2], 5)}  "
        f"{_left(heads[3], 44)} {_right(heads[4], 6)} {_right(heads[5], 10)}"
    ]
    for row in plan.shifts_df().itertuples():
        breaks = row.breaks.replace(" unpaid", f" {unpaid}") if lang != "en" else row.breaks
        lines.append(
            f"{_left(row.template, 14)} {row.start:>5} {row.end:>5}  {_left(breaks, 44)}"
            f" {row.agents:>6} {format_value(row.cost, 'money'):>10}"
        )
    base = plan.baseline
    saving = (base.cost - plan.schedule.cost) / base.cost if base.cost > 0 else 0.0
    lines += [
        tr("sched.total", lang, agents=plan.schedule.agents,
           cost=format_value(plan.schedule.cost, "money"), base_agents=base.agents,
           base_cost=format_value(base.cost, "money"), saved=f"{100 * saving:.1f}"),
        "",
    ]  # fmt: skip
    return lines


def _coverage_lines(plan, lang: str) -> list[str]:

    cov = plan.coverage_df()
    sim = "service_level" in cov
    # coverage: scheduled = on shift, available = on the floor; over/under = available − required
    names = ["interval", "required", "planned", "scheduled", "available", "over_under"]
    names += ["sl", "ci", "target"] if sim else []
    heads = [tr(f"sched.col_{c}", lang) for c in names]
    defaults = (8, 8, 7, 9, 9, 10, 6, 16, 6)
    widths = [max(w, _width(h)) for w, h in zip(defaults, heads, strict=False)]
    seps = (" ", " ", " ", " ", " ", "  ", " ", " ", "")

    def line(cells: list[str]) -> str:
        return "".join(
            (_left(c, w) if i >= 7 else _right(c, w)) + seps[i]
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ).rstrip()

    lines = [line(heads)]
    met, missed = tr("sched.met", lang), tr("sched.missed", lang)
    for row in cov.to_dict("records"):
        cells = [row["interval"], str(row["required"]), str(row["planned"]),
                 f"{row['scheduled_agents']:.1f}", f"{row['available_agents']:.1f}",
                 f"{row['over_under']:+.1f}"]  # fmt: skip
        if sim:
            low, high = (
                format_value(row[k], "pct")
                for k in ("service_level_ci_low", "service_level_ci_high")
            )
            cells += [format_value(row["service_level"], "pct"), f"[{low}, {high}]",
                      met if row["meets_target"] else missed]  # fmt: skip
        lines.append(line(cells))
    lines.append("")
    return lines


def _round_lines(plan, lang: str) -> list[str]:

    lines = []
    for r in plan.rounds:
        missed = ", ".join(r.missed) if r.missed else tr("sched.none", lang)
        lines.append(
            tr("sched.round", lang, n=r.number, cost=format_value(r.cost, "money"),
               agents=r.agents, status=tr_status(r.solver_status, lang), missed=missed)
        )  # fmt: skip
    if plan.result is None:
        pass
    elif plan.verified:
        lines.append(tr("sched.verified", lang, n=plan.result.replications, seed=plan.result.seed))
    else:
        lines.append(
            tr("sched.not_verified", lang, rounds=len(plan.rounds), missed=", ".join(plan.missed))
        )
    return lines
