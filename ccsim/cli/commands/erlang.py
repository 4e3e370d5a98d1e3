"""`ccsim erlang`: the planner's Erlang B / C / A calculator (docs/staffing.md).

For given agents it prints P(blocked), P(wait), service level, ASA, abandonment and
occupancy; without ``--agents`` the agents a goal needs (SL, ASA, abandonment,
blocking, maximum occupancy), on the floor and scheduled (shrinkage). One row for
``--calls`` per ``--interval``, or one per interval of a ``--forecast`` CSV.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from ccsim.cli.commands.staff import _fraction, _target


def _duration(text: str) -> float:
    from ccsim.units import parse_duration

    try:
        value = parse_duration(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return value


def _agents(text: str) -> list[int]:
    """``"25"`` or a range ``"20-30"``."""
    try:
        low, _, high = text.partition("-")
        first, last = int(low), int(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be N or N-M agents, got {text!r}") from None
    if first < 0 or last < first or last - first > 500:
        raise argparse.ArgumentTypeError(f"must be N or N-M with 0 <= N <= M, got {text!r}")
    return list(range(first, last + 1))


def _share(text: str) -> float:
    """A fraction in [0, 1) such as 0.3 or 30%."""
    try:
        value = float(text.rstrip("%")) / (100.0 if text.endswith("%") else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a fraction such as 0.3, got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text!r}")
    return value


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "erlang",
        help="Erlang B / C / A calculator: KPIs for given agents, or the agents a goal needs",
        description="Erlang B (lost calls), C (callers wait) or A (callers abandon, with "
        "--patience). With --agents: P(blocked), P(wait), SL, ASA, abandonment and "
        "occupancy. Without: the fewest agents on the floor meeting the goal (--target, "
        "--max-asa, --max-abandon, --max-block, --max-occupancy) and the agents to "
        "schedule for --shrinkage. One interval (--calls per --interval) or every "
        "interval of a --forecast CSV.",
    )
    p.add_argument("--calls", type=float, help="calls offered per --interval")
    p.add_argument(
        "--interval",
        type=_duration,
        help="the length of an interval (default 1h; with --forecast: the rows' spacing)",
    )
    p.add_argument(
        "--forecast",
        type=Path,
        metavar="FILE.csv",
        help="a forecast: start, "
        "volume and optionally aht (and type) columns, as scenarios read them",
    )
    p.add_argument(
        "--type",
        metavar="NAME",
        help="the forecast rows of this call type (default: every type pooled per interval)",
    )
    p.add_argument("--aht", type=_duration, help="mean handle time (talk + wrap), e.g. 300s")
    p.add_argument("--agents", type=_agents, metavar="N[-M]", help="agents on the floor")
    p.add_argument("--patience", type=_duration, help="mean patience: Erlang A (abandonment)")
    p.add_argument(
        "--model",
        type=str.upper,
        choices=("B", "C", "A"),
        help="Erlang model (default: A with --patience, else C)",
    )
    p.add_argument(
        "--target",
        type=_target,
        metavar="SL/SECONDS",
        help="service-level goal, e.g. 80/20 (default 80/20)",
    )
    p.add_argument("--max-asa", type=_duration, metavar="SECONDS", help="ASA at most this")
    p.add_argument(
        "--max-abandon",
        type=_fraction,
        metavar="FRACTION",
        help="abandonment at most this (Erlang A)",
    )
    p.add_argument(
        "--max-block", type=_fraction, metavar="FRACTION", help="blocking at most this (Erlang B)"
    )
    p.add_argument(
        "--max-occupancy",
        type=_fraction,
        metavar="FRACTION",
        help="occupancy at most this, e.g. 0.85",
    )
    p.add_argument(
        "--shrinkage",
        type=_share,
        default=0.0,
        metavar="FRACTION",
        help="share of scheduled agents off the floor, e.g. 0.3",
    )
    p.add_argument("--lang", choices=("en", "zh"), help="language of the table")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(func=cmd_erlang)


def cmd_erlang(args: argparse.Namespace) -> int:
    from ccsim.planning.erlang import ErlangGoal
    from ccsim.planning.erlang_table import erlang_rows, forecast_rows

    def fail(message: str) -> int:
        print(f"error: {message}", file=sys.stderr)
        return 2

    model = args.model or ("A" if args.patience else "C")
    if model == "A" and not args.patience:
        return fail("Erlang A needs --patience (the callers' mean patience, e.g. 180s)")
    if (args.calls is None) == (args.forecast is None):
        return fail("give --calls (per --interval) or --forecast FILE.csv, one of them")
    target, threshold = args.target or (None if model == "B" else 0.8, 20.0)
    if model == "B" and args.agents is None and args.max_block is None:
        return fail("Erlang B staffs to a maximum blocking: give --max-block (or --agents)")
    try:
        goal = ErlangGoal(
            target=None if model == "B" else target,
            threshold=threshold,
            max_asa=args.max_asa,
            max_abandon=args.max_abandon,
            max_block=args.max_block,
            max_occupancy=args.max_occupancy,
            shrinkage=args.shrinkage,
        )
        if args.forecast is not None:
            demand = forecast_rows(args.forecast, args.interval, args.aht, args.type)
        else:
            if args.aht is None or not args.aht > 0:
                return fail("give --aht, the mean handle time (e.g. 300s)")
            if args.calls < 0:
                return fail("--calls must be >= 0")
            demand = [("", args.calls, args.interval or 3600.0, args.aht)]
        rows = erlang_rows(model, demand, goal, args.agents, args.patience)
    except ValueError as err:
        return fail(str(err))
    if args.json:
        doc = {
            "model": model,
            "goal": None if args.agents else goal.__dict__ | {"description": goal.describe()},
            "patience_s": args.patience,
            "rows": rows,
        }
        print(json.dumps(_plain(doc)))
        return 0
    from ccsim.outputs.erlang_text import format_rows

    print(format_rows(model, rows, goal, given=args.agents is not None, lang=args.lang or "en"))
    return 0


def _plain(value):
    """JSON without NaN or infinities (None instead)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
