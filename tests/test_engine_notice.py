"""`auto` tells the user, in one line on stderr, when it falls back to SimPy."""

from __future__ import annotations

from pathlib import Path

from ccsim.batch.replication import fallback_notice
from ccsim.cli import main
from ccsim.models import fast
from ccsim.models.fast import supports
from ccsim.scenario import load_scenario
from ccsim.scenario.week import is_week_file

ROOT = Path(__file__).resolve().parent.parent
#: A chat that transfers to the phone line (compiled since issue 14; the fallback
#: test below pretends the engine lacks a feature, as none is refused any more).
CHAT_TRANSFER = """name: chat transfer
horizon: {start: '08:00', end: '09:00', interval: 30min}
call_types:
  web: {arrivals: {rate: 10/h}, handle_time: {dist: exponential, mean: 60s}, channel: chat,
        transfer: {probability: 0.2, to: phone}}
  phone: {arrivals: {rate: 10/h}, handle_time: {dist: exponential, mean: 60s}}
agent_groups:
  g: {skills: [web, phone], agents: 2}
"""


def run_cli(capsys, path: Path, *extra: str) -> str:
    code = main(["run", str(path), "--reps", "1", "--workers", "1", "--json", *extra])
    assert code in (0, None)
    return capsys.readouterr().err


def test_a_fallback_is_one_line_naming_the_feature(capsys, tmp_path, monkeypatch):
    path = tmp_path / "chat_transfer.yaml"
    path.write_text(CHAT_TRANSFER)
    assert supports(load_scenario(path)) is None
    monkeypatch.setattr(fast, "supports", lambda scenario: "chat transfers")
    notes = [line for line in run_cli(capsys, path).splitlines() if line.startswith("note:")]
    assert len(notes) == 1
    assert "chat transfers" in notes[0] and "SimPy" in notes[0]
    assert "note:" not in run_cli(capsys, path, "--engine", "simpy")
    assert fallback_notice(load_scenario(path), "simpy") is None


def test_every_shipped_scenario_runs_on_the_compiled_engine(capsys):
    for path in sorted((ROOT / "scenarios").glob("**/*.yaml")):
        if is_week_file(path):  # a week runs as one-day scenarios: tests/test_week.py
            continue
        sc = load_scenario(path)
        assert supports(sc) is None, path
        assert fallback_notice(sc) is None
    assert "note:" not in run_cli(capsys, ROOT / "scenarios/chat_voice_support.yaml")
