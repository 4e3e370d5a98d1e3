"""The compiled KPI passes and the compact batch form: against definitions (numpy's
percentile rule, interval overlaps, the four SL definitions by hand) and against
the document form they replace (same numbers, bit for bit)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.batch.ratios import ratio_of_totals
from ccsim.batch.row_ratios import ratio_of_totals_rows
from ccsim.batch.runner import run, run_replication
from ccsim.kernels import kpis as kk
from ccsim.kernels.kpi_tables import CALL_TABLE
from ccsim.kernels.queue_lengths import _live_maxima, live_queue_maxima, max_queue
from ccsim.metrics import replication_kpis, service_level, summarize
from ccsim.metrics.compact import KpiLayout, KpiRows, summarize_rows
from ccsim.metrics.kpis import replication_row
from ccsim.metrics.service_level import SL_DEFINITIONS, service_level_terms

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def same(a, b) -> bool:
    """Equal as documents, NaN equal to NaN, floats bit for bit."""
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b and type(a) is type(b)


# --------------------------------------------------------------------------- definitions


def test_service_level_by_hand():
    # 10 offered: 8 answered (7 within T), 2 abandoned (1 within T).
    c = {"answered_within": 7, "abandoned_within": 1, "answered": 8, "offered": 10}
    want = {
        "offered": 7 / 10,
        "answered": 7 / 8,
        "exclude_short_abandons": 7 / 9,
        "short_abandons_as_met": 8 / 10,
    }
    assert {d: service_level(c, d) for d in SL_DEFINITIONS} == want
    none = {"answered_within": 0, "abandoned_within": 0, "answered": 0, "offered": 0}
    assert all(math.isnan(service_level(none, d)) for d in SL_DEFINITIONS)
    with pytest.raises(ValueError, match="unknown service-level definition"):
        service_level(c, "within")


def test_service_level_terms_per_call_indicators_add_up_to_counts():
    """One indicator per call, summed, is the counts' numerator and denominator."""
    rng = np.random.default_rng(3)
    answered = rng.random(50) < 0.8
    within = rng.random(50) < 0.6
    calls = {
        "answered_within": (answered & within).astype(int),
        "abandoned_within": (~answered & within).astype(int),
        "answered": answered.astype(int),
        "offered": np.ones(50, dtype=int),
    }
    totals = {k: int(v.sum()) for k, v in calls.items()}
    for d in SL_DEFINITIONS:
        num, den = service_level_terms(calls, d)
        assert (num.sum(), den.sum()) == service_level_terms(totals, d)


def call_rows(key, sel, k, key_b, sel_b, k_b, outcome, wait, talk, wrap, order, t, d, qs):
    """`call_table`'s rows, then `wait_percentiles`' (as `call_kpis` puts them)."""
    scopes = (key, sel, k, key_b, sel_b, k_b)
    table, ranks = kk.call_table(*scopes, outcome, wait, talk, wrap, t, d)
    pct = kk.wait_percentiles(*scopes, outcome, wait, order, ranks, qs)
    return np.concatenate((table, pct))


def test_percentiles_follow_numpys_linear_rule_per_key():
    rng = np.random.default_rng(0)
    n, k = 400, 5
    key = rng.integers(0, k, n).astype(np.int64)
    wait = np.round(rng.exponential(20.0, n), 1)  # ties
    wait[rng.random(n) < 0.3] = 0.0  # answered at once: counted, not sorted
    outcome = np.where(rng.random(n) < 0.7, 1, 2).astype(np.int64)
    sel = rng.random(n) < 0.9
    qs = np.array([50.0, 90.0, 95.0])
    nonzero = np.flatnonzero((outcome == 1) & (wait != 0))
    for order in (np.argsort(wait), nonzero[np.argsort(wait[nonzero])]):
        got = call_rows(key, sel, k, key, sel, 0, outcome, wait, wait, wait, order, 20.0, 0, qs)[
            14:
        ]
        for g in range(k):
            v = wait[sel & (outcome == 1) & (key == g)]
            # a + (pos - lo)(b - a): numpy interpolates from b above the middle,
            # which may differ in the last bit.
            np.testing.assert_allclose(got[:, g], np.percentile(v, qs), rtol=1e-14, atol=0)
    none = sel & False
    empty = call_rows(key, none, k, key, none, 0, outcome, wait, wait, wait, nonzero, 20.0, 0, qs)[
        14:
    ]
    assert np.isnan(empty).all()


def test_call_table_ratios_by_hand():
    # Key 0: answered waits 0, 10, 30 (T = 20), abandoned after 5 and 25, one blocked.
    outcome = np.array([1, 1, 1, 2, 2, 0], dtype=np.int64)
    wait = np.array([0.0, 10.0, 30.0, 5.0, 25.0, np.nan])
    talk = np.full(6, 100.0)
    key = np.zeros(6, dtype=np.int64)
    sel = np.ones(6, dtype=bool)
    order = np.array([1, 2], dtype=np.int64)
    for d, sl in enumerate((2 / 5, 2 / 3, 2 / 4, 3 / 5)):
        t = call_rows(
            key, sel, 2, key, sel, 0, outcome, wait, talk, talk, order, 20.0, d, np.array([50.0])
        )
        got = dict(zip(CALL_TABLE, t[:14, 0], strict=True))
        assert got["service_level"] == sl
        assert (got["offered"], got["answered"], got["abandoned"], got["blocked"]) == (5, 3, 2, 1)
        assert got["asa_s"] == 40 / 3 and got["aht_s"] == 200.0
        assert got["abandon_time_s"] == 15.0 and got["abandon_rate"] == 2 / 5
        assert got["p_wait"] == 4 / 5 and t[14, 0] == 10.0
        assert (t[:4, 1] == 0).all() and np.isnan(t[4:, 1]).all()  # key 1: no legs


