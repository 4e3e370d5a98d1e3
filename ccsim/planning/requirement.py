"""Required against scheduled agents: `read_requirement` reads a requirement table
(``ccsim staff --out``'s staffing.csv, or any CSV with a start and a required-agents
column) and checks it against the scenario; `with_required` adds the required agents
and the over/under staffing to a run's per-interval rows. `read_staffing_file` reads
the agents on the floor per interval (``--staffing``). The one place planning reads
CSV, with pandas."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.model import Scenario
from ccsim.units import format_clock

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.batch.result import RunResult


#: Columns of the requirement table that `ccsim.planning.scheduling` (and `--required`) read.
REQUIREMENT_COLUMNS = ("group", "start", "erlang_agents", "required_agents")


def read_requirement(path: str | Path, scenario: Scenario) -> pd.DataFrame:
    """A requirement table from CSV (``ccsim staff --out``'s staffing.csv, or any file
    with columns ``start`` ("HH:MM") and ``required_agents`` — or ``required`` /
    ``agents`` — and optionally ``group``), checked against ``scenario``: every group
    named exists, and each has every planning interval exactly once. Without a
    ``group`` column the requirement is for all groups together (group ""). Returns
    columns ``group``, ``start``, ``required_agents``."""
    import pandas as pd

    path = Path(path)
    where = str(path)
    frame = _read_cells(path, where)
    header = [str(h).strip().lower() for h in frame.columns]
    if "interval" in header and "start" not in header:  # the output tables' name for it
        header[header.index("interval")] = "start"
    column = next((c for c in ("required_agents", "required", "agents") if c in header), None)
    if "start" not in header or column is None:
        raise ScenarioError(
            "a requirement needs the columns start and required_agents (or required, agents);"
            f" has {', '.join(header) or 'none'}",
            file=where,
            line=1,
        )
    starts = [format_clock(t) for t in scenario.horizon.interval_starts()]
    seen = _requirement_rows(frame.values.tolist(), header, column, scenario, starts, where)
    if not seen:
        raise ScenarioError("the requirement has no rows", file=where)
    for group, per_group in seen.items():
        missing = [s for s in starts if s not in per_group]
        if missing:
            raise ScenarioError(
                f"{group or 'the requirement'} lacks {len(missing)} interval(s) of the scenario, "
                f"first {missing[0]}",
                file=where,
            )
    return pd.DataFrame(
        [(g, s, per_group[s]) for g, per_group in seen.items() for s in starts],
        columns=["group", "start", "required_agents"],
    )


def _read_cells(
    path: Path, where: str, what: str = "requirement file", blank_lines: bool = True
) -> pd.DataFrame:
    """The CSV's cells as text, rows of any length (cells past the header ignored,
    missing ones empty); with ``blank_lines`` blank lines are kept (as empty rows: line
    numbers stay right). An empty file has no columns; a file that cannot be read is
    one error line naming it."""
    import warnings

    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)  # cells past the header
            return pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=not blank_lines,
                index_col=False,
                engine="python",  # rows of any length, as a spreadsheet writes them
                on_bad_lines=lambda cells: cells,  # cells past the header are dropped
                encoding="utf-8-sig",
            )
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ScenarioError(f"cannot read the {what}: {exc}", file=where) from None


def read_staffing_file(path: Path) -> list[int]:
    """Agents per interval from a CSV with columns interval and agents (``--staffing``
    of ``ccsim calibrate`` and ``ccsim backtest``); blank lines are skipped."""
    where = str(path)
    frame = _read_cells(Path(path), where, "staffing file", blank_lines=False)
    out = []
    for line, row in enumerate(frame.to_dict("records"), start=2):
        text = (row.get("agents") or "").strip()
        if not text.isdigit():
            raise ScenarioError(
                f"column 'agents': {text!r} is not a whole number of agents >= 0",
                file=where,
                line=line,
            )
        out.append(int(text))
    if not out:
        raise ScenarioError("no rows (expected columns interval, agents)", file=where)
    return out


def _requirement_rows(
    cells: list[list[str]],
    header: list[str],
    column: str,
    scenario: Scenario,
    starts: list[str],
    where: str,
) -> dict[str, dict[str, float]]:
    """Per group, per interval start, the required agents of the rows ``cells``
    (line 2 on), each row checked."""
    groups = [g.name for g in scenario.agent_groups]
    seen: dict[str, dict[str, float]] = {}
    for line, row_cells in enumerate(cells, start=2):
        row_cells = ["" if c is None or c != c else str(c) for c in row_cells]  # NaN: empty
        if not any(c.strip() for c in row_cells):
            continue
        row = dict(zip(header, (c.strip() for c in row_cells), strict=False))
        group = row.get("group", "")
        if "group" in header and group not in groups:
            raise ScenarioError(
                f"group: no agent group {group!r} in the scenario; it has {', '.join(groups)}",
                file=where,
                line=line,
            )
        start = row.get("start", "")
        if start not in starts:
            raise ScenarioError(
                f"start: {start!r} is not a planning interval of the scenario "
                f"({starts[0]} to {starts[-1]}, every {scenario.horizon.interval / 60:g} min)",
                file=where,
                line=line,
            )
        try:
            value = float(row.get(column, ""))
        except ValueError:
            value = math.nan
        if not value >= 0:
            raise ScenarioError(
                f"{column}: must be a number >= 0, got {row.get(column)!r}", file=where, line=line
            )
        per_group = seen.setdefault(group, {})
        if start in per_group:
            raise ScenarioError(
                f"start: interval {start} of {group or 'the requirement'} is given twice",
                file=where,
                line=line,
            )
        per_group[start] = value
    return seen


#: The per-interval figures `with_required` adds.
REQUIRED_KPIS = ("required", "over_under")


def with_required(result: RunResult, requirement: pd.DataFrame) -> RunResult:
    """``result`` with ``required`` (agents needed on the floor) and ``over_under``
    (available − required: agents on the floor, not on break, lunch or absent, minus
    the requirement; positive is over-staffing) in every per-interval row (all
    groups: the sum of the requirement) and in the per-group rows of the groups in
    ``requirement``. The over/under CI is the available agents' CI (shrinkage and
    break placement make it vary). Scheduled agents (on shift) are not coverage."""
    summary = dict(result.summary)
    n = len(summary["by_interval"])
    total = requirement.groupby("start", sort=False)["required_agents"].sum()

    def add(row: dict, required: float | None) -> dict:
        row = dict(row)
        floor = row.get("available_agents") or {}
        mean, ci = floor.get("mean"), floor.get("ci95")
        if required is None or mean is None:
            row["required"] = {"mean": required, "ci95": None}
            row["over_under"] = {"mean": None, "ci95": None}
            return row
        row["required"] = {"mean": float(required), "ci95": None}
        row["over_under"] = {
            "mean": mean - required,
            "ci95": None if ci is None else [ci[0] - required, ci[1] - required],
        }
        return row

    summary["by_interval"] = [
        add(row, float(total[row["start"]])) for row in summary["by_interval"][:n]
    ]
    per_group = {}
    for group, rows in summary["by_agent_group_interval"].items():
        mine = requirement[requirement["group"] == group].set_index("start")["required_agents"]
        per_group[group] = [
            add(row, float(mine[row["start"]]) if row["start"] in mine.index else None)
            for row in rows
        ]
    summary["by_agent_group_interval"] = per_group
    return dataclasses.replace(result, summary=summary)


def required_line(result: RunResult) -> list[float] | None:
    """The required agents per interval that `with_required` added, else None."""
    rows = result.summary["by_interval"]
    if not rows or "required" not in rows[0]:
        return None
    return [np.nan if r["required"]["mean"] is None else r["required"]["mean"] for r in rows]


def with_week_requirement(result, path: Path):
    """``result`` (a `WeekResult`) with the requirement of ``path`` added to each open
    day's interval rows (``required``, ``over_under``; `with_required`). The file is
    ``ccsim staff``'s staffing.csv of a week (a ``day`` column: each day its rows) or
    of a day (no ``day`` column: the same requirement every open day)."""
    import csv
    import io
    import tempfile

    from ccsim.scenario.errors import ScenarioError

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError(f"cannot read the requirement file: {exc}", file=str(path)) from None
    rows = list(csv.reader(text.splitlines()))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    by_day = "day" in header
    labels = {day.label for day, run in result.days if run is not None}
    if by_day:
        named = {r[header.index("day")] for r in rows[1:] if r}
        missing = sorted(labels - named)
        if missing:
            raise ScenarioError(f"no rows for the open day(s) {', '.join(missing)}", file=str(path))
    days = []
    with tempfile.TemporaryDirectory() as tmp:
        for day, run in result.days:
            if run is not None:
                part = Path(tmp) / f"{day.label}.csv"
                if by_day:
                    col = header.index("day")
                    buf = io.StringIO()
                    csv.writer(buf).writerows(
                        [rows[0], *(r for r in rows[1:] if r and r[col] == day.label)]
                    )
                    part.write_text(buf.getvalue(), encoding="utf-8")
                else:
                    part.write_text(text, encoding="utf-8")
                try:
                    run = with_required(run, read_requirement(part, day.scenario))
                except ScenarioError as err:
                    raise ScenarioError(f"{path}: on {day.label}: {err.message}") from None
            days.append((day, run))
    result.days = days
    return result
