"""The playground's sliders and days, without a browser (tests/test_playground_browser.py
drives the page).

Oracles: a slider setting must give the scenario a person would write by hand (the
pooled lesson file; a ``--set`` override), the day's figures must agree with
Erlang C, and the figures "so far" at the end of the day with the day's KPIs.
"""

from __future__ import annotations

import json
import math
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from ccsim.batch.replication import run_replication
from ccsim.metrics import replication_kpis
from ccsim.outputs.playground.day import play_day
from ccsim.outputs.playground.lessons import find_lessons
from ccsim.outputs.playground.levers import (
    NEVER_HANG_UP_S,
    apply_levers,
    calls_per_hour,
    levers_of,
    mean_handle_time,
    scaled,
)
from ccsim.outputs.playground.server import Playground, serve, words
from ccsim.planning.analytic import erlang_c_asa, erlang_c_service_level
from ccsim.scenario import ScenarioError, load_scenario
from ccsim.scenario.model import Distribution
from ccsim.scenario.overrides import load_with_overrides

CLASSROOM = Path(__file__).resolve().parents[1] / "scenarios" / "classroom"


def lesson(name: str, lang: str = "en"):
    return load_scenario(CLASSROOM / ("zh" if lang == "zh" else "") / f"{name}.yaml")


def day_kpis(scenario, seed: int = 1, rep: int = 0) -> dict:
    return replication_kpis(run_replication(scenario, seed, rep, "fast"), scenario)["summary"]


def test_levers_start_at_the_scenarios_values():
    levers = {lv.key + (lv.group or ""): lv for lv in levers_of(lesson("pooling_two_teams"))}
    assert levers["calls_per_hour"].value == 200
    assert levers["aht_s"].value == 180
    assert levers["agentssales_team"].value == 7 and levers["agentsservice_team"].value == 7
    assert levers["patience_s"].value == NEVER_HANG_UP_S  # nobody hangs up
    assert "pooled" in levers and "self_service" not in levers
    ivr = {lv.key: lv for lv in levers_of(lesson("ivr_self_service"))}
    assert ivr["self_service"].value == pytest.approx(0.10)
    assert ivr["calls_per_hour"].value == 320  # the IVR's arrivals
    for lv in levers_of(lesson("peak_hour_surge")):
        assert lv.low <= lv.value <= lv.high, lv


def test_pooling_slider_gives_the_pooled_lesson():
    """Pooling the two teams of lesson 2 is, call by call, the one-team lesson file."""
    pooled = apply_levers(lesson("pooling_two_teams"), {"pooled": True})
    assert [g.agents for g in pooled.agent_groups] == [14]
    np.testing.assert_equal(day_kpis(pooled), day_kpis(lesson("pooling_one_team")))


def test_agents_slider_is_the_set_override():
    base = lesson("one_agent_less")
    by_slider = apply_levers(base, {"agents": {"team": 11}})
    by_set = load_with_overrides(CLASSROOM / "one_agent_less.yaml", ["agent_groups.team.agents=11"])
    np.testing.assert_equal(day_kpis(by_slider), day_kpis(by_set))


def test_calls_and_handle_time_sliders():
    base = lesson("handle_time_variability")
    s = apply_levers(base, {"calls_per_hour": 300, "aht_s": 120})
    assert calls_per_hour(s) == pytest.approx(300)
    assert mean_handle_time(s) == pytest.approx(120)
    # the shape of a distribution stays: same cv after rescaling
    logn = Distribution("lognormal", (5.0, 1.2))
    assert math.sqrt(scaled(logn, 0.5).variance) / scaled(logn, 0.5).mean == pytest.approx(
        math.sqrt(logn.variance) / logn.mean
    )
    short, long_ = Distribution("exponential", (60.0,)), Distribution("deterministic", (600.0,))
    mix = Distribution("mixture", components=((0.7, short), (0.3, long_)))
    for d in (Distribution("gamma", (2.0, 90.0)), Distribution("uniform", (60.0, 300.0)), mix):
        assert scaled(d, 1.5).mean == pytest.approx(1.5 * d.mean)


def test_patience_and_self_service_sliders():
    base = lesson("ivr_self_service")
    s = apply_levers(base, {"patience_s": 60, "self_service": 0.3})
    assert s.call_types[0].patience.mean == pytest.approx(60)
    branches = dict(s.ivr.node("menu").branches)
    assert branches == pytest.approx({"self_service": 0.3, "enquiries": 0.7})
    never = apply_levers(base, {"patience_s": NEVER_HANG_UP_S})
    assert never.call_types[0].patience is None
    gets = apply_levers(lesson("one_agent_less"), {"patience_s": 120})
    assert gets.call_types[0].patience == Distribution("exponential", (120.0,))


