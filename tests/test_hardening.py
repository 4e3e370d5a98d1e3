"""Hardening (issue 21): the regression corpus of every fuzzed failure, with its
expected message; trusted stores; strict JSON; atomic writes; the error boundary;
workers that die with their parent; utilization with overtime."""

from __future__ import annotations

import errno
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccsim.atomic import atomic_path, write_text
from ccsim.batch.runner import run
from ccsim.batch.store import STORE_FILE, ReplicationStore, StoreError
from ccsim.cli import main
from ccsim.cli.boundary import EXIT_BAD_INPUT, EXIT_ENVIRONMENT, classify, global_flags
from ccsim.outputs.jsondoc import dumps
from ccsim.scenario import load_scenario

CORPUS = Path(__file__).parent / "data" / "fuzz_corpus"
ROOT = Path(__file__).parents[1]

#: file -> the phrase its one-line error must hold (None: accepted, and it runs).
EXPECTED = {
    "agents_2_63.yaml": "too much work: about 200 calls per replication, 9.22e+18 agents",
    "rate_1e9.yaml": "too much work: about 1,000,000,000 calls per replication",
    "volume_1e20.yaml": "too much work: about 1e+20 calls per replication",
    "surge_1e9.yaml": "too much work: about 200,000,000,000 calls per replication",
    "handle_1e300h.yaml": "handle_time: the exponential distribution's mean or standard "
    "deviation is not finite or exceeds 1e+09 s",
    "lognormal_sigma_1000.yaml": "handle_time: the lognormal distribution's mean",
    "self_service_type.yaml": "call_types.self_service: 'self_service' is reserved",
    "absolute_file.yaml": "file '/proc/self/environ' must be inside the scenario's folder",
    "parent_file.yaml": "file '../fuzz_corpus/forecast.csv' must be inside the scenario's folder",
    "huge_sheet.yaml": "the sheet has cells beyond row 200,000",
    "control_char.yaml": "control_char.yaml:2: malformed YAML: the control character #x001b",
    "nul_char.yaml": "nul_char.yaml:2: malformed YAML: the control character #x0000",
    "deep.yaml": "deep.yaml:2: the YAML is nested more than 50 levels deep",
    "not_utf8.yaml": "not_utf8.yaml:2: the scenario is not UTF-8 text (byte 0xe9)",
    "exponent_rate.yaml": None,
    "outbound_no_inbound.yaml": None,
    "base.yaml": None,
}


def test_the_corpus_is_covered():
    assert {p.name for p in CORPUS.glob("*.yaml")} == set(EXPECTED)


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_case_gives_its_message(name, capsys):
    code, out, err = _cli(capsys, "validate", CORPUS / name)
    phrase = EXPECTED[name]
    if phrase is None:
        assert code == 0, err
        assert ": ok" in out
        return
    assert code == EXIT_BAD_INPUT
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert phrase in err
    assert "Traceback" not in err


def test_no_message_quotes_a_file_outside_the_folder(capsys):
    code, _, err = _cli(capsys, "--allow-any-file", "validate", CORPUS / "absolute_file.yaml")
    assert code == EXIT_BAD_INPUT
    environ = Path("/proc/self/environ").read_bytes().split(b"\0")[0].decode(errors="replace")
    assert environ and environ not in err
    assert "contents are not shown" in err or "not UTF-8" in err or "not a regular" in err


def test_a_fifo_or_a_device_is_refused_not_waited_on(tmp_path, capsys):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        code, _, err = _cli(capsys, "validate", path)
        assert code == EXIT_BAD_INPUT
        assert "is not a regular file" in err


def test_yaml_1_2_exponents_are_numbers():
    scenario = load_scenario(CORPUS / "exponent_rate.yaml")
    assert scenario.call_types[0].rates[0] == pytest.approx(1000 / 3600)


