"""The kinds' registries (ccsim.scenario.kinds): one class per distribution kind and per
crisis-event kind, each registry the same list as the scenario format's docs.

Oracles: the docs' tables, the distributions' textbook moments (with CLT bounds on
the sample mean and variance), hand-written labels, and what a report row shows.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_draws import DISTS, N, Z, fourth_central_moment, raw_moment

from ccsim.outputs.html_scenario import _call_type_row
from ccsim.scenario import load_scenario, parse_scenario
from ccsim.scenario.kinds.distributions import KINDS, dist_kind
from ccsim.scenario.kinds.events import EVENTS, event_kind
from ccsim.scenario.model import DIST_KINDS, EVENT_KINDS, CrisisEvent, Distribution

ROOT = Path(__file__).resolve().parent.parent
FORMAT = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")


def _documented_dist_rows() -> dict[str, str]:
    """The rows of the format's "Distribution parameters, exactly" table: kind -> give."""
    table = FORMAT.split("Distribution parameters, exactly:", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]*) \|", table, flags=re.M)
    return dict(rows)


def test_every_documented_distribution_kind_has_a_class_and_back():
    rows = _documented_dist_rows()
    assert list(rows) == list(KINDS) == list(DIST_KINDS)
    for name, give in rows.items():
        kind = KINDS[name]
        assert kind.name == name
        # every parameter the class reads is one the docs tell the planner to give
        for key in {key for form in kind.forms for key in form}:
            assert f"`{key}" in give, (name, key)


def test_every_documented_event_kind_has_a_class_and_back():
    row = re.search(r"^\| `events` \| .*?the kind: (.*) \|$", FORMAT, flags=re.M)
    assert row is not None
    documented = re.findall(r"`(\w+)`", row.group(1))
    assert documented == list(EVENTS) == list(EVENT_KINDS)
    for name, kind in EVENTS.items():
        keys = re.search(rf"^\| `{name}` \| (.*) \|$", FORMAT, flags=re.M)
        assert keys is not None, name
        for key in kind.required:
            assert f"`{key}` (required)" in keys.group(1), (name, key)
        for key in kind.optional:
            assert f"`{key}` optional" in keys.group(1), (name, key)


def test_unknown_kinds_are_named():
    with pytest.raises(ValueError, match="unknown distribution kind 'pareto'"):
        dist_kind("pareto")
    with pytest.raises(ValueError, match="unknown event kind 'meteor'"):
        event_kind("meteor")


# --- each distribution kind's draws against its textbook moments ------------------------


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_samples_its_theoretical_mean_and_variance(name):
    """The kind's own `sample`, not through the kernels: a new kind needs an example in
    test_draws.DISTS. The mean is within Z standard errors (CLT, sqrt(var / n)); the
    sample variance within Z of its own standard error, sqrt((mu4 - var²) / n)."""
    d = DISTS[name]
    kind = KINDS[name]
    x = kind.sample(np.random.default_rng(1601), d, N)
    mean = raw_moment(d, 1)  # the textbook moments, not the class's formulas
    var = raw_moment(d, 2) - mean**2
    assert math.isclose(kind.mean(d), mean, rel_tol=1e-9)
    assert math.isclose(kind.variance(d), var, rel_tol=1e-9, abs_tol=1e-9)
    if var == 0:
        assert np.all(x == mean)
        return
    assert abs(x.mean() - mean) < Z * math.sqrt(var / N)
    se_var = math.sqrt((fourth_central_moment(d) - var**2) / N)
    assert abs(x.var(ddof=1) - var) < Z * se_var


@pytest.mark.parametrize("name", list(KINDS))
def test_scaled_multiplies_the_mean_and_keeps_the_cv(name):
    d = DISTS[name]
    s = KINDS[name].scaled(d, 1.5)
    assert s.kind == name
    assert math.isclose(s.mean, 1.5 * d.mean, rel_tol=1e-12)
    assert math.isclose(math.sqrt(s.variance), 1.5 * math.sqrt(d.variance), rel_tol=1e-9)


def test_parts_flatten_only_mixtures():
    mix = DISTS["mixture"]
    assert KINDS["mixture"].parts(mix) == mix.components
    expo = DISTS["exponential"]
    assert KINDS["exponential"].parts(expo) == ((1.0, expo),)


def test_only_the_exponential_is_memoryless():
    assert [name for name, kind in KINDS.items() if kind.memoryless] == ["exponential"]


