"""One self-contained HTML report of a run, for a manager's screen or an A4 printout.

The report holds the scenario's summary, the assumptions behind the numbers, the
day's KPIs with their 95 % confidence intervals, the service-level risk, tables per
interval, call type and agent group, the cost, and the charts of `ccsim.charts`
embedded as SVG images — CSS inline, no script and no external URL, so it opens
offline, can be mailed as one file, and prints on A4. ``lang="zh"`` writes it in
Chinese.

Every text the scenario's author wrote (names, descriptions, labels) is escaped.
Nothing here simulates or computes a KPI: it formats `RunResult.summary` and
`RunResult.risk`, like `ccsim.outputs.report`.
"""

from __future__ import annotations

import base64
import datetime
import html
import inspect
import io
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.batch.runner import RunResult
from ccsim.i18n import LANGS, MESSAGES, check_lang, cjk_font, kpi_label, tr
from ccsim.outputs.atomic import write_text
from ccsim.outputs.report import (
    BEHAVIOUR_ROWS,
    DAY_ROWS,
    IVR_ROWS,
    format_ci,
    format_value,
    uses_behaviours,
)
from ccsim.units import format_clock, format_duration

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from ccsim.batch.comparison import ComparisonResult
    from ccsim.scenario.model import AgentGroup, CallType, Scenario

__all__ = ["LANGUAGES", "SECTIONS", "available_charts", "render_report", "write_report"]

#: The report's languages (those of `ccsim.i18n`).
LANGUAGES: tuple[str, ...] = LANGS

#: The HTML ids of the report's sections, in order; ``comparison`` only with a
#: comparison.
SECTIONS: tuple[str, ...] = (
    "summary",
    "assumptions",
    "kpis",
    "risk",
    "intervals",
    "queue-intervals",
    "call-types",
    "agent-groups",
    "cost",
    "charts",
    "comparison",
)

# --------------------------------------------------------------------------- HTML pieces


class _Html(str):
    """Markup built here: inserted as is, never escaped again."""


def _e(value: Any) -> _Html:
    """``value`` as text, escaped (markup built here passes through)."""
    if isinstance(value, _Html):
        return value
    return _Html(html.escape(str(value), quote=True))


def _table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, cls: str = "") -> _Html:
    """An HTML table, every cell escaped unless it is `_Html`. The CSS right-aligns
    cells after the first (numbers) unless ``cls`` is ``text``."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>\n" for row in rows)
    klass = f' class="{cls}"' if cls else ""
    return _Html(
        f"<table{klass}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"
    )


def _kv(pairs: Iterable[tuple[Any, Any]]) -> _Html:
    """A two-column list of labelled values."""
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>\n" for k, v in pairs)
    return _Html(f'<table class="kv">\n<tbody>\n{rows}</tbody>\n</table>')


def _section(
    sid: str, lang: str, body: str, *, page_break: bool = False, keep: bool = False
) -> str:
    """A section with its heading; in print, ``page_break`` starts it on a new page,
    ``keep`` keeps it on one page."""
    classes = " ".join(c for c, on in (("break", page_break), ("keep", keep)) if on)
    cls = f' class="{classes}"' if classes else ""
    return f'<section id="{sid}"{cls}>\n<h2>{_e(tr("sec." + sid, lang))}</h2>\n{body}\n</section>\n'


def _mark(text: str, miss: bool) -> _Html:
    """A cell's text, in red when it misses the target."""
    return _Html(f'<span class="miss">{_e(text)}</span>') if miss else _e(text)


def _mean(figure: dict | None) -> float | None:
    return None if not figure else figure.get("mean")


def _ci(figure: dict | None, kind: str) -> str:
    """A figure's 95 % CI as ``[low, high]``, a dash without one."""
    return format_ci(figure or {}, kind) or "—"


def _pct(value: float) -> str:
    return f"{100 * value:g}%"


# --------------------------------------------------------------------------- sections


