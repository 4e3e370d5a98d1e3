"""`ccsim calibrate`: a scenario estimated from a call-by-call ACD log, with its fit
report (docs/calibration.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.cli import EXIT_BAD_INPUT
from ccsim.outputs.atomic import write_text
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
    p.add_argument("--out", type=Path, help="also write the fit report as JSON here")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from ccsim.calibration import calibrate, format_report
    from ccsim.calllog import parse_columns, read_call_log
    from ccsim.scenario import scenario_from_dict
    from ccsim.staffing import write_staffed

    try:
        columns = parse_columns(args.columns)
    except ValueError as err:
        print(f"error: --columns: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    log = read_call_log(args.log, columns, args.time_format, args.skip_bad_rows)
    if log.skipped:
        print(log.describe_skipped(), file=sys.stderr)
    try:
        cal = calibrate(log, args.interval, args.threshold, args.name, args.session_gap)
    except ValueError as err:
        print(f"error: {args.log}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario_from_dict(cal.scenario, source=str(args.output))  # `ccsim run` must accept it
    write_staffed(
        args.output,
        cal.scenario,
        f"calibrated by `ccsim calibrate {args.log}`; fit report: `ccsim calibrate --out`",
    )
    print(format_report(cal))
    print(f"\nwrote {args.output}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_text(args.out, dumps(cal.report, indent=2))
        print(f"wrote {args.out}")
    return 0