def test_survival_functions_of_the_fitted_kinds():
    t = np.array([0.0, 60.0, 300.0])
    expo = KINDS["exponential"].survival((120.0,), t)
    np.testing.assert_allclose(expo, np.exp(-t / 120.0), rtol=1e-15)
    # Weibull of shape 1 is the exponential of mean scale
    np.testing.assert_allclose(KINDS["weibull"].survival((1.0, 120.0), t), expo, rtol=1e-15)
    # lognormal: S(median) = 1/2, the median being exp(mu)
    assert math.isclose(KINDS["lognormal"].survival((5.0, 0.7), np.array([math.exp(5.0)]))[0], 0.5)
    with pytest.raises(NotImplementedError):
        KINDS["uniform"].survival((1.0, 2.0), t)


# --- descriptions: what outputs show ----------------------------------------------------


@pytest.mark.parametrize("name", list(KINDS))
def test_report_row_shows_the_kinds_description(name):
    s = load_scenario(ROOT / "scenarios" / "teaching_single_queue.yaml")
    d = DISTS[name]
    ct = replace(s.call_types[0], handle_time=d)
    row = _call_type_row(ct, s, "en")
    handle = row[4]
    assert handle.endswith(f" ({KINDS[name].describe(d)})")
    assert handle.endswith(f" ({name})")  # the report names the kind as the file does


def test_default_event_labels_are_the_documented_ones():
    """The format's example events, unlabelled, get the labels the docs list."""
    block = FORMAT.split("## Caller behaviours and crisis events", 1)[1]
    documented = block.split("Without a `label`, an event is named from its keys:", 1)[1]
    documented = documented.split("\n\n", 1)[0]
    labels = [x for x in re.findall(r"`([^`]+)`", documented) if " " in x]  # not `call_types`
    text = """\
name: events
horizon: {start: "08:00", end: "16:00", interval: 30min}
trunks: 20
ivr:
  arrivals: {rate: 10/h}
  entry: menu
  nodes:
    menu: {duration: 30s, branches: {billing: 0.5, self_service: 0.5}}
call_types:
  billing: {arrivals: {rate: 60/h}, handle_time: 4min}
agent_groups:
  generalists: {skills: [billing], agents: 10}
events:
  - surge: {from: "10:00", to: "11:00", factor: 2.0, call_types: [billing]}
  - surge: {from: "10:00", to: "11:00", factor: 1.5}
  - trunk_outage: {from: "13:00", to: "13:30", trunks: 10}
  - group_outage: {from: "14:00", to: "15:00", group: generalists, agents: 5}
  - ivr_outage: {from: "09:00", to: "10:00", to_call_type: billing}
  - absenteeism: {from: "08:00", to: "12:00", group: generalists, fraction: 0.3}
"""
    events = parse_scenario(text).events
    assert [e.label for e in events] == labels
    assert [e.label for e in events] == [e.rule.describe(e) for e in events]


def test_what_each_event_kind_does_to_the_day():
    h = 3600.0
    surge = CrisisEvent("surge", 10 * h, 11 * h, call_types=("billing",), factor=2.0)
    assert surge.rule.arrival_factor(surge, "billing") == 2.0
    assert surge.rule.arrival_factor(surge, "tech") == 1.0
    assert surge.rule.arrival_factor(surge, None) == 1.0  # the IVR's arrivals
    everyone = replace(surge, call_types=())
    assert everyone.rule.arrival_factor(everyone, None) == 2.0
    trunks = CrisisEvent("trunk_outage", 9 * h, 10 * h, trunks=3)
    assert trunks.rule.trunks_working(trunks) == (9 * h, 10 * h, 3)
    outage = CrisisEvent("group_outage", h, 2 * h, group="g", agents=4)
    assert outage.rule.away(outage) == ("g", h, 2 * h, 4, None)
    flu = CrisisEvent("absenteeism", h, 2 * h, group="g", fraction=0.25)
    assert flu.rule.away(flu) == ("g", h, 2 * h, 0, 0.25)
    ivr = CrisisEvent("ivr_outage", h, 2 * h, to="billing")
    assert ivr.rule.self_service_to(ivr) == "billing"
    # each event acts on its own part of the day only
    for e in (surge, trunks, outage, flu, ivr):
        effects = [
            e.rule.arrival_factor(e, "billing") != 1.0,
            e.rule.trunks_working(e) is not None,
            e.rule.away(e) is not None,
            e.rule.self_service_to(e) is not None,
        ]
        assert sum(effects) == 1, e.kind


def test_a_distribution_reads_its_rules_from_its_kind():
    d = Distribution("gamma", (2.0, 3.0))
    assert d.rule is KINDS["gamma"]
    assert (d.mean, d.variance) == (6.0, 18.0)  # shape·scale, shape·scale²
