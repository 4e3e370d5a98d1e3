"""The queue animation for class: the floor of one simulated day, frame by frame.

`floor_timeline` rebuilds, from one replication's observations and roster, who is
waiting and what every agent is doing at each frame time; `QueueFrames` draws
those frames; `animate` runs a scenario (or two, on the same callers) and writes a
GIF or an MP4. The engine is not touched: everything comes from what it records.

matplotlib is imported only when `QueueFrames`, `animate` or `simulate_floor` is used.
"""

from __future__ import annotations

from typing import Any

from ccsim.animation.timeline import FloorTimeline, active_counts, floor_timeline, frame_times

__all__ = [
    "FloorTimeline",
    "QueueFrames",
    "VideoError",
    "VideoInfo",
    "active_counts",
    "animate",
    "floor_timeline",
    "frame_times",
    "simulate_floor",
]

_LAZY = {
    "QueueFrames": "ccsim.animation.frames",
    "VideoError": "ccsim.animation.video",
    "VideoInfo": "ccsim.animation.video",
    "animate": "ccsim.animation.video",
    "simulate_floor": "ccsim.animation.video",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
