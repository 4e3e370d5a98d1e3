"""The report's first sections: the day at a glance and the assumptions (call types,
agent groups, shifts and breaks, the run)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.batch.result import RunResult
from ccsim.i18n import MESSAGES, tr
from ccsim.outputs.report import (
    format_value,
)
from ccsim.units import format_clock, format_duration
from ccsim.version import __version__

if TYPE_CHECKING:
    from ccsim.scenario.model import AgentGroup, CallType, Scenario

from ccsim.outputs.html_pieces import _e, _kv, _pct, _section, _table


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
        (tr("version", lang), __version__),
    ]
    return _section("assumptions", lang, _kv(pairs), keep=True)
