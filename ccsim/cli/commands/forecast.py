"""`ccsim forecast`: interval volumes for a day from past interval counts, with an
accuracy report on held-back days (docs/forecasting.md)."""

from __future__ import annotations

import argparse
import datetime
import math
import sys
from pathlib import Path

from ccsim.cli.options import nonnegative_int
from ccsim.outputs.jsondoc import dumps

METHODS = ("seasonal_average", "holt_winters")  # ccsim.data.forecast.METHODS, without importing it


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date such as 2026-12-01, got {text!r}"
        ) from None


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "forecast",
        help="interval volumes for a day from past interval counts, with an accuracy report",
        description="Forecast the calls offered per interval of a day from a history of "
        "interval counts (CSV or .xlsx: datetime or date + interval start, volume, optional "
        "type), on the day-of-week x interval-of-day pattern. Reports MAPE and WMAPE on "
        "held-back past days, each forecast from the days before it, beside the naive "
        "'same day last week' forecast, and writes a volumes CSV that a scenario's "
        "arrivals: {file: ...} reads.",
    )
    p.add_argument("history", type=Path, help="history CSV or .xlsx file")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument(
        "--for",
        dest="day",
        type=_day,
        metavar="DATE",
        help="the day to forecast, e.g. 2026-12-01",
    )
    when.add_argument(
        "--for-week",
        dest="week",
        type=_day,
        metavar="DATE",
        help="the seven days from DATE, in one file of dated rows that a week scenario "
        "(horizon.days named by dates) reads as it is; each day forecast from the days "
        "before DATE",
    )
    p.add_argument("--type", help="the call type to forecast (default: every type in the file)")
    p.add_argument(
        "--method",
        choices=METHODS,
        default="seasonal_average",
        help="seasonal_average (default) or holt_winters",
    )
    p.add_argument(
        "--weeks",
        type=nonnegative_int,
        default=4,
        help="seasonal_average: weeks of the same weekday to average (default 4)",
    )
    p.add_argument(
        "--holdout",
        type=nonnegative_int,
        default=14,
        help="days up to the --for day (it included when the file has it) to hold back "
        "and score (default 14; 0: none)",
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="CSV", help="write the forecast volumes here"
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("--lang", choices=("en", "zh"), help="language of the report (default: en)")
    p.set_defaults(func=run_forecast)


def run_forecast(args: argparse.Namespace) -> int:
    from ccsim.data.forecast import backtest, forecast_day, read_history, write_volumes
    from ccsim.scenario import ScenarioError

    if args.method == "seasonal_average" and args.weeks < 1:
        print("error: --weeks must be at least 1", file=sys.stderr)
        return 2
    try:
        histories = read_history(args.history)
    except ScenarioError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.type is not None:
        if args.type not in histories:
            known = ", ".join(k or "(no type column)" for k in histories)
            print(
                f"error: {args.history}: no rows of type {args.type!r}; types: {known}",
                file=sys.stderr,
            )
            return 2
        histories = {args.type: histories[args.type]}
    if args.week is not None:
        return _run_week(args, histories)
    volumes, reports = {}, {}
    for kind, history in histories.items():
        try:
            volumes[kind] = forecast_day(history, args.day, args.method, args.weeks)
            if args.holdout:
                reports[kind] = backtest(
                    history, args.holdout, args.method, args.weeks, until=args.day
                )
        except ValueError as err:
            what = f" (type {kind})" if kind else ""
            print(f"error: {args.history}{what}: {err}", file=sys.stderr)
            return 2
    starts = next(iter(histories.values())).starts
    if any(h.starts != starts for h in histories.values()):
        print(
            "error: the call types' interval grids differ: forecast one --type at a time",
            file=sys.stderr,
        )
        return 2
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        write_volumes(args.output, starts, volumes)
    if args.json:
        print(dumps(_document(args, starts, volumes, reports), indent=2, default=str))
    else:
        _print(args, starts, volumes, reports)
    return 0


def _document(args, starts, volumes, reports) -> dict:
    from ccsim.units import format_clock

    def clean(x):
        return None if isinstance(x, float) and math.isnan(x) else x

    return {
        "day": args.day.isoformat(),
        "method": args.method,
        "forecast": {
            kind: {format_clock(t): round(float(x), 2) for t, x in zip(starts, v, strict=True)}
            for kind, v in volumes.items()
        },
        "accuracy": {
            kind: {
                "days": [d.isoformat() for d in r.days],
                "mape": clean(r.mape),
                "wmape": clean(r.wmape),
                "naive_wmape": clean(r.naive_wmape),
                "zero_intervals": r.zero_intervals,
                "per_day": [{k: clean(v) for k, v in row.items()} for row in r.per_day],
                "per_interval": [{k: clean(v) for k, v in row.items()} for row in r.per_interval],
            }
            for kind, r in reports.items()
        },
        "output": str(args.output) if args.output else None,
    }


def _print(args, starts, volumes, reports) -> None:
    from ccsim.i18n import check_lang, tr
    from ccsim.units import format_clock

    lang = check_lang(args.lang)
    for kind, v in volumes.items():
        print(_title(args, kind, lang) + tr("fc.total", lang, method=_method(args.method, lang),
                                            n=f"{v.sum():.0f}"))  # fmt: skip
        for t, x in zip(starts, v, strict=True):
            print(f"  {format_clock(t)}  {x:8.1f}")
        r = reports.get(kind)
        if r is not None:
            _print_accuracy(r, lang)
    if args.output:
        print(tr("cli.wrote", lang, path=args.output))


def _title(args, kind: str | None, lang: str) -> str:
    from ccsim.i18n import tr

    weekday = tr(f"fc.weekday{args.day.weekday()}", lang)
    title = tr("fc.title", lang, day=args.day, weekday=weekday)
    return title + (tr("fc.of_type", lang, type=kind) if kind else "")


def _method(method: str, lang: str) -> str:
    from ccsim.i18n import MESSAGES

    return MESSAGES.get(f"fc.method_{method}", {}).get(lang, method)


def _pct(x: float) -> str:
    return "   -" if math.isnan(x) else f"{x:5.1f}%"


def _print_accuracy(r, lang: str) -> None:
    from ccsim.i18n import tr
    from ccsim.outputs.report import _left, _right

    print(tr("fc.accuracy", lang, n=len(r.days), first=r.days[0], last=r.days[-1]))
    print(tr("fc.scores", lang, wmape=_pct(r.wmape), mape=_pct(r.mape),
             naive=_pct(r.naive_wmape)))  # fmt: skip
    if r.zero_intervals:
        print(tr("fc.zero", lang, n=r.zero_intervals))
    heads = [tr(f"fc.col_{c}", lang) for c in ("actual", "forecast")]
    cols = f"{_right(heads[0], 8)}  {_right(heads[1], 8)}   MAPE   WMAPE"
    print(f"  {_left(tr('fc.col_day', lang), 10)} {cols}")
    for row in r.per_day:
        print(
            f"  {row['day']}  {row['actual']:7.0f}  {row['forecast']:8.0f}  "
            f"{_pct(row['mape'])}  {_pct(row['wmape'])}"
        )
    print(f"  {_left(tr('word.interval', lang), 10)} {cols}")
    for row in r.per_interval:
        print(
            f"  {row['start']:<10} {row['actual']:7.0f}  {row['forecast']:8.0f}  "
            f"{_pct(row['mape'])}  {_pct(row['wmape'])}"
        )
    print()


def _run_week(args: argparse.Namespace, histories: dict) -> int:
    """``--for-week``: seven days of interval volumes, scored on held-back days each
    forecast a week ahead (from the days at least seven days before it)."""
    from ccsim.data.forecast import backtest
    from ccsim.data.forecast_week import WEEK, forecast_week, write_week_volumes

    volumes, reports = {}, {}
    for kind, history in histories.items():
        try:
            volumes[kind] = forecast_week(history, args.week, args.method, args.weeks)
            if args.holdout:
                reports[kind] = backtest(
                    history, args.holdout, args.method, args.weeks, until=args.week, lead=WEEK
                )
        except ValueError as err:
            what = f" (type {kind})" if kind else ""
            print(f"error: {args.history}{what}: {err}", file=sys.stderr)
            return 2
    starts = next(iter(histories.values())).starts
    if any(h.starts != starts for h in histories.values()):
        print(
            "error: the call types' interval grids differ: forecast one --type at a time",
            file=sys.stderr,
        )
        return 2
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        write_week_volumes(args.output, starts, volumes)
    if args.json:
        print(dumps(_week_document(args, starts, volumes, reports), indent=2, default=str))
        return 0
    _print_week(args, starts, volumes, reports)
    return 0


def _week_document(args, starts, volumes, reports) -> dict:
    from ccsim.units import format_clock

    day_doc = _document(argparse.Namespace(**{**vars(args), "day": args.week}), starts, {}, reports)
    day_doc.pop("day")
    return {
        "week": args.week.isoformat(),
        "days": [d.isoformat() for d, _ in next(iter(volumes.values()))],
        **day_doc,
        "forecast": {
            kind: {
                d.isoformat(): None
                if v is None
                else {format_clock(t): round(float(x), 2) for t, x in zip(starts, v, strict=True)}
                for d, v in days
            }
            for kind, days in volumes.items()
        },
    }


def _print_week(args, starts, volumes, reports) -> None:
    from ccsim.i18n import check_lang, tr
    from ccsim.units import format_clock

    lang = check_lang(args.lang)
    for kind, days in volumes.items():
        last = days[-1][0]
        title = tr("fc.week_title", lang, first=args.week, last=last)
        print(title + (tr("fc.of_type", lang, type=kind) if kind else ""))
        heads = [tr(f"fc.weekday{d.weekday()}", lang)[: 3 if lang == "en" else 3] for d, _ in days]
        print(f"  {'':5}" + "".join(f"{h:>{9 - (len(h) if lang == 'zh' else 0)}}" for h in heads))
        for j, t in enumerate(starts):
            cells = "".join(f"{'—' if v is None else f'{v[j]:.1f}':>9}" for _, v in days)
            print(f"  {format_clock(t)}{cells}")
        totals = "".join(f"{'—' if v is None else f'{v.sum():.0f}':>9}" for _, v in days)
        label = tr("fc.total_row", lang)
        print(f"  {label}{' ' * (5 - len(label) * (2 if lang == 'zh' else 1))}{totals}")
        closed = [d.isoformat() for d, v in days if v is None]
        if closed:
            print(tr("fc.week_no_history", lang, days=", ".join(closed)))
        r = reports.get(kind)
        if r is not None:
            print(tr("fc.week_lead", lang))
            _print_accuracy(r, lang)
    if args.output:
        print(tr("cli.wrote", lang, path=args.output))