def test_too_many_replications_are_refused_before_running(capsys):
    code, _, err = _cli(
        capsys, "run", CORPUS / "base.yaml", "--reps", "99999999999999999999", "--workers", "1"
    )
    assert code == EXIT_BAD_INPUT
    assert "too much work" in err and "replication(s)" in err


def test_max_calls_raises_the_limit(capsys):
    code, _, err = _cli(capsys, "validate", CORPUS / "rate_1e9.yaml", "--max-calls", "1e10")
    assert code == EXIT_BAD_INPUT and "of memory" in err  # calls allowed, memory still not
    ok = ["--max-calls", "1e10", "--max-memory", "2000"]
    code, out, err = _cli(capsys, *ok, "validate", CORPUS / "rate_1e9.yaml")
    assert code == 0, err
    code, _, err = _cli(capsys, "validate", CORPUS / "rate_1e9.yaml")  # back to the defaults
    assert code == EXIT_BAD_INPUT


def test_global_flags_anywhere():
    rest, flags = global_flags(["run", "x.yaml", "--debug", "--max-calls=5", "--reps", "2"])
    assert rest == ["run", "x.yaml", "--reps", "2"]
    assert flags["debug"] and flags["max_calls"] == 5
    with pytest.raises(ValueError, match="--max-memory takes a positive number"):
        global_flags(["--max-memory", "lots"])


# -- the outbound campaign without inbound calls, and utilization with overtime ----------


def test_an_outbound_campaign_without_inbound_calls_runs():
    scenario = load_scenario(CORPUS / "outbound_no_inbound.yaml")
    result = run(scenario, 4, 1, engine="simpy")
    day = result.summary["summary"]
    assert day["offered"]["mean"] == 0
    # conservation of the dials: every customer dialed is reached or not
    for kpis in result.kpis:
        out = kpis["summary"]
        dialed = out.get("outbound_dials", out.get("outbound_attempts"))
        if dialed is not None:
            assert dialed <= 40


OVERTIME = """
name: shifts end while calls are long
seed: 3
horizon: {start: "09:00", end: "11:00", interval: 30min}
call_types:
  long:
    arrivals: {rate: 60/h}
    handle_time: {dist: deterministic, value: 25min}
agent_groups:
  team:
    skills: [long]
    shifts:
      - {start: "09:00", end: "09:30", agents: 30}
      - {start: "09:30", end: "11:00", agents: 2}
"""


def test_utilization_counts_overtime_in_both_terms(tmp_path):
    path = tmp_path / "overtime.yaml"
    path.write_text(OVERTIME)
    result = run(load_scenario(path), 3, 5, engine="simpy")
    group = result.summary["by_agent_group"]["team"]
    assert group["overtime_hours"]["mean"] > 0.5  # agents worked well past 09:30
    for kpis in result.kpis:
        for row in kpis["by_interval"]:
            value = row["utilization"]
            assert value is None or math.isnan(value) or value <= 1 + 1e-9
        assert kpis["summary"]["utilization"] <= 1 + 1e-9


# -- strict JSON -------------------------------------------------------------------------


def test_json_is_strict_with_null_for_undefined_figures():
    text = dumps({"asa": float("nan"), "x": [float("inf"), 1.5], "n": 2})
    assert json.loads(text) == {"asa": None, "x": [None, 1.5], "n": 2}


def test_run_json_has_no_nan(capsys, tmp_path):
    path = tmp_path / "quiet.yaml"
    path.write_text((CORPUS / "base.yaml").read_text().replace("200/h", "0/h"))
    code, out, err = _cli(capsys, "run", path, "--reps", "2", "--json", "--engine", "simpy")
    assert code == 0, err

    def refuse(token):
        raise AssertionError(f"{token} in --json output")

    doc = json.loads(out, parse_constant=refuse)
    assert doc["summary"]["asa_s"]["mean"] is None  # no answered call: ASA undefined


# -- atomic writes and the error boundary -------------------------------------------------


