"""The package's layers: no import cycles, no import from a lower layer to a higher one.

The import graph is built from the source with `ast`, counting every import wherever
it stands (inside functions and under ``TYPE_CHECKING`` too), so a cycle cannot hide
behind a late import. The layer order is written here and in docs/architecture.md
(a test checks that the two agree).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ccsim"

#: Layers from the bottom up. A module may import its own layer and the ones below.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "ccsim.version",
            "ccsim.units",
            "ccsim.streams",
            "ccsim.i18n",
            "ccsim.observations",
            "ccsim.atomic",
        ),
    ),
    ("scenario", ("ccsim.scenario",)),
    ("kernels", ("ccsim.kernels",)),
    ("models", ("ccsim.models",)),
    ("metrics", ("ccsim.metrics",)),
    ("batch", ("ccsim.batch",)),
    ("planning", ("ccsim.planning",)),
    ("data", ("ccsim.data",)),
    ("outputs", ("ccsim.outputs", "ccsim.charts", "ccsim.animation")),
    ("cli", ("ccsim.cli",)),
]
#: Outside the layers: the package's front door (lazy names), ``python -m ccsim``
#: and the table of old import paths. Nothing inside the layers may import them.
FRONT = ("ccsim", "ccsim.__main__", "ccsim._compat")
#: Top-level modules allowed besides __init__.py and __main__.py.
MAX_TOP_LEVEL_MODULES = 8


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours that an imported dotted name lands in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """Every module of ccsim → the ccsim modules it imports (anywhere in its source)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wanted = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                wanted = [f"{base}.{a.name}" for a in node.names]
                wanted = [w if w in modules else base for w in wanted]
            else:
                continue
            for target in wanted:
                owner = _owner(target, modules) if target.startswith("ccsim") else None
                if owner and owner != name:
                    targets.add(owner)
        graph[name] = targets
    return graph


def layer_of(module: str) -> int | None:
    """Index of `module`'s layer in LAYERS (None: one of FRONT)."""
    for i, (_, roots) in enumerate(LAYERS):
        if any(module == r or module.startswith(r + ".") for r in roots):
            return i
    return None


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer():
    lost = [m for m in _modules() if m not in FRONT and layer_of(m) is None]
    assert lost == [], f"modules outside every layer: {lost}"


def test_no_import_cycles():
    assert _cycles(import_graph()) == []


def test_no_import_from_a_lower_layer_to_a_higher_one():
    upward = []
    for module, targets in sorted(import_graph().items()):
        here = layer_of(module)
        if here is None:
            continue
        for target in sorted(targets):
            there = layer_of(target)
            if there is None or there > here:
                upward.append(f"{module} ({LAYERS[here][0]}) imports {target}")
    assert upward == [], "\n".join(upward)


def test_the_top_level_holds_few_modules():
    top = sorted(
        p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")
    )
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_docs_list_the_same_layers():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = re.findall(r"^\|\s*(\d+)\s*\|\s*([\w-]+)\s*\|\s*([^|]+)\|", page, re.M)
    documented = [(name, tuple(re.findall(r"`(ccsim[\w.]*)`", mods))) for _, name, mods in table]
    assert documented == LAYERS


@pytest.mark.parametrize(
    "old", ["ccsim.analytic", "ccsim.runner", "ccsim.staffing", "ccsim.commands.staff"]
)
def test_old_import_paths_give_the_moved_module(old):
    import importlib

    from ccsim import _compat

    assert importlib.import_module(old) is importlib.import_module(_compat.new_path(old))


def test_outputs_load_no_engine():
    """Reports and charts take results; importing them loads neither SimPy nor numba."""
    import subprocess
    import sys

    code = (
        "import sys, ccsim.outputs.report, ccsim.outputs.html_report, ccsim.charts, "
        "ccsim.batch.result, ccsim.batch.results\n"
        "print(sorted(m for m in ('numba', 'simpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
