"""`ccsim staff`: the fewest agents per interval that meet the SL target, Erlang
corrected by simulation (docs/staffing.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.cli.options import add_batch_arguments, backend_from_args, nonnegative_int, positive_int
from ccsim.outputs.jsondoc import dumps
from ccsim.planning.staffing_goal import MIN_REPLICATIONS
from ccsim.scenario.overrides import add_override_arguments


def _target(text: str) -> tuple[float, float]:
    from ccsim.planning.staffing import parse_target

    try:
        return parse_target(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _fraction(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100.0 if text.endswith("%") else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a fraction such as 0.05, got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text!r}")
    return value


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "staff",
        help="the fewest agents per interval meeting the SL target: Erlang, corrected by "
        "simulation",
        description="Find, per planning interval (and agent group), the fewest agents such "
        "that the interval meets the service-level target: start from Erlang C / A per "
        "interval, then simulate the day on common random numbers, add agents where an "
        "interval misses and remove them where it still meets the target, until nothing "
        "changes. Prints the Erlang answer beside the simulated one.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument(
        "--target",
        type=_target,
        metavar="SL/SECONDS",
        help="the service-level target, e.g. 80/20 (default: the scenario's)",
    )
    p.add_argument(
        "--max-abandon",
        type=_fraction,
        metavar="FRACTION",
        help="also keep each interval's abandon rate at most this, e.g. 0.05",
    )
    p.add_argument(
        "--confidence",
        type=_fraction,
        metavar="P",
        help="meet the target in at least this share of replications (default: in "
        "expectation, the mean over replications)",
    )
    add_override_arguments(p)
    p.add_argument(
        "--reps",
        type=positive_int,
        help=f"replications per simulation (default: the scenario's, at least {MIN_REPLICATIONS})",
    )
    p.add_argument(
        "--seed", type=nonnegative_int, help="root random seed, the same for every simulation"
    )
    p.add_argument(
        "--max-iterations",
        type=positive_int,
        default=50,
        help="stop the search after this many steps (default 50)",
    )
    add_batch_arguments(p)
    p.add_argument(
        "--out",
        type=Path,
        help="write staffing.csv, staffing.json, staffing.png and staffed.yaml here",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument(
        "--lang", choices=("en", "zh"), help="language of the table and chart (default: en)"
    )
    p.set_defaults(func=cmd_staff)


def cmd_staff(args: argparse.Namespace) -> int:
    from ccsim.cli.commands._week import is_week_file

    if is_week_file(args.scenario):
        from ccsim.cli.commands._week_staff import staff_week_command

        return staff_week_command(args)
    from ccsim.planning.staffing import StaffingGoal, find_staffing
    from ccsim.scenario.overrides import scenario_from_args

    scenario = scenario_from_args(args)
    level, threshold = args.target if args.target else (None, None)
    try:
        goal = StaffingGoal.of(
            scenario,
            target=level,
            threshold=threshold,
            max_abandon=args.max_abandon,
            confidence=args.confidence,
        )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    reps = args.reps or max(scenario.replications, MIN_REPLICATIONS)
    if args.out:
        _staffed_doc(args, scenario, {})  # a file that cannot be written fails before the search

    def say(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr)

    found = find_staffing(
        scenario,
        goal,
        replications=reps,
        seed=args.seed,
        engine=args.engine,
        backend=backend_from_args(args),
        max_iterations=args.max_iterations,
        progress=say,
    )
    written = _write(found, args) if args.out else []
    from ccsim.outputs.staffing_text import staffing_text, to_json

    if args.json:
        print(dumps(to_json(found)))
        return 0
    from ccsim.cli.options import print_written

    print(staffing_text(found, args.lang))
    print_written(written, args.lang)
    return 0


def _staffed_doc(args: argparse.Namespace, scenario, lines: dict) -> dict:
    """staffed.yaml's data: the scenario file with the --set overrides and ``lines``."""
    from ccsim.planning.staffing import staffed_document
    from ccsim.scenario.overrides import ScenarioSource, apply_override, overrides_from

    source = ScenarioSource.read(args.scenario)
    data = source.data
    for override in overrides_from(args.set or []):
        apply_override(data, override)
    return staffed_document(
        data,
        scenario,
        lines,
        base_dir=source.base_dir,
        out_dir=args.out,
        scaled=bool(args.scale_arrivals),
    )


def _write(found, args: argparse.Namespace) -> list[Path]:
    """The files of --out (`ccsim.outputs.staffing_files`), staffed.yaml with the
    scenario file's --set overrides."""
    from ccsim.outputs.staffing_files import staffed_lines, write_outputs

    staffed = _staffed_doc(args, found.scenario, staffed_lines(found))
    return write_outputs(found, args.out, staffed, args.lang)
