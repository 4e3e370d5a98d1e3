"""A back-test as text tables, in the user's language: `format_backtest` (one day,
per interval measured vs simulated) and `format_backtest_days` (per day, with the
verdict per KPI). The figures come from `ccsim.data.backtest`."""

from __future__ import annotations

from typing import Any

from ccsim.data.backtest import BACKTEST_KPIS, VERDICT_KPIS
from ccsim.i18n import MESSAGES, kpi_label, tr
from ccsim.outputs.report import _left, _right, _width, format_value

__all__ = ["format_backtest", "format_backtest_days"]


def format_backtest_days(bt: dict[str, Any], lang: str = "en") -> str:
    """Per day the four KPIs (measured, * outside the range), the verdict per KPI,
    and the intervals where real days fall outside the range most often (in ``lang``)."""

    kinds = {
        "service_level": "pct",
        "asa_s": "sec",
        "abandon_rate": "pct",
        "answered": "count",
        "occupancy": "pct",
    }
    titles = {k: tr(f"bt.title.{k}", lang) for k in kinds}
    widths = {k: max(12, _width(titles[k]) + 1) for k in titles}  # Chinese titles are wide
    n_days = len(bt["days"])
    judged = tuple(bt.get("kpis", VERDICT_KPIS))
    lines = [
        tr("bt.days_header", lang, n=n_days, reps=bt["replications"], seed=bt["seed"]),
        "",
        _left(tr("bt.col_day", lang), 12) + "".join(_right(titles[k], widths[k]) for k in judged),
    ]
    for d in bt["days"]:
        cells = []
        for k in judged:
            r = d[k]
            flag = "*" if r["in_range"] is False else " "
            cells.append(f"{format_value(r['measured'], kinds[k])}{flag}")
        lines.append(
            f"{d['date'] or d['day']!s:<12}"
            + "".join(_right(c, widths[k]) for k, c in zip(judged, cells, strict=True))
        )
    if bt["days"]:  # the range is the simulation's: the same for every day
        ranges = [bt["days"][0][k]["range95"] for k in judged]
        cells = [
            "—" if r is None else "–".join(format_value(x, kinds[k]) for x in r)
            for k, r in zip(judged, ranges, strict=True)
        ]
        lines.append(
            _left(tr("bt.range", lang), 12)
            + "".join(_right(c, widths[k]) for k, c in zip(judged, cells, strict=True))
        )
    lines.append("")
    for k in judged:
        v = bt["verdict"][k]
        lines.append(
            tr("bt.day_verdict", lang, title=titles[k], inside=v["days_in_range"], days=v["days"])
        )
    share = bt["pairs_in_range"] / bt["pairs"] if bt["pairs"] else float("nan")
    lines.append(tr("bt.all", lang, inside=bt["pairs_in_range"], pairs=bt["pairs"], share=share))
    worst = []
    for row in bt["by_interval"]:
        for k in judged:
            c = row[k]
            if c["days"] and c["in_range_days"] / c["days"] < 0.8:
                worst.append(f"{row['start']} {titles[k]} {c['in_range_days']}/{c['days']}")
    if worst:
        lines.append(tr("bt.worst", lang) + ", ".join(worst[:20]))
    lines.append(tr("bt.occupancy", lang, text=_occupancy(bt["occupancy"], lang)))
    return "\n".join(lines)


def _occupancy(text: str, lang: str) -> str:
    """What `backtest_days` says of occupancy, in ``lang``."""
    if lang == "en":
        return text
    measured = text == tr("bt.occ_measured")
    return tr("bt.occ_measured" if measured else "bt.occ_not_measured", lang)


def format_backtest(bt: dict[str, Any], lang: str = "en") -> str:
    """The comparison as a text table (in ``lang``): per interval, measured vs simulated
    (and its replications' 95 % range; ``*`` marks a measured value outside it)."""

    kinds = {
        "service_level": "pct",
        "asa_s": "sec",
        "abandon_rate": "pct",
        "answered": "count",
        "offered": "count",
    }
    titles = {k: tr(f"bt.title.{k}", lang) for k in kinds}

    def cell(row: dict[str, Any], k: str) -> str:
        if row["measured"] is None and row["simulated"] is None:
            return "—"
        m = format_value(row["measured"], kinds[k])
        s = format_value(row["simulated"], kinds[k])
        flag = "*" if row["in_range"] is False else " "
        return f"{m}{flag}/{s}"

    sl = bt["service_level"]
    definition = sl["definition"]
    if lang != "en" and f"kpi.sl_{definition}" in MESSAGES:
        definition = kpi_label(f"sl_{definition}", lang)
    lines = [
        tr("bt.header", lang, reps=bt["replications"], seed=bt["seed"],
           threshold=sl["threshold_s"], definition=definition),
        "",
        _left(tr("bt.col_interval", lang), 9)
        + "".join(_right(titles[k], 20) for k in BACKTEST_KPIS),
    ]  # fmt: skip
    for row in bt["by_interval"]:
        lines.append(
            f"{row['start']:<9}" + "".join(f"{cell(row[k], k):>20}" for k in BACKTEST_KPIS)
        )
    day = tr("bt.col_whole_day", lang)
    lines.append(_left(day, 9) + "".join(f"{cell(bt['day'][k], k):>20}" for k in BACKTEST_KPIS))
    lines.append("")
    for k in BACKTEST_KPIS:
        f = bt["fit"][k]
        if not f["intervals"]:
            continue
        mape = f", MAPE {f['mape']:.1%}" if f["mape"] is not None else ""
        lines.append(
            tr("bt.fit", lang, title=titles[k], share=f["in_range_share"], n=f["intervals"],
               mae=format_value(f["mae"], kinds[k]), mape=mape)
        )  # fmt: skip
    return "\n".join(lines)
