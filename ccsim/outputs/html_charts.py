"""The report's charts (every chart of `ccsim.charts` a run can draw, as inline SVG)
and its comparison section."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ccsim.batch.result import RunResult
from ccsim.i18n import kpi_label, tr
from ccsim.outputs.report import (
    DAY_ROWS,
    format_value,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from ccsim.batch.comparison import ComparisonResult

from ccsim.outputs.html_pieces import _e, _figure_html, _section, _table

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
    from ccsim.outputs.comparison import ROSTER_ROWS, _diff_cell

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
