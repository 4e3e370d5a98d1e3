"""The callers of one replication, drawn once, before any engine runs.

Every random attribute of a call (when it arrives, how long the talk and the
after-call work last, how long the caller is willing to wait) is drawn here, in
batches, from the call type's own streams (`ccsim.streams`). Engines only read the
result, so every engine and every staffing or routing alternative run with the same
seed sees exactly the same callers: their differences are the scenario's, not noise.

The parts: `CallDraws` (`ccsim.models.call_draws`), the arrivals
(`ccsim.models.arrivals`), each caller's attributes (`ccsim.models.caller_attributes`).
"""

from __future__ import annotations

import numpy as np

from ccsim.kernels.draws import sample
from ccsim.models.arrivals import HANG_UP_TARGET as HANG_UP_TARGET
from ccsim.models.arrivals import SELF_SERVICE_TARGET as SELF_SERVICE_TARGET
from ccsim.models.arrivals import _ivr_callers
from ccsim.models.arrivals import arrival_times as arrival_times
from ccsim.models.arrivals import busyness_factor as busyness_factor
from ccsim.models.arrivals import ivr_paths as ivr_paths
from ccsim.models.call_draws import GROUP_HANDLE as GROUP_HANDLE
from ccsim.models.call_draws import IVR_ARRIVALS as IVR_ARRIVALS
from ccsim.models.call_draws import RETRY_DELAY as RETRY_DELAY
from ccsim.models.call_draws import RETRY_PATIENCE as RETRY_PATIENCE
from ccsim.models.call_draws import SURGE as SURGE
from ccsim.models.call_draws import VIA_IVR as VIA_IVR
from ccsim.models.call_draws import CallDraws as CallDraws
from ccsim.models.call_draws import Part, merge
from ccsim.models.caller_attributes import _attributes, _behaviours, _lazy_stream
from ccsim.models.caller_attributes import draw_by_offer as draw_by_offer
from ccsim.scenario.model import Scenario
from ccsim.streams import stream

# The draws' parts are re-exported above (``X as X``): importable from here as before.
__all__ = ["CallDraws", "draw_calls"]


def draw_calls(scenario: Scenario, seed: int, replication: int) -> CallDraws:
    """Draw all callers of replication ``replication`` of the run with root ``seed``.

    Call type k uses streams ``("arrivals" | "handle" | "wrap_up" | "patience", k)``,
    each drawn in one batch in the type's arrival order, so adding a call type or
    changing anything but type k's own data leaves type k's callers unchanged.
    """
    horizon = scenario.horizon
    n_types = len(scenario.call_types)
    busy = busyness_factor(scenario, seed, replication)
    parts: list[Part] = []
    for k, ct in enumerate(scenario.call_types):
        if len(ct.rates) != horizon.n_intervals:
            raise ValueError(
                f"call type {ct.name!r} has {len(ct.rates)} rates but the horizon "
                f"has {horizon.n_intervals} intervals"
            )
        arrival = arrival_times(scenario, seed, replication, ct.rates, k, busy, ct.name)
        handle, wrap, patience = _attributes(scenario, seed, replication, k, k, arrival)
        parts.append(Part(arrival, k, handle, wrap, patience))
    if scenario.ivr is not None:
        parts.extend(_ivr_callers(scenario, seed, replication, busy))

    if sum(p.arrival.shape[0] for p in parts) == 0:
        empty = np.empty(0)
        calls = CallDraws(empty, np.empty(0, np.int32), empty.copy(), empty.copy(), empty.copy())
        _outbound(scenario, seed, replication, calls)  # a campaign dials on a quiet day too
        return calls
    arrival, call_type, handle, wrap, patience, ivr_time, via_ivr, ivr_exit = merge(parts)
    calls = CallDraws(
        arrival=arrival,
        call_type=call_type,
        handle=handle,
        wrap=wrap,
        patience=patience,
        ivr_time=ivr_time,
        via_ivr=via_ivr,
        ivr_exit=ivr_exit,
        route_u=np.asarray(stream(seed, replication, "routing", 0).random(arrival.shape[0])),
    )
    for g, group in enumerate(scenario.agent_groups):
        for skill, dist in group.handle_time:
            k = scenario.call_type_index(skill)
            mine = calls.call_type == k
            own = np.full(calls.n_calls, np.nan)
            rng = stream(seed, replication, "handle", GROUP_HANDLE + g * n_types + k)
            own[mine] = sample(rng, dist, int(mine.sum()))
            calls.group_handle[(g, k)] = own
    _behaviours(scenario, seed, replication, calls)
    _outbound(scenario, seed, replication, calls)
    return calls


def _outbound(scenario: Scenario, seed: int, replication: int, calls: CallDraws) -> None:
    """Per outbound campaign, each customer's connect uniform, talk and wrap-up."""
    for c, campaign in enumerate(scenario.outbound):
        n = campaign.customers
        connect = stream(seed, replication, "outbound", c).random(n)
        talk = sample(stream(seed, replication, "outbound", 1000 + c), campaign.talk_time, n)
        wrap = (
            np.zeros(n)
            if campaign.wrap_up is None
            else sample(_lazy_stream(seed, replication, "outbound", 2000 + c), campaign.wrap_up, n)
        )
        calls.outbound.append((connect, talk, wrap))
