"""Every command's ``--lang zh`` output is Chinese: no English word left in it.

Each command runs on a Chinese classroom scenario (scenarios/classroom/zh/), and
its standard output is scanned for ASCII words. What may stay in Latin letters: the
names the user gave (scenario, queues, teams, shift templates, files), numbers with
their units, the KPI acronyms and proper names in `ALLOWED`, and command-line
options (``--rounds``). The progress lines on standard error are not scanned.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from ccsim.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
ZH = ROOT / "scenarios" / "classroom" / "zh"

#: Latin words a Chinese reader sees in Chinese texts too: units, KPI acronyms, the
#: names of formulas, engines, solvers and file formats.
ALLOWED = {
    "s", "min", "h", "KB", "SL", "ASA", "AHT", "IVR", "ACD", "CI", "KPI", "MAPE", "WMAPE",
    "Erlang", "C", "A", "B", "SimPy", "Dask", "HiGHS", "scipy", "optimize", "milp", "ccsim",
    "staff", "pyarrow", "pip", "install", "P",  # P(…): a probability
}  # fmt: skip

#: Words that are the user's own: from the files the commands read.
USER_NAMES = {"agents", "full_time", "part_time", "Service", "line", "two", "peak", "weekday"}


def english_words(text: str, names: set[str] = frozenset()) -> list[str]:
    """The ASCII words of ``text`` that are neither allowed nor the user's names;
    paths (with a ``/`` or a file suffix) and options (``--x``) left out."""
    words = []
    for token in text.split():
        if "/" in token or token.startswith("--") or re.search(r"\.(csv|png|json|yaml|gif)", token):
            continue
        for word in re.findall(r"[A-Za-z][A-Za-z_]*", token):
            if word not in ALLOWED and word not in names:
                words.append(word)
    return words


def run_zh(capsys, *argv: str) -> str:
    assert main([*argv, "--lang", "zh"]) == 0
    return capsys.readouterr().out


def assert_chinese(out: str, names: set[str] = frozenset()) -> None:
    left = english_words(out, names)
    assert not left, f"English words in the Chinese output: {sorted(set(left))}\n{out}"


def test_the_scanner_finds_english():
    assert english_words("服务水平 80.0% wrote results/a.csv (offered) 12s") == ["wrote", "offered"]
    assert english_words("已写入 results/a.csv，SL 80/20s，--rounds") == []


def test_every_command_has_lang():
    """Every command takes --lang (the scan below runs those that print tables)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = []
    for name, command in sub.choices.items():
        if not any("--lang" in a.option_strings for a in command._actions):
            missing.append(name)
    assert missing == [], missing


def test_run_and_validate(capsys, tmp_path):
    assert_chinese(run_zh(capsys, "run", str(ZH / "one_agent_less.yaml"), "--reps", "3",
                          "--workers", "1", "--out", str(tmp_path)))  # fmt: skip
    assert_chinese(run_zh(capsys, "validate", str(ZH / "ivr_self_service.yaml")))
    assert_chinese(run_zh(capsys, "plot", str(tmp_path), "--out", str(tmp_path / "charts")))


def test_compare(capsys):
    one_less = "agent_groups.座席组.agents=11"
    out = run_zh(capsys, "compare", str(ZH / "one_agent_less.yaml"), "--set", one_less,
                 "--reps", "3", "--workers", "1")  # fmt: skip
    assert "座席组：座席员人数 = 11" in out and "个百分点" in out
    assert_chinese(out)


def test_sweep(capsys, tmp_path):
    spec = tmp_path / "agents.yaml"
    spec.write_text(
        f"scenario: {ZH / 'one_agent_less.yaml'}\n"
        "grid:\n  agent_groups.座席组.agents: {from: 11, to: 13, step: 1}\n",
        encoding="utf-8",
    )
    out = run_zh(capsys, "sweep", str(spec), "--kpi", "asa_s", "--reps", "3", "--workers", "1",
                 "--out", str(tmp_path / "out"))  # fmt: skip
    assert "座席组：座席员人数" in out
    assert_chinese(out)


def test_staff(capsys):
    out = run_zh(capsys, "staff", str(ZH / "peak_hour_surge.yaml"), "--reps", "4",
                 "--workers", "1", "--max-iterations", "4")  # fmt: skip
    assert_chinese(out)


def test_schedule(capsys, tmp_path):
    out = run_zh(capsys, "schedule", str(ROOT / "scenarios" / "service_line_day.yaml"),
                 "--templates", str(ROOT / "experiments" / "shifts_service_line.yaml"),
                 "--requirement", "erlang", "--rounds", "1", "--reps", "2", "--workers", "1",
                 "--out", str(tmp_path))  # fmt: skip
    assert_chinese(out, USER_NAMES)


