"""Staffing per interval (ccsim.planning.staffing, `ccsim staff`) and required vs scheduled.

What "equals Erlang" means here: the search decides on the mean SL over the
replications, so it can only reproduce the exact Erlang answer n* where the Monte Carlo
error is smaller than the distance of SL(n*) and SL(n* - 1) from the target. The
stationary scenarios below are chosen so that both distances exceed twice the 95 % CI
half-width the simulation reaches (asserted), i.e. a disagreement would be a > 4
standard-error event; then the answer must be n* exactly (Erlang C) or within one agent
(Erlang A, as the issue allows).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ccsim.batch.parallel import Backend
from ccsim.batch.runner import run
from ccsim.cli import main
from ccsim.i18n import kpi_label
from ccsim.planning.analytic import erlang_a, erlang_c_service_level
from ccsim.planning.staffing import (
    StaffingGoal,
    _blame,
    _with_lines,
    assess,
    erlang_agents,
    find_staffing,
    group_loads,
    parse_target,
    read_requirement,
    required_line,
    type_rates,
    with_required,
)
from ccsim.scenario import ScenarioError, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
ONE = Backend(kind="local", workers=1)  # small runs: no process start-up


def scenario(text: str, **kw):
    return parse_scenario(textwrap.dedent(text), **kw)


# A stationary M/M/n day: 1200 calls/h, AHT 30 s (10 Erlangs), one hour of warm-up.
STATIONARY = """
    name: stationary
    seed: 1
    replications: 10
    horizon: {start: "08:00", end: "13:00", interval: 60min, warmup: 60min}
    service_level: {threshold: 20s, target: 0.8}
    call_types:
      calls:
        arrivals: {rate: 1200/h}
        handle_time: {dist: exponential, mean: 30s}
        PATIENCE
    agent_groups:
      team: {skills: [calls], agents: 12}
"""

# A day with a peak: 30 calls per quarter hour, 270 for three quarters, AHT 10 min.
# 30.3 calls (20.2 Erlangs) make Erlang's 25 agents just meet 80/20 in steady state.
PEAK = """
    name: peak day
    seed: 1
    replications: 10
    horizon: {start: "08:00", end: "10:00", interval: 15min}
    service_level: {threshold: 20s, target: 0.8}
    call_types:
      calls:
        arrivals: {volumes: [30.3, 30.3, 270, 270, 270, 30.3, 30.3, 30.3]}
        handle_time: {dist: exponential, mean: 600s}
    agent_groups:
      team: {skills: [calls], agents: 12}
