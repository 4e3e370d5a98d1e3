"""Further `ccsim` commands, one module each (plot, report, animate, staff, …).

Each module here defines ``add_command(sub)``, which adds its subparser to the
`ccsim` command line and sets ``func`` to the function that runs it. The modules are
found by name, so a new command touches no other file. Keep them light to import
(``ccsim --help`` loads them all): import SimPy, numba, matplotlib inside the
command's function.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil

#: The everyday commands, listed first in ``ccsim --help``; the others follow by name.
FIRST = ("run", "compare", "sweep", "validate")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add every command module's subparser: `FIRST`, then by module name."""
    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    for name in sorted(names, key=lambda n: (FIRST.index(n) if n in FIRST else len(FIRST), n)):
        importlib.import_module(f"{__name__}.{name}").add_command(sub)
