"""Shift scheduling (`ccsim.planning.scheduling`, `…shift_templates`, `ccsim schedule`).

Coverage is checked independently of the solver: from the written scenario's shifts
and breaks, through the roster the simulator itself uses (`build_roster`), minute by
minute.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ccsim.cli import main
from ccsim.models.roster import build_roster
from ccsim.planning.analytic import erlang_c_agents
from ccsim.planning.scheduling import (
    baseline_schedule,
    erlang_requirement,
    plan_schedule,
    planned_requirement,
    read_requirement,
    shift_problem,
    solve_schedule,
)
from ccsim.planning.shift_templates import load_templates
from ccsim.planning.staffing import required_staff
from ccsim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """\
name: Scheduling test day
seed: 5
replications: 3
horizon: {start: "08:00", end: "18:00", interval: 30min}
service_level: {threshold: 20s, target: 0.8}
call_types:
  calls:
    arrivals:
      volumes: [20, 30, 45, 60, 90, 110, 110, 90, 60, 45, 45, 50,
                60, 45, 30, 20, 20, 15, 15, 15]
    handle_time: {dist: exponential, mean: 4min}
agent_groups:
  team:
    skills: [calls]
    agents: 10
costs: {agent_hour: 20}
"""

TEMPLATES = """\
group: team
templates:
  full_time:
    starts: {from: "08:00", to: "12:00", every: 1h}
    length: 6h
    breaks:
      - {length: 30min, window: [2h, 4h], paid: false}
      - {length: 15min, window: [4.5h, 5.5h]}
    cost: {per_hour: 20}
  part_time:
    starts: ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00"]
    length: 3h
    cost: {per_shift: 66}
