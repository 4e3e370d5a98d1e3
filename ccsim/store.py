"""The on-disk record of a batch's finished replications, so no finished work is lost.

``replications.jsonl`` in the output folder: a header line naming the run (scenario
fingerprint, seed), then one line per finished replication (its index, number of
calls and KPIs), appended and flushed as each one completes, in completion order. A
batch stopped by Ctrl-C or killed leaves every finished replication on disk (a line
cut short by the kill is ignored); ``--resume`` reads them back and runs only the
missing indices. JSON keeps every float exactly (shortest round-trip repr, NaN
included), so a resumed batch gives the numbers of an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import numpy as np

from ccsim.parallel import Replication
from ccsim.scenario.model import Scenario

__all__ = ["STORE_FILE", "ReplicationStore", "StoreError", "fingerprint"]

STORE_FILE = "replications.jsonl"
FORMAT = 1


class StoreError(ValueError):
    """The output folder holds another run's replications, or an unreadable store."""


def fingerprint(scenario: Scenario, seed: int) -> str:
    """What identifies a batch's numbers: the validated scenario (wherever it was
    loaded from) and the root seed. Both engines give the same numbers, so the engine
    is not part of it."""
    data = pickle.dumps((replace(scenario, source=None), int(seed)), protocol=4)
    return hashlib.sha256(data).hexdigest()[:32]


def _plain(x: Any) -> Any:
    """numpy scalars in KPIs as plain Python numbers for JSON."""
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, np.bool_):
        return bool(x)
    raise TypeError(f"cannot store {type(x).__name__}")


class ReplicationStore:
    """Append-only store of one batch's replications in ``folder``."""

    def __init__(self, folder: Path, scenario: Scenario, seed: int) -> None:
        self.path = Path(folder) / STORE_FILE
        self.key = fingerprint(scenario, seed)
        self.scenario_name = scenario.name
        self.seed = int(seed)
        self._file: IO[str] | None = None

    def load(self) -> dict[int, Replication]:
        """The replications already stored (none if there is no store yet)."""
        if not self.path.exists():
            return {}
        done: dict[int, Replication] = {}
        with self.path.open(encoding="utf-8") as f:
            lines = f.read().split("\n")
        try:
            header = json.loads(lines[0])
        except json.JSONDecodeError:
            raise StoreError(f"{self.path}: not a ccsim replication store") from None
        if header.get("ccsim_store") != FORMAT:
            raise StoreError(f"{self.path}: not a ccsim replication store")
        if header.get("fingerprint") != self.key:
            raise StoreError(
                f"{self.path} holds replications of another run "
                f"({header.get('scenario')!r}, seed {header.get('seed')}): the scenario or "
                "the seed differ; resume with the same ones, or choose another --out"
            )
        for line in lines[1:]:
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # the last line, cut short by a kill: that replication runs again
            r = int(rec["replication"])
            done.setdefault(r, Replication(r, rec["kpis"], int(rec["n_calls"])))
        return done

    def open(self, resume: bool) -> dict[int, Replication]:
        """Start writing: keep the stored replications if ``resume`` (and return them),
        else start a fresh store."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        done = self.load() if resume else {}
        if resume and self.path.exists():
            self._repair_tail()
            self._file = self.path.open("a", encoding="utf-8")
        else:
            self._file = self.path.open("w", encoding="utf-8")
            header = {
                "ccsim_store": FORMAT,
                "fingerprint": self.key,
                "scenario": self.scenario_name,
                "seed": self.seed,
            }
            self._write(header)
        return done

    def _repair_tail(self) -> None:
        """End the file with a newline, so a line cut short stays on its own."""
        with self.path.open("rb+") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() > 0:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    f.write(b"\n")

    def append(self, rep: Replication) -> None:
        """Record a finished replication (flushed at once: it survives a kill)."""
        self._write({"replication": rep.index, "n_calls": rep.n_calls, "kpis": rep.kpis})

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

    def __enter__(self) -> ReplicationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
