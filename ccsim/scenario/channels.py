"""Chat and outbound: a call type's channel, a group's chat concurrency, and outbound
campaigns worked by blended agents.

    call_types:
      webchat:
        channel: chat                     # voice (default) | chat
    agent_groups:
      digital:
        skills: [webchat, billing]
        chat: {max_concurrent: 3, factors: [1.0, 1.2, 1.5]}
    outbound:                             # campaign name -> campaign
      renewals:
        customers: 2000
        window: ["10:00", "18:00"]
        groups: [blended]
        connect: 0.35
        talk_time: {dist: lognormal, mean: 4min, cv: 0.6}
        wrap_up: 30s                      # optional
        attempt_time: 25s                 # optional (default 30s)
        idle_threshold: 2                 # optional (default 0)

The semantics are those of `ccsim.scenario.model.AgentGroup` (``chat_max``,
``chat_factors``) and `Outbound`. A group with a ``chat`` section must have a chat
skill; a group without one still answers chats, one at a time.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    choice,
    clock,
    duration,
    fail,
    mapping,
    name,
    name_list,
    number,
    optional,
    reference,
    whole,
)
from ccsim.scenario.model import Horizon, Outbound
from ccsim.scenario.staffing import next_day
from ccsim.units import describe, format_clock

#: A call type's channel: a voice call takes an agent whole; chats may share one.
CHANNELS: tuple[str, ...] = ("voice", "chat")

CHAT_KEYS = ("max_concurrent", "factors")
CAMPAIGN_KEYS = (
    "customers",
    "window",
    "groups",
    "connect",
    "talk_time",
    "wrap_up",
    "attempt_time",
    "idle_threshold",
)
CAMPAIGN_REQUIRED = ("customers", "window", "groups", "connect", "talk_time")

_FACTOR = " (a multiplier of the chat's handle time: 1.2 is 20 % longer)"


def _default(cls: type, key: str) -> Any:
    """The model's default for field ``key`` of dataclass ``cls``."""
    return next(f.default for f in fields(cls) if f.name == key)


def channel(value: Any, loc: Loc) -> str:
    return choice(value, loc, CHANNELS)


def chat(
    value: Any, loc: Loc, skills: tuple[str, ...], chat_types: list[str]
) -> tuple[int, tuple[float, ...]]:
    """A group's ``chat`` section: (chats an agent handles at once, one factor per level).

    ``factors`` default to 1 at every level (no slowdown). The group must have a
    skill whose call type is a chat.
    """
    c = mapping(value, loc)
    check_keys(c, loc, CHAT_KEYS, ("max_concurrent",))
    hint = " (the chats an agent handles at once)"
    most = whole(c["max_concurrent"], (*loc, "max_concurrent"), ge=1, hint=hint)
    factors = (1.0,) * most
    if c.get("factors") is not None:
        factors = _factors(c["factors"], (*loc, "factors"), most)
    if not any(skill in chat_types for skill in skills):
        have = (
            f"chat call types: {', '.join(chat_types)}"
            if chat_types
            else "the scenario has no call type with channel: chat"
        )
        fail(
            loc,
            f"the group has no chat skill: chat says how many chats an agent handles at once,"
            f" but none of its skills ({', '.join(skills)}) has channel: chat ({have});"
            " add a chat call type to its skills or remove chat",
        )
    return most, factors


def _factors(value: Any, loc: Loc, most: int) -> tuple[float, ...]:
    example = "[1.0, 1.2, 1.5] for max_concurrent: 3"
    if not isinstance(value, list):
        fail(
            loc,
            f"must be a list of numbers, one per concurrent chat (such as {example}),"
            f" got {describe(value)}",
        )
    if len(value) != most:
        fail(
            loc,
            f"must give one factor per concurrent chat, {most} for max_concurrent: {most}"
            f" (the j-th is the handle-time multiplier of a chat started as the agent's"
            f" j-th at once), got {len(value)}",
        )
    return tuple(number(f, (*loc, i), gt=0, hint=_FACTOR) for i, f in enumerate(value))


def outbound(
    value: Any, loc: Loc, horizon: Horizon, groups: list[str], base_dir: Path | None
) -> tuple[Outbound, ...]:
    """The campaigns of ``outbound:`` (a mapping of names; ``{}`` is none)."""
    campaigns = mapping(value, loc)
    out = []
    for key, raw in campaigns.items():
        at = (*loc, key)
        name(key, at, "a campaign name")
        out.append(_campaign(key, raw, at, horizon, groups, base_dir))
    return tuple(out)


def _campaign(
    key: str, value: Any, loc: Loc, horizon: Horizon, groups: list[str], base_dir: Path | None
) -> Outbound:
    c = mapping(value, loc)
    check_keys(c, loc, CAMPAIGN_KEYS, CAMPAIGN_REQUIRED)
    customers = whole(
        c["customers"], (*loc, "customers"), ge=1, hint=" (the customers to dial, each once)"
    )
    start, end = _window(c["window"], (*loc, "window"), horizon)
    hint = " (the share of dials that reach the customer: 0.35 is 35 %)"
    return Outbound(
        name=key,
        customers=customers,
        start=start,
        end=end,
        groups=_groups(c["groups"], (*loc, "groups"), groups),
        connect=number(c["connect"], (*loc, "connect"), ge=0, le=1, hint=hint),
        talk_time=distribution(c["talk_time"], (*loc, "talk_time"), base_dir),
        wrap_up=optional(c, "wrap_up", None, lambda v, at: distribution(v, at, base_dir), loc),
        attempt_time=optional(
            c,
            "attempt_time",
            _default(Outbound, "attempt_time"),
            lambda v, at: duration(v, at, gt=0),
            loc,
        ),
        idle_threshold=optional(
            c,
            "idle_threshold",
            _default(Outbound, "idle_threshold"),
            lambda v, at: whole(
                v, at, ge=0, hint=" (agents of the group who must stay idle for inbound)"
            ),
            loc,
        ),
    )


def _window(value: Any, loc: Loc, horizon: Horizon) -> tuple[float, float]:
    """``[start, end]``: two clock times, start < end, within the horizon."""
    if not isinstance(value, list) or len(value) != 2:
        got = f"a list of {len(value)}" if isinstance(value, list) else describe(value)
        fail(loc, f'must be [start, end]: two clock times such as ["10:00", "18:00"], got {got}')
    start = next_day(clock(value[0], (*loc, 0)), horizon.start, horizon.end)
    end = next_day(clock(value[1], (*loc, 1)), start, horizon.end, strict=False)
    span = f"{format_clock(horizon.start)} to {format_clock(horizon.end)}"
    within = f"must be within the horizon ({span}): the campaign dials only during the day"
    if not horizon.start <= start < horizon.end:
        fail((*loc, 0), f"{within}, got {describe(value[0])}")
    if end <= start:
        fail(
            (*loc, 1),
            f"must be after the window's start ({format_clock(start)}), got {describe(value[1])}",
        )
    if end > horizon.end:
        fail((*loc, 1), f"{within}, got {describe(value[1])}")
    return start, end


def _groups(value: Any, loc: Loc, groups: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v, at in name_list(value, loc, "agent group"):
        group = reference(v, at, groups, "agent group")
        if group in out:
            fail(at, f"{group!r} is listed twice")
        out.append(group)
    return tuple(out)
