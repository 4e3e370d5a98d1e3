"""The report's KPI sections: the day's figures with 95 % CIs, the service-level risk,
per interval, per queue, per call type and agent group, and the cost."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from ccsim.batch.result import RunResult
from ccsim.i18n import kpi_label, tr
from ccsim.outputs.html_pieces import (
    _ci,
    _e,
    _figure_html,
    _Html,
    _kv,
    _mark,
    _mean,
    _pct,
    _section,
    _table,
)
from ccsim.outputs.report import (
    BEHAVIOUR_ROWS,
    DAY_ROWS,
    IVR_ROWS,
    format_value,
    uses_behaviours,
)

#: Per-interval columns: (kpi, kind).
_INTERVAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("offered", "count"),
    ("answered", "count"),
    ("abandoned", "count"),
    ("service_level", "pct"),
    ("p_wait", "pct"),
    ("asa_s", "sec"),
    ("abandon_rate", "pct"),
    ("occupancy", "pct"),
    ("max_queue", "count"),
    ("available_agents", "count"),
)


#: Per-call-type columns: (kpi, kind).
_CALL_TYPE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("offered", "count"),
    ("answered", "count"),
    ("abandoned", "count"),
    ("service_level", "pct"),
    ("p_wait", "pct"),
    ("asa_s", "sec"),
    ("abandon_rate", "pct"),
    ("aht_s", "sec"),
    ("wait_p90_s", "sec"),
)


#: Per-agent-group columns: (kpi, kind).
_GROUP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("scheduled_hours", "count"),
    ("answered", "count"),
    ("aht_s", "sec"),
    ("occupancy", "pct"),
    ("p_wait", "pct"),
    ("utilization", "pct"),
    ("on_break_hours", "count"),
    ("overtime_hours", "count"),
    ("cost", "money"),
)


_COST_ROWS: tuple[tuple[str, str], ...] = (
    ("agent_cost", "money"),
    ("telecom_cost", "money"),
    ("outsourced_cost", "money"),
    ("cost", "money"),
    ("cost_per_call", "money"),
    ("paid_hours", "count"),
)


def _figure_table(result: RunResult, rows: Iterable[tuple[str, str]], lang: str) -> _Html:
    """KPI, mean and 95 % CI for each of ``rows`` (kpi, kind) of the day's summary;
    with one replication no CI column, a note instead."""
    figures = result.summary["summary"]
    several = result.replications > 1
    headers = [tr("table.kpi", lang), tr("table.mean", lang)]
    headers += [tr("table.ci95", lang)] if several else []
    table = _table(
        headers,
        [
            [kpi_label(k, lang), format_value(_mean(figures[k]), kind)]
            + ([_ci(figures[k], kind)] if several else [])
            for k, kind in rows
            if k in figures
        ],
        cls="kpis",
    )
    return table if several else _Html(f'{table}\n<p class="note">{_e(tr("no_ci", lang))}</p>')


def _kpi_section(result: RunResult, lang: str) -> str:
    rows = [(k, kind) for k, _, kind in DAY_ROWS]
    if result.scenario.ivr is not None:
        rows += [(k, kind) for k, _, kind in IVR_ROWS]
    if uses_behaviours(result.scenario):
        rows += [(k, kind) for k, _, kind in BEHAVIOUR_ROWS]
    table = _figure_table(result, rows, lang)
    line = tr(
        "run.line",
        lang,
        reps=result.replications,
        seed=result.seed,
        sl=f"{_pct(result.scenario.service_level.target)}/"
        f"{result.scenario.service_level.threshold:g}s",
    )
    extra = _ratio_tables(result, lang)
    return _section("kpis", lang, f"<p>{_e(line)}</p>\n{table}{extra}", keep=True)


def _ratio_tables(result: RunResult, lang: str) -> str:
    """The day's rates as ratios of totals beside the means of daily ratios, and the
    exact Erlang C / A figures when the scenario is that queue (`ccsim.outputs.report`)."""
    from ccsim.outputs.report import RATIO_ROWS
    from ccsim.planning.theory import theory_reference

    out = ""
    totals = (result.ratio_of_totals or {}).get("summary", {})
    daily = result.summary["summary"]
    if result.replications > 1 and totals:
        rows = [
            [
                kpi_label(k, lang),
                format_value(_mean(totals[k]), kind),
                _ci(totals[k], kind),
                format_value(_mean(daily.get(k)), kind),
            ]
            for k, kind in RATIO_ROWS
            if k in totals
        ]
        head = [
            tr("table.kpi", lang),
            tr("table.ratio_of_totals_col", lang),
            tr("table.ci95", lang),
        ]
        out += f"\n<p>{_e(tr('table.ratio_of_totals', lang))}</p>\n"
        out += _table([*head, tr("table.mean_of_daily_ratios", lang)], rows, cls="kpis")
    theory = theory_reference(result.scenario)
    if theory is not None:
        rows = [
            [kpi_label(k, lang), format_value(getattr(theory, k), kind)]
            for k, kind in RATIO_ROWS[:4]
        ]
        out += f"\n<p>{_e(tr('table.theory', lang, model=theory.model))}</p>\n"
        out += _table([tr("table.kpi", lang), tr("table.exact", lang)], rows, cls="kpis")
    return out


def _has_risk(result: RunResult) -> bool:
    return bool(result.risk) and result.replications > 1


def _risk_section(result: RunResult, lang: str) -> str:
    if not _has_risk(result):
        return _section("risk", lang, f"<p>{_e(tr('risk.one', lang))}</p>")
    risk = result.risk
    target = _pct(risk["target"])
    day = risk["day"]
    intro = tr("risk.intro", lang, target=target, n=result.replications)
    pairs = [
        (tr("risk.day", lang), format_value(day["p_meet_target"], "pct")),
        (tr("risk.day_p10", lang), format_value(day["p10"], "pct")),
    ]
    defined = [r for r in risk["by_interval"] if r["p_meet_target"] is not None]
    risky = [r for r in defined if r["p_meet_target"] < 0.5]
    met = sum(1 for r in defined if r["p_meet_target"] >= 0.9)
    counts = tr("risk.counts", lang, met=met, n=len(defined), risky=len(risky))
    if risky:
        detail = _table(
            [tr("col.interval", lang), tr("col.p_meet_target", lang), tr("col.sl_p10", lang)],
            [
                [r["start"], format_value(r["p_meet_target"], "pct"), format_value(r["p10"], "pct")]
                for r in risky
            ],
            cls="narrow",
        )
    else:
        detail = _Html(f"<p>{_e(tr('risk.none_risky', lang))}</p>")
    return _section(
        "risk", lang, f"<p>{_e(intro)}</p>\n{_kv(pairs)}\n<p>{_e(counts)}</p>\n{detail}"
    )


def _interval_section(result: RunResult, lang: str) -> str:
    target = result.scenario.service_level.target
    risk = result.risk["by_interval"] if _has_risk(result) else None
    several = result.replications > 1
    headers = [tr("col.interval", lang)]
    for k, _ in _INTERVAL_COLUMNS:
        headers.append(kpi_label(k, lang))
        if k == "service_level" and several:
            headers.append(f"SL {tr('table.ci95', lang)}")
    if risk:
        headers += [tr("col.p_meet_target", lang), tr("col.sl_p10", lang)]
    # coverage with `run --required`: scheduled (on shift), required, over/under
    # (available − required; available is the column above)
    coverage = [k for k in ("scheduled_agents", "required", "over_under")
                if "required" in result.summary["by_interval"][0]]  # fmt: skip
    headers += [kpi_label(k, lang) for k in coverage]
    has_events = any(row.get("events") for row in result.summary["by_interval"])
    if has_events:
        headers.append(tr("events.col", lang))
    rows = []
    for i, row in enumerate(result.summary["by_interval"]):
        cells: list[Any] = [row["start"]]
        for k, kind in _INTERVAL_COLUMNS:
            value = _mean(row.get(k))
            text = format_value(value, kind)
            if k == "service_level":
                cells.append(_mark(text, value is not None and value < target - 1e-12))
                if several:
                    cells.append(_ci(row.get(k), kind))
            else:
                cells.append(text)
        if risk:
            p = risk[i]["p_meet_target"]
            cells.append(_mark(format_value(p, "pct"), p is not None and p < 0.5))
            cells.append(format_value(risk[i]["p10"], "pct"))
        cells += [format_value(_mean(row.get(k)), "count") for k in coverage]
        if has_events:
            cells.append("; ".join(row.get("events", [])))
        rows.append(cells)
    note = f'<p class="note">{_e(tr("miss.note", lang))}</p>'
    return _section(
        "intervals", lang, f"{note}\n{_table(headers, rows, cls='wide')}", page_break=True
    )


def _queue_interval_section(result: RunResult, lang: str) -> str:
    """Each queue's table per interval (SL below target in red) and its SL chart."""
    from ccsim.charts.queues import queue_service_level_chart
    from ccsim.outputs.queues import QUEUE_COLUMNS

    per_type = result.summary.get("by_call_type_interval") or {}
    target = result.scenario.service_level.target
    parts = []
    for name, rows in per_type.items():
        headers = [tr("col.interval", lang), *(kpi_label(k, lang) for k, _ in QUEUE_COLUMNS)]
        cells = []
        for row in rows:
            line: list[Any] = [row["start"]]
            for k, kind in QUEUE_COLUMNS:
                value = _mean(row.get(k))
                text = format_value(value, kind)
                miss = k == "service_level" and value is not None and value < target - 1e-12
                line.append(_mark(text, miss))
            cells.append(line)
        parts.append(f"<h3>{_e(name)}</h3>\n{_table(headers, cells, cls='wide')}")
        try:
            fig = queue_service_level_chart(result, name, lang)
            parts.append(_figure_html(fig, f"queue-{name}"))
        except Exception as err:  # the table stands without the chart
            warnings.warn(f"queue chart {name} could not be drawn: {err!r}", stacklevel=2)
    if not parts:
        parts.append(f"<p>{_e(tr('charts.none', lang))}</p>")
    return _section("queue-intervals", lang, "\n".join(parts), page_break=True)


