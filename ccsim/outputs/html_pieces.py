"""The small HTML pieces of the report (`ccsim.outputs.html_report`): escaped text,
tables, key–value lists, sections, a figure's mean and CI as text."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ccsim.i18n import tr
from ccsim.outputs.report import (
    format_ci,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class _Html(str):
    """Markup built here: inserted as is, never escaped again."""


def _e(value: Any) -> _Html:
    """``value`` as text, escaped (markup built here passes through)."""
    if isinstance(value, _Html):
        return value
    return _Html(html.escape(str(value), quote=True))


def _table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, cls: str = "") -> _Html:
    """An HTML table, every cell escaped unless it is `_Html`. The CSS right-aligns
    cells after the first (numbers) unless ``cls`` is ``text``."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>\n" for row in rows)
    klass = f' class="{cls}"' if cls else ""
    return _Html(
        f"<table{klass}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"
    )


def _kv(pairs: Iterable[tuple[Any, Any]]) -> _Html:
    """A two-column list of labelled values."""
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>\n" for k, v in pairs)
    return _Html(f'<table class="kv">\n<tbody>\n{rows}</tbody>\n</table>')


def _section(
    sid: str, lang: str, body: str, *, page_break: bool = False, keep: bool = False
) -> str:
    """A section with its heading; in print, ``page_break`` starts it on a new page,
    ``keep`` keeps it on one page."""
    classes = " ".join(c for c, on in (("break", page_break), ("keep", keep)) if on)
    cls = f' class="{classes}"' if classes else ""
    return f'<section id="{sid}"{cls}>\n<h2>{_e(tr("sec." + sid, lang))}</h2>\n{body}\n</section>\n'


def _mark(text: str, miss: bool) -> _Html:
    """A cell's text, in red when it misses the target."""
    return _Html(f'<span class="miss">{_e(text)}</span>') if miss else _e(text)


def _mean(figure: dict | None) -> float | None:
    return None if not figure else figure.get("mean")


def _ci(figure: dict | None, kind: str) -> str:
    """A figure's 95 % CI as ``[low, high]``, a dash without one."""
    return format_ci(figure or {}, kind) or "—"


def _pct(value: float) -> str:
    return f"{100 * value:g}%"


def _svg_image(fig: Figure, alt: str) -> _Html:
    """The figure as an SVG image in a data URI (text as paths: it renders the same
    without the fonts installed, and ids cannot clash between charts)."""
    from matplotlib import rc_context

    buf = io.BytesIO()
    with rc_context({"svg.hashsalt": "ccsim"}):  # the same run gives the same file
        fig.savefig(buf, format="svg", metadata={"Date": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return _Html(f'<img class="chart" alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}">')


def _figure_html(fig: Figure, name: str) -> _Html:
    return _Html(f'<figure id="chart-{_e(name)}">{_svg_image(fig, name)}</figure>\n')
