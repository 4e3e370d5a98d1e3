"""Calibration from a call log and back-testing: round trips through ccsim's own
call-by-call trace, the estimators on known data, and the log reader's errors."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest

from ccsim.batch.runner import run
from ccsim.cli import main
from ccsim.data.backtest import backtest, observations_from_log
from ccsim.data.calibration import calibrate, fit_durations, fit_patience, kaplan_meier
from ccsim.data.calllog import parse_columns, read_call_log
from ccsim.metrics import replication_kpis
from ccsim.outputs.report import write_trace
from ccsim.scenario import ScenarioError, parse_scenario, scenario_from_dict

DATA = Path(__file__).parent / "data" / "calllog"
COLUMNS = (
    "arrival=ArrTime,ivr_start=IvrIn,ivr_end=IvrOut,queue=QueueIn,answer=AnsTime,"
    "abandon=AbnTime,end=EndTime,call_type=Skill"
)
VOLUMES = [40, 60, 80, 90, 90, 80, 60, 50]
DAYS = 10  # replications, written as consecutive days of one log

SCENARIO = """
name: round trip
horizon: {{start: "08:00", end: "12:00", interval: 30min}}
call_types:
  billing:
    arrivals: {{volumes: {volumes}}}
    handle_time: {{dist: lognormal, mean: 240s, cv: 0.8}}
    patience: {patience}
agent_groups:
  agents: {{skills: [billing], agents: {agents}}}
