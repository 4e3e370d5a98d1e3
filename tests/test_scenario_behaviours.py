"""Loading the caller-behaviour and crisis-event keys: retrial, callback, transfer,
price_per_call, busyness, events and engine."""

from __future__ import annotations

import contextlib
import copy
import math
from pathlib import Path

import pytest
import yaml
from test_scenario import _leaves
from test_scenario_channels import BAD_CHANNELS

from ccsim.scenario import Distribution, ScenarioError, load_scenario, parse_scenario
from ccsim.scenario.load import scenario_from_dict
from ccsim.scenario.model import Callback, CrisisEvent, Retrial, Transfer

DATA = Path(__file__).parent / "data"
# Not in good/: the fast engine runs every good file, and it has no redials yet.
GOOD = DATA / "behaviours" / "every_key.yaml"
H = 3600.0

BASE = """\
name: test
horizon: {start: "08:00", end: "10:00", interval: 30min}
call_types:
  billing:
    arrivals: {rate: 120/h}
    handle_time: 4min
  tech:
    arrivals: {rate: 60/h}
    handle_time: 6min
agent_groups:
  all: {skills: [billing, tech], agents: 5}
"""


def with_billing(lines: str, text: str = BASE) -> str:
    """``BASE`` with ``lines`` (indented 4) added to the billing call type."""
    return text.replace("handle_time: 4min", "handle_time: 4min\n" + lines, 1)


# --- a good scenario with every key ------------------------------------------------------


def test_good_file_loads_to_expected_values():
    s = load_scenario(GOOD)
    assert s.engine == "simpy"
    assert s.trunks == 40
    # gamma mean 1, cv 0.1: shape 1/cv² = 100, scale cv² = 0.01 (plain numbers, no unit)
    assert s.busyness.kind == "gamma"
    assert s.busyness.params == pytest.approx((100.0, 0.01))
    assert s.busyness.mean == pytest.approx(1, abs=1e-12)

    billing, tech = s.call_types
    assert billing.retrial == Retrial(
        probability=0.3,
        delay=Distribution("exponential", (600.0,)),
        max_attempts=4,
        after_blocked=False,
    )
    assert billing.callback == Callback(
        threshold=120.0,
        accept=0.6,
        reach=0.9,
        predictor="last_wait",
        deadline=7200.0,
        attempt_time=45.0,
    )
    assert billing.transfer == Transfer(0.1, "tech")

    # The defaults: 3 attempts, redials after blocks too; reach 1, queue_length, no
    # deadline, 30 s per failed attempt. A bare duration is a fixed delay.
    assert tech.retrial == Retrial(0.5, Distribution("deterministic", (300.0,)), 3, True)
    assert tech.callback == Callback(0.0, 1.0, 1.0, "queue_length", None, 30.0)
    assert tech.transfer == Transfer(1.0, "billing")  # certain, but billing's is 0.1

    generalists, partner = s.agent_groups
    assert (generalists.agent_hour, generalists.price_per_call) == (30.0, None)
    assert (partner.agent_hour, partner.price_per_call) == (None, 4.5)
    assert partner.agents == 20

    assert s.events == (
        CrisisEvent("surge", 10 * H, 11 * H, call_types=("billing",), factor=2.0,
                    label="surge ×2.0 billing"),
        CrisisEvent("surge", 8 * H, 8.5 * H, factor=0.5, label="quiet start"),
        CrisisEvent("trunk_outage", 9 * H, 9.5 * H, trunks=10,
                    label="trunk outage: 10 trunks working"),
        CrisisEvent("group_outage", 11 * H, 12 * H, group="generalists", agents=5,
                    label="group outage: 5 agents of generalists"),
        CrisisEvent("ivr_outage", 9 * H, 10 * H, to="billing",
                    label="IVR outage: self-service to billing"),
        CrisisEvent("absenteeism", 8 * H, 12 * H, group="partner", fraction=0.3,
                    label="absenteeism: 30 % of partner"),
    )  # fmt: skip