def test_forecast(capsys, tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from test_forecast import synthetic

    history, _ = synthetic(weeks=6, seed=1)
    lines = ["date,interval,volume"]
    for d in range(len(history.volumes)):
        for t, v in zip(history.starts, history.volumes[d], strict=True):
            lines.append(f"{history.day(d)},{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d},{v:g}")
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n")
    day = str(history.day(len(history.volumes)))
    out = run_zh(capsys, "forecast", str(path), "--for", day, "--holdout", "3",
                 "-o", str(tmp_path / "volumes.csv"))  # fmt: skip
    assert "星期" in out
    assert_chinese(out)


@pytest.mark.parametrize("command", ["report", "animate"])
def test_files_written_are_said_in_chinese(capsys, tmp_path, command):
    scenario = str(ZH / "pooling_two_teams.yaml")
    if command == "report":
        argv = ["report", scenario, "--reps", "2", "--workers", "1", "-o", str(tmp_path / "r.html")]
    else:
        argv = ["animate", scenario, "--compare", "--set", "agent_groups.销售组.agents=6",
                "--from", "10:00", "--to", "10:10", "--out", str(tmp_path / "a.gif")]  # fmt: skip
    assert_chinese(run_zh(capsys, *argv))


#: The fit report's statistics names (Akaike, Kolmogorov–Smirnov, Kaplan–Meier, the
#: survival function S(t)) and the log's call type.
FIT_WORDS = {"AIC", "KS", "Kaplan", "Meier", "S", "billing"}


def small_log(path: Path, days: int = 3, calls: int = 150, seed: int = 3) -> Path:
    """A clean call log: ``days`` days of ``calls`` calls 08:00–10:00 into one queue,
    exponential waits and patience (some abandon), gamma handle times."""
    rng = np.random.default_rng(seed)
    rows = ["arrival,queue,answer,abandon,end,call_type"]
    for d in range(days):
        base = dt.datetime(2026, 3, 2 + d)

        def t(s: float, base: dt.datetime = base) -> str:
            return (base + dt.timedelta(seconds=float(s))).isoformat(timespec="seconds")

        for a in np.sort(rng.uniform(8 * 3600, 10 * 3600, calls)):
            wait, patience, handle = rng.exponential(30), rng.exponential(120), rng.gamma(2, 120)
            if patience < wait:
                rows.append(f"{t(a)},{t(a)},,{t(a + patience)},,billing")
            else:
                rows.append(f"{t(a)},{t(a)},{t(a + wait)},,{t(a + wait + handle)},billing")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_calibrate(capsys, tmp_path):
    log = str(small_log(tmp_path / "log.csv"))
    out = run_zh(capsys, "calibrate", log, "-o", str(tmp_path / "cal.yaml"),
                 "--staffing-from", "sessions", "--out", str(tmp_path / "fit.json"))  # fmt: skip
    assert "耐心" in out and "处理时长" in out and "说明：" in out
    assert_chinese(out, FIT_WORDS)


def test_backtest(capsys, tmp_path):
    log = str(small_log(tmp_path / "log.csv"))
    scenario = str(tmp_path / "cal.yaml")
    assert main(["calibrate", log, "-o", scenario]) == 0
    capsys.readouterr()
    argv = ["backtest", log, scenario, "--reps", "3", "--seed", "1"]
    days = run_zh(capsys, *argv)
    assert "回测 3 天" in days and "占用率：未测量" in days
    assert_chinese(days, FIT_WORDS)
    one_day = run_zh(capsys, *argv, "--day", "0")
    assert "平均绝对误差" in one_day and "服务水平（按呼入量）" in one_day
    assert_chinese(one_day, FIT_WORDS)


WEEK = """name: tiny
horizon:
  start: "08:00"
  end: "16:00"
  interval: 1h
  days: [mon, tue, wed, thu, fri, sat, sun]
  open: {sun: closed}
service_level: {threshold: 20s, target: 0.8}
call_types:
  q:
    arrivals: {rate: 10/h}
    handle_time: {dist: exponential, mean: 180s}
agent_groups:
  team: {skills: [q], agents: 1}
"""

WEEK_TEMPLATES = """templates:
  day: {starts: ["08:00"], length: 8h, cost: {per_shift: 100}}
week:
  contracts:
    c:
      templates: [day]
      pattern: 5/2
      max: 4
"""


def test_schedule_week(capsys, tmp_path):
    """The weekly roster (``ccsim schedule`` on a week): grid, totals, baseline, rounds."""
    (tmp_path / "week.yaml").write_text(WEEK)
    (tmp_path / "shifts.yaml").write_text(WEEK_TEMPLATES)
    required = "day,start,required_agents\n" + "".join(
        f"{d},{h:02d}:00,1\n"
        for d in ("mon", "tue", "wed", "thu", "fri", "sat")
        for h in range(8, 16)
    )
    (tmp_path / "required.csv").write_text(required)
    out = run_zh(capsys, "schedule", str(tmp_path / "week.yaml"),
                 "--templates", str(tmp_path / "shifts.yaml"),
                 "--required", str(tmp_path / "required.csv"), "--rounds", "1", "--reps", "2",
                 "--workers", "1")  # fmt: skip
    assert "休息" in out and "合计" in out  # the grid's days off, the total line
    days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "c", "tiny", "team", "day"}
    assert_chinese(out, USER_NAMES | days)
