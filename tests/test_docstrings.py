"""The public API's docstrings: numpydoc sections on every name of ``ccsim.__all__``,
and their examples run as doctests (from the repository's root, as the docs show them)."""

from __future__ import annotations

import doctest
import importlib
import inspect
from pathlib import Path

import pytest

import ccsim

ROOT = Path(__file__).resolve().parent.parent

#: Modules whose examples are run: those of the public API.
MODULES = (
    "ccsim",
    "ccsim.batch.comparison",
    "ccsim.batch.parallel",
    "ccsim.batch.runner",
    "ccsim.scenario.errors",
    "ccsim.scenario.load",
    "ccsim.scenario.model",
    "ccsim.batch.sweeps",
    "ccsim.batch.tables",
)


@pytest.mark.parametrize("module", MODULES)
def test_examples_run(module, monkeypatch):
    monkeypatch.chdir(ROOT)
    mod = importlib.import_module(module)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(mod, optionflags=flags, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module}"
    if module != "ccsim.scenario.errors":
        assert result.attempted > 0


def _sections(doc: str) -> set[str]:
    """The numpydoc section titles of ``doc`` (a title line underlined by dashes)."""
    lines = [line.strip() for line in inspect.cleandoc(doc).splitlines()]
    return {
        lines[i]
        for i in range(len(lines) - 1)
        if lines[i] and set(lines[i + 1]) == {"-"} and len(lines[i + 1]) == len(lines[i])
    }


@pytest.mark.parametrize("name", ccsim.__all__)
def test_every_public_name_has_numpydoc_sections(name):
    obj = getattr(ccsim, name)
    sections = _sections(obj.__doc__ or "")
    assert "Parameters" in sections, f"ccsim.{name} has no Parameters section"
    if inspect.isfunction(obj):
        assert "Returns" in sections, f"ccsim.{name} has no Returns section"
    assert "Examples" in sections or name in {"SweepResult"}, f"ccsim.{name}: no Examples"


def test_dir_lists_the_main_api_and_import_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, ccsim; heavy = [m for m in ('numba', 'simpy', 'pandas', 'scipy')"
        " if m in sys.modules]; print(heavy); print(sorted(dir(ccsim)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, names = out.stdout.splitlines()
    assert heavy == "[]"
    for name in ("run", "compare", "sweep", "Backend", "load_scenario", "__version__"):
        assert repr(name) in names


def test_version_is_the_package_version():
    from importlib.metadata import version

    assert ccsim.__version__ == version("ccsim")
