"""``ccsim warm-up``: compile the fast engine now, once, so no later run waits for it.

numba caches the machine code on disk (next to the package, or under
``NUMBA_CACHE_DIR``); after this, runs start at full speed. Useful after an install
or an upgrade, or in a Docker image build.
"""

from __future__ import annotations

import argparse
import sys


def add_command(sub: argparse._SubParsersAction) -> None:
    warm = sub.add_parser(
        "warm-up",
        help="compile the fast engine once, ahead of the first run",
        description=(
            "Compile the compiled (fast) engine and cache it on disk, so that the "
            "first ccsim run does not wait for it. Says whether it was already cached."
        ),
    )
    warm.set_defaults(func=cmd_warm_up)


def cmd_warm_up(args: argparse.Namespace) -> int:
    from ccsim.kernels.cache_state import COMPILE_SECONDS, compile_engine, is_cold

    cold = is_cold()
    if cold:
        print(f"compiling the fast engine, once, ~{COMPILE_SECONDS} s", file=sys.stderr, flush=True)
    seconds = compile_engine()
    if cold:
        print(f"compiled and cached in {seconds:.1f} s")
    else:
        print(f"the fast engine was already compiled (loaded in {seconds:.1f} s)")
    return 0
