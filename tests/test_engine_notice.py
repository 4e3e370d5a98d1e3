"""`auto` tells the user, in one line on stderr, when it falls back to SimPy."""

from __future__ import annotations

from pathlib import Path

from ccsim.cli import main
from ccsim.models.fast import supports
from ccsim.runner import fallback_notice
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def run_cli(capsys, path: str, *extra: str) -> str:
    code = main(["run", str(ROOT / path), "--reps", "1", "--workers", "1", "--json", *extra])
    assert code in (0, None)
    return capsys.readouterr().err


def test_a_fallback_is_one_line_naming_the_feature(capsys):
    path = "scenarios/chat_voice_support.yaml"
    missing = supports(load_scenario(ROOT / path))
    assert missing is not None  # the day the compiled engine runs it, pick another
    notes = [line for line in run_cli(capsys, path).splitlines() if line.startswith("note:")]
    assert len(notes) == 1
    assert missing in notes[0] and "SimPy" in notes[0]


def test_no_notice_when_the_compiled_engine_runs_it_or_simpy_is_asked_for(capsys):
    assert "note:" not in run_cli(capsys, "scenarios/teaching_single_queue.yaml")
    assert "note:" not in run_cli(capsys, "scenarios/chat_voice_support.yaml", "--engine", "simpy")
    sc = load_scenario(ROOT / "scenarios/chat_voice_support.yaml")
    assert fallback_notice(sc, "simpy") is None
    assert fallback_notice(sc) is not None