@pytest.mark.parametrize(
    "levers, message",
    [
        ({"agents": {"nobody": 3}}, "no agent group 'nobody'"),
        ({"calls_per_hour": -5}, "calls_per_hour: a number from 1"),
        ({"aht_s": "long"}, "aht_s: a number from 1"),
        ({"agents": 12}, "agents: give a mapping"),
    ],
)
def test_bad_slider_values_are_named(levers, message):
    with pytest.raises(ScenarioError, match=message):
        apply_levers(lesson("one_agent_less"), levers)


def test_the_day_agrees_with_erlang_c():
    """Lesson 1, 12 and 13 agents: 30 days' mean SL and ASA within their 99 % interval
    of Erlang C's steady state (the 95 % interval the page shows, widened by the ratio
    of the Student-t quantiles: the two checks together fail by chance 2 % of seeds)."""
    from scipy import stats

    widen = stats.t.ppf(0.995, 29) / stats.t.ppf(0.975, 29)
    base = lesson("one_agent_less")
    for agents in (12, 13):  # at 11 (91 % busy) one hour of warm-up is too short
        day = play_day(apply_levers(base, {"agents": {"team": agents}}), seed=1, days=30)
        for kpi, theory in (
            ("service_level", erlang_c_service_level(agents, 10.0, 180.0, 20.0)),
            ("asa_s", erlang_c_asa(agents, 10.0, 180.0)),
        ):
            mean, (low, high) = day["average"][kpi]["mean"], day["average"][kpi]["ci95"]
            half = widen * (high - low) / 2
            assert abs(mean - theory) <= half, (agents, kpi, mean, theory, half)


def test_the_figures_so_far_end_at_the_days_figures():
    scenario = lesson("abandonment_hides_understaffing")
    day = play_day(scenario, seed=1, days=2)
    kpis = day_kpis(scenario)
    assert day["day"]["service_level"] == pytest.approx(kpis["service_level"], abs=1e-4)
    # the last frame is 16:00: every call offered by then has its verdict
    assert day["sl"][-1] == pytest.approx(kpis["service_level"], abs=2e-3)
    assert day["asa"][-1] == pytest.approx(kpis["asa_s"], rel=2e-3)
    assert day["abandon"][-1] == pytest.approx(kpis["abandon_rate"], abs=2e-3)
    assert day["occupancy"][-1] == pytest.approx(kpis["occupancy"], abs=0.02)
    # the floor adds up: every seat is busy, idle, on break or away at every frame
    seats = np.array(day["seats"])
    total = np.array(day["busy"]) + np.array(day["idle"]) + np.array(day["on_break"])
    assert (total + np.array(day["away"]) == seats).all()
    # SL so far is unknown before the warm-up ends, then a share
    assert day["sl"][0] is None and all(0 <= x <= 1 for x in day["sl"] if x is not None)


def test_chinese_lessons_are_the_english_ones_renamed():
    """Same numbers, Chinese names: the zh/ twins differ only in words."""
    for lesson_ in find_lessons(CLASSROOM):
        en, zh = lesson_.scenario("en"), lesson_.scenario("zh")
        assert lesson_.path_zh is not None, lesson_.key
        assert zh.lang == "zh" and any(ord(c) > 127 for c in zh.name)
        for ct in zh.call_types + zh.agent_groups:
            assert all(ord(c) > 127 for c in ct.name), ct.name
        np.testing.assert_equal(day_kpis(en), day_kpis(zh), err_msg=lesson_.key)


def test_every_page_word_in_both_languages():
    table = words()
    assert set(table["en"]) == set(table["zh"])
    keys = {k for k in table["en"] if k.startswith("play.")}
    script = (
        Path(__file__).resolve().parents[1] / "ccsim/outputs/playground/static/app.js"
    ).read_text()
    import re

    used = {f"play.{k}" for k in re.findall(r'\bw\("([a-z_]+)"', script)}
    assert used <= keys | {k for k in table["en"] if not k.startswith("play.")}, used - keys


def test_server_answers_json_and_refuses_bad_requests():
    playground = Playground(find_lessons(CLASSROOM / "one_agent_less.yaml"), days=2)
    server = serve(playground, "127.0.0.1", 0, warm=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        lessons = json.loads(urllib.request.urlopen(f"{url}/api/scenarios?lang=zh").read())
        assert lessons[0]["title"] == "课堂：少一名座席员"
        page = urllib.request.urlopen(f"{url}/").read().decode()
        assert "/static/app.js" in page and "http" not in page.replace("http-equiv", "")
        body = json.dumps({"scenario": "one_agent_less", "levers": {"agents": {"team": 13}}})
        day = json.loads(urllib.request.urlopen(f"{url}/api/play", body.encode()).read())
        assert day["seats"] == [13]
        for bad, status in ((b"[1]", 400), (b"{not json", 400)):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(f"{url}/api/play", bad)
            assert err.value.code == status
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{url}/static/../server.py")
        assert err.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