def _call_type_row(c: CallType, s: Scenario, lang: str) -> list[Any]:
    volume = sum(c.rates) * s.horizon.interval
    via_ivr = s.ivr is not None and any(
        target == c.name for node in s.ivr.nodes for target, _ in node.branches
    )
    forecast = f"{volume:,.0f}" if volume else ""
    if via_ivr:
        forecast = f"{forecast} + {tr('ct.via_ivr', lang)}" if forecast else tr("ct.via_ivr", lang)
    overflow = "; ".join(f"{format_duration(o.after)}: {', '.join(o.groups)}" for o in c.overflow)
    handle = c.handle_time
    kind = "by period" if c.handle_time_by_period else handle.rule.describe(handle)
    return [
        c.name,
        tr(f"channel.{c.channel}", lang) if f"channel.{c.channel}" in MESSAGES else c.channel,
        c.priority,
        forecast or "0",
        f"{format_value(handle.mean, 'sec')} ({kind})",
        format_value(c.wrap_up.mean, "sec") if c.wrap_up else "—",
        format_value(c.patience.mean, "sec") if c.patience else tr("ct.no_abandon", lang),
        overflow or "—",
    ]


def _breaks_text(shift: Any, lang: str) -> str:
    """`` (breaks 10:45–11:45: 15min, 12:30 30min unpaid)`` of a shift, or ""."""
    parts = []
    for b in shift.breaks:
        length = format_duration(b.length)
        if b.window_end is None:
            text = tr("ag.break", lang, at=format_clock(b.start), length=length)
        else:
            text = tr(
                "ag.break_window",
                lang,
                start=format_clock(b.start),
                end=format_clock(b.window_end),
                length=length,
            )
        parts.append(text if b.paid else f"{text} {tr('ag.unpaid', lang)}")
    return f" ({tr('ag.breaks', lang, list='; '.join(parts))})" if parts else ""


def _staffing_text(g: AgentGroup, lang: str) -> str:
    if g.shifts:
        shifts = ", ".join(
            f"{format_clock(sh.start)}–{format_clock(sh.end)} ×{sh.agents}" + _breaks_text(sh, lang)
            for sh in g.shifts
        )
        text = tr(
            "ag.shifts",
            lang,
            n=len(g.shifts),
            agents=sum(sh.agents for sh in g.shifts),
            list=shifts,
        )
    elif g.agents_per_interval is not None:
        text = tr("ag.line", lang, low=min(g.agents_per_interval), high=max(g.agents_per_interval))
    else:
        text = tr("ag.all_day", lang, n=g.agents)
    extra = []
    if g.shrinkage:
        extra.append(tr("ag.shrinkage", lang, p=_pct(g.shrinkage)))
    if g.reserve:
        extra.append(tr("ag.reserve", lang, n=g.reserve))
    if g.chat_max > 1:
        extra.append(tr("ag.chat", lang, n=g.chat_max))
    return "; ".join([text, *extra])


def _group_row(g: AgentGroup, s: Scenario, lang: str) -> list[Any]:
    skills = ", ".join(f"{k} ({g.priority_of(k)})" for k in g.skills)
    if g.price_per_call is not None:
        cost = tr("ag.per_call", lang, v=format_value(g.price_per_call, "money"))
    else:
        hour = g.agent_hour if g.agent_hour is not None else s.costs.agent_hour
        cost = tr("ag.per_hour", lang, v=format_value(hour, "money"))
    return [g.name, skills, _staffing_text(g, lang), cost]


def _summary_section(result: RunResult, lang: str) -> str:
    s = result.scenario
    h = s.horizon
    pairs: list[tuple[Any, Any]] = [(tr("name", lang), s.name)]
    if s.description:
        pairs.append((tr("description", lang), s.description.strip()))
    if s.source:
        pairs.append((tr("source", lang), Path(s.source).name))
    pairs += [
        (
            tr("horizon", lang),
            tr(
                "horizon.value",
                lang,
                start=format_clock(h.start),
                end=format_clock(h.end),
                n=h.n_intervals,
                size=format_duration(h.interval),
            ),
        ),
        (tr("trunks", lang), s.trunks if s.trunks is not None else tr("unlimited", lang)),
        (
            tr("word.ivr", lang),
            tr("ivr.yes", lang, n=len(s.ivr.nodes), entry=s.ivr.entry) if s.ivr else tr("no", lang),
        ),
        (
            tr("costs.inputs", lang),
            tr(
                "costs.value",
                lang,
                hour=format_value(s.costs.agent_hour, "money"),
                minute=format_value(s.costs.telecom_minute, "money"),
            ),
        ),
    ]
    if s.events:
        events = "; ".join(
            f"{ev.label or ev.kind} ({format_clock(ev.start)}–{format_clock(ev.end)})"
            for ev in s.events
        )
        pairs.append((tr("events", lang), events))
    if s.outbound:
        campaigns = "; ".join(
            f"{o.name}: "
            + tr(
                "outbound.value",
                lang,
                customers=o.customers,
                start=format_clock(o.start),
                end=format_clock(o.end),
            )
            for o in s.outbound
        )
        pairs.append((tr("outbound", lang), campaigns))
    types = _table(
        [
            tr("name", lang),
            tr("ct.channel", lang),
            tr("ct.priority", lang),
            tr("ct.volume", lang),
            tr("ct.handle", lang),
            tr("ct.wrap", lang),
            tr("ct.patience", lang),
            tr("ct.overflow", lang),
        ],
        [_call_type_row(c, s, lang) for c in s.call_types],
        cls="text",
    )
    groups = _table(
        [tr("name", lang), tr("ag.skills", lang), tr("ag.staffing", lang), tr("ag.cost", lang)],
        [_group_row(g, s, lang) for g in s.agent_groups],
        cls="text",
    )
    return _section(
        "summary",
        lang,
        f"{_kv(pairs)}\n<h3>{_e(tr('call_types', lang))}</h3>\n{types}\n"
        f"<h3>{_e(tr('agent_groups', lang))}</h3>\n{groups}",
    )


