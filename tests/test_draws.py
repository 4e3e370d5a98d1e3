"""Random streams, batched draws and the per-replication callers.

Statistical checks use fixed seeds, so they are deterministic; their bounds are
still derived (5 standard errors) so that a correct kernel would pass for almost
any seed, while a wrong parameterisation (mean vs rate, sigma vs variance, ...)
is off by hundreds of standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim.kernels import draws
from ccsim.kernels.draws import poisson_arrivals, sample
from ccsim.models.calls import draw_calls
from ccsim.scenario.model import (
    DIST_KINDS,
    AgentGroup,
    CallType,
    Distribution,
    Horizon,
    Scenario,
)
from ccsim.streams import STREAMS, new_seed, stream

N = 200_000
Z = 5.0  # standard errors allowed; P(|N(0,1)| > 5) = 5.7e-7

DISTS = {
    "exponential": Distribution("exponential", (180.0,)),
    "deterministic": Distribution("deterministic", (60.0,)),
    "lognormal": Distribution("lognormal", (5.0, 0.5)),
    "gamma": Distribution("gamma", (2.0, 3.0)),
    "weibull": Distribution("weibull", (1.5, 200.0)),
    "uniform": Distribution("uniform", (30.0, 90.0)),
    "empirical": Distribution("empirical", (), (10.0, 20.0, 20.0, 45.0, 300.0)),
    # knots (0, 1), (20, 0.7), (60, 0.6), (120, 0.3); exponential tail of mean 100 s
    "survival": Distribution("survival", (100.0,), (0.0, 20.0, 60.0, 120.0, 1.0, 0.7, 0.6, 0.3)),
    # an atom at zero, a long exponential and an empirical: every kind of component
    "mixture": Distribution(
        "mixture",
        components=(
            (0.1, Distribution("deterministic", (0.0,))),
            (0.6, Distribution("exponential", (300.0,))),
            (0.3, Distribution("empirical", (), (10.0, 20.0, 45.0))),
        ),
    ),
}


def raw_moment(d: Distribution, j: int) -> float:
    """E[X^j], exactly, for the moment-based bounds below."""
    p = d.params
    if d.kind == "exponential":
        return math.factorial(j) * p[0] ** j
    if d.kind == "deterministic":
        return p[0] ** j
    if d.kind == "lognormal":
        return math.exp(j * p[0] + j * j * p[1] ** 2 / 2)
    if d.kind == "gamma":
        return p[1] ** j * math.gamma(p[0] + j) / math.gamma(p[0])
    if d.kind == "weibull":
        return p[1] ** j * math.gamma(1 + j / p[0])
    if d.kind == "uniform":
        a, b = p
        return (b ** (j + 1) - a ** (j + 1)) / ((j + 1) * (b - a))
    if d.kind == "survival":  # numerically: E[T^j] = j ∫ t^(j-1) S(t) dt
        from scipy import integrate

        edges = (0.0, *d.values[: len(d.values) // 2], np.inf)  # piece by piece
        f = lambda t: j * t ** (j - 1) * survival_curve(d, t)  # noqa: E731
        return sum(
            integrate.quad(f, a, b, epsabs=0, epsrel=1e-13)[0]
            for a, b in zip(edges, edges[1:], strict=False)
        )
    if d.kind == "mixture":  # the law of total expectation
        return sum(w * raw_moment(c, j) for w, c in d.components)
    return float(np.mean(np.asarray(d.values) ** j))


def survival_curve(d: Distribution, t: float) -> float:
    """S(t) of a survival distribution, written out from its definition (the oracle)."""
    m = len(d.values) // 2
    times, surv = d.values[:m], d.values[m:]
    if t < times[0]:
        return 1.0
    if t >= times[-1]:
        return surv[-1] * math.exp(-(t - times[-1]) / d.params[0])
    return float(np.interp(t, times, surv))


def fourth_central_moment(d: Distribution) -> float:
    m1, m2, m3, m4 = (raw_moment(d, j) for j in (1, 2, 3, 4))
    return m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4


def test_kind_codes_are_stable():
    # The codes pack a mixture's components: a kind keeps its code, new kinds append.
    first = ("exponential", "deterministic", "lognormal", "gamma", "weibull", "uniform")
    assert DIST_KINDS[:9] == (*first, "empirical", "survival", "mixture")
    assert [Distribution(kind).code for kind in DIST_KINDS] == list(range(len(DIST_KINDS)))
    assert set(DISTS) == set(DIST_KINDS)


@pytest.mark.parametrize("kind", DIST_KINDS)
def test_sample_mean_and_variance(kind):
    d = DISTS[kind]
    x = sample(np.random.default_rng(20240601), d, N)
    assert x.shape == (N,) and x.dtype == np.float64
    mean, var = d.mean, d.variance
    # The model's own formulas agree with the exact raw moments used for the bounds.
    assert math.isclose(mean, raw_moment(d, 1), rel_tol=1e-12)
    assert math.isclose(var, raw_moment(d, 2) - mean**2, rel_tol=1e-9, abs_tol=1e-9)
    if kind == "deterministic":
        assert np.all(x == mean)
        return
    # Sample mean: standard error sqrt(var / n).
    assert abs(x.mean() - mean) < Z * math.sqrt(var / N)
    # Sample variance: by the delta method its variance is (mu4 - sigma^4) / n, with
    # mu4 the exact fourth central moment (finite for every kind here; the lognormal's
    # sigma is kept small so its tail does not make the normal approximation poor).
    se_var = math.sqrt((fourth_central_moment(d) - var**2) / N)
    assert abs(x.var(ddof=1) - var) < Z * se_var
    assert np.all(x > 0) or kind == "mixture"  # its atom at zero


def _mixture_twin(r, n):
    """What the mixture kernel promises, in numpy: uniforms pick the components,
    then each component's draws in one batch, components in order."""
    pick = np.searchsorted(np.cumsum([0.1, 0.6, 0.3]), r.random(n), side="right")
    out = np.zeros(n)
    out[pick == 1] = r.exponential(300.0, int((pick == 1).sum()))
    out[pick == 2] = r.choice(np.array([10.0, 20.0, 45.0]), int((pick == 2).sum()))
    return out


