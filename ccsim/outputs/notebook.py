"""How results look in a notebook: a one-line ``repr`` and a small HTML KPI table.

A `Scenario`, `RunResult`, `ComparisonResult` or `SweepResult` typed at a Jupyter
prompt shows `..._html` (Jupyter calls ``_repr_html_``); in a terminal, ``repr``
gives one line with the headline numbers instead of the whole nested dataclass
(a scenario holds a rate per interval, a result every replication's KPIs).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccsim.batch.comparison import ComparisonResult
    from ccsim.batch.runner import RunResult
    from ccsim.batch.sweeps import SweepResult
    from ccsim.scenario.model import Scenario

#: The day KPIs a result's display shows: (kpi, label, kind of value).
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("offered", "Offered calls", "count"),
    ("service_level", "Service level", "pct"),
    ("asa_s", "ASA", "sec"),
    ("abandon_rate", "Abandon rate", "pct"),
    ("wait_p90_s", "Wait, 90th percentile", "sec"),
    ("occupancy", "Occupancy", "pct"),
    ("cost", "Cost", "money"),
)
#: The KPIs of the one-line ``repr``.
SHORT = (("service_level", "SL", "pct"), ("asa_s", "ASA", "sec"), ("abandon_rate", "aband.", "pct"))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _value(value: Any, kind: str) -> str:
    from ccsim.outputs.report import format_value

    return format_value(value, kind)


def _ci(ci: Sequence[float] | None, kind: str) -> str:
    if not ci or any(v is None or (isinstance(v, float) and math.isnan(v)) for v in ci):
        return ""
    return f"[{_value(ci[0], kind)}, {_value(ci[1], kind)}]"


def _align(cell: str) -> str:
    """Numbers (and intervals of them) right-aligned, text left-aligned."""
    return "right" if cell[:1].isdigit() or cell[:1] in "+-−[—" else "left"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    """An HTML table, every cell escaped; numbers right-aligned."""
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td style='text-align:{_align(c)}'>{html.escape(c)}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --------------------------------------------------------------------------- scenario


def _horizon(scenario: Scenario) -> str:
    from ccsim.units import format_clock, format_duration

    h = scenario.horizon
    text = f"{format_clock(h.start)}–{format_clock(h.end)} by {format_duration(h.interval)}"
    return text + (f", warm-up {format_duration(h.warmup)}" if h.warmup else "")


def scenario_repr(scenario: Scenario) -> str:
    """``Scenario('name', 09:00–13:00 by 30min, 1 call type, 1 agent group, …)``."""
    parts = [
        _horizon(scenario),
        _plural(len(scenario.call_types), "call type"),
        _plural(len(scenario.agent_groups), "agent group"),
        _plural(scenario.replications, "replication"),
    ]
    if scenario.seed is not None:
        parts.append(f"seed {scenario.seed}")
    return f"Scenario({scenario.name!r}, {', '.join(parts)})"


def _staffing(group: Any) -> str:
    if group.agents_per_interval is not None:
        return f"{min(group.agents_per_interval)}–{max(group.agents_per_interval)} per interval"
    if group.shifts:
        return _plural(len(group.shifts), "shift")
    return str(group.agents)


def scenario_html(scenario: Scenario) -> str:
    """The scenario's horizon, call types (calls offered, mean handle time) and groups."""
    h = scenario.horizon
    types = [
        (
            ct.name,
            ct.channel,
            f"{sum(ct.rates) * h.interval:,.0f}",
            _value(ct.handle_time.mean, "sec"),
        )
        for ct in scenario.call_types
    ]
    groups = [(g.name, ", ".join(g.skills), _staffing(g)) for g in scenario.agent_groups]
    sl = scenario.service_level
    title = (
        f"<p><b>{html.escape(scenario.name)}</b> — {html.escape(_horizon(scenario))}; "
        f"SL target {100 * sl.target:.0f}% within {sl.threshold:g}s; "
        f"{_plural(scenario.replications, 'replication')}"
        + (f", seed {scenario.seed}" if scenario.seed is not None else "")
        + "</p>"
    )
    return (
        title
        + _table(["call type", "channel", "calls offered", "mean handle time"], types)
        + _table(["agent group", "skills", "agents"], groups)
    )


# --------------------------------------------------------------------------- a run


def _day_figure(result: RunResult, kpi: str) -> dict[str, Any] | None:
    figure = result.summary.get("summary", {}).get(kpi)
    return figure if isinstance(figure, dict) and "mean" in figure else None


