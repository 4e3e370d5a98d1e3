"""Keep a batch's freed array memory in the process, for the next replication.

Every replication allocates the same few megabytes of arrays (callers, legs, the
engine's tables) and frees them at its end. With glibc's default policy the large
blocks are mapped and unmapped, or trimmed off the heap, each time, so the next
replication takes a page fault for every 4 KiB it touches again: about 70,000 page
faults per 400 replications of the reference day, against 28,000 with the policy
below (``experiments/bench/kpi_profile.py`` under ``/usr/bin/time``).

`keep_freed_memory` sets glibc's mmap threshold to 32 MiB (the most its own dynamic
rule would reach) and its trim threshold to 256 MiB: blocks up to 32 MiB come from
the heap and stay there when freed. Peak memory does not grow with the number of
replications: the next replication reuses the same blocks. Elsewhere (macOS,
musl, Windows) it does nothing. Numbers are unaffected: only where memory comes
from changes.
"""

from __future__ import annotations

import ctypes

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "keep_freed_memory"]

#: glibc ``mallopt`` parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3

#: Blocks up to this size come from the heap (glibc's dynamic rule stops here too).
MMAP_THRESHOLD = 32 * 2**20
#: Free memory at the top of the heap kept rather than given back to the system.
TRIM_THRESHOLD = 256 * 2**20

_done: bool | None = None


def keep_freed_memory() -> bool:
    """Set the policy once per process; True if it is in force (glibc only)."""
    global _done
    if _done is None:
        _done = _set_policy()
    return _done


def _set_policy() -> bool:
    try:  # the C library's symbols, as the interpreter itself sees them
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no mallopt here: not glibc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success, 0 on error.
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
