"""Per-replication KPIs as tidy rows (the CSV of every replication)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccsim.metrics.inference import _is_number
from ccsim.units import format_clock

if TYPE_CHECKING:
    from ccsim.scenario.model import Scenario

__all__ = ["per_replication_table"]


def per_replication_table(
    reps: list[dict[str, Any]], scenario: Scenario | None = None
) -> list[dict[str, Any]]:
    """Tidy rows ``{"replication", "scope", "key", "kpi", "value"}`` for a CSV.

    ``scope`` is ``"day"`` (key ``""``), ``"interval"`` (key its start ``"HH:MM"``, from
    ``scenario`` if given, else the entry's ``"start"``), ``"call_type"`` or
    ``"agent_group"`` (key the name). A nested dict of numbers is flattened with dotted
    names: ``answered_by_type`` of a group gives ``"answered_by_type.billing"``, ...
    Replications are numbered from 0. (``by_agent_group_interval`` is not included,
    nor labels such as an interval's ``"events"``.)
    """
    rows: list[dict[str, Any]] = []

    def add(r: int, scope: str, key: str, kpis: dict[str, Any], prefix: str = "") -> None:
        for kpi, value in kpis.items():
            if isinstance(value, dict):
                add(r, scope, key, value, f"{prefix}{kpi}.")
            elif _is_number(value):
                rows.append(
                    {
                        "replication": r,
                        "scope": scope,
                        "key": key,
                        "kpi": prefix + kpi,
                        "value": value,
                    }
                )

    starts = None if scenario is None else scenario.horizon.interval_starts()
    for r, rep in enumerate(reps):
        add(r, "day", "", rep["summary"])
        for i, entry in enumerate(rep["by_interval"]):
            key = format_clock(starts[i]) if starts else str(entry.get("start", i))
            add(r, "interval", key, entry)
        for scope in ("call_type", "agent_group"):
            for name, kpis in rep[f"by_{scope}"].items():
                add(r, scope, name, kpis)
    return rows
