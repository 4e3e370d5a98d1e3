"""A run's summary as text tables: the day, intervals, agent groups, behaviours, IVR.

Nothing here simulates or computes a KPI; it only formats `RunResult.summary`.
"""

from __future__ import annotations

import unicodedata

from ccsim.batch.result import RunResult
from ccsim.i18n import MESSAGES, check_lang, kpi_label, tr
from ccsim.units import format_value

#: Day KPIs shown in the text table, with their label and kind of value.
DAY_ROWS: tuple[tuple[str, str, str], ...] = (
    ("offered", "Offered calls", "count"),
    ("answered", "Answered", "count"),
    ("abandoned", "Abandoned", "count"),
    ("blocked", "Blocked (all trunks busy)", "count"),
    ("service_level", "Service level", "pct"),
    ("p_wait", "Waited (P(wait > 0))", "pct"),
    ("asa_s", "ASA", "sec"),
    ("abandon_rate", "Abandon rate", "pct"),
    ("abandon_time_s", "Average abandon time", "sec"),
    ("aht_s", "AHT (talk + wrap-up)", "sec"),
    ("wait_p90_s", "Wait, 90th percentile", "sec"),
    ("max_queue", "Max queue length", "count"),
    ("occupancy", "Occupancy", "pct"),
    ("utilization", "Utilization", "pct"),
    ("cost", "Cost", "money"),
    ("cost_per_call", "Cost per answered call", "money"),
)

#: Per-interval columns: (kpi, header, kind).
INTERVAL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("offered", "offered", "count"),
    ("answered", "answered", "count"),
    ("abandoned", "abandoned", "count"),
    ("service_level", "SL", "pct"),
    ("p_wait", "P(wait)", "pct"),
    ("asa_s", "ASA s", "sec"),
    ("abandon_rate", "aband.", "pct"),
    ("occupancy", "occ.", "pct"),
    ("max_queue", "max q", "count"),
    ("available_agents", "avail.", "count"),
)


def format_ci(figure: dict, kind: str) -> str:
    """A figure's 95 % CI as ``[low, high]`` (empty without one)."""
    ci = figure.get("ci95")
    if not ci:
        return ""
    return f"[{format_value(ci[0], kind)}, {format_value(ci[1], kind)}]"


def sl_label(result: RunResult, lang: str = "en") -> str:
    """The SL goal as ``80/20s (offered)``; in Chinese the definition in words."""
    sl = result.scenario.service_level
    if lang == "zh":
        definition = MESSAGES.get(f"field.{sl.definition}", {}).get(lang, sl.definition)
        return f"{round(100 * sl.target)}/{sl.threshold:g}s（{definition}）"
    return f"{round(100 * sl.target)}/{sl.threshold:g}s ({sl.definition})"