"""

#: The test day with a second group that answers the same calls.
TWO_GROUPS = SCENARIO.replace("costs:", "  helpers:\n    skills: [calls]\n    agents: 2\ncosts:")

#: Agents on the floor per interval of the test day: a late-morning peak.
PEAK = np.array([3, 4, 6, 8, 12, 14, 14, 12, 8, 6, 6, 7, 8, 6, 4, 3, 3, 2, 2, 2])


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    scenario = tmp_path / "day.yaml"
    scenario.write_text(SCENARIO)
    templates = tmp_path / "shifts.yaml"
    templates.write_text(TEMPLATES)
    return scenario, templates


def floor_minimum(scenario_path: Path, group: str) -> np.ndarray:
    """Fewest agents of ``group`` on shift and not on break in each interval, minute
    by minute, from the written file's roster (independent of the solver)."""
    scenario = load_scenario(scenario_path)
    h = scenario.horizon
    g = [x.name for x in scenario.agent_groups].index(group)
    minutes = h.start + 30 + 60 * np.arange(int((h.end - h.start) // 60))
    on_floor = np.zeros(minutes.shape, dtype=int)
    for plan in build_roster(scenario, seed=0, replication=0):
        if plan.group == g:
            on = (minutes >= plan.start) & (minutes < plan.end)
            for at, length, _paid in plan.breaks:
                on &= ~((minutes >= at) & (minutes < at + length))
            on_floor += on
    return on_floor.reshape(h.n_intervals, -1).min(axis=1)


def test_schedule_covers_the_requirement_in_every_interval(files, tmp_path):
    scenario, templates = files
    plan = plan_schedule(
        scenario, load_templates(templates), required=PEAK, simulate=False, out_dir=tmp_path / "o"
    )
    written = tmp_path / "o" / "scheduled.yaml"
    floor = floor_minimum(written, "team")
    assert (floor >= PEAK).all(), list(zip(floor, PEAK, strict=True))
    assert plan.schedule.solver["status"] == "optimal"
    # the plan's own coverage column agrees with the independent count
    assert list(plan.coverage_df()["fewest_on_floor"]) == list(floor)
    # every break lies in its template's window, and one agent's breaks never overlap
    tpl = {t.name: t for t in load_templates(templates).templates}
    for s in plan.schedule.shifts:
        rules = tpl[s.template].breaks
        assert len(s.breaks) == len(rules)
        for (at, length, paid), rule in zip(s.breaks, rules, strict=True):
            assert rule.window[0] <= at - s.start and at - s.start + length <= rule.window[1]
            assert (length, paid) == (rule.length, rule.paid)
        ends = [at + length for at, length, _ in s.breaks]
        assert all(e <= nxt for e, (nxt, _, _) in zip(ends, s.breaks[1:], strict=False))


def test_cost_beats_the_full_time_baseline_on_a_peak_day(files):
    scenario_path, templates_path = files
    scenario, templates = load_scenario(scenario_path), load_templates(templates_path)
    problem = shift_problem(scenario, "team", templates, PEAK)
    best = solve_schedule(problem, templates, gap=0.0)
    base = baseline_schedule(problem)
    # the baseline is itself a cover (so the optimum can be no dearer) …
    assert (base.availability(problem) >= problem.need).all()
    assert {s.template for s in base.shifts} == {"full_time"}
    assert (best.availability(problem) >= problem.need).all()
    # … and on a day with a peak, part-timers for the peak make it strictly cheaper
    assert best.cost < base.cost
    assert best.solver["gap"] == pytest.approx(0.0, abs=1e-9)


def test_cost_no_higher_than_the_baseline_on_a_flat_day(files):
    scenario_path, templates_path = files
    scenario, templates = load_scenario(scenario_path), load_templates(templates_path)
    flat = np.full(20, 5)
    problem = shift_problem(scenario, "team", templates, flat)
    best = solve_schedule(problem, templates, gap=0.0)
    base = baseline_schedule(problem)
    assert best.cost <= base.cost + 1e-9
    assert (best.availability(problem) >= problem.need).all()


def test_max_and_min_counts_are_kept(files):
    scenario_path, templates_path = files
    text = TEMPLATES.replace("cost: {per_shift: 66}", "cost: {per_shift: 66}\n    max: 2")
    text = text.replace("cost: {per_hour: 20}", "cost: {per_hour: 20}\n    min: 13")
    templates_path.write_text(text)
    scenario, templates = load_scenario(scenario_path), load_templates(templates_path)
    problem = shift_problem(scenario, "team", templates, PEAK)
    best = solve_schedule(problem, templates, gap=0.0)
    count = {"full_time": 0, "part_time": 0}
    for s in best.shifts:
        count[s.template] += s.agents
    assert count["part_time"] <= 2 and count["full_time"] >= 13
    assert (best.availability(problem) >= problem.need).all()


def test_max_counts_that_cannot_cover_are_a_clear_error(files):
    scenario_path, templates_path = files
    text = TEMPLATES.replace("cost: {per_shift: 66}", "cost: {per_shift: 66}\n    max: 1")
    text = text.replace("cost: {per_hour: 20}", "cost: {per_hour: 20}\n    max: 3")
    templates_path.write_text(text)
    scenario, templates = load_scenario(scenario_path), load_templates(templates_path)
    problem = shift_problem(scenario, "team", templates, PEAK)
    with pytest.raises(ScenarioError, match=r"min/max agents: full_time \(min 0, max 3\)"):
        solve_schedule(problem, templates)


def test_an_interval_no_template_covers_is_named(files):
    scenario_path, templates_path = files
    templates_path.write_text(
        'templates:\n  early:\n    starts: ["08:00"]\n    length: 6h\n'
        "    breaks: [{length: 30min, window: [2h, 3h]}]\n"
    )
    scenario, templates = load_scenario(scenario_path), load_templates(templates_path)
    with pytest.raises(ScenarioError) as err:
        shift_problem(scenario, "team", templates, PEAK)
    message = str(err.value)
    assert message.startswith(f"{templates_path}:1: templates: no shift template covers")
    # 14:00 .. 17:30 lie after the only shift; the break window [10:00, 11:00] has room
    # for two placements, so no interval is on break for every agent
    for start in ("14:00 (8 agents)", "15:30 (3 agents)", "17:30 (2 agents)"):
        assert start in message
    assert "10:00" not in message and "13:30" not in message


def test_an_interval_always_on_break_is_not_coverable(files):
    scenario_path, templates_path = files
    # the break must fill its whole window (10:00-10:30): nobody is on the floor then
    templates_path.write_text(
        'templates:\n  day:\n    starts: ["08:00"]\n    length: 10h\n'
        "    breaks: [{length: 30min, window: [2h, 2.5h]}]\n"
    )
    scenario, templates = load_scenario(scenario_path), load_templates(templates_path)
    with pytest.raises(ScenarioError, match=r"covers the intervals 10:00 \(12 agents\):"):
        shift_problem(scenario, "team", templates, PEAK)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("templates:\n  a:\n    start: [\"08:00\"]\n    length: 4h\n", 3,
         "templates.a.start: unknown key 'start'; did you mean 'starts'?"),
        ("templates:\n  a:\n    starts: [\"08:00\"]\n    length: 4h\n    breaks:\n"
         "      - {length: 15min, window: [1h, 2h]}\n      - {length: 30min, window: [1.5h, 3h]}\n",
         7, "templates.a.breaks[1].window: overlaps the window of break 0 (1h to 2h)"),
        ("templates:\n  a:\n    starts: {from: \"09:00\", to: \"08:00\", every: 30min}\n"
         "    length: 4h\n", 3, "templates.a.starts.to: must not be before from (09:00)"),
        ("templates:\n  a:\n    starts: [\"08:00\"]\n    length: 4h\n"
         "    cost: {per_hour: 20, per_shift: 80}\n", 5, "templates.a.cost: give exactly one of"),
        ("templates:\n  a:\n    starts: [\"08:00\"]\n    length: 4h\n"
         "    breaks: [{length: 30min, window: [3h, 5h]}]\n", 5,
         "templates.a.breaks[0].window[1]: must end within the shift (4h)"),
        ("group: team\n", 1, "templates: is missing; required keys here: templates"),
        ("templates:\n  a:\n    starts: [\"08:00\"]\n    length: 4h\n    min: 3\n    max: 2\n",
         6, "templates.a.max: must be >= 3, got 2"),
    ],
)  # fmt: skip
def test_templates_file_errors_name_file_line_and_field(tmp_path, text, line, message):
    path = tmp_path / "shifts.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_templates(path)
    assert str(err.value).startswith(f"{path}:{line}: {message}")


