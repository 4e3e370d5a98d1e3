"""What every command shares: argument types, the batch options, the exit code of bad
input, and the list of files written. Commands import these from here (not from
`ccsim.cli`, which imports the commands)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
        help="worker processes (default: all cores, but run and report keep a batch done "
        "within ~1 s in this process; 1 runs in this process)",
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


def backend_from_args(args: argparse.Namespace, small_in_process: bool = False):
    """The `Backend` the batch arguments describe. ``small_in_process``: without
    ``--workers``, a batch too small to pay for starting worker processes runs in
    this one (`Backend.for_batch`; a command that runs one batch asks for it)."""
    from ccsim.batch.parallel import Backend, cpu_count

    kind = "dask" if args.scheduler else args.backend
    return Backend(
        kind=kind,
        workers=args.workers or cpu_count(),
        scheduler=args.scheduler,
        small_in_process=small_in_process and args.workers is None,
    )


def print_written(paths: list[Path], lang: str | None = None) -> None:
    """Say which files a command wrote ("wrote PATH"), in ``lang``."""
    from ccsim.i18n import tr

    for path in paths:
        print(tr("cli.wrote", lang or "en", path=path))


def plan_options(
    args: argparse.Namespace,
    default_gap: float,
    requirement: str,
    read_required: Callable[[Any], Any],
) -> dict[str, Any] | None:
    """The keyword arguments a day's and a week's roster both take from the command
    line (templates, requirement, search and run options, progress lines); ``None``
    after printing the error when ``--gap`` is out of range.
    ``read_required(templates)`` reads ``--required`` when it is given."""
    from ccsim.planning.shift_templates import load_templates

    gap = default_gap if args.gap is None else args.gap
    if not 0 <= gap < 1:
        print(f"error: --gap must be in [0, 1), got {gap}", file=sys.stderr)
        return None
    templates = load_templates(args.templates)
    given = args.required is not None

    def say(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr)

    return {
        "templates": templates,
        "group": args.group,
        "required": read_required(templates) if given else None,
        "requirement_source": f"from {args.required}" if given else None,
        "requirement": args.requirement or requirement,
        "on_floor": True if args.on_floor else None,
        "replications": args.reps,
        "seed": args.seed,
        "rounds": args.rounds,
        "time_limit": args.time_limit,
        "gap": gap,
        "engine": args.engine,
        "backend": backend_from_args(args),
        "progress": say,
    }
