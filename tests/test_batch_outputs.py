"""What batch work sees: --no-charts, the two estimators in the JSON, the CSV and
the report, a stored run read back, and numba's cache outside the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from ccsim.batch.results import load_results
from ccsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
THEORY_C = str(ROOT / "scenarios/theory/erlang_c.yaml")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    args = ["run", THEORY_C, "--reps", "3", "--seed", "4", "--workers", "1"]
    assert main([*args, "--engine", "fast", "--out", str(out), "--no-charts"]) == 0
    return out


def test_no_charts_writes_tables_and_json_but_no_png(run_dir: Path) -> None:
    assert not list(run_dir.glob("*.png"))
    for name in ("summary.csv", "intervals.csv", "result.json", "ratio_of_totals.csv"):
        assert (run_dir / name).stat().st_size > 100


def test_json_names_both_estimators_and_the_theory(run_dir: Path) -> None:
    doc = json.loads((run_dir / "result.json").read_text())
    assert 0 < doc["summary"]["p_wait"]["mean"] < 1
    assert "p_wait" in doc["by_interval"][3] and "p_wait" in doc["by_call_type"]["calls"]
    assert doc["rate_estimator"] == "mean_of_daily_ratios"
    rot = doc["ratio_of_totals"]
    for kpi in (
        "service_level",
        "sl_offered",
        "sl_answered",
        "sl_exclude_short_abandons",
        "sl_short_abandons_as_met",
        "abandon_rate",
        "p_wait",
        "asa_s",
        "occupancy",
    ):
        fig = rot["summary"][kpi]
        assert set(fig) == {"mean", "ci95"} and len(fig["ci95"]) == 2, kpi
    assert len(rot["by_interval"]) == 24 and rot["by_interval"][0]["start"] == "00:00"
    assert doc["theory"]["model"] == "Erlang C"
    assert doc["theory"]["p_wait"] == pytest.approx(0.17413, abs=1e-4)  # Erlang C(14, 10)


def test_ratio_csv_puts_the_estimators_side_by_side(run_dir: Path) -> None:
    table = pd.read_csv(run_dir / "ratio_of_totals.csv", keep_default_na=False)
    assert list(table.columns) == [
        "scope", "name", "interval", "kpi", "estimator", "mean", "ci_low", "ci_high",
    ]  # fmt: skip
    day = table[(table.scope == "day") & (table.kpi == "p_wait")]
    assert set(day.estimator) == {"ratio_of_totals", "mean_of_daily_ratios"}
    doc = json.loads((run_dir / "result.json").read_text())
    by = dict(zip(day.estimator, day["mean"], strict=True))
    # the CSV gives 4 significant digits (result.json keeps every digit)
    assert by["mean_of_daily_ratios"] == pytest.approx(doc["summary"]["p_wait"]["mean"], rel=5e-4)
    assert by["ratio_of_totals"] == pytest.approx(
        doc["ratio_of_totals"]["summary"]["p_wait"]["mean"], rel=5e-4
    )
    assert set(table.scope) == {
        "day", "interval", "call_type", "agent_group", "agent_group_interval",
    }  # fmt: skip


def test_stored_run_reads_back_and_reports_both(run_dir: Path, capsys) -> None:
    from ccsim.outputs.report import day_table

    result = load_results(run_dir)
    assert result.ratio_of_totals["summary"]["p_wait"]["mean"] > 0
    text = day_table(result)
    assert "Ratio of totals" in text and "Erlang C, exact steady state" in text
    assert "Waited (P(wait > 0))" in text


def test_numba_caches_in_the_user_cache_folder(tmp_path: Path) -> None:
    # A fresh process without NUMBA_CACHE_DIR: ccsim's kernels point numba at the
    # user's cache folder (XDG_CACHE_HOME here); a cached function lands there.
    module = tmp_path / "pkg" / "kern.py"
    module.parent.mkdir()
    module.write_text(
        textwrap.dedent(
            """
            import ccsim.kernels  # noqa: F401  (sets the cache folder first)
            from numba import njit

            @njit(cache=True)
            def twice(x):
                return 2 * x
            """
        )
    )
    code = "import sys; sys.path.insert(0, sys.argv[1]); import kern; print(kern.twice(21))"
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    os.chmod(module.parent, 0o555)  # the "installed package" is read-only
    try:
        r = subprocess.run(
            [sys.executable, "-c", code, str(module.parent)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    finally:
        os.chmod(module.parent, 0o755)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "42"
    cached = list((tmp_path / "cache" / "ccsim" / "numba").rglob("*.nbi"))
    assert cached, "no numba index in the user cache folder"
    assert not list(module.parent.rglob("*.nbi"))


def test_a_users_numba_cache_dir_wins(tmp_path: Path) -> None:
    code = "import ccsim.kernels as k, numba; print(k.numba_cache_dir(), numba.config.CACHE_DIR)"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "mine"))
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(tmp_path / "mine")] * 2
