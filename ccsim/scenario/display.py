"""How a scenario looks in a notebook (one-line ``repr``, small HTML tables), and the
HTML table helpers that results use for theirs (`ccsim.batch.display`).

A `Scenario`, `RunResult`, `ComparisonResult` or `SweepResult` typed at a Jupyter
prompt shows `..._html` (Jupyter calls ``_repr_html_``); in a terminal, ``repr``
gives one line with the headline numbers instead of the whole nested dataclass
(a scenario holds a rate per interval, a result every replication's KPIs).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

from ccsim.units import format_clock, format_duration, format_value

#: (Functions here take a `Scenario`, typed ``Any``: the data class calls them for its
#: ``repr``, so this module does not import it back.)
Scenario = Any

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
