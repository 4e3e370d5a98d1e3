"""The queue animation: the floor rebuilt from observations, frames, GIFs, the CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ccsim.animation import active_counts, floor_timeline, frame_times
from ccsim.animation.frames import QueueFrames, quiet_fonts
from ccsim.animation.timeline import planned_day
from ccsim.animation.video import VideoError, _PaletteMap, animate, ffmpeg_path, write_gif
from ccsim.batch.replication import run_replication
from ccsim.cli import main
from ccsim.metrics import replication_kpis
from ccsim.models.roster import AgentPlan, build_roster
from ccsim.observations import ABANDONED, ANSWERED, FIRST, RETRIAL, TRANSFER
from ccsim.scenario import load_scenario
from ccsim.units import parse_clock

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "teaching_single_queue.yaml"
BANK = ROOT / "scenarios" / "bank_multiskill.yaml"
HOTLINE = ROOT / "scenarios" / "telecom_hotline.yaml"

ZERO_GROUP = """
name: a group with nobody in it
seed: 3
horizon: {start: "08:00", end: "10:00", interval: 15min}
call_types:
  enquiries:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 180s}
    patience: {dist: exponential, mean: 60s}
agent_groups:
  team: {skills: [enquiries], agents: 3}
  nobody: {skills: [enquiries], agents: 0}
