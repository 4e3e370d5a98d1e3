"""The `ccsim` command line: a thin shell over the library.

Heavy modules (numba kernels, SimPy, matplotlib) are imported inside the
commands, so `ccsim --help` and `ccsim validate` answer at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ccsim.scenario import ScenarioError, load_scenario

EXIT_BAD_INPUT = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccsim",
        description="Discrete-event simulation of a contact center's day.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="simulate a scenario and report its KPIs")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--reps", type=_positive_int, help="replications (default: the scenario's)")
    run.add_argument("--seed", type=_seed, help="root random seed (default: the scenario's)")
    run.add_argument("--out", type=Path, help="write CSV tables, JSON and the SL chart here")
    run.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    run.add_argument(
        "--trace",
        action="store_true",
        help="also write calls.csv in --out: every call of every replication (large)",
    )
    run.add_argument(
        "--engine",
        choices=("auto", "simpy", "fast"),
        help="simulation engine (default: the scenario's engine, else auto: the compiled "
        "engine when it supports the scenario, SimPy otherwise)",
    )
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check a scenario file and say what is wrong")
    val.add_argument("scenario", type=Path, nargs="+")
    val.set_defaults(func=cmd_validate)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if args.trace and not args.out:
        print("error: --trace writes calls.csv into --out DIR: give --out", file=sys.stderr)
        return EXIT_BAD_INPUT
    from ccsim.report import (
        behaviour_table,
        day_table,
        group_table,
        interval_table,
        ivr_table,
        to_json,
        uses_behaviours,
        write_outputs,
        write_trace,
    )
    from ccsim.runner import run

    result = run(
        scenario,
        replications=args.reps,
        seed=args.seed,
        engine=args.engine,
        keep_observations=args.trace,
    )
    written = write_outputs(result, args.out) if args.out else []
    if args.trace:
        written.append(write_trace(result, args.out / "calls.csv"))
    if args.json:
        print(json.dumps(to_json(result)))
        return 0
    print(day_table(result))
    print()
    if scenario.ivr is not None:
        print(ivr_table(result))
        print()
    if uses_behaviours(scenario):
        print(behaviour_table(result))
        print()
    print(interval_table(result))
    print()
    print(group_table(result))
    print()
    print(
        f"{result.n_calls:,} calls in {result.elapsed_s:.2f} s "
        f"({result.calls_per_second:,.0f} calls/s, {result.engine} engine)"
    )
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    for path in args.scenario:
        s = load_scenario(path)
        print(
            f"{path}: ok — {s.name!r}, {len(s.call_types)} call type(s), "
            f"{len(s.agent_groups)} agent group(s), {s.horizon.n_intervals} intervals"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as err:
        from ccsim.runner import EngineError

        if not isinstance(err, EngineError):
            raise
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `ccsim run … | head`: the reader has gone
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
