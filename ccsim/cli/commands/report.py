"""``ccsim report``: one self-contained HTML report, from a scenario or a results folder.

    ccsim report scenarios/bank_multiskill.yaml --reps 20 --lang zh -o bank.html
    ccsim report results/bank -o bank.html      # what `ccsim run --out results/bank` wrote

From a scenario the run happens first (same options as ``ccsim run``); from a results
folder nothing is simulated: the report shows that run's numbers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.cli.options import (
    EXIT_BAD_INPUT,
    add_batch_arguments,
    backend_from_args,
    nonnegative_int,
    positive_int,
)
from ccsim.i18n import LANGS
from ccsim.scenario.overrides import add_override_arguments

#: Keep every call of a run (about 100 bytes each) for the waiting-time chart up to
#: this many expected calls; above it, the chart shows each replication's percentiles.
KEEP_CALLS = 2_000_000

#: ``--compare`` without a file: the alternative is the scenario with the overrides.
_CHANGED = object()

#: Options that run a simulation: meaningless with a results folder.
_RUN_OPTIONS = ("reps", "seed", "engine", "compare", "set", "scale_arrivals")


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write one self-contained HTML report (charts embedded, prints on A4)",
        description="Run SCENARIO.yaml and write its report, or write the report of the run "
        "that `ccsim run --out DIR` stored in DIR (without simulating again). The report is "
        "one HTML file with no external link: scenario, assumptions, day KPIs with 95%% CIs, "
        "SL risk, tables per interval, call type and agent group, cost, and the charts.",
    )
    p.add_argument("input", type=Path, metavar="SCENARIO.yaml|RESULTS_DIR")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        help="the HTML file (default: report.html here; in RESULTS_DIR for a folder)",
    )
    p.add_argument(
        "--lang",
        choices=LANGS,
        help="the report's language (default: the scenario's lang, else en)",
    )
    add_override_arguments(p)
    p.add_argument("--reps", type=positive_int, help="replications (default: the scenario's)")
    p.add_argument(
        "--seed", type=nonnegative_int, help="root random seed (default: the scenario's)"
    )
    add_batch_arguments(p)
    p.add_argument(
        "--compare",
        nargs="?",
        const=_CHANGED,
        type=Path,
        metavar="ALT.yaml",
        help="also run an alternative on the same random numbers and add the paired "
        "differences: ALT.yaml, or (without it) SCENARIO changed by --set / "
        "--scale-arrivals; as in ccsim compare, the changes go to the alternative",
    )
    p.add_argument(
        "--scenario",
        type=Path,
        metavar="FILE",
        help="with RESULTS_DIR written before scenario.json existed: the scenario it ran",
    )
    p.set_defaults(func=cmd_report)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_report(args: argparse.Namespace) -> int:
    from ccsim.cli.commands._week import is_week_file, week_report_command

    if (args.input / "week.json").is_file() or (args.input.is_file() and is_week_file(args.input)):
        return week_report_command(args)
    if args.input.is_dir() and (args.input / "backtest.json").is_file():
        return _backtest_report(args)
    if args.input.is_dir():
        given = [f"--{o.replace('_', '-')}" for o in _RUN_OPTIONS if getattr(args, o, None)]
        if given:
            return _fail(
                f"{', '.join(given)}: a results folder is reported as it was run; "
                "give the scenario file to run it again"
            )
        from ccsim.batch.results import ResultsError, load_results
        from ccsim.scenario import load_scenario

        scenario = load_scenario(args.scenario) if args.scenario else None
        try:
            result = load_results(args.input, scenario)
        except ResultsError as err:
            return _fail(str(err))
        comparison = None
        calls = _traced_calls(args.input)
        output = args.output or args.input / "report.html"
    elif args.input.is_file() or args.input.suffix in (".yaml", ".yml"):
        if args.scenario:
            return _fail("--scenario goes with a results folder; here the scenario is the input")
        if args.output is not None and not args.output.parent.is_dir():  # before the run
            return _fail(f"cannot write {args.output}: no folder {args.output.parent}")
        result, comparison = _run(args)
        calls = None
        output = args.output or Path("report.html")
    else:
        return _fail(f"{args.input}: no such scenario file or results folder")

    from ccsim.outputs.html_report import write_report

    lang = args.lang or getattr(result.scenario, "lang", None) or "en"
    try:
        path = write_report(result, output, lang=lang, comparison=comparison, calls=calls)
    except OSError as err:
        return _fail(f"cannot write {output}: {err.strerror or err}")
    from ccsim.cli.options import print_written

    print_written([path], lang)
    return 0


def _backtest_report(args: argparse.Namespace) -> int:
    """The report of a folder `ccsim backtest --out DIR` wrote."""
    import json

    from ccsim.outputs.backtest_html import write_backtest_html

    output = args.output or args.input / "report.html"
    try:
        bt = json.loads((args.input / "backtest.json").read_text())
        path = write_backtest_html(bt, output)
    except (OSError, ValueError, KeyError) as err:
        return _fail(f"cannot report the back-test in {args.input}: {err}")
    print(f"wrote {path}")
    return 0


def _traced_calls(folder: Path):
    """The folder's ``calls.csv`` (``ccsim run --trace``), the columns charts read, or
    None (without it, or unreadable: the charts then use each replication's figures)."""
    from ccsim.charts.files import CALLS_COLUMNS, CALLS_FILE

    path = folder / CALLS_FILE
    if not path.is_file():
        return None
    import pandas as pd

    try:
        return pd.read_csv(path, usecols=CALLS_COLUMNS, encoding="utf-8-sig")
    except (ValueError, OSError) as err:
        print(f"note: {path} not used ({err})", file=sys.stderr)
        return None


def _run(args: argparse.Namespace):
    """Run the scenario (and the alternative of ``--compare``): the result to report and
    the comparison, or None."""
    from ccsim.cli.progress import ProgressBar
    from ccsim.scenario.overrides import scenario_from_args

    backend = backend_from_args(args, small_in_process=args.compare is None)
    if args.compare is not None:
        return _compare(args, backend)
    from ccsim.batch.runner import run

    scenario = scenario_from_args(args, args.input)

    reps = args.reps or scenario.replications
    bar = ProgressBar()
    try:
        result = run(
            scenario,
            replications=reps,
            seed=args.seed,
            engine=args.engine,
            backend=backend,
            progress=bar,
            keep_observations=reps * expected_calls(scenario) <= KEEP_CALLS,
        )
    finally:
        bar.close()
    return result, None


def _compare(args: argparse.Namespace, backend):
    """The base run and its comparison with the alternative of ``--compare`` (the
    overrides change the alternative, as in ``ccsim compare``)."""
    import dataclasses

    from ccsim.batch.comparison import compare
    from ccsim.scenario import ScenarioError, load_scenario
    from ccsim.scenario.overrides import scenario_from_args

    changes = [f"--set {t}" for t in args.set]
    changes += [f"--scale-arrivals {t}" for t in args.scale_arrivals]
    if args.compare is _CHANGED and not changes:
        raise ScenarioError(
            "--compare needs an alternative: --compare ALT.yaml, or --set / --scale-arrivals"
        )
    base = load_scenario(args.input)
    alt = scenario_from_args(args, args.input if args.compare is _CHANGED else args.compare)
    if changes:  # name the alternative by what changed
        alt = dataclasses.replace(alt, name=f"{alt.name} ({', '.join(changes)})")
    comparison = compare(base, alt, args.reps, args.seed, engine=args.engine, backend=backend)
    return comparison.base, comparison


def expected_calls(scenario) -> float:
    """The calls a replication of ``scenario`` brings on average (arrival rates × time)."""
    rates = sum(sum(c.rates) for c in scenario.call_types)
    if scenario.ivr is not None:
        rates += sum(scenario.ivr.rates)
    return rates * scenario.horizon.interval
