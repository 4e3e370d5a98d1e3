"""A sweep over a week (``ccsim sweep`` whose scenario is a week): per grid point, the
week's KPI with its 95 % CI and each open day's mean.

Every point runs on the same seed and replications, so day ``d`` of every point
draws from the same day seed: the points differ by their parameters, not by noise.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ccsim.batch.week_whatif import WeekSweep
from ccsim.i18n import kpi_label, tr
from ccsim.outputs.report import format_ci, format_value
from ccsim.outputs.week import _pad, by_day, day_name

__all__ = ["week_sweep_json", "week_sweep_rows", "week_sweep_table", "write_week_sweep"]


def _kind(kpi: str) -> str:
    from ccsim.outputs.sheets import kpi_kind

    kind = kpi_kind(kpi)
    return {"num": "count"}.get(kind, kind)


def week_sweep_rows(result: WeekSweep) -> list[dict[str, Any]]:
    """A long table: ``point``, the parameters, ``scope`` (``week`` or ``day``),
    ``name`` (``week`` or the day), ``kpi``, ``mean``, ``ci_low``, ``ci_high``."""
    rows = []
    for i, (point, week) in enumerate(result.points):
        scopes = [("week", "week", week.summary.get("summary", {}))]
        scopes += [("day", e["day"], e) for e in by_day(week) if e["open"]]
        for scope, name, figures in scopes:
            for kpi, figure in figures.items():
                if not isinstance(figure, dict) or "mean" not in figure:
                    continue
                low, high = figure.get("ci95") or (None, None)
                rows.append(
                    {"point": i, **point, "scope": scope, "name": name, "kpi": kpi,
                     "mean": figure["mean"], "ci_low": low, "ci_high": high}
                )  # fmt: skip
    return rows


def week_sweep_json(result: WeekSweep) -> dict[str, Any]:
    """The ``--json`` document: settings, and per point the week's KPI and each day's."""
    points = []
    for point, week in result.points:
        days = {e["day"]: e.get(result.kpi) for e in by_day(week) if e["open"]}
        points.append(
            {**point, "week": week.summary.get("summary", {}).get(result.kpi), "by_day": days}
        )
    return {
        "sweep": result.spec.source,
        "scenario": str(result.spec.scenario),
        "seed": result.seed,
        "replications": result.replications,
        "parameters": list(result.parameters),
        "kpi": result.kpi,
        "points": points,
    }


def week_sweep_table(result: WeekSweep, lang: str = "en") -> str:
    """Per point: the parameters, the week's KPI [95 % CI] and each open day's mean."""
    from ccsim.outputs.changes import parameter_label

    kind = _kind(result.kpi)
    first = by_day(result.points[0][1]) if result.points else []
    days = [e for e in first if e["open"]]
    params = list(result.parameters)
    heads = params if lang == "en" else [parameter_label(p, lang) for p in params]
    widths = [max(len(h), 8) + (len(h) if lang == "zh" else 0) // 2 for h in heads]
    kpi = kpi_label(result.kpi, lang)
    lines = [
        tr("week.sweep_header", lang, kpi=kpi, reps=result.replications, seed=result.seed),
        "",
        "".join(_pad(h, w + 2, right=True) for h, w in zip(heads, widths, strict=True))
        + _pad(tr("week.week", lang), 12, right=True)
        + "   "
        + _pad(tr("table.ci95", lang), 24)
        + "".join(_pad(day_name(e, lang), 10, right=True) for e in days),
    ]
    for point, week in result.points:
        figure = week.summary.get("summary", {}).get(result.kpi) or {}
        entries = {e["day"]: e for e in by_day(week)}
        cells = "".join(
            f"{format_value((entries[e['day']].get(result.kpi) or {}).get('mean'), kind):>10}"
            for e in days
        )
        lines.append(
            "".join(f"{point[p]!s:>{w + 2}}" for p, w in zip(params, widths, strict=True))
            + f"{format_value(figure.get('mean'), kind):>12}   "
            + _pad(format_ci(figure, kind) or "—", 24)
            + cells
        )
    return "\n".join(lines)


def write_week_sweep(result: WeekSweep, out: Path) -> list[Path]:
    """``week_sweep.json`` and ``week_sweep.csv`` (`week_sweep_rows`) in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    doc = out / "week_sweep.json"
    doc.write_text(json.dumps(week_sweep_json(result)), encoding="utf-8")
    table = out / "week_sweep.csv"
    rows = week_sweep_rows(result)
    with table.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [doc, table]