NUMPY_TWINS = {
    "exponential": lambda r, n: r.exponential(180.0, n),
    "lognormal": lambda r, n: r.lognormal(5.0, 0.5, n),
    "gamma": lambda r, n: r.gamma(2.0, 3.0, n),
    "weibull": lambda r, n: 200.0 * r.weibull(1.5, n),
    "uniform": lambda r, n: r.uniform(30.0, 90.0, n),
    "empirical": lambda r, n: r.choice(np.array([10.0, 20.0, 20.0, 45.0, 300.0]), n),
    "mixture": _mixture_twin,
}


@pytest.mark.parametrize("kind", sorted(NUMPY_TWINS))
def test_kernel_equals_numpy_bit_for_bit(kind):
    n = 10_000
    kernel_rng, numpy_rng = np.random.default_rng(7), np.random.default_rng(7)
    got = sample(kernel_rng, DISTS[kind], n)
    want = NUMPY_TWINS[kind](numpy_rng, n)
    np.testing.assert_array_equal(got, want)
    # The caller's generator is advanced exactly as numpy's own method advances it.
    assert kernel_rng.bit_generator.state == numpy_rng.bit_generator.state


def test_sample_edge_cases():
    rng = np.random.default_rng(1)
    assert sample(rng, DISTS["gamma"], 0).shape == (0,)
    before = rng.bit_generator.state
    sample(rng, DISTS["deterministic"], 100)
    assert rng.bit_generator.state == before  # no random numbers consumed
    with pytest.raises(ValueError):
        sample(rng, DISTS["gamma"], -1)
    with pytest.raises(ValueError):
        sample(rng, Distribution("empirical", ()), 3)


