"""Named random streams: one independent generator per (replication, purpose, call type).

Every random number in ccsim comes from a stream made here; no module keeps a global
generator. A stream is addressed, not shared:

    stream(seed, replication, purpose, index)

is ``default_rng(SeedSequence(seed, spawn_key=(replication, STREAMS.index(purpose), index)))``,
which is the same generator as walking the ``SeedSequence.spawn`` tree
root → replication → purpose → index. Addressing streams this way gives:

- **Reproducibility anywhere.** Replication r's numbers depend only on ``(seed, r)``,
  not on how many replications run, in which order, or on which worker or backend.
- **Common random numbers.** Each purpose (arrivals, handle times, patience, ...)
  and each call type (``index``) has its own stream, so changing staffing, adding a
  call type or switching routing policy leaves every other call type's callers
  exactly as they were. Two alternatives run with one seed then differ only where
  the scenario differs, and their difference is measured with far less noise.
"""

from __future__ import annotations

import secrets

import numpy as np

__all__ = ["STREAMS", "new_seed", "stream"]

#: Purposes of random streams. The position is part of every stream's address, so
#: this order is fixed forever: new purposes are appended, never inserted.
STREAMS: tuple[str, ...] = (
    "arrivals",
    "ivr",
    "handle",
    "wrap_up",
    "patience",
    "retrial",
    "shrinkage",
    "routing",
    "busyness",
    "callback",
    "transfer",
    "outbound",
)


def stream(seed: int, replication: int, purpose: str, index: int = 0) -> np.random.Generator:
    """The generator for one purpose of one replication (and one call type, ``index``).

    The same arguments always give the same numbers; any different argument gives a
    statistically independent stream (``SeedSequence`` mixes the spawn key into the
    state, so neighbouring keys are not correlated).
    """
    try:
        purpose_code = STREAMS.index(purpose)
    except ValueError:
        raise ValueError(
            f"unknown random stream purpose {purpose!r}; known purposes: {', '.join(STREAMS)}"
        ) from None
    if replication < 0 or index < 0:
        raise ValueError(
            f"replication and index must be >= 0, got replication={replication}, index={index}"
        )
    key = (int(replication), purpose_code, int(index))
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=key))


def new_seed() -> int:
    """A fresh root seed from OS entropy, for runs given no seed.

    The run must report it, so that any run can be replayed exactly. 63 bits keep it
    a non-negative signed 64-bit integer (safe in JSON, CSV and Parquet columns) while
    leaving collisions between runs practically impossible.
    """
    return secrets.randbits(63)
