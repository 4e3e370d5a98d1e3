"""The planner's Erlang calculator (ccsim.planning.erlang, `ccsim erlang`).

Oracles: published Erlang tables, closed forms worked by hand, and ccsim.planning.analytic
(whose own tests check it against the Markov chain)."""

from __future__ import annotations

import json
import math

import pytest

from ccsim.cli import main
from ccsim.planning import analytic
from ccsim.planning.erlang import ErlangGoal, agents_needed, erlang_figures, scheduled_agents

# Published Erlang C values. Call Centre Helper, "Erlang C Formula – Made Simple With an
# Easy Worked Example" (the widely reproduced worked example: 100 calls in 30 minutes,
# AHT 180 s, so 10 Erlangs): the probability a call waits, Pw, for 11 to 14 agents.
CALL_CENTRE_HELPER_PW = {11: 0.6821, 12: 0.4494, 13: 0.2853, 14: 0.1741}

# Closed forms worked by hand: M/M/1 waits with probability rho; M/M/2 with
# a^2 / (2 + a) (a = offered Erlangs); M/M/3 with a = 2: 4/9.
HAND_WORKED_PW = [
    (1, 0.3, 0.3),
    (1, 0.75, 0.75),
    (2, 0.5, 0.25 / 2.5),
    (2, 1.0, 1.0 / 3.0),
    (2, 1.5, 2.25 / 3.5),
    (3, 2.0, 4.0 / 9.0),
]

# Published Erlang B table (traffic in Erlangs carried at 1 % blocking, the table
# printed in every teletraffic text, e.g. the ITU Teletraffic Engineering Handbook):
# n agents/trunks -> the largest load with B <= 1 %.
ERLANG_B_1PCT = {5: 1.36, 10: 4.46, 20: 12.03}


@pytest.mark.parametrize("agents", sorted(CALL_CENTRE_HELPER_PW))
def test_p_wait_agrees_with_the_published_worked_example(agents):
    lam = 100 / 1800
    f = erlang_figures("C", agents, lam, 180.0, threshold=20.0)
    assert f.p_wait == pytest.approx(CALL_CENTRE_HELPER_PW[agents], abs=5e-5)
    assert f.load == pytest.approx(10.0)
    assert f.occupancy == pytest.approx(10.0 / agents)


@pytest.mark.parametrize(("n", "load", "want"), HAND_WORKED_PW)
def test_p_wait_agrees_with_closed_forms(n, load, want):
    f = erlang_figures("C", n, load / 100.0, 100.0)
    assert f.p_wait == pytest.approx(want, rel=1e-12)
    # ASA = Pw * AHT / (n - a): the mean of the exponential overflow wait
    assert f.asa_s == pytest.approx(want * 100.0 / (n - load), rel=1e-12)


@pytest.mark.parametrize(("n", "capacity"), sorted(ERLANG_B_1PCT.items()))
def test_erlang_b_agrees_with_the_published_one_percent_table(n, capacity):
    # the table's load (rounded to 0.01) blocks just under 1 %, 0.01 more just over
    assert erlang_figures("B", n, capacity / 60, 60.0).p_block <= 0.01 + 2e-4
    assert erlang_figures("B", n, (capacity + 0.02) / 60, 60.0).p_block > 0.01
    goal = ErlangGoal(target=None, max_block=0.01)
    assert agents_needed("B", (capacity - 0.02) / 60, 60.0, goal) == n


@pytest.mark.parametrize("load", [0.5, 3.0, 10.0, 48.0, 200.0])
def test_erlang_c_agrees_with_ccsim_analytic(load):
    aht = 240.0
    lam = load / aht
    n = analytic.erlang_c_agents(load, aht, 15.0, 0.8)
    assert agents_needed("C", lam, aht, ErlangGoal(target=0.8, threshold=15.0)) == n
    f = erlang_figures("C", n, lam, aht, threshold=15.0)
    assert f.service_level == pytest.approx(analytic.erlang_c_service_level(n, load, aht, 15.0))
    assert f.asa_s == pytest.approx(analytic.erlang_c_asa(n, load, aht))
    assert f.p_wait == pytest.approx(analytic.erlang_c(n, load))


