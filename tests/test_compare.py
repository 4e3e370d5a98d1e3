"""Paired what-if comparison on common random numbers: `ccsim.compare`, `ccsim compare`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ccsim
from ccsim.batch.comparison import COLUMNS, ComparisonResult, compare_runs, welch_interval
from ccsim.batch.result import RunResult
from ccsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
TEACHING = ROOT / "scenarios" / "teaching_single_queue.yaml"
REPS, SEED = 6, 11


def teaching_with(tmp_path: Path, agents: int, **replace: str) -> Path:
    """The teaching M/M/14 scenario with another number of agents (and other text edits)."""
    text = TEACHING.read_text().replace("agents: 14", f"agents: {agents}")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"team_{agents}_{len(replace)}.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def one_more_agent(tmp_path_factory) -> ComparisonResult:
    tmp = tmp_path_factory.mktemp("one_more")
    base = ccsim.load_scenario(teaching_with(tmp, 13))
    alt = ccsim.load_scenario(teaching_with(tmp, 14))
    return ccsim.compare(base, alt, REPS, SEED)


def per_rep(result: RunResult, kpi: str, interval: int | None = None) -> np.ndarray:
    """A KPI's value in each replication, straight from the per-replication KPIs."""
    if interval is None:
        return np.array([r["summary"][kpi] for r in result.kpis], dtype=float)
    return np.array([r["by_interval"][interval][kpi] for r in result.kpis], dtype=float)


# --------------------------------------------------------------------------- library


def test_a_scenario_against_itself_differs_by_exactly_nothing():
    s = ccsim.load_scenario(TEACHING)
    result = ccsim.compare(s, s, 3, SEED)
    t = result.table
    assert list(t.columns) == list(COLUMNS)
    assert set(t["scope"]) == {"day", "interval", "call_type", "agent_group"}
    # KPIs never defined (no one abandons: no abandon time) have no pairs and no figures.
    defined = t["n"] > 0
    assert defined.sum() > 100 and (t.loc[defined, "n"] == 3).all()
    assert t.loc[~defined, ["diff", "ci_low", "width_ratio"]].isna().all().all()
    t = t[defined]
    assert (t["diff"] == 0).all()
    assert (t["ci_low"] == 0).all() and (t["ci_high"] == 0).all()
    # 0 where the KPI varies over replications, NaN (0/0) where it is constant.
    assert set(t["width_ratio"].dropna()) == {0.0}
    constant = t["unpaired_high"] == t["unpaired_low"]
    assert t.loc[constant, "width_ratio"].isna().all() and constant.any() and (~constant).any()
    assert result.base.seed == result.alt.seed == SEED


def test_one_more_agent_raises_sl_with_a_narrower_paired_interval(one_more_agent):
    sl = one_more_agent.day.loc["service_level"]
    assert sl["ci_low"] > 0  # a real improvement, the whole interval above zero
    assert sl["diff"] == pytest.approx(sl["alt"] - sl["base"])  # defined in every rep
    assert sl["ci_high"] - sl["ci_low"] < sl["unpaired_high"] - sl["unpaired_low"]
    assert 0 < sl["width_ratio"] < 1
    assert sl["n"] == REPS
    # Same callers on both sides: offered calls identical, replication by replication.
    offered = one_more_agent.day.loc["offered"]
    assert offered["diff"] == 0 and offered["ci_low"] == offered["ci_high"] == 0
    assert np.array_equal(
        per_rep(one_more_agent.base, "offered"), per_rep(one_more_agent.alt, "offered")
    )
    # The ASA falls; the table per interval has every interval of the horizon.
    assert one_more_agent.day.loc["asa_s", "diff"] < 0
    sl_by_interval = one_more_agent.intervals.xs("service_level", level="kpi")
    assert list(sl_by_interval.index) == ["09:00", "09:30", "10:00", "10:30"] + [
        "11:00",
        "11:30",
        "12:00",
        "12:30",
    ]


