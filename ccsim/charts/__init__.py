"""ccsim's charts: functions that take a run's results and a language and return a
drawn matplotlib `Figure` in one consistent style (``ccsim.mplstyle``).

`ccsim.charts` is the public entry and re-exports all of them; `plot_results` draws
them from a results folder (``ccsim plot``).
"""

from ccsim.charts.files import CHART_FILES, KINDS, PlotError, Plotted, plot_results
from ccsim.charts.intervals import (
    asa_abandon_chart,
    offered_load,
    service_level_chart,
    staffing_chart,
    volumes_chart,
)
from ccsim.charts.montecarlo import (
    comparison_chart,
    fan_chart,
    interval_matrix,
    sl_difference_chart,
    sweep_chart,
)
from ccsim.charts.occupancy import occupancy_chart, occupancy_matrix
from ccsim.charts.planning import coverage_chart, required_staffing_chart
from ccsim.charts.style import FORMATS, STYLE_FILE, chart_context, save_figure
from ccsim.charts.waits import call_waits, waiting_time_chart

__all__ = [
    "coverage_chart",
    "required_staffing_chart",
    "CHART_FILES",
    "FORMATS",
    "KINDS",
    "STYLE_FILE",
    "PlotError",
    "Plotted",
    "asa_abandon_chart",
    "call_waits",
    "chart_context",
    "comparison_chart",
    "fan_chart",
    "interval_matrix",
    "occupancy_chart",
    "occupancy_matrix",
    "offered_load",
    "plot_results",
    "save_figure",
    "service_level_chart",
    "sl_difference_chart",
    "staffing_chart",
    "sweep_chart",
    "volumes_chart",
    "waiting_time_chart",
]
