"""``ccsim staff`` on a week scenario: the staffing search of a day, run on every open
day (each on its own day seed), and the week's agent-hours.

Not a command of its own: ``ccsim staff`` hands a week file here. Each day's search
is exactly ``ccsim staff`` on that day's one-day scenario with the seed
``day_seed(S, d)``, so a day's answer is what a planner gets from that day alone.
``--out`` writes ``staffing.csv`` (the days' tables, a ``day`` column first) and
``staffing.json`` (``by_day``); a staffed week file is not written (a week's days
share one staffing in the scenario format).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["staff_week_command"]


def staff_week_command(args: argparse.Namespace) -> int:
    """Search each open day's staffing; print each day's table and the week's hours."""
    from ccsim.batch.week import day_seed
    from ccsim.batch.week_whatif import load_week_with_overrides
    from ccsim.cli.options import EXIT_BAD_INPUT, backend_from_args, print_written
    from ccsim.i18n import tr
    from ccsim.outputs.staffing_text import staffing_text, to_json
    from ccsim.planning.staffing import StaffingGoal, find_staffing
    from ccsim.planning.staffing_goal import MIN_REPLICATIONS
    from ccsim.scenario.week import day_name

    week = load_week_with_overrides(args.scenario, args.set or [], args.scale_arrivals or [])
    base = week.base
    seed = args.seed if args.seed is not None else (base.seed if base.seed is not None else 1)
    reps = args.reps or max(base.replications, MIN_REPLICATIONS)
    level, threshold = args.target if args.target else (None, None)
    lang = args.lang or "en"
    days = []
    for d, day in enumerate(week.days):
        entry = {"day": day.label, "weekday": day.weekday,
                 "date": day.date and day.date.isoformat()}  # fmt: skip
        if day.scenario is None:
            days.append((entry, None))
            continue
        try:
            goal = StaffingGoal.of(
                day.scenario,
                target=level,
                threshold=threshold,
                max_abandon=args.max_abandon,
                confidence=args.confidence,
            )
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
        found = find_staffing(
            day.scenario, goal, replications=reps, seed=day_seed(seed, d), engine=args.engine,
            backend=backend_from_args(args), max_iterations=args.max_iterations,
            progress=None if args.json else (lambda m: print(m, file=sys.stderr)),
        )  # fmt: skip
        days.append((entry, found))
    document = _document(week.name, seed, days, to_json)
    written = _write(args.out, days, document) if args.out else []
    if args.json:
        print(json.dumps(document))
        return 0
    for entry, found in days:
        print(f"== {day_name(entry, lang)} ==")
        print(tr("week.closed", lang) if found is None else staffing_text(found, lang))
        print()
    hours = document["agent_hours"]
    print(tr("week.staff_totals", lang, erlang=f"{hours['erlang']:,.1f}",
             sim=f"{hours['required']:,.1f}"))  # fmt: skip
    print_written(written, lang)
    return 0


def _document(name: str, seed: int, days: list, to_json) -> dict:
    by_day = []
    for entry, found in days:
        by_day.append({**entry, "open": found is not None,
                       **({} if found is None else to_json(found))})  # fmt: skip
    opened = [e for e in by_day if e["open"]]
    return {
        "scenario": name,
        "seed": seed,
        "agent_hours": {
            k: sum(e["agent_hours"][k] for e in opened) for k in ("erlang", "required")
        },
        "by_day": by_day,
    }


def _write(out: Path, days: list, document: dict) -> list[Path]:
    import pandas as pd

    from ccsim.outputs.csvfiles import write_frame

    out.mkdir(parents=True, exist_ok=True)
    tables = [found.table.assign(day=entry["day"]) for entry, found in days if found is not None]
    table = pd.concat(tables, ignore_index=True)
    table = table[["day", *(c for c in table.columns if c != "day")]]
    write_frame(table, out / "staffing.csv")
    (out / "staffing.json").write_text(json.dumps(document), encoding="utf-8")
    return [out / "staffing.csv", out / "staffing.json"]
