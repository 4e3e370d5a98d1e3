"""Rows of the Erlang calculator: per interval of demand, the figures of given agents
or the agents a goal needs; read from a forecast file (the text table:
`ccsim.outputs.erlang_text`)."""

from __future__ import annotations

from pathlib import Path

from ccsim.planning.erlang import (
    ErlangGoal,
    agents_needed,
    erlang_figures,
    scheduled_agents,
)

__all__ = ["erlang_rows", "forecast_rows"]

#: One interval of demand: (its start "HH:MM" or "", calls, length in s, AHT in s).
Demand = tuple[str, float, float, float]


def forecast_rows(
    path: Path, interval: float | None, aht: float | None, call_type: str | None = None
) -> list[Demand]:
    """The intervals of a forecast CSV or .xlsx (columns start, volume, optional aht
    and type, as a scenario's ``arrivals: {file: …}`` reads them). The interval
    length is ``interval``, else the rows' spacing; a row's AHT is its ``aht`` cell,
    else ``aht``. Rows of one start (several types, no ``call_type`` chosen) are pooled:
    volumes added, AHT weighted by volume. Raises `ScenarioError` naming the file and
    line."""
    from ccsim.scenario.csvdata import (
        FORECAST_COLUMNS,
        _forecast_row,
        column_roles,
        file_date_format,
        read_table,
    )
    from ccsim.scenario.errors import ScenarioError
    from ccsim.units import format_clock

    rows = read_table(Path(path))
    header_line, header = rows[0]
    allowed = "start, volume, aht, type"
    col = column_roles(header, FORECAST_COLUMNS, allowed, file=Path(path), line=header_line)
    for role in ("start", "volume"):
        if role not in col:
            raise ScenarioError(f"no {role} column", file=str(path), line=header_line)
    date_format = file_date_format(rows, col, Path(path))
    parsed = []
    for line, cells in rows[1:]:
        if "type" in col and call_type is not None and cells[col["type"]].strip() != call_type:
            continue
        try:
            t, _day, volume, row_aht = _forecast_row(cells, col, date_format)
        except (ValueError, IndexError) as err:
            raise ScenarioError(str(err), file=str(path), line=line) from None
        handle = row_aht if row_aht is not None else aht
        if handle is None or not handle > 0:
            raise ScenarioError(
                "no handle time for this row: give an aht column or --aht",
                file=str(path),
                line=line,
            )
        parsed.append((t, volume, handle))
    if not parsed:
        raise ScenarioError(
            "the forecast has no rows" + (f" of type {call_type!r}" if call_type else ""),
            file=str(path),
        )
    parsed = _pooled(parsed)
    if interval is None:
        starts = sorted({t for t, _, _ in parsed})
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False) if b > a]
        interval = min(gaps) if gaps else 3600.0
    return [(format_clock(t), v, interval, a) for t, v, a in parsed]


def erlang_rows(
    model: str,
    demand: list[Demand],
    goal: ErlangGoal,
    agents: list[int] | None = None,
    patience: float | None = None,
) -> list[dict]:
    """One row per interval (and per agent count of ``agents``): the demand, the agents
    (needed for ``goal`` when ``agents`` is None; then also ``scheduled_agents`` for
    the goal's shrinkage) and their figures."""
    out = []
    for start, calls, length, aht in demand:
        lam = calls / length
        counts = agents if agents is not None else [agents_needed(model, lam, aht, goal, patience)]
        for n in counts:
            f = erlang_figures(model, n, lam, aht, goal.threshold, patience, goal.definition)
            row = {"interval": start, "calls": calls, "interval_s": length, "aht_s": aht}
            row |= f.as_dict()
            row["scheduled_agents"] = scheduled_agents(n, goal.shrinkage)
            out.append(row)
    return out


def _pooled(rows: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """(start, volume, aht) rows with one row per start: volumes summed, AHT weighted
    by volume (a pooled queue served by one team)."""
    volume: dict[float, float] = {}
    work: dict[float, float] = {}
    aht: dict[float, float] = {}
    for t, v, a in rows:
        volume[t] = volume.get(t, 0.0) + v
        work[t] = work.get(t, 0.0) + v * a
        aht.setdefault(t, a)
    return [
        (t, volume[t], work[t] / volume[t] if volume[t] > 0 else aht[t]) for t in sorted(volume)
    ]