def test_paired_and_unpaired_intervals_match_a_direct_computation(one_more_agent):
    for kpi, interval, row in (
        ("service_level", None, one_more_agent.day.loc["service_level"]),
        ("wait_p90_s", 2, one_more_agent.intervals.loc[("10:00", "wait_p90_s")]),
    ):
        b = per_rep(one_more_agent.base, kpi, interval)
        a = per_rep(one_more_agent.alt, kpi, interval)
        d = a - b
        half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
        assert row["diff"] == pytest.approx(d.mean(), rel=1e-12)
        assert row["ci_low"] == pytest.approx(d.mean() - half, rel=1e-12)
        assert row["ci_high"] == pytest.approx(d.mean() + half, rel=1e-12)
        welch = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
        assert row["unpaired_low"] == pytest.approx(welch.low, rel=1e-10)
        assert row["unpaired_high"] == pytest.approx(welch.high, rel=1e-10)
        assert row["width_ratio"] == pytest.approx(2 * half / (welch.high - welch.low))
        assert row["base"] == pytest.approx(b.mean()) and row["alt"] == pytest.approx(a.mean())


def fake_run(values: list[float | None], constant: float) -> RunResult:
    """A run whose replications have one day KPI ``x`` (values) and one constant ``c``."""
    kpis = [
        {
            "summary": {"x": v, "c": constant},
            "by_interval": [],
            "by_call_type": {},
            "by_agent_group": {},
        }
        for v in values
    ]
    return RunResult(scenario=None, seed=1, replications=len(kpis), kpis=kpis, summary={})