def _assumptions_section(result: RunResult, lang: str) -> str:
    import ccsim

    s = result.scenario
    sl = s.service_level
    h = s.horizon
    sl_text = tr(
        "sl.value",
        lang,
        t=f"{sl.threshold:g}s",
        target=_pct(sl.target),
        definition=sl.definition,
        text=tr(f"sl.{sl.definition}", lang),
    )
    warmup = (
        tr("warmup.value", lang, w=format_duration(h.warmup), t=format_clock(h.start + h.warmup))
        if h.warmup
        else tr("none", lang)
    )
    reps = (
        tr("replications.value", lang, n=result.replications)
        if result.replications > 1
        else tr("replications.one", lang)
    )
    pairs = [
        (tr("sl.def", lang), f"{sl_text} {tr('sl.within', lang)}"),
        (tr("attribution", lang), tr("attribution.text", lang)),
        (tr("warmup", lang), warmup),
        (tr("replications", lang), reps),
        (tr("seed", lang), tr("seed.value", lang, seed=result.seed)),
        (tr("engine", lang), f"{result.engine} ({result.backend})"),
        (tr("version", lang), ccsim.__version__),
    ]
    return _section("assumptions", lang, _kv(pairs), keep=True)


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


_COST_ROWS: tuple[tuple[str, str], ...] = (
    ("agent_cost", "money"),
    ("telecom_cost", "money"),
    ("outsourced_cost", "money"),
    ("cost", "money"),
    ("cost_per_call", "money"),
    ("paid_hours", "count"),
)


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


# --------------------------------------------------------------------------- charts

#: Charts shown first, in this order; any other chart of `ccsim.charts` follows.
_CHART_ORDER: tuple[str, ...] = (
    "service_level_chart",
    "fan_chart",
    "volumes_chart",
    "asa_abandon_chart",
    "staffing_chart",
    "occupancy_chart",
    "waiting_time_chart",
)


def available_charts() -> list[tuple[str, Callable[..., Figure]]]:
    """The charts of `ccsim.charts` drawn from a run alone: its public ``*_chart``
    functions whose first parameter is ``result`` and whose other parameters have
    defaults; those of `_CHART_ORDER` first, in that order, then the rest by name."""
    from ccsim import charts as plots

    found = {}
    for name in getattr(plots, "__all__", dir(plots)):
        fn = getattr(plots, name, None)
        if name.startswith("_") or not name.endswith("_chart") or not inspect.isfunction(fn):
            continue
        params = list(inspect.signature(fn).parameters.values())
        if not params or params[0].name != "result":
            continue
        if all(
            p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            for p in params[1:]
        ):
            found[name] = fn
    known = [n for n in _CHART_ORDER if n in found]
    return [(n, found[n]) for n in known + sorted(set(found) - set(known))]


def _draw(fn: Callable[..., Figure], *args: Any, lang: str, **data: Any) -> Figure:
    """Call a chart function, in ``lang`` and with those of ``data`` (e.g. ``calls``)
    that it takes and that are given."""
    params = inspect.signature(fn).parameters
    kwargs = {k: v for k, v in data.items() if k in params and v is not None}
    if "lang" in params:
        kwargs["lang"] = lang
    return fn(*args, **kwargs)


