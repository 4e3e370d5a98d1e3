"""Weeks in the other commands (issue 18): compare, sweep, --set, --precision.

Oracles: common random numbers make a week compared with an unchanged copy of
itself differ by exactly 0; day ``d`` of a week comparison is the one-day
comparison of that day's scenario with the day's seed ``day_seed(S, d)`` (the
stream layout of ccsim.batch.week); the week's difference in hours is the sum of
the days'; a sweep point is the week run with that change; a precision run stops
at a half-width within its target and is the plain run with its final count.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import ccsim
from ccsim.batch.runner import Precision
from ccsim.batch.week import day_seed, run_week, run_week_to_precision
from ccsim.batch.week_whatif import compare_weeks, week_with_changes
from ccsim.cli import main
from ccsim.scenario.overrides import overrides_from
from ccsim.scenario.yamltree import load_yaml

ROOT = Path(__file__).resolve().parents[1]
DAY_FILE = ROOT / "scenarios" / "teaching_single_queue.yaml"


@pytest.fixture(scope="module")
def week_file(tmp_path_factory) -> Path:
    data, _ = load_yaml(DAY_FILE.read_text())
    data["horizon"]["days"] = ["mon", "tue", "wed"]
    data["horizon"]["open"] = {"tue": "closed"}
    data["costs"] = {"agent_hour": 20.0}
    path = tmp_path_factory.mktemp("wk") / "week.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_week_compared_with_itself_differs_by_exactly_zero(week_file):
    base = week_with_changes(week_file)
    same = week_with_changes(week_file, overrides_from(["agent_groups.team.agents=14"]))
    result = compare_weeks(base, same, 3, 9, engine="simpy")
    assert result.days == ["mon", "wed"]
    for scope in [result.diff["week"], *result.diff["by_day"].values()]:
        assert scope["service_level"]["mean"] == 0.0
        assert scope["service_level"]["ci95"] == [0.0, 0.0]


def test_each_day_of_a_week_comparison_is_that_days_own_comparison(week_file):
    base = week_with_changes(week_file)
    alt = week_with_changes(week_file, overrides_from(["agent_groups.team.agents=15"]))
    seed, reps = 9, 3
    result = compare_weeks(base, alt, reps, seed, engine="simpy")
    for d, (day, alt_day) in enumerate(zip(base.days, alt.days, strict=True)):
        if not day.is_open:
            continue
        alone = ccsim.compare(
            day.scenario, alt_day.scenario, reps, day_seed(seed, d), engine="simpy"
        )
        want = alone.day.loc["service_level", "diff"]
        assert result.diff["by_day"][day.label]["service_level"]["mean"] == pytest.approx(
            want, abs=1e-12
        )
    hours = [result.diff["by_day"][d]["paid_hours"]["mean"] for d in result.days]
    assert result.diff["week"]["paid_hours"]["mean"] == pytest.approx(sum(hours))
    assert result.diff["week"]["service_level"]["mean"] > 0  # one agent more


def test_compare_cli_on_a_week_json_and_chinese(week_file, capsys):
    args = ["compare", str(week_file), "--set", "agent_groups.team.agents=15"]
    args += ["--reps", "2", "--workers", "1", "--engine", "simpy"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [e["day"] for e in doc["by_day"]] == ["mon", "wed"]
    assert doc["alt"].endswith("(--set agent_groups.team.agents=15)")
    assert main([*args, "--lang", "zh"]) == 0
    from tests.test_chinese_everywhere import assert_chinese

    assert_chinese(capsys.readouterr().out, {"week", "yaml", "Teaching", "example", "one",
                                             "queue", "M", "team"})  # fmt: skip
    assert main(["compare", str(week_file), str(DAY_FILE)]) == 2


def test_a_sweep_point_is_the_week_run_with_that_change(week_file, tmp_path, capsys):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        yaml.safe_dump({"scenario": str(week_file), "replications": 2, "seed": 5,
                        "grid": {"agent_groups.team.agents": [13, 15]}})
    )  # fmt: skip
    args = ["sweep", str(sweep), "--workers", "1", "--engine", "simpy", "--json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [p["agent_groups.team.agents"] for p in doc["points"]] == [13, 15]
    for point in doc["points"]:
        n = point["agent_groups.team.agents"]
        week = week_with_changes(week_file, overrides_from([f"agent_groups.team.agents={n}"]))
        alone = run_week(week, 2, 5, engine="simpy")
        assert point["week"]["mean"] == alone.summary["summary"]["service_level"]["mean"]
        assert set(point["by_day"]) == {"mon", "wed"}
    assert doc["points"][1]["week"]["mean"] > doc["points"][0]["week"]["mean"]
    assert main([*args[:-1], "--lang", "zh"]) == 0
    from tests.test_chinese_everywhere import assert_chinese

    assert_chinese(capsys.readouterr().out, {"team"})
    assert main([*args, "--kpi", "nope"]) == 2


def test_precision_on_a_week_stops_within_its_target(week_file):
    week = week_with_changes(week_file)
    result = run_week_to_precision(week, Precision(0.03, max_replications=60), 3, engine="simpy")
    p = result.precision
    assert p["met"] and p["half_width"] <= 0.03
    plain = run_week(week, result.replications, 3, engine="simpy")
    assert plain.summary["summary"]["service_level"] == result.summary["summary"]["service_level"]


def test_set_and_scale_arrivals_change_every_day(week_file, capsys):
    args = ["run", str(week_file), "--reps", "2", "--workers", "1", "--engine", "simpy", "--json"]
    assert main([*args, "--set", "agent_groups.team.agents=16", "--scale-arrivals", "1.5"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for entry in doc["by_day"]:
        if entry["open"]:
            assert entry["scheduled_hours"]["mean"] == 16 * 4.0
            assert entry["offered"]["mean"] == pytest.approx(1.5 * 800, rel=0.1)
    assert main([*args, "--set", "agent_groups.nobody.agents=3"]) == 2
    assert "agent_groups.nobody" in capsys.readouterr().err


def test_staff_on_a_week_searches_each_open_day(week_file, tmp_path, capsys):
    """10 Erlangs (200/h × 180 s) at 80/20: Erlang C needs 14 agents (13 give SL
    1 − 0.29·e^(−3·20/180) ≈ 79 %, 14 give ≈ 89 %), in every interval of every open
    day; the week's hours are the open days' sums; Tuesday is closed."""
    args = ["staff", str(week_file), "--reps", "5", "--max-iterations", "2", "--workers", "1"]
    args += ["--engine", "simpy", "--out", str(tmp_path)]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [e["open"] for e in doc["by_day"]] == [True, False, True]
    opened = [e for e in doc["by_day"] if e["open"]]
    for e in opened:
        assert {row["erlang_agents"] for row in e["by_interval"]} == {14}
        assert e["agent_hours"]["erlang"] == 14 * 4.0
    assert doc["agent_hours"]["required"] == sum(e["agent_hours"]["required"] for e in opened)
    import csv

    rows = list(csv.DictReader((tmp_path / "staffing.csv").open(encoding="utf-8-sig")))
    assert {r["day"] for r in rows} == {"mon", "wed"} and len(rows) == 16


def test_run_a_week_against_the_staffing_staff_found(week_file, tmp_path, capsys):
    """staff on a week → run --required: each interval's required is the day's row of
    staffing.csv, and over/under = available − required."""
    import csv

    args = ["--reps", "3", "--workers", "1", "--engine", "simpy"]
    staff = ["staff", str(week_file), "--max-iterations", "1", "--out", str(tmp_path), *args]
    assert main([*staff, "--json"]) == 0
    capsys.readouterr()
    table = list(csv.DictReader((tmp_path / "staffing.csv").open(encoding="utf-8-sig")))
    want = {(r["day"], r["start"]): float(r["required_agents"]) for r in table}
    run = ["run", str(week_file), "--required", str(tmp_path / "staffing.csv"), *args]
    assert main([*run, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for row in doc["by_interval"]:
        start = row["start"].split("+")[0]
        assert row["required"]["mean"] == want[(row["day"], start)]
        assert row["over_under"]["mean"] == pytest.approx(
            row["available_agents"]["mean"] - want[(row["day"], start)]
        )
    # a day's requirement (no day column) whose intervals do not fit: one clear line
    bad = tmp_path / "bad.csv"
    bad.write_text("start,required_agents\n09:00,3\n")
    assert main(["run", str(week_file), "--required", str(bad), *args]) == 2
    assert "on mon" in capsys.readouterr().err
