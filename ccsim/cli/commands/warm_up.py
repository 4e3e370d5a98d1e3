"""``ccsim warm-up``: compile the fast engine now, once, so no later run waits for it.

numba caches the machine code on disk (in the user's cache folder, or under
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
    warm.add_argument("--lang", choices=("en", "zh"), help="language of the messages (default: en)")
    warm.set_defaults(func=cmd_warm_up)


def cmd_warm_up(args: argparse.Namespace) -> int:
    from ccsim.batch.first_run import compile_engine
    from ccsim.i18n import check_lang, tr
    from ccsim.kernels.cache_state import compile_estimate, is_cold

    lang = check_lang(args.lang)
    cold = is_cold()
    if cold:
        print(tr("warmup.compiling", lang, seconds=compile_estimate()), file=sys.stderr, flush=True)
    seconds = compile_engine()
    print(tr("warmup.compiled" if cold else "warmup.cached", lang, seconds=seconds))
    return 0
