"""The validated scenario: plain, frozen data with no behaviour.

Everything here is already checked and converted to canonical units: times are
seconds (clock times are seconds since midnight), rates are calls per second, and
distributions carry their native parameters. The loader (`ccsim.scenario.load`)
is the only place that builds these objects from YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ccsim.scenario.kinds.dist_base import DistKind
from ccsim.scenario.kinds.distributions import KINDS, dist_kind
from ccsim.scenario.kinds.events import EVENTS, EventKind, event_kind

#: Distribution kinds, in the order of their integer codes (their registry:
#: `ccsim.scenario.kinds.distributions`).
DIST_KINDS: tuple[str, ...] = tuple(KINDS)

#: Service-level definitions (design.md, "KPIs").
SL_DEFINITIONS: tuple[str, ...] = (
    "offered",
    "answered",
    "exclude_short_abandons",
    "short_abandons_as_met",
)


@dataclass(frozen=True)
class Distribution:
    """A positive random duration, in canonical parameters.

    ``params`` by kind: exponential ``(mean,)``; deterministic ``(value,)``;
    lognormal ``(mu, sigma)`` of the underlying normal; gamma ``(shape, scale)``;
    weibull ``(shape, scale)``; uniform ``(low, high)``; empirical ``()`` with the
    sample in ``values`` (drawn uniformly with replacement); survival ``(tail_mean,)``
    with the knots in ``values``: the m times, then the m survival levels S(t) (see
    `ccsim.scenario.kinds.dist_math.survival_knots`); mixture ``()`` with
    ``components``, (weight, distribution) pairs whose weights sum to 1 and none of
    which is itself a mixture (the loader flattens nested ones).
    """

    kind: str
    params: tuple[float, ...] = ()
    values: tuple[float, ...] = ()
    components: tuple[tuple[float, Distribution], ...] = ()

    @property
    def code(self) -> int:
        return DIST_KINDS.index(self.kind)

    @property
    def rule(self) -> DistKind:
        """The rules of this distribution's kind (mean, draws, description, ...)."""
        return dist_kind(self.kind)

    @property
    def mean(self) -> float:
        return self.rule.mean(self)

    @property
    def variance(self) -> float:
        return self.rule.variance(self)


@dataclass(frozen=True)
class Period:
    """A distribution that applies from ``start`` to ``end`` (seconds since midnight).

    A call type's ``patience_by_period`` / ``handle_time_by_period`` is a tuple of
    these, in time order, each starting where the previous one ends, covering the
    horizon. A call takes the period of the time it is offered to the queue.
    """

    start: float
    end: float
    dist: Distribution


@dataclass(frozen=True)
class Horizon:
    """The simulated day: arrivals in ``[start, end)``, cut into planning intervals.

    Calls offered before ``start + warmup`` are simulated but left out of the
    day's statistics (an empty-start bias guard for steady-state studies).
    """

    start: float
    end: float
    interval: float
    warmup: float = 0.0

    @property
    def n_intervals(self) -> int:
        return int(round((self.end - self.start) / self.interval))

    def interval_starts(self) -> list[float]:
        return [self.start + i * self.interval for i in range(self.n_intervals)]


@dataclass(frozen=True)
class ServiceLevel:
    """SL(T) and its target: "80/20" is threshold 20 s, target 0.80."""

    threshold: float = 20.0
    target: float = 0.80
    definition: str = "offered"


#: How an arriving call picks among idle eligible agents.
AGENT_SELECTIONS: tuple[str, ...] = ("longest_idle", "preference", "random")

#: Where an IVR branch can lead besides another node or a call type.
IVR_SELF_SERVICE, IVR_HANG_UP = "self_service", "hang_up"


@dataclass(frozen=True)
class OverflowStep:
    """After waiting ``after`` seconds, the call also becomes eligible for ``groups``."""

    after: float
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Retrial:
    """Redials: a caller who abandoned (or was blocked) calls again.

    After each failed attempt the caller redials with ``probability``, after a
    ``delay``, up to ``max_attempts`` attempts in all (the first included). A redial
    comes back the way the first call came (through the IVR, or straight to the
    queue) and draws a fresh patience.
    """

    probability: float
    delay: Distribution
    max_attempts: int = 3
    after_blocked: bool = True


@dataclass(frozen=True)
class Callback:
    """Virtual hold: offered when the predicted wait exceeds ``threshold``.

    ``predictor``: ``queue_length`` (callers waiting ahead + 1) × the type's mean
    handle time / the agents on the floor able to answer it; or ``last_wait``, the
    wait of the type's last answered call. A caller offered a callback accepts with
    ``accept`` and hangs up; the callback is served when no live call an agent could
    take is waiting (lower priority than live calls), or at the latest once it has
    waited ``deadline`` (then ahead of live calls). The agent reaches the customer
    with ``reach``; a failed attempt occupies the agent ``attempt_time``.
    """

    threshold: float
    accept: float
    reach: float = 1.0
    predictor: str = "queue_length"
    deadline: float | None = None
    attempt_time: float = 30.0