def test_mixture_atom_share_and_nested_components_refused():
    x = sample(np.random.default_rng(3), DISTS["mixture"], N)
    # the atom at zero: a binomial share, weight 0.1
    assert abs(np.mean(x == 0.0) - 0.1) < Z * math.sqrt(0.1 * 0.9 / N)
    nested = Distribution("mixture", components=((1.0, DISTS["mixture"]),))
    with pytest.raises(ValueError, match="flatten"):
        sample(np.random.default_rng(3), nested, 3)


def test_sample_by_period_uses_each_calls_period():
    from ccsim.scenario.model import Period

    periods = (
        Period(0.0, 100.0, Distribution("exponential", (10.0,))),
        Period(100.0, 200.0, Distribution("deterministic", (7.0,))),
        Period(200.0, 300.0, Distribution("exponential", (1000.0,))),
    )
    # times before the first period take it, after the last take the last
    times = np.array([-5.0, 250.0, 100.0, 99.9, 400.0, 150.0, 0.0])
    got = draws.sample_by_period(np.random.default_rng(4), periods, times)
    twin = np.random.default_rng(4)
    want = np.empty(times.size)
    first, last = [0, 3, 6], [1, 4]
    want[first] = twin.exponential(10.0, 3)
    want[[2, 5]] = 7.0
    want[last] = twin.exponential(1000.0, 2)
    np.testing.assert_array_equal(got, want)


# -- Poisson arrivals -----------------------------------------------------------

START, INTERVAL = 8 * 3600.0, 900.0
RATES = np.array([0.01, 0.0, 0.1, 0.5])  # calls per second: 9, 0, 90, 450 expected


