"""``ccsim schedule`` on a week scenario (``horizon.days``): the weekly roster.

Not a command of its own (the leading underscore keeps it out of the command list):
``ccsim schedule`` hands a week file here (docs/scheduling.md, "Weekly rosters").
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["schedule_week_command"]


def schedule_week_command(args: argparse.Namespace) -> int:
    """Roster the week of ``args.scenario`` with ``args.templates``; print the roster
    (or ``--json``) and write the files with ``--out``."""
    from ccsim.cli.options import backend_from_args, print_written
    from ccsim.outputs.jsondoc import dumps
    from ccsim.outputs.week_roster import format_week_plan, week_plan_json, write_week_outputs
    from ccsim.planning.scheduling import choose_group
    from ccsim.planning.shift_templates import load_templates
    from ccsim.planning.week_plan import plan_week
    from ccsim.planning.week_problem import read_week_requirement
    from ccsim.scenario.week import load_week

    gap = 0.0 if args.gap is None else args.gap
    if not 0 <= gap < 1:
        print(f"error: --gap must be in [0, 1), got {gap}", file=sys.stderr)
        return 2
    templates = load_templates(args.templates)
    required = source = None
    if args.required is not None:
        week = load_week(args.scenario)
        choose_group(week.base, templates, args.group)
        required = read_week_requirement(args.required, week)
        source = f"from {args.required}"

    def say(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr)

    plan = plan_week(
        args.scenario,
        templates,
        group=args.group,
        required=required,
        requirement_source=source,
        requirement=args.requirement or "erlang",
        on_floor=True if args.on_floor else None,
        replications=args.reps,
        seed=args.seed,
        rounds=args.rounds,
        time_limit=args.time_limit,
        gap=gap,
        engine=args.engine,
        backend=backend_from_args(args),
        progress=say,
    )
    written = write_week_outputs(plan, args.out) if args.out else []
    if args.json:
        print(dumps(week_plan_json(plan)))
        return 0
    print(format_week_plan(plan))
    print_written(written, args.lang)
    return 0
