"""`ccsim staff`: the fewest agents per interval that meet the SL target, Erlang
corrected by simulation (docs/staffing.md)."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ccsim.atomic import write_text
from ccsim.cli.options import add_batch_arguments, backend_from_args, nonnegative_int, positive_int
from ccsim.outputs.jsondoc import dumps
from ccsim.scenario.overrides import add_override_arguments

#: Replications per simulation when neither --reps nor the scenario asks for more.
MIN_REPLICATIONS = 50


def _target(text: str) -> tuple[float, float]:
    from ccsim.planning.staffing import parse_target

    try:
        return parse_target(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _fraction(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100.0 if text.endswith("%") else 1.0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a fraction such as 0.05, got {text!r}") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text!r}")
    return value


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "staff",
        help="the fewest agents per interval meeting the SL target: Erlang, corrected by "
        "simulation",
        description="Find, per planning interval (and agent group), the fewest agents such "
        "that the interval meets the service-level target: start from Erlang C / A per "
        "interval, then simulate the day on common random numbers, add agents where an "
        "interval misses and remove them where it still meets the target, until nothing "
        "changes. Prints the Erlang answer beside the simulated one.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument(
        "--target",
        type=_target,
        metavar="SL/SECONDS",
        help="the service-level target, e.g. 80/20 (default: the scenario's)",
    )
    p.add_argument(
        "--max-abandon",
        type=_fraction,
        metavar="FRACTION",
        help="also keep each interval's abandon rate at most this, e.g. 0.05",
    )
    p.add_argument(
        "--confidence",
        type=_fraction,
        metavar="P",
        help="meet the target in at least this share of replications (default: in "
        "expectation, the mean over replications)",
    )
    add_override_arguments(p)
    p.add_argument(
        "--reps",
        type=positive_int,
        help=f"replications per simulation (default: the scenario's, at least {MIN_REPLICATIONS})",
    )
    p.add_argument(
        "--seed", type=nonnegative_int, help="root random seed, the same for every simulation"
    )
    p.add_argument(
        "--max-iterations",
        type=positive_int,
        default=50,
        help="stop the search after this many steps (default 50)",
    )
    add_batch_arguments(p)
    p.add_argument(
        "--out",
        type=Path,
        help="write staffing.csv, staffing.json, staffing.png and staffed.yaml here",
    )
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument(
        "--lang", choices=("en", "zh"), help="language of the table and chart (default: en)"
    )
    p.set_defaults(func=cmd_staff)


def cmd_staff(args: argparse.Namespace) -> int:
    from ccsim.planning.staffing import StaffingGoal, find_staffing
    from ccsim.scenario.overrides import scenario_from_args

    scenario = scenario_from_args(args)
    level, threshold = args.target if args.target else (None, None)
    try:
        goal = StaffingGoal.of(
            scenario,
            target=level,
            threshold=threshold,
            max_abandon=args.max_abandon,
            confidence=args.confidence,
        )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    reps = args.reps or max(scenario.replications, MIN_REPLICATIONS)
    if args.out:
        _staffed_doc(args, scenario, {})  # a file that cannot be written fails before the search

    def say(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr)

    found = find_staffing(
        scenario,
        goal,
        replications=reps,
        seed=args.seed,
        engine=args.engine,
        backend=backend_from_args(args),
        max_iterations=args.max_iterations,
        progress=say,
    )
    written = _write(found, args) if args.out else []
    if args.json:
        print(dumps(to_json(found)))
        return 0
    from ccsim.cli.options import print_written

    print(staffing_text(found, args.lang))
    print_written(written, args.lang)
    return 0


def _staffed_doc(args: argparse.Namespace, scenario, lines: dict) -> dict:
    """staffed.yaml's data: the scenario file with the --set overrides and ``lines``."""
    from ccsim.planning.staffing import staffed_document
    from ccsim.scenario.overrides import ScenarioSource, apply_override, overrides_from

    source = ScenarioSource.read(args.scenario)
    data = source.data
    for override in overrides_from(args.set or []):
        apply_override(data, override)
    return staffed_document(
        data,
        scenario,
        lines,
        base_dir=source.base_dir,
        out_dir=args.out,
        scaled=bool(args.scale_arrivals),
    )


def _write(found, args: argparse.Namespace) -> list[Path]:
    from ccsim.charts import required_staffing_chart, save_figure
    from ccsim.planning.staffing import write_staffed

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "staffing.csv"
    from ccsim.outputs.csvfiles import write_frame

    write_frame(found.table, path)
    written.append(path)
    path = out / "staffing.json"
    write_text(path, dumps(to_json(found), indent=1))
    written.append(path)
    chart = required_staffing_chart(found, lang=args.lang or "en")
    written.append(save_figure(chart, out / "staffing.png"))
    lines = {
        g: part["required_agents"].tolist() for g, part in found.table.groupby("group", sort=False)
    }
    note = (
        f"{found.scenario.name}: staffing found by `ccsim staff` ({found.goal.describe()};\n"
        f"{found.replications} replications, seed {found.seed}). Run it with "
        f"`ccsim run {out / 'staffed.yaml'}`."
    )
    written.append(
        write_staffed(out / "staffed.yaml", _staffed_doc(args, found.scenario, lines), note)
    )
    return written


