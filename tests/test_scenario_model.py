"""Loading the contact-center keys: IVR, routing, staffing lines, shifts, absences."""

from __future__ import annotations

import contextlib
import copy
import math
from pathlib import Path

import pytest
import yaml
from test_scenario import BAD, _leaves
from test_scenario_behaviours import BAD_BEHAVIOURS

from ccsim.scenario import Distribution, ScenarioError, load_scenario, parse_scenario
from ccsim.scenario.load import scenario_from_dict
from ccsim.scenario.model import (
    Absence,
    Break,
    Ivr,
    IvrNode,
    OverflowStep,
    Shift,
)

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good" / "contact_center.yaml"
H = 3600.0

BASE = """\
name: test
horizon: {start: "08:00", end: "10:00", interval: 30min}
call_types:
  billing:
    arrivals: {rate: 120/h}
    handle_time: 4min
agent_groups:
  all: {skills: [billing], agents: 5}
"""


def lognormal(mean: float, cv: float) -> Distribution:
    sigma2 = math.log1p(cv**2)
    return Distribution("lognormal", (math.log(mean) - sigma2 / 2, math.sqrt(sigma2)))


# --- a good scenario with every key ------------------------------------------------------


def test_good_file_loads_to_expected_values():
    s = load_scenario(GOOD)
    n = s.horizon.n_intervals
    assert (s.horizon.start, s.horizon.end, n) == (8 * H, 12 * H, 8)

    assert s.ivr == Ivr(
        rates=(300 / H,) * n,
        entry="welcome",  # given, though not the first node listed
        nodes=(
            IvrNode(
                "balance",
                Distribution("deterministic", (40.0,)),
                (("self_service", 0.6), ("billing", 0.4)),
            ),
            IvrNode(
                "welcome",
                Distribution("uniform", (15.0, 30.0)),
                (("balance", 0.5), ("tech", 0.3), ("self_service", 0.1), ("hang_up", 0.1)),
            ),
        ),
    )
    assert s.ivr.node("balance").branches[1] == ("billing", 0.4)

    billing, tech, sales = s.call_types
    assert billing.name == "billing"
    assert billing.rates == (0.0,) * n  # no arrivals of its own: only through the IVR
    assert billing.handle_time.params == pytest.approx(lognormal(240, 0.9).params)
    assert billing.priority == 1
    assert billing.agent_selection == "preference"
    assert billing.preference == ("specialists", "generalists")
    assert billing.overflow == (
        OverflowStep(30.0, ("backoffice",)),
        OverflowStep(120.0, ("trainees",)),
    )
    assert billing.wrap_up is None and billing.patience is None and billing.aht is None

    assert tech.rates == pytest.approx([60 / H] * n)
    assert tech.priority == 5  # the default
    assert tech.agent_selection == "random"
    assert tech.preference == ()
    assert tech.overflow == (OverflowStep(60.0, ("generalists",)),)

    assert sales.rates == pytest.approx([v / 1800 for v in (10, 20, 30, 40, 40, 30, 20, 10)])
    assert (sales.priority, sales.agent_selection) == (5, "longest_idle")
    assert (sales.preference, sales.overflow) == ((), ())
    assert sales.handle_time == Distribution("deterministic", (300.0,))

    generalists, specialists, backoffice, trainees = s.agent_groups
    # {sales: 2, billing: 1, tech: 2}: by priority, ties in the order written.
    assert generalists.skills == ("billing", "sales", "tech")
    assert generalists.priorities == (1, 2, 2)
    assert [generalists.priority_of(k) for k in ("tech", "billing")] == [2, 1]
    assert generalists.agents == 25
    assert generalists.agents_per_interval is None and generalists.shifts == ()
    assert generalists.reserve == 2
    # A number multiplies the type's handle time; a distribution or duration replaces it.
    # Both are kept in the order of the group's skills.
    assert generalists.handle_time_factor == (("tech", 1.3),)
    assert [k for k, _ in generalists.handle_time] == ["billing", "sales"]
    assert generalists.handle_time[0][1].params == pytest.approx(lognormal(300, 0.8).params)
    assert generalists.handle_time[1][1] == Distribution("deterministic", (240.0,))
    assert generalists.shrinkage == 0.1
    assert generalists.agent_hour == 28.0

    assert specialists.skills == ("tech", "billing")
    assert specialists.priorities == (1, 1)  # a list: every skill priority 1
    assert specialists.agents == 0 and specialists.agents_per_interval is None
    assert specialists.shifts == (
        Shift(
            8 * H,
            11.5 * H,
            6,
            (
                Break(10 * H, 900.0),  # a fixed time, paid by default
                Break(10.5 * H, 1800.0, window_end=11.5 * H, paid=False),
            ),
        ),
        Shift(10 * H, 12 * H, 4),
    )
    assert (specialists.reserve, specialists.shrinkage, specialists.agent_hour) == (0, 0.0, None)
    assert specialists.handle_time_factor == () and specialists.handle_time == ()

    assert (backoffice.skills, backoffice.agents, backoffice.priorities) == (("billing",), 3, (1,))

    assert trainees.agents_per_interval == (0, 0, 2, 2, 4, 4, 2, 0)
    assert trainees.agents == 0 and trainees.shifts == ()

    assert s.absences == (
        Absence("generalists", 9 * H, 11 * H, 3),
        Absence("specialists", 10.5 * H, 11 * H, 1),
    )
    assert s.costs.agent_hour == 25.0


