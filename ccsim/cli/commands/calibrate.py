"""`ccsim calibrate`: a scenario estimated from a call-by-call ACD log, with its fit
report (docs/calibration.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.atomic import write_text
from ccsim.cli.options import EXIT_BAD_INPUT
from ccsim.outputs.jsondoc import dumps


def _duration(text: str) -> float:
    from ccsim.units import parse_duration

    try:
        value = parse_duration(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate",
        help="estimate a scenario from a call-by-call ACD log (volumes, handle time, "
        "patience, IVR, staffing)",
        description="Read a call-by-call log (one row per call) and estimate volumes per "
        "interval and call type, the handle-time distribution (exponential/gamma/lognormal "
        "by maximum likelihood, lowest AIC), patience from censored waits (Kaplan–Meier and "
        "censored MLE), the IVR, and staffing per interval from agent ids. Writes a "
        "scenario `ccsim run` accepts and prints the fit report.",
    )
    p.add_argument("log", type=Path, help="call log CSV")
    p.add_argument("-o", "--output", type=Path, required=True, help="scenario YAML to write")
    p.add_argument(
        "--columns",
        metavar="FIELD=COLUMN,…",
        help="column names of the log's fields (arrival, ivr_start, ivr_end, queue, answer, "
        "abandon, end, call_type, agent); default: the field names",
    )
    p.add_argument(
        "--time-format",
        default="auto",
        help="'auto' (seconds, HH:MM[:SS] or ISO datetimes; default), 'seconds', or a "
        "strftime format such as '%%Y-%%m-%%d %%H:%%M:%%S'",
    )
    p.add_argument(
        "--interval", type=_duration, default=1800.0, help="planning interval (default 30min)"
    )
    p.add_argument(
        "--threshold", type=_duration, default=20.0, help="service-level threshold (default 20s)"
    )
    p.add_argument(
        "--session-gap",
        type=_duration,
        default=1800.0,
        help="an agent's calls closer than this form one logged-in session (default 30min)",
    )
    p.add_argument("--name", help="the scenario's name")
    p.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="skip rows that cannot be read (and say how many), instead of stopping",
    )
    add_format_argument(p)
    p.add_argument(
        "--patience",
        choices=("auto", "parametric", "survival"),
        default="auto",
        help="patience written: the best parametric fit, the Kaplan–Meier curve (dist: "
        "survival), or auto (the curve when the fit strays from it; default)",
    )
    p.add_argument(
        "--staffing-from",
        choices=("floor", "sessions"),
        default="floor",
        help="floor: agents busy while callers wait (default); sessions: agent ids' sessions",
    )
    p.add_argument(
        "--staffing",
        type=Path,
        metavar="CSV",
        help="your own staffing line: a CSV with columns interval (HH:MM) and agents, one "
        "row per interval of the log's day (overrides the estimate)",
    )
    p.add_argument(
        "--ivr-mix",
        choices=("by_interval", "day"),
        default="by_interval",
        help="by_interval: per-interval volumes carry the time-of-day IVR and call-type mix "
        "(default); day: one IVR node with the day's shares",
    )
    p.add_argument("--out", type=Path, help="also write the fit report as JSON here")
    p.add_argument("--lang", choices=("en", "zh"), help="language of the report (default: en)")
    p.set_defaults(func=cmd_calibrate)


def add_format_argument(p: argparse.ArgumentParser) -> None:
    """``--format``: a log format file, or a shipped format's name."""
    p.add_argument(
        "--format",
        metavar="FORMAT.yaml",
        help="a log format file (columns, dates, sentinels, outcome codes, ignored records, "
        "skew tolerance, days to use), or a shipped one: ccsim-trace, generic-acd "
        "(docs/calibration.md)",
    )


def read_log_from_args(args: argparse.Namespace):
    """The call log the command's arguments describe (``--format`` or ``--columns``)."""
    from ccsim.data.calllog import parse_columns, read_call_log
    from ccsim.data.logformat import load_log_format
    from ccsim.scenario.errors import ScenarioError

    if args.format and (args.columns or args.time_format != "auto"):
        raise ScenarioError(
            "give the columns and time format in the log format file, or with --columns / "
            "--time-format, not both",
            file=str(args.format),
        )
    fmt = load_log_format(args.format) if args.format else None
    columns = parse_columns(args.columns)  # ValueError: the caller's message
    log = read_call_log(args.log, columns, args.time_format, args.skip_bad_rows, fmt)
    from ccsim.outputs.calibration_text import describe_reading

    print(describe_reading(log), file=sys.stderr)
    return log


def cmd_calibrate(args: argparse.Namespace) -> int:
    from ccsim.data.calibration import calibrate
    from ccsim.i18n import check_lang, tr
    from ccsim.outputs.calibration_text import format_report
    from ccsim.scenario import ScenarioError, scenario_from_dict
    from ccsim.scenario.writing import write_staffed

    try:
        log = read_log_from_args(args)
    except ValueError as err:
        if isinstance(err, ScenarioError):
            raise
        print(f"error: --columns: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if log.skipped:
        print(log.describe_skipped(), file=sys.stderr)
    if args.interval not in (900.0, 1800.0, 3600.0):
        print(
            f"error: --interval: a scenario plans in 15min, 30min or 60min intervals, got "
            f"{args.interval / 60:g}min (a log is read at any resolution)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    from ccsim.planning.requirement import read_staffing_file

    line = read_staffing_file(args.staffing) if args.staffing else None
    try:
        cal = calibrate(
            log,
            args.interval,
            args.threshold,
            args.name,
            args.session_gap,
            patience=args.patience,
            staffing=args.staffing_from,
            staffing_line=line,
            ivr_mix=args.ivr_mix,
        )
    except ValueError as err:
        print(f"error: {args.log}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario_from_dict(cal.scenario, source=str(args.output))  # `ccsim run` must accept it
    write_staffed(
        args.output,
        cal.scenario,
        f"calibrated by `ccsim calibrate {args.log}`; fit report: `ccsim calibrate --out`",
    )
    lang = check_lang(args.lang)
    print(format_report(cal, lang))
    print("\n" + tr("cli.wrote", lang, path=args.output))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_text(args.out, dumps(cal.report, indent=2))
        print(tr("cli.wrote", lang, path=args.out))
    return 0