def test_a_pair_counts_only_where_both_sides_are_numbers():
    base = fake_run([1.0, math.nan, 3.0, 4.0, None], constant=2.0)
    alt = fake_run([2.0, 5.0, math.nan, 6.5, 7.0], constant=2.0)
    table = compare_runs(base, alt).set_index("kpi")
    x = table.loc["x"]
    d = np.array([1.0, 2.5])  # replications 0 and 3 only
    half = stats.t.ppf(0.975, 1) * d.std(ddof=1) / math.sqrt(2)
    assert x["n"] == 2
    assert x["diff"] == pytest.approx(1.75)
    assert (x["ci_low"], x["ci_high"]) == pytest.approx((1.75 - half, 1.75 + half))
    # Means and the unpaired interval use every defined value of each side.
    assert x["base"] == pytest.approx(8 / 3) and x["alt"] == pytest.approx(5.125)
    welch = stats.ttest_ind([2.0, 5.0, 6.5, 7.0], [1.0, 3.0, 4.0], equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert (x["unpaired_low"], x["unpaired_high"]) == pytest.approx((ci.low, ci.high))
    # A KPI identical everywhere: zero difference, zero widths, and a 0/0 ratio of NaN.
    c = table.loc["c"]
    assert c["diff"] == 0 and c["ci_low"] == c["ci_high"] == 0
    assert c["unpaired_low"] == c["unpaired_high"] == 0
    assert math.isnan(c["width_ratio"]) and c["n"] == 5


def test_welch_interval_needs_two_values_a_side():
    base = np.array([[1.0, 2.0, 3.0], [1.0, np.nan, np.nan]])
    alt = np.array([[2.0, 2.0, 5.0], [4.0, 5.0, 6.0]])
    b_mean, a_mean, low, high = welch_interval(base, alt)
    assert b_mean == pytest.approx([2.0, 1.0]) and a_mean == pytest.approx([3.0, 5.0])
    assert not math.isnan(low[0]) and low[0] < 1.0 < high[0]
    assert math.isnan(low[1]) and math.isnan(high[1])


def test_runs_that_cannot_be_paired_are_refused(tmp_path):
    s = ccsim.load_scenario(TEACHING)
    shorter = ccsim.load_scenario(teaching_with(tmp_path, 14, **{'end: "13:00"': 'end: "12:00"'}))
    with pytest.raises(ccsim.ScenarioError, match="horizon"):
        ccsim.compare(s, shorter, 2, SEED)
    a = ccsim.run(s, 2, 1)
    with pytest.raises(ValueError, match="same seed"):
        compare_runs(a, ccsim.run(s, 2, 2))


def test_seed_defaults_to_the_base_scenario_and_compare_stays_the_function():
    s = ccsim.load_scenario(TEACHING)  # seed: 7 in the file
    result = ccsim.compare(s, s, 2)
    assert result.base.seed == result.alt.seed == 7 and result.base.replications == 2
    # Importing the module does not turn ccsim.compare into the module.
    assert callable(ccsim.compare) and ccsim.compare.__name__ == "compare"


# --------------------------------------------------------------------------- command line


def test_cli_two_files_prints_the_paired_table(tmp_path, capsys):
    base, alt = teaching_with(tmp_path, 13), teaching_with(tmp_path, 14)
    args = ["compare", str(base), str(alt), "--reps", str(REPS), "--seed", str(SEED)]
    assert main([*args, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    sl_line = next(line for line in out.splitlines() if line.startswith("Service level"))
    assert " pp [+" in sl_line and sl_line.rstrip().endswith("×")
    ratio = float(sl_line.split()[-1].rstrip("×"))
    assert 0 < ratio < 1
    assert "CI width vs unpaired" in out
    assert sum(line[:5] in {"09:00", "12:30"} for line in out.splitlines()) == 2


def test_cli_alt_as_overrides_of_base_is_the_same_as_a_second_file(tmp_path, capsys):
    base, alt = teaching_with(tmp_path, 13), teaching_with(tmp_path, 14)
    common = ["--reps", "3", "--seed", "4", "--json", "--workers", "1"]
    assert main(["compare", str(base), str(alt), *common]) == 0
    from_files = json.loads(capsys.readouterr().out)
    assert main(["compare", str(base), "--set", "agent_groups.team.agents=14", *common]) == 0
    from_set = json.loads(capsys.readouterr().out)
    assert from_set["summary"] == from_files["summary"]
    assert from_set["summary"]["service_level"]["diff"] > 0
    assert "--set agent_groups.team.agents=14" in from_set["alt"]
    # --set applies to ALT when both are given: 14 agents back to 13 is no change at all.
    back = ["--set", "agent_groups.team.agents=13"]
    assert main(["compare", str(base), str(alt), *back, *common]) == 0
    same = json.loads(capsys.readouterr().out)["summary"]["service_level"]
    assert same["diff"] == 0 and same["ci95"] == [0.0, 0.0]


def test_cli_needs_an_alternative_and_names_a_bad_override(capsys):
    assert main(["compare", str(TEACHING)]) == 2
    assert "needs an alternative" in capsys.readouterr().err
    assert main(["compare", str(TEACHING), "--set", "agent_groups.teem.agents=15"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'team'" in err and "--set agent_groups.teem.agents=15" in err


def test_cli_json_is_one_document_that_matches_the_library(tmp_path, capsys, one_more_agent):
    base, alt = teaching_with(tmp_path, 13), teaching_with(tmp_path, 14)
    args = ["compare", str(base), str(alt), "--reps", str(REPS), "--seed", str(SEED), "--json"]
    assert main([*args, "--workers", "1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["seed"] == SEED and doc["replications"] == REPS
    sl = doc["summary"]["service_level"]
    expected = one_more_agent.day.loc["service_level"]
    assert sl["diff"] == pytest.approx(expected["diff"])
    assert sl["ci95"] == pytest.approx([expected["ci_low"], expected["ci_high"]])
    assert sl["n"] == REPS and 0 < sl["width_ratio"] < 1
    assert doc["summary"]["abandon_time_s"]["diff"] is None  # nobody abandons: null, not NaN
    assert [row["start"] for row in doc["by_interval"]][:2] == ["09:00", "09:30"]
    assert "service_level" in doc["by_call_type"]["enquiries"]
    assert "occupancy" in doc["by_agent_group"]["team"]


def test_cli_out_writes_table_json_and_chart(tmp_path, capsys):
    base, alt = teaching_with(tmp_path, 13), teaching_with(tmp_path, 14)
    out = tmp_path / "cmp"
    args = ["compare", str(base), str(alt), "--reps", "3", "--seed", "2", "--out", str(out)]
    assert main([*args, "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "comparison.csv", keep_default_na=False, na_values=[""])
    assert list(table.columns) == list(COLUMNS)
    assert len(table[(table["scope"] == "interval") & (table["kpi"] == "service_level")]) == 8
    assert json.loads((out / "comparison.json").read_text())["seed"] == 2
    png = (out / "comparison_sl.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert str(out / "comparison_sl.png") in printed


def test_cli_mismatched_horizons_exit_2_with_one_line(tmp_path, capsys):
    shorter = teaching_with(tmp_path, 14, **{"interval: 30min": "interval: 60min"})
    code = main(["compare", str(TEACHING), str(shorter), "--reps", "2", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "horizon" in err and "30min" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_bad_scenario_exits_2(tmp_path, capsys):
    bad = teaching_with(tmp_path, 14, **{"exponential": "expo"})
    assert main(["compare", str(TEACHING), str(bad), "--reps", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:") and "handle_time.dist" in err and "'expo'" in err
    assert len(err.strip().splitlines()) == 1
