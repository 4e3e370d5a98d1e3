"""Property-based fuzzing (hypothesis): every generated input is classified.

Each input is either refused with one clean error (a `ScenarioError`, or from the
command line exit 1 or 2 and one ``error:`` line, no traceback), or accepted and
sensible: finite numbers, fractions in [0, 1], every call accounted for (the
engine checks conservation in every replication). The budget is modest (about a
minute in all); ``experiments/fuzz.py --n 2000`` is the long run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ccsim.batch.runner import run  # noqa: E402
from ccsim.cli import main  # noqa: E402
from ccsim.scenario import ScenarioError, parse_scenario  # noqa: E402
from ccsim.scenario.limits import estimate_work  # noqa: E402

CORPUS = Path(__file__).parent / "data" / "fuzz_corpus"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same inputs on every run: CI is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 1e3, 1e20, 1e300, -1]),
)
DURATIONS = st.one_of(
    NUMBERS,
    st.builds(lambda x, u: f"{x}{u}", NUMBERS, st.sampled_from(["s", "min", "h", "m", "", "/h"])),
    st.text(max_size=8),
)
RATES = st.one_of(
    NUMBERS,
    st.builds(lambda x, u: f"{x}/{u}", NUMBERS, st.sampled_from(["h", "min", "s", "day"])),
)
CLOCKS = st.one_of(
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 30), st.integers(0, 70)),
    NUMBERS,
)
JUNK = st.one_of(NUMBERS, st.text(max_size=10), st.none(), st.booleans(), st.just([]))
DISTRIBUTIONS = st.one_of(
    DURATIONS,
    st.fixed_dictionaries({"dist": st.just("exponential"), "mean": DURATIONS}),
    st.fixed_dictionaries({"dist": st.just("lognormal"), "mean": DURATIONS, "cv": NUMBERS}),
    st.fixed_dictionaries({"dist": st.just("lognormal"), "mu": NUMBERS, "sigma": NUMBERS}),
    st.fixed_dictionaries({"dist": st.just("gamma"), "mean": DURATIONS, "cv": NUMBERS}),
    st.fixed_dictionaries({"dist": st.just("weibull"), "shape": NUMBERS, "scale": DURATIONS}),
    st.fixed_dictionaries({"dist": st.just("uniform"), "low": DURATIONS, "high": DURATIONS}),
    st.fixed_dictionaries({"dist": st.just("empirical"), "values": st.lists(DURATIONS)}),
)
TYPE_NAMES = st.sampled_from(["enquiries", "self_service", "hang_up", "sales", ""])


@st.composite
def scenarios(draw) -> dict:
    """Scenario data near a valid one: each field valid or junk."""
    name = draw(TYPE_NAMES)
    data = {
        "name": draw(st.one_of(st.just("fuzz"), JUNK)),
        "seed": draw(st.one_of(st.just(1), JUNK)),
        "horizon": {
            "start": draw(st.one_of(st.just("09:00"), CLOCKS)),
            "end": draw(st.one_of(st.just("10:00"), CLOCKS)),
            "interval": draw(st.one_of(st.just("30min"), DURATIONS)),
        },
        "call_types": {
            name: {
                "arrivals": draw(
                    st.one_of(
                        st.fixed_dictionaries({"rate": RATES}),
                        st.fixed_dictionaries({"volumes": st.lists(NUMBERS, max_size=3)}),
                    )
                ),
                "handle_time": draw(DISTRIBUTIONS),
                **draw(st.fixed_dictionaries({}, optional={"patience": DISTRIBUTIONS})),
            }
        },
        "agent_groups": {
            "team": {
                "skills": [name],
                "agents": draw(st.one_of(st.integers(0, 30), NUMBERS, JUNK)),
            }
        },
    }
    return data


def _finite_everywhere(value) -> bool:
    if dataclasses.is_dataclass(value):
        return all(_finite_everywhere(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return all(_finite_everywhere(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def _sensible_kpis(kpis: dict) -> None:
    for key, value in kpis["summary"].items():
        if isinstance(value, float) and not math.isnan(value):
            assert math.isfinite(value), key
            if key in ("service_level", "abandon_rate", "occupancy", "utilization"):
                assert -1e-9 <= value <= 1 + 1e-9, (key, value)


@FUZZ
@given(scenarios())
def test_fuzzed_scenarios_are_refused_cleanly_or_run_sensibly(data):
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):
        return
    try:
        scenario = parse_scenario(text, source="fuzz.yaml")
    except ScenarioError as err:
        assert str(err).startswith("fuzz.yaml")
        return
    assert _finite_everywhere(scenario)
    assert all(r >= 0 for ct in scenario.call_types for r in ct.rates)
    assert all(ct.name not in ("self_service", "hang_up") for ct in scenario.call_types)
    if estimate_work(scenario, 1).calls <= 3000:
        result = run(scenario, 1, 1, engine="simpy")  # conservation is checked inside
        _sensible_kpis(result.kpis[0])


CELLS = st.one_of(
    st.sampled_from(["09:00", "09:30", "10:00", "9:00", "25:00", "2026-12-01 09:00", ""]),
    st.builds(str, NUMBERS),
    st.text(max_size=6),
)


@FUZZ
@given(
    header=st.sampled_from(["start,volume", "interval;calls", "start,volume,aht", "a,b", ""]),
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=3), max_size=5),
    raw=st.binary(max_size=20),
)
def test_fuzzed_forecasts_are_refused_cleanly_or_read_sensibly(tmp_path, header, rows, raw):
    sep = ";" if ";" in header else ","
    body = "\n".join([header, *(sep.join(r) for r in rows)]).encode() + raw
    (tmp_path / "forecast.csv").write_bytes(body)
    text = (CORPUS / "base.yaml").read_text().replace("{rate: 200/h}", "{file: forecast.csv}")
    try:
        scenario = parse_scenario(text, source="s.yaml", base_dir=tmp_path)
    except ScenarioError as err:
        assert str(err)  # one message, naming a file
        return
    rates = scenario.call_types[0].rates
    assert len(rates) == scenario.horizon.n_intervals
    assert all(math.isfinite(r) and r >= 0 for r in rates)


OPTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("--reps"), st.sampled_from(["1", "0", "-2", "1e3", "x", "10**30"])),
        st.tuples(st.just("--seed"), st.sampled_from(["0", "-1", "18446744073709551616"])),
        st.tuples(st.just("--engine"), st.sampled_from(["simpy", "warp"])),
        st.tuples(st.just("--set"), st.sampled_from(["agent_groups.team.agents=1e30", "x=1"])),
        st.tuples(st.just("--set"), st.sampled_from(["seed=-1", "horizon.end=25:00"])),
        st.tuples(st.just("--scale-arrivals"), st.sampled_from(["1e9", "nan", "-1", "2"])),
        st.tuples(st.just("--max-calls"), st.sampled_from(["0", "x", "100"])),
        st.tuples(st.just("--precision"), st.sampled_from(["0", "nan", "0.9"])),
        st.tuples(st.just("--out"), st.sampled_from([".", "/proc/x", "base.yaml"])),
        st.tuples(st.just("--resume")),
        st.tuples(st.just("--debug-not-an-option")),
    ),
    max_size=3,
)


@FUZZ
@given(OPTIONS)
def test_fuzzed_command_lines_end_in_one_clean_line(tmp_path, options):
    args = [a for option in options for a in option]
    argv = ["run", str(CORPUS / "base.yaml"), "--reps", "1", "--engine", "simpy", "--json"]
    argv += [a if a != "base.yaml" else str(tmp_path / "x" / "base.yaml") for a in args]
    argv = [a if a != "." else str(tmp_path) for a in argv]
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: its usage line and message
            code = exc.code
    message = err.getvalue()
    assert "Traceback" not in message and "internal error" not in message, message
    assert code in (0, 1, 2), (code, message)
    if code != 0:
        assert "error:" in message


LOG_CELLS = st.one_of(
    st.sampled_from(["08:00:00", "2026-12-01T08:00:00+01:00", "2026-12-01 08:00", "", "x"]),
    st.text(max_size=5),
)


@FUZZ
@given(
    rows=st.lists(st.lists(LOG_CELLS, min_size=7, max_size=7), max_size=6),
    tail=st.binary(max_size=12),
)
def test_fuzzed_call_logs_are_refused_cleanly_or_read(tmp_path, rows, tail):
    from ccsim.data.calllog import read_call_log

    header = "arrival,queue,answer,abandon,end,call_type,agent"
    body = "\n".join([header, *(",".join(r) for r in rows)]).encode() + tail
    path = tmp_path / "log.csv"
    path.write_bytes(body)
    try:
        log = read_call_log(path)
    except ScenarioError as err:
        assert str(err)
        return
    assert log.n_calls >= 0
