"""Finished replications are kept on disk as they complete; an interrupted or killed
batch continues with --resume and gives exactly the numbers of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccsim import load_scenario
from ccsim.batch.parallel import Backend, Replication
from ccsim.batch.runner import run
from ccsim.batch.store import STORE_FILE, ReplicationStore, StoreError

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "tests" / "data" / "good" / "bank.yaml"
DEMO = "scenarios/demo_two_types.yaml"


def numbers(doc: dict) -> dict:
    """A result document without what may differ between two runs of the same batch."""
    return {k: v for k, v in doc.items() if k not in ("resumed", "backend")}


@pytest.fixture(scope="module")
def bank():
    return load_scenario(BANK)


def test_store_round_trips_kpis_exactly(tmp_path, bank):
    result = run(bank, 3, 4, out=tmp_path)
    stored = ReplicationStore(tmp_path, bank, 4).load()
    assert sorted(stored) == [0, 1, 2]
    assert [stored[r].kpis for r in range(3)] == json.loads(json.dumps(list(result.kpis)))
    assert sum(rep.n_calls for rep in stored.values()) == result.n_calls


def test_resume_runs_only_the_missing_replications(tmp_path, bank):
    whole = run(bank, 10, 4)
    run(bank, 6, 4, out=tmp_path)
    path = tmp_path / STORE_FILE
    lines = path.read_text().splitlines()
    # Keep the header and replications 0, 1, 2; then a line cut short by a kill.
    path.write_text("\n".join(lines[:4]) + "\n" + lines[5][: len(lines[5]) // 2])
    resumed = run(bank, 10, 4, out=tmp_path, resume=True, backend=Backend(workers=2))
    assert resumed.resumed == 3
    assert json.dumps(resumed.summary) == json.dumps(whole.summary)
    assert resumed.n_calls == whole.n_calls
    # Every replication once in the store now, the cut line left behind.
    assert sorted(ReplicationStore(tmp_path, bank, 4).load()) == list(range(10))


def test_without_resume_a_store_starts_afresh(tmp_path, bank):
    run(bank, 4, 4, out=tmp_path)
    again = run(bank, 2, 4, out=tmp_path)
    assert again.resumed == 0
    assert sorted(ReplicationStore(tmp_path, bank, 4).load()) == [0, 1]


def test_resume_refuses_another_runs_store(tmp_path, bank):
    run(bank, 2, 4, out=tmp_path)
    with pytest.raises(StoreError, match="another run"):
        run(bank, 2, 5, out=tmp_path, resume=True)
    (tmp_path / STORE_FILE).write_text("not json\n")
    with pytest.raises(StoreError, match="not a ccsim replication store"):
        run(bank, 2, 4, out=tmp_path, resume=True)


def test_store_writes_each_replication_as_it_finishes(tmp_path, bank):
    store = ReplicationStore(tmp_path, bank, 1)
    store.open(resume=False)
    store.append(Replication(7, {"summary": {"x": float("nan")}}, 12))
    # Readable before close: a kill now would lose nothing.
    got = ReplicationStore(tmp_path, bank, 1).load()
    store.close()
    assert list(got) == [7] and got[7].n_calls == 12
    assert got[7].kpis["summary"]["x"] != got[7].kpis["summary"]["x"]  # NaN kept


# -- the command line, killed and interrupted for real -------------------------------


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ccsim", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the workers get the signal too
    )


def wait_for_records(path: Path, n: int, proc: subprocess.Popen, timeout: float = 120) -> int:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if path.exists():
            count = path.read_text().count("\n") - 1
            if count >= n:
                return count
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        time.sleep(0.05)
    raise AssertionError("no replications were stored")


BATCH = (DEMO, "--reps", "240", "--seed", "9", "--engine", "simpy", "--workers", "2")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole")
    r = subprocess.run(
        [sys.executable, "-m", "ccsim", "run", *BATCH, "--out", str(out), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_killed_or_interrupted_batch_resumes_to_the_uninterrupted_numbers(
    tmp_path, uninterrupted, how
):
    store = tmp_path / STORE_FILE
    proc = start("run", *BATCH, "--out", str(tmp_path), "--json")
    done = wait_for_records(store, 20, proc)
    os.killpg(proc.pid, how)
    _, err = proc.communicate(timeout=120)
    if how == signal.SIGINT:  # Ctrl-C: a clean stop that says how to go on
        assert proc.returncode == 130, err
        assert "--resume" in err and "Traceback" not in err
    kept = store.read_text().count("\n") - 1
    assert done <= kept < 240
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "ccsim",
            "run",
            *BATCH,
            "--out",
            str(tmp_path),
            "--resume",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["resumed"] >= done
    assert numbers(doc) == numbers(uninterrupted)
    assert json.loads((tmp_path / "result.json").read_text())["summary"] == doc["summary"]


def test_cli_resume_needs_out_and_the_same_run(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "ccsim", "run", DEMO, "--reps", "2", "--resume"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "--out" in r.stderr and "Traceback" not in r.stderr
    for seed in ("1", "2"):
        r = subprocess.run(
            [sys.executable, "-m", "ccsim", "run", DEMO, "--reps", "2", "--seed", seed,
             "--out", str(tmp_path), "--resume", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )  # fmt: skip
    assert r.returncode == 2 and "another run" in r.stderr and "Traceback" not in r.stderr
