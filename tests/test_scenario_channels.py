"""Loading the chat and outbound keys: a call type's channel, a group's chat section and
outbound campaigns."""

from __future__ import annotations

import contextlib
import copy
import math
from pathlib import Path

import pytest
import yaml
from test_scenario import _leaves

from ccsim.scenario import Distribution, ScenarioError, load_scenario, parse_scenario
from ccsim.scenario.load import scenario_from_dict
from ccsim.scenario.model import Outbound

DATA = Path(__file__).parent / "data"
# Not in good/: the fast engine runs every good file, and it has no chat or outbound.
GOOD = DATA / "behaviours" / "channels.yaml"
H = 3600.0

BASE = """\
name: test
horizon: {start: "08:00", end: "12:00", interval: 30min}
call_types:
  webchat:
    channel: chat
    arrivals: {rate: 60/h}
    handle_time: 8min
  billing:
    arrivals: {rate: 120/h}
    handle_time: 4min
agent_groups:
  digital:
    skills: [webchat, billing]
    agents: 5
  phones: {skills: [billing], agents: 5}
"""


def with_chat(spec: str, text: str = BASE) -> str:
    """``BASE`` with ``chat: spec`` added to the digital group."""
    return text.replace("    agents: 5\n", f"    agents: 5\n    chat: {spec}\n", 1)


CAMPAIGN = {
    "customers": "500",
    "window": '["09:00", "11:00"]',
    "groups": "[phones]",
    "connect": "0.35",
    "talk_time": "4min",
}


def with_campaign(text: str = BASE, **keys: str | None) -> str:
    """``BASE`` with one campaign ``renewals``: `CAMPAIGN`'s keys, changed by ``keys``
    (``None`` leaves a key out)."""
    spec = {**CAMPAIGN, **keys}
    lines = "".join(f"    {k}: {v}\n" for k, v in spec.items() if v is not None)
    return text + "outbound:\n  renewals:\n" + lines


# --- a good scenario with every key ------------------------------------------------------


def test_good_file_loads_to_expected_values():
    s = load_scenario(GOOD)
    webchat, billing, sales = s.call_types
    assert (webchat.channel, billing.channel, sales.channel) == ("chat", "voice", "voice")

    digital, mixed, specialists, blended = s.agent_groups
    assert (digital.chat_max, digital.chat_factors) == (3, (1.0, 1.2, 1.5))
    assert (mixed.chat_max, mixed.chat_factors) == (1, (1.0,))  # no chat section
    assert mixed.skills == ("billing", "webchat")  # and still answers chats
    assert (specialists.chat_max, specialists.chat_factors) == (2, (1.0, 1.0))
    assert (blended.chat_max, blended.chat_factors) == (1, (1.0,))

    renewals, surveys = s.outbound
    talk = renewals.talk_time
    assert talk.kind == "lognormal" and talk.mean == pytest.approx(240)
    assert math.sqrt(talk.variance) / talk.mean == pytest.approx(0.6)
    assert renewals == Outbound(
        name="renewals",
        customers=2000,
        start=10 * H,
        end=18 * H,
        groups=("blended", "mixed"),  # in the order written
        connect=0.35,
        talk_time=talk,
        wrap_up=Distribution("deterministic", (30.0,)),
        attempt_time=25.0,
        idle_threshold=2,
    )
    # The defaults: no wrap-up, 30 s per unreached attempt, no idle agents kept back.
    assert surveys == Outbound(
        "surveys", 150, 8 * H, 12.5 * H, ("blended",), 1.0,
        Distribution("deterministic", (120.0,)), None, 30.0, 0,
    )  # fmt: skip


def test_defaults_when_the_new_keys_are_absent_or_null():
    text = BASE.replace("    channel: chat\n", "")
    s = parse_scenario(text)
    assert [ct.channel for ct in s.call_types] == ["voice", "voice"]
    assert [(g.chat_max, g.chat_factors) for g in s.agent_groups] == [(1, (1.0,))] * 2
    assert s.outbound == ()
    nulls = text.replace("    handle_time: 4min\n", "    handle_time: 4min\n    channel: null\n")
    assert parse_scenario(with_chat("null", nulls) + "outbound: null\n") == s
    assert parse_scenario(BASE + "outbound: {}\n").outbound == ()  # no campaigns


def test_a_chat_type_may_be_answered_by_groups_without_a_chat_section():
    s = parse_scenario(BASE)
    assert s.call_types[0].channel == "chat"
    assert s.agent_groups[0].chat_max == 1


