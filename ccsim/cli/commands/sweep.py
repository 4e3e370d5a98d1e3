"""``ccsim sweep``: a scenario over a grid of what-if values, on common random numbers."""

from __future__ import annotations

import argparse
from pathlib import Path

from ccsim.cli.options import (
    add_batch_arguments,
    backend_from_args,
    nonnegative_int,
    positive_int,
    print_written,
)
from ccsim.outputs.jsondoc import dumps
from ccsim.scenario.overrides import add_override_arguments


def add_command(sub: argparse._SubParsersAction) -> None:
    """The ``sweep`` subparser."""
    swp = sub.add_parser(
        "sweep",
        help="run a scenario over a grid of what-if values, on common random numbers",
        description="Run every point of the grid in SWEEP.yaml (docs/sweeps.md) with the "
        "same seed and replications, and report a KPI per point with its 95%% CI.",
    )
    swp.add_argument("sweep", type=Path, help="sweep YAML file")
    add_override_arguments(swp)  # on the base scenario, before each point's values
    swp.add_argument("--reps", type=positive_int, help="replications per point")
    swp.add_argument(
        "--seed", type=nonnegative_int, help="root random seed, the same for every point"
    )
    swp.add_argument("--kpi", help="the day KPI to show (default: the sweep's, service_level)")
    add_batch_arguments(swp)
    swp.add_argument("--out", type=Path, help="write sweep.csv, sweep.parquet and the chart")
    swp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    swp.add_argument(
        "--lang", choices=("en", "zh"), help="language of the table and chart (default: en)"
    )
    swp.set_defaults(func=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from ccsim.cli.commands._week import sweep_of_a_week, sweep_week_command

    week_spec = sweep_of_a_week(args.sweep)
    if week_spec is not None:
        return sweep_week_command(args, week_spec)
    from ccsim.batch.sweeps import sweep
    from ccsim.cli.progress import ProgressBar
    from ccsim.outputs.sweep import format_table, to_json, write_outputs
    from ccsim.scenario.overrides import parse_scale_arguments

    bar = ProgressBar(quiet=args.json)
    try:
        result = sweep(
            args.sweep,
            replications=args.reps,
            seed=args.seed,
            engine=args.engine,
            backend=backend_from_args(args),
            kpi=args.kpi,
            progress=bar,
            overrides=args.set,
            scale_arrivals=parse_scale_arguments(args.scale_arrivals),
        )
    finally:
        bar.close()
    written, notes = write_outputs(result, args.out, args.lang) if args.out else ([], [])
    if args.json:
        print(dumps(to_json(result)))
        return 0
    print(format_table(result, args.lang))
    for note in notes:
        print(note)
    print_written(written, args.lang)
    return 0
