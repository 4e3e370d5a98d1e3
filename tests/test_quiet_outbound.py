"""An outbound campaign dials on a day when no inbound call arrives."""

from __future__ import annotations

import pytest

from ccsim.batch.replication import run_replication
from ccsim.models.calls import draw_calls
from ccsim.observations import OUTBOUND
from ccsim.scenario import parse_scenario


@pytest.mark.parametrize("engine", ["simpy", "fast"])
def test_a_campaign_dials_when_no_inbound_call_arrives(engine):
    sc = parse_scenario(
        "name: quiet\nhorizon: {start: '10:00', end: '11:00', interval: 30min}\n"
        "call_types:\n  sales: {arrivals: {volumes: [0, 0]},"
        " handle_time: {dist: exponential, mean: 3min}}\n"
        "agent_groups:\n  team: {skills: [sales], agents: 2}\n"
        "outbound:\n  renewals: {customers: 5, window: ['10:00', '11:00'], groups: [team],"
        " connect: 0.5, talk_time: {dist: exponential, mean: 5min}, attempt_time: 20s,"
        " idle_threshold: 0}\n"
    )
    calls = draw_calls(sc, 3, 0)
    assert calls.n_calls == 0 and len(calls.outbound) == 1
    obs = run_replication(sc, 3, 0, engine)
    assert int((obs.leg == OUTBOUND).sum()) == 5  # every customer dialed
