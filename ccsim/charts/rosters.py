"""Two rosters side by side: each one's service level per interval against the
target, and below it their paired difference (`ccsim.batch.comparison`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.charts.style import (
    BLUE,
    GREY,
    ORANGE,
    band,
    chart_context,
    finish,
    interval_axis,
    nan_array,
    new_figure,
    percent_axis,
    steps,
    target_line,
    title_and_legend,
)
from ccsim.i18n import kpi_label, tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.batch.comparison import ComparisonResult

__all__ = ["both_rosters_chart"]


def _series(rows: list[dict], kpi: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, CI low and CI high of ``kpi`` per interval (NaN where undefined)."""
    mean = nan_array([(r.get(kpi) or {}).get("mean") for r in rows])
    cis = [(r.get(kpi) or {}).get("ci95") or (None, None) for r in rows]
    return mean, nan_array([c[0] for c in cis]), nan_array([c[1] for c in cis])


def both_rosters_chart(comparison: ComparisonResult, lang: str = "en") -> Figure:
    """Base and alternative service level per interval (means with 95 % CI bands)
    against the target; below, the paired difference alternative − base in
    percentage points with its paired 95 % CI."""
    base, alt = comparison.base, comparison.alt
    starts = [r["start"] for r in base.summary["by_interval"]]
    table = comparison.table
    diff = table[(table["scope"] == "interval") & (table["kpi"] == "service_level")]
    with chart_context(lang):
        fig = new_figure(11.0, 6.4)
        ax, ax_d = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        for result, color, style in ((base, BLUE, "-"), (alt, ORANGE, "--")):
            mean, low, high = _series(result.summary["by_interval"], "service_level")
            if result.replications > 1:
                band(ax, low, high, color, 0.15)
            ax.plot(*steps(mean), color=color, lw=2, ls=style, label=result.scenario.name)
        target_line(ax, base.scenario.service_level.target, lang)
        ax.set_ylim(0, 1.03)
        percent_axis(ax)
        ax.set_ylabel(kpi_label("service_level", lang))
        d, lo, hi = (100 * diff[c].to_numpy(float) for c in ("diff", "ci_low", "ci_high"))
        band(ax_d, lo, hi, GREY, 0.3, label=tr("chart.paired_ci", lang))
        ax_d.plot(*steps(d), color="black", lw=1.6, label=tr("chart.difference", lang))
        ax_d.axhline(0.0, color=GREY, lw=1.0)
        ax_d.set_ylabel(tr("chart.diff_axis_pp", lang, kpi=kpi_label("service_level", lang)))
        interval_axis(ax_d, starts, base.scenario.horizon.interval, lang)
        ax.tick_params(labelbottom=False)
        ax.set_xlabel("")
        title_and_legend(fig, tr("chart.sl_both_rosters", lang), [ax, ax_d])
        return finish(fig)
