"""``ccsim plot RESULTS_DIR``: draw charts from a results folder without simulating."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: Kinds of chart (ccsim.charts.files.KINDS; repeated here so --help stays light).
KINDS = (
    "sl", "volumes", "staffing", "asa", "occupancy", "waits", "fan", "compare", "week", "all"
)  # fmt: skip


def add_command(sub: argparse._SubParsersAction) -> None:
    plot = sub.add_parser(
        "plot",
        help="draw charts from the folder of ccsim run --out or ccsim compare --out",
        description=(
            "Draw charts from what ccsim run --out (result.json, scenario.json, "
            "replications.csv, calls.csv with --trace) or ccsim compare --out "
            "(comparison.csv) wrote, or a week's folder (week.json: the SL heatmap by day x "
            "interval), without simulating again. docs/charts.md shows each chart."
        ),
    )
    plot.add_argument("results", type=Path, help="the folder of ccsim run/compare --out")
    plot.add_argument(
        "--kind",
        action="append",
        choices=KINDS,
        help="chart to draw, repeatable (default: all the folder allows)",
    )
    plot.add_argument("--format", choices=("png", "svg"), default="png", help="image format")
    plot.add_argument(
        "--lang", choices=("en", "zh"), help="language of the labels (default: the scenario's)"
    )
    plot.add_argument("--out", type=Path, help="write the charts here (default: RESULTS)")
    plot.set_defaults(func=cmd_plot)


def cmd_plot(args: argparse.Namespace) -> int:
    import warnings

    from ccsim.charts.files import PlotError, plot_results
    from ccsim.i18n import ChineseFontMissing

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChineseFontMissing)
        try:
            plotted = plot_results(
                args.results, args.kind or "all", lang=args.lang, fmt=args.format, out=args.out
            )
        except PlotError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    font_missing = [w for w in caught if issubclass(w.category, ChineseFontMissing)]
    if font_missing:
        print(f"warning: {font_missing[0].message}", file=sys.stderr)
    for w in caught:
        if not issubclass(w.category, ChineseFontMissing):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    for note in plotted.notes:
        print(f"note: {note}", file=sys.stderr)
    from ccsim.cli.options import print_written

    print_written(plotted.written, args.lang)
    return 0
