"""The command line as a user meets it: real processes, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ccsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))
BAD = sorted((ROOT / "tests" / "data" / "bad").glob("*.yaml"))


def ccsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ccsim", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_json_is_reproducible_and_seed_dependent():
    args = ("run", "scenarios/demo_two_types.yaml", "--reps", "3", "--json")
    a = ccsim(*args, "--seed", "5")
    b = ccsim(*args, "--seed", "5")
    c = ccsim(*args, "--seed", "6")
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    doc, other = json.loads(a.stdout), json.loads(c.stdout)
    assert doc["seed"] == 5 and doc["replications"] == 3
    assert doc["summary"]["offered"]["mean"] != other["summary"]["offered"]["mean"]
    # The contract of scenario-format.md.
    for key in ("scenario", "summary", "by_interval", "by_call_type", "by_agent_group"):
        assert key in doc
    sl = doc["summary"]["service_level"]
    assert 0 <= sl["mean"] <= 1 and len(sl["ci95"]) == 2
    assert doc["by_interval"][0]["start"] == "08:00"
    assert set(doc["by_call_type"]) == {"billing", "tech"}


def test_one_replication_has_null_intervals(capsys):
    assert (
        main(["run", str(ROOT / "scenarios/teaching_single_queue.yaml"), "--reps", "1", "--json"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["service_level"]["ci95"] is None


def test_out_writes_tables_and_chart(tmp_path, capsys):
    code = main(
        [
            "run",
            str(ROOT / "scenarios/teaching_single_queue.yaml"),
            "--reps",
            "2",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Service level" in out and "interval" in out
    for name in ("summary.csv", "intervals.csv", "replications.csv", "result.json"):
        assert (tmp_path / name).stat().st_size > 100
    for chart in ("service_level.png", "staffing.png"):
        png = (tmp_path / chart).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    groups = (tmp_path / "agent_groups_intervals.csv").read_text("utf-8-sig").splitlines()
    assert groups[0].startswith("group,interval,scheduled_agents")
    assert len(groups) == 1 + 8  # one group, 8 intervals
    raw = (tmp_path / "intervals.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a UTF-8 BOM, so Excel reads UTF-8
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["interval", "offered", "answered"]  # means first, then CIs
    assert header.index("offered_ci_low") + 1 == header.index("offered_ci_high")
    assert header.index("offered_ci_low") > header.index("service_level")
    # a plain center: no IVR, redial, callback, transfer or outbound columns
    assert not {"ivr_arrivals", "retrials", "callback_offers", "transfers"} & set(header)
    assert "outbound_dials" not in header and len(header) < 100


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_file_gives_one_clear_message_and_status_2(path):
    r = ccsim("validate", str(path.relative_to(ROOT)))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: tests/data/bad/")
    assert r.stdout == ""


def test_run_with_bad_file_exits_2_without_traceback():
    r = ccsim("run", "tests/data/bad/unknown_distribution.yaml")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "did you mean 'lognormal'" in r.stderr


def test_missing_file_exits_2():
    r = ccsim("run", "no/such/file.yaml")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no/such/file.yaml" in r.stderr


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_every_shipped_scenario_runs(path, capsys):
    """Every file in scenarios/ is a test: it validates and one replication runs."""
    assert main(["run", str(path), "--reps", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["offered"]["mean"] > 0


def test_engines_give_identical_numbers(capsys):
    docs = []
    for engine in ("simpy", "fast"):
        args = ["run", str(ROOT / "scenarios/demo_two_types.yaml"), "--reps", "2", "--json"]
        assert main([*args, "--engine", engine]) == 0
        docs.append(json.loads(capsys.readouterr().out))
    assert docs[0]["engine"] == "simpy" and docs[1]["engine"] == "fast"
    for key in ("summary", "by_interval", "by_call_type", "by_agent_group"):
        assert docs[0][key] == docs[1][key]


def test_fast_engine_runs_chat_transfers(tmp_path):
    # A chat that transfers to the phone line: compiled too, so auto needs no fallback.
    text = (
        "name: chat transfer\nhorizon: {start: '08:00', end: '09:00', interval: 30min}\n"
        "call_types:\n  web: {arrivals: {rate: 10/h}, handle_time: {dist: exponential,"
        " mean: 60s}, channel: chat, transfer: {probability: 0.2, to: phone}}\n"
        "  phone: {arrivals: {rate: 10/h}, handle_time: {dist: exponential, mean: 60s}}\n"
        "agent_groups:\n  g: {skills: [web, phone], agents: 2}\n"
    )
    path = tmp_path / "chat_transfer.yaml"
    path.write_text(text)
    r = ccsim("run", str(path), "--engine", "fast", "--reps", "1", "--json")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert json.loads(r.stdout)["engine"] == "fast"
    assert "does not support" not in r.stderr


def test_trace_writes_every_call_and_needs_out(tmp_path, capsys):
    path = str(ROOT / "scenarios/teaching_single_queue.yaml")
    assert main(["run", path, "--reps", "2", "--out", str(tmp_path), "--trace"]) == 0
    rows = (tmp_path / "calls.csv").read_text("utf-8-sig").splitlines()
    doc = json.loads((tmp_path / "result.json").read_text())
    # Every arrival of both replications, one row each (no blocking, no IVR here).
    assert len(rows) - 1 == round(2 * doc["summary"]["offered"]["mean"])
    assert rows[0].startswith("replication,caller,leg")
    capsys.readouterr()
    assert main(["run", path, "--trace"]) == 2
    assert "--trace" in capsys.readouterr().err
