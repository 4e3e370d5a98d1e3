"""The on-disk record of a batch's finished replications, so no finished work is lost.

``replications.jsonl`` in the output folder: a header line naming the run, then one
line per finished replication (its index, number of calls and KPIs), appended and
flushed as each one completes, in completion order. A batch stopped by Ctrl-C or
killed leaves every finished replication on disk; ``--resume`` reads them back and
runs only the missing indices. JSON keeps every float exactly (shortest round-trip
repr, NaN included), so a resumed batch gives the numbers of an uninterrupted one.

A store is trusted only as far as it can be checked:

- **a lock**: one writer per folder at a time (``.ccsim.lock``, held while the batch
  runs); a second run into the same ``--out`` is refused, not interleaved;
- **a checksum per record**: a line edited after it was written (still valid JSON or
  not) is reported with its line number, never read as a result;
- **a fingerprint** over the validated scenario, the root seed, and the versions of
  ccsim, numpy and numba (which make the random streams): a resume with any of them
  changed is refused, naming what changed;
- **duplicates and corrupt lines are reported**, not guessed at; only a last line cut
  short by a kill (no newline at its end) is dropped, and that replication runs again.

A refused resume changes nothing on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import numpy as np

from ccsim.batch.replication import Replication
from ccsim.scenario.model import Scenario

__all__ = [
    "LOCK_FILE",
    "STORE_FILE",
    "ReplicationStore",
    "StoreError",
    "fingerprint",
    "read_records",
    "stream_versions",
]

STORE_FILE = "replications.jsonl"
LOCK_FILE = ".ccsim.lock"
FORMAT = 2
#: Problems listed in one message at most (the count says how many more).
SHOWN = 5


class StoreError(ValueError):
    """The output folder holds another run's replications, an unreadable or altered
    store, or is being written by another run."""


def stream_versions() -> dict[str, str]:
    """The versions that make the random streams and the numbers: ccsim, numpy, numba."""
    out = {}
    for package in ("ccsim", "numpy", "numba"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "unknown"
    return out


def scenario_hash(scenario: Scenario) -> str:
    """The validated scenario's identity (wherever it was loaded from)."""
    data = pickle.dumps(replace(scenario, source=None), protocol=4)
    return hashlib.sha256(data).hexdigest()[:32]


def fingerprint(scenario: Scenario, seed: int, versions: dict[str, str] | None = None) -> str:
    """What identifies a batch's numbers: the validated scenario, the root seed and the
    versions of the random-stream libraries. Both engines give the same numbers, so the
    engine is not part of it."""
    versions = stream_versions() if versions is None else versions
    data = json.dumps([scenario_hash(scenario), int(seed), versions], sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _plain(x: Any) -> Any:
    """numpy scalars in KPIs as plain Python numbers for JSON."""
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, np.bool_):
        return bool(x)
    raise TypeError(f"cannot store {type(x).__name__}")


def _canonical(record: dict) -> str:
    return json.dumps(record, default=_plain, allow_nan=True, sort_keys=True)


def checksum(record: dict) -> str:
    """The checksum of a record (without its ``sha256`` key)."""
    body = {k: v for k, v in record.items() if k != "sha256"}
    return hashlib.sha256(_canonical(body).encode()).hexdigest()[:16]


