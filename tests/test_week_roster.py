"""Weekly rosters (issue 18, part 2): ccsim.planning.week_* and `ccsim schedule` on a week.

Oracles: tiny weeks whose optimum is worked out by hand (in each test's docstring),
the weekly rules checked on the solver's roster from its shifts alone (rest,
consecutive days, weekly hours, pattern, coverage slot by slot), and the CLI on the
shipped example.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from ccsim.planning.shift_templates import load_templates, templates_from_dict
from ccsim.planning.week_baseline import day_by_day_baseline
from ccsim.planning.week_plan import roster_week_data
from ccsim.planning.week_problem import read_week_requirement, week_problem
from ccsim.planning.week_roster import solve_week
from ccsim.scenario import ScenarioError
from ccsim.scenario.week import week_from_dict
from ccsim.units import DAY

ROOT = Path(__file__).resolve().parents[1]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _week(days=DAYS, start="08:00", end="16:00", **horizon):
    data = {
        "name": "tiny",
        "horizon": {"start": start, "end": end, "interval": "1h", "days": list(days), **horizon},
        "service_level": {"threshold": "20s", "target": 0.8},
        "call_types": {
            "q": {"arrivals": {"rate": "10/h"},
                  "handle_time": {"dist": "exponential", "mean": "180s"}}
        },
        "agent_groups": {"team": {"skills": ["q"], "agents": 1}},
    }  # fmt: skip
    return week_from_dict(data), data


def _templates(contract: dict, templates: dict | None = None, **week):
    templates = templates or {
        "day": {"starts": ["08:00"], "length": "8h", "cost": {"per_shift": 100}}
    }
    return templates_from_dict(
        {"templates": templates, "week": {"contracts": {"c": contract}, **week}}
    )


def _solve(week, templates, required):
    problem = week_problem(week, "team", templates, required, on_floor=False)
    return problem, solve_week(problem)


def _const(week, n=1):
    return [
        None if d.scenario is None else np.full(d.scenario.horizon.n_intervals, n)
        for d in week.days
    ]


# ----------------------------------------------------------------- hand-worked optima


def test_constant_one_agent_with_5_2_patterns_needs_two_agents_ten_shifts():
    """1 agent every day, one 8 h shift (100): a 5/2 agent works exactly 5 days, so
    7 days need ceil(7/5) = 2 agents, who work 10 shifts (1,000); two phases whose
    days off differ cover every day, so 1,000 is reached."""
    week, _ = _week()
    _, roster = _solve(
        week, _templates({"templates": ["day"], "pattern": "5/2", "max": 5}), _const(week)
    )
    assert roster.solver["status"] == "optimal"
    assert roster.cost == pytest.approx(1000)
    assert len(roster.agents) == 2 and len(roster.shifts) == 10
    assert sorted({s.day for s in roster.shifts}) == sorted(DAYS)
    for agent in roster.agents:
        mine = [DAYS.index(s.day) for s in roster.shifts if s.agent == agent]
        off = sorted(set(range(7)) - set(mine))
        assert len(off) == 2 and (off[1] - off[0]) % 7 in (1, 6)  # two days off in a row


def test_without_a_pattern_five_days_at_most_needs_seven_shifts_two_agents():
    """The same week with at most 5 working days and no pattern: 7 shifts (700),
    still 2 agents (one can work only 5 of the 7 days)."""
    week, _ = _week()
    _, roster = _solve(
        week, _templates({"templates": ["day"], "days": {"max": 5}, "max": 5}), _const(week)
    )
    assert roster.cost == pytest.approx(700)
    assert len(roster.agents) == 2
    assert max(sum(s.agent == a for s in roster.shifts) for a in roster.agents) <= 5


def test_weekly_minimum_hours_make_a_used_part_timer_work_three_days():
    """1 agent needed on Monday only, 4 h shifts, weekly_hours min 12: the cheapest
    roster has one agent with 3 shifts (an agent who works works >= 12 h)."""
    week, _ = _week(end="12:00")
    req = [np.full(4, 1 if i == 0 else 0) for i in range(7)]
    t = _templates(
        {"templates": ["short"], "weekly_hours": {"min": 12, "max": 20}, "max": 3},
        {"short": {"starts": ["08:00"], "length": "4h", "cost": {"per_shift": 50}}},
    )
    _, roster = _solve(week, t, req)
    assert roster.cost == pytest.approx(150) and len(roster.shifts) == 3
    assert {s.day for s in roster.shifts} >= {"mon"}


def _rest_case(rest: str, most: int):
    """Mon needs 1 agent 20:00-21:00, Tue 1 agent 08:00-09:00; shifts early
    08:00-12:00 and late 17:00-21:00: between them 11 h."""
    week, _ = _week(days=["mon", "tue"], start="08:00", end="21:00")
    req = [np.zeros(13, dtype=int), np.zeros(13, dtype=int)]
    req[0][12], req[1][0] = 1, 1
    t = _templates(
        {"templates": ["early", "late"], "min_rest": rest, "max": most},
        {"early": {"starts": ["08:00"], "length": "4h", "cost": {"per_shift": 1}},
         "late": {"starts": ["17:00"], "length": "4h", "cost": {"per_shift": 1}}},
    )  # fmt: skip
    return _solve(week, t, req)


def test_rest_of_11h_lets_one_agent_work_late_then_early():
    _, roster = _rest_case("11h", 1)
    assert [(s.day, s.template) for s in roster.shifts] == [("mon", "late"), ("tue", "early")]


def test_rest_of_12h_needs_two_agents():
    """Late (ends 21:00) then early (08:00) is 11 h of rest: with 12 h required one
    agent cannot do both, so one agent is infeasible and two are needed."""
    with pytest.raises(ScenarioError, match="no weekly roster"):
        _rest_case("12h", 1)
    _, roster = _rest_case("12h", 2)
    assert len(roster.agents) == 2


def test_max_consecutive_days():
    """1 agent needed Mon-Wed, at most 2 days in a row: one agent cannot, two can
    (3 shifts)."""
    week, _ = _week(days=["mon", "tue", "wed"])
    with pytest.raises(ScenarioError, match="no weekly roster"):
        _solve(
            week,
            _templates({"templates": ["day"], "max_consecutive_days": 2, "max": 1}),
            _const(week),
        )
    _, roster = _solve(
        week, _templates({"templates": ["day"], "max_consecutive_days": 2, "max": 2}), _const(week)
    )
    assert len(roster.shifts) == 3 and len(roster.agents) == 2


# ----------------------------------------------------------------- properties of a larger roster


def _mixed():
    week, _ = _week(start="07:00", end="21:00", open={"sun": "closed"})
    rng = np.random.default_rng(4)
    req = [None if d.scenario is None else rng.integers(1, 5, 14) for d in week.days]
    t = templates_from_dict(
        yaml.safe_load("""