def test_defaults_when_the_new_keys_are_absent_or_null():
    s = parse_scenario(BASE)
    assert (s.engine, s.busyness, s.events) == ("auto", None, ())
    for ct in s.call_types:
        assert (ct.retrial, ct.callback, ct.transfer) == (None, None, None)
    assert s.agent_groups[0].price_per_call is None
    nulls = "    retrial: null\n    callback: null\n    transfer: null"
    text = with_billing(nulls) + "engine: null\nbusyness: null\nevents: null\n"
    assert parse_scenario(text) == parse_scenario(BASE)
    assert parse_scenario(BASE + "events: []\n").events == ()


@pytest.mark.parametrize("engine", ["auto", "simpy", "fast"])
def test_engine(engine):
    assert parse_scenario(BASE + f"engine: {engine}\n").engine == engine


# --- retrial, callback, transfer ---------------------------------------------------------


def test_retrial_probability_bounds_and_after_blocked():
    spec = "    retrial: {{probability: {p}, delay: 10min, after_blocked: {b}}}"
    r = parse_scenario(with_billing(spec.format(p=0, b="yes"))).call_types[0].retrial
    assert (r.probability, r.after_blocked) == (0.0, True)  # YAML 1.1 reads yes as true
    assert parse_scenario(with_billing(spec.format(p=1, b="false"))).call_types[0].retrial == (
        Retrial(1.0, Distribution("deterministic", (600.0,)), 3, False)
    )
    with pytest.raises(ScenarioError, match="must be true or false, got 'sometimes'"):
        parse_scenario(with_billing(spec.format(p=0.5, b="sometimes")))


def test_retrial_delay_is_any_distribution_of_durations():
    spec = "    retrial: {probability: 0.2, delay: {dist: lognormal, mean: 5min, cv: 1}}"
    delay = parse_scenario(with_billing(spec)).call_types[0].retrial.delay
    assert delay.kind == "lognormal" and delay.mean == pytest.approx(300)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(with_billing("    retrial: {probability: 0.2, delay: -1min}"))
    assert info.value.path == "call_types.billing.retrial.delay"


@pytest.mark.parametrize(
    ("spec", "path", "phrase"),
    [
        ("{threshold: -1s, accept: 0.5}", "threshold", "must be >= 0, got '-1s'"),
        ("{threshold: 1min, accept: 1.5}", "accept", "must be <= 1, got 1.5"),
        ("{threshold: 1min, accept: 0.5, reach: -0.1}", "reach", "must be >= 0"),
        ("{threshold: 1min, accept: 0.5, deadline: 0s}", "deadline", "must be > 0, got '0s'"),
        ("{threshold: 1min, accept: 0.5, attempt_time: 0}", "attempt_time", "must be > 0"),
        ("{threshold: 1min, acept: 0.5}", "acept", "did you mean 'accept'?"),
        ("{accept: 0.5}", "threshold", "is missing; required keys here: threshold, accept"),
    ],
)
def test_callback_rules(spec, path, phrase):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(with_billing(f"    callback: {spec}"))
    assert info.value.path == f"call_types.billing.callback.{path}"
    assert phrase in info.value.message


def test_transfer_probability_must_be_positive():
    with pytest.raises(ScenarioError, match="must be > 0, got 0") as info:
        parse_scenario(with_billing("    transfer: {probability: 0, to: tech}"))
    assert info.value.path == "call_types.billing.transfer.probability"


THREE = BASE.replace("[billing, tech]", "[billing, tech, sales]").replace(
    "agent_groups:", "  sales:\n    arrivals: {rate: 30/h}\n    handle_time: 5min\nagent_groups:"
)


def transfers(billing: str, tech: str, sales: str) -> str:
    text = THREE
    for name, spec in (("billing", billing), ("tech", tech), ("sales", sales)):
        if spec:
            p, to = spec.split()
            line = f"    transfer: {{probability: {p}, to: {to}}}\n"
            text = text.replace(f"  {name}:\n", f"  {name}:\n{line}", 1)
    return text