def read_records(path: Path) -> tuple[dict, dict[int, Replication], list[str]]:
    """The header, the replications and the problems (line by line) of a store file.

    A last line without its newline (cut short by a kill) is left out silently;
    every other unreadable, altered or repeated line is a problem.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store: {exc.strerror or exc}") from None
    lines = raw.split(b"\n")
    cut = lines.pop()  # b"" when the file ends with a newline, else a line cut short
    del cut
    header = _header(path, lines[0] if lines else b"")
    done: dict[int, Replication] = {}
    first_line: dict[int, int] = {}
    problems: list[str] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        rec, problem = _record(line)
        if problem is not None:
            problems.append(f"line {number}: {problem}")
            continue
        r = rec["replication"]
        if r in done:
            problems.append(f"line {number}: replication {r} again (first on line {first_line[r]})")
            continue
        done[r] = Replication(r, rec["kpis"], rec["n_calls"])
        first_line[r] = number
    return header, done, problems


def _header(path: Path, line: bytes) -> dict:
    try:
        header = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    if not isinstance(header, dict) or "ccsim_store" not in header:
        raise StoreError(f"{path}: not a ccsim replication store")
    if header["ccsim_store"] != FORMAT:
        raise StoreError(
            f"{path}: a replication store of another format ({header['ccsim_store']!r}, this "
            f"ccsim writes {FORMAT}): run without --resume, or choose another --out"
        )
    return header


def _record(line: bytes) -> tuple[dict, str | None]:
    """A replication record, or the reason it cannot be trusted."""
    try:
        rec = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return {}, "not UTF-8 text"
    except json.JSONDecodeError:
        return {}, "not a JSON record"
    if not isinstance(rec, dict) or not {"replication", "n_calls", "kpis", "sha256"} <= set(rec):
        return {}, "not a replication record"
    if rec["sha256"] != checksum(rec):
        return {}, "its checksum does not match (the line was changed after it was written)"
    ok = isinstance(rec["replication"], int) and rec["replication"] >= 0
    if not (ok and isinstance(rec["n_calls"], int) and isinstance(rec["kpis"], dict)):
        return {}, "not a replication record"
    return rec, None


class ReplicationStore:
    """Append-only store of one batch's replications in ``folder``."""

    def __init__(self, folder: Path, scenario: Scenario, seed: int) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILE
        self.versions = stream_versions()
        self.scenario_key = scenario_hash(scenario)
        self.key = fingerprint(scenario, seed, self.versions)
        self.scenario_name = scenario.name
        self.seed = int(seed)
        self._file: IO[str] | None = None
        self._lock: int | None = None

    def load(self) -> dict[int, Replication]:
        """The replications already stored (none if there is no store yet); a store of
        another run, or with altered, repeated or corrupt lines, is a `StoreError`."""
        if not self.path.exists():
            return {}
        header, done, problems = read_records(self.path)
        if header.get("fingerprint") != self.key:
            raise StoreError(
                f"{self.path} holds replications of another run: {self._differences(header)}; "
                "resume with the same ones, or choose another --out"
            )
        if problems:
            shown = "; ".join(problems[:SHOWN])
            more = f" (and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
            raise StoreError(
                f"{self.path}: {len(problems)} line(s) cannot be trusted: {shown}{more}. "
                "Nothing was changed; delete those lines to run their replications again, "
                "or run without --resume to start afresh"
            )
        return done

    def _differences(self, header: dict) -> str:
        """What differs between the stored run and this one, in words."""
        out = []
        if header.get("scenario_hash") != self.scenario_key:
            out.append(f"the scenario differs (stored: {header.get('scenario')!r})")
        if header.get("seed") != self.seed:
            out.append(f"the seed differs (stored {header.get('seed')}, now {self.seed})")
        stored = header.get("versions") or {}
        for package, version in self.versions.items():
            if stored.get(package) != version:
                was = stored.get(package, "unknown")
                out.append(f"{package} differs (stored {was}, now {version})")
        return ", ".join(out) or "its fingerprint differs"

    def open(self, resume: bool) -> dict[int, Replication]:
        """Start writing: keep the stored replications if ``resume`` (and return them),
        else start a fresh store. Takes the folder's lock first."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            done = self.load() if resume else {}
            if resume and self.path.exists():
                self._drop_cut_tail()
                self._file = self.path.open("a", encoding="utf-8")
            else:
                self._file = self.path.open("w", encoding="utf-8")
                header = {
                    "ccsim_store": FORMAT,
                    "fingerprint": self.key,
                    "scenario": self.scenario_name,
                    "scenario_hash": self.scenario_key,
                    "seed": self.seed,
                    "versions": self.versions,
                }
                self._write(header)
        except BaseException:
            self.close()
            raise
        return done

    def _take_lock(self) -> None:
        """The folder's lock, or a `StoreError` if another run holds it."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on POSIX: no lock
            return
        fd = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise StoreError(
                f"{self.folder}: another ccsim run (process {holder}) is writing here; "
                "wait for it to finish, or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock = fd

    def _drop_cut_tail(self) -> None:
        """Remove a last line cut short by a kill (it has no newline): its replication
        runs again."""
        with self.path.open("rb+") as f:
            data = f.read()
            if data and not data.endswith(b"\n"):
                f.truncate(data.rfind(b"\n") + 1)

    def append(self, rep: Replication) -> None:
        """Record a finished replication (flushed at once: it survives a kill)."""
        record = {"replication": rep.index, "n_calls": rep.n_calls, "kpis": rep.document()}
        record["sha256"] = checksum(record)
        self._write(record)

    def _write(self, record: dict) -> None:
        assert self._file is not None, "open the store first"
        self._file.write(json.dumps(record, default=_plain, allow_nan=True) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
        if self._lock is not None:
            os.close(self._lock)  # releases the lock
            self._lock = None

    def __enter__(self) -> ReplicationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