"""


# --------------------------------------------------------------------------- pieces


def test_parse_target():
    assert parse_target("80/20") == (0.8, 20.0)
    assert parse_target("85%/30s") == (0.85, 30.0)
    assert parse_target("0.9/15") == (0.9, 15.0)
    for bad in ("80", "80/", "abc/20", "100/20"):
        with pytest.raises(ValueError):
            parse_target(bad)


def test_goal_checks_its_values():
    with pytest.raises(ValueError, match="target"):
        StaffingGoal(20, 1.2)
    with pytest.raises(ValueError, match="abandon"):
        StaffingGoal(20, 0.8, max_abandon=0)
    with pytest.raises(ValueError, match="confidence"):
        StaffingGoal(20, 0.8, confidence=1.5)
    s = scenario(STATIONARY.replace("PATIENCE", ""))
    goal = StaffingGoal.of(s, target=0.9, max_abandon=None)
    assert (goal.threshold, goal.target, goal.definition) == (20.0, 0.9, "offered")


def test_erlang_agents_is_the_smallest_meeting_the_goal():
    lam, aht, patience = 1200 / 3600, 30.0, 60.0
    c = erlang_agents(lam, aht, None, StaffingGoal(20, 0.8))
    assert (
        erlang_c_service_level(c, 10, aht, 20) >= 0.8 > erlang_c_service_level(c - 1, 10, aht, 20)
    )
    for goal in (StaffingGoal(20, 0.8), StaffingGoal(20, 0.8, max_abandon=0.05)):
        n = erlang_agents(lam, aht, patience, goal)

        def meets(k: int, goal: StaffingGoal = goal) -> bool:
            a = erlang_a(k, lam, aht, patience)
            ok = a.service_level(20) >= goal.target
            return ok and (goal.max_abandon is None or a.p_abandon <= goal.max_abandon)

        assert meets(n) and not meets(n - 1)
    assert erlang_agents(0.0, aht, None, StaffingGoal(20, 0.8)) == 0


def test_offered_load_counts_ivr_callers_and_surges():
    s = scenario(
        """
        name: ivr
        horizon: {start: "08:00", end: "09:00", interval: 30min}
        ivr:
          arrivals: {rate: 100/h}
          nodes:
            menu: {duration: 10s, branches: {a: 0.5, more: 0.25, self_service: 0.25}}
            more: {duration: 10s, branches: {b: 0.6, menu: 0.4}}
        events:
          - surge: {from: "08:15", to: "08:30", factor: 3, call_types: [a]}
        call_types:
          a: {arrivals: {rate: 60/h}, handle_time: 200s, wrap_up: 20s}
          b: {handle_time: 100s}
        agent_groups:
          both: {skills: {a: 1, b: 2}, agents: 5}
          only_b: {skills: {b: 1}, agents: 2}
        """
    )
    rates = type_rates(s) * 3600
    # menu -> a: 0.5 + 0.25 * 0.4 * (menu -> a) ... : P(a) = 0.5 / (1 - 0.1), P(b) = 0.15 / 0.9
    p_a, p_b = 0.5 / 0.9, 0.15 / 0.9
    # the surge (x3 over half of 08:00) is on a's own arrivals, not on the IVR's
    assert rates[0] == pytest.approx([60 * 2 + 100 * p_a, 60 + 100 * p_a])
    assert rates[1] == pytest.approx([100 * p_b] * 2)
    loads = group_loads(s)
    # a goes to "both" (its only group); b to "only_b" (priority 1 beats "both"'s 2)
    assert loads["both"]["load"] == pytest.approx(rates[0] / 3600 * 220)
    assert loads["only_b"]["load"] == pytest.approx(rates[1] / 3600 * 100)
    assert loads["both"]["erlang_model"] == "C"


def test_blame_sends_the_agent_back_where_the_miss_is():
    assert _blame([1, 2, 5], [2]) == [2]
    assert _blame([1, 5], [2]) == [1]  # the previous interval's backlog
    assert _blame([3, 5], [2]) == [3]
    assert _blame([7], [2]) == [7]
    assert _blame([1, 2], []) == []


# --------------------------------------------------------------------------- against Erlang


def _max_half_width(table: pd.DataFrame, kpi: str) -> float:
    return float(((table[f"{kpi}_ci_high"] - table[f"{kpi}_ci_low"]) / 2).max())


def test_stationary_without_abandonment_equals_erlang_c():
    s = scenario(STATIONARY.replace("PATIENCE", ""))
    found = find_staffing(s, StaffingGoal(20, 0.8), replications=60, seed=3, backend=ONE)
    t = found.table
    n = int(t["erlang_agents"].iloc[0])
    assert n == 12 and (t["erlang_agents"] == n).all()
    # SL(n*) and SL(n* - 1) lie well outside the Monte Carlo error of an interval's SL
    margins = (
        erlang_c_service_level(n, 10, 30, 20) - 0.8,
        0.8 - erlang_c_service_level(n - 1, 10, 30, 20),
    )
    half = _max_half_width(t[t["searched"]], "service_level")
    assert min(margins) > 2 * half, (margins, half)
    assert (t["required_agents"] == t["erlang_agents"]).all()
    assert t["target_met"].all() and found.converged and found.feasible
    # the warm-up interval keeps the Erlang staffing, unsearched
    assert list(t["searched"]) == [False, True, True, True, True]
    assert any("warm-up" in note for note in found.notes)


def test_stationary_with_exponential_abandonment_is_within_one_of_erlang_a():
    s = scenario(STATIONARY.replace("PATIENCE", "patience: {dist: exponential, mean: 60s}"))
    lam, aht, patience = 1200 / 3600, 30.0, 60.0
    for goal in (StaffingGoal(20, 0.8), StaffingGoal(20, 0.8, max_abandon=0.05)):
        found = find_staffing(s, goal, replications=60, seed=4, backend=ONE)
        t = found.table[found.table["searched"]]
        n = erlang_agents(lam, aht, patience, goal)
        assert (t["erlang_agents"] == n).all()
        assert (t["required_agents"] - n).abs().max() <= 1
        assert t["target_met"].all()
        assert found.table["erlang_model"].iloc[0] == "A"
        if goal.max_abandon is None:
            # the SL target binds: its margins beat the Monte Carlo error, so equal
            sl = [erlang_a(k, lam, aht, patience).service_level(20) for k in (n, n - 1)]
            assert min(sl[0] - 0.8, 0.8 - sl[1]) > 2 * _max_half_width(t, "service_level")
            assert (t["required_agents"] == n).all()
        else:
            assert (t["abandon_rate"] <= 0.05).all()


def test_confidence_asks_for_the_share_of_replications():
    s = scenario(STATIONARY.replace("PATIENCE", ""))
    mean = find_staffing(s, StaffingGoal(20, 0.8), replications=40, seed=5, backend=ONE)
    sure = find_staffing(
        s, StaffingGoal(20, 0.8, confidence=0.95), replications=40, seed=5, backend=ONE
    )
    t = sure.table[sure.table["searched"]]
    assert (t["p_target_met"] >= 0.95).all()
    assert (t["required_agents"] >= mean.table[mean.table["searched"]]["required_agents"]).all()
    assert t["required_agents"].sum() > mean.table[mean.table["searched"]]["required_agents"].sum()


def test_an_interval_without_calls_gets_no_agents():
    s = scenario(
        """
        name: gap
        horizon: {start: "08:00", end: "10:00", interval: 30min}
        call_types:
          calls: {arrivals: {volumes: [40, 0, 0, 40]}, handle_time: 120s}
        agent_groups:
          team: {skills: [calls], agents: 3}
        """
    )
    found = find_staffing(s, replications=20, seed=1, backend=ONE)
    t = found.table
    assert list(t["erlang_agents"])[1:3] == [0, 0]
    assert (t["required_agents"][[0, 3]] >= 1).all()
    assert t["target_met"].all()


@pytest.mark.slow
def test_time_varying_day_simulation_meets_where_erlang_misses():
    """After the peak, the agents left are all busy with the peak's long calls:
    Erlang's steady-state answer misses there, the simulated staffing does not."""
    s = scenario(PEAK)
    found = find_staffing(s, replications=200, seed=1)
    t = found.table
    assert found.converged and t["target_met"].all()  # every interval, same replications
    assert t["check_target_met"].all()  # and on the check's fresh numbers
    erl = t["erlang_agents"].to_numpy()[None, :]
    req = t["required_agents"].to_numpy()[None, :]
    # A fresh, larger batch: where does the Erlang staffing miss beyond doubt?
    goal = found.goal
    check = {
        name: assess(run(_with_lines(s, ["team"], line), 400, 77), goal)
        for name, line in (("erlang", erl), ("sim", req))
    }
    e, m = check["erlang"], check["sim"]
    missed = np.flatnonzero(e.sl_ci[:, 1] < goal.target)  # CI entirely below the target
    starts = list(t["start"])
    print(
        "Erlang misses:",
        [
            (starts[i], int(erl[0, i]), round(e.sl[i], 3), tuple(np.round(e.sl_ci[i], 3)))
            for i in missed
        ],
        "simulated:",
        [
            (starts[i], int(req[0, i]), round(m.sl[i], 3), tuple(np.round(m.sl_ci[i], 3)))
            for i in missed
        ],
    )
    assert "09:15" in [starts[i] for i in missed]  # the first quarter after the peak
    for i in missed:
        assert req[0, i] > erl[0, i]
        assert m.sl[i] > e.sl[i]
        assert m.sl_ci[i, 1] >= goal.target  # not below the target beyond doubt
    # the simulated staffing is not just more: the peak's first quarter starts empty
    assert req[0, 2] < erl[0, 2]


