"""The validated scenario: plain, frozen data with no behaviour.

Everything here is already checked and converted to canonical units: times are
seconds (clock times are seconds since midnight), rates are calls per second, and
distributions carry their native parameters. The loader (`ccsim.scenario.load`)
is the only place that builds these objects from YAML.

The data classes are grouped by concept: the day (`ccsim.scenario.model_day`),
call types and distributions (`ccsim.scenario.model_calls`), agents and shifts
(`ccsim.scenario.model_agents`); this module holds the `Scenario` itself and
re-exports them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ccsim.scenario.kinds.events import EVENTS, EventKind, event_kind
from ccsim.scenario.model_agents import (
    STAFFING_CUTS,
    Absence,
    AgentGroup,
    Break,
    Outbound,
    Shift,
)
from ccsim.scenario.model_calls import (
    AGENT_SELECTIONS,
    DIST_KINDS,
    IVR_HANG_UP,
    IVR_SELF_SERVICE,
    Callback,
    CallType,
    Distribution,
    Ivr,
    IvrNode,
    OverflowStep,
    Period,
    Retrial,
    Transfer,
)
from ccsim.scenario.model_day import (
    SL_DEFINITIONS,
    Horizon,
    ServiceLevel,
)

#: Every name of the model, those of model_day, model_calls and model_agents too.
__all__ = [
    "AGENT_SELECTIONS",
    "DIST_KINDS",
    "EDITING",
    "EVENT_KINDS",
    "IVR_HANG_UP",
    "IVR_SELF_SERVICE",
    "SL_DEFINITIONS",
    "STAFFING_CUTS",
    "Absence",
    "AgentGroup",
    "Break",
    "CallType",
    "Callback",
    "Costs",
    "CrisisEvent",
    "Distribution",
    "Horizon",
    "Ivr",
    "IvrNode",
    "Outbound",
    "OverflowStep",
    "Period",
    "Retrial",
    "Scenario",
    "ServiceLevel",
    "Shift",
    "Transfer",
]

# Pickles name a class by its module, and a store's scenario fingerprint is a pickle:
# the classes moved to model_day, model_calls and model_agents keep this module's name
# (the very same string, as pickle's memo counts it once), so fingerprints stay as
# they were before the split and a store written before still resumes.
for _cls in (
    Horizon,
    ServiceLevel,
    Distribution,
    Period,
    OverflowStep,
    Retrial,
    Callback,
    Transfer,
    CallType,
    IvrNode,
    Ivr,
    Break,
    Shift,
    AgentGroup,
    Absence,
    Outbound,
):
    _cls.__module__ = __name__


@dataclass(frozen=True)
class Costs:
    agent_hour: float = 0.0
    telecom_minute: float = 0.0


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