def test_requirement_csv(files, tmp_path):
    scenario_path, _ = files
    scenario_path.write_text(TWO_GROUPS)
    scenario = load_scenario(scenario_path)
    starts = [f"{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(20)]
    rows = [f"team,{s},{n - 1},{n}" for s, n in zip(starts, PEAK, strict=True)]
    rows += [f"helpers,{s},99,99" for s in starts]
    path = tmp_path / "staffing.csv"
    path.write_text("group,start,erlang_agents,required_agents\n" + "\n".join(rows) + "\n")
    assert list(read_requirement(path, scenario, "team")) == list(PEAK)
    assert list(read_requirement(path, scenario, "helpers")) == [99] * 20
    path.write_text("start,agents\n" + "\n".join(f"{s},2.2" for s in starts) + "\n")
    assert list(read_requirement(path, scenario, "team")) == [3] * 20  # fractions round up
    path.write_text("start,agents\n" + "\n".join(f"{s},2" for s in starts[:-1]) + "\n")
    with pytest.raises(ScenarioError, match=r"lacks 1 interval\(s\) of the scenario, first 17:30"):
        read_requirement(path, scenario, "team")
    path.write_text("group,start,agents\n" + "\n".join(f"helpers,{s},2" for s in starts))
    with pytest.raises(ScenarioError, match=r"staffing.csv: has no rows for group 'team'"):
        read_requirement(path, scenario, "team")


def test_erlang_requirement_is_erlang_c_without_patience_and_less_with_it(files):
    scenario_path, _ = files
    scenario = load_scenario(scenario_path)
    volumes = [20, 30, 45, 60, 90, 110, 110, 90, 60, 45, 45, 50, 60, 45, 30, 20, 20, 15, 15, 15]
    expected = [erlang_c_agents(v / 1800 * 240, 240, 20, 0.8) for v in volumes]
    assert list(erlang_requirement(scenario, "team")) == expected
    scenario_path.write_text(
        SCENARIO.replace(
            "handle_time: {dist: exponential, mean: 4min}",
            "handle_time: {dist: exponential, mean: 4min}\n"
            "    patience: {dist: exponential, mean: 1min}",
        )
    )
    with_patience = erlang_requirement(load_scenario(scenario_path), "team")
    assert (with_patience <= expected).all() and (with_patience < expected).any()


def test_shrinkage_and_absences_gross_up_the_plan(tmp_path):
    path = tmp_path / "s.yaml"
    text = SCENARIO.replace("    agents: 10\n", "    agents: 10\n    shrinkage: 0.2\n")
    path.write_text(text + 'absences:\n  - {group: team, from: "09:00", to: "10:00", agents: 2}\n')
    planned = planned_requirement(load_scenario(path), "team", PEAK)
    gross = np.ceil(PEAK / 0.8 - 1e-9).astype(int)
    assert list(planned) == list(gross + np.array([0, 0, 2, 2] + [0] * 16))
    # scheduled agents (ccsim staff's requirement) are planned as they are
    assert list(planned_requirement(load_scenario(path), "team", PEAK, False)) == list(PEAK)


def test_simulation_repairs_intervals_that_miss(files, tmp_path):
    """A requirement two agents short at the peak misses there in the simulation;
    the next round adds one agent to each interval that missed."""
    scenario_path, templates_path = files
    scenario = load_scenario(scenario_path)
    short = erlang_requirement(scenario, "team")
    short[4:8] -= 2
    plan = plan_schedule(
        scenario_path, load_templates(templates_path), required=short, rounds=2, seed=3
    )
    first = plan.rounds[0].missed
    assert first, "two agents short at the peak should miss the target"
    starts = [f"{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(20)]
    bumped = [starts[i] for i in range(20) if plan.planned[i] > short[i]]
    assert bumped == first
    assert len(plan.rounds) == 2 and plan.result is not None
    cov = plan.coverage_df()
    assert list(cov["meets_target"]) == [
        sl is None or sl >= 0.8
        for sl in (r["service_level"]["mean"] for r in plan.result.summary["by_interval"])
    ]
    assert plan.verified == (not plan.rounds[-1].missed)


def test_cli_writes_a_scenario_that_validates_and_runs(files, tmp_path, capsys):
    scenario_path, templates_path = files
    out = tmp_path / "out"
    code = main(
        [
            "schedule", str(scenario_path), "--templates", str(templates_path),
            "--reps", "2", "--rounds", "1", "--workers", "1", "--out", str(out), "--json",
        ]
    )  # fmt: skip
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["group"] == "team"
    assert doc["requirement"].startswith("simulation-based staffing (ccsim staff: 2 replications")
    staffing = required_staff(load_scenario(scenario_path), replications=2, seed=5)
    assert [r["required"] for r in doc["intervals"]] == list(staffing["required_agents"])
    assert doc["cost"] < doc["baseline"]["cost"]
    assert len(doc["intervals"]) == 20 and doc["solver"]["status"] == "optimal"
    row = doc["intervals"][0]
    assert {"interval", "required", "scheduled_agents", "available_agents", "over_under"} <= set(
        row
    )
    # one definition of coverage: over/under is agents on the floor minus required
    assert row["over_under"] == pytest.approx(row["available_agents"] - row["required"])
    for name in ("scheduled.yaml", "shifts.csv", "coverage.csv", "schedule.json", "coverage.png"):
        assert (out / name).is_file()
    floor = floor_minimum(out / "scheduled.yaml", "team")
    assert (floor >= [row["planned"] for row in doc["intervals"]]).all()
    assert (
        main(["run", str(out / "scheduled.yaml"), "--reps", "1", "--workers", "1", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["scenario"] == "Scheduling test day (scheduled)"


def test_cli_bad_input_is_one_error_line(files, tmp_path, capsys):
    scenario_path, templates_path = files
    templates_path.write_text('templates:\n  a:\n    starts: ["8:00"]\n    length: -4h\n')
    assert main(["schedule", str(scenario_path), "--templates", str(templates_path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {templates_path}:4: templates.a.length: must be > 0, got '-4h'"
    two = tmp_path / "two.yaml"
    two.write_text(TWO_GROUPS)
    templates_path.write_text(TEMPLATES.replace("group: team\n", ""))
    assert main(["schedule", str(two), "--templates", str(templates_path)]) == 2
    assert "say which to schedule with --group NAME" in capsys.readouterr().err


def test_forecast_files_are_found_from_the_written_scenario(tmp_path):
    (tmp_path / "data").mkdir()
    volumes = [20, 30, 45, 60, 90, 110, 110, 90, 60, 45, 45, 50, 60, 45, 30, 20, 20, 15, 15, 15]
    rows = [f"{8 + i // 2:02d}:{30 * (i % 2):02d},{v}" for i, v in enumerate(volumes)]
    (tmp_path / "data" / "f.csv").write_text("start,volume\n" + "\n".join(rows) + "\n")
    text = SCENARIO.split("    arrivals:")[0] + "    arrivals: {file: data/f.csv}\n"
    text += "    handle_time:" + SCENARIO.split("    handle_time:")[1]
    scenario = tmp_path / "day.yaml"
    scenario.write_text(text)
    templates = tmp_path / "shifts.yaml"
    templates.write_text(TEMPLATES)
    plan_schedule(
        scenario, load_templates(templates), simulate=False, out_dir=tmp_path / "deep" / "out"
    )
    loaded = load_scenario(tmp_path / "deep" / "out" / "scheduled.yaml")
    assert loaded.call_types[0].rates == load_scenario(scenario).call_types[0].rates


def test_shipped_example_templates_load():
    templates = load_templates(ROOT / "experiments" / "shifts_service_line.yaml")
    assert [t.name for t in templates.templates] == ["full_time", "part_time"]
    scenario = load_scenario(ROOT / "scenarios" / "service_line_day.yaml")
    problem = shift_problem(scenario, "agents", templates, erlang_requirement(scenario, "agents"))
    assert problem.slot == 900


def test_cli_erlang_requirement_and_requirement_file(files, tmp_path, capsys):
    scenario_path, templates_path = files
    args = ["schedule", str(scenario_path), "--templates", str(templates_path), "--workers", "1"]
    assert main([*args, "--requirement", "erlang", "--rounds", "1", "--reps", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    expected = erlang_requirement(load_scenario(scenario_path), "team")
    assert [r["required"] for r in doc["intervals"]] == list(expected)
    assert doc["requirement"] == "Erlang C / A per interval"
    csv = tmp_path / "staffing.csv"
    starts = [r["interval"] for r in doc["intervals"]]
    csv.write_text(
        "group,start,erlang_agents,required_agents\n"
        + "".join(f"team,{s},1,{n}\n" for s, n in zip(starts, PEAK, strict=True))
    )
    assert main([*args, "--required", str(csv), "--rounds", "1", "--reps", "1"]) == 0
    text = capsys.readouterr().out
    assert f"requirement: from {csv}" in text
    assert "total: " in text and "baseline, full-time shifts placed greedily" in text
    assert "round 1: cost " in text
