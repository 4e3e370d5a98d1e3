"""Two weeks compared (``ccsim compare`` on week scenarios): per day and for the week,
each KPI of base and alternative and the paired difference with its 95 % CI.

The differences are those of `ccsim.batch.week.compare_weeks`: replication ``r`` of
a day in both weeks draws the same random numbers (the same day seed), so the
difference of a day is paired replication by replication, and so is the week's.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from ccsim.batch.week_whatif import WeekComparison
from ccsim.i18n import kpi_label, tr
from ccsim.outputs.report import format_value
from ccsim.outputs.week import _pad, day_name

__all__ = [
    "COMPARED",
    "comparison_rows",
    "diff_text",
    "week_comparison_json",
    "week_comparison_table",
]

#: The KPIs the text table shows, with the kind of number.
COMPARED: tuple[tuple[str, str], ...] = (
    ("service_level", "pct"),
    ("asa_s", "sec"),
    ("abandon_rate", "pct"),
    ("occupancy", "pct"),
    ("paid_hours", "count"),
    ("cost", "money"),
)


def comparison_rows(result: WeekComparison) -> list[dict[str, Any]]:
    """A long table: ``scope`` (``day`` or ``week``), ``name`` (the day, or ``week``),
    ``kpi``, ``base``, ``alt``, ``diff``, ``ci_low``, ``ci_high`` (every KPI)."""
    rows = []
    scopes = [("day", d) for d in result.days] + [("week", "week")]
    for scope, name in scopes:
        pick = (lambda f: f["week"]) if scope == "week" else (lambda f: f["by_day"][name])  # noqa: B023
        diff, base, alt = pick(result.diff), pick(result.base_figures), pick(result.alt_figures)
        for kpi, figure in diff.items():
            low, high = figure.get("ci95") or (None, None)
            rows.append(
                {
                    "scope": scope,
                    "name": name,
                    "kpi": kpi,
                    "base": base.get(kpi, {}).get("mean"),
                    "alt": alt.get(kpi, {}).get("mean"),
                    "diff": figure.get("mean"),
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return rows


def week_comparison_json(result: WeekComparison) -> dict[str, Any]:
    """The ``--json`` document: the two weeks' names, and per day and for the week
    each KPI's ``base``, ``alt`` and ``diff`` (``{"mean", "ci95"}``)."""

    def side(pick) -> dict:
        return {"base": pick(result.base_figures), "alt": pick(result.alt_figures),
                "diff": pick(result.diff)}  # fmt: skip

    return {
        "base": result.base.week.name,
        "alt": result.alt.week.name,
        "replications": result.base.replications,
        "seed": result.base.seed,
        "by_day": [{"day": d, **side(lambda f, d=d: f["by_day"][d])} for d in result.days],
        "week": side(lambda f: f["week"]),
    }


def _signed(value: float | None, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "pct":
        return f"{100 * value:+.1f}"
    if kind == "money":
        return f"{value:+,.2f}"
    return f"{value:+,.1f}"


def diff_text(figure: dict | None, kind: str, lang: str) -> str:
    """``+3.2 [+1.0, +5.4] pp`` (points for a fraction, the KPI's unit otherwise)."""
    figure = figure or {}
    ci = figure.get("ci95")
    text = _signed(figure.get("mean"), kind)
    if ci:
        text += f" [{_signed(ci[0], kind)}, {_signed(ci[1], kind)}]"
    return text + (f" {tr('unit.pp', lang)}" if kind == "pct" else "")


def week_comparison_table(result: WeekComparison, lang: str = "en") -> str:
    """For each KPI of `COMPARED`: a row per day and the week, base, alternative and
    the paired difference [95 % CI]."""
    names = {e["day"]: e for e in _entries(result)}
    lines = [
        tr("compare.base_line", lang, name=result.base.week.name),
        tr("compare.alt_line", lang, name=result.alt.week.name),
        tr("compare.paired", lang, n=result.base.replications, seed=result.base.seed),
    ]
    for kpi, kind in COMPARED:
        if kpi not in result.diff.get("week", {}):
            continue
        lines += ["", kpi_label(kpi, lang)]
        lines.append(
            _pad(tr("week.day", lang), 12)
            + _pad(tr("compare.base", lang), 12, right=True)
            + _pad(tr("compare.alt", lang), 12, right=True)
            + "   "
            + tr("compare.diff", lang)
        )
        scopes = [(day_name(names[d], lang), result.diff["by_day"][d], d) for d in result.days]
        scopes.append((tr("week.week", lang), result.diff["week"], None))
        for label, diff, d in scopes:
            base = result.base_figures["week" if d is None else "by_day"]
            alt = result.alt_figures["week" if d is None else "by_day"]
            base, alt = (base if d is None else base[d]), (alt if d is None else alt[d])
            lines.append(
                _pad(label, 12)
                + f"{format_value((base.get(kpi) or {}).get('mean'), kind):>12}"
                + f"{format_value((alt.get(kpi) or {}).get('mean'), kind):>12}   "
                + diff_text(diff.get(kpi), kind, lang)
            )
    return "\n".join(lines)


def _entries(result: WeekComparison) -> list[dict]:
    return [
        {"day": d.label, "weekday": d.weekday, "date": d.date and d.date.isoformat()}
        for d in result.base.week.days
    ]


def write_week_comparison(result: WeekComparison, out: Path) -> list[Path]:
    """``week_comparison.json`` and ``week_comparison.csv`` (`comparison_rows`) in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    doc = out / "week_comparison.json"
    doc.write_text(json.dumps(week_comparison_json(result)), encoding="utf-8")
    table = out / "week_comparison.csv"
    rows = comparison_rows(result)
    with table.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [doc, table]
