"""The look every ccsim chart shares, and the small pieces charts are built from.

A chart is made inside `chart_context` (the package style sheet ``ccsim.mplstyle``
and the language's font, `ccsim.i18n.use_font`), on a `Figure` with its own Agg
canvas, never pyplot, so charts need no display and touch no global state.
`finish` draws the figure once inside that context: tick labels are only created
when a figure is first drawn, and they must get the Chinese font too.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from matplotlib import style
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ccsim.atomic import atomic_path
from ccsim.i18n import check_lang, tr, use_font

STYLE_FILE = Path(__file__).with_name("ccsim.mplstyle")

#: The palette of the style sheet, by role.
BLUE, RED, GREEN, ORANGE, PURPLE, GREY = (
    "#1f5fa8",
    "#c0392b",
    "#3b8f4f",
    "#e08a1e",
    "#7b4ea3",
    "#555555",
)
#: Shade of intervals without calls.
EMPTY_SHADE = "#eeeeee"
#: Image formats `save_figure` writes.
FORMATS = ("png", "svg")
#: At most this many interval labels on an axis.
MAX_TICKS = 13


@contextlib.contextmanager
def chart_context(lang: str = "en") -> Iterator[None]:
    """The package style sheet and ``lang``'s font, for building and drawing a chart."""
    check_lang(lang)
    with style.context(STYLE_FILE), use_font(lang):
        yield


def new_figure(width: float, height: float) -> Figure:
    """A figure with constrained layout on its own Agg canvas."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def finish(fig: Figure) -> Figure:
    """Draw ``fig`` once (in the chart's context), so every text, tick labels
    included, is laid out in the chart's font; returns it."""
    with warnings.catch_warnings():
        # nan-only bands and empty intervals are expected; nothing to tell
        warnings.filterwarnings("ignore", "All-NaN", RuntimeWarning)
        fig.draw_without_rendering()
    return fig


def save_figure(fig: Figure, path: str | Path, fmt: str | None = None, dpi: int = 120) -> Path:
    """Write ``fig`` as PNG or SVG (``fmt``, else the file's suffix); returns the path."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower() or "png"
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if path.suffix.lower() != f".{fmt}":
        path = path.with_suffix(f".{fmt}")
    with atomic_path(path) as tmp:
        fig.savefig(
            tmp, format=fmt, dpi=dpi, metadata=_metadata(fmt), bbox_inches="tight", pad_inches=0.12
        )
    return path


def _metadata(fmt: str) -> dict:
    # SVG: no creation date, so the same chart gives the same file
    return {"Date": None} if fmt == "svg" else {}


# --------------------------------------------------------------------- the time axis


def tick_step(n: int, per_hour: float, max_ticks: int = MAX_TICKS) -> int:
    """Label every ``step``-th interval boundary: the smallest step that keeps at
    most ``max_ticks`` labels, preferring whole hours (15-minute intervals: every
    hour, every 2 h, …)."""
    candidates = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 96]
    if per_hour >= 1:
        hour = round(per_hour)
        candidates = [c for c in candidates if c < hour] + [
            hour * k for k in (1, 2, 3, 4, 6, 8, 12, 24)
        ]
    for step in candidates:
        if math.ceil((n + 1) / step) <= max_ticks:
            return step
    return max(1, math.ceil((n + 1) / max_ticks))


def interval_axis(ax: Axes, starts: Sequence[str], interval_s: float, lang: str) -> None:
    """Label ``ax``'s x axis by interval start ("HH:MM") on the interval boundaries
    (interval ``i`` spans ``[i − 0.5, i + 0.5]``), thinned to at most `MAX_TICKS`
    labels, with a small tick on every boundary."""
    n = len(starts)
    labels = list(starts) + [_clock_after(starts[-1], interval_s)] if n else []
    step = tick_step(n, 3600.0 / interval_s if interval_s else 0.0)
    first = next((i for i, s in enumerate(labels[: step + 1]) if _on_the_hour(s, step)), 0)
    positions = np.arange(n + 1) - 0.5
    ax.set_xticks(positions[first::step], labels[first::step])
    ax.set_xticks(positions, minor=True)
    ax.set_xlim(-0.5, max(n - 0.5, 0.5))
    ax.set_xlabel(tr("chart.interval_start", lang))


def _on_the_hour(label: str, step: int) -> bool:
    return step == 1 or label.endswith(":00")


def _clock_after(start: str, interval_s: float) -> str:
    try:
        h, m = (int(p) for p in start.split(":")[:2])
    except ValueError:
        return ""
    total = h * 60 + m + round(interval_s / 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def steps(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of a step line that holds each interval's value over the whole
    interval ``[i − 0.5, i + 0.5]``; a NaN value leaves a gap."""
    values = np.asarray(values, dtype=float)
    edges = np.arange(len(values)) - 0.5
    x = np.column_stack([edges, edges + 1.0]).ravel()
    return x, np.repeat(values, 2)


def band(ax: Axes, low: np.ndarray, high: np.ndarray, color: str, alpha: float, label=None):
    """Shade ``[low, high]`` per interval (over the whole interval), gaps at NaN."""
    x, lo = steps(low)
    _, hi = steps(high)
    ok = np.isfinite(lo) & np.isfinite(hi)
    return ax.fill_between(x, lo, hi, where=ok, color=color, alpha=alpha, lw=0, label=label)


def shade_empty(ax: Axes, empty: np.ndarray, lang: str) -> None:
    """Grey the intervals without calls (their rates are undefined: no line there)."""
    labelled = False
    for i in np.flatnonzero(empty):
        ax.axvspan(
            i - 0.5,
            i + 0.5,
            color=EMPTY_SHADE,
            lw=0,
            zorder=0,
            label=None if labelled else tr("chart.no_calls", lang),
        )
        labelled = True


def target_line(ax: Axes, target: float, lang: str, **style) -> None:
    """The service-level target as a dashed red line across the plot."""
    style = {"color": RED, "ls": "--", "lw": 1.4, **style}
    ax.axhline(target, label=tr("chart.target", lang, target=f"{target:.0%}"), **style)


def percent_axis(ax: Axes, axis: str = "y") -> None:
    """Show a fraction axis as percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(lambda v, _pos: f"{100 * v:.4g}%")


def title_and_legend(
    fig: Figure,
    title: str,
    axes: Sequence[Axes],
    ncols: int = 6,
    extra: Sequence[tuple[Artist, str]] = (),
    max_entries: int = 16,
) -> None:
    """The chart's title, left-aligned at the top, and one legend of every axes'
    entries (and the ``extra`` (handle, label) pairs, at most ``max_entries``) in
    rows at the bottom, outside the plots (so it never hides data). Lines of
    ``title`` after the first are a smaller subtitle."""
    title, _, subtitle = title.partition("\n")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    if subtitle and axes:  # further lines: smaller, above the first plot
        axes[0].set_title(subtitle, loc="left", fontsize=9, color=GREY)
    handles, labels = [h for h, _ in extra], [label for _, label in extra]
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(h)
                labels.append(label)
    handles, labels = handles[:max_entries], labels[:max_entries]
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(ncols, len(handles)))


def nan_array(values: Sequence[float | None]) -> np.ndarray:
    """Floats with ``None`` as NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)
