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
    from ccsim.cli import EXIT_BAD_INPUT, backend_from_args
    from ccsim.outputs.week import day_rows_table, week_json

    for attr, flag in _NOT_FOR_WEEKS:
        if getattr(args, attr, None):
            print(f"error: {flag} does not apply to a week scenario yet", file=sys.stderr)
            return EXIT_BAD_INPUT
    week = load_week_with_overrides(
        args.scenario, args.set or [], getattr(args, "scale_arrivals", None) or []
    )
    result = run_week(
        week, args.reps, args.seed, engine=args.engine, backend=backend_from_args(args)
    )
    document = week_json(result)
    lang = args.lang or getattr(week.base, "lang", None) or "en"
    written = write_week_folder(document, result, args.out, lang, args.charts) if args.out else []
    if args.json:
        print(json.dumps(document))
        return 0
    from ccsim.cli import print_written
    from ccsim.i18n import tr

    print(day_rows_table(result, lang))
    print()
    print(tr("week.calls_in", lang, calls=result.n_calls, seconds=result.elapsed_s))
    print_written(written, lang)
    return 0


def write_week_folder(
    document: dict, result, out: Path, lang: str = "en", charts: bool = True
) -> list[Path]:
    """Write a week run's folder: ``week.json``, ``by_day.csv``, ``intervals.csv``,
    ``week.xlsx`` (the week sheet) and, with ``charts``, the heatmap ``week_sl.png``."""
    from ccsim.outputs.week import by_day_rows, interval_rows
    from ccsim.outputs.week_sheets import write_week_workbook

    out.mkdir(parents=True, exist_ok=True)
    (out / "week.json").write_text(json.dumps(document), encoding="utf-8")
    _write_csv(by_day_rows(result), out / "by_day.csv")
    _write_csv(interval_rows(result), out / "intervals.csv")
    written = [out / "week.json", out / "by_day.csv", out / "intervals.csv"]
    written.append(write_week_workbook(document, out / "week.xlsx"))
    if charts:
        from ccsim.charts.style import save_figure
        from ccsim.charts.week import week_sl_chart

        written.append(save_figure(week_sl_chart(document, lang), out / "week_sl.png"))
    return written


def _write_csv(rows: list[dict], path: Path) -> None:
    """The rows as CSV, the first row's keys as the header."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def week_report_command(args: argparse.Namespace) -> int:
    """``ccsim report`` on a week: from a week's folder (``week.json``, nothing is
    simulated) or a week scenario (run first); writes the week view as HTML."""
    from ccsim.cli import EXIT_BAD_INPUT, print_written
    from ccsim.outputs.week_report import write_week_report

    options = ("compare", "scale_arrivals")
    given = [f"--{o.replace('_', '-')}" for o in options if getattr(args, o, None)]
    if given:
        print(f"error: {', '.join(given)} does not apply to a week report yet", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.input.is_dir():
        folder = args.input
        run_options = ("reps", "seed", "engine", "set")
        given = [f"--{o}" for o in run_options if getattr(args, o, None)]
        if given:
            print(
                f"error: {', '.join(given)}: a results folder is reported as it was run; "
                "give the week's scenario file to run it again",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        try:
            document = json.loads((folder / "week.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            print(f"error: {folder / 'week.json'}: cannot read it ({err})", file=sys.stderr)
            return EXIT_BAD_INPUT
        output = args.output or folder / "report.html"
    else:
        from ccsim.batch.week import run_week
        from ccsim.cli import backend_from_args
        from ccsim.outputs.week import week_json

        week = load_week_with_overrides(args.input, getattr(args, "set", None) or [])
        result = run_week(
            week, args.reps, args.seed, engine=args.engine, backend=backend_from_args(args)
        )
        document = week_json(result)
        output = args.output or Path("report.html")
    lang = args.lang or document.get("lang") or "en"
    try:
        path = write_week_report(document, output, lang=lang)
    except OSError as err:
        print(f"error: cannot write {output}: {err.strerror or err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print_written([path], lang)
    return 0


def load_week_with_overrides(path: Path, sets: list[str], scale_texts: list[str] = ()):
    """The week of ``path`` with ``--set`` changes applied to its data before the days
    are built (so ``--set agent_groups.agents.shifts[0].agents=30`` changes every day)
    and ``--scale-arrivals`` applied to every open day's arrivals."""
    import copy
    import dataclasses

    from ccsim.scenario.errors import ScenarioError
    from ccsim.scenario.load import read_yaml_file
    from ccsim.scenario.overrides import (
        _explain,
        apply_override,
        overrides_from,
        parse_scale_arguments,
        scale,
    )
    from ccsim.scenario.week import load_week, week_from_dict

    if not sets:
        week = load_week(path)
    else:
        raw, lines = read_yaml_file(path)
        data = copy.deepcopy(raw)
        overrides = overrides_from(sets)
        for override in overrides:
            try:
                apply_override(data, override)
            except ScenarioError as err:
                raise _explain(err, str(path), lines, [override.origin]) from None
        try:
            week = week_from_dict(data, source=str(path), base_dir=Path(path).parent)
        except ScenarioError as err:
            load_week(path)  # the file's own error first, if it has one
            raise _explain(err, str(path), lines, [o.origin for o in overrides]) from None
    factors = parse_scale_arguments(list(scale_texts))
    if not factors:
        return week
    days = tuple(
        d if d.scenario is None else dataclasses.replace(d, scenario=scale(d.scenario, factors))
        for d in week.days
    )
    return dataclasses.replace(week, days=days)