def test_a_failed_write_leaves_neither_half_a_file_nor_a_temporary(tmp_path):
    target = tmp_path / "summary.csv"
    write_text(target, "old\n")
    with pytest.raises(OSError), atomic_path(target) as tmp:
        tmp.write_text("half a ta")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


@pytest.mark.parametrize(
    ("err", "status", "phrase"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "out/a.csv"), EXIT_ENVIRONMENT, "space"),
        (OSError(errno.EFBIG, "File too large", "out/a.csv"), EXIT_ENVIRONMENT, "too large"),
        (PermissionError(errno.EACCES, "Permission denied", "/ro"), EXIT_ENVIRONMENT, "/ro"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "."), EXIT_BAD_INPUT, "."),
        (FileExistsError(errno.EEXIST, "File exists", "f"), EXIT_BAD_INPUT, "in the way"),
        (RecursionError(), EXIT_BAD_INPUT, "nested"),
        (OverflowError("math range error"), EXIT_BAD_INPUT, "too large"),
        (MemoryError(), EXIT_ENVIRONMENT, "memory"),
        (KeyError("x"), EXIT_ENVIRONMENT, "internal error: KeyError"),
    ],
)
def test_every_failure_is_classified(err, status, phrase):
    got, message = classify(err)
    assert got == status and phrase in message


@pytest.mark.parametrize("where", ["file", "under_file"])
def test_out_at_a_file_is_one_line(tmp_path, capsys, where):
    blocker = tmp_path / "results.csv"
    blocker.write_text("x")
    out = blocker if where == "file" else blocker / "sub"
    code, _, err = _cli(
        capsys, "run", CORPUS / "base.yaml", "--reps", "1", "--engine", "simpy", "--out", out
    )
    assert code == EXIT_BAD_INPUT
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_debug_shows_the_traceback(capsys):
    with pytest.raises(Exception, match="nested more than"):
        main(["--debug", "validate", str(CORPUS / "deep.yaml")])


