"""Loading and validating scenarios: canonical values, and errors that name file, line and field."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
from pathlib import Path

import pytest
import yaml

from ccsim.scenario import Distribution, ScenarioError, load_scenario, parse_scenario
from ccsim.scenario.load import scenario_from_dict
from ccsim.units import format_clock, parse_clock, parse_duration, parse_rate

DATA = Path(__file__).parent / "data"

BASE = """\
name: test
horizon: {start: "08:00", end: "10:00", interval: 30min}
call_types:
  billing:
    arrivals: {rate: 120/h}
    handle_time: HANDLE
agent_groups:
  all: {skills: [billing], agents: 5}
"""


def handle_time(spec: str, base_dir: Path | None = None) -> Distribution:
    """The handle-time distribution of a one-queue scenario whose handle_time is ``spec``."""
    return parse_scenario(BASE.replace("HANDLE", spec), base_dir=base_dir).call_types[0].handle_time


# --- units -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("240s", 240), ("4min", 240), ("1.5h", 5400), ("30 s", 30), (45, 45), (2.5, 2.5),
     ("90", 90), ("-5s", -5), ("2 minutes", 120)],
)  # fmt: skip
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["4m", "abc", "", True, None, [1], "5/min", "1e999", math.nan])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match="must be a duration such as 240s, 4min or 1.5h"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "per_second"),
    [("120/h", 1 / 30), ("2/min", 1 / 30), ("0.5/s", 0.5), ("120 / h", 1 / 30), (120, 1 / 30),
     ("60", 1 / 60)],
)  # fmt: skip
def test_parse_rate(text, per_second):
    assert parse_rate(text) == pytest.approx(per_second, rel=1e-15)


@pytest.mark.parametrize("text", ["120/day", "120 h", "fast", False, "/h"])
def test_parse_rate_rejects(text):
    with pytest.raises(ValueError, match="must be a rate such as 120/h"):
        parse_rate(text)


def test_parse_clock():
    assert parse_clock("08:30") == 8.5 * 3600
    assert parse_clock("24:00") == 86400
    assert parse_clock("7:05:30") == 7 * 3600 + 5 * 60 + 30
    assert format_clock(parse_clock("08:30")) == "08:30"
    for bad in ("24:30", "8am", "08:60", 830, None):
        with pytest.raises(ValueError, match='must be a clock time "HH:MM"'):
            parse_clock(bad)


# --- good scenarios ----------------------------------------------------------------------


def test_good_file_loads_to_canonical_values():
    s = load_scenario(DATA / "good" / "bank.yaml")
    assert (s.name, s.seed, s.replications, s.trunks) == ("Retail bank, weekday", 42, 30, 250)
    assert (s.horizon.start, s.horizon.end, s.horizon.interval) == (8 * 3600, 10 * 3600, 1800)
    assert s.horizon.warmup == 1800 and s.horizon.n_intervals == 4
    assert (s.service_level.threshold, s.service_level.target) == (20, 0.8)
    assert s.service_level.definition == "offered"
    assert (s.costs.agent_hour, s.costs.telecom_minute) == (25.0, 0.02)
    billing, tech, sales = s.call_types
    # CSV rows in any order, a blank line, the AHT column: volume / interval seconds.
    assert billing.rates == pytest.approx([40 / 1800, 55 / 1800, 61 / 1800, 0.0])
    assert tech.rates == pytest.approx([10 / 1800, 14 / 1800, 20 / 1800, 25 / 1800])
    assert sales.rates == pytest.approx([1 / 30] * 4)
    assert billing.wrap_up == Distribution("exponential", (30.0,))
    assert billing.patience == Distribution("exponential", (180.0,))
    assert tech.wrap_up == Distribution("deterministic", (30.0,))  # the "30 s" shorthand
    assert tech.patience is None and sales.wrap_up is None
    generalists, specialists = s.agent_groups
    assert generalists.skills == ("billing", "tech", "sales") and generalists.agents == 25
    assert specialists.skills == ("tech", "sales")  # {sales: 2, tech: 1}, by priority
    assert s.source == str(DATA / "good" / "bank.yaml")


def test_lognormal_mean_cv():
    d = handle_time("{dist: lognormal, mean: 240s, cv: 0.9}")
    sigma2 = math.log(1 + 0.81)
    assert d.params == pytest.approx((math.log(240) - sigma2 / 2, math.sqrt(sigma2)))
    assert d.mean == pytest.approx(240)
    assert math.sqrt(d.variance) / d.mean == pytest.approx(0.9)


def test_gamma_mean_cv():
    d = handle_time("{dist: gamma, mean: 6min, cv: 1.2}")
    assert d.params == pytest.approx((1 / 1.44, 360 * 1.44))


@pytest.mark.parametrize("cv", [0.05, 0.3, 1.0, 2.5, 10.0])
def test_weibull_mean_cv_round_trips(cv):
    d = handle_time(f"{{dist: weibull, mean: 4min, cv: {cv}}}")
    assert d.mean == pytest.approx(240, rel=1e-9)
    assert math.sqrt(d.variance) / d.mean == pytest.approx(cv, rel=1e-9)


def test_weibull_cv_one_is_exponential():
    assert handle_time("{dist: weibull, mean: 4min, cv: 1}").params == pytest.approx((1, 240))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("{dist: exponential, mean: 4min}", Distribution("exponential", (240.0,))),
        ("{dist: deterministic, value: 1.5h}", Distribution("deterministic", (5400.0,))),
        ("{dist: deterministic, mean: 90}", Distribution("deterministic", (90.0,))),
        ("4min", Distribution("deterministic", (240.0,))),
        ("{dist: lognormal, mu: 5, sigma: 0.5}", Distribution("lognormal", (5.0, 0.5))),
        ("{dist: gamma, shape: 2, scale: 2min}", Distribution("gamma", (2.0, 120.0))),
        ("{dist: weibull, shape: 1.5, scale: 300}", Distribution("weibull", (1.5, 300.0))),
        ("{dist: uniform, low: 0, high: 10min}", Distribution("uniform", (0.0, 600.0))),
        ("{dist: empirical, values: [60, 2min, 300s]}",
         Distribution("empirical", (), (60.0, 120.0, 300.0))),
    ],
)  # fmt: skip
def test_distribution_parametrisations(spec, expected):
    assert handle_time(spec) == expected


def test_empirical_from_csv_column(tmp_path):
    (tmp_path / "aht.csv").write_text("date,talk\n2024-05-01,180\n2024-05-01,4min\n2024-05-02,\n")
    d = handle_time("{dist: empirical, file: aht.csv, column: talk}", base_dir=tmp_path)
    assert d.values == (180.0, 240.0)
    (tmp_path / "one.csv").write_text("seconds\n100\n200\n")
    assert handle_time("{dist: empirical, file: one.csv}", base_dir=tmp_path).mean == 150


def test_unquoted_clock_times_and_midnight():
    # YAML 1.1 reads 20:00 as the base-60 integer 1200; the loader keeps the text.
    text = BASE.replace('{start: "08:00", end: "10:00"', "{start: 20:00, end: 24:00")
    s = parse_scenario(text.replace("HANDLE", "4min"))
    assert (s.horizon.start, s.horizon.end, s.horizon.n_intervals) == (72000, 86400, 8)


def test_volumes_become_rates_per_second():
    text = BASE.replace("{rate: 120/h}", "{volumes: [0, 30, 60.5, 90]}").replace("HANDLE", "4min")
    assert parse_scenario(text).call_types[0].rates == (0, 30 / 1800, 60.5 / 1800, 90 / 1800)


def test_yaml_anchors_and_merge_keys():
    text = BASE.replace("HANDLE", "&h {dist: exponential, mean: 4min}").replace(
        "agent_groups:",
        "  tech:\n    <<: {arrivals: {rate: 1/min}}\n    handle_time: *h\nagent_groups:",
    )
    s = parse_scenario(text.replace("[billing]", "[billing, tech]"))
    assert s.call_types[1].handle_time == s.call_types[0].handle_time
    assert s.call_types[1].rates[0] == pytest.approx(1 / 60)


def test_scenario_from_dict_for_what_if_overrides():
    data = yaml.safe_load((DATA / "good" / "bank.yaml").read_text())
    data["agent_groups"]["generalists"]["agents"] = 22
    s = scenario_from_dict(data, base_dir=DATA / "good")
    assert s.agent_groups[0].agents == 22
    data["agent_groups"]["generalists"]["agents"] = -1
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, base_dir=DATA / "good")
    assert str(info.value) == "<dict>: agent_groups.generalists.agents: must be >= 0, got -1"


# --- bad scenarios -----------------------------------------------------------------------

BAD = [
    # file, field path, line, a phrase of the message
    ("missing_handle_time", "call_types.billing.handle_time", 4, "is missing"),
    ("negative_mean", "call_types.billing.patience.mean", 9, "must be > 0, got '-30s'"),
    ("unknown_distribution", "call_types.billing.handle_time.dist", 7,
     "must be one of exponential, deterministic, lognormal"),
    ("volumes_wrong_length", "call_types.billing.arrivals.volumes", 6, "expected 4"),
    ("unknown_skill", "agent_groups.all.skills[1]", 14, "did you mean 'tech'?"),
    ("bad_duration", "call_types.billing.handle_time.mean", 6,
     "must be a duration such as 240s, 4min or 1.5h"),
    ("malformed", None, 6, "malformed YAML"),
    ("unknown_top_key", "agent_group", 7, "did you mean 'agent_groups'?"),
    ("unknown_call_type_key", "call_types.billing.patince", 7, "did you mean 'patience'?"),
    ("list_for_mapping", "horizon", 2, "must be a mapping"),
    ("duplicate_key", "call_types.billing", 7, "duplicate key 'billing' (first given on line 4)"),
    ("bad_interval", "horizon.interval", 5, "must be 15min, 30min or 60min"),
    ("end_before_start", "horizon.end", 4, "must be after start (20:00+1)"),
    ("bad_clock", "horizon.start", 3, 'must be a clock time "HH:MM"'),
    ("warmup_not_multiple", "horizon.warmup", 6, "whole number of 30min intervals"),
    ("target_above_one", "service_level.target", 5, "must be <= 1"),
    ("bad_sl_definition", "service_level.definition", 3, "did you mean 'answered'?"),
    ("uncovered_call_type", "call_types.tech", 7, "no agent group has the skill 'tech'"),
    ("bad_csv_row", "call_types.billing.arrivals.file", 4, "volume must be a non-negative"),
    ("csv_missing_interval", "call_types.billing.arrivals.file", None, "no row for interval 09:30"),
    ("csv_not_found", "call_types.billing.arrivals.file", 6, "file not found"),
    ("bool_for_number", "agent_groups.all.agents", 10, "must be a whole number, got true"),
    ("text_for_number", "costs.agent_hour", 10, "must be a number, got '25 EUR'"),
    ("cv_zero", "call_types.billing.handle_time.cv", 6, "use dist: deterministic"),
    ("missing_cv", "call_types.billing.handle_time.cv", 6, "lognormal takes mean and cv"),
    ("two_arrival_kinds", "call_types.billing.arrivals.volumes", 7, "exactly one of rate, volumes"),
    ("bad_rate", "call_types.billing.arrivals.rate", 5, "must be a rate such as 120/h"),
    ("empty", None, None, "a scenario must be a mapping"),
]  # fmt: skip


@pytest.mark.parametrize(("stem", "path", "line", "phrase"), BAD, ids=[b[0] for b in BAD])
def test_bad_scenario(stem, path, line, phrase):
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "bad" / f"{stem}.yaml")
    err = info.value
    assert (err.path, err.line) == (path, line)
    assert phrase in err.message
    in_csv = stem in ("bad_csv_row", "csv_missing_interval")  # errors inside a CSV file name it
    assert err.file == str(DATA / "bad" / f"{stem}.{'csv' if in_csv else 'yaml'}")
    assert str(err).startswith(f"{err.file}:{line}: " if line else f"{err.file}: ")


@pytest.mark.parametrize(
    ("csv", "line", "phrase"),
    [
        ("start,volume\n08:00,1\n08:30,2\n08:00,3\n", 4, "08:00 appears twice (first on line 2)"),
        ("start,volume\n08:15,1\n", 2, "08:15 is not the start of a planning interval"),
        ("start,volume\n10:00,1\n", 2, "(4 intervals of 30min from 08:00 to 10:00)"),
        ("start,volume\n08:00,1,5\n", 2, "expected 2 values (start, volume), got 3"),
        ("start,volum\n", 1, "did you mean 'volume'?"),
        ("start,aht\n", 1, "no volume column: name it volume (or calls, offered)"),
        ("start,volume,aht\n08:00,1,-5\n", 2, "aht must be > 0"),
        ("", None, "the file is empty"),
    ],
)
def test_bad_forecast_csv(tmp_path, csv, line, phrase):
    (tmp_path / "f.csv").write_text(csv)
    text = BASE.replace("{rate: 120/h}", "{file: f.csv}").replace("HANDLE", "4min")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, base_dir=tmp_path)
    err = info.value
    assert (err.file, err.line, err.path) == (
        str(tmp_path / "f.csv"),
        line,
        "call_types.billing.arrivals.file",
    )
    assert phrase in err.message


def test_forecast_csv_with_semicolons_and_excel_headers(tmp_path):
    csv = "\ufeffInterval Start;Offered;AHT\n09:30;4;\n08:00;1;\n08:30;2;3min\n09:00;3;\n"
    (tmp_path / "f.csv").write_text(csv, encoding="utf-8")
    text = BASE.replace("{rate: 120/h}", "{file: f.csv}").replace("HANDLE", "4min")
    rates = parse_scenario(text, base_dir=tmp_path).call_types[0].rates
    assert rates == pytest.approx([1 / 1800, 2 / 1800, 3 / 1800, 4 / 1800])


def test_every_bad_file_listed_here_exists():
    # The contact-center keys' bad files are listed in test_scenario_model.py, which
    # checks that the two lists together cover tests/data/bad.
    assert {b[0] for b in BAD} <= {p.stem for p in (DATA / "bad").glob("*.yaml")}


def test_error_text_and_pickling():
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "bad" / "negative_mean.yaml")
    err = info.value
    assert str(err) == (
        f"{DATA / 'bad' / 'negative_mean.yaml'}:9: call_types.billing.patience.mean: "
        "must be > 0, got '-30s'"
    )
    assert isinstance(err, ValueError)
    again = pickle.loads(pickle.dumps(err))
    assert (str(again), again.path, again.line) == (str(err), err.path, err.line)
    assert str(ScenarioError("no luck")) == "no luck"
    assert str(ScenarioError("no luck", line=3)) == "line 3: no luck"


def test_missing_scenario_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file") as info:
        load_scenario(tmp_path / "nowhere.yaml")
    assert info.value.file == str(tmp_path / "nowhere.yaml")


def test_parse_scenario_names_its_source():
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE.replace("HANDLE", "-4min"), source="inline")
    assert str(info.value).startswith("inline:6: call_types.billing.handle_time: must be > 0")


def _leaves(data, loc=()):
    """Every location in nested dicts and lists."""
    yield loc
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*loc, i))


@pytest.mark.parametrize(
    "junk", [None, True, "x", "", -1, 0, 1.5, math.inf, [], [1], {}, {"a": 1}, {1: 2}]
)
def test_any_wrong_value_anywhere_gives_a_scenario_error(junk):
    good = yaml.safe_load((DATA / "good" / "bank.yaml").read_text())
    for loc in _leaves(good):
        data = copy.deepcopy(good)
        parent = data
        for key in loc[:-1]:
            parent = parent[key]
        if loc:
            parent[loc[-1]] = junk
        else:
            data = junk
        try:  # anything else (KeyError, TypeError) fails
            scenario = scenario_from_dict(data, base_dir=DATA / "good")
        except ScenarioError as err:
            assert str(err).startswith("<dict>")  # one message, naming where
            continue
        # accepted: then sensible (the junk was in an optional or free-text field)
        assert _finite(scenario), loc
        assert all(r >= 0 for ct in scenario.call_types for r in ct.rates), loc


def _finite(value) -> bool:
    """Every number in a validated scenario is finite."""
    if dataclasses.is_dataclass(value):
        return all(_finite(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return all(_finite(v) for v in value)
    return not isinstance(value, float) or math.isfinite(value)
