"""Where replications run: in this process, on local worker processes, or on Dask.

A `Backend` says where; `map_replications` runs replication indices there and yields
each replication's result as it finishes. Each replication's random streams come from
the SeedSequence (``seed``, replication index), never from the worker, so the numbers
do not depend on the backend or the number of workers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

BACKENDS = ("local", "dask")


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Backend:
    """Where replications run.

    ``kind`` ``local``: ``workers`` processes on this machine (1: in this process).
    ``kind`` ``dask``: a Dask cluster, at ``scheduler`` (``tcp://host:port``) or, without
    one, a local cluster of ``workers`` processes started for the run.
    """

    kind: str = "local"
    workers: int = 1
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in BACKENDS:
            raise ValueError(f"unknown backend {self.kind!r}: use one of {', '.join(BACKENDS)}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
