"""The back-test as one self-contained HTML page (`ccsim report DIR` of a folder that
`ccsim backtest --out DIR` wrote): the verdict per KPI, the days, the intervals
where real days fall outside the band, and the chart (embedded SVG)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

from ccsim.atomic import write_text
from ccsim.data.backtest import VERDICT_KPIS

_TITLES = {
    "service_level": "Service level",
    "asa_s": "ASA",
    "abandon_rate": "Abandon rate",
    "answered": "Answered",
    "occupancy": "Occupancy",
}
_KINDS = {
    "service_level": "pct",
    "asa_s": "sec",
    "abandon_rate": "pct",
    "answered": "count",
    "occupancy": "pct",
}
_CSS = """
body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;
text-align:right}th:first-child,td:first-child{text-align:left}.out{color:#b00;font-weight:bold}
img.chart{width:100%}.note{color:#666}
"""


def backtest_html(bt: dict[str, Any]) -> str:
    """The page (see the module's docstring)."""
    from ccsim.charts.backtest import backtest_chart
    from ccsim.outputs.report import format_value

    e = html.escape
    judged = tuple(bt.get("kpis", VERDICT_KPIS))
    share = bt["pairs_in_range"] / bt["pairs"] if bt["pairs"] else 0.0
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Back-test</title>"
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Back-test: {e(str(bt.get('log', 'call log')))} against "
        f"{e(str(bt.get('scenario', 'the scenario')))}</h1>",
        f"<p>{len(bt['days'])} real day(s) against the 2.5–97.5 % range of "
        f"{bt['replications']} replications (seed {bt['seed']}): <b>{bt['pairs_in_range']} of "
        f"{bt['pairs']} day × KPI pairs inside ({share:.0%})</b>.</p>",
        "<table><tr><th>KPI</th><th>days inside</th></tr>",
    ]
    for k in judged:
        v = bt["verdict"][k]
        parts.append(f"<tr><td>{_TITLES[k]}</td><td>{v['days_in_range']} of {v['days']}</td></tr>")
    parts.append("</table>")
    parts.append(_svg(backtest_chart(bt)))
    parts.append("<h2>Days</h2><table><tr><th>day</th>")
    parts += [f"<th>{_TITLES[k]}</th>" for k in judged]
    parts.append("</tr>")
    for d in bt["days"]:
        cells = []
        for k in judged:
            r = d[k]
            cls = " class='out'" if r["in_range"] is False else ""
            cells.append(f"<td{cls}>{e(format_value(r['measured'], _KINDS[k]))}</td>")
        parts.append(f"<tr><td>{e(str(d['date'] or d['day']))}</td>{''.join(cells)}</tr>")
    if bt["days"]:
        parts.append("<tr><td>simulated 95 % range</td>")
        for k in judged:
            r = bt["days"][0][k]["range95"]
            text = "—" if r is None else "–".join(format_value(x, _KINDS[k]) for x in r)
            parts.append(f"<td>{e(text)}</td>")
        parts.append("</tr>")
    parts.append(
        "</table><h2>Intervals: real days inside the range</h2><table><tr><th>interval</th>"
    )
    parts += [f"<th>{_TITLES[k]}</th>" for k in judged]
    parts.append("</tr>")
    for row in bt["by_interval"]:
        cells = []
        for k in judged:
            c = row[k]
            low = c["days"] and c["in_range_days"] / c["days"] < 0.8
            cls = " class='out'" if low else ""
            cells.append(f"<td{cls}>{c['in_range_days']}/{c['days']}</td>")
        parts.append(f"<tr><td>{e(row['start'])}</td>{''.join(cells)}</tr>")
    parts.append(f"</table><p class='note'>Occupancy: {e(bt.get('occupancy', ''))}.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_backtest_html(bt: dict[str, Any], path: Path) -> Path:
    return write_text(path, backtest_html(bt))


def _svg(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img class='chart' alt='back-test chart' src='data:image/svg+xml;base64,{data}'>"
