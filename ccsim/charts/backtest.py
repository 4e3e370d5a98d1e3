"""The back-test chart: per interval, the real days against the simulated band.

Four panels (service level, ASA, abandon rate, answered calls): the replications'
2.5–97.5 % range (the band a real day should fall in), the simulated mean, every
real day as a thin line and the real days' mean as a thick one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    title_and_legend,
)
from ccsim.i18n import tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The panels: KPI, catalogue key of its title, whether it is a share.
PANELS = (
    ("service_level", "btc.sl", True),
    ("asa_s", "btc.asa", False),
    ("abandon_rate", "btc.abandon", True),
    ("answered", "btc.answered", False),
)


def backtest_chart(bt: dict[str, Any], lang: str = "en") -> Figure:
    """The chart of a multi-day back-test (`ccsim.data.backtest.backtest_days`)."""
    rows = bt["by_interval"]
    starts = [r["start"] for r in rows]
    with chart_context(lang):
        fig = new_figure(11.0, 7.5)
        axes = fig.subplots(2, 2, sharex=True).ravel()
        for ax, (kpi, key, pct) in zip(axes, PANELS, strict=True):
            _panel(ax, rows, kpi, tr(key, lang), lang, bt["verdict"][kpi])
            interval_axis(ax, starts, bt["interval_s"], lang)
            if pct:
                percent_axis(ax)
        for ax in axes[:2]:
            ax.set_xlabel("")
        n = len(bt["days"])
        title = tr(
            "btc.title",
            lang,
            n=n,
            reps=bt["replications"],
            inside=bt["pairs_in_range"],
            pairs=bt["pairs"],
        )
        title_and_legend(fig, title, axes[:1], ncols=4)
        return finish(fig)


def _panel(ax, rows, kpi: str, label: str, lang: str, verdict: dict) -> None:
    lo = nan_array([(r[kpi]["range95"] or (None, None))[0] for r in rows])
    hi = nan_array([(r[kpi]["range95"] or (None, None))[1] for r in rows])
    band(ax, lo, hi, BLUE, 0.18, label=tr("btc.range", lang))
    x, y = steps(nan_array([r[kpi]["simulated"] for r in rows]))
    ax.plot(x, y, color=BLUE, lw=1.6, label=tr("btc.sim_mean", lang))
    real = np.array([nan_array(r[kpi]["measured"]) for r in rows]).T  # days × intervals
    for i, day in enumerate(real):
        xs = np.arange(day.size)
        ax.plot(
            xs,
            day,
            color=GREY,
            lw=0.6,
            alpha=0.5,
            label=tr("btc.real_days", lang) if i == 0 else None,
        )
    if real.size:
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(real, axis=0)
        ax.plot(
            np.arange(mean.size),
            mean,
            color=ORANGE,
            lw=2.0,
            marker="o",
            ms=3,
            label=tr("btc.real_mean", lang),
        )
    ax.set_title(
        tr("btc.panel", lang, label=label, inside=verdict["days_in_range"], days=verdict["days"]),
        loc="left",
        fontsize=10,
    )
    ax.set_ylim(bottom=0)
