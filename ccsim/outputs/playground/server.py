"""The playground's web server: the page, its assets, and the simulated days.

Built on the standard library's `http.server` (a `ThreadingHTTPServer`): the page
needs four routes and JSON, so a web framework would add install size and moving
parts for nothing, and a classroom without internet installs nothing more. Every
asset comes from this package (``static/``), the Chinese font from the mplfonts
package ccsim already depends on: the page works offline.

Routes:

- ``GET /`` the page; ``GET /static/NAME`` its script and style;
  ``GET /fonts/cjk.otf`` the Chinese font, cut to the page's characters (`font`;
  404 where none is installed: the page then falls back to the system's fonts);
- ``GET /api/words`` every word of the page in English and Chinese (`ccsim.i18n`);
- ``GET /api/scenarios?lang=zh`` the lessons and their sliders;
- ``POST /api/play`` ``{"scenario": id, "levers": {...}}``: one setting's day
  (`ccsim.outputs.playground.day.play_day`), JSON.

The engine is kept warm: the server plays a day once at start (in the
background), so the compiled engine is loaded before the first slider moves, and
recent answers are kept, so a class asking the same setting twice waits for nothing.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from ccsim.i18n import MESSAGES
from ccsim.outputs.jsondoc import dumps
from ccsim.outputs.playground.day import play_day
from ccsim.outputs.playground.font import cjk_subset, page_characters
from ccsim.outputs.playground.lessons import Lesson
from ccsim.outputs.playground.levers import apply_levers, levers_of
from ccsim.scenario.errors import ScenarioError

STATIC = Path(__file__).parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".otf": "font/otf", ".png": "image/png"}  # fmt: skip
#: Answers kept (one per scenario and slider setting).
CACHE_SIZE = 64
#: The largest request body accepted (a slider setting is a few hundred bytes).
MAX_BODY = 64 * 1024


@dataclass
class Playground:
    """The lessons the page offers and the days already played."""

    lessons: list[Lesson]
    days: int = 10
    step: float = 30.0
    cache: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def lesson(self, key: str) -> Lesson:
        for lesson in self.lessons:
            if key in (lesson.key, lesson.key_zh):
                return lesson
        known = ", ".join(le.key for le in self.lessons)
        raise ScenarioError(f"no lesson {key!r}; the playground has: {known}", path=("scenario",))

    def catalogue(self, lang: str) -> list[dict[str, Any]]:
        """The lessons in ``lang``: key, title, and sliders."""
        out = []
        for lesson in self.lessons:
            scenario = lesson.scenario(lang)
            out.append(
                {"key": lesson.key, "title": scenario.name,
                 "levers": [lv.to_json() for lv in levers_of(scenario)]}
            )  # fmt: skip
        return out

    def play(self, request: dict[str, Any]) -> dict[str, Any]:
        """One setting's day: ``{"scenario": key, "lang": "en", "levers": {...}}``."""
        key = json.dumps(request, sort_keys=True)
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
            lesson = self.lesson(str(request.get("scenario", "")))
            scenario = lesson.scenario(request.get("lang") or "en")
            levers = request.get("levers") or {}
            if not isinstance(levers, dict):
                raise ScenarioError("levers: a mapping of slider to value", path=("levers",))
            played = apply_levers(scenario, levers)
            seed = scenario.seed if scenario.seed is not None else 1
            answer = play_day(played, seed, step=self.step, days=self.days)
            self.cache[key] = answer
            while len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
            return answer

    def font(self) -> bytes | None:
        """The Chinese font, cut to the characters the page and the lessons show."""
        names = []
        for lesson in self.lessons:
            for lang in ("en", "zh"):
                s = lesson.scenario(lang)
                names += [
                    s.name,
                    *(c.name for c in s.call_types),
                    *(g.name for g in s.agent_groups),
                ]
        return cjk_subset(page_characters(names))

    def warm_up(self) -> None:
        """Cut the font and play the first lesson once: loads (and if needed
        compiles) the engine before the class moves a slider."""
        self.font()
        if self.lessons:
            self.play({"scenario": self.lessons[0].key, "lang": "en", "levers": {}})


def words() -> dict[str, dict[str, str]]:
    """The page's words, ``{lang: {key: text}}``, from the ``play.*``, ``kpi.*`` and
    ``anim.*`` entries of the catalogue."""
    out: dict[str, dict[str, str]] = {}
    for key, texts in MESSAGES.items():
        if key.startswith(("play.", "kpi.", "anim.")):
            for lang, text in texts.items():
                out.setdefault(lang, {})[key] = text
    return out


def make_handler(playground: Playground) -> type[BaseHTTPRequestHandler]:
    """The request handler class serving ``playground``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "ccsim-playground"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: the class needs no access log

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            lang = (parse_qs(url.query).get("lang") or ["en"])[0]
            routes: dict[str, Callable[[], None]] = {
                "/": lambda: self._file(STATIC / "index.html"),
                "/index.html": lambda: self._file(STATIC / "index.html"),
                "/api/words": lambda: self._json(words()),
                "/api/scenarios": lambda: self._json(playground.catalogue(_lang(lang))),
                "/fonts/cjk.otf": lambda: self._font(playground.font()),
                "/favicon.ico": lambda: self._send(b"", "image/x-icon", HTTPStatus.NO_CONTENT),
            }
            if url.path in routes:
                return self._guarded(routes[url.path])
            if url.path.startswith("/static/"):
                name = url.path.removeprefix("/static/")
                if "/" not in name and not name.startswith("."):
                    return self._file(STATIC / name)
            self._error(HTTPStatus.NOT_FOUND, f"no page {url.path}")

        def do_POST(self) -> None:  # noqa: N802
            if urlparse(self.path).path != "/api/play":
                return self._error(HTTPStatus.NOT_FOUND, f"no page {self.path}")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
            try:
                request = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError as err:
                return self._error(HTTPStatus.BAD_REQUEST, f"not JSON: {err}")
            if not isinstance(request, dict):
                return self._error(HTTPStatus.BAD_REQUEST, "send a JSON object")
            self._guarded(lambda: self._json(playground.play(request)))

        def _guarded(self, action: Callable[[], None]) -> None:
            try:
                action()
            except (ScenarioError, ValueError) as err:
                self._error(HTTPStatus.BAD_REQUEST, str(err))

        def _file(self, path: Path | None) -> None:
            if path is None or not path.is_file():
                return self._error(HTTPStatus.NOT_FOUND, "not here")
            self._send(path.read_bytes(), TYPES.get(path.suffix, "application/octet-stream"))

        def _font(self, data: bytes | None) -> None:
            if data is None:
                return self._error(HTTPStatus.NOT_FOUND, "no Chinese font installed")
            self._send(data, "font/otf")

        def _json(self, data: Any) -> None:
            self._send(dumps(data, ensure_ascii=False).encode(), "application/json")

        def _error(self, status: HTTPStatus, message: str) -> None:
            body = json.dumps({"error": message}, ensure_ascii=False).encode()
            self._send(body, "application/json", status)

        def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


def serve(
    playground: Playground, host: str = "127.0.0.1", port: int = 8765, warm: bool = True
) -> ThreadingHTTPServer:
    """A server for ``playground`` bound to ``host:port`` (port 0: any free port),
    not yet serving: call ``serve_forever()`` (or run it in a thread)."""
    server = ThreadingHTTPServer((host, port), make_handler(playground))
    server.daemon_threads = True
    if warm:
        threading.Thread(target=playground.warm_up, daemon=True).start()
    return server