@dataclass(frozen=True)
class Transfer:
    """After talk, ``probability`` of this type's answered calls go on to type ``to``
    (queued again, same caller; the new leg draws that type's handle time)."""

    probability: float
    to: str


@dataclass(frozen=True)
class CallType:
    """One queue's callers: arrival rate per interval, durations, and routing.

    ``rates`` are the calls that come straight to this queue (zero where the type
    is only reached through the IVR). ``priority`` 1 is served first across all
    queues (a VIP type); the default is 5. Groups that name the type in their
    skills answer it from the start, except the groups of ``overflow`` steps,
    which become eligible only after the step's wait.
    """

    name: str
    rates: tuple[float, ...]  # calls per second, one per planning interval
    handle_time: Distribution
    wrap_up: Distribution | None = None
    patience: Distribution | None = None
    #: Forecast AHT (seconds) per interval, ``None`` where not given. A call's
    #: handle time is the ``handle_time`` draw rescaled to its interval's AHT,
    #: so the shape (cv) stays that of the distribution.
    aht: tuple[float | None, ...] | None = None
    #: Per-period handle time and patience (see `Period`); empty when the whole day
    #: has one. When given, ``handle_time`` / ``patience`` above is the day's
    #: distribution, each period weighted by its share of the horizon (its mean is
    #: what reports and the callback predictor show); the draws use the periods.
    handle_time_by_period: tuple[Period, ...] = ()
    patience_by_period: tuple[Period, ...] = ()
    priority: int = 5
    agent_selection: str = "longest_idle"
    preference: tuple[str, ...] = ()  # group names, most preferred first
    overflow: tuple[OverflowStep, ...] = ()
    retrial: Retrial | None = None
    callback: Callback | None = None
    transfer: Transfer | None = None
    channel: str = "voice"  # voice | chat


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
class IvrNode:
    """A menu node: callers spend ``duration`` here, then follow one branch.

    ``branches`` are (target, probability) with the target another node's name,
    a call type's name, ``"self_service"`` (done in the IVR, contained) or
    ``"hang_up"``. Probabilities sum to 1.
    """

    name: str
    duration: Distribution
    branches: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Ivr:
    """The IVR tree. Callers arrive at ``entry`` (rates per interval, per second).

    An IVR caller holds a line (counts against ``trunks``) from arrival to the end
    of the call. Call types with their own ``rates`` come straight to the queue.
    """

    rates: tuple[float, ...]
    entry: str
    nodes: tuple[IvrNode, ...]

    def node(self, name: str) -> IvrNode:
        return next(n for n in self.nodes if n.name == name)


@dataclass(frozen=True)
class Costs:
    agent_hour: float = 0.0
    telecom_minute: float = 0.0


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


#: Kinds of crisis event (their registry: `ccsim.scenario.kinds.events`).
EVENT_KINDS: tuple[str, ...] = tuple(EVENTS)


@dataclass(frozen=True)
class CrisisEvent:
    """A time-bounded event ``[start, end)`` (crisis management, 危机管理).

    - ``surge``: arrivals of ``call_types`` (all when empty; the IVR's too) × ``factor``.
    - ``trunk_outage``: only ``trunks`` lines work.
    - ``group_outage``: ``agents`` agents of ``group`` cannot take calls.
    - ``ivr_outage``: IVR self-service is down: callers who would have self-served
      are routed to call type ``to`` instead.
    - ``absenteeism``: a ``fraction`` of ``group``'s agents on shift are absent.
    """

    kind: str
    start: float
    end: float
    call_types: tuple[str, ...] = ()
    factor: float = 1.0
    trunks: int = 0
    group: str = ""
    agents: int = 0
    to: str = ""
    fraction: float = 0.0
    label: str = ""

    @property
    def rule(self) -> EventKind:
        """The rules of this event's kind (validation, label, effect on the day)."""
        return event_kind(self.kind)


#: How `Scenario.with_changes` and `Scenario.scale_arrivals` re-build a scenario:
#: ``change(scenario, changes)`` and ``scale(scenario, factors, origin)``, put here by
#: `ccsim.scenario.overrides` when it loads (the package ``ccsim.scenario`` imports
#: it). The data classes thus never import the loader that builds them.
EDITING: dict[str, Callable[..., Scenario]] = {}


