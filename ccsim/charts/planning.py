"""Planning charts: `ccsim staff`'s answer beside Erlang's, and a shift schedule's
coverage of its requirement, each with the service level it reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.scheduling import SchedulePlan
    from ccsim.staffing import StaffingResult

__all__ = ["coverage_chart", "required_staffing_chart"]


def required_staffing_chart(found: StaffingResult, lang: str = "en") -> Figure:
    """`ccsim staff`'s answer (a `ccsim.staffing.StaffingResult`): above, the agents
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
        ax.plot(*steps(erlang), color=GREY, lw=2, ls="--", label="Erlang per interval")
        ax.plot(*steps(required), color=BLUE, lw=2.4, label="simulated (required)")
        ax.plot(x, load, color=RED, lw=1.5, marker="o", ms=3, label="offered load (Erlangs)")
        xs, ye = steps(erlang)
        yr = steps(required)[1]
        ax.fill_between(xs, ye, yr, color=ORANGE, alpha=0.25, lw=0, label="difference")
        top = np.nanmax(np.concatenate([erlang, required, load, [1.0]]))
        ax.set_ylim(0, top * 1.1)
        ax.set_ylabel("agents")
        for prefix, color, label in (
            ("erlang_", GREY, "SL with Erlang staffing"),
            ("", BLUE, "SL with simulated staffing"),
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
        ax_sl.axhline(goal.target, color=RED, ls=":", lw=1.5, label=f"target {goal.target:.0%}")
        missed = ~first["erlang_target_met"].to_numpy(bool)
        sl_e = first["erlang_service_level"].to_numpy(float)
        ax_sl.scatter(x[missed], sl_e[missed], color=RED, zorder=3, s=20, label="Erlang misses")
        ax_sl.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        ax_sl.set_ylabel(f"SL {100 * goal.target:g}/{goal.threshold:g}s")
        interval_axis(ax_sl, starts, found.scenario.horizon.interval, lang)
        title = (
            f"{found.scenario.name}: agents needed per interval, Erlang vs simulation "
            f"({found.replications} replications)"
        )
        title_and_legend(fig, title, [ax, ax_sl])
        return finish(fig)


def coverage_chart(plan: SchedulePlan) -> Figure:
    """Required vs scheduled agents per interval (over- and under-coverage shaded),
    above the simulated service level of the schedule with its 95 % CI and target."""
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

    table = plan.coverage_df()
    x = np.arange(len(table))
    required, planned, scheduled, available = (
        table[c].to_numpy(float)
        for c in ("required", "planned", "scheduled_agents", "available_agents")
    )
    simulated = "service_level" in table
    with chart_context("en"):
        fig = new_figure(11, 6.5 if simulated else 4.6)
        axes = (
            fig.subplots(2, 1, sharex=True, height_ratios=[3, 2]) if simulated else [fig.subplots()]
        )
        ax = axes[0]
        # coverage is agents on the floor (not on break, lunch or absent) against required
        ax.bar(x, available, width=0.8, color=BLUE, alpha=0.35, label="available (on the floor)")
        over, under = np.maximum(available, required), np.minimum(available, required)
        band(ax, required, over, GREEN, 0.35, label="over (available − required)")
        band(ax, under, required, RED, 0.45, label="under")
        ax.plot(*steps(scheduled), color=GREY, lw=1.2, ls=":", label="scheduled (on shift)")
        ax.plot(*steps(required), color="black", lw=2, label="required")
        if (planned != required).any():
            ax.plot(
                *steps(planned),
                color=GREY,
                lw=1.2,
                ls="--",
                label="planned (shrinkage, absences, repairs)",
            )
        ax.set_ylim(0, max(1.0, float(np.max([required, planned, scheduled, available]))) * 1.1)
        ax.set_ylabel("agents")
        if simulated:
            sl_ax, target = axes[1], plan.scenario.service_level.target
            sl = table["service_level"].to_numpy(float)
            low = table["service_level_ci_low"].to_numpy(float)
            band(sl_ax, low, table["service_level_ci_high"].to_numpy(float), BLUE, 0.2,
                 label="95% CI")  # fmt: skip
            sl_ax.plot(*steps(sl), color=BLUE, lw=2, label="simulated service level")
            sl_ax.axhline(target, color=RED, ls="--", lw=1.4, label=f"target {target:.0%}")
            below = sl < target
            sl_ax.scatter(x[below], sl[below], color=RED, s=16, zorder=3, label="below target")
            sl_ax.set_ylim(0, 1.03)
            percent_axis(sl_ax)
            sl_ax.set_ylabel("service level")
        interval_axis(axes[-1], list(table["interval"]), plan.scenario.horizon.interval, "en")
        title = f"{plan.scenario.name}: group {plan.group}, agents on the floor vs required"
        title_and_legend(fig, title, list(axes))
        return finish(fig)
