"""One floor's panel of the queue animation, and the canvas it is drawn on.

`ccsim.animation.frames.QueueFrames` lays out one panel per floor (two side by side
for a comparison) and, per frame, asks each to update its artists. The colours, the
virtual 800 × 450 canvas and the text helpers shared by both live here.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.patches import Rectangle

from ccsim.animation.timeline import FloorTimeline
from ccsim.animation.words import word
from ccsim.i18n import tr
from ccsim.units import format_clock

#: Colours (few, so GIF frames quantise to a small palette without dithering).
STATE_COLOURS = {
    "busy": "#1f5fa8",
    "idle": "#5cb85c",
    "on_break": "#f0ad4e",
    "absent": "#8e6bbf",
    "off_shift": "#e4e4e4",
}
_WAITING, _FLASH, _INK, _MUTED, _TRACK = "#d35400", "#c0392b", "#222222", "#777777", "#eeeeee"
_GOOD = "#3b8f4f"
#: Every colour drawn (the GIF palette is built from these).
PALETTE: tuple[str, ...] = (*STATE_COLOURS.values(), _WAITING, _FLASH, _INK, _MUTED, _TRACK, _GOOD)
STATES = tuple(STATE_COLOURS)

W, H = 800.0, 450.0  # the virtual canvas
_HEADER = 46.0
_FOOTER = 22.0


def clock_label(t: float, step: float) -> str:
    """HH:MM, with seconds when frames are less than a minute apart (slow motion)."""
    s = int(math.floor(t + 1e-6))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{sec:02d}" if step < 60 else f"{h:02d}:{m:02d}"


def text_units(text: str) -> int:
    """How wide ``text`` is in Latin letters: a Chinese character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def fit_width(label, text: str, suffix: str, width: float) -> None:
    """Shorten ``text`` (with an ellipsis) until ``text + suffix`` drawn by ``label``
    spans at most ``width`` canvas units."""
    ax = label.axes
    renderer = ax.figure.canvas.get_renderer()
    units = W / ax.bbox.width  # canvas units per pixel
    n = len(text)
    while n > 1 and label.get_window_extent(renderer).width * units > width:
        n -= 1
        label.set_text(_short(text, n) + suffix)