def test_busy_seconds_split_spans_exactly_across_intervals():
    rng = np.random.default_rng(1)
    n, n_groups, n_int, start, size = 300, 3, 6, 100.0, 60.0
    begin = rng.uniform(50.0, 480.0, n)
    end = begin + rng.exponential(70.0, n)
    group = rng.integers(0, n_groups, n).astype(np.int64)
    lo, hi = 130.0, start + n_int * size
    got = kk.busy_seconds(begin, end, group, n_groups, n_int, start, size, lo, hi)
    want = np.zeros((n_groups, n_int))
    b0, b1 = np.clip(begin, lo, hi), np.clip(end, lo, hi)
    for j in range(n_int):  # the overlap of each span with each interval
        a, b = start + j * size, start + (j + 1) * size
        overlap = np.clip(np.minimum(b1, b) - np.maximum(b0, a), 0.0, None)
        want[:, j] = np.bincount(group, weights=overlap, minlength=n_groups)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@pytest.mark.parametrize("cut", [20.0, 25.0, 0.0, -5.0, 90.0])  # inside, on, before, after
def test_four_queue_maxima_from_one_sort_are_the_four_separate_ones(cut):
    rng = np.random.default_rng(2)
    n, n_types = 200, 3
    t_in = rng.integers(0, 100, n).astype(float)
    t_out = t_in + rng.integers(0, 15, n)
    t_out[rng.random(n) < 0.05] = np.nan
    types = rng.integers(-1, n_types, n).astype(np.int64)  # -1: never typed
    day, edges = np.array([cut]), np.array([0.0, 25.0, 50.0, 75.0])
    whole, by_type = live_queue_maxima(t_in, t_out, types, n_types, day, edges)
    order_in, order_out = np.argsort(t_in, kind="stable"), np.argsort(t_out, kind="stable")
    pieces = np.union1d(edges, day)
    args = (t_in, t_out, types, order_in, order_out, n_types, pieces)
    np.testing.assert_array_equal(  # same code, same numbers
        _live_maxima.py_func(*args), _live_maxima(*args)
    )
    sel = rng.random(n) < 0.8  # the callers asked about, the others ignored
    subset = live_queue_maxima(t_in, t_out, types, n_types, day, edges, sel=sel)
    for got, want in zip(
        subset,
        live_queue_maxima(t_in[sel], t_out[sel], types[sel], n_types, day, edges),
        strict=True,
    ):
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    zero = np.zeros(n, dtype=np.int64)
    typed = types >= 0
    for got, e in zip(whole, (day, edges), strict=True):
        np.testing.assert_array_equal(got, max_queue(t_in, t_out, zero, 1, e))
    for got, e in zip(by_type, (day, edges), strict=True):
        want = max_queue(t_in[typed], t_out[typed], types[typed], n_types, e)
        np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------------------- same numbers


@pytest.fixture(scope="module")
def days():
    """One replication each of scenarios with many types, callbacks, chats, IVR."""
    out = []
    for name in ("bank_multiskill", "callbacks_in_surge", "chat_voice_support", "tech_support"):
        s = ccsim.load_scenario(SCENARIOS / f"{name}.yaml")
        out.append((s, run_replication(s, 5, 1, "fast")))
    return out


def test_the_row_is_the_documents_numbers_in_order(days):
    for s, obs in days:
        doc = replication_kpis(obs, s)
        layout = KpiLayout.of(doc)
        row = replication_row(obs, s)
        np.testing.assert_array_equal(row, layout.flatten(doc))
        assert same(layout.unflatten(row), doc)


def test_interpreted_kernels_give_the_compiled_numbers(days, monkeypatch):
    s, obs = days[1]
    compiled = replication_kpis(obs, s)
    interpreted = {f.py_func.__name__: f.py_func for f in kk._KERNELS}
    monkeypatch.setattr(kk, "kernels", lambda n_legs=0: type("K", (), interpreted))
    assert same(replication_kpis(obs, s), compiled)


def test_turning_to_compiled_code_compiles_every_kpi_kernel(monkeypatch):
    """Also the kernels the scenario never calls (busy_seconds: chats only), so that
    the next process finds them all cached and interprets nothing."""
    monkeypatch.setattr(kk, "_interpreted", kk.INTERPRETED_LEGS)
    monkeypatch.setattr(kk, "_all_compiled", False)
    assert kk.kernels(100) is kk._COMPILED
    assert all(f.overloads for f in kk._KERNELS)


@pytest.mark.parametrize("reps", [1, 2, 12])
def test_summaries_of_rows_are_those_of_documents(reps):
    s = ccsim.load_scenario(SCENARIOS / "callbacks_in_surge.yaml")
    result = run(s, replications=reps, seed=4)
    docs = list(result.kpis)
    assert isinstance(result.kpis, KpiRows) and len(result.kpis) == reps
    assert same(result.kpis[reps - 1], docs[-1]) and same(result.kpis[:2], docs[:2])
    assert same(summarize_rows(result.kpis), summarize(docs))
    assert same(result.summary, summarize(docs))
    definition = s.service_level.definition
    assert same(ratio_of_totals_rows(result.kpis, definition), ratio_of_totals(docs, definition))
