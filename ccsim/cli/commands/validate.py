"""``ccsim validate``: check scenario files and say what is wrong."""

from __future__ import annotations

import argparse
from pathlib import Path

from ccsim.scenario import load_scenario


def add_command(sub: argparse._SubParsersAction) -> None:
    """The ``validate`` subparser."""
    val = sub.add_parser("validate", help="check a scenario file and say what is wrong")
    val.add_argument("scenario", type=Path, nargs="+")
    val.add_argument("--lang", choices=("en", "zh"), help="language of the answer (default: en)")
    val.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from ccsim.i18n import tr

    for path in args.scenario:
        from ccsim.cli.commands._week import describe_week, is_week_file

        if is_week_file(path):
            print(describe_week(path))
            continue
        s = load_scenario(path)
        print(
            tr(
                "cli.valid",
                args.lang or "en",
                path=path,
                name=s.name,
                types=len(s.call_types),
                groups=len(s.agent_groups),
                intervals=s.horizon.n_intervals,
            )
        )
    return 0