def test_a_dead_scheduler_fails_fast(capsys, monkeypatch):
    pytest.importorskip("distributed")
    import ccsim.batch.parallel

    monkeypatch.setattr(ccsim.batch.parallel, "CONNECT_TIMEOUT_S", 2)
    t0 = time.monotonic()
    code, _, err = _cli(
        capsys, "run", CORPUS / "base.yaml", "--reps", "2", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert code == EXIT_ENVIRONMENT
    assert "tcp://127.0.0.1:9: no Dask scheduler answers there" in err
    assert time.monotonic() - t0 < 25


# -- stores you can trust ----------------------------------------------------------------


@pytest.fixture(scope="module")
def base():
    return load_scenario(CORPUS / "base.yaml")


def test_two_writers_on_one_folder(tmp_path, base):
    first = ReplicationStore(tmp_path, base, 1)
    first.open(resume=False)
    try:
        before = (tmp_path / STORE_FILE).read_bytes()
        with pytest.raises(StoreError, match="another ccsim run .* is writing here"):
            run(base, 2, 2, out=tmp_path, engine="simpy")
        assert (tmp_path / STORE_FILE).read_bytes() == before  # nothing lost
    finally:
        first.close()
    run(base, 2, 2, out=tmp_path, engine="simpy")  # free once the first has finished


def test_a_resume_after_changing_the_seed_or_a_version_is_refused(tmp_path, base, monkeypatch):
    run(base, 3, 4, out=tmp_path, engine="simpy")
    before = (tmp_path / STORE_FILE).read_bytes()
    with pytest.raises(StoreError, match=r"the seed differs \(stored 4, now 5\)"):
        run(base, 3, 5, out=tmp_path, resume=True, engine="simpy")
    import ccsim.batch.store

    real = ccsim.batch.store.stream_versions()
    monkeypatch.setattr(ccsim.batch.store, "stream_versions", lambda: {**real, "numpy": "0.0.1"})
    with pytest.raises(StoreError, match=rf"numpy differs \(stored {real['numpy']}, now 0.0.1\)"):
        run(base, 3, 4, out=tmp_path, resume=True, engine="simpy")
    assert (tmp_path / STORE_FILE).read_bytes() == before


def test_an_edited_or_repeated_line_is_reported(tmp_path, base):
    run(base, 3, 4, out=tmp_path, engine="simpy")
    path = tmp_path / STORE_FILE
    lines = path.read_text().splitlines()
    record = json.loads(lines[2])
    record["kpis"]["summary"]["service_level"] = 0.78  # still valid JSON
    edited = [lines[0], lines[1], json.dumps(record), lines[3], lines[1]]
    path.write_text("\n".join(edited) + "\n")
    before = path.read_bytes()
    with pytest.raises(StoreError) as info:
        run(base, 3, 4, out=tmp_path, resume=True, engine="simpy")
    message = str(info.value)
    assert "line 3: its checksum does not match" in message
    assert "line 5: replication" in message and "again (first on line 2)" in message
    assert path.read_bytes() == before  # nothing changed, nothing lost


def test_a_malformed_store_is_one_message(tmp_path, base, capsys):
    path = tmp_path / STORE_FILE
    for junk in (b"\xff\xfe\n", b'{"ccsim_store": 2}\n{"replication": "x"}\n', b"[]\n"):
        path.write_bytes(junk)
        code, _, err = _cli(
            capsys,
            *("run", CORPUS / "base.yaml", "--reps", "2", "--engine", "simpy"),
            *("--out", tmp_path, "--resume"),
        )
        assert code == EXIT_BAD_INPUT, err
        assert err.startswith("error: ") and "Traceback" not in err


# -- orphans -----------------------------------------------------------------------------

POOL = """
import sys, time
from ccsim.batch.parallel import _pool
pool = _pool(2)
pids = set()
while len(pids) < 2:
    pids |= {f.result() for f in [pool.submit(__import__("os").getpid) for _ in range(8)]}
print(" ".join(map(str, pids)), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_die_with_their_parent():
    proc = subprocess.Popen(
        [sys.executable, "-c", POOL], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)


def _small_files_only() -> None:  # in the child: files above 20 KB cannot be written
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_a_file_system_that_refuses_a_file_leaves_no_half_file(tmp_path):
    out = tmp_path / "out"
    r = subprocess.run(
        [sys.executable, "-m", "ccsim", "run", str(CORPUS / "base.yaml"), "--reps", "2"]
        + ["--engine", "simpy", "--workers", "1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_small_files_only,
    )
    assert r.returncode == EXIT_ENVIRONMENT, r.stderr
    assert r.stderr.startswith("error: ") and "file too large" in r.stderr
    assert "Traceback" not in r.stderr
    names = {p.name for p in out.iterdir()}
    assert not any(".tmp" in n for n in names)  # no temporary left behind
    for name in names & {"summary.csv", "intervals.csv", "result.json"}:
        text = (out / name).read_text()
        if name.endswith(".json"):
            json.loads(text)  # whole, or not there at all
        else:
            assert text.endswith("\n")


@pytest.mark.parametrize("target", [".", "/"])
def test_an_output_file_named_as_a_folder_is_one_line(target):
    with pytest.raises(IsADirectoryError) as info, atomic_path(Path(target)):
        pass
    assert classify(info.value) == (EXIT_BAD_INPUT, f"{target}: is a folder: give a file's name")


def test_a_table_too_large_is_refused_before_it_is_parsed(tmp_path, capsys):
    (tmp_path / "forecast.csv").write_text("start,volume\n" + "09:00,5\n" * 1_400_000)
    text = (CORPUS / "base.yaml").read_text().replace("{rate: 200/h}", "{file: forecast.csv}")
    (tmp_path / "s.yaml").write_text(text)
    code, _, err = _cli(capsys, "validate", tmp_path / "s.yaml")
    assert code == EXIT_BAD_INPUT
    assert "the file is too large (10.7 MB; at most 10 MB are read)" in err
