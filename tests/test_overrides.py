"""What-if overrides: --set PATH=VALUE before validation, --scale-arrivals after it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import ccsim
from ccsim.cli import main
from ccsim.scenario import ScenarioError, load_scenario
from ccsim.scenario.overrides import (
    load_with_overrides,
    parse_path,
    parse_scale_arguments,
    scale,
)

ROOT = Path(__file__).resolve().parent.parent
TEACHING = ROOT / "scenarios" / "teaching_single_queue.yaml"
DEMO = ROOT / "scenarios" / "demo_two_types.yaml"
TECH = ROOT / "scenarios" / "tech_support.yaml"
HOTLINE = ROOT / "scenarios" / "telecom_hotline.yaml"
BANK = ROOT / "tests" / "data" / "good" / "bank.yaml"  # billing arrivals from a CSV file


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``text``."""
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def error_of(*args, **kwargs) -> str:
    with pytest.raises(ScenarioError) as info:
        load_with_overrides(*args, **kwargs)
    return str(info.value)


def group(scenario, name):
    return next(g for g in scenario.agent_groups if g.name == name)


def call_type(scenario, name):
    return scenario.call_types[scenario.call_type_index(name)]


# --------------------------------------------------------------------------- values


def test_set_values_reach_the_scenario():
    s = load_with_overrides(
        DEMO,
        [
            "agent_groups.generalists.agents=23",
            "call_types.billing.handle_time.mean=270s",
            "service_level.threshold=30s",
        ],
    )
    assert group(s, "generalists").agents == 23
    assert call_type(s, "billing").handle_time.mean == pytest.approx(270.0)
    assert s.service_level.threshold == 30.0
    # The cv was kept: only the mean changed.
    base = load_scenario(DEMO)
    assert (
        call_type(s, "billing").handle_time.params[1]
        == call_type(base, "billing").handle_time.params[1]
    )
    # The file is untouched by an override: loading it again gives the original.
    assert group(load_scenario(DEMO), "generalists").agents == 22


def test_values_are_yaml_flow_values_and_python_values_pass_as_they_are():
    s = load_with_overrides(
        DEMO,
        [
            "call_types.tech.patience={dist: exponential, mean: 3min}",
            "call_types.tech.arrivals.volumes=[" + ", ".join(["5"] * 24) + "]",
        ],
    )
    assert call_type(s, "tech").patience.kind == "exponential"
    assert call_type(s, "tech").patience.mean == 180.0
    assert call_type(s, "tech").rates == (5 / 1800,) * 24
    t = load_with_overrides(TEACHING, {"agent_groups.team.agents": 12, "horizon.end": "12:00"})
    assert group(t, "team").agents == 12 and t.horizon.n_intervals == 6


def test_list_items_by_index_both_spellings():
    base = load_scenario(TECH)
    shifts = group(base, "specialists").shifts
    dotted = load_with_overrides(TECH, ["agent_groups.specialists.shifts.0.agents=12"])
    bracketed = load_with_overrides(TECH, ["agent_groups.specialists.shifts[1].agents=9"])
    assert group(dotted, "specialists").shifts[0].agents == 12
    assert group(dotted, "specialists").shifts[1:] == shifts[1:]
    assert group(bracketed, "specialists").shifts[1].agents == 9
    line = load_with_overrides(TECH, ["agent_groups.generalists.agents.3=30"])
    assert group(line, "generalists").agents_per_interval[3] == 30
    assert parse_path("a.b[2].c") == ("a", "b", 2, "c")
    assert parse_path("a.b.2.c") == ("a", "b", "2", "c")


def test_absent_but_allowed_keys_are_added():
    assert call_type(load_scenario(TEACHING), "enquiries").patience is None
    s = load_with_overrides(
        TEACHING,
        [
            "call_types.enquiries.patience={dist: exponential, mean: 3min}",
            "call_types.enquiries.wrap_up=30s",
            "costs.agent_hour=25",  # the file has no costs section at all
        ],
    )
    ct = call_type(s, "enquiries")
    assert ct.patience.kind == "exponential" and ct.patience.mean == 180.0
    assert ct.wrap_up.kind == "deterministic" and ct.wrap_up.mean == 30.0
    assert s.costs.agent_hour == 25.0


