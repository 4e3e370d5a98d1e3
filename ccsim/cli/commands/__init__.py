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


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add every command module's subparser, in the order of the module names."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").add_command(sub)
