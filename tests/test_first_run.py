"""The first run: a cold compile cache is detected, announced, and avoided by small jobs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ccsim.batch import first_run
from ccsim.batch.first_run import SMALL_JOB_CALLS, engine_for_run, expected_calls
from ccsim.kernels import cache_state
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
TEACHING = ROOT / "scenarios" / "teaching_single_queue.yaml"


def test_expected_calls_hand_worked():
    s = load_scenario(TEACHING)
    # Worked from the file: its rates over the day's intervals give 800 calls a day.
    per_day = sum(sum(ct.rates) for ct in s.call_types) * s.horizon.interval
    assert expected_calls(s, 1) == pytest.approx(per_day)
    assert expected_calls(s, 7) == pytest.approx(7 * per_day)


@pytest.fixture
def cold(monkeypatch):
    monkeypatch.setattr(cache_state, "is_cold", lambda include_lazy=True: True)


def test_small_auto_job_runs_simpy_while_cold_and_says_so(cold):
    s = load_scenario(TEACHING)
    lines: list[str] = []
    assert engine_for_run(s, "fast", "auto", 1, lines.append) == "simpy"
    assert len(lines) == 1 and "SimPy" in lines[0] and "warm-up" in lines[0]


def test_large_or_named_fast_job_compiles_and_says_so(cold):
    s = load_scenario(TEACHING)
    big = int(SMALL_JOB_CALLS / expected_calls(s, 1)) + 1
    for requested, reps in (("auto", big), ("fast", 1)):
        lines: list[str] = []
        assert engine_for_run(s, "fast", requested, reps, lines.append) == "fast"
        assert len(lines) == 1 and lines[0].startswith("compiling the fast engine, once, ~")


def test_warm_cache_is_silent(monkeypatch):
    monkeypatch.setattr(cache_state, "is_cold", lambda include_lazy=True: False)
    lines: list[str] = []
    s = load_scenario(TEACHING)
    assert engine_for_run(s, "fast", "auto", 1, lines.append) == "fast"
    assert engine_for_run(s, "simpy", "simpy", 1, lines.append) == "simpy"
    assert lines == []
    assert first_run.SMALL_JOB_CALLS > 0


def test_empty_cache_folder_is_cold(tmp_path):
    probe = (
        "from ccsim.kernels import cache_state as c; s = c.kernel_states(); "
        "print(c.is_cold(), s['ccsim.kernels.engine.simulate'], sep='|')"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"NUMBA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip().split("|") == ["True", cache_state.NO_INDEX]


def test_cached_kernel_is_recognised_in_a_fresh_process(tmp_path):
    """Compile the small queue kernel into an empty cache, then a new process finds it."""
    compile_it = (
        "import numpy as np; from ccsim.kernels.queue_lengths import queue_maxima as q; "
        "z = np.zeros(1); q(z, z + 1, np.zeros(1, dtype=np.int64), 1, z)"
    )
    ask = (
        "from ccsim.kernels import cache_state as c; "
        "print(c.kernel_states()['ccsim.kernels.queue_lengths._sweep'])"
    )
    env = {"NUMBA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", compile_it], check=True, env=env)
    out = subprocess.run(
        [sys.executable, "-c", ask], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == cache_state.CACHED


@pytest.mark.parametrize(
    ("load", "cores", "quoted"),
    [
        (0.0, 2, 20),  # idle: 16 s, rounded up to 20
        (0.5, 2, 20),  # (0.5 + 1) / 2 < 1: no stretch
        (7.0, 2, 65),  # 8 runnable per 2 cores: 16 × 4 = 64 → 65
        (7.0, 8, 20),  # the same load on 8 cores: idle enough
        (13.0, 2, 115),  # 16 × 7 = 112 → 115
    ],
)
def test_compile_estimate_stretches_with_load(monkeypatch, load, cores, quoted):
    monkeypatch.setattr(cache_state.os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(cache_state.os, "cpu_count", lambda: cores)
    assert cache_state.compile_estimate() == quoted


def test_compile_estimate_without_load_average(monkeypatch):
    def unavailable():
        raise OSError("no load average here")

    monkeypatch.setattr(cache_state.os, "getloadavg", unavailable)
    assert cache_state.compile_estimate() == 5 * -(-cache_state.COMPILE_CPU_SECONDS // 5)


def test_lazy_kpi_kernels_do_not_make_the_engine_cold(monkeypatch):
    states = {
        "ccsim.kernels.engine.simulate": cache_state.CACHED,
        "ccsim.kernels.kpis.call_sums": cache_state.NO_INDEX,
        "ccsim.kernels.queue_lengths._sweep": cache_state.STALE,
    }
    monkeypatch.setattr(cache_state, "kernel_states", lambda: states)
    assert cache_state.is_cold()  # `ccsim warm-up` still has work to do
    assert not cache_state.is_cold(include_lazy=False)
    states["ccsim.kernels.engine.simulate"] = cache_state.STALE
    assert cache_state.is_cold(include_lazy=False)


@pytest.mark.slow
def test_second_small_fast_run_does_not_say_it_compiles(tmp_path):
    """A small run interprets the KPI kernels instead of compiling them; the next run
    must not announce a compile that will not happen (it did, on every run)."""
    cmd = [sys.executable, "-m", "ccsim", "run", str(TEACHING), "--engine", "fast"]
    cmd += ["--reps", "1", "--workers", "1"]
    env = {"NUMBA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    assert "compiling the fast engine" in first.stderr
    second = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    assert "compiling" not in second.stderr