def test_null_or_empty_removes_an_optional_key():
    for text in ("call_types.billing.patience=null", "call_types.billing.patience="):
        assert call_type(load_with_overrides(DEMO, [text]), "billing").patience is None


# --------------------------------------------------------------------------- errors


def test_bad_value_gets_the_file_error_with_line_and_origin():
    message = error_of(TEACHING, ["agent_groups.team.agents=-1"])
    line = line_of(TEACHING, "agents: 14")
    assert message == (
        f"{TEACHING}:{line}: agent_groups.team.agents: must be >= 0, got -1"
        " (from --set agent_groups.team.agents=-1)"
    )
    message = error_of(DEMO, ["call_types.billing.handle_time.dist=exponental"])
    assert f"{DEMO}:{line_of(DEMO, 'handle_time: {dist: lognormal')}:" in message
    assert "did you mean 'exponential'?" in message and "(from --set" in message


def test_error_inside_a_replaced_value_points_to_the_overridden_key():
    # The old patience had a mean on the same line; the new one's error is at its key.
    message = error_of(DEMO, ["call_types.billing.patience={dist: exponential, mean: -3min}"])
    assert message.startswith(f"{DEMO}:{line_of(DEMO, 'patience: {dist: exponential')}:")
    assert "call_types.billing.patience.mean: must be > 0" in message


def test_unknown_names_and_keys_say_what_exists_with_did_you_mean():
    message = error_of(DEMO, ["agent_groups.generalsts.agents=22"])
    assert "agent_groups.generalsts: unknown agent group 'generalsts';" in message
    assert "did you mean 'generalists'?" in message and "specialists" in message
    message = error_of(DEMO, ["call_types.biling.handle_time.mean=3min"])
    assert "unknown call type 'biling'; did you mean 'billing'? call types: billing, tech" in (
        message
    )
    message = error_of(DEMO, ["call_types.billing.patince.mean=3min"])
    assert "call_types.billing.patince: unknown key 'patince'; did you mean 'patience'?" in message
    assert "allowed keys: arrivals, handle_time" in message
    assert message.endswith("(from --set call_types.billing.patince.mean=3min)")


def test_bad_paths():
    assert "the list has items 0 to 23, got item 24" in error_of(
        DEMO, ["call_types.billing.arrivals.volumes.24=3"]
    )
    assert "is a list: give an item's index" in error_of(
        TECH, ["agent_groups.specialists.shifts.first.agents=3"]
    )
    assert "has no mean: set call_types.tech.wrap_up itself" in error_of(
        BANK, ["call_types.tech.wrap_up.mean=20s"]
    )
    assert "is not a field path" in error_of(DEMO, ["call_types..x=1"])
    assert "--set takes PATH=VALUE" in error_of(DEMO, ["agent_groups.generalists.agents"])
    assert "not valid YAML" in error_of(DEMO, ["call_types.billing.patience={dist: ["])


def test_an_error_elsewhere_names_the_overrides_it_followed():
    message = error_of(DEMO, ["agent_groups.generalists.skills=[tech]"])
    assert "no agent group has the skill 'billing'" in message
    assert message.endswith("(after --set agent_groups.generalists.skills=[tech])")


def test_a_wrong_file_reports_its_own_error_not_the_override():
    bad = ROOT / "tests" / "data" / "bad" / "bad_duration.yaml"
    with pytest.raises(ScenarioError) as plain:
        load_scenario(bad)
    assert error_of(bad, ["name=other"]) == str(plain.value)


# --------------------------------------------------------------------------- scaling


