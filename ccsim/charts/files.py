"""Charts drawn from a results folder, without simulating again.

A ``ccsim run --out DIR`` folder holds ``result.json`` and ``scenario.json`` (read
back by `ccsim.batch.results.load_results`), ``replications.csv`` (every replication's
KPIs) and, with ``--trace``, ``calls.csv`` (every call). A ``ccsim compare --out
DIR`` folder holds ``comparison.csv`` and ``comparison.json``. `plot_results` draws
what the folder allows and says why it left a chart out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ccsim.charts.intervals import (
    asa_abandon_chart,
    service_level_chart,
    staffing_chart,
    volumes_chart,
)
from ccsim.charts.montecarlo import comparison_chart, fan_chart
from ccsim.charts.occupancy import occupancy_chart
from ccsim.charts.style import FORMATS, save_figure
from ccsim.charts.waits import waiting_time_chart
from ccsim.i18n import check_lang

__all__ = ["CHART_FILES", "KINDS", "PlotError", "Plotted", "plot_results"]

#: Chart kinds of ``ccsim plot --kind``, with the file name each is written to.
CHART_FILES: dict[str, str] = {
    "sl": "service_level",
    "volumes": "volumes",
    "staffing": "staffing",
    "asa": "asa_abandon",
    "occupancy": "occupancy",
    "waits": "waits",
    "fan": "sl_fan",
    "compare": "comparison_sl",
}
#: The chart of a week's folder (``--kind week``) and its file name.
WEEK_CHART_FILE = "week_sl"
KINDS: tuple[str, ...] = (*CHART_FILES, "week", "all")
#: The kinds a run folder gives, and a comparison folder.
RUN_KINDS = ("sl", "volumes", "staffing", "asa", "occupancy", "waits", "fan")
COMPARE_KINDS = ("compare",)
#: The kinds a week's folder (``week.json``) gives.
WEEK_KINDS = ("week",)
WEEK_FILE = "week.json"

CALLS_FILE = "calls.csv"
REPLICATIONS_FILE = "replications.csv"
COMPARISON_FILE = "comparison.csv"
COMPARISON_JSON = "comparison.json"
#: The columns of calls.csv the waiting-time chart reads.
CALLS_COLUMNS = ["replication", "leg", "outcome", "offered_s", "wait_s"]


class PlotError(ValueError):
    """A folder without what a chart needs (the message says what to run)."""


@dataclass
class Plotted:
    """What `plot_results` wrote, and notes on what it drew differently or left out."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def plot_results(
    folder: str | Path,
    kinds: str | list[str] | tuple[str, ...] = "all",
    lang: str | None = None,
    fmt: str = "png",
    out: str | Path | None = None,
) -> Plotted:
    """Draw the ``kinds`` of chart (`KINDS`; ``"all"``: every one the folder allows)
    from a results folder into ``out`` (default: the folder itself) as ``fmt`` (png,
    svg), in ``lang`` (default: the scenario's ``lang``). Raises `PlotError` when
    the folder is not a results folder or lacks what an asked-for chart needs."""
    folder = Path(folder)
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise PlotError(f"unknown chart kind {unknown[0]!r}; allowed: {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise PlotError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if lang is not None:
        check_lang(lang)
    if not folder.is_dir():
        raise PlotError(f"{folder}: no such folder")
    out = Path(out) if out is not None else folder
    out.mkdir(parents=True, exist_ok=True)
    if (folder / WEEK_FILE).is_file():
        return _week_charts(folder, kinds, lang, fmt, out)
    if "week" in kinds:
        raise PlotError(f"{folder} has no {WEEK_FILE}: --kind week needs the folder of a week run")
    is_run = (folder / "result.json").is_file()
    is_compare = (folder / COMPARISON_FILE).is_file()
    if not (is_run or is_compare):
        raise PlotError(
            f"{folder} has neither result.json (ccsim run --out) nor {COMPARISON_FILE} "
            "(ccsim compare --out)"
        )
    if "all" in kinds:
        kinds = [*(RUN_KINDS if is_run else ()), *(COMPARE_KINDS if is_compare else ())]
    plotted = Plotted()
    if any(k in RUN_KINDS for k in kinds):
        if not is_run:
            raise PlotError(
                f"{folder} has no result.json: {', '.join(k for k in kinds if k in RUN_KINDS)} "
                "need the folder of ccsim run --out"
            )
        _run_charts(folder, [k for k in kinds if k in RUN_KINDS], lang, fmt, out, plotted)
    if "compare" in kinds:
        if not is_compare:
            raise PlotError(
                f"{folder} has no {COMPARISON_FILE}: the compare chart needs the folder of "
                "ccsim compare --out"
            )
        fig = comparison_chart(
            pd.read_csv(
                folder / COMPARISON_FILE, dtype={"key": str, "interval": str}, encoding="utf-8-sig"
            ),
            lang=lang or "en",
            names=_comparison_names(folder),
        )
        plotted.written.append(save_figure(fig, out / f"{CHART_FILES['compare']}.{fmt}", fmt))
    return plotted


def _week_charts(folder: Path, kinds: list[str], lang: str | None, fmt: str, out: Path) -> Plotted:
    """The charts of a week's folder (``ccsim run --out`` on a week): the heatmap of
    the service level by day × interval."""
    from ccsim.charts.week import week_sl_chart

    others = [k for k in kinds if k not in (*WEEK_KINDS, "all")]
    if others:
        raise PlotError(
            f"{folder} holds a week (week.json): its chart is --kind week; "
            f"{', '.join(others)} are charts of a single day's folder"
        )
    try:
        document = json.loads((folder / WEEK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PlotError(f"{folder / WEEK_FILE}: cannot read it ({err})") from None
    fig = week_sl_chart(document, lang or document.get("lang") or "en")
    return Plotted(written=[save_figure(fig, out / f"{WEEK_CHART_FILE}.{fmt}", fmt)])


def _run_charts(
    folder: Path, kinds: list[str], lang: str | None, fmt: str, out: Path, plotted: Plotted
) -> None:
    from ccsim.batch.results import ResultsError, load_results

    try:
        result = load_results(folder)
    except ResultsError as err:
        raise PlotError(str(err)) from None
    lang = lang or str(getattr(result.scenario, "lang", "en"))
    replications = None
    if ("fan" in kinds or "waits" in kinds) and not result.kpis:
        path = folder / REPLICATIONS_FILE
        if not path.is_file():
            raise PlotError(
                f"{folder} has no {REPLICATIONS_FILE}: the fan and waits charts need every "
                "replication's KPIs (ccsim run --out writes them)"
            )
        replications = pd.read_csv(path, dtype={"key": str, "interval": str}, encoding="utf-8-sig")
    if "fan" in kinds and result.replications < 2:
        plotted.notes.append(
            "fan: one replication, so no spread to show (run with --reps 20 or more)"
        )
    calls = None
    if "waits" in kinds:
        if (folder / CALLS_FILE).is_file():
            calls = pd.read_csv(folder / CALLS_FILE, usecols=CALLS_COLUMNS)
        else:
            plotted.notes.append(
                f"waits: no {CALLS_FILE} in {folder}, so drawn from each replication's "
                "waiting-time percentiles; for the full distribution run with --trace"
            )
    draw = {
        "sl": lambda: service_level_chart(result, lang),
        "volumes": lambda: volumes_chart(result, lang),
        "staffing": lambda: staffing_chart(result, lang),
        "asa": lambda: asa_abandon_chart(result, lang),
        "occupancy": lambda: occupancy_chart(result, lang),
        "waits": lambda: waiting_time_chart(result, lang, calls=calls, replications=replications),
        "fan": lambda: fan_chart(result, lang, replications=replications),
    }
    for kind in kinds:
        path = out / f"{CHART_FILES[kind]}.{fmt}"
        plotted.written.append(save_figure(draw[kind](), path, fmt))


def _comparison_names(folder: Path) -> tuple[str, str] | None:
    try:
        doc = json.loads((folder / COMPARISON_JSON).read_text(encoding="utf-8"))
        return str(doc["base"]), str(doc["alt"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