@pytest.mark.parametrize(
    ("billing", "tech", "sales", "cycle"),
    [
        ("1 tech", "1 sales", "", None),  # a certain chain that stops
        ("1 tech", "0.9 billing", "", None),  # a cycle, but not a certain one
        ("1 tech", "1 sales", "1 tech", "tech: tech -> sales -> tech"),
        ("1 tech", "1 sales", "1 billing", "billing: billing -> tech -> sales -> billing"),
        ("0.5 tech", "1 sales", "1 tech", "tech: tech -> sales -> tech"),  # billing leads in
        ("1 sales", "", "1 billing", "billing: billing -> sales -> billing"),
    ],
)
def test_only_cycles_of_certain_transfers_are_rejected(billing, tech, sales, cycle):
    text = transfers(billing, tech, sales)
    if cycle is None:
        assert parse_scenario(text).call_types[0].transfer.probability == 1
        return
    first, path = cycle.split(": ")
    with pytest.raises(ScenarioError, match="transfers of probability 1 form a cycle") as info:
        parse_scenario(text)
    assert info.value.path == f"call_types.{first}.transfer.probability"
    assert f"({path})" in info.value.message


# --- agent groups: price per call --------------------------------------------------------


def test_price_per_call():
    text = BASE + "  partner: {skills: [billing], agents: 3, price_per_call: 0}\n"
    partner = parse_scenario(text).agent_groups[1]
    assert (partner.price_per_call, partner.agent_hour) == (0.0, None)
    with pytest.raises(ScenarioError, match="must be >= 0, got -2") as info:
        parse_scenario(text.replace("price_per_call: 0", "price_per_call: -2"))
    assert info.value.path == "agent_groups.partner.price_per_call"
    # Either order: the error is at the key given second.
    both = text.replace("agents: 3,", "agents: 3, agent_hour: 20,")
    with pytest.raises(ScenarioError, match="not both") as info:
        parse_scenario(both)
    assert info.value.path == "agent_groups.partner.price_per_call"


# --- busyness ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("1", Distribution("deterministic", (1.0,))),
        ("{dist: gamma, shape: 4, scale: 0.25}", Distribution("gamma", (4.0, 0.25))),
        ("{dist: uniform, low: 0.8, high: 1.2}", Distribution("uniform", (0.8, 1.2))),
        ("{dist: empirical, values: [0.9, 1, 1.1]}", Distribution("empirical", (), (0.9, 1, 1.1))),
        ("{dist: gamma, mean: 1.0000005, cv: 0.2}",  # within 1e-6 of 1
         Distribution("gamma", (25.0, 1.0000005 * 0.04))),
    ],
)  # fmt: skip
def test_busyness_forms_take_plain_numbers(spec, expected):
    busyness = parse_scenario(BASE + f"busyness: {spec}\n").busyness
    assert busyness.kind == expected.kind
    assert busyness.params == pytest.approx(expected.params)
    assert busyness.values == pytest.approx(expected.values)


@pytest.mark.parametrize(
    "spec",
    ["{dist: lognormal, mean: 1, cv: 0.15}", "{dist: weibull, mean: 1, cv: 0.3}",
     "{dist: exponential, mean: 1}"],
)  # fmt: skip
def test_busyness_mean_cv_forms_have_mean_one(spec):
    busyness = parse_scenario(BASE + f"busyness: {spec}\n").busyness
    assert busyness.mean == pytest.approx(1, abs=1e-9)


