"""``ccsim run``: simulate a scenario (a day or a week) and report its KPIs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.cli.options import (
    EXIT_BAD_INPUT,
    add_batch_arguments,
    backend_from_args,
    nonnegative_int,
    positive_float,
    positive_int,
    print_written,
)
from ccsim.outputs.jsondoc import dumps
from ccsim.scenario.overrides import add_override_arguments

if TYPE_CHECKING:
    from ccsim.batch.result import RunResult
    from ccsim.batch.runner import Precision
    from ccsim.scenario.model import Scenario


def add_command(sub: argparse._SubParsersAction) -> None:
    """The ``run`` subparser."""
    run = sub.add_parser("run", help="simulate a scenario and report its KPIs")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    add_override_arguments(run)
    run.add_argument("--reps", type=positive_int, help="replications (default: the scenario's)")
    run.add_argument(
        "--seed", type=nonnegative_int, help="root random seed (default: the scenario's)"
    )
    run.add_argument("--out", type=Path, help="write CSV tables, JSON and the SL chart here")
    run.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    run.add_argument(
        "--no-charts",
        dest="charts",
        action="store_false",
        help="with --out, write the tables and JSON but not the PNG charts (batch work)",
    )
    run.add_argument(
        "--trace",
        action="store_true",
        help="also write calls.csv in --out: every call of every replication (large)",
    )
    add_batch_arguments(run)
    run.add_argument(
        "--resume",
        action="store_true",
        help="continue the batch stored in --out: run only the replications not yet done",
    )
    run.add_argument(
        "--precision",
        type=positive_float,
        metavar="HALF_WIDTH",
        help="run replications until the 95%% CI half-width of --precision-kpi is at most "
        "this (e.g. 0.005 for ±0.5 points of SL)",
    )
    run.add_argument(
        "--precision-kpi",
        default="service_level",
        metavar="KPI",
        help="the day KPI --precision is about (default: service_level)",
    )
    run.add_argument(
        "--max-reps",
        type=positive_int,
        default=1000,
        help="with --precision, stop at this many replications (default 1000)",
    )
    run.add_argument(
        "--lang",
        choices=("en", "zh"),
        help="language of the tables and charts (default: the scenario's lang, else en)",
    )
    run.add_argument(
        "--required",
        type=Path,
        metavar="FILE.csv",
        help="agents required per interval (ccsim staff's staffing.csv): adds required and "
        "over/under staffing to the interval outputs and the staffing chart",
    )
    run.add_argument(
        "--queue",
        metavar="NAME",
        help="show only this queue's (call type's) interval table (default: every queue's)",
    )
    run.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """Run the scenario (or week) in ``args`` and print and write its results."""
    from ccsim.cli.commands._week import is_week_file, run_week_command

    if is_week_file(args.scenario):
        return run_week_command(args)
    from ccsim.scenario.overrides import scenario_from_args

    scenario = scenario_from_args(args)
    required = None
    if getattr(args, "required", None):
        from ccsim.planning.staffing import read_requirement

        required = read_requirement(args.required, scenario)
    error = _argument_error(args, scenario)
    if error is not None:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    from ccsim.batch.runner import Precision

    precision = None
    if args.precision is not None:
        try:
            precision = Precision(args.precision, args.precision_kpi, args.max_reps)
        except ValueError as err:
            print(f"error: --precision-kpi: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
    result = _simulate(args, scenario, precision)
    if required is not None:
        from ccsim.planning.staffing import with_required

        result = with_required(result, required)
    written = _write(args, result)
    if args.json:
        from ccsim.outputs.report import to_json

        print(dumps(to_json(result)))
        return 0
    _print_tables(args, scenario, result)
    if result.resumed:
        print(f"{result.resumed} replication(s) read back from {args.out}, the rest run now")
    print_written(written, args.lang or getattr(scenario, "lang", None))
    return 0


def _argument_error(args: argparse.Namespace, scenario: Scenario) -> str | None:
    """The error line for options that do not go together, or None."""
    if args.trace and not args.out:
        return "error: --trace writes calls.csv into --out DIR: give --out"
    names = [c.name for c in scenario.call_types]
    if args.queue is not None and args.queue not in names:
        return f"error: --queue: no call type {args.queue!r}; the scenario has {', '.join(names)}"
    if args.resume and not args.out:
        return "error: --resume continues the batch kept in --out DIR: give --out"
    if args.resume and args.trace:
        return "error: --trace needs every replication run now: not with --resume"
    return None


def _simulate(
    args: argparse.Namespace, scenario: Scenario, precision: Precision | None
) -> RunResult:
    """Run the replications with a progress bar; on Ctrl-C say how to resume."""
    from ccsim.batch.replication import fallback_notice
    from ccsim.batch.runner import run
    from ccsim.cli.progress import ProgressBar

    notice = fallback_notice(scenario, args.engine)
    if notice:
        print(notice, file=sys.stderr)
    bar = ProgressBar(quiet=args.json)
    try:
        result = run(
            scenario,
            replications=args.reps,
            seed=args.seed,
            engine=args.engine,
            keep_observations=args.trace,
            backend=backend_from_args(args, small_in_process=True),
            out=args.out,
            resume=args.resume,
            precision=precision,
            progress=bar,
            notify=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except KeyboardInterrupt:
        bar.close()
        if args.out:
            print(
                f"interrupted: the finished replications are kept in {args.out}; "
                "run the same command with --resume to continue",
                file=sys.stderr,
            )
        raise
    bar.close()
    return result


def _write(args: argparse.Namespace, result: RunResult) -> list:
    """Write the ``--out`` files (and ``--trace``'s calls.csv); the paths written."""
    from ccsim.outputs.report import write_outputs, write_trace

    written = write_outputs(result, args.out, args.lang, charts=args.charts) if args.out else []
    if args.trace:
        written.append(write_trace(result, args.out / "calls.csv"))
    return written


def _print_tables(args: argparse.Namespace, scenario: Scenario, result: RunResult) -> None:
    """Print the day, IVR, behaviour, interval, queue and group tables and the footer."""
    from ccsim.outputs.report import (
        behaviour_table,
        day_table,
        group_table,
        interval_table,
        ivr_table,
        run_footer,
        uses_behaviours,
    )

    print(day_table(result, args.lang))
    print()
    if scenario.ivr is not None:
        print(ivr_table(result, args.lang))
        print()
    if uses_behaviours(scenario):
        print(behaviour_table(result, args.lang))
        print()
    print(interval_table(result, args.lang))
    print()
    if len(scenario.call_types) > 1 or args.queue:
        from ccsim.outputs.queues import queue_tables

        print(queue_tables(result, args.queue, args.lang))
        print()
    print(group_table(result, args.lang))
    print()
    print(run_footer(result, args.lang))
