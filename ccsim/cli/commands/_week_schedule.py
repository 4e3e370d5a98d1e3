"""``ccsim schedule`` on a week scenario (``horizon.days``): the weekly roster.

Not a command of its own (the leading underscore keeps it out of the command list):
``ccsim schedule`` hands a week file here (docs/scheduling.md, "Weekly rosters").
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["schedule_week_command"]


def schedule_week_command(args: argparse.Namespace) -> int:
    """Roster the week of ``args.scenario`` with ``args.templates``; print the roster
    (or ``--json``) and write the files with ``--out``."""
    from ccsim.cli.options import plan_options, print_written
    from ccsim.outputs.jsondoc import dumps
    from ccsim.outputs.week_roster import format_week_plan, week_plan_json, write_week_outputs
    from ccsim.planning.scheduling import choose_group
    from ccsim.planning.shift_templates import ShiftTemplates
    from ccsim.planning.week_plan import plan_week
    from ccsim.planning.week_problem import read_week_requirement
    from ccsim.scenario.week import load_week

    def read_required(templates: ShiftTemplates) -> Any:
        week = load_week(args.scenario)
        choose_group(week.base, templates, args.group)
        return read_week_requirement(args.required, week)

    options = plan_options(args, 0.0, "erlang", read_required)
    if options is None:
        return 2
    plan = plan_week(args.scenario, **options)
    written = write_week_outputs(plan, args.out) if args.out else []
    if args.json:
        print(dumps(week_plan_json(plan)))
        return 0
    print(format_week_plan(plan, args.lang))
    print_written(written, args.lang)
    return 0
