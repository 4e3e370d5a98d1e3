"""Start-up cost: running a small scenario must not import what it does not use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("scipy.stats", "pandas", "matplotlib")

PROBE = """
import json, sys
import ccsim
from ccsim.batch.runner import run
imported_by_runner = [m for m in {heavy!r} if m in sys.modules]
scenario = ccsim.load_scenario({path!r})
result = run(scenario, replications=2, seed=1, engine="simpy")
from ccsim.outputs.report import to_json
json.dumps(to_json(result))
print(json.dumps({{"runner": imported_by_runner,
                  "run": [m for m in {heavy!r} if m in sys.modules],
                  "numba": "numba" in sys.modules}}))
"""


def test_runner_and_a_small_run_skip_scipy_stats_pandas_matplotlib():
    path = str(ROOT / "scenarios" / "teaching_single_queue.yaml")
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, path=path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["runner"] == []
    assert seen["run"] == []


def test_drawing_callers_needs_no_compiler():
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ccsim; from ccsim.models.calls import draw_calls; "
            "s = ccsim.load_scenario(sys.argv[1]); draw_calls(s, 1, 0); "
            "print('numba' in sys.modules)",
            str(ROOT / "scenarios" / "teaching_single_queue.yaml"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
