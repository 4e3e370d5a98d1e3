"""`ccsim animate`: the queue of a simulated day as a GIF or MP4, for class."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from ccsim.cli.options import EXIT_BAD_INPUT, nonnegative_int, positive_float


def add_command(sub: argparse._SubParsersAction) -> None:
    from ccsim.scenario.overrides import add_override_arguments

    p = sub.add_parser(
        "animate",
        help="draw a simulated day's queue as a GIF or MP4 (for class)",
        description="Simulate one replication of SCENARIO and draw it frame by frame: the "
        "clock, callers waiting per call type, every agent busy / idle / on break / absent "
        "/ off shift, abandonments as they happen and the service level so far against its "
        "target. --compare shows a second staffing beside it on the same callers (same seed "
        "and replication). See docs/animation.md.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument("--out", type=Path, required=True, help="the video: NAME.gif or NAME.mp4")
    p.add_argument(
        "--compare",
        nargs="?",
        const=True,
        metavar="ALT.yaml",
        help="show ALT beside SCENARIO on the same callers; alone, ALT is SCENARIO changed "
        "by --set / --scale-arrivals (which then apply to ALT only)",
    )
    add_override_arguments(p)
    p.add_argument(
        "--from", dest="start", metavar="HH:MM", help="window start (default: the day's)"
    )
    p.add_argument("--to", dest="end", metavar="HH:MM", help="window end (default: the day's)")
    p.add_argument(
        "--speed",
        type=positive_float,
        default=600.0,
        help="simulated seconds per second of video (default 600: 1 s shows 10 min)",
    )
    p.add_argument(
        "--fps", type=positive_float, default=10.0, help="frames per second (default 10)"
    )
    p.add_argument(
        "--replication", type=nonnegative_int, default=0, help="which replication (default 0)"
    )
    p.add_argument(
        "--seed", type=nonnegative_int, help="root random seed (default: the scenario's)"
    )
    p.add_argument("--lang", choices=("en", "zh"), help="labels in English or Chinese")
    p.add_argument(
        "--width",
        type=int,
        default=1280,
        help="video width in pixels (default 1280, for a projector; 800 for a small slide)",
    )
    p.set_defaults(func=cmd_animate)


def cmd_animate(args: argparse.Namespace) -> int:
    from ccsim.animation.video import VideoError, animate
    from ccsim.scenario import load_scenario
    from ccsim.scenario.overrides import scenario_from_args
    from ccsim.units import parse_clock

    try:
        start = None if args.start is None else parse_clock(args.start)
        end = None if args.end is None else parse_clock(args.end)
    except ValueError as err:
        print(f"error: --from/--to: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    changes = [f"--set {t}" for t in args.set] + [
        f"--scale-arrivals {t}" for t in args.scale_arrivals
    ]
    if args.compare is True and not changes:
        print(
            "error: --compare needs an alternative: --compare ALT.yaml, or --compare with "
            "--set PATH=VALUE / --scale-arrivals to change SCENARIO",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    alt = titles = None
    if args.compare is None:
        scenario = scenario_from_args(args)
    else:
        scenario = load_scenario(args.scenario)
        alt_path = args.scenario if args.compare is True else Path(args.compare)
        alt = scenario_from_args(args, alt_path)
    lang = args.lang or getattr(scenario, "lang", None) or "en"
    if alt is not None:
        if changes:
            from ccsim.outputs.changes import changes_title

            what = changes_title(changes, lang)
            what = f"（{what}）" if lang == "zh" else f" ({what})"
            alt = dataclasses.replace(alt, name=f"{alt.name}{what}")
        titles = _titles(scenario, alt, args.scenario, alt_path, changes, lang)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        info = animate(
            scenario,
            args.out,
            compare=alt,
            start=start,
            end=end,
            speed=args.speed,
            fps=args.fps,
            replication=args.replication,
            seed=args.seed,
            lang=lang,
            width=args.width,
            titles=titles,
        )
    except VideoError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from ccsim.i18n import tr

    print(
        tr(
            "cli.animate_wrote",
            lang,
            path=info.path,
            frames=info.frames,
            seconds=f"{info.seconds:.1f}",
            fps=f"{args.fps:g}",
            kb=f"{info.bytes / 1024:,.0f}",
            render=f"{info.render_s:.1f}",
            seed=info.seed,
            replication=args.replication,
        )
    )
    return 0


def _titles(
    base, alt, base_path: Path, alt_path: Path, changes: list[str], lang: str = "en"
) -> list[str]:
    """Panel titles that tell the two floors apart: the changes in words (not override
    paths), else the names, else the file names."""
    if changes:
        from ccsim.outputs.changes import changes_title

        return [base.name, changes_title(changes, lang)]
    if base.name != alt.name:
        return [base.name, alt.name]
    return [f"{base.name} ({base_path.name})", f"{alt.name} ({alt_path.name})"]
