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
    from ccsim.batch.week_whatif import load_week_with_overrides
    from ccsim.cli.options import EXIT_BAD_INPUT, backend_from_args
    from ccsim.outputs.week import day_rows_table, week_json

    for attr, flag in _NOT_FOR_WEEKS:
        if getattr(args, attr, None):
            print(f"error: {flag} does not apply to a week scenario yet", file=sys.stderr)
            return EXIT_BAD_INPUT
    week = load_week_with_overrides(
        args.scenario, args.set or [], getattr(args, "scale_arrivals", None) or []
    )
    if args.precision is not None:
        from ccsim.batch.runner import Precision
        from ccsim.batch.week import run_week_to_precision

        try:
            precision = Precision(args.precision, args.precision_kpi, args.max_reps)
        except ValueError as err:
            print(f"error: --precision-kpi: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
        result = run_week_to_precision(
            week, precision, args.seed, engine=args.engine, backend=backend_from_args(args)
        )
    else:
        result = run_week(
            week, args.reps, args.seed, engine=args.engine, backend=backend_from_args(args)
        )
    if args.required:
        from ccsim.planning.requirement import with_week_requirement

        result = with_week_requirement(result, args.required)
    document = week_json(result)
    lang = args.lang or getattr(week.base, "lang", None) or "en"
    written = write_week_folder(document, result, args.out, lang, args.charts) if args.out else []
    if args.json:
        print(json.dumps(document))
        return 0
    from ccsim.cli.options import print_written
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
    """The rows as CSV, the first row's keys as the header (written like every CSV of
    ccsim: atomically, UTF-8 with a BOM, figures to 4 significant digits)."""
    from ccsim.outputs.csvfiles import write_rows

    header = list(rows[0])
    write_rows(path, header, [[row.get(k) for k in header] for row in rows])


def week_report_command(args: argparse.Namespace) -> int:
    """``ccsim report`` on a week: from a week's folder (``week.json``, nothing is
    simulated) or a week scenario (run first, with ``--compare``: beside an
    alternative on common random numbers); writes the week view as HTML."""
    from ccsim.cli.options import EXIT_BAD_INPUT, print_written
    from ccsim.outputs.week_report import write_week_report

    comparison = None
    if args.input.is_dir():
        folder = args.input
        run_options = ("reps", "seed", "engine", "set", "scale_arrivals", "compare")
        given = [f"--{o.replace('_', '-')}" for o in run_options if getattr(args, o, None)]
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
        try:
            document, comparison = _run_for_report(args)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return EXIT_BAD_INPUT
        output = args.output or Path("report.html")
    lang = args.lang or document.get("lang") or "en"
    try:
        path = write_week_report(document, output, lang=lang, comparison=comparison)
    except OSError as err:
        print(f"error: cannot write {output}: {err.strerror or err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print_written([path], lang)
    return 0


def _run_for_report(args: argparse.Namespace) -> tuple[dict, dict | None]:
    """The week document to report and, with ``--compare``, the comparison's document
    (the changes of ``--set`` / ``--scale-arrivals`` go to the alternative)."""
    from ccsim.batch.week_whatif import load_week_with_overrides
    from ccsim.cli.options import backend_from_args
    from ccsim.outputs.week import week_json

    sets, scales = getattr(args, "set", None) or [], getattr(args, "scale_arrivals", None) or []
    batch = {"engine": args.engine, "backend": backend_from_args(args)}
    if args.compare is None:
        from ccsim.batch.week import run_week

        week = load_week_with_overrides(args.input, sets, scales)
        return week_json(run_week(week, args.reps, args.seed, **batch)), None
    from ccsim.batch.week_whatif import compare_weeks
    from ccsim.outputs.week_compare import week_comparison_json

    alt_file = args.compare if isinstance(args.compare, Path) else args.input
    if alt_file == args.input and not (sets or scales):
        raise ValueError("--compare needs an alternative: --compare ALT.yaml, or --set / "
                         "--scale-arrivals")  # fmt: skip
    if not is_week_file(alt_file):
        raise ValueError(f"{alt_file} is a single day: compare a week with a week")
    base = load_week_with_overrides(args.input, [])
    alt = load_week_with_overrides(alt_file, sets, scales)
    changes = [f"--set {t}" for t in sets] + [f"--scale-arrivals {t}" for t in scales]
    if changes:
        import dataclasses

        alt = dataclasses.replace(alt, name=f"{alt.name} ({', '.join(changes)})")
    result = compare_weeks(base, alt, args.reps, args.seed, **batch)
    return week_json(result.base), week_comparison_json(result)


def compare_week_command(args: argparse.Namespace) -> int:
    """``ccsim compare`` on two weeks (or a week and its ``--set`` change): per day and
    for the week, base, alternative and the paired difference with its 95 % CI."""
    from ccsim.batch.week_whatif import compare_weeks, load_week_with_overrides
    from ccsim.cli.options import EXIT_BAD_INPUT, backend_from_args, print_written
    from ccsim.outputs.week_compare import (
        week_comparison_json,
        week_comparison_table,
        write_week_comparison,
    )

    sets, scales = args.set or [], args.scale_arrivals or []
    if args.alt is None and not (sets or scales):
        print(
            "error: compare needs an alternative: ALT.yaml, or --set PATH=VALUE / "
            "--scale-arrivals to change BASE",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    for path in (args.base, args.alt or args.base):
        if not is_week_file(path):
            print(f"error: {path} is a single day: compare a week with a week", file=sys.stderr)
            return EXIT_BAD_INPUT
    base = load_week_with_overrides(args.base, [])
    alt = load_week_with_overrides(args.alt or args.base, sets, scales)
    try:
        result = compare_weeks(
            base, alt, args.reps, args.seed, engine=args.engine, backend=backend_from_args(args)
        )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    lang = args.lang or getattr(base.base, "lang", None) or "en"
    changes = [f"--set {t}" for t in sets] + [f"--scale-arrivals {t}" for t in scales]
    if changes:  # name the alternative by what changed: exactly in JSON, in words in text
        import dataclasses

        from ccsim.outputs.changes import changes_title

        result.alt.week = dataclasses.replace(alt, name=f"{alt.name} ({', '.join(changes)})")
        written = write_week_comparison(result, args.out) if args.out else []
        what = changes_title(changes, lang)
        shown = f"{alt.name}（{what}）" if lang == "zh" else f"{alt.name} ({what})"
        alt = dataclasses.replace(alt, name=shown)
    else:
        written = write_week_comparison(result, args.out) if args.out else []
    if args.json:
        print(json.dumps(week_comparison_json(result)))
        return 0
    result.alt.week = alt
    print(week_comparison_table(result, lang))
    print_written(written, lang)
    return 0
    print(week_comparison_table(result, lang))
    print_written(written, lang)
    return 0


def sweep_of_a_week(path: Path):
    """The sweep file's spec when its scenario is a week, else None."""
    from ccsim.batch.sweeps import load_sweep

    spec = load_sweep(path)
    return spec if is_week_file(spec.scenario) else None


def sweep_week_command(args: argparse.Namespace, spec) -> int:
    """``ccsim sweep`` over a week: the week's KPI per grid point and each day's."""
    from ccsim.batch.week_whatif import sweep_week
    from ccsim.cli.options import backend_from_args, print_written
    from ccsim.metrics import DAY_KPIS
    from ccsim.outputs.week_sweep import week_sweep_json, week_sweep_table, write_week_sweep
    from ccsim.scenario.overrides import overrides_from, parse_scale_arguments

    if args.kpi is not None and args.kpi not in DAY_KPIS:
        print(f"error: --kpi: no KPI {args.kpi!r}; one of: {', '.join(DAY_KPIS)}", file=sys.stderr)
        return 2
    result = sweep_week(
        spec,
        args.reps,
        args.seed,
        kpi=args.kpi,
        engine=args.engine,
        backend=backend_from_args(args),
        overrides=overrides_from(args.set or []),
        factors=parse_scale_arguments(args.scale_arrivals or []),
    )
    lang = args.lang or "en"
    written = write_week_sweep(result, args.out) if args.out else []
    if args.json:
        print(json.dumps(week_sweep_json(result)))
        return 0
    print(week_sweep_table(result, lang))
    print_written(written, lang)
    return 0
