"""Drawing the frames of the queue animation.

A `QueueFrames` lays out one figure for one floor (or two side by side, for a
comparison on the same callers) and, per frame, only updates its artists: bar
widths, cell colours and texts. Everything is placed on a virtual 800 × 450 canvas
(16:9), so the picture looks the same at any ``width``; text grows with it.

Per floor, from top to bottom: callers waiting per call type (a bar each, red when
a caller of that type just hung up), the agents of each group (a cell each: busy,
idle, on break, absent, off shift), where there is room a line of the callers
waiting so far, the service level so far against its target, and the abandonments
so far with the last few.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ccsim.animation.panel import (  # noqa: F401 (re-exported)
    _FLASH,
    _FOOTER,
    _GOOD,
    _HEADER,
    _INK,
    _MUTED,
    _TRACK,
    _WAITING,
    PALETTE,
    STATE_COLOURS,
    STATES,
    H,
    W,
    _Panel,
    _short,
    _wait_label,
    clock_label,
    fit_width,
    text_units,
)
from ccsim.animation.timeline import FloorTimeline
from ccsim.animation.words import word
from ccsim.i18n import tr, use_font


@contextlib.contextmanager
def quiet_fonts() -> Iterator[None]:
    """Silence matplotlib's notes that a fallback font (the Chinese one) has no bold."""
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


class QueueFrames:
    """The animation's figure for one or two floors on the same frame times.

    ``draw(i)`` brings every artist to frame ``i``; ``rgb(i)`` returns the frame
    as an ``(height, width, 3)`` uint8 array.
    """

    def __init__(
        self,
        timelines: list[FloorTimeline],
        *,
        lang: str = "en",
        width: int = 800,
        speed: float | None = None,
        titles: list[str] | None = None,
    ) -> None:
        if not 1 <= len(timelines) <= 2:
            raise ValueError("the animation shows one floor, or two side by side")
        times = timelines[0].times
        for tl in timelines[1:]:
            if tl.times.shape != times.shape or not np.allclose(tl.times, times):
                raise ValueError("floors compared side by side need the same frame times")
        self.timelines = timelines
        self.lang = lang
        self.width = int(width)
        self.height = int(round(self.width * H / W)) // 2 * 2  # even, for video encoders
        self.font_scale = self.width / W
        self.step = float(times[1] - times[0]) if times.size > 1 else 60.0
        # A caller who just hung up flashes for a quarter second of video, at least
        # one frame and at most two: long enough to see, short enough to blink when
        # many hang up.
        self.flash = max(self.step, min(0.25 * (speed or self.step), 2 * self.step))
        self._background: Any = None

        dpi = 100
        self.figure = Figure(figsize=(self.width / dpi, self.height / dpi), dpi=dpi)
        FigureCanvasAgg(self.figure)
        with use_font(lang), quiet_fonts():  # fonts are fixed when a text is created
            self._layout(timelines, speed, titles)

    def _layout(
        self, timelines: list[FloorTimeline], speed: float | None, titles: list[str] | None
    ) -> None:
        lang = self.lang
        self.ax = ax = self.figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, W)
        ax.set_ylim(H, 0)
        ax.set_axis_off()
        fs = self.font_scale

        first = timelines[0]
        compare = len(timelines) == 2
        head = word("compare_title", lang) if compare else first.scenario.name
        label = ax.text(14, 10, head, fontsize=11 * fs, weight="bold", va="top", color=_INK)
        fit_width(label, head, "", W - 190)  # room for the clock
        video = f" · {word('video_second', lang)} = {_speed_label(speed, lang)}" if speed else ""
        ax.text(
            14,
            30,
            f"{word('seed', lang)} {first.seed} · "
            f"{word('replication', lang)} {first.replication}{video}",
            fontsize=7.5 * fs,
            va="top",
            color=_MUTED,
        )
        self.clock = ax.text(
            W - 14, 6, "", fontsize=22 * fs, weight="bold", ha="right", va="top", color=_INK
        )

        waiting_max = max(int(tl.waiting.max(initial=0)) for tl in timelines)
        self.bar_max = float(max(5, waiting_max))
        self.history_max = float(
            max(5, *(tl.waiting.sum(axis=1).max(initial=0) for tl in timelines))
        )
        if compare:
            titles = titles or [tl.scenario.name for tl in timelines]
            self.panels = [
                _Panel(self, timelines[0], 14, W / 2 - 10, titles[0]),
                _Panel(self, timelines[1], W / 2 + 10, W - 14, titles[1]),
            ]
            ax.plot([W / 2, W / 2], [_HEADER, H - _FOOTER], color=_TRACK, lw=1)
        else:
            self.panels = [_Panel(self, first, 14, W - 14, None)]
        self._legend()

    def _legend(self) -> None:
        ax, fs, lang = self.ax, self.font_scale, self.lang
        x, y = 14.0, H - _FOOTER + 6
        for state in STATES:
            ax.add_patch(Rectangle((x, y), 9, 9, color=STATE_COLOURS[state]))
            label = word(state, lang)
            ax.text(x + 13, y + 4.5, label, fontsize=7 * fs, va="center", color=_INK)
            x += 26 + 6.5 * len(label) * (1.6 if lang == "zh" else 1)
        x += 10
        ax.add_patch(Rectangle((x, y), 16, 9, color=_WAITING))
        ax.text(x + 20, y + 4.5, word("waiting_bar", lang), fontsize=7 * fs, va="center")

    @property
    def n_frames(self) -> int:
        return int(self.timelines[0].times.size)

    def draw(self, i: int) -> Figure:
        """Update every artist to frame ``i`` (and return the figure)."""
        t = float(self.timelines[0].times[i])
        self.clock.set_text(clock_label(t, self.step))
        for panel in self.panels:
            panel.update(i, self.bar_max, t - self.flash)
        return self.figure

    def rgb(self, i: int) -> np.ndarray:
        """Frame ``i`` as an ``(height, width, 3)`` uint8 array.

        The still parts (titles, labels, legend, tracks) are drawn once and kept;
        each frame redraws only the moving artists over them (blitting), which
        makes a frame several times faster than a full redraw.
        """
        canvas: Any = self.figure.canvas  # FigureCanvasAgg: blitting and buffer_rgba
        moving = [self.clock] + [a for panel in self.panels for a in panel.moving]
        with quiet_fonts():
            if self._background is None:
                for artist in moving:
                    artist.set_animated(True)
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.figure.bbox)
            self.draw(i)
            canvas.restore_region(self._background)
            for artist in moving:
                self.ax.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def _speed_label(speed: float, lang: str) -> str:
    """10 min of the day, spelled for the subtitle."""
    for unit, size in (("h", 3600.0), ("min", 60.0)):
        if speed >= size and (unit == "min" or speed % size == 0):
            return f"{speed / size:g} {tr(f'unit.{unit}', lang)}"
    return f"{speed:g} {tr('unit.s', lang)}"