def _by_name_table(
    figures: dict[str, dict],
    names: Sequence[str],
    columns: Sequence[tuple[str, str]],
    lang: str,
    ci_kpi: str | None = None,
    several: bool = False,
) -> _Html:
    """One row per name, the mean of each column; the CI of ``ci_kpi`` in its own column."""
    headers = [tr("name", lang)]
    for k, _ in columns:
        headers.append(kpi_label(k, lang))
        if k == ci_kpi and several:
            headers.append(tr("table.ci95", lang))
    rows = []
    for name in names:
        row = figures.get(name, {})
        cells: list[Any] = [name]
        for k, kind in columns:
            cells.append(format_value(_mean(row.get(k)), kind))
            if k == ci_kpi and several:
                cells.append(_ci(row.get(k), kind))
        rows.append(cells)
    return _table(headers, rows, cls="wide")


def _call_type_section(result: RunResult, lang: str) -> str:
    names = [c.name for c in result.scenario.call_types]
    table = _by_name_table(
        result.summary["by_call_type"],
        names,
        _CALL_TYPE_COLUMNS,
        lang,
        "service_level",
        result.replications > 1,
    )
    return _section("call-types", lang, table, keep=True)


def _group_section(result: RunResult, lang: str) -> str:
    names = [g.name for g in result.scenario.agent_groups]
    table = _by_name_table(
        result.summary["by_agent_group"],
        names,
        _GROUP_COLUMNS,
        lang,
        "occupancy",
        result.replications > 1,
    )
    return _section("agent-groups", lang, table, keep=True)