def test_scale_all_arrivals_multiplies_every_rate_exactly():
    base = load_scenario(DEMO)
    scaled = load_with_overrides(DEMO, scale_arrivals=1.1)
    interval = base.horizon.interval
    for b, s in zip(base.call_types, scaled.call_types, strict=True):
        assert s.rates == tuple(r * 1.1 for r in b.rates)
        # the expected offered volume of the day, exactly from the rates
        assert sum(s.rates) * interval == pytest.approx(1.1 * sum(b.rates) * interval, rel=1e-12)
    # billing's volumes add up to 2,240 calls a day: 1.1 × that are expected
    assert sum(call_type(scaled, "billing").rates) * interval == pytest.approx(2464, rel=1e-12)


def test_scale_one_type_and_both_multiply():
    base = load_scenario(BANK)  # billing from a CSV, tech volumes, sales a rate
    one = load_with_overrides(BANK, scale_arrivals={"billing": 1.2})
    assert call_type(one, "billing").rates == tuple(
        1.2 * r for r in call_type(base, "billing").rates
    )
    assert call_type(one, "tech").rates == call_type(base, "tech").rates
    both = load_with_overrides(BANK, scale_arrivals={None: 2.0, "sales": 1.5})
    assert call_type(both, "sales").rates == tuple(3.0 * r for r in call_type(base, "sales").rates)
    assert call_type(both, "tech").rates == tuple(2.0 * r for r in call_type(base, "tech").rates)


def test_scale_all_includes_the_ivr_and_refuses_ivr_only_types():
    base = load_scenario(HOTLINE)
    scaled = scale(base, {None: 0.5})
    assert scaled.ivr.rates == tuple(0.5 * r for r in base.ivr.rates)
    with pytest.raises(ScenarioError, match="'billing' has no arrivals of its own"):
        scale(base, {"billing": 2.0})


def test_scale_errors():
    assert "scale_arrivals: must be > 0, got 0" in error_of(DEMO, scale_arrivals={None: 0})
    assert "must be > 0, got -1" in error_of(DEMO, scale_arrivals={"tech": -1})
    message = error_of(DEMO, scale_arrivals={"tecch": 1.1})
    assert "unknown call type 'tecch'; did you mean 'tech'?" in message
    assert parse_scale_arguments(["1.1", "billing=1.2"]) == {None: 1.1, "billing": 1.2}
    with pytest.raises(ScenarioError, match="given twice"):
        parse_scale_arguments(["1.1", "2"])


# --------------------------------------------------------------------------- the CLI


def test_cli_run_uses_the_overridden_scenario(capsys):
    args = ["--reps", "2", "--seed", "3", "--workers", "1", "--json"]
    sets = ["--set", "agent_groups.team.agents=12", "--scale-arrivals", "enquiries=1.1"]
    assert main(["run", str(TEACHING), *sets, *args]) == 0
    doc = json.loads(capsys.readouterr().out)
    scenario = load_with_overrides(
        TEACHING, ["agent_groups.team.agents=12"], scale_arrivals={"enquiries": 1.1}
    )
    expected = ccsim.run(scenario, 2, 3).summary["summary"]
    assert doc["summary"]["service_level"] == expected["service_level"]
    assert doc["summary"]["offered"] == expected["offered"]


def test_cli_bad_value_exit_status_2_without_traceback(capsys):
    assert main(["run", str(TEACHING), "--set", "agent_groups.team.agents=many"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {TEACHING}:{line_of(TEACHING, 'agents: 14')}:")
    assert "must be a whole number, got 'many' (from --set agent_groups.team.agents=many)" in err
    assert main(["run", str(TEACHING), "--scale-arrivals", "enquiries=0"]) == 2
    assert "must be > 0, got 0 (from --scale-arrivals)" in capsys.readouterr().err


def test_cli_process_exit_status_and_message():
    done = subprocess.run(
        [sys.executable, "-m", "ccsim", "run", str(TEACHING), "--set", "agent_groups.tem.agents=3"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "unknown agent group 'tem'; did you mean 'team'?" in done.stderr
