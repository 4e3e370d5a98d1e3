"""Charts. Functions take a run's results (a `RunResult`, a comparison or sweep
table) and a language (``lang="en"`` or ``"zh"``) and return a drawn matplotlib
`Figure`; `save_figure` writes it as PNG or SVG, `plot_results` draws them from a
``ccsim run --out`` / ``ccsim compare --out`` folder.

The object-oriented API and the Agg canvas are used directly, so plotting never
needs a display and never touches pyplot's global state. The charts live in
`ccsim.charts`, one module per family; this module is their public entry
(docs/charts.md describes each one).
"""

from ccsim.charts import *  # noqa: F403
from ccsim.charts import __all__  # noqa: F401


def required_staffing_chart(found, lang: str = "en"):
    """`ccsim staff`'s answer (a `ccsim.staffing.StaffingResult`): above, the agents
    per interval by Erlang and by simulation, with the offered load in Erlangs (all
    groups); below, the service level per interval with each staffing (its 95 % CI
    band) against the target, so the intervals where Erlang misses are visible."""
    import numpy as np

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
                first[f"{prefix}service_level_lo"].to_numpy(float),
                first[f"{prefix}service_level_hi"].to_numpy(float),
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