templates:
  long: {starts: {from: "07:00", to: "12:00", every: 1h}, length: 9h,
         breaks: [{length: 1h, window: [3h, 6h], paid: false}], cost: {per_hour: 20}}
  short: {starts: {from: "07:00", to: "17:00", every: 2h}, length: 4h, cost: {per_hour: 22}}
  six: {starts: ["08:00", "15:00"], length: 6h, cost: {per_hour: 21}}
week:
  min_rest: 13h
  contracts:
    full: {templates: [long], pattern: 5/2, weekly_hours: {min: 32, max: 40}, max: 8}
    part: {templates: [short, six], days: {min: 2, max: 4}, weekly_hours: {min: 10, max: 18},
           max_consecutive_days: 3, max: 10}
""")
    )
    return week, t, req


def test_roster_obeys_every_weekly_rule_and_covers_every_slot():
    week, t, req = _mixed()
    problem, roster = _solve(week, t, req)
    assert roster.solver["status"] in ("optimal", "within gap")
    contracts = {c.name: c for c in t.week.contracts}
    for agent in roster.agents:
        mine = sorted(
            (s for s in roster.shifts if s.agent == agent), key=lambda s: DAYS.index(s.day)
        )
        c = contracts[mine[0].contract]
        days = [DAYS.index(s.day) for s in mine]
        assert len(set(days)) == len(days)  # one shift a day
        hours = sum(s.paid_hours for s in mine)
        assert c.weekly_hours[0] - 1e-9 <= hours <= c.weekly_hours[1] + 1e-9
        if c.days[1] is not None:
            assert c.days[0] <= len(days) <= c.days[1]
        run = best = 0
        for d in range(7):
            run = run + 1 if d in days else 0
            best = max(best, run)
        assert c.max_consecutive_days is None or best <= c.max_consecutive_days
        if c.pattern is not None:  # days off of a 5/2 phase (Sunday is closed)
            assert any(
                all((d + r) % 7 < 5 or d == 6 for d in days)
                and all(d in days for d in range(6) if (d + r) % 7 < 5)
                for r in range(7)
            )
        for a, b in zip(mine, mine[1:], strict=False):
            gap = (DAYS.index(b.day) - DAYS.index(a.day)) * DAY + b.start - a.end
            assert gap >= c.min_rest - 1e-6, (agent, a, b)
    for dp in problem.open_days:  # coverage recomputed from the roster, minute by minute
        for i, need in enumerate(req[dp.index]):
            for minute in range(60):
                t_ = dp.day.scenario.horizon.start + i * 3600 + minute * 60 + 30
                on = sum(
                    s.start <= t_ < s.end and not any(at <= t_ < at + ln for at, ln, _ in s.breaks)
                    for s in roster.shifts if s.day == dp.label
                )  # fmt: skip
                assert on >= need, (dp.label, i, minute)


def test_baseline_is_a_valid_roster_never_cheaper_than_the_optimum():
    week, t, req = _mixed()
    problem, roster = _solve(week, t, req)
    base, note = day_by_day_baseline(problem)
    assert base is not None, note
    assert base.cost >= roster.cost - 1e-6
    per_day = {(s.agent, s.day) for s in base.shifts}
    assert len(per_day) == len(base.shifts)


def test_roster_is_written_as_a_week_scenario_with_days():
    week, data = _week()
    _, roster = _solve(
        week, _templates({"templates": ["day"], "pattern": "5/2", "max": 5}), _const(week)
    )
    written = roster_week_data(data, "team", roster, DAYS)
    again = week_from_dict(written)
    for day in again.days:
        shifts = day.scenario.agent_groups[0].shifts
        assert sum(s.agents for s in shifts) == sum(s.day == day.label for s in roster.shifts)


# ----------------------------------------------------------------- bad weekly inputs


def _file(tmp_path, text: str) -> Path:
    path = tmp_path / "shifts.yaml"
    path.write_text(text)
    return path


TEMPLATES = """templates:
  day: {starts: ["08:00"], length: 8h}
