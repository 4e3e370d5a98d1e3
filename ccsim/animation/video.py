"""Run a scenario's day and write it as a GIF or an MP4 for class.

One replication is simulated (SimPy, the engine with every feature), its floor
rebuilt at each frame time (`floor_timeline`) and drawn (`QueueFrames`). A
comparison runs a second scenario with the same seed and replication, so both see
the same callers (`ccsim.models.calls` pre-draws every caller's randomness).

GIFs are kept small for slides: every frame is mapped, without dithering, onto one
fixed palette of the picture's few colours (and their blends with white, for the
anti-aliased edges), and Pillow stores each frame as its change from the last.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ccsim.animation.frames import quiet_fonts
from ccsim.animation.timeline import FloorTimeline, floor_timeline, frame_times
from ccsim.scenario.model import Scenario

#: Output formats by file suffix.
FORMATS = (".gif", ".mp4")
#: The most frames a file may have: a GIF is assembled in memory (about 0.4 MB a
#: frame at 800 × 450), an MP4 is streamed to ffmpeg.
MAX_FRAMES = {".gif": 2000, ".mp4": 100_000}


class VideoError(ValueError):
    """The video cannot be written as asked (format, ffmpeg, window)."""


@dataclass(frozen=True)
class VideoInfo:
    """What `animate` wrote: the file, its frames, its length, size and render time."""

    path: Path
    frames: int
    seconds: float
    bytes: int
    render_s: float
    seed: int


def simulate_floor(
    scenario: Scenario, seed: int, replication: int, times: np.ndarray
) -> FloorTimeline:
    """Simulate replication ``replication`` of ``scenario`` and rebuild its floor at ``times``."""
    from ccsim.batch.replication import run_replication
    from ccsim.models.roster import build_roster

    obs = run_replication(scenario, seed, replication, engine="simpy")
    plans = build_roster(scenario, seed, replication)
    return floor_timeline(scenario, obs, plans, times, seed=seed, replication=replication)


def animate(
    scenario: Scenario,
    out: str | Path,
    *,
    compare: Scenario | None = None,
    start: float | None = None,
    end: float | None = None,
    speed: float = 600.0,
    fps: float = 10.0,
    replication: int = 0,
    seed: int | None = None,
    lang: str = "en",
    width: int = 800,
    titles: list[str] | None = None,
) -> VideoInfo:
    """Write the animation of ``scenario``'s day (beside ``compare``'s, on the same
    callers) to ``out``: ``.gif``, or ``.mp4`` where ffmpeg is available.

    ``start``/``end`` (seconds since midnight, default the horizon) pick the window;
    ``speed`` is simulated seconds per second of video, ``fps`` frames per second.
    The seed defaults to the scenario's (else a fresh one, reported in the result).
    Raises `VideoError` for a bad format, window or width, or a missing ffmpeg.
    """
    from ccsim.animation.frames import QueueFrames
    from ccsim.streams import new_seed

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise VideoError(
            f"--out {out}: write a .gif or an .mp4 file, not {suffix or 'no suffix'!r}"
        )
    if not 240 <= width <= 3840:
        raise VideoError(f"--width must be from 240 to 3840 pixels, got {width}")
    if suffix == ".mp4":
        ffmpeg_path()  # fail before simulating
    if seed is None:
        seed = scenario.seed if scenario.seed is not None else new_seed()
    try:
        times = frame_times(scenario.horizon, start, end, speed, fps)
    except ValueError as err:
        raise VideoError(str(err)) from None
    if compare is not None:
        try:
            frame_times(compare.horizon, times[0], times[-1], speed, fps)
        except ValueError as err:
            raise VideoError(f"--compare {compare.name!r}: {err}") from None
    if times.size > MAX_FRAMES[suffix]:
        raise VideoError(
            f"that is {times.size:,} frames, more than the {MAX_FRAMES[suffix]:,} a "
            f"{suffix[1:].upper()} may have here: raise --speed, lower --fps or pick a "
            "shorter window with --from/--to"
        )
    t0 = time.perf_counter()
    floors = [simulate_floor(scenario, seed, replication, times)]
    if compare is not None:
        floors.append(simulate_floor(compare, seed, replication, times))
    with quiet_fonts():
        frames = QueueFrames(floors, lang=lang, width=width // 2 * 2, speed=speed, titles=titles)
        if suffix == ".gif":
            write_gif(frames, out, fps)
        else:
            write_mp4(frames, out, fps)
    return VideoInfo(
        path=out,
        frames=frames.n_frames,
        seconds=frames.n_frames / fps,
        bytes=out.stat().st_size,
        render_s=time.perf_counter() - t0,
        seed=seed,
    )


def palette() -> np.ndarray:
    """The GIF palette, ``(n, 3)`` uint8: white, the animation's colours and their
    blends with white (anti-aliased edges), and a grey ramp (text)."""
    from matplotlib.colors import to_rgb

    from ccsim.animation import frames as fr

    colours = {(255, 255, 255)}
    for c in fr.PALETTE:
        rgb = np.array(to_rgb(c))
        for a in (1.0, 0.7, 0.4):
            r, g, b = (int(round(255 * v)) for v in a * rgb + (1 - a))
            colours.add((r, g, b))
    for level in np.linspace(0, 240, 17):
        colours.add((int(level),) * 3)
    return np.array(sorted(colours), dtype=np.uint8)


class _PaletteMap:
    """Maps RGB frames onto `palette`, each colour to its nearest entry (exactly;
    looked up once per distinct colour and kept)."""

    def __init__(self) -> None:
        self.palette = palette()
        self.lut = np.full(1 << 24, 255, dtype=np.uint8)  # 255: not looked up yet

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        key = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8)
        key |= rgb[..., 2]
        index = self.lut[key]
        new = np.unique(key[index == 255])
        if new.size:
            colours = np.stack([(new >> 16) & 255, (new >> 8) & 255, new & 255], axis=1)
            d = (colours[:, None, :].astype(np.int32) - self.palette[None].astype(np.int32)) ** 2
            self.lut[new] = d.sum(axis=2).argmin(axis=1)
            index = self.lut[key]
        return index


#: The palette index of "unchanged since the last frame" (transparent).
_SAME = 255


def write_gif(frames, path: Path, fps: float) -> None:
    """Write every frame of a `QueueFrames` as a looping GIF on one small palette.

    After the first frame, pixels that did not change are transparent (each frame is
    drawn over the last), so a frame costs only what moved: a few kilobytes.
    """
    from PIL import Image

    to_index = _PaletteMap()
    flat = to_index.palette.reshape(-1).tolist()
    flat += [0] * (3 * 256 - len(flat))

    def image(index: np.ndarray) -> Image.Image:
        im = Image.fromarray(index, mode="P")
        im.putpalette(flat)
        return im

    def frames_as_changes() -> Iterator[Image.Image]:
        last = None
        for i in range(frames.n_frames):
            index = to_index(frames.rgb(i))
            shown = index if last is None else np.where(index == last, _SAME, index)
            last = index
            yield image(shown.astype(np.uint8))

    images = frames_as_changes()
    first = next(images)
    first.save(
        path,
        save_all=True,
        append_images=images,
        duration=int(round(1000 / fps)),
        loop=0,
        disposal=1,  # keep each frame: the next one draws over it
        transparency=_SAME,
        optimize=False,
    )


def ffmpeg_path() -> str:
    """The ffmpeg program matplotlib will call: on the PATH, else the one the
    imageio-ffmpeg package ships; `VideoError` if there is none."""
    import shutil

    from matplotlib import rcParams

    configured = rcParams["animation.ffmpeg_path"]
    found = shutil.which(configured)
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        raise VideoError(
            "writing an MP4 needs ffmpeg, which was not found: write a .gif instead, or "
            "install ffmpeg (apt-get install ffmpeg, or pip install imageio-ffmpeg)"
        ) from None


def write_mp4(frames, path: Path, fps: float) -> None:
    """Write every frame of a `QueueFrames` as an H.264 MP4: the frames are piped
    raw into ffmpeg (as matplotlib's FFMpegWriter does, but drawn by blitting)."""
    import subprocess

    h, w = frames.height, frames.width
    command = [
        ffmpeg_path(), "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", f"{fps:g}", "-i", "-",
        "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    with subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            assert proc.stdin is not None  # stdin=PIPE
            for i in range(frames.n_frames):
                proc.stdin.write(frames.rgb(i).tobytes())
        except BrokenPipeError:
            pass  # ffmpeg stopped: its message follows
        _out, err = proc.communicate()
    if proc.returncode != 0:
        message = err.decode(errors="replace").strip().splitlines()
        raise VideoError(f"ffmpeg could not write {path}: {message[-1] if message else 'failed'}")
