"""Planning charts: `ccsim staff`'s answer beside Erlang's, and a shift schedule's
coverage of its requirement, each with the service level it reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.i18n import tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.planning.scheduling import SchedulePlan
    from ccsim.planning.staffing import StaffingResult

__all__ = ["coverage_chart", "required_staffing_chart"]


def required_staffing_chart(found: StaffingResult, lang: str = "en") -> Figure:
    """`ccsim staff`'s answer (a `ccsim.planning.staffing.StaffingResult`): above, the agents
    per interval by Erlang and by simulation, with the offered load in Erlangs (all
    groups); below, the service level per interval with each staffing (its 95 % CI
    band) against the target, so the intervals where Erlang misses are visible."""
    from ccsim.charts.style import (
        BLUE,
        GREY,
        ORANGE,
        RED,
        band,
        chart_context,
        finish,
        interval_axis,
        new_figure,
        steps,
        title_and_legend,
    )

    t = found.table
    per = t.groupby("start", sort=False)
    starts = list(per.groups)
    erlang = per["erlang_agents"].sum().to_numpy(float)
    required = per["required_agents"].sum().to_numpy(float)
    load = per["offered_load"].sum().to_numpy(float)
    first = per.first()
    x = np.arange(len(starts))
    goal = found.goal
    with chart_context(lang):
        fig = new_figure(11, 7)
        ax, ax_sl = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        ax.plot(*steps(erlang), color=GREY, lw=2, ls="--", label=tr("stchart.erlang", lang))
        ax.plot(*steps(required), color=BLUE, lw=2.4, label=tr("stchart.required", lang))
        ax.plot(x, load, color=RED, lw=1.5, marker="o", ms=3, label=tr("stchart.load", lang))
        xs, ye = steps(erlang)
        yr = steps(required)[1]
        ax.fill_between(
            xs, ye, yr, color=ORANGE, alpha=0.25, lw=0, label=tr("stchart.difference", lang)
        )
        top = np.nanmax(np.concatenate([erlang, required, load, [1.0]]))
        ax.set_ylim(0, top * 1.1)
        ax.set_ylabel(tr("cov.agents", lang))
        for prefix, color, label in (
            ("erlang_", GREY, tr("stchart.sl_erlang", lang)),
            ("", BLUE, tr("stchart.sl_sim", lang)),
        ):
            sl = first[f"{prefix}service_level"].to_numpy(float)
            band(
                ax_sl,
                first[f"{prefix}service_level_ci_low"].to_numpy(float),
                first[f"{prefix}service_level_ci_high"].to_numpy(float),
                color,
                0.15,
            )
            ax_sl.plot(*steps(sl), color=color, lw=2, label=label)
        ax_sl.axhline(
            goal.target,
            color=RED,
            ls=":",
            lw=1.5,
            label=tr("cov.target", lang, target=f"{goal.target:.0%}"),
        )
        missed = ~first["erlang_target_met"].to_numpy(bool)
        sl_e = first["erlang_service_level"].to_numpy(float)
        ax_sl.scatter(
            x[missed], sl_e[missed], color=RED, zorder=3, s=20, label=tr("stchart.misses", lang)
        )
        ax_sl.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        ax_sl.set_ylabel(f"SL {100 * goal.target:g}/{goal.threshold:g}s")
        interval_axis(ax_sl, starts, found.scenario.horizon.interval, lang)
        title = tr("stchart.title", lang, name=found.scenario.name, n=found.replications)
        title_and_legend(fig, title, [ax, ax_sl])
        return finish(fig)


def coverage_chart(plan: SchedulePlan, lang: str = "en") -> Figure:
    """Required vs scheduled agents per interval (over- and under-coverage shaded),
    above the simulated service level of the schedule with its 95 % CI and target;
    labels in ``lang``."""
    from ccsim.charts.style import (
        BLUE,
        GREEN,
        GREY,
        RED,
        band,
        chart_context,
        finish,
        interval_axis,
        new_figure,
        percent_axis,
        steps,
        title_and_legend,
    )
    from ccsim.i18n import tr

    table = plan.coverage_df()
    x = np.arange(len(table))
    required, planned, scheduled, available = (
        table[c].to_numpy(float)
        for c in ("required", "planned", "scheduled_agents", "available_agents")
    )
    simulated = "service_level" in table
    with chart_context(lang):
        fig = new_figure(11, 6.5 if simulated else 4.6)
        axes = (
            fig.subplots(2, 1, sharex=True, height_ratios=[3, 2]) if simulated else [fig.subplots()]
        )
        ax = axes[0]
        # coverage is agents on the floor (not on break, lunch or absent) against required
        ax.bar(x, available, width=0.8, color=BLUE, alpha=0.35, label=tr("cov.available", lang))
        over, under = np.maximum(available, required), np.minimum(available, required)
        band(ax, required, over, GREEN, 0.35, label=tr("cov.over", lang))
        band(ax, under, required, RED, 0.45, label=tr("cov.under", lang))
        ax.plot(*steps(scheduled), color=GREY, lw=1.2, ls=":", label=tr("cov.scheduled", lang))
        ax.plot(*steps(required), color="black", lw=2, label=tr("cov.required", lang))
        if (planned != required).any():
            ax.plot(
                *steps(planned),
                color=GREY,
                lw=1.2,
                ls="--",
                label=tr("cov.planned", lang),
            )
        ax.set_ylim(0, max(1.0, float(np.max([required, planned, scheduled, available]))) * 1.1)
        ax.set_ylabel(tr("cov.agents", lang))
        if simulated:
            sl_ax, target = axes[1], plan.scenario.service_level.target
            sl = table["service_level"].to_numpy(float)
            low = table["service_level_ci_low"].to_numpy(float)
            high = table["service_level_ci_high"].to_numpy(float)
            band(sl_ax, low, high, BLUE, 0.2, label=tr("table.ci95", lang))
            sl_ax.plot(*steps(sl), color=BLUE, lw=2, label=tr("cov.sim_sl", lang))
            sl_ax.axhline(
                target,
                color=RED,
                ls="--",
                lw=1.4,
                label=tr("cov.target", lang, target=f"{target:.0%}"),
            )
            below = sl < target
            sl_ax.scatter(
                x[below], sl[below], color=RED, s=16, zorder=3, label=tr("cov.below", lang)
            )
            sl_ax.set_ylim(0, 1.03)
            percent_axis(sl_ax)
            sl_ax.set_ylabel(tr("kpi.service_level", lang))
        interval_axis(axes[-1], list(table["interval"]), plan.scenario.horizon.interval, lang)
        title = tr("cov.title", lang, name=plan.scenario.name, group=plan.group)
        title_and_legend(fig, title, list(axes))
        return finish(fig)
