"""``ccsim compare``: two scenarios on common random numbers, differences with paired CIs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.cli.options import (
    EXIT_BAD_INPUT,
    add_batch_arguments,
    backend_from_args,
    nonnegative_int,
    positive_int,
    print_written,
)
from ccsim.outputs.jsondoc import dumps
from ccsim.scenario import load_scenario
from ccsim.scenario.overrides import add_override_arguments


def add_command(sub: argparse._SubParsersAction) -> None:
    """The ``compare`` subparser."""
    cmp = sub.add_parser(
        "compare",
        help="compare two scenarios on common random numbers: differences with paired CIs",
        description="Run BASE and ALT with the same seed and replications (common random "
        "numbers) and report every KPI's difference ALT - BASE with its paired 95%% CI. "
        "ALT is a second file, or BASE changed by --set / --scale-arrivals (applied to "
        "ALT when both are given).",
    )
    cmp.add_argument("base", type=Path, help="the base scenario YAML file")
    cmp.add_argument("alt", type=Path, nargs="?", help="the alternative (default: BASE)")
    add_override_arguments(cmp)
    cmp.add_argument("--reps", type=positive_int, help="replications (default: BASE's)")
    cmp.add_argument(
        "--seed", type=nonnegative_int, help="root random seed, shared (default: BASE's)"
    )
    add_batch_arguments(cmp)
    cmp.add_argument("--out", type=Path, help="write comparison.csv, .json and the SL chart")
    cmp.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    cmp.add_argument(
        "--lang", choices=("en", "zh"), help="language of the tables and chart (default: BASE's)"
    )
    cmp.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    import dataclasses

    from ccsim.cli.commands._week import compare_week_command, is_week_file

    if is_week_file(args.base) or (args.alt is not None and is_week_file(args.alt)):
        return compare_week_command(args)

    from ccsim.scenario.overrides import scenario_from_args

    if args.alt is None and not (args.set or args.scale_arrivals):
        print(
            "error: compare needs an alternative: ALT.yaml, or --set PATH=VALUE / "
            "--scale-arrivals to change BASE",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    base = load_scenario(args.base)
    alt = scenario_from_args(args, args.alt or args.base)
    changes = [f"--set {t}" for t in args.set]
    changes += [f"--scale-arrivals {t}" for t in args.scale_arrivals]
    lang = args.lang or getattr(base, "lang", None) or "en"
    shown = alt.name
    if changes:  # name the alternative by what changed: exactly in JSON, in words in text
        from ccsim.outputs.changes import changes_title

        what = changes_title(changes, lang)
        shown += f"（{what}）" if lang == "zh" else f" ({what})"
        alt = dataclasses.replace(alt, name=f"{alt.name} ({', '.join(changes)})")
    from ccsim.batch.comparison import compare, renamed
    from ccsim.outputs.comparison import day_table, interval_table, to_json, write_outputs

    result = compare(
        base, alt, args.reps, args.seed, engine=args.engine, backend=backend_from_args(args)
    )
    written = write_outputs(result, args.out, lang, alt_name=shown) if args.out else []
    if args.json:
        print(dumps(to_json(result)))
        return 0
    print(day_table(renamed(result, shown), lang))
    print()
    print(interval_table(result, lang=lang))
    print_written(written, lang)
    return 0
