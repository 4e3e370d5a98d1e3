"""Forecast import (CSV/xlsx shapes WFM tools export) and `ccsim forecast` from history."""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from ccsim.cli import main
from ccsim.data.forecast import History, backtest, mape, read_history, wmape
from ccsim.scenario import ScenarioError, parse_scenario

DATA = Path(__file__).parent / "data" / "forecast"

TWO_TYPES = """\
name: two types
horizon: {start: "08:00", end: "10:00", interval: 30min}
call_types:
  billing:
    arrivals: BILLING
    handle_time: {dist: lognormal, mean: 4min, cv: 0.8}
  sales:
    arrivals: SALES
    handle_time: {dist: exponential, mean: 5min}
agent_groups:
  all: {skills: [billing, sales], agents: 8}
"""


def two_types(billing: str, sales: str, base_dir: Path):
    text = TWO_TYPES.replace("BILLING", billing).replace("SALES", sales)
    return parse_scenario(text, base_dir=base_dir).call_types


QUARTERS = [f"{h:02d}:{m:02d}" for h in (8, 9) for m in (0, 15, 30, 45)]


# --- forecast import --------------------------------------------------------------------


def test_type_column_gives_each_call_type_its_rows_and_aht():
    billing, sales = two_types("{file: by_type.csv}", "{file: by_type.csv}", DATA)
    assert np.array(billing.rates) * 1800 == pytest.approx([40, 55, 61, 48])
    assert np.array(sales.rates) * 1800 == pytest.approx([10, 12, 9, 7])
    assert billing.aht == (250.0, 260.0, 270.0, 240.0)
    assert sales.aht == (300.0, None, 330.0, 310.0)


def test_type_key_selects_rows_by_another_name(tmp_path):
    text = "interval start,queue,offered\n08:00,Sales Queue,3\n08:30,Sales Queue,4\n"
    text += "09:00,Sales Queue,5\n09:30,Sales Queue,6\n08:00,Other,99\n"
    (tmp_path / "f.csv").write_text(text)
    _, sales = two_types("{rate: 10}", "{file: f.csv, type: Sales Queue}", tmp_path)
    assert np.array(sales.rates) * 1800 == pytest.approx([3, 4, 5, 6])


def test_one_file_per_type_with_datetime_starts():
    billing, sales = two_types("{file: billing.csv}", "{file: sales.csv}", DATA)
    assert np.array(billing.rates) * 1800 == pytest.approx([40, 55, 61, 48])
    assert np.array(sales.rates) * 1800 == pytest.approx([10, 12, 9, 7])
    assert billing.aht is not None and sales.aht is None


def test_15_minute_rows_are_summed_into_30_minute_intervals_aht_weighted_by_volume():
    billing, _ = two_types("{file: billing_15min.csv}", "{rate: 10}", DATA)
    assert np.array(billing.rates) * 1800 == pytest.approx([40, 55, 61, 48])
    # 08:00 = 10 calls at 200 s + 30 at 300 s; 08:30 = 25 at 240 + 30 at 280
    assert billing.aht[0] == pytest.approx((10 * 200 + 30 * 300) / 40)
    assert billing.aht[1] == pytest.approx((25 * 240 + 30 * 280) / 55)


def test_60_minute_rows_are_split_evenly_over_30_minute_intervals(tmp_path):
    (tmp_path / "f.csv").write_text("start,volume,aht\n08:00,100,200\n09:00,60,300\n")
    billing, _ = two_types("{file: f.csv}", "{rate: 10}", tmp_path)
    assert np.array(billing.rates) * 1800 == pytest.approx([50, 50, 30, 30])
    assert billing.aht == (200.0, 200.0, 300.0, 300.0)


def test_xlsx_with_time_cells_and_a_type_column(tmp_path):
    import openpyxl  # the optional dependency ccsim[excel]

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Interval Start", "Type", "Offered", "AHT"])
    for k, (vol, aht) in enumerate([(40, 250), (55, 260), (61, 270), (48, 240)]):
        when = datetime.datetime(2026, 12, 1, 8) + datetime.timedelta(minutes=30 * k)
        sheet.append([when, "billing", vol, aht])
        sheet.append([when.time(), "sales", vol / 10, None])
    book.save(tmp_path / "f.xlsx")
    billing, sales = two_types("{file: f.xlsx}", "{file: f.xlsx}", tmp_path)
    assert np.array(billing.rates) * 1800 == pytest.approx([40, 55, 61, 48])
    assert billing.aht == (250.0, 260.0, 270.0, 240.0)
    assert np.array(sales.rates) * 1800 == pytest.approx([4, 5.5, 6.1, 4.8])


