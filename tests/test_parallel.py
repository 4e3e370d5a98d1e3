"""Where replications run never changes the numbers: one process, local worker
processes, a crashed worker, a real Dask cluster."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from ccsim import load_scenario
from ccsim import parallel as par
from ccsim.batch.parallel import Backend, _chunks, map_replications
from ccsim.batch.runner import Precision, run
from ccsim.metrics import DAY_KPIS, service_level_risk

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "tests" / "data" / "good" / "bank.yaml"
DEMO = ROOT / "scenarios" / "demo_two_types.yaml"


def fingerprint(result) -> str:
    """Everything a run reports that depends on the random numbers, as exact text."""
    return json.dumps([list(result.kpis), result.summary, result.risk, result.n_calls])


@pytest.fixture(scope="module")
def bank():
    return load_scenario(BANK)


@pytest.fixture(scope="module")
def bank_alone(bank):
    return run(bank, 9, 11, engine="simpy")


@pytest.mark.parametrize("workers", [2, 3])
def test_local_workers_give_the_numbers_of_one_process(bank, bank_alone, workers):
    result = run(bank, 9, 11, engine="simpy", backend=Backend(workers=workers))
    assert fingerprint(result) == fingerprint(bank_alone)
    assert result.backend == f"{workers} local processes"


def test_compiled_engine_on_workers_matches_simpy_alone(bank, bank_alone):
    result = run(bank, 9, 11, engine="fast", backend=Backend(workers=2))
    assert result.engine == "fast"
    assert fingerprint(result) == fingerprint(bank_alone)


def test_a_pool_serves_later_runs(bank, bank_alone):
    first = run(bank, 9, 11, engine="simpy", backend=Backend(workers=2))
    pool = par._POOLS[2]
    second = run(bank, 9, 11, engine="simpy", backend=Backend(workers=2))
    assert par._POOLS[2] is pool
    assert fingerprint(first) == fingerprint(second) == fingerprint(bank_alone)


def test_every_replication_once_in_any_order(bank):
    got = [r.index for r in map_replications(bank, 3, "fast", [5, 0, 7, 2], Backend(workers=2))]
    assert sorted(got) == [0, 2, 5, 7]


def test_chunks_cover_the_indices_once():
    for n, workers in ((1, 4), (7, 2), (100, 2), (1000, 8)):
        chunks = _chunks(list(range(n)), workers, per_task_overhead=8)
        assert [i for c in chunks for i in c] == list(range(n))
        assert len(chunks) <= workers * 8


_real_run_chunk = par.run_chunk
_MARKER: list[str] = []


def _crash_once(*args, **kwargs):
    """run_chunk whose first call, in whichever worker, kills that worker."""
    try:
        fd = os.open(_MARKER[0], os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        return _real_run_chunk(*args, **kwargs)
    os.close(fd)
    os._exit(1)  # the worker dies, as if killed or out of memory


def _always_crash(*args, **kwargs):
    os._exit(1)


def _patch_run_chunk(monkeypatch, fn) -> None:
    """Replace run_chunk in this process and in the workers forked from it (tasks
    name the function as ccsim.batch.parallel.run_chunk, which resolves to ``fn`` there)."""
    fn.__module__, fn.__qualname__ = "ccsim.batch.parallel", "run_chunk"
    par.close_pools()  # workers forked before the patch would not see it
    monkeypatch.setattr(par, "run_chunk", fn)


@pytest.fixture
def own_pools():
    """Pools forked during the test (with a patched run_chunk) end with it."""
    yield
    par.close_pools()


def test_a_crashed_worker_is_replaced_and_its_replications_rerun(
    bank, bank_alone, monkeypatch, tmp_path, own_pools
):
    marker = tmp_path / "crashed"
    _MARKER[:] = [str(marker)]
    _patch_run_chunk(monkeypatch, _crash_once)
    result = run(bank, 9, 11, engine="simpy", backend=Backend(workers=2))
    assert marker.exists()
    assert fingerprint(result) == fingerprint(bank_alone)


def test_a_worker_that_always_crashes_fails_the_run(bank, monkeypatch, own_pools):
    _patch_run_chunk(monkeypatch, _always_crash)
    with pytest.raises(Exception, match="(?i)process|pool|terminated"):
        run(bank, 4, 11, engine="simpy", backend=Backend(workers=2))


def test_dask_local_cluster_gives_the_numbers_of_one_process(bank, bank_alone):
    """A real distributed.LocalCluster with two worker processes, started by ccsim."""
    result = run(bank, 9, 11, engine="simpy", backend=Backend("dask", workers=2))
    assert fingerprint(result) == fingerprint(bank_alone)
    assert result.backend.startswith("dask")


def test_dask_scheduler_address_gives_the_numbers_of_one_process(bank, bank_alone):
    """An existing cluster, reached by its scheduler's address (as on a real cluster)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        backend = Backend("dask", scheduler=cluster.scheduler_address)
        result = run(bank, 9, 11, engine="fast", backend=backend)
    assert fingerprint(result) == fingerprint(bank_alone)
    assert cluster.scheduler_address in result.backend


def test_backend_rejects_nonsense():
    with pytest.raises(ValueError, match="unknown backend"):
        Backend("mpi")
    with pytest.raises(ValueError, match="at least 1"):
        Backend(workers=0)
    with pytest.raises(ValueError, match="dask"):
        Backend("local", scheduler="tcp://x:1")


