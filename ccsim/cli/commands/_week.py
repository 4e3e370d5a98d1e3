"""``ccsim run`` on a week scenario (``horizon.days``): a per-day table or ``--json``.

Not a command of its own (the leading underscore keeps it out of the command list):
``ccsim run`` hands a week file here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ccsim.scenario.week import is_week_file

__all__ = ["describe_week", "is_week_file", "run_week_command"]

#: ``ccsim run`` options that do not apply to a week yet, and why they are refused.
_NOT_FOR_WEEKS = (
    ("set", "--set"),
    ("scale_arrivals", "--scale-arrivals"),
    ("trace", "--trace"),
    ("resume", "--resume"),
    ("precision", "--precision"),
    ("required", "--required"),
)


def describe_week(path: Path) -> str:
    """``ccsim validate``'s line for a week file (every day validated)."""
    from ccsim.scenario.week import load_week

    week = load_week(path)
    days = ", ".join(d.label if d.is_open else f"{d.label} (closed)" for d in week.days)
    return f"{path}: valid week scenario {week.name!r}: {days}"


def run_week_command(args: argparse.Namespace) -> int:
    """Run the week of ``args.scenario`` and print its per-day table or JSON."""
    from ccsim.batch.week import run_week
    from ccsim.cli.options import EXIT_BAD_INPUT, backend_from_args
    from ccsim.outputs.week import by_day_rows, day_rows_table, interval_rows, week_json
    from ccsim.scenario.week import load_week

    for attr, flag in _NOT_FOR_WEEKS:
        if getattr(args, attr, None):
            print(f"error: {flag} does not apply to a week scenario yet", file=sys.stderr)
            return EXIT_BAD_INPUT
    week = load_week(args.scenario)
    result = run_week(
        week, args.reps, args.seed, engine=args.engine, backend=backend_from_args(args)
    )
    document = week_json(result)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "week.json").write_text(json.dumps(document), encoding="utf-8")
        _write_csv(by_day_rows(result), args.out / "by_day.csv")
        _write_csv(interval_rows(result), args.out / "intervals.csv")
    if args.json:
        print(json.dumps(document))
        return 0
    print(day_rows_table(result))
    print()
    print(f"{result.n_calls:,} calls in {result.elapsed_s:.2f} s")
    if args.out:
        for name in ("week.json", "by_day.csv", "intervals.csv"):
            print(f"wrote {args.out / name}")
    return 0


def _write_csv(rows: list[dict], path: Path) -> None:
    """The rows as CSV, the first row's keys as the header."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
