"""A week's outputs: the ``--json`` document (with ``by_day``) and the per-day table.

The document keeps the single day's layout (``summary``, ``by_interval``,
``by_call_type``, ``by_agent_group``: each figure ``{"mean", "ci95"}``), with the
week's figures in ``summary`` and the sections, and adds ``by_day``: one entry per
day of ``horizon.days``, ``{"day", "weekday", "date", "open", "seed"}`` and the
fields of that day's ``summary`` (a closed day has no figures). ``by_interval``
rows run through the week; each names its ``day``, and its ``start`` counts days
on as horizons past midnight do (``"08:00+1"`` is 08:00 on the second day).
"""

from __future__ import annotations

from typing import Any

from ccsim.batch.week import WeekResult, day_seed
from ccsim.scenario.week import day_name
from ccsim.units import format_clock, parse_clock

__all__ = [
    "day_name",
    "by_day",
    "by_day_rows",
    "day_rows_table",
    "interval_rows",
    "week_json",
    "week_intervals",
]

#: The per-day table's columns: (KPI, heading key of `ccsim.i18n`, kind).
_COLUMNS = (
    ("offered", "col.offered", "count"),
    ("answered", "col.answered", "count"),
    ("abandoned", "col.abandoned", "count"),
    ("service_level", "col.service_level", "pct"),
    ("asa_s", "col.asa_s", "secs"),
    ("abandon_rate", "col.abandon_rate", "pct"),
    ("occupancy", "col.occupancy", "pct"),
    ("paid_hours", "week.col_paid_hours", "count"),
)


def by_day(result: WeekResult) -> list[dict[str, Any]]:
    """One entry per day: its name, date, whether it is open, its seed, its summary."""
    out = []
    for i, (day, run) in enumerate(result.days):
        entry: dict[str, Any] = {
            "day": day.label,
            "weekday": day.weekday,
            "date": None if day.date is None else day.date.isoformat(),
            "open": run is not None,
            "seed": day_seed(result.seed, i),
        }
        if run is not None:
            entry.update(run.summary["summary"])
        out.append(entry)
    return out


def week_intervals(result: WeekResult) -> list[dict[str, Any]]:
    """The open days' interval rows, in order, labelled with the day and week time."""
    from ccsim.outputs.report import intervals

    rows = []
    for day, run in result.days:
        if run is None:
            continue
        for row in intervals(run):
            start = format_clock(parse_clock(row["start"]) + day.offset)
            rows.append({**row, "start": start, "day": day.label})
    return rows


def week_json(result: WeekResult) -> dict[str, Any]:
    """The ``--json`` document of a week run."""
    base = result.week.base
    summary = result.summary
    return {
        "scenario": result.week.name,
        "replications": result.replications,
        "seed": result.seed,
        "engine": next((r.engine for _, r in result.days if r is not None), None),
        "service_level": {
            "threshold_s": base.service_level.threshold,
            "target": base.service_level.target,
            "definition": base.service_level.definition,
        },
        "lang": getattr(base, "lang", None),
        "days": [d.label for d in result.week.days],
        "summary": summary.get("summary", {}),
        "by_day": by_day(result),
        "by_interval": week_intervals(result),
        "by_call_type": summary.get("by_call_type", {}),
        "by_agent_group": summary.get("by_agent_group", {}),
        "rate_estimator": "ratio_of_days_totals",
        **({"precision": result.precision} if result.precision else {}),
    }


def day_rows_table(result: WeekResult, lang: str = "en") -> str:
    """The week as aligned text in ``lang``: one row per day, then the week (means
    over replications)."""
    from ccsim.i18n import tr

    heads = [tr(key, lang) for _, key, _ in _COLUMNS]
    entries = by_day(result)
    names = [day_name(e, lang) for e in entries]
    width = max(12, *(_shown(n) + 2 for n in names))
    lines = [
        tr(
            "week.header",
            lang,
            name=result.week.name,
            days=len(result.week.days),
            reps=result.replications,
            seed=result.seed,
        ),
        "",
        _pad(tr("week.day", lang), width) + "".join(_pad(h, 11, right=True) for h in heads),
    ]
    for name, entry in zip(names, entries, strict=True):
        if not entry["open"]:
            lines.append(_pad(name, width) + _pad(tr("week.closed", lang), 11, right=True))
            continue
        lines.append(_row(name, entry, width))
    if result.summary:
        lines.append(_row(tr("week.week", lang), result.summary["summary"], width))
    if result.precision:
        lines.append(_precision_line(result.precision, lang))
    return "\n".join(lines)


def _precision_line(p: dict[str, Any], lang: str) -> str:
    """The precision reached on the week's KPI, as the day table says it."""
    from ccsim.i18n import kpi_label, tr

    state = tr("table.precision_met", lang)
    if not p["met"]:
        state = tr("table.precision_not_met", lang, n=p["replications"])
    half = "—" if p["half_width"] is None else f"{p['half_width']:.4f}"
    return tr(
        "table.precision",
        lang,
        kpi=p["kpi"] if lang == "en" else kpi_label(p["kpi"], lang),
        half=half,
        target=f"{p['target']:.4f}",
        state=state,
    )


def _shown(text: str) -> int:
    """Columns ``text`` takes in a terminal (a Chinese character takes two)."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` columns as a terminal shows them (a Chinese
    character takes two)."""
    fill = " " * max(width - _shown(text), 1 if right else 0)
    return fill + text if right else text + fill


def _row(label: str, figures: dict[str, Any], width: int = 12) -> str:
    cells = []
    for key, _, kind in _COLUMNS:
        figure = figures.get(key)
        mean = None if not isinstance(figure, dict) else figure.get("mean")
        cells.append(f"{_format(mean, kind):>11}")
    return _pad(label, width) + "".join(cells)


def _format(x: float | None, kind: str) -> str:
    if x is None:
        return "-"
    if kind == "pct":
        return f"{100 * x:.1f}%"
    if kind == "secs":
        return f"{x:.1f}"
    return f"{x:,.1f}"


def by_day_rows(result: WeekResult) -> list[dict[str, Any]]:
    """``by_day`` as a wide table: ``day``, ``date``, ``open``, then ``<kpi>``,
    ``<kpi>_ci_low``, ``<kpi>_ci_high`` of each summary figure (empty when closed)."""
    entries = by_day(result)
    kpis = [k for e in entries for k, v in e.items() if isinstance(v, dict)]
    kpis = list(dict.fromkeys(kpis))
    rows = []
    for e in entries:
        row: dict[str, Any] = {"day": e["day"], "date": e["date"], "open": e["open"]}
        for k in kpis:
            figure = e.get(k) or {}
            low, high = figure.get("ci95") or (None, None)
            row[k], row[f"{k}_ci_low"], row[f"{k}_ci_high"] = figure.get("mean"), low, high
        rows.append(row)
    return rows


def interval_rows(result: WeekResult) -> list[dict[str, Any]]:
    """Every open day's intervals as a long table: ``scope`` (``interval``), ``name``
    (the day), ``interval`` (its start, ``"HH:MM"``), ``kpi``, ``mean``, ``ci_low``,
    ``ci_high``."""
    from ccsim.outputs.report import intervals

    rows = []
    for day, run in result.days:
        if run is None:
            continue
        for entry in intervals(run):
            for kpi, figure in entry.items():
                if not isinstance(figure, dict) or "mean" not in figure:
                    continue
                low, high = figure.get("ci95") or (None, None)
                rows.append(
                    {
                        "scope": "interval",
                        "name": day.label,
                        "interval": entry["start"],
                        "kpi": kpi,
                        "mean": figure["mean"],
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
    return rows