def test_busyness_empirical_from_a_file(tmp_path):
    (tmp_path / "days.csv").write_text("factor\n0.8\n1.2\n\n1.0\n")
    text = BASE + "busyness: {dist: empirical, file: days.csv}\n"
    assert parse_scenario(text, base_dir=tmp_path).busyness.values == (0.8, 1.2, 1.0)
    (tmp_path / "days.csv").write_text("factor\n0.8\n1.2s\n")
    with pytest.raises(ScenarioError, match="must be a plain number >= 0 \\(no unit\\)") as info:
        parse_scenario(text, base_dir=tmp_path)
    assert (info.value.file, info.value.line) == (str(tmp_path / "days.csv"), 3)


@pytest.mark.parametrize(
    ("spec", "path", "phrase"),
    [
        ("{dist: gamma, mean: 1.00001, cv: 0.1}", "busyness.mean",
         "its mean must be 1, got 1.00001"),
        ("{dist: gamma, shape: 2, scale: 2}", "busyness", "its mean must be 1, got 4"),
        ("{dist: empirical, values: [1, 2]}", "busyness", "its mean must be 1, got 1.5"),
        ("2", "busyness", "its mean must be 1, got 2"),
        ("1s", "busyness", "must be a plain number such as 1 or 0.9 (a multiplier has no unit)"),
        ("{dist: exponential, mean: 1min}", "busyness.mean", "got '1min'"),
        ("{dist: uniform, low: 0.5, high: '1.5'}", "busyness.high", "got '1.5'"),
        ("{dist: empirical, values: [1, 1h]}", "busyness.values[1]", "a multiplier has no unit"),
        ("{dist: gamma, mean: 1, cv: 0}", "busyness.cv", "must be > 0"),
        ("[1]", "busyness", "{dist: gamma, mean: 1, cv: 0.1}, or a plain number"),
    ],
)  # fmt: skip
def test_busyness_rules(spec, path, phrase):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE + f"busyness: {spec}\n")
    assert info.value.path == path
    assert phrase in info.value.message


def test_durations_elsewhere_still_take_units():
    # The multiplier form is busyness's alone: a handle time's mean is still a duration.
    text = BASE.replace("handle_time: 4min", "handle_time: {dist: gamma, mean: 4min, cv: 1}")
    assert parse_scenario(text).call_types[0].handle_time.mean == pytest.approx(240)


# --- events ------------------------------------------------------------------------------


def events(*items: str, text: str = BASE) -> str:
    return text + "events:\n" + "".join(f"  - {item}\n" for item in items)


def test_default_labels_and_surge_of_every_type():
    s = parse_scenario(
        events(
            'surge: {from: "08:00", to: "10:00", factor: 1.25}',
            'surge: {from: "08:00", to: "09:00", factor: 3, call_types: [tech, billing]}',
            'absenteeism: {from: "09:00", to: "09:30", group: all, fraction: 1}',
        )
    )
    surge_all, surge_two, absent = s.events
    assert (surge_all.call_types, surge_all.label) == ((), "surge ×1.25 all call types")
    assert surge_two.call_types == ("tech", "billing")  # in the order written
    assert surge_two.label == "surge ×3.0 tech, billing"
    assert (absent.fraction, absent.label) == (1.0, "absenteeism: 100 % of all")


def test_trunk_outage_with_or_without_trunks():
    item = 'trunk_outage: {from: "08:00", to: "09:00", trunks: 0}'
    assert parse_scenario(events(item)).events[0].trunks == 0  # no trunks: allowed
    assert parse_scenario(events(item, text=BASE + "trunks: 5\n")).events[0].trunks == 0