def _svg_image(fig: Figure, alt: str) -> _Html:
    """The figure as an SVG image in a data URI (text as paths: it renders the same
    without the fonts installed, and ids cannot clash between charts)."""
    from matplotlib import rc_context

    buf = io.BytesIO()
    with rc_context({"svg.hashsalt": "ccsim"}):  # the same run gives the same file
        fig.savefig(buf, format="svg", metadata={"Date": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return _Html(f'<img class="chart" alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}">')


def _figure_html(fig: Figure, name: str) -> _Html:
    return _Html(f'<figure id="chart-{_e(name)}">{_svg_image(fig, name)}</figure>\n')


def _chart_section(result: RunResult, lang: str, calls: pd.DataFrame | None) -> str:
    parts = []
    for name, fn in available_charts():
        try:
            fig = _draw(fn, result, lang=lang, calls=calls)
        except Exception as err:  # one chart's bug must not lose the whole report
            warnings.warn(f"chart {name} could not be drawn: {err!r}", stacklevel=2)
            parts.append(
                f'<p class="note">{_e(tr("charts.failed", lang, name=name, error=err))}</p>'
            )
            continue
        parts.append(_figure_html(fig, name))
    if not parts:
        parts.append(f"<p>{_e(tr('charts.none', lang))}</p>")
    return _section("charts", lang, "".join(parts), page_break=True)


def _comparison_section(comparison: ComparisonResult, lang: str) -> str:
    from ccsim.batch.comparison import ROSTER_ROWS, _diff_cell

    b, a = comparison.base, comparison.alt
    intro = tr(
        "cmp.intro",
        lang,
        base=b.scenario.name,
        alt=a.scenario.name,
        n=b.replications,
        seed=b.seed,
    )
    day = comparison.day
    rows = [
        [
            kpi_label(k, lang),
            format_value(day.loc[k, "base"], kind),
            format_value(day.loc[k, "alt"], kind),
            _diff_cell(day.loc[k], kind),
        ]
        for k, _, kind in (*DAY_ROWS, *ROSTER_ROWS)
        if k in day.index
    ]
    table = _table(
        [tr("table.kpi", lang), tr("cmp.base", lang), tr("cmp.alt", lang), tr("cmp.diff", lang)],
        rows,
        cls="kpis",
    )
    parts = [f"<p>{_e(intro)}</p>", table]
    from ccsim import charts as plots

    chart = getattr(plots, "comparison_chart", None)
    try:
        if chart is not None:
            fig = _draw(chart, comparison, lang=lang)
        else:
            fig = _draw(plots.sl_difference_chart, comparison.table, lang=lang)
        parts.append(_figure_html(fig, "comparison_chart"))
        from ccsim.charts.rosters import both_rosters_chart

        parts.append(_figure_html(both_rosters_chart(comparison, lang), "both_rosters_chart"))
    except Exception as err:  # the table stands without the chart
        warnings.warn(f"the comparison chart could not be drawn: {err!r}", stacklevel=2)
    return _section("comparison", lang, "\n".join(parts), page_break=True)


# --------------------------------------------------------------------------- the page

_CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --line: #d5dae3; --head: #eef2f8; --miss: #b3261e; }
* { box-sizing: border-box; }
body { font-family: "ccsim CJK", "Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC",
  "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  color: var(--ink);
  margin: 0 auto; max-width: 1100px; padding: 24px 28px; font-size: 14px; line-height: 1.45; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 3px;
  margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 6px 0; }
.sub, .note, footer { color: var(--muted); }
.note { font-size: 12px; }
nav ol { columns: 3; margin: 8px 0 0; padding-left: 20px; }
a { color: #1f5fa8; text-decoration: none; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; }
thead th { background: var(--head); text-align: center; font-weight: 600;
  word-break: keep-all; overflow-wrap: normal; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td:first-child { text-align: left; }
table.text td { white-space: normal; text-align: left; }
table.kv th { text-align: left; background: var(--head); font-weight: 600; width: 13em; }
table.kv td { text-align: left; white-space: normal; }
table.wide { width: 100%; }
.miss { color: var(--miss); font-weight: 600; }
figure { margin: 10px 0 18px; }
img.chart { width: 100%; height: auto; display: block; }
footer { margin-top: 28px; font-size: 12px; border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { margin-top: 0; }
  section { margin-top: 14pt; }
  section.break { break-before: page; page-break-before: always; margin-top: 0; }
  section.keep { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8pt; }
  th, td { padding: 1.5pt 4pt; }
  thead { display: table-header-group; }
  tr, figure, img.chart, table.kv { break-inside: avoid; page-break-inside: avoid; }
  figure { margin: 4pt 0 10pt; }
  img.chart { max-height: 125mm; width: 100%; object-fit: contain; }
  a { color: inherit; }
}
"""


def render_report(
    result: RunResult,
    *,
    lang: str = "en",
    comparison: ComparisonResult | None = None,
    calls: pd.DataFrame | None = None,
) -> str:
    """The report of ``result`` as one HTML document (see `write_report`)."""
    import ccsim

    lang = check_lang(lang)
    sections = [
        _summary_section(result, lang),
        _assumptions_section(result, lang),
        _kpi_section(result, lang),
        _risk_section(result, lang),
        _interval_section(result, lang),
        _queue_interval_section(result, lang),
        _call_type_section(result, lang),
        _group_section(result, lang),
        _cost_section(result, lang),
        _chart_section(result, lang, calls),
    ]
    ids = [sid for sid in SECTIONS if sid != "comparison"]
    if comparison is not None:
        sections.append(_comparison_section(comparison, lang))
        ids.append("comparison")
    toc = "".join(f'<li><a href="#{sid}">{_e(tr("sec." + sid, lang))}</a></li>' for sid in ids)
    title = f"{tr('title', lang)}: {result.scenario.name}"
    generated = tr(
        "generated",
        lang,
        version=ccsim.__version__,
        date=datetime.date.today().isoformat(),
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    body = (
        f"<header>\n<h1>{_e(tr('title', lang))}</h1>\n"
        f'<p class="sub">{_e(result.scenario.name)}</p>\n'
        f"<nav><ol>{toc}</ol></nav>\n</header>\n"
        + "".join(sections)
        + f"<footer>{_e(generated)}</footer>\n"
    )
    fonts = _cjk_font_face(title + body)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{fonts}{_CSS}</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )


def _is_cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


def _cjk_font_face(text: str) -> str:
    """A CSS ``@font-face`` "ccsim CJK" with the Chinese (CJK) characters of ``text``
    from the font `ccsim.i18n` uses for the charts, subset to those characters and
    embedded, so the page shows them on a machine without a Chinese font (a few
    hundred kB instead of the font's 16 MB); empty without CJK text or a font.

    It comes first in the page's font list: it holds only those characters, so Latin
    text still falls through to the next fonts, and a browser waits for a first web
    font before drawing (a fallback web font would show empty boxes until loaded)."""
    chars = "".join(sorted({c for c in text if _is_cjk(c)}))
    if not chars:
        return ""
    try:
        from fontTools import subset  # comes with matplotlib
        from matplotlib import font_manager

        family = cjk_font()
        if family is None:
            return ""
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        options = subset.Options()
        options.font_number = 0  # the first face of a collection (.ttc)
        font = subset.load_font(path, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, options)
    except Exception as err:  # the viewer's own Chinese font is the fallback
        warnings.warn(f"no Chinese font embedded in the report: {err!r}", stacklevel=3)
        return ""
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    kind = "opentype" if buf.getvalue()[:4] == b"OTTO" else "truetype"
    return (
        f'@font-face {{ font-family: "ccsim CJK"; font-display: block; '
        f"src: url(data:font/{'otf' if kind == 'opentype' else 'ttf'};base64,{data}) "
        f'format("{kind}"); }}\n'
    )


def write_report(
    result: RunResult,
    path: str | Path,
    *,
    lang: str = "en",
    comparison: ComparisonResult | None = None,
    calls: pd.DataFrame | None = None,
) -> Path:
    """Write the run's report to ``path``: one self-contained UTF-8 HTML file.

    Sections (HTML ids of `SECTIONS`): the scenario, the assumptions (SL definition,
    interval attribution, warm-up, replications, seed, engine, version), the day's
    KPIs with 95 % CIs, the SL risk, tables per interval, call type and agent group,
    the cost, the charts of `ccsim.charts`, and with ``comparison`` (a
    `ComparisonResult` whose base is ``result``) the paired differences. ``lang``:
    ``"en"`` or ``"zh"``. ``calls``: the ``calls.csv`` table of ``ccsim run --trace``,
    for charts that draw every call (the waiting-time distribution) of a run whose
    observations were not kept.
    """
    path = Path(path)
    html = render_report(result, lang=lang, comparison=comparison, calls=calls)
    write_text(path, html)
    return path