@pytest.mark.parametrize(
    ("csv", "line", "phrase"),
    [
        ("start,type,volume\n08:00,billing,x\n", 2,
         "volume must be a non-negative number of calls, got 'x'"),
        ("start,volume\n08:00,1\n08:20,1\n08:40,1\n", None,
         "rows are 20min apart: the file's interval must divide the planning interval"),
        ("start,volume\n08:00,1\n08:15,1\n08:30,1\n", None,
         "no row for interval 08:45"),
        ("start,volume\n2026-12-01 08:00,1\n2026-12-02 08:30,1\n", 3,
         "a forecast file holds one day: this row is on 2026-12-02"),
        ("start,volume\n2026-13-01 08:00,1\n", 2, "interval start has no such date"),
        ("start,type,volume\n08:00,sales,1\n", None,
         "no rows of type 'billing'; types in the file: sales"),
        ("start,volume,aht\n08:00,1,200\n" + "".join(f"{t},1,\n" for t in QUARTERS[1:]), 3,
         "aht is blank here but given in another row of the same planning interval"),
        ("start,volume,AHT secs\n", 1, "allowed columns: start (or interval"),
    ],
)  # fmt: skip
def test_bad_forecast_rows_name_file_line_and_what_is_allowed(tmp_path, csv, line, phrase):
    (tmp_path / "f.csv").write_text(csv)
    with pytest.raises(ScenarioError) as info:
        two_types("{file: f.csv}", "{rate: 10}", tmp_path)
    err = info.value
    assert (err.file, err.line) == (str(tmp_path / "f.csv"), line)
    assert err.path == "call_types.billing.arrivals.file"
    assert phrase in err.message


def test_type_without_file_is_an_error(tmp_path):
    with pytest.raises(ScenarioError, match="goes with file"):
        two_types("{rate: 10, type: billing}", "{rate: 10}", tmp_path)


# --- MAPE and WMAPE ----------------------------------------------------------------------


def test_mape_and_wmape_on_a_hand_example():
    actual, forecast = np.array([10.0, 0.0, 20.0]), np.array([12.0, 1.0, 15.0])
    assert mape(actual, forecast) == pytest.approx(100 * (2 / 10 + 5 / 20) / 2)  # 22.5 %
    assert wmape(actual, forecast) == pytest.approx(100 * (2 + 1 + 5) / 30)  # 26.7 %
    assert math.isnan(mape([0.0], [1.0])) and math.isnan(wmape([0.0], [1.0]))


# --- forecasting from history ------------------------------------------------------------

WEEKDAY = np.array([1.3, 1.1, 1.0, 1.0, 1.05, 0.6, 0.4])  # Monday first
FIRST = datetime.date(2026, 8, 3)  # a Monday


def synthetic(weeks: int, seed: int) -> tuple[History, np.ndarray]:
    """Poisson counts around a known weekday × interval-of-day mean, 08:00-20:00 by 30 min."""
    starts = np.arange(8 * 3600, 20 * 3600, 1800.0)
    profile = 20 + 25 * np.sin(np.pi * (starts - 8 * 3600) / (12 * 3600))
    days = 7 * weeks
    lam = np.array([WEEKDAY[(FIRST + datetime.timedelta(d)).weekday()] * profile
                    for d in range(days)])  # fmt: skip
    counts = np.random.default_rng(seed).poisson(lam).astype(float)
    return History(FIRST, tuple(starts), 1800.0, counts), lam


def poisson_floor(lam: np.ndarray) -> float:
    """WMAPE (%) of the perfect forecast lam: sum E|X - lam| / sum lam, X ~ Poisson(lam)."""
    k = np.arange(0, int(lam.max() * 3) + 20)
    mad = [np.sum(np.abs(k - x) * stats.poisson.pmf(k, x)) for x in lam.ravel()]
    return 100 * float(np.sum(mad) / lam.sum())


def test_seasonal_average_is_near_the_poisson_noise_floor_and_beats_last_week():
    history, lam = synthetic(weeks=12, seed=7)
    acc = backtest(history, holdout=28, method="seasonal_average", weeks=4)
    floor = poisson_floor(lam[-28:])  # ~14.6 % at these volumes
    # An average of 4 weeks misses lam by ~sqrt(lam / 4): E|X - f| ~ sqrt(1 + 1/4) floor =
    # 1.12 floor; "same day last week" ~ sqrt(2) floor = 1.41 floor. The realized WMAPE
    # over 28 x 24 intervals has a relative sd of ~3-5 %.
    assert 0.9 * floor < acc.wmape < 1.25 * floor
    assert 1.25 * floor < acc.naive_wmape < 1.6 * floor
    assert acc.wmape < 0.88 * acc.naive_wmape
    assert len(acc.per_day) == 28 and len(acc.per_interval) == 24