week:
  contracts:
    c:
      templates: [day]
"""


def test_error_pattern_longer_than_the_week(tmp_path):
    week, _ = _week(days=DAYS[:5])
    t = load_templates(_file(tmp_path, TEMPLATES + "      pattern: 5/2\n      max: 3\n"))
    with pytest.raises(ScenarioError) as err:
        week_problem(week, "team", t, _const(week), False)
    text = str(err.value)
    assert (
        "shifts.yaml:7: week.contracts.c.pattern:" in text
        and "longer than the week (5 days)" in text
    )
    assert "\n" not in text


def test_error_weekly_hours_that_cannot_be_met(tmp_path):
    week, _ = _week()
    body = TEMPLATES + "      pattern: 5/2\n      weekly_hours: {min: 45}\n      max: 3\n"
    t = load_templates(_file(tmp_path, body))
    with pytest.raises(ScenarioError) as err:
        week_problem(week, "team", t, _const(week), False)
    text = str(err.value)
    assert "week.contracts.c.weekly_hours.min: cannot be met" in text and "40 hours" in text
    assert text.startswith(str(tmp_path / "shifts.yaml") + ":8:")


def test_error_bad_pattern_text(tmp_path):
    with pytest.raises(ScenarioError, match=r"week.contracts.c.pattern: must be \"ON/OFF\""):
        load_templates(_file(tmp_path, TEMPLATES + "      pattern: five\n      max: 3\n"))


def test_error_closed_day_with_required_staffing(tmp_path):
    week, _ = _week(open={"sun": "closed"})
    csv = tmp_path / "required.csv"
    csv.write_text("day,start,required_agents\nmon,08:00,2\nsun,09:00,3\n")
    with pytest.raises(ScenarioError) as err:
        read_week_requirement(csv, week)
    assert str(err.value) == (
        f"{csv}:3: day: sun is closed (horizon.open) but requires 3 agents at 09:00;"
        " allowed on a closed day: 0 or no row"
    )
    csv.write_text("day,start,required_agents\nmon,08:00,2\nsun,09:00,0\n")
    assert read_week_requirement(csv, week)[0][0] == 2


# ----------------------------------------------------------------- the command


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ccsim", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_cli_bad_week_input_is_one_line(tmp_path):
    week_file = tmp_path / "week.yaml"
    _, data = _week(days=DAYS[:5])
    week_file.write_text(yaml.safe_dump(data))
    t = _file(tmp_path, TEMPLATES + "      pattern: 5/2\n      max: 3\n")
    out = _cli("schedule", str(week_file), "--templates", str(t))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "week.contracts.c.pattern" in out.stderr


@pytest.mark.slow
def test_cli_on_the_shipped_example(tmp_path):
    out = _cli(
        "schedule", "scenarios/week_roster_service.yaml",
        "--templates", "experiments/roster_service_week.yaml",
        "--reps", "2", "--rounds", "1", "--workers", "1", "--time-limit", "120",
        "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["solver"]["status"] in ("optimal", "within gap", "time or iteration limit")
    assert doc["baseline"] is None or doc["baseline"]["cost"] >= doc["cost"] - 1e-6
    roster = (tmp_path / "roster.csv").read_text(encoding="utf-8-sig").splitlines()
    assert roster[0].startswith("agent,contract,day,template,start,end,breaks")
    assert len(roster) - 1 == doc["shifts"]
    run = _cli("run", str(tmp_path / "scheduled.yaml"), "--reps", "2", "--workers", "1", "--json")
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["by_day"]) == 7


def test_cli_tiny_week_writes_a_roster_the_week_scenario_reads(tmp_path):
    """1 agent needed 08:00-16:00 on six days (Sunday closed), 8 h shifts, 5/2:
    the program needs 2 agents; the written scenario runs as a week."""
    week_file = tmp_path / "week.yaml"
    _, data = _week(open={"sun": "closed"})
    week_file.write_text(yaml.safe_dump(data))
    t = _file(
        tmp_path,
        TEMPLATES.replace('["08:00"], length: 8h', '["08:00"], length: 8h, cost: {per_shift: 100}')
        + "      pattern: 5/2\n      max: 4\n",
    )
    req = tmp_path / "required.csv"
    req.write_text(
        "day,start,required_agents\n"
        + "".join(f"{d},{h:02d}:00,1\n" for d in DAYS[:6] for h in range(8, 16))
    )
    out = _cli(
        "schedule", str(week_file), "--templates", str(t), "--required", str(req), "--reps", "2",
        "--rounds", "1", "--workers", "1", "--out", str(tmp_path / "o"), "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["solver"]["status"] == "optimal" and doc["agents"] == 2
    assert doc["cost"] == pytest.approx(100 * doc["shifts"])
    assert {r["day"] for r in doc["roster"]} == set(DAYS[:6])
    grid = (tmp_path / "o" / "roster_week.csv").read_text(encoding="utf-8-sig").splitlines()
    assert grid[0].startswith("agent,contract,mon,tue,wed,thu,fri,sat,sun,days,paid_hours,cost")
    assert all(line.split(",")[8] == "off" for line in grid[1:])  # Sunday is closed
    run = _cli(
        "run", str(tmp_path / "o" / "scheduled.yaml"), "--reps", "1", "--workers", "1", "--json"
    )
    assert run.returncode == 0, run.stderr
