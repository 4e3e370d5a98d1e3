"""`ccsim schedule`: the cheapest shifts that cover the staffing requirement, checked
by simulation (docs/scheduling.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ccsim.cli.options import (
    add_batch_arguments,
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
        default=None,
        help="without --required: simulation-based staffing as ccsim staff finds it "
        "(default for a day), or Erlang C / A per interval (fast, misses where waiting "
        "carries over; default for a week)",
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
    from ccsim.scenario.week import is_week_file

    if is_week_file(args.scenario):  # a weekly roster (docs/scheduling.md, Weekly rosters)
        from ccsim.cli.commands._week_schedule import schedule_week_command

        return schedule_week_command(args)
    from ccsim.cli.options import plan_options
    from ccsim.planning.scheduling import (
        DEFAULT_GAP,
        choose_group,
        plan_schedule,
        read_requirement,
        to_json,
    )
    from ccsim.planning.shift_templates import ShiftTemplates
    from ccsim.scenario import load_scenario

    def read_required(templates: ShiftTemplates) -> Any:
        scenario = load_scenario(args.scenario)
        group = choose_group(scenario, templates, args.group)
        return read_requirement(args.required, scenario, group)

    options = plan_options(args, DEFAULT_GAP, "simulated", read_required)
    if options is None:
        return 2
    plan = plan_schedule(args.scenario, **options, out_dir=args.out)
    from ccsim.outputs.schedule_files import write_outputs
    from ccsim.outputs.schedule_text import format_plan

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
