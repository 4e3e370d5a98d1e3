"""`ccsim backtest`: a scenario's simulated KPIs beside those measured in a call log —
every selected day against the replications' 95 % range, or one day in detail
(docs/calibration.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.atomic import write_text
from ccsim.cli.commands.calibrate import add_format_argument, read_log_from_args
from ccsim.cli.options import EXIT_BAD_INPUT, nonnegative_int, positive_int
from ccsim.outputs.jsondoc import dumps

#: What `ccsim backtest --out DIR` writes, and `ccsim report DIR` reads.
BACKTEST_FILE = "backtest.json"
CHART_FILE = "backtest.png"


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "backtest",
        help="compare a scenario's simulated KPIs with those measured in a call log",
        description="Measure SL, ASA, abandon rate and answered calls per interval in every "
        "selected day of a call-by-call log (the same definitions as `ccsim run`: the "
        "scenario's SL definition and threshold, a call in the interval it joined the queue), "
        "simulate the scenario, and report for how many days, and in which intervals, the "
        "real KPI lies within the replications' 95 %% range. --day D shows one day in detail.",
    )
    p.add_argument("log", type=Path, help="call log CSV")
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument("--reps", type=positive_int, help="replications (default: the scenario's)")
    p.add_argument("--seed", type=nonnegative_int, help="root random seed")
    p.add_argument(
        "--day",
        type=nonnegative_int,
        help="one day in detail, per interval (0 = the log's first day); default: every day",
    )
    p.add_argument("--columns", metavar="FIELD=COLUMN,…", help="as for `ccsim calibrate`")
    p.add_argument("--time-format", default="auto", help="as for `ccsim calibrate`")
    add_format_argument(p)
    p.add_argument(
        "--skip-bad-rows", action="store_true", help="skip unreadable rows (and say how many)"
    )
    p.add_argument(
        "--staffing",
        type=Path,
        metavar="CSV",
        help="the agents on the floor per interval (columns interval, agents): the real "
        "occupancy is then measured and judged too",
    )
    p.add_argument(
        "--chart", type=Path, metavar="FILE.png", help="draw real vs simulated curves here"
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help=f"write {BACKTEST_FILE} and {CHART_FILE} here (`ccsim report DIR` reports them)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("--lang", choices=("en", "zh"), help="language of the report (default: en)")
    p.set_defaults(func=cmd_backtest)


def cmd_backtest(args: argparse.Namespace) -> int:
    from ccsim.data.backtest import backtest, backtest_days
    from ccsim.i18n import check_lang, tr
    from ccsim.outputs.backtest_text import format_backtest, format_backtest_days
    from ccsim.scenario import ScenarioError, load_scenario

    lang = check_lang(args.lang)
    scenario = load_scenario(args.scenario)
    try:
        log = read_log_from_args(args)
    except ValueError as err:
        if isinstance(err, ScenarioError):
            raise
        print(f"error: --columns: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.day is not None:
            bt = backtest(log, scenario, args.reps, args.seed, args.day)
            print(dumps(bt) if args.json else format_backtest(bt, lang))
            return 0
        from ccsim.planning.requirement import read_staffing_file

        staffing = read_staffing_file(args.staffing) if args.staffing else None
        bt = backtest_days(log, scenario, args.reps, args.seed, staffing=staffing)
    except ValueError as err:
        print(f"error: {args.log}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    bt["log"], bt["scenario"] = str(args.log), str(args.scenario)
    print(dumps(bt) if args.json else format_backtest_days(bt, lang))
    charts = [args.chart] if args.chart else []
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        write_text(args.out / BACKTEST_FILE, dumps(bt, indent=1))
        charts.append(args.out / CHART_FILE)
    if charts:
        from ccsim.charts.backtest import backtest_chart
        from ccsim.charts.style import save_figure

        fig = backtest_chart(bt, lang=lang)
        for path in charts:
            print(tr("cli.wrote", lang, path=save_figure(fig, path)), file=sys.stderr)
    return 0