def _cost_section(result: RunResult, lang: str) -> str:
    s = result.scenario
    summary = result.summary["summary"]
    rows = list(_COST_ROWS)
    if not any(g.price_per_call is not None for g in s.agent_groups):
        rows.remove(("outsourced_cost", "money"))
    parts = [_figure_table(result, rows, lang)]
    no_cost = (
        not s.costs.agent_hour
        and not s.costs.telecom_minute
        and not any(g.agent_hour or g.price_per_call for g in s.agent_groups)
    )
    if no_cost:
        parts.insert(0, _Html(f"<p>{_e(tr('cost.none', lang))}</p>"))
    agent_cost = _mean(summary.get("agent_cost")) or 0.0
    groups = result.summary["by_agent_group"]
    share_rows = []
    for g in s.agent_groups:
        cost = _mean(groups[g.name].get("cost"))
        share = cost / agent_cost if cost is not None and agent_cost > 0 else None
        share_rows.append(
            [
                g.name,
                format_value(_mean(groups[g.name].get("paid_hours")), "count"),
                format_value(cost, "money"),
                format_value(share, "pct"),
            ]
        )
    parts.append(
        _table(
            [
                tr("name", lang),
                tr("cost.paid_hours", lang),
                kpi_label("cost", lang),
                tr("cost.share", lang),
            ],
            share_rows,
            cls="narrow",
        )
    )
    return _section("cost", lang, "\n".join(parts), keep=True)
