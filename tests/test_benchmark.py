"""experiments/benchmark.py runs end to end (--quick) and prints its tables.

Only that it runs and reports: a benchmark is not a timed unit test, so no
assertion here is about speed. Peers that are not installed (ciw, salabim) are
skipped by the script itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_runs_and_prints_the_speed_table():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "benchmark.py"), "--quick"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    header = [
        i for i, line in enumerate(lines) if re.match(r"implementation\s+calls/s median", line)
    ]
    assert header, proc.stdout
    # The speed table's rows follow its header and a rule; ccsim's own engine is one.
    rows = lines[header[0] + 2 :]
    rows = rows[: next((i for i, line in enumerate(rows) if not line.strip()), len(rows))]
    simpy_row = [line for line in rows if line.startswith("ccsim-simpy ")]
    assert simpy_row, proc.stdout
    assert re.search(r"\d", simpy_row[0])
    # The other sections are there too.
    for section in ("Results:", "Memory", "Scaling:"):
        assert section in proc.stdout
