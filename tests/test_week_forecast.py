"""``ccsim forecast --for-week`` (issue 18, part 3): seven days of interval volumes in
one file of dated rows, which a week scenario named by dates reads as it is.

Oracles: the file has 7 × intervals rows, one block per date; each day of the
scenario gets back exactly its date's volumes; the simulated calls of each day
match the forecast within Poisson error (offered ~ Poisson(forecast total)); a day
whose weekday the history never had gets no rows and is reported.
"""

from __future__ import annotations

import csv
import datetime
import json
import math

import numpy as np
import pytest

from ccsim.batch.week import run_week
from ccsim.cli import main
from ccsim.data.forecast import History, forecast_day
from ccsim.data.forecast_week import forecast_week
from ccsim.scenario.week import load_week

FIRST = datetime.date(2026, 8, 3)  # a Monday
WEEKDAY = np.array([1.3, 1.1, 1.0, 1.0, 1.05, 0.6, 0.4])
STARTS = np.arange(8 * 3600, 20 * 3600, 1800.0)
PROFILE = 20 + 25 * np.sin(np.pi * (STARTS - 8 * 3600) / (12 * 3600))


def _history_csv(path, weeks: int = 6, skip_sundays: bool = False) -> datetime.date:
    rng = np.random.default_rng(1)
    lines = ["date,interval,volume"]
    for d in range(7 * weeks):
        day = FIRST + datetime.timedelta(d)
        if skip_sundays and day.weekday() == 6:
            continue
        for t, v in zip(STARTS, rng.poisson(WEEKDAY[day.weekday()] * PROFILE), strict=True):
            lines.append(f"{day},{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d},{v}")
    path.write_text("\n".join(lines) + "\n")
    return FIRST + datetime.timedelta(7 * weeks)


def _week_yaml(first: datetime.date, days: int = 7) -> str:
    dates = ", ".join(f'"{first + datetime.timedelta(k)}"' for k in range(days))
    return (
        "name: forecast week\nseed: 3\nreplications: 4\n"
        f'horizon: {{start: "08:00", end: "20:00", interval: 30min, days: [{dates}]}}\n'
        "call_types:\n  calls:\n    arrivals: {file: week.csv}\n"
        "    handle_time: {dist: exponential, mean: 3min}\n"
        "agent_groups:\n  team: {skills: [calls], agents: 30}\n"
    )


def test_week_file_has_seven_dated_days_that_a_week_scenario_reads_back(tmp_path, capsys):
    first = _history_csv(tmp_path / "history.csv")
    out = tmp_path / "week.csv"
    args = ["forecast", str(tmp_path / "history.csv"), "--for-week", str(first), "-o", str(out)]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 7 * len(STARTS)
    dates = [r["start"].split()[0] for r in rows]
    assert dates == [str(first + datetime.timedelta(k)) for k in range(7) for _ in STARTS]
    (tmp_path / "week.yaml").write_text(_week_yaml(first))
    week = load_week(tmp_path / "week.yaml")
    for day in week.days:
        got = np.array(day.scenario.call_types[0].rates) * 1800
        want = list(doc["forecast"][""][day.label].values())
        assert got == pytest.approx(want, abs=0.006), day.label
    result = run_week(week, 4, 3, engine="simpy")
    for day, run in result.days:
        total = sum(doc["forecast"][""][day.label].values())
        offered = run.summary["summary"]["offered"]["mean"]  # mean of 4 Poisson(total)
        assert abs(offered - total) < 4.5 * math.sqrt(total / 4), day.label


def test_the_week_is_forecast_from_the_days_before_it_only(tmp_path):
    _history_csv(tmp_path / "history.csv", weeks=8)
    from ccsim.data.forecast import read_history

    history = read_history(tmp_path / "history.csv")[""]
    first = FIRST + datetime.timedelta(42)  # inside the history: weeks 7 and 8 exist
    cut = History(history.first_day, history.starts, history.interval, history.volumes[:42])
    for day, volumes in forecast_week(history, first):
        assert volumes == pytest.approx(forecast_day(cut, day)), day
    # the seasonal average tracks the weekday pattern: Monday / Sunday ~ 1.3 / 0.4
    days = forecast_week(history, first)
    assert days[0][1].sum() / days[6][1].sum() == pytest.approx(1.3 / 0.4, rel=0.15)


def test_a_weekday_without_history_gets_no_rows(tmp_path, capsys):
    first = _history_csv(tmp_path / "history.csv", skip_sundays=True)
    out = tmp_path / "week.csv"
    args = ["forecast", str(tmp_path / "history.csv"), "--for-week", str(first), "-o", str(out)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert str(first + datetime.timedelta(6)) in text and "closed" in text
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 6 * len(STARTS)
    with pytest.raises(SystemExit):  # one or the other
        main([*args, "--for", str(first)])


def test_the_week_forecast_in_chinese_has_no_english_words(tmp_path, capsys):
    from tests.test_chinese_everywhere import assert_chinese

    first = _history_csv(tmp_path / "history.csv", skip_sundays=True)
    args = ["forecast", str(tmp_path / "history.csv"), "--for-week", str(first), "--lang", "zh"]
    assert main(args) == 0
    assert_chinese(capsys.readouterr().out)
