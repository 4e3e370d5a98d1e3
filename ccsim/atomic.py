"""Every file ccsim writes is written atomically: to a temporary file, then renamed.

A full disk, a killed process or a read-only folder then never leaves half a CSV
behind: the file is either the old one (or absent) or the whole new one. The
temporary file sits in the same folder (a rename does not cross file systems) and
is removed when the write fails.

    with atomic_path(out / "summary.csv") as tmp:
        frame.to_csv(tmp, index=False)
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_open", "atomic_path", "write_text"]


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write instead of ``path`` (same folder, same suffix, so
    writers that go by the suffix still do); renamed onto ``path`` on success."""
    path = Path(path)
    if not path.name or path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder: give a file's name", str(path))
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.filename in (str(tmp), tmp):
            exc.filename, exc.filename2 = str(path), None  # the user's file, not ours
        raise


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO]:
    """``open(path, mode)`` that lands as a whole or not at all."""
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as f:
        yield f


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """``Path.write_text``, atomically; returns the path."""
    with atomic_open(path, "w", encoding=encoding) as f:
        f.write(text)
    return Path(path)