# --------------------------------------------------------------------------- several groups


def test_several_groups_meet_the_target_with_a_greedy_search():
    s = load_scenario(ROOT / "scenarios" / "demo_two_types.yaml")
    found = find_staffing(s, replications=10, seed=2, max_iterations=40)
    t = found.table
    assert set(t["group"]) == {"generalists", "specialists"}
    assert found.feasible
    assert t.drop_duplicates("start")["target_met"].all()
    assert (t["required_agents"] >= 0).all()
    assert any("several groups" in note for note in found.notes)
    # the staffed scenario runs and reproduces the table's KPIs (same seed, same reps)
    again = run(found.staffed, 10, 2)
    sl = [r["service_level"]["mean"] for r in again.summary["by_interval"]]
    assert sl == pytest.approx(list(t.drop_duplicates("start")["service_level"]))


# --------------------------------------------------------------------------- required vs scheduled


def test_requirement_is_read_and_checked(tmp_path):
    s = scenario(STATIONARY.replace("PATIENCE", ""))
    path = tmp_path / "req.csv"
    path.write_text(
        "group,start,required_agents\n"
        + "".join(f"team,{h:02d}:00,{10 + h - 8}\n" for h in range(8, 13))
    )
    req = read_requirement(path, s)
    assert list(req["required_agents"]) == [10, 11, 12, 13, 14]
    bad = {
        "start,agents\n08:00,3\n": "lacks 4 interval",
        "start,x\n08:00,3\n": "needs the columns",
        "group,start,agents\nnobody,08:00,3\n": "no agent group 'nobody'",
        "start,agents\n08:10,3\n": "not a planning interval",
        "start,agents\n08:00,-1\n": "must be a number >= 0",
        "start,agents\n08:00,1\n08:00,2\n": "given twice",
    }
    for text, message in bad.items():
        path.write_text(text)
        with pytest.raises(ScenarioError, match=message):
            read_requirement(path, s)