def test_erlang_a_agrees_with_ccsim_analytic_and_staffing():
    from ccsim.planning.staffing import StaffingGoal, erlang_agents

    lam, aht, patience = 0.08, 240.0, 180.0
    a = analytic.erlang_a(20, lam, aht, patience)
    f = erlang_figures("A", 20, lam, aht, threshold=20.0, patience=patience)
    assert (f.p_wait, f.abandon_rate, f.asa_s, f.occupancy) == pytest.approx(
        (a.p_wait, a.p_abandon, a.asa, a.occupancy)
    )
    assert f.service_level == pytest.approx(a.service_level(20.0))
    goal = StaffingGoal(threshold=20.0, target=0.8, max_abandon=0.03)
    want = erlang_agents(lam, aht, patience, goal)
    got = agents_needed("A", lam, aht, ErlangGoal(0.8, 20.0, max_abandon=0.03), patience)
    assert got == want


@pytest.mark.parametrize("shrinkage", [0.1, 0.25, 0.3, 0.35])
@pytest.mark.parametrize("model", ["C", "A"])
def test_shrinkage_schedules_floor_over_one_minus_shrinkage(shrinkage, model):
    lam, aht = 0.1, 300.0
    patience = 200.0 if model == "A" else None
    floor = agents_needed(model, lam, aht, ErlangGoal(0.8, 20.0), patience)
    goal = ErlangGoal(0.8, 20.0, shrinkage=shrinkage)
    assert agents_needed(model, lam, aht, goal, patience) == floor  # the floor is the floor
    assert scheduled_agents(floor, shrinkage) == math.ceil(floor / (1 - shrinkage) - 1e-9)
    assert scheduled_agents(floor, shrinkage) * (1 - shrinkage) >= floor - 1e-9
    assert (scheduled_agents(floor, shrinkage) - 1) * (1 - shrinkage) < floor


def test_goals_bind_one_at_a_time():
    lam, aht = 0.1, 300.0  # 30 Erlangs
    sl_only = agents_needed("C", lam, aht, ErlangGoal(0.8, 20.0))
    capped = agents_needed("C", lam, aht, ErlangGoal(0.8, 20.0, max_occupancy=0.8))
    assert capped == max(sl_only, math.ceil(30 / 0.8))
    asa = agents_needed("C", lam, aht, ErlangGoal(None, max_asa=5.0))
    assert erlang_figures("C", asa, lam, aht).asa_s <= 5.0
    assert erlang_figures("C", asa - 1, lam, aht).asa_s > 5.0
    assert agents_needed("C", 0.0, aht, ErlangGoal()) == 0


def test_cli_erlang_json_for_given_agents(capsys):
    args = ["erlang", "--calls", "100", "--interval", "30min", "--aht", "180s", "--agents"]
    assert main([*args, "11-14", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "C"
    assert [r["agents"] for r in doc["rows"]] == [11, 12, 13, 14]
    assert [round(r["p_wait"], 4) for r in doc["rows"]] == list(CALL_CENTRE_HELPER_PW.values())


def test_cli_erlang_per_interval_of_a_forecast(tmp_path, capsys):
    forecast = tmp_path / "forecast.csv"
    forecast.write_text("start,volume,aht\n08:00,40,300s\n08:15,80,\n08:30,0,\n")
    code = main(
        ["erlang", "--forecast", str(forecast), "--aht", "240s", "--shrinkage", "0.3", "--json"]
    )
    assert code == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["interval"] for r in rows] == ["08:00", "08:15", "08:30"]
    assert [r["aht_s"] for r in rows] == [300.0, 240.0, 240.0]
    assert all(r["interval_s"] == 900.0 for r in rows)  # the rows' spacing
    lam = 80 / 900
    want = agents_needed("C", lam, 240.0, ErlangGoal(0.8, 20.0))
    assert rows[1]["agents"] == want
    assert rows[1]["scheduled_agents"] == math.ceil(want / 0.7 - 1e-9)
    assert rows[2]["agents"] == 0
    assert main(["erlang", "--forecast", str(forecast), "--aht", "240s"]) == 0
    assert "08:15" in capsys.readouterr().out


def test_cli_erlang_refuses_what_it_cannot_answer(tmp_path, capsys):
    assert main(["erlang", "--calls", "100", "--aht", "180s", "--model", "A"]) == 2
    assert "--patience" in capsys.readouterr().err
    assert main(["erlang", "--aht", "180s"]) == 2
    assert "--calls" in capsys.readouterr().err
    bad = tmp_path / "f.csv"
    bad.write_text("start,volume\n08:00,40\n")
    assert main(["erlang", "--forecast", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "f.csv:2:" in err and "aht" in err
