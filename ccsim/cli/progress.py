"""A one-line progress bar for the terminal: replications done, rate and time left.

The library only calls ``progress(done, total)``; this bar is the CLI's. It draws
on a terminal only (never into a pipe or a log), at most a few times a second.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressBar:
    """``bar(done, total)`` redraws ``[#####     ]  12/40 replications  3.1/s  ETA 0:09``."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        quiet: bool = False,
        width: int = 24,
        every: float = 0.2,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = width
        self.every = every
        self.t0 = time.perf_counter()
        self._last = 0.0
        self._first: int | None = None
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if self._first is None:  # replications read back on --resume do not count
            self._first, self.t0 = done - 1, now - 1e-9
        if done < total and now - self._last < self.every:
            return
        self._last = now
        rate = (done - self._first) / (now - self.t0)
        eta = _clock((total - done) / rate) if rate > 0 else "?"
        filled = round(self.width * done / total) if total else self.width
        bar = "#" * filled + " " * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} replications  {rate:,.1f}/s  ETA {eta}  ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (so what follows starts on a clean line)."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
