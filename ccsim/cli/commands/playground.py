"""`ccsim playground`: the classroom's web page of sliders and a playing day."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ccsim.cli.options import EXIT_BAD_INPUT, positive_int

#: Addresses that only this computer can reach.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "playground",
        help="a web page for class: move a slider, watch the queue (two settings side by side)",
        description="Serve the classroom playground on this computer and print its address: "
        "sliders for calls per hour, handle time, agents, patience, IVR self-service and "
        "pooling; the simulated day plays with its queue and agents, and two settings run "
        "side by side on the same callers. Every asset is local: it works offline. "
        "See docs/playground.md.",
    )
    p.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        help="a scenario file or a folder of them (default: the classroom lessons; a "
        "zh/ folder beside them gives their Chinese versions)",
    )
    p.add_argument("--port", type=int, default=8765, help="TCP port (default 8765; 0: any free)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only). 0.0.0.0 lets "
        "students open the page from their own laptops on the room's network: anyone on "
        "that network can then use it, so only on a network you trust",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="the page's language")
    p.add_argument(
        "--days", type=positive_int, default=10, help="days averaged per setting (default 10)"
    )
    p.add_argument("--open", action="store_true", help="open the page in the web browser")
    p.set_defaults(func=cmd_playground)


def cmd_playground(args: argparse.Namespace) -> int:
    from ccsim.i18n import tr
    from ccsim.outputs.playground.lessons import find_lessons
    from ccsim.outputs.playground.server import Playground, serve

    if not 0 <= args.port <= 65535:
        print(f"error: --port must be from 0 to 65535, got {args.port}", file=sys.stderr)
        return EXIT_BAD_INPUT
    lessons = find_lessons(args.scenario)
    try:
        server = serve(Playground(lessons, days=args.days), args.host, args.port)
    except OSError as err:
        print(f"error: cannot listen on {args.host}:{args.port}: {err.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    port = server.server_address[1]
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{port}/" + ("?lang=zh" if args.lang == "zh" else "")
    print(tr("play.serving", args.lang, n=len(lessons), url=url))
    if args.host not in LOCAL_HOSTS:
        print(tr("play.open_network", args.lang, host=args.host), file=sys.stderr)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print(tr("play.stopped", args.lang))
    finally:
        server.server_close()
    return 0
