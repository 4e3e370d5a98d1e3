"""The validated scenario's agents: groups, shifts and breaks, absences, and the
outbound campaigns they work.

Plain, frozen data in canonical units (see `ccsim.scenario.model`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ccsim.scenario.model_calls import Distribution


@dataclass(frozen=True)
class Break:
    """A break in a shift: at a fixed time, or staggered over a window.

    With a window, the shift's agents start their breaks evenly spread over it
    (agent i of n at ``window_start + i/n · (window_end − length − window_start)``).
    An agent on a call when the break is due finishes the call (and its after-call
    work) first; the break then lasts its full length.
    """

    start: float  # the fixed time, or the window's start
    length: float
    window_end: float | None = None  # None: a fixed time
    paid: bool = True


@dataclass(frozen=True)
class Shift:
    """``agents`` agents logged in from ``start`` to ``end`` (seconds since midnight)."""

    start: float
    end: float
    agents: int
    breaks: tuple[Break, ...] = ()


#: The staffing-cut rules (`AgentGroup.staffing_cut`); a staffing line defaults to
#: ``by_count`` (what "n agents in this period" means to Erlang and to staffing-line
#: tools), shifts to ``per_agent`` (named people finish their call).
STAFFING_CUTS = ("per_agent", "by_count")


@dataclass(frozen=True)
class AgentGroup:
    """Agents with the same skills.

    ``skills`` are in priority order; ``priorities`` gives each skill's priority
    (1 preferred: a freed agent serves its best-priority non-empty queue). Staffing
    is one of: ``agents`` all day; ``agents_per_interval`` (a WFM staffing line); or
    ``shifts``. ``reserve`` k: the group answers types that are not its
    best-priority skills only while more than k of its agents are idle.
    ``handle_time_factor`` / ``handle_time`` override the call type's handle time
    for calls this group answers (a cross-trained group may be slower).
    ``shrinkage``: the fraction of scheduled agents absent, drawn per shift and
    replication.
    """

    name: str
    skills: tuple[str, ...]
    agents: int = 0
    priorities: tuple[int, ...] = ()
    agents_per_interval: tuple[int, ...] | None = None
    shifts: tuple[Shift, ...] = ()
    reserve: int = 0
    handle_time_factor: tuple[tuple[str, float], ...] = ()
    handle_time: tuple[tuple[str, Distribution], ...] = ()
    shrinkage: float = 0.0
    agent_hour: float | None = None  # cost; None: the scenario's costs.agent_hour
    #: An outsourced partner: paid ``price_per_call`` per handled call, no hourly cost.
    price_per_call: float | None = None
    #: Chat: an agent handles up to ``chat_max`` chats at once (never voice at the
    #: same time); a chat started as the agent's j-th concurrent one takes its handle
    #: time × ``chat_factors[j-1]``.
    chat_max: int = 1
    chat_factors: tuple[float, ...] = (1.0,)
    #: How the group's headcount falls at a shift end or a cut in a staffing line
    #: (`STAFFING_CUTS`): ``per_agent``, the agent whose shift ends finishes the call
    #: in progress and leaves while the others keep answering; ``by_count``, the
    #: count falls (ContactCenters, SSJ): idle agents leave first, and while more
    #: agents are busy than the new headcount no new call starts and each agent who
    #: finishes a call leaves, until the count is reached.
    staffing_cut: str = "per_agent"

    def priority_of(self, skill: str) -> int:
        if not self.priorities:
            return 1
        return self.priorities[self.skills.index(skill)]


@dataclass(frozen=True)
class Absence:
    """``agents`` agents of ``group`` absent from ``start`` to ``end`` (explicit shrinkage)."""

    group: str
    start: float
    end: float
    agents: int


@dataclass(frozen=True)
class Outbound:
    """An outbound campaign worked by blended agents between inbound calls.

    ``customers`` are dialed one at a time, each once, during ``[start, end)`` by
    agents of ``groups``. An agent dials only while no inbound call it could take is
    waiting and at least ``idle_threshold`` other agents of its group stay idle. A
    customer is reached with ``connect``; then the talk takes ``talk_time`` (plus
    ``wrap_up``), else the agent spends ``attempt_time``.
    """

    name: str
    customers: int
    start: float
    end: float
    groups: tuple[str, ...]
    connect: float
    talk_time: Distribution
    wrap_up: Distribution | None = None
    attempt_time: float = 30.0
    idle_threshold: int = 0
