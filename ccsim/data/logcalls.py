"""The calls of a call-by-call ACD log, as aligned arrays (`CallLog`), and the names
of a log row's fields (`LOG_FIELDS`).

Times are seconds since midnight of the log's first day, so a call on the second day
at 08:00 is at ``86400 + 28800``. `ccsim.data.logreader` fills a `CallLog` from a
file; `ccsim.data.calllog` is the front door (`read_call_log`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: The fields of a log row (our names, also the default column headers) and whether
#: a log must have them.
LOG_FIELDS: dict[str, bool] = {
    "arrival": True,
    "ivr_start": False,
    "ivr_end": False,
    "queue": False,
    "answer": False,
    "abandon": False,
    "end": False,
    "call_type": False,
    "agent": False,
}
TIME_FIELDS = ("arrival", "ivr_start", "ivr_end", "queue", "answer", "abandon", "end")
#: The call type of every call when the log has no call-type column.
DEFAULT_TYPE = "calls"
#: Reasons of skipped rows kept for the report (the count is always complete).
MAX_REASONS = 10


@dataclass
class CallLog:
    """The calls of a log, as aligned arrays (times in seconds since midnight of the
    first day, ``nan`` where the log has no time).

    ``queue`` is filled in where the log has no queue-entry time for a call that was
    answered or abandoned: the end of the IVR, else the arrival. A call neither
    answered nor abandoned never waited in a queue (self-served or hung up in the
    IVR, or blocked).
    """

    source: str
    arrival: np.ndarray
    ivr_start: np.ndarray
    ivr_end: np.ndarray
    queue: np.ndarray
    answer: np.ndarray
    abandon: np.ndarray
    end: np.ndarray
    call_type: np.ndarray  # index into ``types``; -1: none (a call that never queued)
    types: list[str]
    agent: np.ndarray  # index into ``agents``, -1 for none
    agents: list[str]
    has: set[str] = field(default_factory=set)  # fields the log's columns gave
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # rows left out on purpose, by reason
    bad: dict[str, int] = field(default_factory=dict)  # unreadable rows skipped, by reason
    fixed: dict[str, int] = field(default_factory=dict)  # values corrected (skew), by reason
    dates: dict[int, str] | None = None  # day index -> calendar date, when the log has dates

    @property
    def n_calls(self) -> int:
        return int(self.arrival.shape[0])

    @property
    def answered(self) -> np.ndarray:
        return ~np.isnan(self.answer)

    @property
    def abandoned(self) -> np.ndarray:
        return ~np.isnan(self.abandon) & np.isnan(self.answer)

    @property
    def queued(self) -> np.ndarray:
        return self.answered | self.abandoned

    @property
    def wait(self) -> np.ndarray:
        """Time in queue until answer or abandonment (``nan`` if never queued)."""
        stop = np.where(self.answered, self.answer, self.abandon)
        return stop - self.queue

    @property
    def handle(self) -> np.ndarray:
        """Answer to end of service (``nan`` if not answered or no end time)."""
        return self.end - self.answer

    @property
    def via_ivr(self) -> np.ndarray:
        return ~np.isnan(self.ivr_start)

    @property
    def days(self) -> np.ndarray:
        """Distinct days (0 = the first) on which calls arrived."""
        return np.unique(np.floor(self.arrival / 86400.0)).astype(int)

    def describe_skipped(self) -> str:
        """One line saying how many rows were skipped and the first reasons."""
        if not self.skipped:
            return f"{self.source}: every row read"
        more = f" (first {len(self.reasons)} shown)" if self.skipped > len(self.reasons) else ""
        return f"{self.source}: skipped {self.skipped} bad row(s){more}:\n  " + "\n  ".join(
            self.reasons
        )


def parse_columns(text: str | None) -> dict[str, str]:
    """``"arrival=ArrTime,answer=AnsTime"`` -> ``{"arrival": "ArrTime", ...}``; every
    field not named keeps its own name as the header."""
    columns = {name: name for name in LOG_FIELDS}
    if not text:
        return columns
    for part in text.split(","):
        key, eq, header = part.partition("=")
        key, header = key.strip(), header.strip()
        if not eq or not header:
            raise ValueError(f"expected FIELD=COLUMN, got {part.strip()!r}")
        if key not in LOG_FIELDS:
            raise ValueError(f"unknown field {key!r}: allowed are {', '.join(LOG_FIELDS)}")
        columns[key] = header
    return columns