def _clean(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item"):
        return _clean(x.item())
    return x


def to_json(found) -> dict:
    """The `--json` document of `ccsim staff` (docs/staffing.md)."""
    g = found.goal
    rows = []
    for rec in found.table.to_dict("records"):
        row = {k: _clean(v) for k, v in rec.items()}
        for prefix in ("", "erlang_"):
            for kpi in ("service_level", "abandon_rate"):
                key = prefix + kpi
                lo, hi = row.pop(f"{key}_ci_low"), row.pop(f"{key}_ci_high")
                row[key] = {"mean": row[key], "ci95": None if lo is None else [lo, hi]}
        rows.append(row)
    hours = found.scenario.horizon.interval / 3600.0
    return {
        "scenario": found.scenario.name,
        "goal": {
            "threshold_s": g.threshold,
            "target": g.target,
            "definition": g.definition,
            "max_abandon": g.max_abandon,
            "confidence": g.confidence,
        },
        "replications": found.replications,
        "seed": found.seed,
        "check_seed": found.check_seed,
        "converged": found.converged,
        "feasible": found.feasible,
        "iterations": found.iterations,
        "simulations": found.simulations,
        "notes": found.notes,
        "agent_hours": {
            "erlang": float(found.table["erlang_agents"].sum() * hours),
            "required": float(found.table["required_agents"].sum() * hours),
        },
        "by_interval": rows,
        "by_call_type": _by_queue(found),
    }


def _by_queue(found) -> dict:
    """The answer per queue where the groups allow it (`ccsim.planning.queue_staffing`)."""
    from ccsim.planning.queue_staffing import queue_staffing

    return queue_staffing(found)


def goal_text(goal, lang: str = "en") -> str:
    """`StaffingGoal.describe` in ``lang``."""
    from ccsim.i18n import MESSAGES, tr

    if lang == "en":
        return goal.describe()
    definition = MESSAGES.get(f"field.{goal.definition}", {}).get(lang, goal.definition)
    text = tr("staff.goal_sl", lang, target=f"{100 * goal.target:g}",
              threshold=f"{goal.threshold:g}", definition=definition)  # fmt: skip
    if goal.max_abandon is not None:
        text += tr("staff.goal_abandon", lang, value=f"{100 * goal.max_abandon:g}")
    if goal.confidence is None:
        return text + tr("staff.goal_mean", lang)
    return text + tr("staff.goal_confidence", lang, value=f"{100 * goal.confidence:g}")


def staffing_text(found, lang: str | None = None) -> str:
    """The staffing table as aligned text, with the notes and the totals, in ``lang``."""
    from ccsim.i18n import check_lang, tr
    from ccsim.outputs.notes import translate_note
    from ccsim.outputs.report import _left, _right, _width, format_value

    lang = check_lang(lang)
    t = found.table
    several = t["group"].nunique() > 1
    head = tr(
        "staff.head",
        lang,
        name=found.scenario.name,
        goal=goal_text(found.goal, lang),
        n=found.replications,
        seed=found.seed,
        check_seed=found.check_seed,
        sims=found.simulations,
        steps=found.iterations,
        converged="" if found.converged else tr("staff.not_converged", lang),
    )
    names = ("interval", "load", "erlang", "sim", "diff", "sl", "ci", "abandon", "p_met",
             "check_sl", "erlang_sl")  # fmt: skip
    heads = [tr(f"staff.col_{c}", lang) for c in names]
    # each column as wide as its default or its header and a space (Chinese is wider)
    defaults = (9, 7, 7, 6, 6, 8, 18, 7, 8, 10, 11)
    widths = [
        max(w, _width(h) + (i not in (0, 6)))
        for i, (w, h) in enumerate(zip(defaults, heads, strict=True))
    ]

    def line(cells: list[str], first: str) -> str:
        return _left(first, 14) * several + "".join(
            _left(c, w) if i in (0, 6) else _right(c, w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines = [head, line(heads, tr("staff.col_group", lang))]
    miss_word = tr("staff.misses", lang)
    for r in t.itertuples():
        lo, hi = (format_value(v, "pct") for v in (r.service_level_ci_low, r.service_level_ci_high))
        ci = f"  [{lo}, {hi}]" if not math.isnan(r.service_level_ci_low) else ""
        sl = format_value(r.service_level, "pct") + ("" if r.target_met else " !")
        cells = [
            r.start, f"{r.offered_load:.1f}", f"{r.erlang_agents:d}", f"{r.required_agents:d}",
            f"{r.difference:+d}", sl, ci, format_value(r.abandon_rate, "pct"),
            format_value(r.p_target_met, "pct"),
            format_value(getattr(r, "check_service_level", None), "pct"),
            format_value(r.erlang_service_level, "pct"),
        ]  # fmt: skip
        erl_miss = "" if r.erlang_target_met else f" {miss_word}"
        lines.append(line(cells, str(r.group)) + erl_miss)
    hours = found.scenario.horizon.interval / 3600.0
    first = t.drop_duplicates("start")
    lines.append("")
    lines.append(
        tr(
            "staff.totals",
            lang,
            erlang=f"{t['erlang_agents'].sum() * hours:,.1f}",
            sim=f"{t['required_agents'].sum() * hours:,.1f}",
            erlang_misses=int((~first["erlang_target_met"]).sum()),
            sim_misses=int((~first["target_met"]).sum()),
        )
    )
    lines += [tr("staff.note", lang, note=translate_note(n, lang)) for n in found.notes]
    if len(found.scenario.call_types) > 1:
        from ccsim.planning.queue_staffing import queue_staffing_text

        lines += ["", queue_staffing_text(found)]
    return "\n".join(lines)
