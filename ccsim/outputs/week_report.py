"""The week view: one self-contained HTML report of a week run, and its tables.

Everything is read from the week's ``--json`` document (``week.json`` of ``ccsim
run --out``), so ``ccsim report DIR`` reports a stored week without simulating
again. The report holds the week's summary, the heatmap of the service level by day
× interval (`ccsim.charts.week`), the daily totals (calls, SL, ASA, abandons,
occupancy), the agent-hours and cost of each day and of the week (the cost figures
of the day report: agent, telecom and total cost, cost per answered call) and the
week per call type. A day's figures are its own run's means; the week's are those
of `ccsim.batch.week` (counts, hours and costs add up over the days, rates are
ratios of the days' totals).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from ccsim.atomic import write_text
from ccsim.charts.week import week_sl_chart
from ccsim.i18n import check_lang, kpi_label, tr
from ccsim.outputs.html_pieces import _e, _Html, _kv, _mark, _svg_image, _table
from ccsim.outputs.html_report import _CSS, _cjk_font_face
from ccsim.outputs.report import format_value
from ccsim.scenario.week import day_name

__all__ = [
    "COST_COLUMNS",
    "TOTAL_COLUMNS",
    "render_week_report",
    "week_table_rows",
    "write_week_report",
]

#: The daily totals' columns: (KPI, kind of number).
TOTAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("offered", "count"),
    ("answered", "count"),
    ("abandoned", "count"),
    ("service_level", "pct"),
    ("asa_s", "sec"),
    ("abandon_rate", "pct"),
    ("occupancy", "pct"),
)
#: The agent-hours and cost columns, as the day report's cost section shows them.
COST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("scheduled_hours", "count"),
    ("paid_hours", "count"),
    ("overtime_hours", "count"),
    ("agent_cost", "money"),
    ("telecom_cost", "money"),
    ("cost", "money"),
    ("cost_per_call", "money"),
)
_SECTIONS = ("summary", "heatmap", "days", "cost", "call-types", "comparison")


def _mean(figures: dict[str, Any], kpi: str) -> float | None:
    figure = figures.get(kpi)
    return figure.get("mean") if isinstance(figure, dict) else None


def week_table_rows(
    document: dict[str, Any], columns: tuple[tuple[str, str], ...], lang: str = "en"
) -> list[tuple[str, bool, dict[str, float | None]]]:
    """``(name, open, {kpi: mean})`` of each day, then of the week (named in ``lang``);
    a closed day's figures are None."""
    out = []
    for entry in document["by_day"]:
        figures = {k: _mean(entry, k) if entry["open"] else None for k, _ in columns}
        out.append((day_name(entry, lang), bool(entry["open"]), figures))
    week = {k: _mean(document["summary"], k) for k, _ in columns}
    out.append((tr("week.week", lang), True, week))
    return out


def _section(sid: str, lang: str, body: str) -> str:
    title = _e(tr(f"week.sec.{sid}", lang))
    return f'<section id="{sid}" class="keep">\n<h2>{title}</h2>\n{body}\n</section>\n'


def _figures_table(document: dict, columns: tuple[tuple[str, str], ...], lang: str) -> _Html:
    target = float(document["service_level"]["target"])
    rows = []
    for name, is_open, figures in week_table_rows(document, columns, lang):
        if not is_open:
            rows.append([name, tr("week.closed", lang), *([""] * (len(columns) - 1))])
            continue
        cells: list[Any] = [_Html(f"<b>{_e(name)}</b>") if name == tr("week.week", lang) else name]
        for kpi, kind in columns:
            text = format_value(figures[kpi], kind)
            sl = figures[kpi] if kpi == "service_level" else None
            cells.append(_mark(text, sl is not None and sl < target))
        rows.append(cells)
    headers = [tr("week.day", lang), *(kpi_label(k, lang) for k, _ in columns)]
    return _table(headers, rows, cls="wide")


def _summary(document: dict, lang: str) -> str:
    sl = document["service_level"]
    open_days = [day_name(e, lang) for e in document["by_day"] if e["open"]]
    closed = [day_name(e, lang) for e in document["by_day"] if not e["open"]]
    pairs = [
        (tr("week.open_days", lang), ", ".join(open_days)),
        (tr("week.closed_days", lang), ", ".join(closed) or "—"),
        (
            tr("week.sl_goal", lang),
            f"{sl['target']:.0%} / {sl['threshold_s']:g}s",
        ),
        (tr("week.replications", lang), document["replications"]),
        (tr("week.seed", lang), document["seed"]),
    ]
    note = f'<p class="note">{_e(tr("week.note", lang))}</p>'
    return _section("summary", lang, f"{_kv(pairs)}\n{note}")


