"""Is the compiled engine's machine code cached, or will the next run compile it?

numba compiles a kernel on its first call and, with ``cache=True``, keeps the
machine code on disk (next to the sources, or under ``NUMBA_CACHE_DIR``). A cold
cache costs tens of seconds on a small machine, so the runner wants to know before
it starts: to say so on the terminal, and to run a small job on SimPy instead.

The answer is read from numba's own cache index for each compiled function of the
engine's modules (the package `ccsim.kernels`), wherever numba keeps it: the index
must exist, match the source file's stamp, and hold an entry compiled for this
machine (numba's "magic tuple") from the current bytecode. (numba caches a kernel
that other kernels call under its own index too, so after one warm-up every kernel
has one.) This reads numba internals; if they ever change shape the answer is
"cold", which only costs an extra line on the terminal.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import os
import pkgutil
from collections.abc import Iterator

__all__ = ["COMPILE_CPU_SECONDS", "compile_estimate", "is_cold", "kernel_states", "state"]

#: What compiling every kernel takes on an idle core of the 2-core reference machine
#: (measured with an empty cache, `experiments/bench/end_to_end.py` part 3: 16 s at
#: load average 0.5; the event loop split into inlined steps, issue 14, compiles
#: about 1.25 times longer, measured back to back at load 1.8).
COMPILE_CPU_SECONDS = 20


def compile_estimate() -> int:
    """The seconds to quote in the first-run message: `COMPILE_CPU_SECONDS` stretched
    by how busy the machine is (runnable processes per core, from the load average),
    rounded up to 5 s. A busy machine was measured at 25-30 s (load 8 on 2 cores) and
    ~110 s (load 13): the estimate errs long rather than short."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every platform
        load = 0.0
    stretch = max(1.0, (load + 1.0) / (os.cpu_count() or 1))
    return int(5 * math.ceil(COMPILE_CPU_SECONDS * stretch / 5))


#: States of one compiled function.
COMPILED, CACHED, STALE, NO_INDEX = "compiled", "cached", "stale", "no index"


def _dispatchers() -> Iterator[tuple[str, object]]:
    """Every ``cache=True`` numba function defined in the modules of `ccsim.kernels`."""
    from numba.core.dispatcher import Dispatcher

    import ccsim.kernels as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, obj in sorted(vars(module).items()):
            if (
                isinstance(obj, Dispatcher)
                and getattr(obj, "_cache", None) is not None
                and obj.py_func.__module__ == module.__name__
            ):
                yield f"{module.__name__}.{name}", obj


def state(dispatcher) -> str:
    """`COMPILED` (in this process), `CACHED`, `STALE` or `NO_INDEX`."""
    if dispatcher.overloads:
        return COMPILED
    try:
        index_file = dispatcher._cache._cache_file
        if not os.path.exists(index_file._index_path):
            return NO_INDEX
        overloads = index_file._load_index()
        magic = dispatcher.targetctx.codegen().magic_tuple()
        code = hashlib.sha256(dispatcher.py_func.__code__.co_code).hexdigest()
    except Exception:  # numba's internals changed shape: assume the worst
        return STALE
    for key in overloads:
        try:
            if key[1] == magic and key[2][0] == code:
                return CACHED
        except (IndexError, TypeError):
            continue
    return STALE


def kernel_states() -> dict[str, str]:
    """Each compiled function of the engine, by qualified name, and its cache state."""
    return {name: state(d) for name, d in _dispatchers()}


#: Modules whose kernels a run compiles only once it has interpreted enough legs (the
#: KPI kernels, `ccsim.kernels.kpis.kernels`): a small run leaves them uncompiled on
#: purpose, so they must not make the next run say it compiles the engine.
LAZY_MODULES = ("ccsim.kernels.kpis", "ccsim.kernels.kpi_tables", "ccsim.kernels.queue_lengths")


def is_cold(include_lazy: bool = True) -> bool:
    """True when the next fast-engine run would compile: some kernel is neither
    compiled in this process nor cached for this machine and source (with
    ``include_lazy=False``, the kernels of `LAZY_MODULES` are not asked: what a run
    compiles before its first replication)."""
    return any(
        s not in (CACHED, COMPILED)
        for name, s in kernel_states().items()
        if include_lazy or not name.startswith(tuple(m + "." for m in LAZY_MODULES))
    )
