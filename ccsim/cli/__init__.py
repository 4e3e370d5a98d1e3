"""The `ccsim` command line: a thin shell over the library.

Heavy modules (numba kernels, SimPy, matplotlib) are imported inside the
commands, so `ccsim --help` and `ccsim validate` answer at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.outputs.jsondoc import dumps
from ccsim.scenario import load_scenario

EXIT_BAD_INPUT = 2


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def nonnegative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """How and where replications run: ``--engine``, ``--workers``, ``--backend``,
    ``--scheduler`` (every command that runs replications takes them; they never
    change the numbers)."""
    parser.add_argument(
        "--engine",
        choices=("auto", "simpy", "fast"),
        help="simulation engine (default: the scenario's engine, else auto: the compiled "
        "engine when it supports the scenario, SimPy otherwise)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        help="worker processes (default: all cores; 1 runs in this process)",
    )
    parser.add_argument(
        "--backend",
        choices=("local", "dask"),
        default="local",
        help="local processes (default) or a Dask cluster (pip install 'ccsim[dask]')",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --backend dask)",
    )


def backend_from_args(args: argparse.Namespace):
    """The `Backend` the batch arguments describe."""
    from ccsim.batch.parallel import Backend, cpu_count

    kind = "dask" if args.scheduler else args.backend
    return Backend(kind=kind, workers=args.workers or cpu_count(), scheduler=args.scheduler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccsim",
        description="Discrete-event simulation of a contact center's day.",
    )
    from ccsim import __version__

    parser.add_argument("--version", action="version", version=f"ccsim {__version__}")
    add_global_arguments(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from ccsim.scenario.overrides import add_override_arguments

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

    cmp = sub.add_parser(
        "compare",
        help="compare two scenarios on common random numbers: differences with paired CIs",
        description="Run BASE and ALT with the same seed and replications (common random "
        "numbers) and report every KPI's difference ALT - BASE with its paired 95%% CI. "
        "ALT is a second file, or BASE changed by --set / --scale-arrivals (applied to "
        "ALT when both are given).",
    )
    cmp.add_argument("base", type=Path, help="the base scenario YAML file")
    cmp.add_argument("alt", type=Path, nargs="?", help="the alternative (default: BASE)")
    add_override_arguments(cmp)
    cmp.add_argument("--reps", type=positive_int, help="replications (default: BASE's)")
    cmp.add_argument(
        "--seed", type=nonnegative_int, help="root random seed, shared (default: BASE's)"
    )
    add_batch_arguments(cmp)
    cmp.add_argument("--out", type=Path, help="write comparison.csv, .json and the SL chart")
    cmp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    cmp.add_argument(
        "--lang", choices=("en", "zh"), help="language of the tables and chart (default: BASE's)"
    )
    cmp.set_defaults(func=cmd_compare)

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

    val = sub.add_parser("validate", help="check a scenario file and say what is wrong")
    val.add_argument("scenario", type=Path, nargs="+")
    val.add_argument("--lang", choices=("en", "zh"), help="language of the answer (default: en)")
    val.set_defaults(func=cmd_validate)

    from ccsim.cli.commands import add_commands

    add_commands(sub)
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    from ccsim.cli.commands._week import is_week_file, run_week_command

    if is_week_file(args.scenario):
        return run_week_command(args)
    from ccsim.scenario.overrides import scenario_from_args

    scenario = scenario_from_args(args)
    required = None
    if getattr(args, "required", None):
        from ccsim.planning.staffing import read_requirement

        required = read_requirement(args.required, scenario)
    if args.trace and not args.out:
        print("error: --trace writes calls.csv into --out DIR: give --out", file=sys.stderr)
        return EXIT_BAD_INPUT
    names = [c.name for c in scenario.call_types]
    if args.queue is not None and args.queue not in names:
        print(
            f"error: --queue: no call type {args.queue!r}; the scenario has {', '.join(names)}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    from ccsim.batch.runner import Precision, fallback_notice, run
    from ccsim.cli.progress import ProgressBar
    from ccsim.outputs.report import (
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

    if args.resume and not args.out:
        print("error: --resume continues the batch kept in --out DIR: give --out", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.resume and args.trace:
        print("error: --trace needs every replication run now: not with --resume", file=sys.stderr)
        return EXIT_BAD_INPUT
    precision = None
    if args.precision is not None:
        try:
            precision = Precision(args.precision, args.precision_kpi, args.max_reps)
        except ValueError as err:
            print(f"error: --precision-kpi: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
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
            backend=backend_from_args(args),
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
    if required is not None:
        from ccsim.planning.staffing import with_required

        result = with_required(result, required)
    written = write_outputs(result, args.out, args.lang, charts=args.charts) if args.out else []
    if args.trace:
        written.append(write_trace(result, args.out / "calls.csv"))
    if args.json:
        print(dumps(to_json(result)))
        return 0
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
    from ccsim.outputs.report import run_footer

    print(run_footer(result, args.lang))
    if result.resumed:
        print(f"{result.resumed} replication(s) read back from {args.out}, the rest run now")
    print_written(written, args.lang or getattr(scenario, "lang", None))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    import dataclasses

    from ccsim.cli.commands._week import compare_week_command, is_week_file

    if is_week_file(args.base) or (args.alt is not None and is_week_file(args.alt)):
        return compare_week_command(args)

    from ccsim.scenario.overrides import scenario_from_args

    if args.alt is None and not (args.set or args.scale_arrivals):
        print(
            "error: compare needs an alternative: ALT.yaml, or --set PATH=VALUE / "
            "--scale-arrivals to change BASE",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    base = load_scenario(args.base)
    alt = scenario_from_args(args, args.alt or args.base)
    changes = [f"--set {t}" for t in args.set]
    changes += [f"--scale-arrivals {t}" for t in args.scale_arrivals]
    lang = args.lang or getattr(base, "lang", None) or "en"
    shown = alt.name
    if changes:  # name the alternative by what changed: exactly in JSON, in words in text
        from ccsim.outputs.changes import changes_title

        what = changes_title(changes, lang)
        shown += f"（{what}）" if lang == "zh" else f" ({what})"
        alt = dataclasses.replace(alt, name=f"{alt.name} ({', '.join(changes)})")
    from ccsim.batch.comparison import (
        compare,
        day_table,
        interval_table,
        renamed,
        to_json,
        write_outputs,
    )

    result = compare(
        base, alt, args.reps, args.seed, engine=args.engine, backend=backend_from_args(args)
    )
    written = write_outputs(result, args.out, lang, alt_name=shown) if args.out else []
    if args.json:
        print(dumps(to_json(result)))
        return 0
    print(day_table(renamed(result, shown), lang))
    print()
    print(interval_table(result, lang=lang))
    print_written(written, lang)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from ccsim.cli.commands._week import sweep_of_a_week, sweep_week_command

    week_spec = sweep_of_a_week(args.sweep)
    if week_spec is not None:
        return sweep_week_command(args, week_spec)
    from ccsim.batch.sweeps import format_table, sweep, to_json, write_outputs
    from ccsim.cli.progress import ProgressBar
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


def print_written(paths: list[Path], lang: str | None = None) -> None:
    """Say which files a command wrote ("wrote PATH"), in ``lang``."""
    from ccsim.i18n import tr

    for path in paths:
        print(tr("cli.wrote", lang or "en", path=path))


def main(argv: list[str] | None = None) -> int:
    from ccsim.cli.boundary import global_flags, guarded

    try:
        argv, flags = global_flags(list(sys.argv[1:] if argv is None else argv))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    apply_global_flags(flags)
    args = build_parser().parse_args(argv)
    return guarded(lambda: args.func(args), debug=flags["debug"])


def apply_global_flags(flags: dict) -> None:
    """``--allow-any-file``, ``--max-calls``, ``--max-memory`` for this run (and only it)."""
    from ccsim.scenario.files import allow_any_file
    from ccsim.scenario.limits import reset_limits, set_limits

    reset_limits()
    allow_any_file(flags["allow_any_file"])
    if "max_calls" in flags:
        n = int(flags["max_calls"])
        set_limits(max_calls=n, max_total_calls=max(n * 1000, 2 * 10**9), max_agents=n)
        set_limits(max_shift_agents=max(n // 20, 10_000))
    if "max_memory" in flags:
        set_limits(max_memory=int(flags["max_memory"] * 1024**3))


def add_global_arguments(parser: argparse.ArgumentParser) -> None:
    """Options every command takes, before or after its name (docs/robustness.md)."""
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error, not one line"
    )
    parser.add_argument(
        "--allow-any-file",
        action="store_true",
        help="let scenarios name files outside their folder (absolute paths, '..')",
    )
    parser.add_argument(
        "--max-calls",
        metavar="N",
        help="allow runs of up to N calls per replication (and N agents); default 2,000,000",
    )
    parser.add_argument(
        "--max-memory",
        metavar="GB",
        help="allow runs estimated to need up to GB gigabytes of memory; default 2",
    )


if __name__ == "__main__":
    sys.exit(main())