def _wait_label(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


class _Frames(Protocol):
    """What a panel reads of the figure it is drawn in (`QueueFrames`)."""

    ax: Any
    font_scale: float
    lang: str
    history_max: float


class _Panel:
    """One floor's artists inside the column ``[x0, x1]`` of the canvas."""

    def __init__(
        self,
        frames: _Frames,
        tl: FloorTimeline,
        x0: float,
        x1: float,
        title: str | None,
    ) -> None:
        self.tl = tl
        self.frames = frames
        ax, fs, lang = frames.ax, frames.font_scale, frames.lang
        y = _HEADER + 4
        if title:
            agents = f" — {int(tl.seats.sum())} {tr('unit.agents', lang)}"
            label = ax.text(x0, y, title + agents, fontsize=9 * fs, weight="bold", va="top")
            fit_width(label, title, agents, x1 - x0)
            y += 18

        y = self._waiting_bars(x0, x1, y)
        narrow = x1 - x0 < 500
        sl_top = H - _FOOTER - (96 if narrow else 54)
        self._agent_cells(x0, x1, y, sl_top)
        self._sl_gauge(x0, x1, sl_top, narrow)
        self._abandonments(x0, sl_top, narrow)

    def _waiting_bars(self, x0: float, x1: float, y: float) -> float:
        """Callers waiting, a bar per call type on a scale shared by every panel;
        returns the y below them."""
        ax, fs, lang = self.frames.ax, self.frames.font_scale, self.frames.lang
        sc = self.tl.scenario
        names = [c.name for c in sc.call_types]
        ax.text(x0, y, word("waiting", lang), fontsize=8.5 * fs, va="top", color=_MUTED)
        y += 14
        n_types = max(1, len(names))
        row = min(24.0, max(11.0, 96.0 / n_types))
        text = min(7.5, 0.6 * row)  # points; a canvas unit is a pixel at width 800
        label_w = min(110.0, 12 + 6.2 * max((text_units(n) for n in names), default=4))
        self.bar_x0 = x0 + label_w
        self.bar_span = (x1 - 40) - self.bar_x0
        self.bars, self.counts = [], []
        for k, name in enumerate(names):
            yc = y + row * (k + 0.5)
            ax.text(x0, yc, _short(name, 18), fontsize=text * fs, va="center", color=_INK)
            ax.add_patch(
                Rectangle(
                    (self.bar_x0, yc - row * 0.35), self.bar_span, row * 0.7, color=_TRACK, lw=0
                )
            )
            bar = Rectangle((self.bar_x0, yc - row * 0.35), 0, row * 0.7, color=_WAITING, lw=0)
            ax.add_patch(bar)
            self.bars.append(bar)
            self.counts.append(ax.text(0, yc, "", fontsize=text * fs, va="center", color=_INK))
        y += row * n_types + 8
        return y

    def _agent_cells(self, x0: float, x1: float, y: float, sl_top: float) -> None:
        """Agents: a cell each, per group (seats wrap into rows), down to ``sl_top``,
        and the queue so far as a line below them when there is room."""
        ax, fs, lang = self.frames.ax, self.frames.font_scale, self.frames.lang
        sc, tl = self.tl.scenario, self.tl
        ax.text(x0, y, word("agents", lang), fontsize=8.5 * fs, va="top", color=_MUTED)
        y += 14
        groups = [g.name for g in sc.agent_groups]
        glabel_w = min(110.0, 12 + 6.2 * max((text_units(n) for n in groups), default=4))
        self.cells, self.cell_slices, y = self._cell_grid(
            groups, tl.seats, x0, glabel_w, x1, y, sl_top - 8
        )
        self.history: Any = None
        if sl_top - y >= 80:  # room to spare: the queue so far, as a line
            self._history(x0, x1, y + 12, min(sl_top - 16, y + 150))
        self.collection = PatchCollection(self.cells, match_original=False, linewidth=0)
        self.collection.set_facecolor(STATE_COLOURS["off_shift"])
        ax.add_collection(self.collection)

    def _sl_gauge(self, x0: float, x1: float, y: float, narrow: bool) -> None:
        """The service level so far, against the target (below the agents: the
        abandonments sit beside it, or under it in a narrow column)."""
        ax, fs, lang = self.frames.ax, self.frames.font_scale, self.frames.lang
        sc = self.tl.scenario
        sl = sc.service_level
        self.target = sl.target
        ax.text(
            x0,
            y,
            f"{word('service_level', lang)} {sl.target:.0%}/{sl.threshold:g}s",
            fontsize=8.5 * fs,
            va="top",
            color=_INK,
        )
        self.gauge_w, gy = (x1 - x0) * (0.6 if narrow else 0.5), y + 16
        ax.add_patch(Rectangle((x0, gy), self.gauge_w, 10, color=_TRACK, lw=0))
        self.gauge = Rectangle((x0, gy), 0, 10, color=_GOOD, lw=0)
        ax.add_patch(self.gauge)
        self.sl_text = ax.text(
            x0 + self.gauge_w + 6, gy + 5, "", fontsize=8.5 * fs, va="center", color=_INK
        )
        tx = x0 + self.gauge_w * sl.target
        ax.plot([tx, tx], [gy - 3, gy + 13], color=_INK, lw=1.5 * fs)
        ax.text(
            tx,
            gy + 14,
            f"{word('target', lang)} {sl.target:.0%}",
            fontsize=6.5 * fs,
            ha="center",
            va="top",
            color=_INK,
        )

    def _abandonments(self, x0: float, sl_top: float, narrow: bool) -> None:
        """Abandonments: the count so far and the last three."""
        ax, fs = self.frames.ax, self.frames.font_scale
        ab_x, ab_y = (x0, sl_top + 44) if narrow else (x0 + self.gauge_w + 130, sl_top)
        self.ab_text = ax.text(ab_x, ab_y, "", fontsize=8.5 * fs, va="top", color=_INK)
        self.ab_lines = [
            ax.text(ab_x, ab_y + 14 + 10 * i, "", fontsize=6.5 * fs, va="top", color=_MUTED)
            for i in range(3)
        ]

    def _cell_grid(
        self,
        groups: list[str],
        seats: np.ndarray,
        x0: float,
        label_w: float,
        x1: float,
        top: float,
        bottom: float,
    ) -> tuple[list[Rectangle], list[slice], float]:
        """Square cells per group, as large as fits (at most 32 units), each group's
        seats spread evenly over its rows; and the bottom of the last row."""
        ax, fs = self.frames.ax, self.frames.font_scale
        left, width = x0 + label_w, x1 - x0 - label_w
        seats = np.array([int(s) for s in seats])
        gap = 6.0
        size = 32.0
        while size > 3:
            per_row = max(1, int(width // (size * 1.25)))
            rows = sum(max(1, math.ceil(s / per_row)) for s in seats)
            if rows * size * 1.25 + gap * max(0, len(seats) - 1) <= bottom - top:
                break
            size -= 1
        per_row = max(1, int(width // (size * 1.25)))
        pitch = size * 1.25
        cells: list[Rectangle] = []
        slices = []
        y = top
        for name, n in zip(groups, seats, strict=True):
            n_rows = max(1, math.ceil(n / per_row))
            across = max(1, math.ceil(n / n_rows))
            height = n_rows * pitch - (pitch - size)
            text = min(7.5, 0.55 * max(height, pitch))
            ax.text(x0, y + height / 2, _short(name, 18), fontsize=text * fs, va="center")
            first = len(cells)
            for a in range(n):
                r, c = divmod(a, across)
                cells.append(Rectangle((left + c * pitch, y + r * pitch), size, size))
            if n == 0:
                ax.text(left, y + size / 2, "—", fontsize=7.5 * fs, va="center", color=_MUTED)
            slices.append(slice(first, len(cells)))
            y += n_rows * pitch + gap
        return cells, slices, y

    def _history(self, x0: float, x1: float, top: float, bottom: float) -> None:
        """A strip under the agents: callers waiting (all types) from the window's
        start to now, on the scale shared by every panel."""
        ax, fs, tl = self.frames.ax, self.frames.font_scale, self.tl
        total = tl.waiting.sum(axis=1)
        top_value = self.frames.history_max
        ax.text(x0, top - 2, word("waiting_so_far", self.frames.lang), fontsize=7 * fs,
                va="bottom", color=_MUTED)  # fmt: skip
        left = x0 + 30
        ax.plot([left, x1], [bottom, bottom], color=_MUTED, lw=0.8 * fs)
        ax.plot([left, left], [top, bottom], color=_MUTED, lw=0.8 * fs)
        for value, va in ((0, "center"), (top_value, "top")):  # the top one under the title
            y = bottom - (bottom - top) * value / top_value
            ax.text(left - 4, y, f"{value:g}", fontsize=6.5 * fs, ha="right", va=va,
                    color=_MUTED)  # fmt: skip
        t0, t1 = float(tl.times[0]), float(tl.times[-1])
        span = max(t1 - t0, 1.0)
        for t, ha in ((t0, "left"), (t1, "right")):
            ax.text(left + (x1 - left) * (t - t0) / span, bottom + 3, format_clock(t)[:5],
                    fontsize=6.5 * fs, ha=ha, va="top", color=_MUTED)  # fmt: skip
        self.history_x = left + (x1 - left) * (tl.times - t0) / span
        self.history_y = bottom - (bottom - top) * np.minimum(total / top_value, 1.0)
        (self.history,) = ax.plot([], [], color=_WAITING, lw=1.5 * fs)

    @property
    def moving(self) -> list:
        """The artists that change from frame to frame (drawn over a cached background)."""
        return [
            *self.bars, *self.counts, self.collection, self.gauge, self.sl_text,
            self.ab_text, *self.ab_lines, *([self.history] if self.history else []),
        ]  # fmt: skip

    def update(self, i: int, bar_max: float, flash_from: float) -> None:
        tl, lang = self.tl, self.frames.lang
        t = tl.times[i]
        if self.history is not None:
            self.history.set_data(self.history_x[: i + 1], self.history_y[: i + 1])
        just_left = set(
            tl.abandon_types[(tl.abandon_times > flash_from) & (tl.abandon_times <= t)].tolist()
        )
        for k, (bar, count) in enumerate(zip(self.bars, self.counts, strict=True)):
            n = int(tl.waiting[i, k])
            w = self.bar_span * min(1.0, n / bar_max)
            bar.set_width(w)
            bar.set_color(_FLASH if k in just_left else _WAITING)
            count.set_x(self.bar_x0 + w + 4)
            count.set_text(str(n) + (" ✕" if k in just_left else ""))
            count.set_color(_FLASH if k in just_left else _INK)

        colours = np.empty(len(self.cells), dtype=object)
        for g, sl in enumerate(self.cell_slices):
            states = np.repeat(
                STATES,
                [
                    tl.busy[i, g],
                    tl.idle[i, g],
                    tl.on_break[i, g],
                    tl.absent[i, g],
                    tl.off_shift[i, g],
                ],
            )
            colours[sl] = [STATE_COLOURS[s] for s in states]
        if len(self.cells):
            self.collection.set_facecolor(list(colours))

        value = tl.service_level[i]
        if np.isnan(value):
            self.sl_text.set_text("–")
            self.gauge.set_width(0)
        else:
            self.sl_text.set_text(f"{value:.1%}  ({tl.sl_counted[i]} {word('calls', lang)})")
            self.gauge.set_width(self.gauge_w * value)
            self.gauge.set_color(_GOOD if value >= self.target else _FLASH)

        total = int(tl.abandoned[i].sum())
        self.ab_text.set_text(f"{word('abandoned', lang)}: {total}")
        names = [c.name for c in tl.scenario.call_types]
        recent = tl.recent_abandons(i, len(self.ab_lines))
        for j, line in enumerate(self.ab_lines):
            if j < len(recent):
                when, k, waited = recent[j]
                line.set_text(
                    f"{format_clock(when)[:5]} {_short(names[k], 14)}, "
                    f"{word('waited', lang)} {_wait_label(waited)}"
                )
                line.set_color(_FLASH if when > flash_from else _MUTED)
            else:
                line.set_text("")
