"""The profiling scripts of experiments/bench run against today's package and print
their figures (they call internals, so an internal change can break them unseen).

Only that they run and report: no assertion is about speed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = str(ROOT / "scenarios" / "teaching_single_queue.yaml")


def _run(script: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "bench" / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize(
    ("script", "args", "printed"),
    [
        ("kpi_profile.py", (SMALL, "--reps", "3"), ("draws", "engine", "kpis", "summary")),
        ("fast_engine_speed.py", (SMALL, "--days", "1"), ("kernel alone", "simulate_day_fast")),
        ("around_kernel.py", (SMALL, "--reps", "2"), ("roster=", "pack=", "around=")),
    ],
)
def test_profiling_script_runs_and_prints_its_parts(script, args, printed):
    out = _run(script, *args)
    for word in printed:
        assert word in out, out