def _call_types(document: dict, lang: str) -> str:
    figures = document.get("by_call_type") or {}
    columns = TOTAL_COLUMNS[:-1]
    rows = [
        [name, *(format_value(_mean(f, k), kind) for k, kind in columns)]
        for name, f in figures.items()
    ]
    headers = [tr("name", lang), *(kpi_label(k, lang) for k, _ in columns)]
    return _section("call-types", lang, _table(headers, rows, cls="wide"))


def _comparison(comparison: dict, days: list[dict], lang: str) -> str:
    """Per KPI: each day and the week, base, alternative and the paired difference."""
    from ccsim.outputs.week_compare import COMPARED, diff_text

    names = {e["day"]: day_name(e, lang) for e in days}
    intro = f"<p>{_e(tr('compare.base_line', lang, name=comparison['base']))}<br>"
    intro += f"{_e(tr('compare.alt_line', lang, name=comparison['alt']))}<br>"
    paired = tr("compare.paired", lang, n=comparison["replications"], seed=comparison["seed"])
    intro += f"{_e(paired)}</p>"
    parts = [intro]
    scopes = [(names.get(e["day"], e["day"]), e) for e in comparison["by_day"]]
    scopes.append((tr("week.week", lang), comparison["week"]))
    for kpi, kind in COMPARED:
        rows = [
            [name, format_value(_mean(e["base"], kpi), kind),
             format_value(_mean(e["alt"], kpi), kind), diff_text(e["diff"].get(kpi), kind, lang)]
            for name, e in scopes
        ]  # fmt: skip
        heads = [tr("week.day", lang), tr("compare.base", lang), tr("compare.alt", lang),
                 tr("compare.diff", lang)]  # fmt: skip
        parts.append(f"<h3>{_e(kpi_label(kpi, lang))}</h3>\n{_table(heads, rows, cls='wide')}")
    return _section("comparison", lang, "\n".join(parts))


def render_week_report(
    document: dict[str, Any], *, lang: str = "en", comparison: dict | None = None
) -> str:
    """The week view of ``document`` (a week's ``--json`` document) as one HTML page;
    with ``comparison`` (`ccsim.outputs.week_compare.week_comparison_json`) the paired
    differences with an alternative, per day and for the week."""
    from ccsim.version import __version__

    lang = check_lang(lang)
    image = _svg_image(week_sl_chart(document, lang), "week-sl")
    sections = [
        _summary(document, lang),
        _section("heatmap", lang, f'<figure id="chart-week-sl">{image}</figure>'),
        _section("days", lang, _figures_table(document, TOTAL_COLUMNS, lang)),
        _section("cost", lang, _figures_table(document, COST_COLUMNS, lang)),
        _call_types(document, lang),
    ]
    ids = list(_SECTIONS[:-1])
    if comparison is not None:
        sections.append(_comparison(comparison, document["by_day"], lang))
        ids.append("comparison")
    toc = "".join(f'<li><a href="#{sid}">{_e(tr(f"week.sec.{sid}", lang))}</a></li>' for sid in ids)
    title = f"{tr('week.title', lang)}: {document['scenario']}"
    generated = tr("generated", lang, version=__version__, date=datetime.date.today().isoformat())
    body = (
        f"<header>\n<h1>{_e(tr('week.title', lang))}</h1>\n"
        f'<p class="sub">{_e(document["scenario"])}</p>\n'
        f"<nav><ol>{toc}</ol></nav>\n</header>\n"
        + "".join(sections)
        + f"<footer>{_e(generated)}</footer>\n"
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_cjk_font_face(title + body)}{_CSS}</style>\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )


def write_week_report(
    document: dict[str, Any],
    path: str | Path,
    *,
    lang: str = "en",
    comparison: dict | None = None,
) -> Path:
    """Write the week view of ``document`` to ``path`` (one UTF-8 HTML file)."""
    path = Path(path)
    write_text(path, render_week_report(document, lang=lang, comparison=comparison))
    return path
