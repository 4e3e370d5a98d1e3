"""The `ccsim` command line: a thin shell over the library.

Heavy modules (numba kernels, SimPy, matplotlib) are imported inside the
commands, so `ccsim --help` and `ccsim validate` answer at once.
"""

from __future__ import annotations

import argparse
import sys

from ccsim.cli.options import (  # noqa: F401  (re-exported: scripts import them from here)
    EXIT_BAD_INPUT,
    add_batch_arguments,
    backend_from_args,
    nonnegative_int,
    positive_float,
    positive_int,
    print_written,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccsim",
        description="Discrete-event simulation of a contact center's day.",
    )
    from ccsim.version import __version__

    parser.add_argument("--version", action="version", version=f"ccsim {__version__}")
    add_global_arguments(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from ccsim.cli.commands import add_commands

    add_commands(sub)
    return parser


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
