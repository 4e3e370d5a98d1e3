"""`ccsim schedule`: the cheapest shifts that cover the staffing requirement, checked
by simulation (docs/scheduling.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.cli.options import (
    add_batch_arguments,
    backend_from_args,
    nonnegative_int,
    positive_float,
    positive_int,
)
from ccsim.outputs.jsondoc import dumps


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schedule",
        help="choose shifts (template, start, breaks) that cover the requirement at least cost",
        description="Choose how many agents work each shift template at each start, and "
        "when each takes each break, so that the agents on the floor cover the requirement "
        "in every interval at the least cost (an integer program, HiGHS). Then write the "
        "scenario with those shifts, simulate it, and add coverage where an interval misses "
        "the service-level target, for up to --rounds rounds.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument("--templates", type=Path, required=True, help="shift templates YAML file")
    p.add_argument(
        "--required",
        type=Path,
        metavar="FILE.csv",
        help="agents required per interval: columns start, required_agents (or agents), "
        "optionally group, e.g. ccsim staff's staffing.csv (default: see --requirement)",
    )
    p.add_argument(
        "--requirement",
        choices=("simulated", "erlang"),
        default="simulated",
        help="without --required: simulation-based staffing as ccsim staff finds it "
        "(default), or Erlang C / A per interval (fast, misses where waiting carries over)",
    )
    p.add_argument(
        "--on-floor",
        action="store_true",
        help="the --required numbers are agents on the floor: gross them up for the group's "
        "shrinkage and absences (default: scheduled agents, as ccsim staff finds them)",
    )
    p.add_argument("--group", help="the agent group to schedule (default: the templates' group)")
    p.add_argument("--reps", type=positive_int, help="replications (default: the scenario's)")
    p.add_argument(
        "--seed", type=nonnegative_int, help="root random seed (default: the scenario's)"
    )
    p.add_argument(
        "--rounds",
        type=positive_int,
        default=3,
        help="solve-and-simulate rounds at most (default 3; 1: no repair)",
    )
    p.add_argument(
        "--time-limit",
        type=positive_float,
        default=60.0,
        metavar="SECONDS",
        help="the solver's time limit per round (default 60)",
    )
    p.add_argument(
        "--gap",
        type=float,
        default=None,
        metavar="FRACTION",
        help="stop once the cost is proven within this relative gap (default 0.01; 0: optimal)",
    )
    add_batch_arguments(p)
    p.add_argument(
        "--out",
        type=Path,
        help="write scheduled.yaml, shifts.csv, coverage.csv, schedule.json, coverage.png",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument(
        "--lang", choices=("en", "zh"), help="language of the table and chart (default: en)"
    )
    p.set_defaults(func=cmd_schedule)


def cmd_schedule(args: argparse.Namespace) -> int:
    from ccsim.planning.scheduling import (
        DEFAULT_GAP,
        choose_group,
        plan_schedule,
        read_requirement,
        to_json,
        write_outputs,
    )
    from ccsim.planning.shift_templates import load_templates
    from ccsim.scenario import load_scenario

    gap = DEFAULT_GAP if args.gap is None else args.gap
    if not 0 <= gap < 1:
        print(f"error: --gap must be in [0, 1), got {gap}", file=sys.stderr)
        return 2
    templates = load_templates(args.templates)
    required = source = None
    if args.required is not None:
        scenario = load_scenario(args.scenario)
        group = choose_group(scenario, templates, args.group)
        required = read_requirement(args.required, scenario, group)
        source = f"from {args.required}"

    def say(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr)

    plan = plan_schedule(
        args.scenario,
        templates,
        group=args.group,
        required=required,
        requirement_source=source,
        requirement=args.requirement,
        on_floor=True if args.on_floor else None,
        replications=args.reps,
        seed=args.seed,
        rounds=args.rounds,
        time_limit=args.time_limit,
        gap=gap,
        out_dir=args.out,
        engine=args.engine,
        backend=backend_from_args(args),
        progress=say,
    )
    written = (
        [args.out / "scheduled.yaml", *write_outputs(plan, args.out, args.lang)] if args.out else []
    )
    if args.json:
        print(dumps(to_json(plan)))
        return 0
    from ccsim.cli.options import print_written

    print(format_plan(plan, args.lang))
    print_written(written, args.lang)
    return 0


def format_plan(plan, lang: str | None = None) -> str:
    """The schedule as text: solver, chosen shifts, coverage and SL per interval,
    rounds; in ``lang`` (en, zh)."""
    from ccsim.i18n import check_lang, tr
    from ccsim.outputs.notes import translate_note
    from ccsim.outputs.report import format_value
    from ccsim.units import format_duration

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
    from ccsim.i18n import MESSAGES

    return MESSAGES.get(f"sched.status_{status.replace(' ', '_')}", {}).get(lang, status)


def _shift_lines(plan, lang: str) -> list[str]:
    from ccsim.i18n import tr
    from ccsim.outputs.report import _left, _right, format_value

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
    from ccsim.i18n import tr
    from ccsim.outputs.report import _left, _right, _width, format_value

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
    from ccsim.i18n import tr
    from ccsim.outputs.report import format_value

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
