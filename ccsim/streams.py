"""Named random streams: one independent generator per (replication, purpose, call type).

Every random number in ccsim comes from a stream made here; no module keeps a global
generator. A stream is addressed, not shared:

    stream(seed, replication, purpose, index)

is ``default_rng(SeedSequence(seed, spawn_key=(replication, STREAMS.index(purpose), index)))``,
which is the same generator as walking the ``SeedSequence.spawn`` tree
root → replication → purpose → index. (It is built with SeedSequence's hashing
written out here, `_Address`: the very same state at half the cost, a replication
making a dozen streams or more.) Addressing streams this way gives:

- **Reproducibility anywhere.** Replication r's numbers depend only on ``(seed, r)``,
  not on how many replications run, in which order, or on which worker or backend.
- **Common random numbers.** Each purpose (arrivals, handle times, patience, ...)
  and each call type (``index``) has its own stream, so changing staffing, adding a
  call type or switching routing policy leaves every other call type's callers
  exactly as they were. Two alternatives run with one seed then differ only where
  the scenario differs, and their difference is measured with far less noise.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISpawnableSeedSequence

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
    seed = int(seed)
    if 0 <= seed < _M128 and key[0] <= _M32 and key[2] <= _M32:
        # The same generator, its state computed as SeedSequence does (`_Address`).
        return np.random.Generator(np.random.PCG64(_Address(seed, key)))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def new_seed() -> int:
    """A fresh root seed from OS entropy, for runs given no seed.

    The run must report it, so that any run can be replayed exactly. 63 bits keep it
    a non-negative signed 64-bit integer (safe in JSON, CSV and Parquet columns) while
    leaving collisions between runs practically impossible.
    """
    return secrets.randbits(63)


# SeedSequence's hashing (numpy/random/bit_generator.pyx, after O'Neill's seed_seq),
# for a pool of 4 words, a root entropy of at most 4 words and a 3-word spawn key.
_M32, _M128 = 0xFFFFFFFF, 1 << 128
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
# The hash constant before each of the 28 hashes of the mixing (it changes with each
# hash whatever the data), and of the 8 output words' hashes.
_HASH_A = [_INIT_A * pow(_MULT_A, j, 1 << 32) & _M32 for j in range(29)]
_HASH_B = [_INIT_B * pow(_MULT_B, j, 1 << 32) & _M32 for j in range(9)]


def _hashmix(value: int, j: int) -> int:
    """The ``j``-th hash of the mixing."""
    value = ((value ^ _HASH_A[j]) * _HASH_A[j + 1]) & _M32
    return value ^ (value >> 16)


def _mix(x: int, y: int) -> int:
    r = (_MIX_L * x - _MIX_R * y) & _M32
    return r ^ (r >> 16)


def _mixed(pool: tuple[int, ...], word: int, j: int) -> tuple[int, int, int, int]:
    """The pool with one more entropy word mixed in, hashes ``j`` to ``j + 3``
    (written out: this is most of a stream's cost)."""
    p0, p1, p2, p3 = pool
    m, a, left, right = _M32, _HASH_A, _MIX_L, _MIX_R
    v = ((word ^ a[j]) * a[j + 1]) & m
    r = (left * p0 - right * (v ^ (v >> 16))) & m
    p0 = r ^ (r >> 16)
    v = ((word ^ a[j + 1]) * a[j + 2]) & m
    r = (left * p1 - right * (v ^ (v >> 16))) & m
    p1 = r ^ (r >> 16)
    v = ((word ^ a[j + 2]) * a[j + 3]) & m
    r = (left * p2 - right * (v ^ (v >> 16))) & m
    p2 = r ^ (r >> 16)
    v = ((word ^ a[j + 3]) * a[j + 4]) & m
    r = (left * p3 - right * (v ^ (v >> 16))) & m
    return p0, p1, p2, r ^ (r >> 16)


@functools.lru_cache(maxsize=16)
def _seed_pool(seed: int) -> tuple[int, ...]:
    """The pool once the root seed (its words, padded to 4) is mixed in."""
    words = [(seed >> (32 * w)) & _M32 for w in range(4)]
    pool = [_hashmix(w, j) for j, w in enumerate(words)]
    j = 4
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = _mix(pool[dst], _hashmix(pool[src], j))
                j += 1
    return tuple(pool)


@functools.lru_cache(maxsize=16)
def _replication_pool(seed: int, replication: int) -> tuple[int, ...]:
    """The pool once the replication is mixed in too: shared by its streams."""
    return _mixed(_seed_pool(seed), replication, 16)


@functools.lru_cache(maxsize=64)
def _purpose_pool(seed: int, replication: int, purpose: int) -> tuple[int, ...]:
    """The pool once the purpose is mixed in too: shared by a replication's streams
    of one purpose (one per call type)."""
    return _mixed(_replication_pool(seed, replication), purpose, 20)


def _state(seed: int, key: tuple[int, int, int]) -> list[int]:
    """``SeedSequence(seed, spawn_key=key).generate_state(4, np.uint64)``, as ints:
    the index mixed into the pool, then the 8 output words, written out."""
    p0, p1, p2, p3 = _mixed(_purpose_pool(seed, key[0], key[1]), key[2], 24)
    m, b = _M32, _HASH_B
    v0 = ((p0 ^ b[0]) * b[1]) & m
    v1 = ((p1 ^ b[1]) * b[2]) & m
    v2 = ((p2 ^ b[2]) * b[3]) & m
    v3 = ((p3 ^ b[3]) * b[4]) & m
    v4 = ((p0 ^ b[4]) * b[5]) & m
    v5 = ((p1 ^ b[5]) * b[6]) & m
    v6 = ((p2 ^ b[6]) * b[7]) & m
    v7 = ((p3 ^ b[7]) * b[8]) & m
    return [
        v0 ^ (v0 >> 16) | (v1 ^ (v1 >> 16)) << 32,
        v2 ^ (v2 >> 16) | (v3 ^ (v3 >> 16)) << 32,
        v4 ^ (v4 >> 16) | (v5 ^ (v5 >> 16)) << 32,
        v6 ^ (v6 >> 16) | (v7 ^ (v7 >> 16)) << 32,
    ]


class _Address(ISpawnableSeedSequence):
    """``SeedSequence(seed, spawn_key=key)`` for seeding a PCG64: the same state
    words, computed without numpy's per-call overhead (most of a stream's cost) and
    with the pool shared by the streams of one replication and purpose. Anything
    else (``entropy``, ``spawn``, other word counts) is the real SeedSequence's."""

    def __init__(self, seed: int, key: tuple[int, int, int]) -> None:
        self.seed, self.key = seed, key
        self._real: Any = None

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words == 4 and np.dtype(dtype) == np.uint64:
            return np.array(_state(self.seed, self.key), dtype=np.uint64)
        return self.real.generate_state(n_words, dtype)

    def spawn(self, n_children: int) -> list[Any]:
        return self.real.spawn(n_children)

    @property
    def real(self) -> np.random.SeedSequence:
        if self._real is None:
            self._real = np.random.SeedSequence(self.seed, spawn_key=self.key)
        return self._real

    def __getattr__(self, name: str) -> Any:  # entropy, spawn_key, pool, state, ...
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.real, name)

    def __repr__(self) -> str:
        return repr(self.real)