"""
EXPONENTIAL = "{dist: exponential, mean: 300s}"
WEIBULL = "{dist: weibull, shape: 2.0, scale: 200s}"  # mean 200·Γ(1.5) = 177.2 s
WEIBULL_MEAN = 200.0 * math.gamma(1.5)


def trace_to_log(trace: Path, out: Path) -> Path:
    """ccsim's trace (one row per call, seconds) as an ACD log: datetimes, replication
    r on day r, the columns an ACD would name its own way."""
    base = dt.datetime(2026, 3, 2)

    def stamp(rep: str, s: float) -> str:
        return (base + dt.timedelta(days=int(rep), seconds=s)).strftime("%Y-%m-%d %H:%M:%S.%f")

    with trace.open(encoding="utf-8-sig") as f, out.open("w", newline="") as g:
        w = csv.writer(g)
        w.writerow(
            ["ArrTime", "IvrIn", "IvrOut", "QueueIn", "AnsTime", "AbnTime", "EndTime", "Skill"]
        )
        for r in csv.DictReader(f):
            rep, a, ivr = r["replication"], float(r["arrival_s"]), float(r["ivr_s"])
            row = [stamp(rep, a), "", "", "", "", "", "", r["call_type"]]
            if ivr > 0:  # the trace rounds each time to 1 ms: keep IVR end <= queue entry
                out_at = min(a + ivr, float(r["offered_s"] or "inf"))
                row[1], row[2] = stamp(rep, a), stamp(rep, out_at)
            if r["offered_s"]:
                q, wait = float(r["offered_s"]), float(r["wait_s"])
                row[3] = stamp(rep, q)
                if r["outcome"] == "answered":
                    row[4] = stamp(rep, q + wait)
                    row[6] = stamp(rep, q + wait + float(r["talk_s"]) + float(r["wrap_s"]))
                elif r["outcome"] == "abandoned":
                    row[5] = stamp(rep, q + wait)
            w.writerow(row)
    return out


def simulate_log(tmp: Path, text: str, reps: int = DAYS, seed: int = 11):
    scenario = parse_scenario(text)
    result = run(scenario, replications=reps, seed=seed, keep_observations=True)
    trace = write_trace(result, tmp / "calls.csv")
    log = read_call_log(trace_to_log(trace, tmp / "log.csv"), parse_columns(COLUMNS))
    return scenario, result, log


@pytest.fixture(scope="module")
def weibull_case(tmp_path_factory):
    text = SCENARIO.format(volumes=VOLUMES, patience=WEIBULL, agents=9)
    return simulate_log(tmp_path_factory.mktemp("weibull"), text)


@pytest.fixture(scope="module")
def exponential_case(tmp_path_factory):
    text = SCENARIO.format(volumes=VOLUMES, patience=EXPONENTIAL, agents=9)
    return simulate_log(tmp_path_factory.mktemp("expo"), text)


# --------------------------------------------------------------------------- round trips


def test_round_trip_recovers_volumes_and_handle_time(weibull_case):
    _, _, log = weibull_case
    cal = calibrate(log)
    scenario_from_dict(cal.scenario)  # `ccsim run` accepts it
    bill = cal.scenario["call_types"]["billing"]
    assert cal.scenario["horizon"] == {"start": "08:00", "end": "12:00", "interval": "30min"}
    # Calls per interval, averaged over DAYS days: Poisson, sd sqrt(v / DAYS).
    got = np.array(bill["arrivals"]["volumes"])
    sd = np.sqrt(np.array(VOLUMES) / DAYS)
    assert np.all(np.abs(got - VOLUMES) < 4 * sd), (got, VOLUMES)
    # Handle time: lognormal chosen; mean within 4 standard errors (sd = mean·cv);
    # cv through sigma, whose MLE has sd sigma/sqrt(2n).
    ht = cal.report["call_types"]["billing"]["handle_time"]
    n = ht["n"]
    assert ht["chosen"] == "lognormal" and bill["handle_time"]["dist"] == "lognormal"
    mean = float(bill["handle_time"]["mean"].rstrip("s"))
    assert abs(mean - 240) < 4 * 240 * 0.8 / math.sqrt(n)
    sigma = math.sqrt(math.log1p(0.8**2))
    dcv = sigma * math.exp(sigma**2) / 0.8 * sigma / math.sqrt(2 * n)
    assert abs(bill["handle_time"]["cv"] - 0.8) < 4 * dcv


def test_round_trip_recovers_weibull_patience_and_naive_is_biased(weibull_case):
    _, _, log = weibull_case
    pat = calibrate(log).report["call_types"]["billing"]["patience"]
    best = pat["fits"][0]
    assert pat["chosen"] == "weibull"
    se = best["mean_se_s"]
    # The reported standard error is of the size sqrt(n) theory says (censoring inflates it).
    assert 0.5 / math.sqrt(pat["abandoned"]) < se / best["mean_s"] < 3 / math.sqrt(pat["abandoned"])
    assert abs(best["mean_s"] - WEIBULL_MEAN) < 4 * se
    assert abs(best["params"]["shape"] - 2.0) < 0.3
    # The naive estimate (mean wait of the abandoned) is far below the truth.
    assert pat["naive_mean_s"] < 0.7 * WEIBULL_MEAN
    assert WEIBULL_MEAN - pat["naive_mean_s"] > 10 * se
    # The exponential fit (wrong family) is rejected by AIC.
    aic = {f["dist"]: f["aic"] for f in pat["fits"]}
    assert aic["exponential"] - aic["weibull"] > 10


def test_round_trip_recovers_exponential_patience(exponential_case):
    _, _, log = exponential_case
    pat = calibrate(log).report["call_types"]["billing"]["patience"]
    expo = next(f for f in pat["fits"] if f["dist"] == "exponential")
    # abandons / total wait: the mean's relative sd is 1/sqrt(abandons).
    assert expo["mean_se_s"] == pytest.approx(
        expo["mean_s"] / math.sqrt(pat["abandoned"]), rel=1e-3
    )
    assert abs(expo["mean_s"] - 300) < 4 * expo["mean_se_s"]
    assert pat["naive_mean_s"] < 0.5 * 300
    assert 300 - pat["naive_mean_s"] > 10 * expo["mean_se_s"]
    # Whatever family AIC picks, its mean agrees (the Weibull nests the exponential).
    best = pat["fits"][0]
    assert abs(best["mean_s"] - 300) < 4 * best["mean_se_s"]


def test_log_kpis_equal_the_simulations_own(weibull_case):
    """The back-test's measured KPIs use the simulation's code: a simulated day read back
    from its log gives the same KPIs as the replication itself."""
    scenario, result, log = weibull_case
    for day in (0, 3):
        measured = replication_kpis(observations_from_log(log, scenario, day), scenario)
        own = result.kpis[day]
        for key in ("offered", "answered", "abandoned", "service_level", "asa_s", "abandon_rate"):
            assert measured["summary"][key] == pytest.approx(own["summary"][key], abs=1e-3)
            for m, o in zip(measured["by_interval"], own["by_interval"], strict=True):
                assert m[key] == pytest.approx(o[key], abs=1e-3, nan_ok=True)


def test_backtest_flags_a_wrong_scenario(weibull_case):
    scenario, _, log = weibull_case
    good = backtest(log, scenario, replications=40, seed=1, day=0)
    assert good["day"]["offered"]["measured"] == result_offered(log, 0)
    row = good["by_interval"][2]["service_level"]
    assert row["error"] == pytest.approx(row["measured"] - row["simulated"])
    # Each of the DAYS logged days is one draw of the true scenario: each lies in the
    # replications' 95 % range with probability ~0.95, so >= 7 of 10 fail with
    # probability < 0.002 (binomial) — while the CI of the mean would reject most.
    for key in ("service_level", "answered"):
        lo, hi = good["day"][key]["range95"]
        days = [
            replication_kpis(observations_from_log(log, scenario, d), scenario)["summary"][key]
            for d in range(DAYS)
        ]
        assert sum(lo <= v <= hi for v in days) >= 7, (key, lo, hi, days)
    # Two more agents than the log's center had: the day's measured SL is below the range.
    text = SCENARIO.format(volumes=VOLUMES, patience=WEIBULL, agents=11)
    wrong = backtest(log, parse_scenario(text), replications=20, seed=1, day=0)
    sl = wrong["day"]["service_level"]
    assert sl["in_range"] is False and sl["measured"] < sl["range95"][0]
    with pytest.raises(ValueError, match="10 days"):
        backtest(log, scenario, replications=2, seed=1)


def result_offered(log, day: int) -> int:
    on_day = np.floor(log.arrival / 86400) == day
    return int(np.sum(on_day & log.queued))


# --------------------------------------------------------------------------- estimators


def test_kaplan_meier_by_hand():
    # waits 1, 2+, 3, 3, 4+ (+ = answered, censored)
    t, s = kaplan_meier(np.array([1, 2, 3, 3, 4.0]), np.array([1, 0, 1, 1, 0], bool))
    assert t.tolist() == [1, 3]
    assert s == pytest.approx([4 / 5, 4 / 5 * (1 - 2 / 3)])
    # Without censoring it is the empirical survival function.
    x = np.random.default_rng(1).exponential(size=50)
    t, s = kaplan_meier(x, np.ones(50, bool))
    assert s == pytest.approx(1 - np.arange(1, 51) / 50)


def test_fit_durations_picks_the_family():
    rng = np.random.default_rng(5)
    gamma = rng.gamma(4.0, 50.0, size=3000)  # cv 0.5
    fits = fit_durations(gamma)
    assert fits[0].dist == "gamma" and fits[0].cv == pytest.approx(0.5, abs=0.05)
    expo = fit_durations(rng.exponential(100.0, size=3000))
    assert {"exponential", "gamma"} >= {expo[0].dist}
    assert [f.aic for f in fits] == sorted(f.aic for f in fits)


def test_patience_without_censoring_is_the_sample():
    x = np.random.default_rng(2).exponential(120.0, size=400)
    pat = fit_patience(x, np.ones(400, bool))
    expo = next(f for f in pat.fits if f.dist == "exponential")
    # (waits under MIN_DURATION_S count as that: a 1e-3 relative difference at most)
    assert expo.mean == pytest.approx(x.mean(), rel=1e-3)
    assert pat.naive_mean_s == pytest.approx(x.mean())


# --------------------------------------------------------------------------- staffing, IVR


def test_staffing_from_agent_sessions():
    cal = calibrate(read_call_log(DATA / "agents.csv"), staffing="sessions")
    st = cal.report["staffing"]
    assert st["starts"] == ["08:00", "08:30", "09:00"]
    # ann 08:00–08:50 (gaps 2 and 16 min: one session); bob 08:05–08:20 and
    # 09:20–09:28 (60 min apart: two sessions).
    assert st["sessions"] == pytest.approx([45 / 30, 20 / 30, 8 / 30], abs=0.01)
    assert st["seen"] == [2, 1, 1]
    assert st["busy"] == pytest.approx([38 / 30, 9 / 30, 7 / 30], abs=0.01)
    assert cal.scenario["agent_groups"]["agents"]["agents"] == [2, 1, 1]
    assert "sessions" in st["inferred_from"] or "session" in st["inferred_from"]


def test_without_agent_ids_staffing_is_busy_while_waiting(weibull_case):
    """No agent ids needed: the 9 agents of the simulated center are the agents busy
    while callers wait, in every interval where callers waited."""
    cal = calibrate(weibull_case[2])
    st = cal.report["staffing"]
    assert "busy while waiting" in st["inferred_from"]
    waited = np.array(st["days_with_wait"]) > 0
    assert waited.sum() >= 6
    assert np.array(st["agents"])[waited].tolist() == [9] * int(waited.sum())
    sessions = calibrate(weibull_case[2], staffing="sessions")
    assert any("no agent ids" in note for note in sessions.notes)


def test_ivr_round_trip(tmp_path):
    text = """