def test_requirement_as_a_spreadsheet_writes_it(tmp_path):
    """A BOM, an `interval` header, blank lines and rows with a trailing comma (Excel's
    CSV) read as the plain file does; an error names the file's own line."""
    s = scenario(STATIONARY.replace("PATIENCE", ""))
    path = tmp_path / "req.csv"
    rows = [f"{h:02d}:00,{h - 4}" + ("," if h % 2 else "") for h in range(8, 13)]
    path.write_text("\ufeffInterval,Agents\n" + "\n\n".join(rows) + "\n", encoding="utf-8")
    req = read_requirement(path, s)
    assert list(req["start"]) == [f"{h:02d}:00" for h in range(8, 13)]
    assert list(req["required_agents"]) == [4, 5, 6, 7, 8]
    assert set(req["group"]) == {""}
    path.write_text("start,agents\n08:00,3\n\n09:00,x,\n")
    with pytest.raises(ScenarioError, match="must be a number >= 0") as err:
        read_requirement(path, s)
    assert err.value.line == 4
    path.write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(ScenarioError, match="cannot read the requirement file"):
        read_requirement(path, s)


def test_with_required_adds_required_and_over_under():
    s = scenario(STATIONARY.replace("PATIENCE", ""))
    result = run(s, 3, 1)
    req = pd.DataFrame(
        {
            "group": "team",
            "start": [f"{h:02d}:00" for h in range(8, 13)],
            "required_agents": [10, 11, 12, 13, 14],
        }
    )
    out = with_required(result, req)
    rows = out.summary["by_interval"]
    assert [r["required"]["mean"] for r in rows] == [10, 11, 12, 13, 14]
    assert [r["over_under"]["mean"] for r in rows] == [2, 1, 0, -1, -2]  # 12 scheduled
    assert required_line(out) == [10, 11, 12, 13, 14]
    assert required_line(result) is None
    assert "required" not in result.summary["by_interval"][0]  # the original is untouched
    group_rows = out.summary["by_agent_group_interval"]["team"]
    assert group_rows[4]["over_under"]["mean"] == -2