@pytest.mark.parametrize(
    ("item", "path", "phrase"),
    [
        ("surge", "events[0]", "must be an event kind (surge, trunk_outage"),
        ("{}", "events[0]", "got an empty mapping"),
        ("surge:", "events[0].surge", "must be a mapping"),
        ('surge: {from: "08:00", to: "09:00"}', "events[0].surge.factor", "is missing"),
        ('surge: {from: "08:00", factor: 2}', "events[0].surge.to", "is missing"),
        ('surge: {from: "09:00", to: "09:00", factor: 2}', "events[0].surge.to",
         "must be after from (09:00)"),
        ('surge: {from: "07:00", to: "09:00", factor: 2}', "events[0].surge.from",
         "must be within the horizon (08:00 to 10:00)"),
        ('surge: {from: "08:00", to: "09:00", factor: 2, call_types: [tech, tech]}',
         "events[0].surge.call_types[1]", "'tech' is listed twice"),
        ('surge: {from: "08:00", to: "09:00", factor: 2, call_types: []}',
         "events[0].surge.call_types", "must name at least one call type"),
        ('surge: {from: "08:00", to: "09:00", factor: 2, trunks: 3}', "events[0].surge.trunks",
         "unknown key 'trunks'"),
        ('surge: {from: "08:00", to: "09:00", factor: 2, label: ""}', "events[0].surge.label",
         "a label must be non-empty text"),
        ('trunk_outage: {from: "08:00", to: "09:00", trunks: -1}',
         "events[0].trunk_outage.trunks", "must be >= 0"),
        ('group_outage: {from: "08:00", to: "09:00", group: all, agents: 0}',
         "events[0].group_outage.agents", "must be >= 1, got 0"),
        ('ivr_outage: {from: "08:00", to: "09:00", to_call_type: tech}', "events[0].ivr_outage",
         "needs an ivr section"),
        ('absenteeism: {from: "08:00", to: "09:00", group: all, fraction: 1.5}',
         "events[0].absenteeism.fraction", "must be <= 1, got 1.5"),
        ('from: "08:00"', "events[0].from", "'from' belongs inside the event's mapping"),
        ("surge_: {}", "events[0].surge_", "did you mean 'surge'?"),
    ],
)  # fmt: skip
def test_event_rules(item, path, phrase):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(events(item))
    assert info.value.path == path
    assert phrase in info.value.message


def test_events_must_be_a_list():
    with pytest.raises(ScenarioError, match="must be a list of events, each such as surge:"):
        parse_scenario(BASE + 'events: {surge: {from: "08:00", to: "09:00", factor: 2}}\n')


IVR = """\
ivr:
  arrivals: {rate: 60/h}
  nodes:
    menu: {duration: 20s, branches: {billing: 0.5, self_service: 0.5}}
"""


def test_ivr_outage_needs_an_existing_call_type():
    item = 'ivr_outage: {from: "08:00", to: "09:00", to_call_type: TYPE}'
    s = parse_scenario(events(item.replace("TYPE", "tech"), text=BASE + IVR))
    assert (s.events[0].to, s.events[0].label) == ("tech", "IVR outage: self-service to tech")
    with pytest.raises(ScenarioError, match="did you mean 'billing'?") as info:
        parse_scenario(events(item.replace("TYPE", "biling"), text=BASE + IVR))
    assert info.value.path == "events[0].ivr_outage.to_call_type"


# --- bad scenarios -----------------------------------------------------------------------