@dataclass(frozen=True)
class Scenario:
    """A whole validated scenario (see scenario-format.md).

    Build one with `ccsim.load_scenario` (a file), `ccsim.parse_scenario` (YAML text)
    or `ccsim.scenario.scenario_from_dict` (Python data); change one in code with
    `with_changes` and `scale_arrivals`, which validate the result like the file.

    Parameters
    ----------
    name : str
    horizon : Horizon
        The simulated day and its planning intervals (clock times in seconds).
    call_types : tuple of CallType
        Arrival rates (calls per second, one per interval), handle time, patience
        and routing of each queue.
    agent_groups : tuple of AgentGroup
        Skills and staffing of each group.
    service_level : ServiceLevel
        Threshold, target and definition of the service level.
    seed : int or None
        The default root seed.
    replications : int
        The default number of replications.
    trunks, costs, ivr, absences, busyness, events, outbound
        The optional parts of the format (docs/scenario-format.md).
    source : str or None
        The file it was loaded from, for messages.
    description : str or None
    engine : {"auto", "simpy", "fast"}
    lang : {"en", "zh"}
        The language of tables and charts.

    Notes
    -----
    ``dataclasses.replace(scenario, ...)`` is **not validated**: it builds a scenario
    from whatever it is given, and an inconsistent one (``agent_groups=()`` while a
    call type still needs a group) fails later, deep inside a run. Use `with_changes`
    instead. A scenario made by ``replace`` has no YAML data to change, so
    `with_changes` refuses it with a `ScenarioError` rather than silently dropping
    what ``replace`` changed.

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> s
    Scenario('Teaching example, one queue (M/M/14)', 09:00–13:00 by 30min, 1 call type, 1 agent group, 30 replications, seed 7)
    >>> s.with_changes({"agent_groups.team.agents": 12}).agent_groups[0].agents
    12
    """  # noqa: E501

    name: str
    horizon: Horizon
    call_types: tuple[CallType, ...]
    agent_groups: tuple[AgentGroup, ...]
    service_level: ServiceLevel = field(default_factory=ServiceLevel)
    seed: int | None = None
    replications: int = 1
    trunks: int | None = None
    costs: Costs = field(default_factory=Costs)
    source: str | None = None  # the file it was loaded from, for messages
    description: str | None = None
    ivr: Ivr | None = None
    absences: tuple[Absence, ...] = ()
    #: Day-to-day variation: every rate of a replication × one draw of this
    #: distribution (mean 1), e.g. gamma with cv 0.1.
    busyness: Distribution | None = None
    events: tuple[CrisisEvent, ...] = ()
    engine: str = "auto"  # auto | simpy | fast
    outbound: tuple[Outbound, ...] = ()
    lang: str = "en"  # en | zh: the language of tables and charts (ccsim.i18n)

    def call_type_index(self, name: str) -> int:
        return [c.name for c in self.call_types].index(name)

    def with_changes(self, changes: Mapping[str, Any] | Sequence[str] | str) -> Scenario:
        """This scenario with fields changed, validated again like the file.

        Parameters
        ----------
        changes : mapping of str to value, or sequence of str
            Field paths, as ``--set`` takes them, to their new values:
            ``{"agent_groups.team.agents": 12}`` (values as they are, durations as
            text such as ``"270s"``), or ``--set`` texts ``["agent_groups.team.agents=12"]``
            (values read as YAML). ``None`` removes an optional field.

        Returns
        -------
        Scenario
            A new scenario; this one is unchanged. Arrival factors applied earlier
            with `scale_arrivals` apply to it too.

        Raises
        ------
        ScenarioError
            A path names no field the format allows (or an unknown call type or
            group), or the changed scenario is invalid: the same message as
            ``ccsim run --set`` gives, naming the change. Also raised for a scenario
            without YAML data (built directly or by `dataclasses.replace`).

        Examples
        --------
        >>> import ccsim
        >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
        >>> s.with_changes({"call_types.enquiries.handle_time.mean": "200s"}).call_types[0].handle_time.mean
        200.0
        >>> s.with_changes({"agent_groups.tema.agents": 12})
        Traceback (most recent call last):
        ...
        ccsim.scenario.errors.ScenarioError: scenarios/teaching_single_queue.yaml:24: agent_groups.tema: unknown agent group 'tema'; did you mean 'team'? agent groups: team (from with_changes agent_groups.tema.agents)
        """  # noqa: E501
        return EDITING["change"](self, changes)

    def scale_arrivals(self, factor: float | Mapping[str | None, float]) -> Scenario:
        """This scenario with its arrival rates multiplied, like ``--scale-arrivals``.

        Parameters
        ----------
        factor : float or mapping of (str or None) to float
            One factor for every call type and the IVR (``1.1``), or factors by call
            type name (``{"billing": 1.2}``; key ``None``: every type).

        Returns
        -------
        Scenario
            A new scenario with the rates scaled (exact for rates, volumes and files).

        Raises
        ------
        ScenarioError
            A factor is not a number > 0, or names no call type.

        Examples
        --------
        >>> import ccsim
        >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
        >>> round(s.scale_arrivals(1.5).call_types[0].rates[0] * 3600, 6)
        300.0
        """
        factors: Mapping[str | None, float] = (
            factor if isinstance(factor, Mapping) else {None: factor}
        )
        return EDITING["scale"](self, factors, "scale_arrivals")

    def __getstate__(self) -> dict[str, Any]:
        # The origin (YAML data) stays behind: workers do not need it, and a
        # store's fingerprint (a pickle of the fields) must not depend on it.
        return {k: v for k, v in self.__dict__.items() if k != "_origin"}

    def __repr__(self) -> str:
        from ccsim.scenario.display import scenario_repr

        return scenario_repr(self)

    def _repr_html_(self) -> str:
        from ccsim.scenario.display import scenario_html

        return scenario_html(self)