def test_holt_winters_is_near_the_noise_floor_and_beats_last_week():
    history, lam = synthetic(weeks=12, seed=8)
    acc = backtest(history, holdout=14, method="holt_winters")
    floor = poisson_floor(lam[-14:])
    assert 0.9 * floor < acc.wmape < 1.3 * floor
    assert acc.wmape < 0.9 * acc.naive_wmape


def test_seasonal_average_follows_a_trend_through_the_level():
    history, lam = synthetic(weeks=10, seed=9)
    growth = 1 + 0.01 * np.arange(len(lam))  # +1 % a day
    counts = np.random.default_rng(3).poisson(lam * growth[:, None]).astype(float)
    trended = History(FIRST, history.starts, 1800.0, counts)
    acc = backtest(trended, holdout=14, method="seasonal_average", weeks=4)
    per_day_bias = [row["forecast"] / row["actual"] - 1 for row in acc.per_day]
    # a plain 4-week average lags 17.5 days: -15 %; the level ratio brings it near 0
    assert abs(np.mean(per_day_bias)) < 0.05


def test_round_trip_forecast_scenario_run(tmp_path, capsys):
    history, _ = synthetic(weeks=6, seed=1)
    lines = ["date,interval,volume"]
    for d in range(len(history.volumes)):
        day = history.day(d)
        for t, v in zip(history.starts, history.volumes[d], strict=True):
            lines.append(f"{day},{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d},{v:g}")
    (tmp_path / "history.csv").write_text("\n".join(lines) + "\n")
    target = history.day(len(history.volumes))  # the day after the history
    out = tmp_path / "volumes.csv"
    args = ["forecast", str(tmp_path / "history.csv"), "--for", str(target), "-o", str(out)]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["accuracy"][""]["wmape"] < doc["accuracy"][""]["naive_wmape"]
    scenario = tmp_path / "day.yaml"
    scenario.write_text(
        'name: forecast day\nhorizon: {start: "08:00", end: "20:00", interval: 30min}\n'
        "call_types:\n  billing:\n    arrivals: {file: volumes.csv}\n"
        "    handle_time: {dist: exponential, mean: 3min}\n"
        "agent_groups:\n  all: {skills: [billing], agents: 6}\n"
    )
    ct = parse_scenario(scenario.read_text(), base_dir=tmp_path).call_types[0]
    forecast = list(doc["forecast"][""].values())
    assert np.array(ct.rates) * 1800 == pytest.approx(forecast, abs=0.006)
    assert main(["run", str(scenario), "--reps", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["summary"]["offered"]["mean"] > 0.8 * sum(forecast)


def test_forecast_command_reports_a_bad_history_row(tmp_path, capsys):
    (tmp_path / "h.csv").write_text("datetime,volume\n2026-11-02 08:00,4\n2026-11-02 8h30,5\n")
    assert main(["forecast", str(tmp_path / "h.csv"), "--for", "2026-12-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'h.csv'}:3: datetime must be")
    assert err.count("\n") == 1


def test_read_history_with_a_type_column_and_absent_days():
    histories = read_history(DATA / "history_types.csv")
    assert set(histories) == {"billing", "sales"}
    billing = histories["billing"]
    assert billing.interval == 1800 and billing.first_day == datetime.date(2026, 11, 2)
    assert billing.volumes.shape == (3, 2)
    assert np.isnan(billing.volumes[1]).all()  # 2026-11-03 absent: not zero calls
    assert billing.volumes[2].tolist() == [7.0, 0.0]  # 08:30 missing on a day with rows: 0


def test_accuracy_scores_the_days_up_to_the_for_day_not_the_files_last():
    history, _ = synthetic(weeks=8, seed=4)
    target = FIRST + datetime.timedelta(days=30)  # a past day: the file goes on 25 more
    acc = backtest(history, holdout=5, until=target)
    assert acc.days == tuple(FIRST + datetime.timedelta(days=d) for d in range(26, 31))
    assert backtest(history, holdout=5).days[-1] == FIRST + datetime.timedelta(days=55)
    future = FIRST + datetime.timedelta(days=70)  # after the file: its last days
    assert backtest(history, holdout=5, until=future).days == backtest(history, holdout=5).days