BAD_HERE = [
    # file, field path, line, a phrase of the message
    ("retrial_probability_above_one", "call_types.billing.retrial.probability", 8,
     "must be <= 1, got 30 (a probability: 0.3 is 30 %)"),
    ("retrial_max_attempts_one", "call_types.billing.retrial.max_attempts", 11,
     "must be >= 2, got 1 (attempts in all, the first included"),
    ("callback_missing_accept", "call_types.billing.callback.accept", 7,
     "is missing; required keys here: threshold, accept"),
    ("callback_bad_predictor", "call_types.billing.callback.predictor", 10,
     "must be one of queue_length, last_wait, got 'queue_lenght'; did you mean 'queue_length'?"),
    ("transfer_unknown_type", "call_types.billing.transfer.to", 7,
     "unknown call type 'tehc'; did you mean 'tech'?"),
    ("transfer_to_itself", "call_types.tech.transfer.to", 12,
     "a call type cannot transfer to itself ('tech')"),
    ("transfer_certain_cycle", "call_types.sales.transfer.probability", 11,
     "transfers of probability 1 form a cycle (sales -> tech -> sales)"),
    ("busyness_mean_not_one", "busyness.mean", 3,
     "its mean must be 1, got 1.1: one draw of busyness multiplies every arrival rate"),
    ("busyness_with_unit", "busyness.scale", 12,
     "must be a plain number such as 1 or 0.9 (a multiplier has no unit), got '0.01s'"),
    ("partner_with_agent_hour", "agent_groups.partner.agent_hour", 13,
     "give either agent_hour (paid per agent hour) or price_per_call"),
    ("bad_engine", "engine", 3,
     "must be one of auto, simpy, fast, got 'fsat'; did you mean 'fast'?"),
    ("event_two_kinds", "events[0].group_outage", 11,
     "give exactly one event kind per list item, got surge and group_outage"),
    ("event_unknown_kind", "events[1].trunk_outge", 11,
     "unknown event kind 'trunk_outge'; did you mean 'trunk_outage'?"),
    ("event_label_outside", "events[0].label", 11, "'label' belongs inside the event's mapping"),
    ("event_outside_horizon", "events[0].group_outage.to", 12,
     "must be within the horizon (08:00 to 10:00), got '11:00'"),
    ("ivr_outage_without_ivr", "events[0].ivr_outage", 10,
     "needs an ivr section: an IVR outage sends the callers who would have self-served"),
    ("surge_unknown_call_type", "events[0].surge.call_types[1]", 17,
     "unknown call type 'biling'; did you mean 'billing'?"),
    ("surge_factor_zero", "events[0].surge.factor", 10, "must be > 0, got 0"),
    ("trunk_outage_above_trunks", "events[0].trunk_outage.trunks", 11,
     "must be at most the scenario's trunks (20)"),
    ("group_outage_unknown_group", "events[0].group_outage.group", 10,
     "unknown agent group 'generalist'; did you mean 'generalists'?"),
    ("absenteeism_fraction_zero", "events[0].absenteeism.fraction", 10, "must be > 0, got 0"),
]  # fmt: skip
#: Every bad file of the behaviour keys; the chat and outbound ones are tested in
#: test_scenario_channels (test_scenario_model checks that each bad file is tested).
BAD_BEHAVIOURS = BAD_HERE + BAD_CHANNELS


@pytest.mark.parametrize(("stem", "path", "line", "phrase"), BAD_HERE, ids=[b[0] for b in BAD_HERE])
def test_bad_scenario(stem, path, line, phrase):
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "bad" / f"{stem}.yaml")
    err = info.value
    assert (err.path, err.line) == (path, line)
    assert phrase in err.message
    assert err.file == str(DATA / "bad" / f"{stem}.yaml")
    assert str(err).startswith(f"{err.file}:{line}: {path}: ")


@pytest.mark.parametrize(
    "junk", [None, True, "x", "", -1, 0, 1.5, math.inf, [], [1], {}, {"a": 1}, {1: 2}]
)
def test_any_wrong_value_anywhere_gives_a_scenario_error(junk):
    good = yaml.safe_load(GOOD.read_text())
    for loc in _leaves(good):
        data = copy.deepcopy(good)
        parent = data
        for key in loc[:-1]:
            parent = parent[key]
        if loc:
            parent[loc[-1]] = junk
        else:
            data = junk
        with contextlib.suppress(ScenarioError):  # anything else (KeyError, TypeError) fails
            scenario_from_dict(data)


def test_renaming_any_key_gives_a_scenario_error():
    good = yaml.safe_load(GOOD.read_text())
    for loc in _leaves(good):
        if not loc or not isinstance(loc[-1], str):
            continue
        data = copy.deepcopy(good)
        parent = data
        for key in loc[:-1]:
            parent = parent[key]
        parent["x" + loc[-1]] = parent.pop(loc[-1])
        with contextlib.suppress(ScenarioError):
            scenario_from_dict(data)
