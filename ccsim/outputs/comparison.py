"""A comparison as people read it: the day and interval tables, the ``--json``
document and the files of ``ccsim compare --out`` (CSV, JSON, charts).

The comparison itself (paired differences, Welch intervals) is
`ccsim.batch.comparison`; this module only shows it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.atomic import atomic_path, write_text
from ccsim.batch.comparison import _FIGURES, ComparisonResult, renamed
from ccsim.i18n import check_lang, kpi_label, tr
from ccsim.outputs.jsondoc import dumps
from ccsim.outputs.report import DAY_ROWS, _left, _right, format_value


def _figure(row: pd.Series) -> dict[str, Any]:
    """One table row as JSON: NaN becomes null."""
    f = {k: None if pd.isna(row[k]) else float(row[k]) for k in _FIGURES if k != "n"}
    return {
        "base": f["base"],
        "alt": f["alt"],
        "diff": f["diff"],
        "ci95": None if f["ci_low"] is None else [f["ci_low"], f["ci_high"]],
        "unpaired_ci95": (
            None if f["unpaired_low"] is None else [f["unpaired_low"], f["unpaired_high"]]
        ),
        "width_ratio": f["width_ratio"],
        "n": int(row["n"]),
    }


def to_json(result: ComparisonResult) -> dict[str, Any]:
    """The ``ccsim compare --json`` document: the runs, then every KPI's figures by scope,
    laid out like ``ccsim run --json`` (``summary``, ``by_interval``, ...)."""
    doc: dict[str, Any] = {
        "base": result.base.scenario.name,
        "alt": result.alt.scenario.name,
        "replications": result.base.replications,
        "seed": result.base.seed,
        "engine": {"base": result.base.engine, "alt": result.alt.engine},
        "summary": {},
        "by_interval": [],
        "by_call_type": {},
        "by_agent_group": {},
    }
    intervals: dict[str, dict[str, Any]] = {}
    for _, row in result.table.iterrows():
        scope, kpi = row["scope"], row["kpi"]
        key = row["interval"] if scope == "interval" else row["name"]
        if scope == "day":
            entry = doc["summary"]
        elif scope == "interval":
            entry = intervals.setdefault(key, {"start": key})
        else:
            entry = doc[f"by_{scope}"].setdefault(key, {})
        entry[kpi] = _figure(row)
    doc["by_interval"] = list(intervals.values())
    return doc


def _fmt_diff(value: float, kind: str, lang: str = "en") -> str:
    """A signed difference: fractions in percentage points."""
    if math.isnan(value):
        return "—"
    if kind == "pct":
        return f"{100 * value:+.1f} {tr('unit.pp', lang)}"
    return ("+" if value >= 0 else "-") + format_value(abs(value), kind)


def _diff_cell(row: pd.Series, kind: str, lang: str = "en") -> str:
    """``-27.3 pp [-34.5 pp, -20.2 pp]``; in Chinese the unit once, at the end
    (``-27.3 [-34.5, -20.2] 个百分点``)."""
    once = lang == "zh" and kind == "pct" and not math.isnan(row["diff"])
    fmt = (lambda v: f"{100 * v:+.1f}") if once else (lambda v: _fmt_diff(v, kind, lang))
    ci = ""
    if not math.isnan(row["ci_low"]):
        ci = f" [{fmt(row['ci_low'])}, {fmt(row['ci_high'])}]"
    return fmt(row["diff"]) + ci + (f" {tr('unit.pp', lang)}" if once else "")


def _ratio_cell(ratio: float) -> str:
    return "—" if math.isnan(ratio) else f"{ratio:.2f}×"


#: What each roster costs, shown under the day's KPIs: (kpi, label, kind).
ROSTER_ROWS: tuple[tuple[str, str, str], ...] = (
    ("staffed_hours", "Agent-hours on the floor", "count"),
    ("scheduled_hours", "Scheduled hours", "count"),
    ("paid_hours", "Paid hours", "count"),
    ("agent_cost", "Agent cost", "money"),
)


def _header(first: str, width: int, lang: str, col: int) -> str:
    return (
        f"{_left(first, width)}{_right(tr('compare.base', lang), col)}"
        f"{_right(tr('compare.alt', lang), col)}   "
        f"{_left(tr('compare.diff', lang), 38)}{tr('compare.width_ratio', lang)}"
    )


def day_table(result: ComparisonResult, lang: str | None = None) -> str:
    """The day's KPIs: base, alternative, difference with its paired 95 % interval, and
    how wide that interval is next to the unpaired one; in ``lang`` (default: the
    base scenario's)."""
    b, a = result.base, result.alt
    lang = check_lang(lang or getattr(b.scenario, "lang", None))
    lines = [
        tr("compare.base_line", lang, name=b.scenario.name),
        tr("compare.alt_line", lang, name=a.scenario.name),
        tr("compare.paired", lang, n=b.replications, seed=b.seed),
        "",
        _header(tr("table.kpi", lang), 30, lang, 12),
    ]
    day = result.day
    for kpi, _label, kind in (*DAY_ROWS, *ROSTER_ROWS):
        if kpi not in day.index:
            continue
        row = day.loc[kpi]
        base, alt = format_value(row["base"], kind), format_value(row["alt"], kind)
        lines.append(
            f"{_left(kpi_label(kpi, lang), 30)}{base:>12}{alt:>12}   "
            f"{_left(_diff_cell(row, kind, lang), 38)}{_ratio_cell(row['width_ratio'])}"
        )
    return "\n".join(lines)


def interval_table(
    result: ComparisonResult, kpi: str = "service_level", lang: str | None = None
) -> str:
    """One KPI (a fraction, by default the service level) per interval: base,
    alternative, difference with its paired 95 % interval, and the width ratio."""
    lang = check_lang(lang or getattr(result.base.scenario, "lang", None))
    lines = [
        tr("compare.interval_title", lang, kpi=kpi_label(kpi, lang)),
        _header(tr("word.interval", lang), 9, lang, 9),
    ]
    for start, row in result.intervals.xs(kpi, level="kpi").iterrows():
        base, alt = format_value(row["base"], "pct"), format_value(row["alt"], "pct")
        lines.append(
            f"{start:<9}{base:>9}{alt:>9}   "
            f"{_left(_diff_cell(row, 'pct', lang), 38)}{_ratio_cell(row['width_ratio'])}"
        )
    return "\n".join(lines)


def write_outputs(
    result: ComparisonResult, out_dir: Path, lang: str = "en", alt_name: str | None = None
) -> list[Path]:
    """Write ``comparison.csv`` (the tidy table), ``comparison.json`` (the ``--json``
    document), ``comparison_sl.png`` (SL difference per interval) and
    ``comparison_rosters.png`` (both rosters' SL per interval against the target),
    labels in ``lang``; the alternative called ``alt_name`` when given."""
    from ccsim.charts import sl_difference_chart  # matplotlib only when asked for

    out_dir.mkdir(parents=True, exist_ok=True)
    files = ("comparison.csv", "comparison.json", "comparison_sl.png", "comparison_rosters.png")
    paths = [out_dir / n for n in files]
    from ccsim.outputs.csvfiles import write_frame

    write_frame(result.table, paths[0])
    write_text(paths[1], dumps(to_json(result), indent=1))
    names = (result.base.scenario.name, alt_name or result.alt.scenario.name)
    chart = sl_difference_chart(result.table, lang=lang, names=names)
    with atomic_path(paths[2]) as tmp:
        chart.savefig(tmp, dpi=120, bbox_inches="tight")
    from ccsim.charts.rosters import both_rosters_chart

    shown = renamed(result, alt_name) if alt_name else result
    with atomic_path(paths[3]) as tmp:
        both_rosters_chart(shown, lang).savefig(tmp, dpi=120, bbox_inches="tight")
    return paths