def test_defaults_when_the_new_keys_are_absent_or_null():
    text = BASE.replace("handle_time: 4min", "handle_time: 4min\n    priority: null")
    s = parse_scenario(text + "ivr: null\nabsences: null\n")
    (billing,), (group,) = s.call_types, s.agent_groups
    assert (billing.priority, billing.agent_selection) == (5, "longest_idle")
    assert (billing.preference, billing.overflow) == ((), ())
    assert (group.agents, group.priorities, group.agents_per_interval, group.shifts) == (
        5,
        (1,),
        None,
        (),
    )
    assert (group.reserve, group.handle_time_factor, group.handle_time) == (0, (), ())
    assert (group.shrinkage, group.agent_hour) == (0.0, None)
    assert s.ivr is None and s.absences == ()


IVR = """\
ivr:
  arrivals: {volumes: [10, 20, 30, 40]}
  nodes:
    menu:
      duration: 20s
      branches: BRANCHES
"""


def with_ivr(branches: str, text: str = BASE) -> str:
    return text + IVR.replace("BRANCHES", branches)


def test_ivr_entry_defaults_to_the_first_node_and_direct_arrivals_stay():
    s = parse_scenario(with_ivr("{billing: 0.7, again: 0.3}") + IVR_AGAIN)
    assert s.ivr.entry == "menu"
    assert s.ivr.rates == (10 / 1800, 20 / 1800, 30 / 1800, 40 / 1800)
    # A type with arrivals of its own and an IVR branch gets both.
    assert s.call_types[0].rates == (1 / 30,) * 4


IVR_AGAIN = """\
    again:
      duration: 10s
      branches: {menu: 1}
"""


@pytest.mark.parametrize(
    ("branches", "ok"),
    [
        ("{billing: 0.1, hang_up: 0.2, self_service: 0.7}", True),  # 0.9999999999999999
        ("{billing: 0.333333333333, hang_up: 0.333333333333, self_service: 0.333333333334}", True),
        ("{billing: 0.3333, hang_up: 0.3333, self_service: 0.3333}", False),
        ("{billing: 1, hang_up: 0}", True),
        ("{menu: 0.5, billing: 0.5}", True),  # a node may repeat itself
    ],
)
def test_ivr_probabilities_sum_to_one_within_1e_9(branches, ok):
    text = with_ivr(branches)
    if ok:
        parse_scenario(text)
    else:
        with pytest.raises(ScenarioError, match=r"must sum to 1, got 0\.9999$"):
            parse_scenario(text)


def test_ivr_exit_through_a_zero_probability_branch_is_no_exit():
    with pytest.raises(ScenarioError, match="callers could loop forever") as info:
        parse_scenario(with_ivr("{menu: 1, billing: 0}"))
    assert info.value.path == "ivr.nodes.menu"


