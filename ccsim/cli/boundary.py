"""The command line's one error boundary: any failure is one line, never a traceback.

Every command runs inside `guarded`, which turns what can go wrong into a single
``error: WHERE: WHAT`` line on stderr and an exit status:

- **2, bad input**: a scenario, forecast, sweep or store that is wrong (every
  ``ValueError`` subclass ccsim defines, e.g. `ScenarioError`), input nested too
  deeply, a number that overflows, text that is not UTF-8, an output path that is
  a folder or under a file (``-o .``, ``--out results.csv``);
- **1, the environment**: a full disk, a read-only or forbidden folder, a file too
  large for the file system, memory exhausted, a Dask scheduler that does not answer;
- **1, internal error**: anything else is a bug of ccsim, said so in one line.

``ccsim --debug …`` lets the exception through with its traceback.
"""

from __future__ import annotations

import contextlib
import errno
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["EXIT_BAD_INPUT", "EXIT_ENVIRONMENT", "classify", "guarded"]

EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 1

#: OSError numbers that mean the user named a wrong path (bad input), not a failing machine.
_BAD_PATH = {
    errno.ENOENT,
    errno.EISDIR,
    errno.ENOTDIR,
    errno.EEXIST,
    errno.ENAMETOOLONG,
    errno.ELOOP,
    errno.EINVAL,
}


def classify(err: BaseException) -> tuple[int, str]:
    """(exit status, the ``WHERE: WHAT`` of the message) for an exception."""
    if isinstance(err, OSError):
        return _os_error(err)
    if isinstance(err, ValueError) and type(err).__module__.startswith("ccsim"):
        return EXIT_BAD_INPUT, str(err)
    if isinstance(err, RecursionError):
        return EXIT_BAD_INPUT, "input: nested too deeply to read"
    if isinstance(err, OverflowError | FloatingPointError):
        return EXIT_BAD_INPUT, f"a number is too large to compute with ({err})"
    if isinstance(err, UnicodeError):
        return EXIT_BAD_INPUT, f"input: not UTF-8 text ({err})"
    if isinstance(err, MemoryError):
        return EXIT_ENVIRONMENT, (
            "memory: exhausted; lower the replications, rates or agents, or use a larger machine"
        )
    what = str(err) or type(err).__name__
    return EXIT_ENVIRONMENT, (
        f"internal error: {type(err).__name__}: {what} (a bug in ccsim: run with --debug "
        "for the traceback and report it)"
    )


def _os_error(err: OSError) -> tuple[int, str]:
    where = err.filename if err.filename is not None else "output"
    what = err.strerror or str(err)
    if err.filename2 is not None:
        where = f"{where} -> {err.filename2}"
    status = EXIT_BAD_INPUT if err.errno in _BAD_PATH else EXIT_ENVIRONMENT
    if err.errno == errno.ENOSPC:
        what = "no space left on the device (nothing half-written was left behind)"
    elif err.errno == errno.EFBIG:
        what = "file too large for the file system"
    elif err.errno in (errno.ENOTDIR, errno.EEXIST):
        what = "a file is in the way of a folder (give a folder's name)"
    return status, f"{where}: {what}"


def guarded(run: Callable[[], int], debug: bool = False) -> int:
    """``run()``, with every exception turned into one line and an exit status."""
    try:
        return run()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `ccsim run … | head`: the reader has gone
        _quiet_stdout()
        return 0
    except SystemExit:
        raise
    except Exception as err:
        if debug:
            raise
        status, message = classify(err)
        print(f"error: {message}", file=sys.stderr)
        return status


def _quiet_stdout() -> None:
    """After a broken pipe, stop Python from complaining again when it flushes stdout."""
    import os

    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    with contextlib.suppress(OSError):
        sys.stderr.close()


def global_flags(argv: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Take the options that apply to every command (``--debug``, ``--allow-any-file``,
    ``--max-calls N``, ``--max-memory GB``) from anywhere in ``argv``, so that they may
    be written before or after the command's name. Returns the other arguments and
    the flags; a malformed value is a ValueError naming the option."""
    rest: list[str] = []
    flags: dict[str, Any] = {"debug": False, "allow_any_file": False}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg in ("--debug", "--allow-any-file"):
            flags[arg[2:].replace("-", "_")] = True
        elif arg.split("=", 1)[0] in ("--max-calls", "--max-memory"):
            option, _, value = arg.partition("=")
            if not value:
                i += 1
                value = argv[i] if i < len(argv) else ""
            flags[option[2:].replace("-", "_")] = _positive(option, value)
        else:
            rest.append(arg)
        i += 1
    return rest, flags


def _positive(option: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value > 0 and value < 1e18):
        raise ValueError(f"{option} takes a positive number, got {text!r}")
    return value
