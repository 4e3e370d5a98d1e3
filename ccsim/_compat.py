"""Old import paths of modules that moved into the layered subpackages.

ccsim's modules once sat side by side at the top level (``ccsim.runner``,
``ccsim.analytic``, ``ccsim.commands.staff``…). They now live in one subpackage per
layer (docs/architecture.md). Scripts written against the old paths keep working:
``import ccsim.analytic`` gives the very module ``ccsim.planning.analytic``, so
``ccsim.analytic.erlang_c is ccsim.planning.analytic.erlang_c``. The table below is
the only record of the move; ccsim's own code uses the new paths.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

#: Old module path → where it lives now.
MOVED = {
    "ccsim.analytic": "ccsim.planning.analytic",
    "ccsim.outputs.atomic": "ccsim.atomic",
    "ccsim.backtest": "ccsim.data.backtest",
    "ccsim.boundary": "ccsim.cli.boundary",
    "ccsim.calibration": "ccsim.data.calibration",
    "ccsim.calllog": "ccsim.data.calllog",
    "ccsim.calls": "ccsim.models.calls",
    "ccsim.commands": "ccsim.cli.commands",
    "ccsim.comparison": "ccsim.batch.comparison",
    "ccsim.forecast": "ccsim.data.forecast",
    "ccsim.html_report": "ccsim.outputs.html_report",
    "ccsim.overrides": "ccsim.scenario.overrides",
    "ccsim.parallel": "ccsim.batch.parallel",
    "ccsim.plots": "ccsim.charts",
    "ccsim.progress": "ccsim.cli.progress",
    "ccsim.report": "ccsim.outputs.report",
    "ccsim.results": "ccsim.batch.results",
    "ccsim.runner": "ccsim.batch.runner",
    "ccsim.scheduling": "ccsim.planning.scheduling",
    "ccsim.shift_templates": "ccsim.planning.shift_templates",
    "ccsim.staffing": "ccsim.planning.staffing",
    "ccsim.store": "ccsim.batch.store",
    "ccsim.sweeps": "ccsim.batch.sweeps",
    "ccsim.tables": "ccsim.batch.tables",
}


def new_path(name: str) -> str | None:
    """Where the module once imported as `name` lives now (None: it never moved)."""
    for old, new in MOVED.items():
        if name == old or name.startswith(old + "."):
            return new + name[len(old) :]
    return None


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old path and hands back the module at its new one."""

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if new_path(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(new_path(spec.name) or spec.name)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was loaded under its new name."""


def install() -> None:
    """Put the alias finder on `sys.meta_path` once (``import ccsim`` does it)."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.insert(0, _Alias())