@pytest.mark.parametrize(
    ("spec", "chat_max", "factors"),
    [
        ("{max_concurrent: 1}", 1, (1.0,)),
        ("{max_concurrent: 4}", 4, (1.0, 1.0, 1.0, 1.0)),
        ("{max_concurrent: 2, factors: [1, 1.25]}", 2, (1.0, 1.25)),
        ("{max_concurrent: 3, factors: [0.9, 1.1, 2]}", 3, (0.9, 1.1, 2.0)),
        ("{max_concurrent: 2, factors: null}", 2, (1.0, 1.0)),
    ],
)
def test_chat_section(spec, chat_max, factors):
    digital = parse_scenario(with_chat(spec)).agent_groups[0]
    assert (digital.chat_max, digital.chat_factors) == (chat_max, factors)


@pytest.mark.parametrize(
    ("spec", "path", "phrase"),
    [
        ("3", "", "must be a mapping"),
        ("{}", ".max_concurrent", "is missing; required keys here: max_concurrent"),
        ("{factors: [1]}", ".max_concurrent", "is missing"),
        ("{max_concurrent: 0}", ".max_concurrent", "must be >= 1, got 0"),
        ("{max_concurrent: 1.5}", ".max_concurrent", "must be a whole number, got 1.5"),
        ("{max_concurrent: 2, factors: 1.2}", ".factors",
         "must be a list of numbers, one per concurrent chat"),
        ("{max_concurrent: 2, factors: []}", ".factors",
         "must give one factor per concurrent chat, 2 for max_concurrent: 2"),
        ("{max_concurrent: 2, factors: [1, 1.2, 1.5]}", ".factors", "got 3"),
        ("{max_concurrent: 2, factors: [1, 0]}", ".factors[1]", "must be > 0, got 0"),
        ("{max_concurrent: 2, factors: [1, 20s]}", ".factors[1]", "must be a number, got '20s'"),
        ("{max_concurrent: 2, factor: [1, 1]}", ".factor", "did you mean 'factors'?"),
    ],
)  # fmt: skip
def test_chat_rules(spec, path, phrase):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(with_chat(spec))
    assert info.value.path == f"agent_groups.digital.chat{path}"
    assert phrase in info.value.message


def test_a_chat_section_needs_a_chat_skill():
    phones = "  phones:\n    skills: [billing]\n    agents: 5\n    chat: {max_concurrent: 2}"
    text = BASE.replace("  phones: {skills: [billing], agents: 5}", phones)
    with pytest.raises(ScenarioError, match="the group has no chat skill") as info:
        parse_scenario(text)
    assert info.value.path == "agent_groups.phones.chat"
    assert "none of its skills (billing) has channel: chat (chat call types: webchat)" in str(
        info.value
    )
    # Without any chat type the message says so.
    with pytest.raises(ScenarioError, match="the scenario has no call type with channel: chat"):
        parse_scenario(with_chat("{max_concurrent: 2}", BASE.replace("    channel: chat\n", "")))


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("email", "must be one of voice, chat, got 'email'"),
        ("Chat", "did you mean 'chat'?"),
        ("1", "must be one of voice, chat, got 1"),
    ],
)
def test_channel_rules(value, phrase):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE.replace("channel: chat", f"channel: {value}"))
    assert info.value.path == "call_types.webchat.channel"
    assert phrase in info.value.message


# --- outbound ----------------------------------------------------------------------------


def test_campaign_defaults_and_window_at_the_horizon_edges():
    c = parse_scenario(with_campaign(window='["08:00", "12:00"]')).outbound[0]
    assert (c.start, c.end) == (8 * H, 12 * H)
    assert (c.wrap_up, c.attempt_time, c.idle_threshold) == (None, 30.0, 0)
    assert c.talk_time == Distribution("deterministic", (240.0,))
    assert parse_scenario(with_campaign(connect="0")).outbound[0].connect == 0.0
    assert parse_scenario(with_campaign(connect="1")).outbound[0].connect == 1.0


def test_two_campaigns_keep_their_order_and_may_share_groups():
    text = with_campaign(groups="[phones, digital]") + (
        "  winback:\n"
        "    {customers: 50, window: ['09:30', '10:00'], groups: [phones], connect: 0.2,"
        " talk_time: 5min}\n"
    )
    renewals, winback = parse_scenario(text).outbound
    assert (renewals.name, renewals.groups) == ("renewals", ("phones", "digital"))
    assert (winback.name, winback.groups, winback.customers) == ("winback", ("phones",), 50)