# -- risk per interval ----------------------------------------------------------------


def test_risk_per_interval_is_the_share_of_replications_meeting_the_target(bank_alone):
    target = bank_alone.scenario.service_level.target
    risk = bank_alone.risk
    assert risk == service_level_risk(bank_alone.kpis, target)
    for i, entry in enumerate(risk["by_interval"]):
        sl = np.array([k["by_interval"][i]["service_level"] for k in bank_alone.kpis], float)
        sl = sl[~np.isnan(sl)]
        assert entry["n"] == sl.size
        if sl.size:
            assert entry["p_meet_target"] == pytest.approx(np.mean(sl >= target))
            assert entry["p10"] == pytest.approx(np.percentile(sl, 10))
            assert sl.min() <= entry["p10"] <= np.median(sl)
    day = np.array([k["summary"]["service_level"] for k in bank_alone.kpis])
    assert risk["day"]["p_meet_target"] == pytest.approx(np.mean(day >= target))


def test_risk_counts_an_sl_exactly_at_target_as_met():
    reps = [
        {"summary": {"service_level": v}, "by_interval": [{"start": "08:00", "service_level": v}]}
        for v in (4 / 5, 0.79, None)
    ]
    risk = service_level_risk(reps, 0.8)
    assert risk["day"]["p_meet_target"] == 0.5 and risk["day"]["n"] == 2
    assert risk["by_interval"][0]["start"] == "08:00"


# -- precision targets ----------------------------------------------------------------


def test_precision_runs_until_the_half_width_is_met_whatever_the_workers():
    demo = load_scenario(DEMO)
    target = Precision(0.012, max_replications=200)
    one = run(demo, 4, 3, precision=target)
    two = run(demo, 4, 3, precision=target, backend=Backend(workers=2))
    assert fingerprint(one) == fingerprint(two) and one.replications == two.replications
    p = one.precision
    assert p["met"] and p["half_width"] <= 0.012
    ci = one.summary["summary"]["service_level"]["ci95"]
    assert (ci[1] - ci[0]) / 2 <= 0.012 + 1e-12  # (clipping can only narrow it)
    assert one.replications >= target.min_replications
    # Each round but the last missed the target (so a new round was right).
    sl = [k["summary"]["service_level"] for k in one.kpis]
    assert p["rounds"][-1] == one.replications and len(p["rounds"]) >= 2
    for n in p["rounds"][:-1]:
        assert _half(sl[:n]) > 0.012
    assert _half(sl) == pytest.approx(p["half_width"])


def _half(values) -> float:
    from ccsim.metrics import t_interval

    mean, ci = t_interval(np.array(values))
    return (ci[1] - ci[0]) / 2


def test_precision_stops_at_the_maximum_and_says_so():
    demo = load_scenario(DEMO)
    result = run(demo, 2, 3, precision=Precision(1e-6, max_replications=12))
    assert result.replications == 12
    assert result.precision["met"] is False and result.precision["half_width"] > 1e-6


def test_precision_names_the_kpis_it_knows():
    with pytest.raises(ValueError, match="service_level"):
        Precision(0.01, kpi="servicelevel")
    assert "asa_s" in DAY_KPIS


def test_day_kpis_lists_every_kpi_of_the_day(bank_alone):
    assert set(DAY_KPIS) == set(bank_alone.kpis[0]["summary"])


def test_a_small_batch_runs_in_this_process_only_when_allowed():
    """`Backend.for_batch`: hand-worked with `CALLS_PER_SECOND` and `SMALL_BATCH_S`."""
    auto = Backend(workers=2, small_in_process=True)
    fast = par.CALLS_PER_SECOND["fast"] * par.SMALL_BATCH_S  # calls in SMALL_BATCH_S
    assert auto.for_batch(0.5 * fast, "fast") == Backend()  # half a second: here
    assert auto.for_batch(2.0 * fast, "fast") is auto  # two seconds: on the workers
    # The same calls take SimPy 25 times longer: on the workers.
    assert auto.for_batch(0.5 * fast, "simpy") is auto
    asked = Backend(workers=2)  # --workers 2, or a library call: K workers, always
    assert asked.for_batch(1.0, "fast") is asked
    dask = Backend("dask", workers=2, small_in_process=True)
    assert dask.for_batch(1.0, "fast") is dask


def test_ccsim_run_without_workers_runs_a_small_batch_here(capsys, monkeypatch):
    """The CLI's default (`--workers` not given): 9 replications of the small bank day
    (4,185 expected calls) stay here at SimPy's real speed, and go to the workers
    when SimPy is taken to simulate 1,000 calls a second (4.2 s of work)."""
    from ccsim.cli import main

    def where(*extra: str) -> str:
        argv = ["run", str(BANK), "--reps", "9", "--seed", "11", "--json", "--engine", "simpy"]
        assert main([*argv, *extra]) == 0
        return json.loads(capsys.readouterr().out)["backend"]

    assert where() == "this process"
    assert where("--workers", "2") == "2 local processes"  # asked for: always
    monkeypatch.setitem(par.CALLS_PER_SECOND, "simpy", 1_000)
    assert where().endswith("local processes") or os.cpu_count() == 1