"""


def day(scenario, times, seed=None, replication=0):
    seed = scenario.seed if seed is None else seed
    obs = run_replication(scenario, seed, replication)
    plans = build_roster(scenario, seed, replication)
    return obs, floor_timeline(scenario, obs, plans, times, seed, replication)


@pytest.fixture(scope="module")
def teaching():
    s = load_scenario(TEACHING)
    times = frame_times(s.horizon, speed=120, fps=2)
    obs, tl = day(s, np.append(times, 1e7))  # the last frame: after the drain
    return s, obs, tl


@pytest.fixture(scope="module")
def bank():
    s = load_scenario(BANK)
    times = frame_times(s.horizon, speed=300, fps=1)
    obs, tl = day(s, times)
    return s, obs, tl


def render(tl_list, frames=(0,), **kw) -> list[np.ndarray]:
    with quiet_fonts():
        qf = QueueFrames(tl_list, **kw)
        return [qf.rgb(i) for i in frames]


# -- the state, checked against the observations --------------------------------


def direct_waiting(obs, t: float, k: int) -> int:
    live = np.isin(obs.leg, (FIRST, RETRIAL, TRANSFER))
    queued = live & np.isin(obs.outcome, (ANSWERED, ABANDONED)) & (obs.call_type == k)
    return int(np.sum(queued & (obs.offered <= t) & (t < obs.offered + obs.wait)))


def test_waiting_is_the_callers_between_offer_and_answer_or_abandon(teaching, bank):
    for s, obs, tl in (teaching, bank):
        assert tl.waiting.max() > 0  # there is a queue to check
        for i in range(0, tl.times.size, 7):
            for k in range(len(s.call_types)):
                assert tl.waiting[i, k] == direct_waiting(obs, tl.times[i], k)


def test_agent_states_add_up_and_busy_never_exceeds_the_agents(teaching, bank):
    for _s, obs, tl in (teaching, bank):
        parts = (tl.busy, tl.idle, tl.on_break, tl.absent, tl.off_shift)
        assert all((p >= 0).all() for p in parts)
        np.testing.assert_array_equal(sum(parts), np.broadcast_to(tl.seats, tl.busy.shape))
        assert (tl.busy <= tl.seats).all()
        # Busy agents are the calls in talk or wrap-up at t (voice: one call an agent).
        start = obs.offered + obs.wait
        end = start + obs.talk + obs.wrap
        for i in range(0, tl.times.size, 11):
            t = tl.times[i]
            on_call = (obs.group >= 0) & (start <= t) & (t < end)
            counts = np.bincount(obs.group[on_call], minlength=tl.seats.size)
            np.testing.assert_array_equal(tl.busy[i], counts)


def test_teaching_floor_has_fourteen_agents_all_day(teaching):
    s, _obs, tl = teaching
    assert tl.seats.tolist() == [14]
    inside = tl.times < s.horizon.end
    assert (tl.busy[inside] + tl.idle[inside] == 14).all()
    assert tl.on_break.sum() == 0 and tl.absent.sum() == 0


def test_bank_floor_shows_breaks_meetings_and_shifts(bank):
    s, _obs, tl = bank
    groups = [g.name for g in s.agent_groups]
    assert tl.on_break.max() > 0
    # 08:00: only the early shifts are in (universal 10 of 22 seats, less shrinkage).
    u = groups.index("universal")
    assert tl.seats[u] == 22
    assert tl.off_shift[0, u] == 12
    # The cards huddle takes 4 agents away from 15:15 to 15:45.
    c = groups.index("cards_team")
    i = int(np.searchsorted(tl.times, parse_clock("15:30")))
    assert tl.absent[i, c] >= 4
    # The fraud desk's early team lunches together at 12:30 (unless finishing a call).
    f = groups.index("fraud_desk")
    i = int(np.searchsorted(tl.times, parse_clock("12:35")))
    assert tl.on_break[i, f] + tl.busy[i, f] >= 3


def test_service_level_so_far_ends_at_the_day_service_level(teaching, bank):
    for s, obs, _tl in (teaching, bank):
        end = frame_times(s.horizon, speed=60, fps=1)
        last = floor_timeline(s, obs, build_roster(s, s.seed, 0), [1e7])
        day_sl = replication_kpis(obs, s)["summary"]["service_level"]
        assert last.service_level[0] == pytest.approx(day_sl, abs=1e-12)
        assert np.isnan(floor_timeline(s, obs, [], end[:1]).service_level[0])
    # Another definition: answered within T / answered.
    s, obs, _tl = teaching
    answered = dataclasses.replace(
        s, service_level=dataclasses.replace(s.service_level, definition="answered")
    )
    last = floor_timeline(answered, obs, [], [1e7])
    kpis = replication_kpis(obs, answered)["summary"]
    assert last.service_level[0] == pytest.approx(kpis["service_level"], abs=1e-12)


def test_abandonments_so_far_are_counted_when_they_happen(bank):
    s, obs, tl = bank
    gone = (obs.outcome == ABANDONED) & np.isin(obs.leg, (FIRST, RETRIAL, TRANSFER))
    t_gone = (obs.offered + obs.wait)[gone]
    for i in range(0, tl.times.size, 13):
        assert tl.abandoned[i].sum() == np.sum(t_gone <= tl.times[i])
    i = tl.times.size - 1
    recent = tl.recent_abandons(i, 3)
    assert [r[0] for r in recent] == sorted(t_gone[t_gone <= tl.times[i]])[::-1][:3]


def test_active_counts_agrees_with_a_direct_count():
    rng = np.random.default_rng(5)
    begin = rng.uniform(0, 100, 300)
    end = begin + rng.exponential(10, 300)
    key = rng.integers(0, 3, 300)
    weight = rng.choice([1.0, 0.5], 300)
    times = np.concatenate([rng.uniform(-5, 130, 50), begin[:5], end[:5]])
    got = active_counts(begin, end, key, 4, times, weight)
    for j, t in enumerate(times):
        for k in range(4):
            inside = (key == k) & (begin <= t) & (t < end)
            assert got[j, k] == pytest.approx(weight[inside].sum())


def test_a_break_due_during_an_absence_starts_when_the_agent_is_back():
    plan = AgentPlan(
        group=0, start=0.0, end=1000.0, breaks=[(100.0, 50.0, True)], absences=[(80.0, 200.0)]
    )
    end, breaks, away = planned_day(plan)
    assert (end, breaks, away) == (1000.0, [(200.0, 250.0)], [(80.0, 200.0)])
    gone = AgentPlan(group=0, start=0.0, end=1000.0, absent_all_shift=True)
    assert planned_day(gone) == (1000.0, [], [(0.0, 1000.0)])


def test_frame_times_cover_the_window_and_refuse_one_outside_the_horizon():
    s = load_scenario(TEACHING)
    times = frame_times(s.horizon, parse_clock("09:00"), parse_clock("12:00"), 600, 10)
    assert times.size == 181 and times[0] == parse_clock("09:00")
    assert times[-1] == parse_clock("12:00")
    with pytest.raises(ValueError, match="outside the horizon 09:00–13:00"):
        frame_times(s.horizon, parse_clock("08:00"), None)
    with pytest.raises(ValueError, match="ends before it starts"):
        frame_times(s.horizon, parse_clock("11:00"), parse_clock("10:00"))


# -- frames ---------------------------------------------------------------------


def test_frames_of_the_teaching_day_render_and_change(teaching):
    _s, _obs, tl = teaching
    busiest = int(np.argmax(tl.waiting[:, 0]))
    quiet, busy = render([tl], frames=(0, busiest), speed=120)
    assert quiet.shape == (450, 800, 3) and quiet.dtype == np.uint8
    assert (quiet != busy).any(axis=2).sum() > 500  # the queue and the agents moved


def test_frames_render_in_chinese_and_at_other_widths(bank):
    _s, _obs, tl = bank
    (frame,) = render([tl], frames=(40,), lang="zh", width=640)
    assert frame.shape == (360, 640, 3)


def test_empty_window_before_the_first_call():
    s = load_scenario(TEACHING)
    _obs, tl = day(s, [s.horizon.start])
    assert tl.waiting.sum() == 0 and tl.busy.sum() == 0 and tl.idle.sum() == 14
    assert np.isnan(tl.service_level[0]) and tl.recent_abandons(0) == []
    (frame,) = render([tl])
    assert frame.shape == (450, 800, 3)


def test_a_24_hour_horizon_renders_at_midnight_and_at_its_end():
    s = load_scenario(HOTLINE)
    times = frame_times(s.horizon, speed=3 * 3600, fps=1)
    assert times[0] == 0.0 and times[-1] == 24 * 3600.0
    _obs, tl = day(s, times)
    assert tl.seats.sum() > 0 and tl.on_break.max() > 0
    frames = render([tl], frames=(0, times.size - 1), speed=3 * 3600)
    assert all(f.shape == (450, 800, 3) for f in frames)


def test_a_group_with_no_agents(tmp_path):
    path = tmp_path / "zero.yaml"
    path.write_text(ZERO_GROUP)
    s = load_scenario(path)
    _obs, tl = day(s, frame_times(s.horizon, speed=600, fps=1))
    assert tl.seats.tolist() == [3, 0]
    assert (tl.busy[:, 1] == 0).all() and (tl.idle[:, 1] == 0).all()
    render([tl], frames=(0, 5))


def test_compare_shows_two_floors_on_the_same_callers():
    s = load_scenario(TEACHING)
    fewer = dataclasses.replace(
        s, agent_groups=(dataclasses.replace(s.agent_groups[0], agents=12),)
    )
    times = frame_times(s.horizon, speed=600, fps=1)
    obs14, tl14 = day(s, np.append(times, 1e7))
    obs12, tl12 = day(fewer, np.append(times, 1e7), seed=s.seed)
    first = obs14.leg == FIRST
    np.testing.assert_array_equal(obs14.arrival[first], obs12.arrival[obs12.leg == FIRST])
    assert tl12.seats.tolist() == [12]
    # Two agents fewer: more waiting and a lower service level on the same callers.
    assert tl12.waiting.sum() > tl14.waiting.sum()
    assert tl12.service_level[-1] < tl14.service_level[-1]
    a, b = render([tl14, tl12], frames=(10, 11), speed=600, titles=["14", "12"])
    assert a.shape == b.shape == (450, 800, 3)
    with pytest.raises(ValueError, match="same frame times"):
        QueueFrames([tl14, floor_timeline(s, obs14, [], times[:3])])


# -- files ----------------------------------------------------------------------


def test_a_tiny_gif_decodes_to_the_frames_drawn(tmp_path, bank):
    s, obs, _tl = bank
    times = frame_times(s.horizon, parse_clock("10:00"), parse_clock("10:05"), 60, 1)
    tl = floor_timeline(s, obs, build_roster(s, s.seed, 0), times)
    path = tmp_path / "tiny.gif"
    with quiet_fonts():
        qf = QueueFrames([tl], speed=60)
        write_gif(qf, path, fps=1)
        last = qf.rgb(qf.n_frames - 1)
    gif = Image.open(path)
    gif.seek(gif.n_frames - 1)  # identical frames may be merged: compare the last
    to_palette = _PaletteMap()
    np.testing.assert_array_equal(
        np.asarray(gif.convert("RGB")), to_palette.palette[to_palette(last)]
    )
    assert path.stat().st_size < 60_000


def test_animate_writes_a_gif_and_reports_it(tmp_path):
    s = load_scenario(TEACHING)
    out = tmp_path / "day.gif"
    info = animate(s, out, start=parse_clock("10:00"), end=parse_clock("10:30"), speed=600)
    assert info.frames == 31 and info.path == out and info.bytes == out.stat().st_size
    assert info.seed == 7 and Image.open(out).size == (800, 450)


def test_mp4_without_ffmpeg_says_what_to_do(tmp_path, monkeypatch):
    import shutil
    import sys

    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(VideoError, match="write a .gif instead, or install ffmpeg"):
        animate(load_scenario(TEACHING), tmp_path / "day.mp4")


def test_mp4_where_ffmpeg_is_found_else_the_clear_error(tmp_path):
    """Both outcomes are checked: this machine decides which one runs."""
    s = load_scenario(TEACHING)
    out = tmp_path / "day.mp4"
    try:
        ffmpeg_path()
    except VideoError:
        with pytest.raises(VideoError, match="install ffmpeg"):
            animate(s, out, start=parse_clock("10:00"), end=parse_clock("10:10"))
        assert not out.exists()
        return
    info = animate(s, out, start=parse_clock("10:00"), end=parse_clock("10:10"), speed=60)
    assert info.frames == 101 and out.read_bytes()[4:8] == b"ftyp"  # an MP4 container


# -- the command line -----------------------------------------------------------


def test_cli_animates_a_comparison_on_the_same_callers(tmp_path, capsys):
    out = tmp_path / "sub" / "compare.gif"
    code = main(
        ["animate", str(TEACHING), "--out", str(out), "--compare",
         "--set", "agent_groups.team.agents=12", "--from", "10:00", "--to", "10:20",
         "--width", "480"]
    )  # fmt: skip
    assert code == 0
    assert "wrote" in capsys.readouterr().out
    assert Image.open(out).size == (480, 270)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "08:00"], "outside the horizon"),
        (["--from", "11:00", "--to", "10:00"], "ends before it starts"),
        (["--from", "9am"], "--from/--to"),
        (["--compare"], "--compare needs an alternative"),
        (["--width", "100"], "--width"),
        (["--speed", "1"], "raise --speed"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, args, message):
    code = main(["animate", str(TEACHING), "--out", str(tmp_path / "x.gif"), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err


def test_cli_bad_files_exit_2(tmp_path, capsys):
    assert main(["animate", str(tmp_path / "none.yaml"), "--out", "x.gif"]) == 2
    assert "no such scenario file" in capsys.readouterr().err
    assert main(["animate", str(TEACHING), "--out", str(tmp_path / "x.avi")]) == 2
    assert "write a .gif or an .mp4" in capsys.readouterr().err