def test_poisson_counts_mean_and_dispersion():
    reps = 2000
    rng = np.random.default_rng(11)
    counts = np.empty((reps, RATES.size))
    for r in range(reps):
        t = poisson_arrivals(rng, RATES, START, INTERVAL)
        counts[r] = np.bincount(((t - START) // INTERVAL).astype(int), minlength=RATES.size)
    lam = RATES * INTERVAL
    assert np.all(counts[:, 1] == 0)
    for i in np.flatnonzero(lam > 0):
        # Mean count: Poisson variance is lam, so SE = sqrt(lam / reps).
        assert abs(counts[:, i].mean() - lam[i]) < Z * math.sqrt(lam[i] / reps)
        # Dispersion index s^2 / lam is 1 for Poisson. For a Poisson count the fourth
        # central moment is lam (1 + 3 lam), so Var(s^2) ~ (lam + 2 lam^2) / reps.
        se_disp = math.sqrt((lam[i] + 2 * lam[i] ** 2) / reps) / lam[i]
        assert abs(counts[:, i].var(ddof=1) / lam[i] - 1.0) < Z * se_disp


def test_poisson_times_sorted_and_inside_their_intervals():
    t = poisson_arrivals(np.random.default_rng(3), RATES, START, INTERVAL)
    assert t.dtype == np.float64 and t.size > 0
    assert np.all(np.diff(t) >= 0)
    assert t[0] >= START and t[-1] < START + RATES.size * INTERVAL
    assert not np.any((t >= START + INTERVAL) & (t < START + 2 * INTERVAL))  # rate 0


def test_poisson_uniform_within_intervals():
    # Given the count, times in an interval are uniform on it: pool the positions
    # within their intervals over many intervals and compare with U(0, 1).
    rates = np.full(40, 0.05)
    t = poisson_arrivals(np.random.default_rng(5), rates, START, INTERVAL)
    pos = ((t - START) / INTERVAL) % 1.0
    assert stats.kstest(pos, "uniform").pvalue > 1e-3


def test_poisson_constant_rate_is_homogeneous_across_boundaries():
    # With one rate throughout, gaps (across interval boundaries too) are Exp(rate).
    rate = 0.05
    t = poisson_arrivals(np.random.default_rng(9), np.full(40, rate), START, INTERVAL)
    gaps = np.diff(t)
    assert stats.kstest(gaps, "expon", args=(0, 1 / rate)).pvalue > 1e-3


def test_poisson_edge_cases():
    rng = np.random.default_rng(1)
    before = rng.bit_generator.state
    empty = poisson_arrivals(rng, np.zeros(5), START, INTERVAL)
    assert empty.shape == (0,) and empty.dtype == np.float64
    assert rng.bit_generator.state == before
    assert poisson_arrivals(rng, np.array([]), START, INTERVAL).shape == (0,)
    with pytest.raises(ValueError):
        poisson_arrivals(rng, np.array([0.1, -0.1]), START, INTERVAL)
    with pytest.raises(ValueError):
        poisson_arrivals(rng, np.array([0.1]), START, 0.0)


def test_poisson_later_rates_do_not_change_earlier_intervals():
    a = poisson_arrivals(np.random.default_rng(2), np.array([0.1, 0.1, 0.1]), 0.0, INTERVAL)
    b = poisson_arrivals(np.random.default_rng(2), np.array([0.1, 0.1, 0.3]), 0.0, INTERVAL)
    early = 2 * INTERVAL
    np.testing.assert_array_equal(a[a < early], b[b < early])


# -- streams --------------------------------------------------------------------


def test_streams_reproducible_and_distinct():
    base = stream(42, 3, "handle", 1).random(8)
    np.testing.assert_array_equal(base, stream(42, 3, "handle", 1).random(8))
    for other in (
        stream(43, 3, "handle", 1),
        stream(42, 4, "handle", 1),
        stream(42, 3, "patience", 1),
        stream(42, 3, "handle", 2),
    ):
        assert not np.any(other.random(8) == base)


def test_stream_is_the_spawn_tree():
    # root -> replication -> purpose -> index, as SeedSequence.spawn would build it.
    r, p, k = 2, STREAMS.index("patience"), 3
    child = np.random.SeedSequence(42).spawn(r + 1)[r].spawn(p + 1)[p].spawn(k + 1)[k]
    np.testing.assert_array_equal(
        stream(42, r, "patience", k).random(8), np.random.default_rng(child).random(8)
    )


def test_stream_purposes_fixed_and_checked():
    assert STREAMS[:8] == (
        "arrivals",
        "ivr",
        "handle",
        "wrap_up",
        "patience",
        "retrial",
        "shrinkage",
        "routing",
    )
    with pytest.raises(ValueError, match="unknown random stream purpose"):
        stream(1, 0, "talk")
    with pytest.raises(ValueError):
        stream(1, -1, "handle")


def test_new_seed():
    seeds = {new_seed() for _ in range(4)}
    assert len(seeds) == 4
    assert all(isinstance(s, int) and 0 <= s < 2**63 for s in seeds)


# -- draw_calls -----------------------------------------------------------------

HORIZON = Horizon(start=8 * 3600.0, end=10 * 3600.0, interval=1800.0)
SALES = CallType(
    "sales",
    rates=(0.05, 0.1, 0.08, 0.02),
    handle_time=Distribution("gamma", (2.0, 90.0)),
    wrap_up=Distribution("deterministic", (30.0,)),
    patience=Distribution("exponential", (120.0,)),
)
SUPPORT = CallType(
    "support",
    rates=(0.03, 0.03, 0.06, 0.06),
    handle_time=Distribution("lognormal", (5.0, 0.6)),
)


def scenario(*call_types: CallType, agents: int = 10) -> Scenario:
    names = tuple(c.name for c in call_types)
    return Scenario("test", HORIZON, call_types, (AgentGroup("all", names, agents),))


def test_draw_calls_shape_order_and_reproducibility():
    sc = scenario(SALES, SUPPORT)
    calls = draw_calls(sc, seed=42, replication=0)
    n = calls.n_calls
    assert n > 0
    for a in (calls.arrival, calls.handle, calls.wrap, calls.patience):
        assert a.shape == (n,) and a.dtype == np.float64
    assert calls.call_type.dtype == np.int32
    assert np.all(np.diff(calls.arrival) >= 0)
    assert calls.arrival[0] >= HORIZON.start and calls.arrival[-1] < HORIZON.end
    support = calls.call_type == 1
    assert np.all(calls.wrap[support] == 0) and np.all(np.isinf(calls.patience[support]))
    assert np.all(calls.wrap[~support] == 30.0) and np.all(np.isfinite(calls.patience[~support]))

    again = draw_calls(sc, seed=42, replication=0)
    for name in ("arrival", "call_type", "handle", "wrap", "patience"):
        np.testing.assert_array_equal(getattr(calls, name), getattr(again, name))
    other = draw_calls(sc, seed=42, replication=1)
    assert other.n_calls != n or not np.array_equal(other.arrival, calls.arrival)


def test_draw_calls_common_random_numbers():
    alone = draw_calls(scenario(SALES), seed=7, replication=3)
    both = draw_calls(scenario(SALES, SUPPORT, agents=25), seed=7, replication=3)
    sales = both.call_type == 0
    for name in ("arrival", "handle", "wrap", "patience"):
        np.testing.assert_array_equal(getattr(alone, name), getattr(both, name)[sales])
    # Each type's own batch matches the streams it is documented to use.
    np.testing.assert_array_equal(
        alone.handle, sample(stream(7, 3, "handle", 0), SALES.handle_time, alone.n_calls)
    )


def test_draw_calls_rejects_rates_not_matching_horizon():
    bad = CallType("bad", rates=(0.1,), handle_time=Distribution("exponential", (60.0,)))
    with pytest.raises(ValueError, match="bad"):
        draw_calls(scenario(bad), seed=1, replication=0)


def test_poisson_counts_are_the_compiled_generators_counts():
    """Arrival counts are numba's Generator.poisson, draw for draw (the numbers every
    seed has always given), including the rare count where numba's rejection step
    truncates and numpy's floors (lam = 10, seed 11: numba 0, numpy 6)."""
    from numba import njit

    @njit
    def compiled(rng, lam, n):
        out = np.empty(n, dtype=np.int64)
        for i in range(n):
            out[i] = rng.poisson(lam)
        return out

    for lam, seed in ((10.0, 11), (0.7, 1), (9.99, 2), (47.1, 3), (600.0, 4)):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        got = [draws._poisson_count(ours.random, lam) for _ in range(3000)]
        np.testing.assert_array_equal(got, compiled(theirs, lam, 3000))
        assert ours.bit_generator.state == theirs.bit_generator.state
    r = np.random.default_rng(11)
    assert np.random.default_rng(11).poisson(10.0, 3000)[1116] == 6
    assert [draws._poisson_count(r.random, 10.0) for _ in range(1117)][1116] == 0


@pytest.mark.parametrize("seed", range(6))
def test_poisson_arrivals_in_one_batch_are_those_drawn_one_call_at_a_time(seed):
    """Same times, and the generator left in the same state, as drawing each count's
    numbers and each interval's times with their own generator calls (busy
    intervals, and quiet ones: the numbers read as floats)."""
    rng = np.random.default_rng(100 + seed)
    scale = 1.0 if seed % 2 else 0.02
    rates = rng.choice([0.0, 0.001, 0.02, 0.05, 0.9], size=40) * rng.random(40) * scale
    batch, step = np.random.default_rng(seed), np.random.default_rng(seed)
    got = draws._poisson_arrivals(batch, rates, 28800.0, 900.0)
    want = draws._poisson_arrivals_stepwise(step, rates, 28800.0, 900.0)
    np.testing.assert_array_equal(got, want)
    assert batch.bit_generator.state == step.bit_generator.state
    assert batch.random() == step.random()


def test_batched_uniforms_grow_when_read_past_the_batch():
    rng, plain = np.random.default_rng(8), np.random.default_rng(8)
    u = draws._Uniforms(rng, 0.0)  # a batch of 64
    u.grow(100)
    u.close(130)
    want = plain.random(u.buffer.shape[0])
    np.testing.assert_array_equal(u.buffer, want)
    assert u.values.tolist() == want.tolist()
    plain = np.random.default_rng(8)
    plain.random(130)
    assert rng.random() == plain.random()
