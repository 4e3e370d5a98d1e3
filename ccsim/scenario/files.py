"""Reading the files a scenario names, safely.

A scenario is data someone else may have written (an upload to a playground, a file
sent by a colleague), so the files it refers to (``arrivals: {file: …}``, an
empirical sample, a sweep's scenario) are bounded:

- they stay inside the scenario's folder: no absolute path, no ``..``, no symbolic
  link out of it. ``ccsim --allow-any-file`` (or `allow_any_file`) lifts this for
  those who keep shared data elsewhere. (A sweep file names its scenario anywhere,
  as in ``scenario: ../scenarios/bank.yaml``: it is read as a scenario, whose
  messages quote no file contents);
- only regular files are read (not a FIFO, which would block, nor ``/dev/zero``,
  which never ends), and at most `LIMITS.max_file_bytes` of them;
- an error about a file outside the folder never quotes its contents (the caller
  asks `quotable`), so that a message cannot leak ``/proc/self/environ``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import fail, name
from ccsim.scenario.limits import LIMITS

__all__ = [
    "allow_any_file",
    "quotable",
    "read_bytes",
    "read_text",
    "resolve_reference",
]

_POLICY = {"anywhere": False}


def allow_any_file(allow: bool = True) -> None:
    """Let scenarios name files outside their folder (absolute paths, ``..``)."""
    _POLICY["anywhere"] = bool(allow)


def resolve_reference(
    file: Any, loc: Loc, base_dir: Path | None, what: str = "file", *, anywhere: bool = False
) -> Path:
    """The path a scenario field names (relative to ``base_dir``), checked: inside the
    scenario's folder unless `allow_any_file` (or ``anywhere``: a sweep names its
    scenario, often ``../scenarios/…``), and an existing regular file."""
    text = name(file, loc, "a file name")
    path = Path(text)
    anywhere = anywhere or _POLICY["anywhere"]
    if not anywhere and (path.is_absolute() or ".." in path.parts):
        fail(
            loc,
            f"{what} {text!r} must be inside the scenario's folder (a relative path "
            "without '..'); run ccsim --allow-any-file to read files elsewhere",
        )
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    if not anywhere and base_dir is not None and not _inside(path, base_dir):
        fail(loc, f"{what} {text!r} leads outside the scenario's folder (a symbolic link)")
    try:
        mode = path.stat().st_mode
    except OSError:
        fail(loc, f"{what} not found: {path}" if what == "file" else f"no such {what}: {path}")
    if not stat.S_ISREG(mode):
        fail(loc, f"{what} {path} is not a regular file")
    return path


def quotable(path: Path, base_dir: Path | None = None) -> bool:
    """May a message quote the contents of ``path``? Only when it lies inside
    ``base_dir`` (or the current folder)."""
    return _inside(path, base_dir if base_dir is not None else Path.cwd())


def read_bytes(
    path: Path, what: str = "file", loc: Loc | None = None, limit: int | None = None
) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` (default
    `LIMITS.max_file_bytes`) of them; a `ScenarioError` naming the file otherwise (at
    ``loc`` when given)."""
    limit = LIMITS.max_file_bytes if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        _refuse(f"no such {what} file", path, loc)
    except OSError as exc:
        _refuse(f"cannot read the {what} file: {exc.strerror or exc}", path, loc)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            _refuse(f"the {what} is not a regular file (a folder, device or pipe)", path, loc)
        if info.st_size > limit:
            _refuse(_too_big(what, info.st_size, limit), path, loc)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as exc:
        _refuse(f"cannot read the {what} file: {exc.strerror or exc}", path, loc)
    finally:
        os.close(fd)
    if len(data) > limit:
        _refuse(_too_big(what, len(data), limit), path, loc)
    return data


def read_text(
    path: Path, what: str = "file", loc: Loc | None = None, limit: int | None = None
) -> str:
    """The UTF-8 text (a byte-order mark allowed) of a bounded regular file."""
    data = read_bytes(path, what, loc, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x})"
        if loc is None:
            raise ScenarioError(message, file=str(path), line=line) from None
        raise ScenarioError(message, path=loc, file=str(path), line=line) from None


def _too_big(what: str, size: int, limit: int) -> str:
    return (
        f"the {what} is too large ({size / 1024**2:,.1f} MB; at most "
        f"{limit / 1024**2:,.0f} MB are read)"
    )


def _refuse(message: str, path: Path, loc: Loc | None) -> None:
    if loc is None:
        raise ScenarioError(message, file=str(path))
    fail(loc, f"{message}: {path}")


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False