name: ivr round trip
horizon: {start: "08:00", end: "10:00", interval: 30min}
ivr:
  arrivals: {rate: 400/h}
  nodes:
    menu:
      duration: {dist: lognormal, mean: 40s, cv: 0.5}
      branches: {billing: 0.7, self_service: 0.3}
call_types:
  billing:
    handle_time: {dist: exponential, mean: 120s}
agent_groups:
  agents: {skills: [billing], agents: 12}
"""
    _, _, log = simulate_log(tmp_path, text, reps=3)
    cal = calibrate(log, ivr_mix="day")
    scenario_from_dict(cal.scenario)
    node = cal.scenario["ivr"]["nodes"]["menu"]
    n = cal.report["ivr"]["calls"]
    share = node["branches"]["self_service"]
    assert abs(share - 0.3) < 4 * math.sqrt(0.3 * 0.7 / n)
    assert node["duration"]["dist"] == "lognormal"
    assert abs(float(node["duration"]["mean"].rstrip("s")) - 40) < 4 * 40 * 0.5 / math.sqrt(n)
    assert "arrivals" not in cal.scenario["call_types"]["billing"]  # all came via the IVR
    assert sum(cal.scenario["ivr"]["arrivals"]["volumes"]) == pytest.approx(n / 3, abs=0.05)
    # by interval (the default): the IVR keeps the callers who never queued, the call
    # type gets the callers who queued, per interval of their queue entry
    by = calibrate(log)
    assert by.scenario["ivr"]["nodes"]["menu"]["branches"] == {"self_service": 1.0}
    queued = sum(by.scenario["call_types"]["billing"]["arrivals"]["volumes"])
    served = sum(by.scenario["ivr"]["arrivals"]["volumes"])
    assert queued + served == pytest.approx(n / 3, abs=0.05)
    assert served / (queued + served) == pytest.approx(share, abs=1e-4)  # volumes: 3 digits


# --------------------------------------------------------------------------- the log reader


def test_bad_row_is_an_error_naming_file_line_column_value(tmp_path):
    with pytest.raises(ScenarioError) as err:
        read_call_log(DATA / "bad_rows.csv", parse_columns(COLUMNS))
    text = str(err.value)
    assert "bad_rows.csv:3" in text and "'AnsTime'" in text and "'yesterday'" in text
    assert "ISO datetime" in text and "--skip-bad-rows" in text


def test_skip_bad_rows_counts_and_says_so(tmp_path, capsys):
    log = read_call_log(DATA / "bad_rows.csv", parse_columns(COLUMNS), skip_bad_rows=True)
    assert log.n_calls == 3 and log.skipped == 2
    assert "line 5" in log.reasons[1] and "before the queue time" in log.reasons[1]
    out = tmp_path / "s.yaml"
    code = main(
        [
            "calibrate",
            str(DATA / "bad_rows.csv"),
            "-o",
            str(out),
            "--columns",
            COLUMNS,
            "--skip-bad-rows",
            "--out",
            str(tmp_path / "r.json"),
        ]
    )
    assert code == 0
    assert "skipped 2 bad row(s)" in capsys.readouterr().err
    assert json.loads((tmp_path / "r.json").read_text())["skipped_rows"] == 2


def test_reader_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown field 'arival'"):
        parse_columns("arival=A")
    f = tmp_path / "log.csv"
    f.write_text("when,answer\n08:00,08:01\n")
    with pytest.raises(ScenarioError, match="no column 'arrival'.*--columns arrival=COLUMN"):
        read_call_log(f)
    f.write_text("arrival,answer,end\n100,90,200\n")
    with pytest.raises(
        ScenarioError, match=r"log.csv:2: column 'answer'.*before the (queue|arrival)"
    ):
        read_call_log(f, time_format="seconds")
    f.write_text("arrival,answer,end\n02/03/2026 08:00,02/03/2026 08:01,\n")
    with pytest.raises(ScenarioError, match="needs its end-of-service time"):
        read_call_log(f, time_format="%d/%m/%Y %H:%M")


# --------------------------------------------------------------------------- the commands


def test_calibrate_then_run_then_backtest_cli(weibull_case, tmp_path, capsys):
    _, _, log = weibull_case
    out = tmp_path / "cal.yaml"
    assert main(["calibrate", log.source, "-o", str(out), "--columns", COLUMNS]) == 0
    text = capsys.readouterr().out
    assert "chosen weibull" in text and "naive mean wait" in text
    assert main(["run", str(out), "--reps", "2", "--seed", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["offered"]["mean"] > 0
    code = main(
        [
            "backtest",
            log.source,
            str(out),
            "--reps",
            "3",
            "--seed",
            "1",
            "--day",
            "1",
            "--columns",
            COLUMNS,
            "--json",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["by_interval"]) == 8 and "in_range" in doc["day"]["service_level"]
    # without --day: every day of the log against the band, and a report of it
    folder = tmp_path / "bt"
    argv = ["backtest", log.source, str(out), "--reps", "4", "--columns", COLUMNS]
    assert main([*argv, "--out", str(folder)]) == 0
    assert "back-test over 10 day(s)" in capsys.readouterr().out
    doc = json.loads((folder / "backtest.json").read_text())
    assert len(doc["days"]) == 10 and doc["pairs"] == 40
    assert (folder / "backtest.png").stat().st_size > 10_000
    assert main(["report", str(folder)]) == 0
    page = (folder / "report.html").read_text()
    assert "day × KPI pairs inside" in page and "data:image/svg+xml" in page


def test_a_queued_call_without_a_type_is_a_bad_row(tmp_path):
    f = tmp_path / "log.csv"
    f.write_text("arrival,answer,abandon,end,call_type\n08:00,,08:00:30,,\n08:01,,,,\n")
    with pytest.raises(ScenarioError, match=r"log.csv:2: column 'call_type'.*needs its call type"):
        read_call_log(f)
    log = read_call_log(f, skip_bad_rows=True)
    assert log.skipped == 1 and log.call_type.tolist() == [-1]


def test_calibrate_cli_options(weibull_case, tmp_path, capsys):
    _, _, log = weibull_case
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "interval,agents\n" + "".join(f"{8 + i // 2:02d}:{i % 2 * 30:02d},9\n" for i in range(8))
    )
    out = tmp_path / "cal.yaml"
    argv = ["calibrate", log.source, "-o", str(out), "--columns", COLUMNS, "--patience", "survival"]
    assert main([*argv, "--staffing", str(staff)]) == 0
    text = capsys.readouterr().out
    assert "chosen survival" in text and "the staffing file given" in text
    scenario = parse_scenario(out.read_text())
    assert scenario.call_types[0].patience.kind == "survival"
    staff.write_text("interval,agents\n08:00,nine\n")
    assert main([*argv, "--staffing", str(staff)]) == 2
    assert "staff.csv:2: column 'agents': 'nine' is not a whole number" in capsys.readouterr().err
    assert main([*argv, "--interval", "6min"]) == 2
    assert "15min, 30min or 60min" in capsys.readouterr().err


def test_handle_time_that_varies_by_hour_is_written_by_period(tmp_path):
    """Handle time 120 s before 10:00 and 300 s after (lognormal, cv 0.8): one period per
    hour, each hour's mean within 4 standard errors (mean·cv/√n) of its truth."""
    from ccsim.data.logformat import load_log_format

    text = """
name: by period
horizon: {start: "08:00", end: "12:00", interval: 30min}
call_types:
  calls:
    arrivals: {volumes: [60, 60, 60, 60, 60, 60, 60, 60]}
    handle_time:
      by_period:
        - {from: "08:00", to: "10:00", dist: lognormal, mean: 120s, cv: 0.8}
        - {from: "10:00", to: "12:00", dist: lognormal, mean: 300s, cv: 0.8}
agent_groups:
  agents: {skills: [calls], agents: [6, 6, 6, 6, 13, 13, 13, 13]}
"""
    result = run(parse_scenario(text), replications=8, seed=3, keep_observations=True)
    trace = write_trace(result, tmp_path / "calls.csv")
    cal = calibrate(read_call_log(trace, fmt=load_log_format("ccsim-trace")))
    periods = cal.scenario["call_types"]["calls"]["handle_time"]["by_period"]
    assert [p["from"] for p in periods] == ["08:00", "09:00", "10:00", "11:00"]
    rows = cal.report["call_types"]["calls"]["handle_time"]["by_hour"]
    for p, row, truth in zip(periods, rows, (120, 120, 300, 300), strict=True):
        assert abs(float(p["mean"].rstrip("s")) - truth) < 4 * truth * 0.8 / math.sqrt(row["n"])
    scenario_from_dict(cal.scenario)
