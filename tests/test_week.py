"""A week: a scenario whose horizon names its days (ccsim.scenario.week).

The central property (issue 18): a week of seven identical days gives, day by
day, exactly the statistics of seven separate one-day runs of the day's own file
with the seeds ``day_seed(S, d)`` — each day draws from its own streams. Daily
totals and day factors scale the profile (checked against the Poisson mean), a
short day clips its shifts (checked by hand), and the week's rates are ratios of
the days' totals (a hand-worked case).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

import ccsim
from ccsim.batch.week import combine_days, day_seed, run_week
from ccsim.outputs.week import by_day, day_rows_table, week_json
from ccsim.scenario import ScenarioError
from ccsim.scenario.week import week_from_dict
from ccsim.scenario.yamltree import load_yaml

ROOT = Path(__file__).resolve().parents[1]
DAY_FILE = ROOT / "scenarios" / "teaching_single_queue.yaml"
WEEK_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _week_data(**horizon_extra) -> dict:
    data, _ = load_yaml(DAY_FILE.read_text())
    data["horizon"]["days"] = WEEK_DAYS
    data["horizon"].update(horizon_extra)
    return data


def test_day_seeds_first_is_the_root_and_all_differ():
    seeds = [day_seed(42, d) for d in range(7)]
    assert seeds[0] == 42
    assert len(set(seeds)) == 7
    assert all(0 <= s < 2**63 for s in seeds)
    assert day_seed(42, 3) == day_seed(42, 3)


def test_seven_identical_days_are_seven_one_day_runs():
    """Day d of the week == the one-day file run alone with seed day_seed(S, d)."""
    week = week_from_dict(_week_data())
    seed, reps = 5, 3
    result = run_week(week, reps, seed, engine="simpy")
    day = ccsim.load_scenario(DAY_FILE)
    entries = by_day(result)
    for d, (wday, run) in enumerate(result.days):
        alone = ccsim.run(day, reps, seed=day_seed(seed, d), engine="simpy")
        assert json.dumps(list(run.kpis)) == json.dumps(list(alone.kpis)), wday.label  # NaN-safe
        assert entries[d]["offered"] == alone.summary["summary"]["offered"]
        assert entries[d]["service_level"] == alone.summary["summary"]["service_level"]
    # the days are not copies of one another: each has its own streams
    offered = [run.kpis[0]["summary"]["offered"] for _, run in result.days]
    assert len(set(offered)) > 1


def test_week_rates_are_ratios_of_the_days_totals():
    """Hand-worked: 100 offered at SL 0.9 and 300 at SL 0.5 make 240/400 = 0.6."""
    days = [
        {
            "offered": 100,
            "answered": 95,
            "abandoned": 5,
            "sl_offered": 0.9,
            "asa_s": 10.0,
            "max_queue": 7,
            "wait_p90_s": 12.0,
        },
        {
            "offered": 300,
            "answered": 250,
            "abandoned": 50,
            "sl_offered": 0.5,
            "asa_s": 40.0,
            "max_queue": 3,
            "wait_p90_s": 30.0,
        },
    ]
    week = combine_days(days, "offered")
    assert week["offered"] == 400 and week["answered"] == 345
    assert week["service_level"] == pytest.approx(0.6)
    assert week["abandon_rate"] == pytest.approx(55 / 400)
    assert week["asa_s"] == pytest.approx((95 * 10 + 250 * 40) / 345)
    assert week["max_queue"] == 7 and "wait_p90_s" not in week


def test_daily_totals_scale_the_profile_to_the_days_calls():
    data = _week_data()
    data["call_types"]["enquiries"]["arrivals"]["daily_totals"] = {"mon": 1200, "sat": 0}
    data["call_types"]["enquiries"]["arrivals"]["daily_totals"]["2026-12-08"] = 5
    week = week_from_dict(data)
    h = week.base.horizon
    calls = [sum(d.scenario.call_types[0].rates) * h.interval for d in week.days]
    assert calls[0] == pytest.approx(1200)
    assert calls[1] == pytest.approx(800)  # tue: 200/h over 4 h, as written
    assert calls[5] == 0
    # simulated: Monday's offered is Poisson(1200): within 4 sd of 1200 per replication
    result = run_week(week, 2, 9, engine="simpy")
    mon = result.days[0][1]
    for rep in mon.kpis:
        assert abs(rep["summary"]["offered"] - 1200) < 4 * math.sqrt(1200)


def test_dates_name_days_and_a_date_entry_beats_its_weekday():
    data = _week_data()
    data["horizon"]["days"] = ["2026-12-11", "2026-12-12", "2026-12-14"]  # Fri, Sat, Mon
    data["horizon"]["open"] = {"sat": "closed", "2026-12-11": {"start": "09:00", "end": "11:00"}}
    data["call_types"]["enquiries"]["arrivals"]["day_factors"] = {"fri": 0.5}
    week = week_from_dict(data)
    fri, sat, mon = week.days
    assert [d.weekday for d in week.days] == ["fri", "sat", "mon"]
    assert mon.offset == 3 * 86400  # the Sunday between them is not in the week
    assert sat.scenario is None
    assert (fri.scenario.horizon.start, fri.scenario.horizon.end) == (9 * 3600, 11 * 3600)
    # two hours of 200/h at factor 0.5: 200 calls
    assert sum(fri.scenario.call_types[0].rates) * 1800 == pytest.approx(200)


def test_a_short_day_cuts_shifts_and_breaks_at_closing():
    week = ccsim.scenario.week.load_week(ROOT / "scenarios" / "week_service_line.yaml")
    fri = {d.label: d for d in week.days}["fri"].scenario
    assert fri.horizon.end == 17 * 3600
    shifts = [(s.start / 3600, s.end / 3600, s.agents) for s in fri.agent_groups[0].shifts]
    assert shifts == [(7.0, 15.5, 22), (10.0, 17.0, 14), (13.0, 17.0, 12)]
    # the late shift's break window 16:00-18:00 is cut to 16:00-17:00 and still fits
    late = fri.agent_groups[0].shifts[2]
    assert len(late.breaks) == 1 and late.breaks[0].window_end == 17 * 3600
    # Friday's profile: the first 20 half hours of the day, scaled to 2,400 calls
    assert sum(fri.call_types[0].rates) * 1800 == pytest.approx(2400)
    assert len(fri.call_types[0].rates) == 20


def test_week_json_has_by_day_and_week_labels(tmp_path):
    data = _week_data(open={"wed": "closed"})
    data["horizon"]["days"] = ["mon", "tue", "wed"]
    result = run_week(week_from_dict(data), 2, 3, engine="simpy")
    doc = json.loads(json.dumps(week_json(result)))
    assert [e["day"] for e in doc["by_day"]] == ["mon", "tue", "wed"]
    assert [e["open"] for e in doc["by_day"]] == [True, True, False]
    assert "service_level" in doc["by_day"][0] and "service_level" not in doc["by_day"][2]
    starts = [row["start"] for row in doc["by_interval"]]
    assert starts[0] == "09:00" and starts[8] == "09:00+1" and len(starts) == 16
    offered = [e["offered"]["mean"] for e in doc["by_day"][:2]]
    assert doc["summary"]["offered"]["mean"] == pytest.approx(sum(offered))
    text = day_rows_table(result)
    assert "closed" in text and text.splitlines()[-1].startswith("week")


def test_cli_runs_a_week_and_prints_json(capsys):
    from ccsim.cli import main

    path = ROOT / "scenarios" / "week_service_line.yaml"
    code = main(["run", str(path), "--reps", "2", "--workers", "1", "--engine", "simpy", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert [e["day"] for e in doc["by_day"]] == WEEK_DAYS
    fri = doc["by_day"][4]
    assert fri["open"] and not doc["by_day"][5]["open"]
    assert np.isclose(fri["offered"]["mean"], 2400, atol=4 * math.sqrt(2400))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days": ["mon", "funday"]}, "horizon.days[1]: must be a weekday (mon … sun) or a date"),
        ({"days": ["mon", "2026-12-08"]}, "not a mix"),
        ({"days": ["mon", "mon"]}, "mon is listed twice"),
        ({"days": []}, "must be a non-empty list of days"),
        ({"open": {"mon": {"start": "08:00", "end": "10:00"}}}, "must lie within the day"),
        ({"open": {"mon": {"start": "10:00", "end": "09:30"}}}, "must be after start"),
        ({"open": {"someday": "closed"}}, "horizon.open.someday"),
        ({"days": ["2026-12-08", "2026-12-07"]}, "dates must follow one another in order"),
        ({"end": "02:00"}, "a day of a week must close by 24:00"),
    ],
)
def test_bad_week_inputs_get_clear_errors(change, message):
    data = _week_data()
    data["horizon"].update(change)
    with pytest.raises(ScenarioError, match=re.escape(message)):
        week_from_dict(data)


def test_a_closed_day_with_calls_is_refused():
    data = _week_data(open={"sun": "closed"})
    data["call_types"]["enquiries"]["arrivals"]["daily_totals"] = {"sun": 300}
    with pytest.raises(ScenarioError, match="sun is closed .* but has 300 calls"):
        week_from_dict(data)


def test_daily_totals_and_factors_together_are_refused():
    data = _week_data()
    data["call_types"]["enquiries"]["arrivals"].update(
        daily_totals={"mon": 100}, day_factors={"tue": 2}
    )
    with pytest.raises(ScenarioError, match="daily_totals or day_factors, not both"):
        week_from_dict(data)


def test_a_one_day_command_names_the_week(tmp_path):
    with pytest.raises(ScenarioError, match="horizon.days: a week"):
        ccsim.load_scenario(ROOT / "scenarios" / "week_service_line.yaml")


def _dated_forecast(tmp_path: Path) -> Path:
    """Three days of 30-minute volumes; the third day is open 09:00-11:00 only."""
    lines = ["start,volume,aht"]
    for day, scale, n in (("2026-12-07", 1, 8), ("2026-12-08", 2, 8), ("2026-12-09", 3, 4)):
        for i in range(n):
            h, m = divmod(9 * 60 + 30 * i, 60)
            lines.append(f"{day} {h:02d}:{m:02d},{10 * scale + i},{170 + i}s")
    path = tmp_path / "week.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_dated_forecast_file_gives_each_day_its_rows(tmp_path):
    _dated_forecast(tmp_path)
    data = _week_data(open={"2026-12-09": {"start": "09:00", "end": "11:00"}})
    data["horizon"]["days"] = ["2026-12-07", "2026-12-08", "2026-12-09"]
    data["call_types"]["enquiries"]["arrivals"] = {"file": "week.csv"}
    week = week_from_dict(data, base_dir=tmp_path)
    calls = [sum(d.scenario.call_types[0].rates) * 1800 for d in week.days]
    assert calls == pytest.approx([sum(range(10, 18)), sum(range(20, 28)), sum(range(30, 34))])
    assert week.days[2].scenario.call_types[0].aht == (170.0, 171.0, 172.0, 173.0)


def test_a_one_day_scenario_takes_a_date_from_a_forecast_file(tmp_path):
    _dated_forecast(tmp_path)
    data, _ = load_yaml(DAY_FILE.read_text())
    data["call_types"]["enquiries"]["arrivals"] = {"file": "week.csv", "date": "2026-12-08"}
    s = ccsim.scenario_from_dict(data, base_dir=tmp_path)
    assert sum(s.call_types[0].rates) * 1800 == pytest.approx(sum(range(20, 28)))
    data["call_types"]["enquiries"]["arrivals"]["date"] = "2026-12-25"
    with pytest.raises(ScenarioError, match="no rows on 2026-12-25"):
        ccsim.scenario_from_dict(data, base_dir=tmp_path)


def test_closing_a_day_leaves_the_other_days_numbers(tmp_path):
    """Days are addressed by position: closing Wednesday does not move Thursday."""
    full = run_week(week_from_dict(_week_data()), 2, 8, engine="simpy")
    closed = run_week(week_from_dict(_week_data(open={"wed": "closed"})), 2, 8, engine="simpy")
    assert closed.days[2][1] is None
    for d in (0, 1, 3, 6):
        assert json.dumps(list(full.days[d][1].kpis)) == json.dumps(list(closed.days[d][1].kpis))


def test_out_writes_the_week_json_and_a_wide_by_day_table(tmp_path, capsys):
    import csv

    from ccsim.cli import main

    path = tmp_path / "week.yaml"
    data = _week_data(open={"tue": "closed"})
    data["horizon"]["days"] = ["mon", "tue"]
    path.write_text(yaml.safe_dump(data))
    args = ["run", str(path), "--reps", "2", "--workers", "1", "--engine", "simpy"]
    assert main([*args, "--out", str(tmp_path / "out")]) == 0
    rows = list(csv.DictReader((tmp_path / "out" / "by_day.csv").open(encoding="utf-8-sig")))
    assert [r["day"] for r in rows] == ["mon", "tue"]
    assert float(rows[0]["service_level_ci_low"]) <= float(rows[0]["service_level"])
    assert rows[1]["open"] == "False" and rows[1]["service_level"] == ""
    doc = json.loads((tmp_path / "out" / "week.json").read_text())
    assert doc["by_day"][0]["offered"]["mean"] == float(rows[0]["offered"])
    assert "mon" in capsys.readouterr().out
    intervals = list(
        csv.DictReader((tmp_path / "out" / "intervals.csv").open(encoding="utf-8-sig"))
    )
    assert {r["name"] for r in intervals} == {"mon"}
    sl = [r for r in intervals if r["kpi"] == "service_level"]
    assert [r["interval"] for r in sl] == [
        f"{h:02d}:{m:02d}" for h in range(9, 13) for m in (0, 30)
    ]
    assert main([*args, "--trace"]) == 2  # not for a week yet


def test_the_shipped_weeks_days_run_on_the_compiled_engine():
    from ccsim.models.fast import supports
    from ccsim.scenario.week import is_week_file, load_week

    weeks = [p for p in (ROOT / "scenarios").glob("week_*.yaml")]
    assert weeks and all(is_week_file(p) for p in weeks)
    for path in weeks:
        for day in load_week(path).open_days:
            assert supports(day.scenario) is None, (path, day.label)


def test_busyness_per_day_spreads_only_its_day():
    """Wednesday's busyness (cv 0.3) makes its offered calls vary far beyond Poisson;
    Monday, without one, stays Poisson (sd sqrt(800) = 28)."""
    data = _week_data()
    data["horizon"]["days"] = ["mon", "wed"]
    data["busyness"] = {"wed": {"dist": "gamma", "mean": 1, "cv": 0.3}}
    week = week_from_dict(data)
    assert week.days[0].scenario.busyness is None
    assert week.days[1].scenario.busyness is not None
    result = run_week(week, 20, 2, engine="simpy")
    sd = [np.std([k["summary"]["offered"] for k in run.kpis], ddof=1) for _, run in result.days]
    # Poisson: the sample sd of 20 draws is below 2 × 28 with overwhelming probability;
    # with busyness the sd is about 0.3 × 800 = 240, above 100 with probability > 0.999.
    assert sd[0] < 56 and sd[1] > 100


def test_validate_checks_every_day_of_a_week(capsys, tmp_path):
    from ccsim.cli import main

    assert main(["validate", str(ROOT / "scenarios" / "week_service_line.yaml")]) == 0
    assert "valid week scenario" in capsys.readouterr().out
    data = _week_data(open={"mon": {"start": "08:00", "end": "10:00"}})
    path = tmp_path / "bad_week.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad_week.yaml" in err and "must lie within the day" in err and "Traceback" not in err
