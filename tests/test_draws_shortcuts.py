"""The shortcuts that make drawing a day's callers cheap give exactly what the plain
way gives: a stream's generator (SeedSequence's hashing written out), the merge of
the callers' parts (no sort when the arrivals are already in order) and the NaN
columns made on first read."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from ccsim.models.call_draws import CallDraws, Part, merge
from ccsim.streams import STREAMS, stream

# -- streams ---------------------------------------------------------------------

SEEDS = (0, 1, 42, 2**32 - 1, 2**32, 2**63 - 1, 2**64 + 7, 2**127 + 3, 2**128 + 1)
KEYS = ((0, 0), (1, 5), (7, 20_012), (2**32 - 1, 2**32 - 1), (2**32, 3), (5, 2**33))


@pytest.mark.parametrize("seed", SEEDS)
def test_stream_is_default_rng_of_the_seed_sequence(seed):
    for replication, index in KEYS:
        for code, purpose in enumerate(STREAMS):
            want = np.random.default_rng(
                np.random.SeedSequence(seed, spawn_key=(replication, code, index))
            )
            got = stream(seed, replication, purpose, index)
            assert got.bit_generator.state == want.bit_generator.state


def test_stream_seed_sequence_answers_like_the_real_one():
    got = stream(42, 3, "patience", 1)
    want = np.random.default_rng(np.random.SeedSequence(42, spawn_key=(3, 4, 1)))
    seq = got.bit_generator.seed_seq
    assert (seq.entropy, seq.spawn_key) == (42, (3, 4, 1))
    np.testing.assert_array_equal(
        seq.generate_state(3), want.bit_generator.seed_seq.generate_state(3)
    )
    assert [g.random() for g in got.spawn(2)] == [g.random() for g in want.spawn(2)]
    again = pickle.loads(pickle.dumps(got))
    assert again.random(4).tolist() == got.random(4).tolist() == want.random(4).tolist()


# -- merge -----------------------------------------------------------------------


def _stable_sort_merge(parts):
    """The definition: every column concatenated, then a stable sort by arrival."""
    n = [p.arrival.shape[0] for p in parts]
    ivr = [np.zeros(k) if p.ivr_time is None else p.ivr_time for p, k in zip(parts, n, strict=True)]
    ex = [
        np.full(k, -1, np.int8) if p.ivr_exit is None else p.ivr_exit
        for p, k in zip(parts, n, strict=True)
    ]
    cols = [
        np.concatenate([p.arrival for p in parts]),
        np.repeat(np.array([p.call_type for p in parts], np.int32), n),
        np.concatenate([p.handle for p in parts]),
        np.concatenate([p.wrap for p in parts]),
        np.concatenate([p.patience for p in parts]),
        np.concatenate(ivr),
        np.repeat(np.array([p.via_ivr for p in parts]), n),
        np.concatenate(ex),
    ]
    order = np.argsort(cols[0], kind="stable")
    return [c[order] for c in cols]


def _part(arrival, k, ivr=False, seed=0):
    arrival = np.asarray(arrival, dtype=np.float64)
    rng = np.random.default_rng(seed)
    n = arrival.shape[0]
    extra = (rng.random(n), True, np.full(n, 3, np.int8)) if ivr else ()
    return Part(arrival, k, rng.random(n), rng.random(n), rng.random(n), *extra)


def _same(got, want):
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


def test_merge_one_part_with_ties_is_the_part_itself():
    part = _part([5.0, 5.0, 5.0, 7.0, 7.0, 9.5], 2)
    got = merge([part])
    _same(got, _stable_sort_merge([part]))
    assert got[0] is part.arrival and got[2] is part.handle  # no sort, no copy


def test_merge_many_parts_with_ties_keeps_the_parts_order():
    parts = [
        _part([1.0, 4.0, 4.0, 8.0], 0, seed=1),
        _part([0.5, 4.0, 8.0, 8.0, 9.0], 1, seed=2),
        _part([4.0, 6.0], 1, ivr=True, seed=3),
        _part([], 0, seed=4),
    ]
    got = merge(parts)
    _same(got, _stable_sort_merge(parts))
    assert got[1].tolist() == [1, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1]  # at 4.0: 0, 0, 1, then IVR


def test_merge_parts_already_in_order():
    parts = [_part([1.0, 2.0], 0), _part([2.0, 3.0], 1, ivr=True), _part([3.0], 0)]
    _same(merge(parts), _stable_sort_merge(parts))


# -- the NaN columns ---------------------------------------------------------------


def test_nan_columns_are_made_on_first_read_and_are_each_their_own():
    def calls():
        a = np.arange(3.0)
        return CallDraws(a, np.zeros(3, np.int32), a.copy(), a.copy(), a.copy())

    one, two = calls(), calls()
    assert one.transfer_u.shape == (3,) and one.callback_u.shape == (3, 2)
    assert np.isnan(one.transfer_handle).all() and np.isnan(one.callback_u).all()
    one.transfer_u[1] = 0.5
    one.callback_u[:, 0] = 0.25
    assert one.transfer_u.tolist()[1] == 0.5 and np.isnan(one.transfer_wrap).all()
    assert np.isnan(two.transfer_u).all() and np.isnan(two.callback_u).all()
    given = CallDraws(*(np.arange(2.0),) * 5, transfer_u=np.array([0.1, 0.2]))
    assert given.transfer_u.tolist() == [0.1, 0.2]
    assert pickle.loads(pickle.dumps(one)).transfer_u[1] == 0.5


def test_lazy_stream_is_made_only_when_numbers_are_drawn():
    from ccsim.kernels.draws import sample
    from ccsim.models.caller_attributes import _lazy_stream
    from ccsim.scenario.model import Distribution

    fixed = _lazy_stream(1, 2, "wrap_up", 3)
    assert sample(fixed, Distribution("deterministic", (30.0,)), 4).tolist() == [30.0] * 4
    assert fixed.rng is None  # type: ignore[attr-defined]  # no generator was made
    drawn = sample(_lazy_stream(1, 2, "wrap_up", 3), Distribution("exponential", (60.0,)), 5)
    np.testing.assert_array_equal(drawn, stream(1, 2, "wrap_up", 3).exponential(60.0, 5))