def test_cli_staff_then_run_with_the_requirement(tmp_path, capsys):
    """`ccsim staff --out` writes the table, JSON, chart and a staffed.yaml that `ccsim
    run` accepts; `ccsim run --required` shows required vs scheduled."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "forecast.csv").write_text(
        "start,volume\n"
        + "".join(
            f"{h:02d}:{m:02d},{v}\n"
            for (h, m), v in zip([(8, 0), (8, 30), (9, 0), (9, 30)], [40, 80, 80, 40], strict=True)
        )
    )
    (src / "day.yaml").write_text(
        textwrap.dedent(
            """
            name: small day
            seed: 3
            horizon: {start: "08:00", end: "10:00", interval: 30min}
            call_types:
              calls:
                arrivals: {file: forecast.csv}
                handle_time: {dist: exponential, mean: 180s}
                patience: {dist: exponential, mean: 120s}
            agent_groups:
              team:
                skills: [calls]
                shifts: [{start: "08:00", end: "10:00", agents: 5}]
            """
        )
    )
    out = tmp_path / "out"
    args = [
        "staff",
        str(src / "day.yaml"),
        "--target",
        "80/20",
        "--max-abandon",
        "0.1",
        "--reps",
        "12",
        "--workers",
        "1",
        "--set",
        "call_types.calls.handle_time.mean=200s",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Erlang" in text and "08:30" in text and "wrote" in text
    for name in ("staffing.csv", "staffing.json", "staffing.png", "staffed.yaml"):
        assert (out / name).is_file(), name
    table = pd.read_csv(out / "staffing.csv")
    assert {"group", "start", "erlang_agents", "required_agents"} <= set(table.columns)
    staffed = load_scenario(out / "staffed.yaml")  # the forecast file is found from there
    assert staffed.agent_groups[0].agents_per_interval == tuple(table["required_agents"])
    assert staffed.call_types[0].handle_time.mean == 200  # the --set is kept
    doc = json.loads((out / "staffing.json").read_text())
    assert doc["goal"] == {
        "threshold_s": 20.0,
        "target": 0.8,
        "definition": "offered",
        "max_abandon": 0.1,
        "confidence": None,
    }
    row = doc["by_interval"][0]
    assert set(row["service_level"]) == {"mean", "ci95"}

    run_out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                str(out / "staffed.yaml"),
                "--reps",
                "3",
                "--workers",
                "1",
                "--required",
                str(out / "staffing.csv"),
                "--out",
                str(run_out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert kpi_label("required") in printed and kpi_label("over_under") in printed
    intervals = pd.read_csv(run_out / "intervals.csv")
    assert list(intervals["required"]) == list(table["required_agents"])
    # staffed exactly as required: nobody short; an agent whose line ends finishes the
    # call in hand on the floor, so available (and over/under) can exceed it a little
    assert (intervals["over_under"] >= 0).all()
    np.testing.assert_allclose(
        intervals["over_under"], intervals["available_agents"] - intervals["required"], atol=1e-3
    )


def test_cli_errors_are_one_line(tmp_path):
    day = ROOT / "scenarios" / "teaching_single_queue.yaml"
    bad = tmp_path / "req.csv"
    bad.write_text("start,agents\n09:00,3\n")
    proc = subprocess.run(
        [sys.executable, "-m", "ccsim", "run", str(day), "--reps", "1", "--required", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: {bad}: the requirement lacks 7 interval(s) of the scenario, first 09:30"
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "ccsim", "staff", str(day), "--target", "eighty"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "SL/SECONDS" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_staff_json_is_one_document():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ccsim",
            "staff",
            "scenarios/teaching_single_queue.yaml",
            "--reps",
            "10",
            "--seed",
            "2",
            "--workers",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["replications"] == 10 and doc["seed"] == 2
    assert len(doc["by_interval"]) == 8
    first = doc["by_interval"][0]
    for key in (
        "group",
        "start",
        "offered_load",
        "erlang_agents",
        "required_agents",
        "difference",
        "service_level",
        "abandon_rate",
        "p_target_met",
        "target_met",
        "erlang_service_level",
    ):
        assert key in first
    assert doc["agent_hours"]["required"] <= doc["agent_hours"]["erlang"] + 4