def test_ivr_forecast_file_must_not_give_aht(tmp_path):
    (tmp_path / "ivr.csv").write_text(
        "start,volume,aht\n08:00,1,\n08:30,2,3min\n09:00,3,\n09:30,4,\n"
    )
    text = with_ivr("{billing: 1}").replace("{volumes: [10, 20, 30, 40]}", "{file: ivr.csv}")
    with pytest.raises(ScenarioError, match="has an aht column") as info:
        parse_scenario(text, base_dir=tmp_path)
    assert info.value.path == "ivr.arrivals.file"
    (tmp_path / "ivr.csv").write_text("start,volume\n08:00,1\n08:30,2\n09:00,3\n09:30,4\n")
    assert parse_scenario(text, base_dir=tmp_path).ivr.rates[3] == 4 / 1800


SHIFT = """\
agent_groups:
  all:
    skills: [billing]
    shifts:
      - start: "08:00"
        end: "10:00"
        agents: 3
        breaks: BREAKS
"""


def with_breaks(breaks: str) -> str:
    return BASE.split("agent_groups:")[0] + SHIFT.replace("BREAKS", breaks)


def test_breaks_may_touch_and_windows_are_not_checked_for_overlap():
    s = parse_scenario(
        with_breaks(
            '[{at: "08:30", length: 15min}, {at: "08:45", length: 15min},'
            ' {window: ["08:00", "10:00"], length: 2h},'
            ' {window: ["08:30", "09:00"], length: 15min}]'
        )
    )
    breaks = s.agent_groups[0].shifts[0].breaks
    assert [b.start for b in breaks] == [8.5 * H, 8.75 * H, 8 * H, 8.5 * H]
    assert [b.window_end for b in breaks] == [None, None, 10 * H, 9 * H]


def test_overflow_may_be_an_empty_list():
    text = BASE.replace("handle_time: 4min", "handle_time: 4min\n    overflow: []")
    assert parse_scenario(text).call_types[0].overflow == ()


def test_a_preference_group_may_also_overflow():
    text = (
        BASE.replace(
            "handle_time: 4min",
            "handle_time: 4min\n    agent_selection: preference\n    preference: [late, all]\n"
            "    overflow: [{after: 1min, groups: [late]}]",
        )
        + "  late: {skills: [billing], agents: 2}\n"
    )
    billing = parse_scenario(text).call_types[0]
    assert billing.preference == ("late", "all")
    assert billing.overflow == (OverflowStep(60.0, ("late",)),)


# --- bad scenarios -----------------------------------------------------------------------

