"""Rows of the Erlang calculator: per interval of demand, the figures of given agents
or the agents a goal needs; read from a forecast file, shown as a text table."""

from __future__ import annotations

from pathlib import Path

from ccsim.planning.erlang import (
    ErlangGoal,
    agents_needed,
    erlang_figures,
    scheduled_agents,
)

__all__ = ["erlang_rows", "forecast_rows", "format_rows"]

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


#: Columns of the text table: (row key, i18n key, kind).
_COLUMNS = (
    ("agents", "erlang.agents", "int"),
    ("scheduled_agents", "erlang.scheduled", "int"),
    ("p_block", "erlang.p_block", "pct"),
    ("p_wait", "erlang.p_wait", "pct"),
    ("service_level", "erlang.service_level", "pct"),
    ("asa_s", "erlang.asa_s", "sec"),
    ("abandon_rate", "erlang.abandon_rate", "pct"),
    ("occupancy", "erlang.occupancy", "pct"),
)


def format_rows(model: str, rows: list[dict], goal: ErlangGoal, given: bool, lang: str) -> str:
    """The rows as an aligned text table, headed by the model and the goal."""
    from ccsim.i18n import tr
    from ccsim.outputs.report import _left, _right, _width, format_value

    skip = {
        "B": {"p_wait", "service_level", "asa_s", "abandon_rate"},
        "C": {"p_block", "abandon_rate"},
        "A": {"p_block"},
    }[model]
    if given or not goal.shrinkage:
        skip = skip | {"scheduled_agents"}
    cols = [c for c in _COLUMNS if c[0] not in skip]
    labels = {k: tr(key, lang) for k, key, _ in cols}
    width = {k: max(9, _width(labels[k]) + 2) for k, _, _ in cols}
    lines = []
    if not given:
        lines.append(tr("erlang.goal", lang, goal=goal.describe()))
    lines.append(
        _left(tr("erlang.interval", lang), 9)
        + _right(tr("erlang.calls", lang), 8)
        + _right(tr("erlang.aht", lang), 8)
        + _right(tr("erlang.load", lang), 9)
        + "".join(_right(labels[k], width[k]) for k, _, _ in cols)
    )
    for row in rows:
        cells = "".join(
            _right(str(row[k]) if kind == "int" else format_value(row[k], kind), width[k])
            for k, _, kind in cols
        )
        lines.append(
            _left(row["interval"] or "-", 9)
            + _right(f"{row['calls']:g}", 8)
            + _right(f"{row['aht_s']:.0f}", 8)
            + _right(f"{row['load']:.2f}", 9)
            + cells
        )
    return f"Erlang {model}\n" + "\n".join(lines)


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
