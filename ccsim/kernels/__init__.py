"""Compiled (numba) kernels: batched random draws and the fast engine's event loop.

Importing this package first points numba's on-disk cache of compiled code at the
user's cache folder (`numba_cache_dir`), not at the installed package: a read-only
install (a system site-packages, a container image) cannot be written to, and one
cache per user survives reinstalls. A ``NUMBA_CACHE_DIR`` the user set wins.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["numba_cache_dir"]


def numba_cache_dir() -> Path:
    """Where compiled kernels are cached: ``NUMBA_CACHE_DIR`` if set, else the
    ``numba`` folder of ccsim's user cache directory (platformdirs: e.g.
    ``~/.cache/ccsim/numba`` on Linux, ``%LOCALAPPDATA%\\ccsim\\Cache\\numba`` on
    Windows)."""
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given:
        return Path(given)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ccsim", appauthor=False)) / "numba"


def _use_user_cache() -> None:
    """Tell numba where to cache, before the kernels are compiled.

    numba reads ``NUMBA_CACHE_DIR`` when it is imported; if something imported it
    already, its config is set too so the kernels below still cache there.
    """
    folder = numba_cache_dir()
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    numba = sys.modules.get("numba")
    if numba is not None:
        numba.config.CACHE_DIR = str(folder)


_use_user_cache()