@pytest.mark.parametrize(
    ("keys", "path", "phrase"),
    [
        ({"customers": "0"}, "customers", "must be >= 1, got 0 (the customers to dial"),
        ({"customers": "12.5"}, "customers", "must be a whole number"),
        ({"customers": None}, "customers",
         "is missing; required keys here: customers, window, groups, connect, talk_time"),
        ({"window": '"10:00"'}, "window", "must be [start, end]: two clock times"),
        ({"window": '["10:00"]'}, "window", "got a list of 1"),
        ({"window": '["7:30", "10:00"]'}, "window[0]",
         "must be within the horizon (08:00 to 12:00): the campaign dials only during the"
         " day, got '7:30'"),
        ({"window": '["10:00", "12:30"]'}, "window[1]", "got '12:30'"),
        ({"window": '["10:00", "10:00"]'}, "window[1]",
         "must be after the window's start (10:00), got '10:00'"),
        ({"window": '["10:00", "1000"]'}, "window[1]", "1000"),
        ({"groups": "phones"}, "groups", "must be a list of agent groups"),
        ({"groups": "[]"}, "groups", "must name at least one agent group"),
        ({"groups": "[phone]"}, "groups[0]", "unknown agent group 'phone'; did you mean 'phones'?"),
        ({"groups": "[phones, phones]"}, "groups[1]", "'phones' is listed twice"),
        ({"connect": "35"}, "connect", "must be <= 1, got 35 (the share of dials"),
        ({"connect": "-0.1"}, "connect", "must be >= 0"),
        ({"talk_time": "-4min"}, "talk_time", "got '-4min'"),
        ({"talk_time": "{dist: lognormal, mean: 4min}"}, "talk_time.cv", "is missing"),
        ({"wrap_up": "{dist: normal, mean: 30s}"}, "wrap_up.dist",
         "got 'normal'; did you mean 'lognormal'?"),
        ({"attempt_time": "0s"}, "attempt_time", "must be > 0, got '0s'"),
        ({"idle_threshold": "-1"}, "idle_threshold", "must be >= 0, got -1 (agents of the group"),
        ({"idle_treshold": "1"}, "idle_treshold", "did you mean 'idle_threshold'?"),
    ],
)  # fmt: skip
def test_campaign_rules(keys, path, phrase):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(with_campaign(**keys))
    assert info.value.path == f"outbound.renewals.{path}"
    assert phrase in info.value.message


@pytest.mark.parametrize(
    ("tail", "path", "phrase"),
    [
        ("outbound: [renewals]\n", "outbound", "must be a mapping"),
        ("outbound:\n  renewals: 500\n", "outbound.renewals", "must be a mapping"),
        ("outbound:\n  1: {}\n", "outbound[1]", "a campaign name must be non-empty text"),
    ],
)
def test_outbound_shape(tail, path, phrase):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(BASE + tail)
    assert info.value.path == path
    assert phrase in info.value.message


def test_outbound_is_a_known_top_key():
    with pytest.raises(ScenarioError, match="did you mean 'outbound'?"):
        parse_scenario(BASE + "outbond: {}\n")


# --- bad scenarios -----------------------------------------------------------------------

BAD_CHANNELS = [
    # file, field path, line, a phrase of the message
    ("chat_bad_channel", "call_types.webchat.channel", 5,
     "must be one of voice, chat, got 'webchat'; did you mean 'chat'?"),
    ("chat_factors_wrong_length", "agent_groups.digital.chat.factors", 14,
     "must give one factor per concurrent chat, 3 for max_concurrent: 3"),
    ("chat_max_zero", "agent_groups.digital.chat.max_concurrent", 12,
     "must be >= 1, got 0 (the chats an agent handles at once)"),
    ("chat_max_concurrent_misspelt", "agent_groups.digital.chat.max_concurent", 13,
     "unknown key 'max_concurent'; did you mean 'max_concurrent'?"),
    ("chat_section_without_chat_skill", "agent_groups.phones.chat", 16,
     "the group has no chat skill: chat says how many chats an agent handles at once, but"
     " none of its skills (billing) has channel: chat"),
    ("outbound_unknown_group", "outbound.renewals.groups[0]", 14,
     "unknown agent group 'blnded'; did you mean 'blended'? agent groups: inbound, blended"),
    ("outbound_group_twice", "outbound.renewals.groups[2]", 14, "'blended' is listed twice"),
    ("outbound_window_outside_horizon", "outbound.renewals.window[1]", 13,
     "must be within the horizon (08:00 to 18:00): the campaign dials only during the day,"
     " got '19:00'"),
    ("outbound_window_end_before_start", "outbound.renewals.window[1]", 13,
     "must be after the window's start (16:00), got '10:00'"),
    ("outbound_connect_above_one", "outbound.renewals.connect", 15,
     "must be <= 1, got 35 (the share of dials that reach the customer: 0.35 is 35 %)"),
    ("outbound_customers_zero", "outbound.renewals.customers", 12,
     "must be >= 1, got 0 (the customers to dial, each once)"),
    ("outbound_missing_talk_time", "outbound.renewals.talk_time", 11,
     "is missing; required keys here: customers, window, groups, connect, talk_time"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("stem", "path", "line", "phrase"), BAD_CHANNELS, ids=[b[0] for b in BAD_CHANNELS]
)
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
