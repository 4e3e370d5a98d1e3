"""A run's tables as sheets: named columns, each with the kind of number it holds.

One `Sheet` feeds both the CSV file (`ccsim.outputs.csvfiles`) and the workbook's
sheet (`ccsim.outputs.xlsx`), so the two always hold the same numbers. Column names
follow the one scheme of docs/scenario-format.md ("Output tables"): wide tables
``<kpi>``, ``<kpi>_ci_low``, ``<kpi>_ci_high``; long tables ``scope``, ``name``,
``interval``, ``kpi``, ``mean``, ``ci_low``, ``ci_high``. Columns of features the
scenario does not use (IVR, redials, transfers, callbacks, outbound) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ccsim.metrics import (
    CALLBACK_KPIS,
    IVR_KPIS,
    OUTBOUND_KPIS,
    RETRIAL_KPIS,
    TRANSFER_KPIS,
)
from ccsim.metrics.kinds import kpi_kind

if TYPE_CHECKING:
    from ccsim.batch.result import RunResult
    from ccsim.scenario.model import Scenario

__all__ = ["KINDS", "Sheet", "kpi_kind", "run_sheets", "unused_kpis"]

#: Kinds of column: ``pct`` a fraction shown as a percentage, ``sec`` seconds,
#: ``money``, ``num`` any other number, ``text``, and ``kpi``: a long table's value
#: column, whose kind is that of the row's KPI (the ``kpi`` column).
KINDS = ("pct", "sec", "money", "num", "text", "kpi")


def unused_kpis(scenario: Scenario) -> frozenset[str]:
    """KPIs of features ``scenario`` does not use (IVR, redials, transfers,
    callbacks, outbound, outsourcing, a trunk limit): always zero or empty there."""
    out: set[str] = set()
    types = scenario.call_types
    if not any(c.retrial for c in types):
        out.update(RETRIAL_KPIS)
    if not any(c.transfer for c in types):
        out.update(TRANSFER_KPIS)
    if not any(c.callback for c in types):
        out.update(CALLBACK_KPIS)
    if not scenario.outbound:
        out.update(OUTBOUND_KPIS)
    if scenario.ivr is None:
        out.update(IVR_KPIS)
    if getattr(scenario, "trunks", None) is None:  # no trunk limit: nothing is blocked
        out.add("blocked")
    if not any(g.price_per_call is not None for g in scenario.agent_groups):
        out.add("outsourced_cost")
    return frozenset(out)


@dataclass
class Sheet:
    """A table: ``name`` (file stem and sheet name), ``columns`` with their ``kinds``
    (`KINDS`), and ``rows`` of plain values (None where there is no value)."""

    name: str
    columns: list[str]
    kinds: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def cell_kind(self, row: list[Any], col: int) -> str:
        """The kind of one cell (a ``kpi`` column takes the kind of the row's KPI)."""
        kind = self.kinds[col]
        if kind == "kpi":
            return kpi_kind(str(row[self.columns.index("kpi")]))
        return kind


def _wide(figure_rows: list[dict], kpis: list[str]) -> tuple[list[str], list[str], list]:
    """Wide columns of summarized rows: every ``<kpi>`` mean first (what a planner
    reads), then each KPI's ``<kpi>_ci_low``, ``<kpi>_ci_high``."""
    columns = [*kpis, *(f"{k}{sfx}" for k in kpis for sfx in ("_ci_low", "_ci_high"))]
    kinds = [kpi_kind(k) for k in kpis] + [kpi_kind(k) for k in kpis for _ in range(2)]
    cells = []
    for row in figure_rows:
        means, bounds = [], []
        for k in kpis:
            fig = row.get(k) or {}
            ci = fig.get("ci95") or [None, None]
            means.append(fig.get("mean"))
            bounds += [ci[0], ci[1]]
        cells.append(means + bounds)
    return columns, kinds, cells


def _kpis_of(row: dict, skip: frozenset[str]) -> list[str]:
    return [k for k, v in row.items() if isinstance(v, dict) and "mean" in v and k not in skip]


def intervals_sheet(result: RunResult) -> Sheet:
    """Every interval's KPIs (all queues and groups together), with the SL risk."""
    rows = result.summary["by_interval"]
    skip = unused_kpis(result.scenario)
    kpis = _kpis_of(rows[0], skip) if rows else []
    columns, kinds, cells = _wide(rows, kpis)
    sheet = Sheet(
        "intervals",
        ["interval", *columns, "sl_p_meet_target", "sl_p10", "events"],
        ["text", *kinds, "pct", "pct", "text"],
    )
    risk = (result.risk or {}).get("by_interval") or [{}] * len(rows)
    for row, values, r in zip(rows, cells, risk, strict=True):
        events = "; ".join(row.get("events", []))
        sheet.rows.append([row["start"], *values, r.get("p_meet_target"), r.get("p10"), events])
    return sheet


def call_type_intervals_sheet(result: RunResult) -> Sheet | None:
    """Each queue (call type) per interval: the per-queue interval table."""
    per_type = result.summary.get("by_call_type_interval")
    if not per_type:
        return None
    skip = unused_kpis(result.scenario)
    first = next(iter(per_type.values()))
    kpis = _kpis_of(first[0], skip) if first else []
    sheet = Sheet("intervals_by_call_type", ["call_type", "interval"], ["text", "text"])
    for name, rows in per_type.items():
        columns, kinds, cells = _wide(rows, kpis)
        for row, values in zip(rows, cells, strict=True):
            sheet.rows.append([name, row["start"], *values])
    sheet.columns += columns if per_type else []
    sheet.kinds += kinds if per_type else []
    return sheet


def group_intervals_sheet(result: RunResult) -> Sheet:
    """Each agent group per interval: scheduled, on break, absent, available, busy."""
    per_group = result.summary["by_agent_group_interval"]
    first = next(iter(per_group.values()))
    kpis = _kpis_of(first[0], frozenset())
    sheet = Sheet("agent_groups_intervals", ["group", "interval"], ["text", "text"])
    for name, rows in per_group.items():
        columns, kinds, cells = _wide(rows, kpis)
        for row, values in zip(rows, cells, strict=True):
            sheet.rows.append([name, row["start"], *values])
    sheet.columns += columns
    sheet.kinds += kinds
    return sheet


def _long(kpis: dict, skip: frozenset[str], prefix: str = "") -> list[tuple]:
    """``(kpi, mean, ci_low, ci_high)`` of each summarized figure (nested: dotted)."""
    out = []
    for kpi, fig in kpis.items():
        if not isinstance(fig, dict) or kpi in skip:
            continue
        if "mean" not in fig:
            out += _long(fig, skip, f"{prefix}{kpi}.")
            continue
        low, high = fig["ci95"] or (None, None)
        out.append((prefix + kpi, fig["mean"], low, high))
    return out


def summary_sheet(result: RunResult) -> Sheet:
    """The day, each call type and each agent group, one KPI a row (long)."""
    s = result.summary
    skip = unused_kpis(result.scenario)
    scopes = [("day", "", s["summary"])]
    scopes += [("call_type", n, k) for n, k in s["by_call_type"].items()]
    scopes += [("agent_group", n, k) for n, k in s["by_agent_group"].items()]
    sheet = Sheet(
        "summary",
        ["scope", "name", "kpi", "mean", "ci_low", "ci_high"],
        ["text", "text", "text", "kpi", "kpi", "kpi"],
    )
    for scope, name, kpis in scopes:
        sheet.rows += [[scope, name, *fig] for fig in _long(kpis, skip)]
    return sheet


def replications_sheet(result: RunResult) -> Sheet:
    """Every replication's KPIs (long): ``replication, scope, name, interval, kpi,
    value`` (`ccsim.batch.tables.tidy_replications`)."""
    from ccsim.batch.tables import REPLICATION_COLUMNS, tidy_replications

    skip = unused_kpis(result.scenario)
    table = tidy_replications(result.kpis, result.scenario)
    # Decided per KPI name, not per row: a large batch's table has millions of rows.
    unused = [k for k in table["kpi"].unique() if str(k).split(".")[0] in skip]
    table = table[~table["kpi"].isin(unused)]
    kinds = {"replication": "num", "value": "kpi"}
    columns = [table[c].tolist() for c in REPLICATION_COLUMNS]  # plain ints, floats, str
    return Sheet(
        "replications",
        list(REPLICATION_COLUMNS),
        [kinds.get(c, "text") for c in REPLICATION_COLUMNS],
        [list(row) for row in zip(*columns, strict=True)],
    )


def ratio_of_totals_sheet(result: RunResult) -> Sheet | None:
    """Each rate as a ratio of totals beside the mean of daily ratios (long;
    `ccsim.batch.tables.ratio_of_totals_frame`), or None when the run has none."""
    if not getattr(result, "ratio_of_totals", None):
        return None
    from ccsim.batch.tables import ratio_of_totals_frame

    table = ratio_of_totals_frame(result)
    columns = [str(c) for c in table.columns]
    kinds = ["kpi" if c in ("mean", "ci_low", "ci_high") else "text" for c in columns]
    rows = table.astype(object).where(table.notna(), None).values.tolist()
    return Sheet("ratio_of_totals", columns, kinds, rows)


def run_sheets(result: RunResult) -> list[Sheet]:
    """The tables ``ccsim run --out`` writes, in the workbook's order."""
    sheets = [summary_sheet(result), intervals_sheet(result)]
    by_type = call_type_intervals_sheet(result)
    if by_type is not None:
        sheets.append(by_type)
    sheets += [group_intervals_sheet(result), replications_sheet(result)]
    ratios = ratio_of_totals_sheet(result)
    if ratios is not None:
        sheets.append(ratios)
    return sheets
