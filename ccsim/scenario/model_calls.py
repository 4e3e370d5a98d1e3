"""The validated scenario's call types, their distributions and the IVR that leads to them.

Plain, frozen data in canonical units (see `ccsim.scenario.model`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ccsim.scenario.kinds.dist_base import DistKind
from ccsim.scenario.kinds.distributions import KINDS, dist_kind

#: Distribution kinds, in the order of their integer codes (their registry:
#: `ccsim.scenario.kinds.distributions`).
DIST_KINDS: tuple[str, ...] = tuple(KINDS)


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
