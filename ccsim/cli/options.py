"""What every command shares: argument types, the batch options, the exit code of bad
input, and the list of files written. Commands import these from here (not from
`ccsim.cli`, which imports the commands)."""

from __future__ import annotations

import argparse
from pathlib import Path

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


def print_written(paths: list[Path], lang: str | None = None) -> None:
    """Say which files a command wrote ("wrote PATH"), in ``lang``."""
    from ccsim.i18n import tr

    for path in paths:
        print(tr("cli.wrote", lang or "en", path=path))
