"""`ccsim schedule`: the cheapest shifts that cover the staffing requirement, checked
by simulation (docs/scheduling.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ccsim.cli import (
    add_batch_arguments,
    backend_from_args,
    nonnegative_int,
    positive_float,
    positive_int,
)


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
    p.set_defaults(func=cmd_schedule)


def cmd_schedule(args: argparse.Namespace) -> int:
    from ccsim.scenario import load_scenario
    from ccsim.scheduling import (
        DEFAULT_GAP,
        choose_group,
        plan_schedule,
        read_requirement,
        to_json,
        write_outputs,
    )
    from ccsim.shift_templates import load_templates

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
    written = [args.out / "scheduled.yaml", *write_outputs(plan, args.out)] if args.out else []
    if args.json:
        print(json.dumps(to_json(plan)))
        return 0
    print(format_plan(plan))
    for path in written:
        print(f"wrote {path}")
    return 0


def format_plan(plan) -> str:
    """The schedule as text: solver, chosen shifts, coverage and SL per interval, rounds."""
    from ccsim.report import format_value
    from ccsim.units import format_duration

    s = plan.schedule.solver
    gap = "—" if s.get("gap") is None else f"{100 * s['gap']:.2f}%"
    lines = [
        f"{plan.scenario.name}: shifts for group {plan.group} from {plan.templates.source}",
        f"requirement: {plan.requirement_source}; time grid {format_duration(plan.slot)}",
        f"solver: {s['solver']}, {s['status']}, objective {format_value(s['objective'], 'money')},"
        f" gap {gap}, {s['time_s']:.2f} s, {s['variables']} variables,"
        f" {s['constraints']} constraints",
        *(f"note: {n}" for n in plan.notes),
        "",
    ]
    shifts = plan.shifts_df()
    lines.append(
        f"{'template':<14} {'start':>5} {'end':>5}  {'breaks':<44} {'agents':>6} {'cost':>10}"
    )
    for row in shifts.itertuples():
        lines.append(
            f"{row.template:<14} {row.start:>5} {row.end:>5}  {row.breaks:<44} {row.agents:>6}"
            f" {format_value(row.cost, 'money'):>10}"
        )
    base = plan.baseline
    saving = (base.cost - plan.schedule.cost) / base.cost if base.cost > 0 else 0.0
    lines += [
        f"total: {plan.schedule.agents} agents, cost {format_value(plan.schedule.cost, 'money')}"
        f" (baseline, full-time shifts placed greedily: {base.agents} agents,"
        f" {format_value(base.cost, 'money')}; {100 * saving:.1f}% saved)",
        "",
    ]
    cov = plan.coverage_df()
    sim = "service_level" in cov
    # coverage: scheduled = on shift, available = on the floor; over/under = available − required
    header = (
        f"{'interval':>8} {'required':>8} {'planned':>7} {'scheduled':>9} {'available':>9}"
        f" {'over/under':>10}"
    )
    if sim:
        header += f"  {'SL':>6} {'95% CI':<16} {'target':<6}"
    lines.append(header)
    for row in cov.to_dict("records"):
        text = (
            f"{row['interval']:>8} {row['required']:>8} {row['planned']:>7}"
            f" {row['scheduled_agents']:>9.1f} {row['available_agents']:>9.1f}"
            f" {row['over_under']:>+10.1f}"
        )
        if sim:
            low, high = (
                format_value(row[k], "pct")
                for k in ("service_level_ci_low", "service_level_ci_high")
            )
            ci = f"[{low}, {high}]"
            mark = "met" if row["meets_target"] else "MISSED"
            text += f"  {format_value(row['service_level'], 'pct'):>6} {ci:<16} {mark:<6}"
        lines.append(text)
    lines.append("")
    for r in plan.rounds:
        missed = ", ".join(r.missed) if r.missed else "none"
        lines.append(
            f"round {r.number}: cost {format_value(r.cost, 'money')}, {r.agents} agents,"
            f" solver {r.solver_status}; below target: {missed}"
        )
    if plan.result is None:
        pass
    elif plan.verified:
        lines.append(
            f"verified: the simulation ({plan.result.replications} replications, seed"
            f" {plan.result.seed}) meets the target in every interval"
        )
    else:
        lines.append(
            f"NOT verified: after {len(plan.rounds)} round(s) the simulation still misses the"
            f" target at {', '.join(plan.missed)} (try --rounds, or more replications)"
        )
    return "\n".join(lines)