def run_repr(result: RunResult) -> str:
    """``RunResult('name', 30 replications, seed 7, fast: SL 88.1% [86.0%, 90.2%], …)``."""
    figures = []
    for kpi, label, kind in SHORT:
        figure = _day_figure(result, kpi)
        if figure is not None:
            ci = _ci(figure.get("ci95"), kind)
            figures.append(f"{label} {_value(figure['mean'], kind)}" + (f" {ci}" if ci else ""))
    head = (
        f"{result.scenario.name!r}, {_plural(result.replications, 'replication')}, "
        f"seed {result.seed}, {result.engine}"
    )
    return f"RunResult({head}: {', '.join(figures)})"


def run_html(result: RunResult) -> str:
    """The day's headline KPIs: mean and 95 % CI over the replications."""
    rows = []
    for kpi, label, kind in HEADLINE:
        figure = _day_figure(result, kpi)
        if figure is not None:
            rows.append((label, _value(figure["mean"], kind), _ci(figure.get("ci95"), kind)))
    caption = (
        f"{result.scenario.name} — {_plural(result.replications, 'replication')}, "
        f"seed {result.seed}, engine {result.engine}"
    )
    return _table(["KPI", "mean", "95% CI"], rows, caption)


# --------------------------------------------------------------------------- a comparison


def _signed(value: float, kind: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    if kind == "pct":
        return f"{100 * value:+.1f} pp"
    return ("+" if value >= 0 else "-") + _value(abs(value), kind)


def _diff_rows(result: ComparisonResult, kpis: Sequence[tuple[str, str, str]]):
    day = result.day
    for kpi, label, kind in kpis:
        if kpi not in day.index:
            continue
        row = day.loc[kpi]
        ci = ""
        if not math.isnan(row["ci_low"]):
            ci = f"[{_signed(row['ci_low'], kind)}, {_signed(row['ci_high'], kind)}]"
        yield kpi, label, kind, row, ci


def comparison_repr(result: ComparisonResult) -> str:
    """``ComparisonResult('base' vs 'alt', 30 paired replications, seed 7: SL +5.2 pp […])``."""
    figures = [
        f"{label} {_signed(row['diff'], kind)}" + (f" {ci}" if ci else "")
        for _, label, kind, row, ci in _diff_rows(result, SHORT)
    ]
    b, a = result.base, result.alt
    head = (
        f"{b.scenario.name!r} vs {a.scenario.name!r}, "
        f"{_plural(b.replications, 'paired replication')}, seed {b.seed}"
    )
    return f"ComparisonResult({head}: {', '.join(figures)})"


def comparison_html(result: ComparisonResult) -> str:
    """Base, alternative and the paired difference with its 95 % CI, per headline KPI."""
    rows = [
        (
            label,
            _value(row["base"], kind),
            _value(row["alt"], kind),
            _signed(row["diff"], kind),
            ci,
            "—" if math.isnan(row["width_ratio"]) else f"{row['width_ratio']:.2f}×",
        )
        for _, label, kind, row, ci in _diff_rows(result, HEADLINE)
    ]
    b, a = result.base, result.alt
    caption = (
        f"{a.scenario.name} − {b.scenario.name}: "
        f"{_plural(b.replications, 'paired replication')}, seed {b.seed}"
    )
    header = ["KPI", "base", "alt", "difference", "95% CI", "CI width vs unpaired"]
    return _table(header, rows, caption)


# --------------------------------------------------------------------------- a sweep


def sweep_repr(result: SweepResult) -> str:
    """``SweepResult('name', 4 points × 20 replications, seed 7, service_level over …)``."""
    n = int(result.table["point"].nunique()) if len(result.table) else 0
    return (
        f"SweepResult({result.scenario_name!r}, {_plural(n, 'point')} × "
        f"{_plural(result.replications, 'replication')}, seed {result.seed}, "
        f"parameters {', '.join(result.parameters)})"
    )


def sweep_html(result: SweepResult) -> str:
    """The sweep's KPI per point: the parameters, mean and 95 % CI."""
    from ccsim.batch.sweeps import _kind

    kind = _kind(result.kpi)
    table = result.kpi_table()
    values = [table[p].tolist() for p in result.parameters]  # column by column: ints stay
    rows = [
        (
            *(str(column[i]) for column in values),
            _value(table["mean"].iloc[i], kind),
            _ci((table["ci_low"].iloc[i], table["ci_high"].iloc[i]), kind),
        )
        for i in range(len(table))
    ]
    caption = (
        f"{result.scenario_name}: {result.kpi}, {_plural(result.replications, 'replication')}"
        f" per point, seed {result.seed} (common random numbers)"
    )
    return _table([*result.parameters, result.kpi, "95% CI"], rows, caption)