def table_lang(result: RunResult, lang: str | None = None) -> str:
    """The language of the tables: ``lang``, else the scenario's ``lang:`` (English)."""
    return check_lang(lang or getattr(result.scenario, "lang", "en"))


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _left(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _right(text: str, width: int) -> str:
    return " " * max(width - _width(text), 0) + text


def run_footer(result: RunResult, lang: str | None = None) -> str:
    """The last line of ``ccsim run``: calls, time, speed, engine and where it ran."""
    lang = table_lang(result, lang)
    backend = result.backend
    if lang == "zh":
        words = backend.split(" ", 1)
        if backend == "this process":
            backend = "本进程"
        elif words[0].isdigit() and backend.endswith("local processes"):
            backend = f"{words[0]} 个本地进程"
    engine_key = f"cli.engine_{result.engine}"
    engine = tr(engine_key, lang) if engine_key in MESSAGES else result.engine
    return tr(
        "cli.run_footer",
        lang,
        calls=result.n_calls,
        seconds=result.elapsed_s,
        rate=result.calls_per_second,
        engine=engine,
        backend=backend,
    )


def day_table(result: RunResult, lang: str | None = None) -> str:
    """The day's KPIs with their 95 % confidence intervals, as aligned text, in
    ``lang`` (en, zh; default the scenario's)."""
    lang = table_lang(result, lang)
    s = result.scenario
    heading = tr(
        "table.heading",
        lang,
        scenario=s.name,
        n=result.replications,
        seed=result.seed,
        sl=sl_label(result, lang),
    )
    lines = [
        heading,
        "",
        f"{_left(tr('table.kpi', lang), 28)}{_right(tr('table.mean', lang), 12)}   "
        f"{tr('table.ci95', lang)}",
    ]
    summary = result.summary["summary"]
    for key, _, kind in DAY_ROWS:
        figure = summary.get(key)
        if figure is None:
            continue
        lines.append(
            f"{_left(kpi_label(key, lang), 28)}{format_value(figure['mean'], kind):>12}   "
            f"{format_ci(figure, kind)}"
        )
    day = result.risk.get("day") if result.risk else None
    if day and day["n"] > 1:
        label = tr("table.p_day_sl", lang, target=round(100 * s.service_level.target))
        p10 = tr("table.p10", lang, value=format_value(day["p10"], "pct"))
        lines.append(f"{_left(label, 28)}{format_value(day['p_meet_target'], 'pct'):>12}   {p10}")
    if result.precision is not None:
        p = result.precision
        state = (
            tr("table.precision_met", lang)
            if p["met"]
            else tr("table.precision_not_met", lang, n=result.replications)
        )
        lines.append(
            tr(
                "table.precision",
                lang,
                kpi=p["kpi"],
                half=format_value(p["half_width"], "num4"),
                target=format_value(p["target_half_width"], "num4"),
                state=state,
            )
        )
    lines += _ratio_lines(result, lang)
    return "\n".join(lines)


#: Rates shown as ratios of totals under the day table (kpi, kind).
RATIO_ROWS: tuple[tuple[str, str], ...] = (
    ("service_level", "pct"),
    ("p_wait", "pct"),
    ("abandon_rate", "pct"),
    ("asa_s", "sec"),
    ("occupancy", "pct"),
)


def _ratio_lines(result: RunResult, lang: str) -> list[str]:
    """The day's rates as ratios of expected totals (with several replications), and
    the exact Erlang C / A figures when the scenario is that textbook queue."""
    from ccsim.planning.theory import theory_reference

    lines: list[str] = []
    totals = (result.ratio_of_totals or {}).get("summary", {})
    if result.replications > 1 and totals:
        lines += ["", tr("table.ratio_of_totals", lang)]
        for key, kind in RATIO_ROWS:
            if (figure := totals.get(key)) is not None:
                lines.append(
                    f"{_left(kpi_label(key, lang), 28)}{format_value(figure['mean'], kind):>12}"
                    f"   {format_ci(figure, kind)}"
                )
    theory = theory_reference(result.scenario)
    if theory is not None:
        lines += ["", tr("table.theory", lang, model=theory.model)]
        for key, kind in RATIO_ROWS[:4]:
            value = format_value(getattr(theory, key), kind)
            lines.append(f"{_left(kpi_label(key, lang), 28)}{value:>12}")
    return lines


def interval_table(result: RunResult, lang: str | None = None) -> str:
    """Mean KPIs per planning interval, as aligned text; with several replications,
    also how often the interval met its SL target and its 10th percentile."""
    lang = table_lang(result, lang)
    risk = result.risk["by_interval"] if result.risk and result.replications > 1 else None
    header = _left(tr("col.interval", lang), 9) + "".join(
        _right(tr(f"col.{k}", lang), 10) for k, _, _ in INTERVAL_COLUMNS
    )
    if risk:
        header += _right(tr("col.p_meet_target", lang), 10) + _right(tr("col.sl_p10", lang), 10)
    # required agents and over/under staffing, when `ccsim run --required` added them
    first = intervals(result)[0] if intervals(result) else {}
    extra = [k for k in ("required", "over_under") if k in first]
    if extra:  # coverage: scheduled (on shift) beside available (on the floor)
        extra = ["scheduled_agents", *extra]
    header += "".join(_right(tr(f"col.{k}", lang), 11) for k in extra)
    lines = [header]
    for i, row in enumerate(intervals(result)):
        cells = "".join(
            f"{format_value(row[k]['mean'] if k in row else None, kind):>10}"
            for k, _, kind in INTERVAL_COLUMNS
        )
        if risk:
            cells += f"{format_value(risk[i]['p_meet_target'], 'pct'):>10}"
            cells += f"{format_value(risk[i]['p10'], 'pct'):>10}"
        cells += "".join(_right(format_value(row[k]["mean"], "count"), 11) for k in extra)
        events = "  " + "; ".join(row["events"]) if row.get("events") else ""
        lines.append(f"{row['start']:<9}{cells}{events}")
    return "\n".join(lines)


#: Per-group columns: (kpi, header, kind).
GROUP_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("scheduled_hours", "sched. h", "count"),
    ("answered", "answered", "count"),
    ("aht_s", "AHT", "sec"),
    ("occupancy", "occupancy", "pct"),
    ("p_wait", "P(wait)", "pct"),
    ("utilization", "utiliz.", "pct"),
    ("on_break_hours", "break h", "count"),
    ("overtime_hours", "overtime h", "count"),
    ("cost", "cost", "money"),
)


