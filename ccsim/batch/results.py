"""A run's results folder, read back without simulating again.

``ccsim run --out DIR`` writes the tables, ``result.json`` (the ``--json`` document),
``replications.jsonl`` (every replication's KPIs, `ccsim.batch.store`) and ``scenario.json``:
the validated scenario the run used, overrides included. `load_results` turns such a
folder back into a `RunResult`, so reports and charts can be drawn later, elsewhere,
from the numbers of that run.

``scenario.json`` is the `Scenario` dataclass tree as JSON (times in seconds, rates
per second: the validated form, not the YAML), so it needs no forecast CSV and gives
back exactly the scenario that ran.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from ccsim.atomic import write_text
from ccsim.scenario.model import Scenario

__all__ = [
    "RESULT_FILE",
    "SCENARIO_FILE",
    "ResultsError",
    "load_results",
    "read_scenario",
    "write_scenario",
]

SCENARIO_FILE = "scenario.json"
RESULT_FILE = "result.json"


class ResultsError(ValueError):
    """A folder that is not (or not wholly) what ``ccsim run --out`` writes."""


def write_scenario(scenario: Scenario, path: Path) -> Path:
    """Write ``scenario`` (validated, overrides included) as JSON."""
    write_text(path, json.dumps(dataclasses.asdict(scenario), indent=1))
    return path


def read_scenario(path: Path) -> Scenario:
    """The scenario `write_scenario` wrote."""
    return _decode(Scenario, json.loads(path.read_text(encoding="utf-8")))


def _decode(tp: Any, value: Any) -> Any:
    """``value`` (parsed JSON) as type ``tp`` of the scenario model: dataclasses,
    tuples (homogeneous ``tuple[T, ...]`` or fixed), ``X | None`` and scalars."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner, value)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(tp)
                if f.name in value
            }
        )
    if tp is float:
        return float(value)
    return value


def load_results(folder: str | Path, scenario: Scenario | None = None) -> Any:
    """The `RunResult` of the run that wrote ``folder`` (``ccsim run --out``).

    The summary, risk and precision come from ``result.json``; the per-replication
    KPIs from ``replications.jsonl`` when present (else ``kpis`` is empty); the
    scenario from ``scenario.json``, or ``scenario`` when given (a folder written
    before ``scenario.json`` existed). Raises `ResultsError` naming what is missing.
    """
    from ccsim.batch.result import RunResult

    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such folder")
    result_path = folder / RESULT_FILE
    if not result_path.is_file():
        raise ResultsError(f"{folder} has no {RESULT_FILE}: write it with ccsim run --out")
    try:
        doc = json.loads(result_path.read_text(encoding="utf-8"))
        summary = {
            "summary": doc["summary"],
            "by_interval": doc["by_interval"],
            "by_call_type": doc["by_call_type"],
            "by_call_type_interval": doc.get("by_call_type_interval", {}),
            "by_agent_group": doc["by_agent_group"],
            "by_agent_group_interval": doc["by_agent_group_interval"],
        }
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise ResultsError(f"{result_path}: not a ccsim result ({err})") from None
    if scenario is None:
        scenario_path = folder / SCENARIO_FILE
        if not scenario_path.is_file():
            raise ResultsError(
                f"{folder} has no {SCENARIO_FILE} (an older ccsim run --out): give the "
                "scenario it ran too (ccsim report DIR --scenario FILE)"
            )
        try:
            scenario = read_scenario(scenario_path)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise ResultsError(f"{scenario_path}: not a ccsim scenario ({err})") from None
    replications = int(doc.get("replications", 0))
    kpis = _stored_kpis(folder, replications)
    totals = doc.get("ratio_of_totals")
    if not totals and kpis:  # a folder written before ratios of totals: from the store
        from ccsim.batch.ratios import ratio_of_totals

        totals = ratio_of_totals(kpis, scenario.service_level.definition)
    return RunResult(
        scenario=scenario,
        seed=doc.get("seed"),
        replications=replications,
        kpis=kpis,
        summary=summary,
        engine=doc.get("engine", "?"),
        risk=doc.get("risk") or {},
        backend=doc.get("backend", "?"),
        resumed=doc.get("resumed", 0),
        precision=doc.get("precision"),
        ratio_of_totals=totals or {},
    )


def _stored_kpis(folder: Path, replications: int) -> list[dict]:
    """Replications 0 … n−1 from the folder's store, or [] when any is missing or the
    store cannot be trusted (an altered, repeated or corrupt line: `ccsim.batch.store`)."""
    from ccsim.batch.store import STORE_FILE, StoreError, read_records

    path = folder / STORE_FILE
    if not path.is_file():
        return []
    try:
        _, done, problems = read_records(path)
    except StoreError:
        return []
    if problems or not all(r in done for r in range(replications)):
        return []
    return [done[r].kpis for r in range(replications)]
