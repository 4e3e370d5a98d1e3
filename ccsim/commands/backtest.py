"""`ccsim backtest`: a scenario's simulated KPIs beside those measured in a day of a
call log, per interval and for the day (docs/calibration.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.cli import EXIT_BAD_INPUT, nonnegative_int, positive_int
from ccsim.outputs.jsondoc import dumps


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backtest",
        help="compare a scenario's simulated KPIs with those measured in a call log",
        description="Measure SL, ASA, abandon rate and answered calls per interval in a "
        "day of a call-by-call log (the same definitions as `ccsim run`: the scenario's SL "
        "definition and threshold, a call in the interval it joined the queue), simulate "
        "the scenario, and report the error per interval and for the day, and whether each "
        "measured value lies within the replications' 95 % range.",
    )
    p.add_argument("log", type=Path, help="call log CSV")
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument("--reps", type=positive_int, help="replications (default: the scenario's)")
    p.add_argument("--seed", type=nonnegative_int, help="root random seed")
    p.add_argument(
        "--day",
        type=nonnegative_int,
        help="which day of a several-day log (0 = the first; required then)",
    )
    p.add_argument("--columns", metavar="FIELD=COLUMN,…", help="as for `ccsim calibrate`")
    p.add_argument("--time-format", default="auto", help="as for `ccsim calibrate`")
    p.add_argument(
        "--skip-bad-rows", action="store_true", help="skip unreadable rows (and say how many)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=cmd_backtest)


def cmd_backtest(args: argparse.Namespace) -> int:
    from ccsim.backtest import backtest, format_backtest
    from ccsim.calllog import parse_columns, read_call_log
    from ccsim.scenario import load_scenario

    try:
        columns = parse_columns(args.columns)
    except ValueError as err:
        print(f"error: --columns: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario = load_scenario(args.scenario)
    log = read_call_log(args.log, columns, args.time_format, args.skip_bad_rows)
    if log.skipped:
        print(log.describe_skipped(), file=sys.stderr)
    try:
        bt = backtest(log, scenario, args.reps, args.seed, args.day)
    except ValueError as err:
        print(f"error: {args.log}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(dumps(bt) if args.json else format_backtest(bt))
    return 0