def group_table(result: RunResult, lang: str | None = None) -> str:
    """Per agent group: hours, calls handled, occupancy, overtime and cost."""
    lang = table_lang(result, lang)
    lines = [
        _left(tr("col.agent_group", lang), 18)
        + "".join(_right(tr(f"col.{k}", lang), 12) for k, _, _ in GROUP_COLUMNS)
    ]
    for g in result.scenario.agent_groups:
        row = result.summary["by_agent_group"][g.name]
        cells = "".join(
            f"{format_value(row[k]['mean'] if k in row else None, kind):>12}"
            for k, _, kind in GROUP_COLUMNS
        )
        lines.append(f"{_left(g.name, 18)}{cells}")
    return "\n".join(lines)


#: Caller behaviours and channels, shown when the scenario uses them: (kpi, label, kind).
BEHAVIOUR_ROWS: tuple[tuple[str, str, str], ...] = (
    ("unique_callers", "Unique callers", "count"),
    ("attempts", "Attempts (calls incl. redials)", "count"),
    ("retrials", "Redials", "count"),
    ("sl_per_caller", "Service level per caller", "pct"),
    ("caller_abandon_rate", "Callers never answered", "pct"),
    ("callback_offers", "Callbacks offered", "count"),
    ("callback_accepts", "Callbacks accepted", "count"),
    ("callbacks_completed", "Callbacks completed", "count"),
    ("callbacks_not_reached", "Callbacks not reached", "count"),
    ("callback_delay_s", "Callback delay", "sec"),
    ("transfers", "Transfers", "count"),
    ("time_in_system_s", "Time in system per caller", "sec"),
    ("outbound_dials", "Outbound dials", "count"),
    ("outbound_connects", "Outbound connects", "count"),
    ("outbound_connects_per_hour", "Outbound connects per hour", "count"),
    ("outsourced_cost", "Outsourced cost", "money"),
)


def uses_behaviours(scenario) -> bool:
    return bool(
        scenario.outbound
        or any(c.retrial or c.callback or c.transfer for c in scenario.call_types)
        or any(g.price_per_call is not None for g in scenario.agent_groups)
    )


def _kpi_rows(result: RunResult, title: str, rows, width: int, lang: str) -> str:
    """A title line and one line per KPI of ``rows`` (key, _, kind) in the summary."""
    s = result.summary["summary"]
    lines = [
        f"{_left(title, width)}{_right(tr('table.mean', lang), 12)}   {tr('table.ci95', lang)}"
    ]
    for key, _, kind in rows:
        if key in s:
            lines.append(
                f"{_left(kpi_label(key, lang), width)}{format_value(s[key]['mean'], kind):>12}   "
                f"{format_ci(s[key], kind)}"
            )
    return "\n".join(lines)


def behaviour_table(result: RunResult, lang: str | None = None) -> str:
    """Redials, callbacks, transfers, outbound and outsourcing over the day."""
    lang = table_lang(result, lang)
    return _kpi_rows(result, tr("table.callers_channels", lang), BEHAVIOUR_ROWS, 34, lang)


#: The IVR's rows: (kpi, label, kind).
IVR_ROWS: tuple[tuple[str, str, str], ...] = (
    ("ivr_arrivals", "IVR arrivals", "count"),
    ("self_served", "Self-served", "count"),
    ("containment_rate", "Containment rate", "pct"),
    ("ivr_hang_ups", "Hung up in the IVR", "count"),
    ("ivr_time_s", "Mean time in the IVR", "sec"),
)


def ivr_table(result: RunResult, lang: str | None = None) -> str:
    """The IVR's day: arrivals, containment (self-service), hang-ups, time in the IVR."""
    lang = table_lang(result, lang)
    return _kpi_rows(result, tr("table.ivr", lang), IVR_ROWS, 28, lang)


def intervals(result: RunResult) -> list[dict]:
    """Per-interval summary rows, each led by its start time ("HH:MM")."""
    return result.summary["by_interval"]