BAD_MODEL = [
    # file, field path, line, a phrase of the message
    ("ivr_bad_target", "ivr.nodes.welcome.branches.biling", 8, "did you mean 'billing'?"),
    ("ivr_probabilities_sum", "ivr.nodes.welcome.branches", 8,
     "the probabilities must sum to 1, got 0.8"),
    ("ivr_probability_above_one", "ivr.nodes.welcome.branches.billing", 9, "must be <= 1, got 90"),
    ("ivr_loop_forever", "ivr.nodes.menu", 9, "callers could loop forever"),
    ("ivr_name_clash", "ivr.nodes.billing", 9, "'billing' is also a call type"),
    ("ivr_exit_name_clash", "ivr.nodes.self_service", 9, "is where a branch leaves the IVR"),
    ("ivr_entry_unknown", "ivr.entry", 5, "unknown IVR node 'welcom'; did you mean 'welcome'?"),
    ("ivr_no_nodes", "ivr.nodes", 5, "must name at least one IVR node"),
    ("type_gets_no_calls", "call_types.tech.arrivals", 12, "the call type gets no calls"),
    ("overflow_group_lacks_skill", "call_types.billing.overflow[0].groups[0]", 8,
     "does not have the skill 'billing': add billing to agent_groups.backoffice.skills"),
    ("overflow_unknown_group", "call_types.billing.overflow[0].groups[0]", 9,
     "did you mean 'backoffice'?"),
    ("overflow_not_increasing", "call_types.billing.overflow[1].after", 9,
     "must be later than the previous step's (2min)"),
    ("overflow_all_groups", "call_types.billing.overflow", 7, "nobody answers its calls at first"),
    ("overflow_group_twice", "call_types.billing.overflow[1].groups[1]", 9,
     "'backoffice' is already in step 0"),
    ("overflow_after_zero", "call_types.billing.overflow[0].after", 8, "must be > 0, got '0s'"),
    ("preference_missing", "call_types.billing.preference", 4,
     "is missing: agent_selection preference needs the list of groups"),
    ("preference_unknown_group", "call_types.billing.preference[1]", 10,
     "unknown agent group 'bakoffice'; did you mean 'backoffice'?"),
    ("preference_without_selection", "call_types.billing.preference", 7,
     "only applies with agent_selection: preference"),
    ("bad_agent_selection", "call_types.billing.agent_selection", 7,
     "did you mean 'longest_idle'?"),
    ("priority_out_of_range", "call_types.billing.priority", 7, "must be <= 9, got 10"),
    ("skill_priority_zero", "agent_groups.all.skills.billing", 13, "must be >= 1, got 0"),
    ("shift_outside_horizon", "agent_groups.all.shifts[1].end", 13,
     "must be within the horizon (08:00 to 12:00), got '18:30'"),
    ("shift_end_before_start", "agent_groups.all.shifts[0].end", 11, "must be after start (10:00)"),
    ("break_outside_shift", "agent_groups.all.shifts[0].breaks[1].at", 16,
     "the break (16:20 to 16:35) must lie within its shift (08:00 to 16:30)"),
    ("break_at_and_window", "agent_groups.all.shifts[0].breaks[0].window", 16,
     "give either at (a fixed time) or window"),
    ("break_no_time", "agent_groups.all.shifts[0].breaks[0]", 15, "has no time"),
    ("breaks_overlap", "agent_groups.all.shifts[0].breaks[2].at", 17,
     "overlaps the break at 10:00 (15min)"),
    ("window_shorter_than_break", "agent_groups.all.shifts[0].breaks[0].window", 15,
     "must be at least as long as the break (30min)"),
    ("window_not_two_clocks", "agent_groups.all.shifts[0].breaks[0].window", 15,
     "must be [start, end]: two clock times"),
    ("break_paid_text", "agent_groups.all.shifts[0].breaks[0].paid", 15,
     "must be true or false, got 'unpaid'"),
    ("agents_and_shifts", "agent_groups.all.shifts", 11, "give either agents or shifts, not both"),
    ("no_staffing", "agent_groups.all", 8,
     "give agents: N (all day), agents: [...] (one number per planning interval) or shifts"),
    ("staffing_line_wrong_length", "agent_groups.all.agents", 10,
     "expected 4 (4 intervals of 30min from 08:00 to 10:00), got 3"),
    ("absence_unknown_group", "absences[0].group", 10, "did you mean 'generalists'?"),
    ("absence_to_before_from", "absences[0].to", 12, "must be after from (11:00)"),
    ("absence_no_agents", "absences[0].agents", 10, "must be >= 1, got 0"),
    ("handle_time_unknown_skill", "agent_groups.front.handle_time.tech", 14,
     "'tech' is not a skill of this group"),
    ("handle_time_factor_zero", "agent_groups.front.handle_time.billing", 12,
     "must be > 0, got 0 (a multiplier"),
    ("shrinkage_one", "agent_groups.front.shrinkage", 11, "must be < 1, got 1"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("stem", "path", "line", "phrase"), BAD_MODEL, ids=[b[0] for b in BAD_MODEL]
)
def test_bad_scenario(stem, path, line, phrase):
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "bad" / f"{stem}.yaml")
    err = info.value
    assert (err.path, err.line) == (path, line)
    assert phrase in err.message
    assert err.file == str(DATA / "bad" / f"{stem}.yaml")
    assert str(err).startswith(f"{err.file}:{line}: {path}: ")


def test_every_bad_file_is_tested():
    stems = [b[0] for b in BAD + BAD_MODEL + BAD_BEHAVIOURS]
    assert len(stems) == len(set(stems))
    assert {p.stem for p in (DATA / "bad").glob("*.yaml")} == set(stems)


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
