"""The classroom scenarios (scenarios/classroom/) and their lessons (docs/classroom.md).

Every file loads and runs, every command line of the lessons reads its scenarios, and
every lesson's effect holds with statistical confidence: the two sides run on common
random numbers, and the 95 % interval of the paired difference excludes zero in the
direction the lesson teaches. Seeds and replications are those of the docs where a
number there depends on them, so the page and the tests measure the same thing.
"""

from __future__ import annotations

import math
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim.batch.comparison import compare_runs
from ccsim.cli import build_parser
from ccsim.metrics import t_interval
from ccsim.planning.analytic import erlang_a, erlang_c_asa, erlang_c_service_level
from ccsim.scenario.overrides import load_with_overrides, scenario_from_args

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = ROOT / "scenarios" / "classroom"
DOCS = ROOT / "docs" / "classroom.md"
FILES = sorted(CLASSROOM.glob("*.yaml"))
LESSON_FILES = {
    "one_agent_less.yaml",
    "pooling_two_teams.yaml",
    "pooling_one_team.yaml",
    "abandonment_hides_understaffing.yaml",
    "handle_time_variability.yaml",
    "peak_hour_surge.yaml",
    "ivr_self_service.yaml",
}
SEED = 1


def scenario(name: str, *overrides: str):
    return load_with_overrides(CLASSROOM / name, list(overrides))


def day(result, kpi: str) -> dict[str, float]:
    """A day KPI's paired figures in a comparison: base, alt, diff, ci_low, ci_high, ..."""
    return result.day.loc[kpi].to_dict()


def per_replication(run, kpi: str) -> np.ndarray:
    """A day KPI in each replication of a run (NaN where undefined)."""
    return np.array([np.nan if k["summary"][kpi] is None else k["summary"][kpi] for k in run.kpis])


def interval_values(run, kpi: str) -> tuple[list[str], np.ndarray]:
    """Interval starts and a KPI per replication × interval."""
    starts = [row["start"] for row in run.kpis[0]["by_interval"]]
    values = np.array([[row[kpi] for row in k["by_interval"]] for k in run.kpis], dtype=float)
    return starts, values


def covers(ci, value: float) -> bool:
    return ci[0] <= value <= ci[1]


# -- the files -----------------------------------------------------------------------


def test_the_six_lessons_have_their_files():
    assert {p.name for p in FILES} == LESSON_FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_classroom_file_tells_its_story_and_runs(path):
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert header[0].startswith("# Classroom lesson"), header[0]
    assert len(header) >= 8, "the header comment tells the lesson's story"
    assert "ccsim " in "\n".join(header), "the header says how to run the lesson"
    assert f"`{path.name}`" in DOCS.read_text(encoding="utf-8"), "the docs have its lesson"
    sc = ccsim.load_scenario(path)
    assert sc.name.startswith("Classroom:") and sc.seed == SEED
    result = ccsim.run(sc, replications=2, seed=SEED)
    assert result.summary["summary"]["offered"]["mean"] > 0
    assert result.summary["summary"]["answered"]["mean"] > 0


def doc_commands() -> list[str]:
    """Every ``ccsim …`` command line in the bash blocks of the docs, continuations joined."""
    text = DOCS.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith("ccsim "):
                commands.append(line)
    return commands


def doc_heredocs() -> dict[str, str]:
    """The files the docs write with ``cat > PATH <<'EOF'``: path -> content."""
    text = DOCS.read_text(encoding="utf-8")
    return dict(re.findall(r"cat > (\S+) <<'EOF'\n(.*?)\nEOF\n", text, flags=re.S))


def test_the_lessons_commands_read_their_scenarios():
    commands = doc_commands()
    assert len(commands) >= 15
    for line in commands:
        args = build_parser().parse_args(shlex.split(line)[1:])
        if args.command == "run":
            assert scenario_from_args(args, ROOT / args.scenario).name.startswith("Classroom:")
        elif args.command == "compare":
            base = ccsim.load_scenario(ROOT / args.base)
            alt = scenario_from_args(args, ROOT / (args.alt or args.base))
            assert base.horizon == alt.horizon, line
            assert args.alt or args.set, line  # an alternative that differs
        else:
            assert args.command == "sweep", line
            assert str(args.sweep) in doc_heredocs(), f"{line}: the docs write the sweep file"


def test_the_lessons_sweeps_run(tmp_path):
    """The sweep files the docs write, where the docs write them (relative to the repo)."""
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    heredocs = doc_heredocs()
    assert len(heredocs) == 2
    for rel, content in heredocs.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content + "\n", encoding="utf-8")
        result = ccsim.sweep(path, replications=1, seed=SEED)
        n_points = math.prod(len(v) for v in result.spec.grid.values())
        assert n_points >= 6
        assert len(result.kpi_table("asa_s")) == n_points


# -- 1. one agent less -----------------------------------------------------------------


def test_one_agent_less_multiplies_the_wait():
    base = scenario("one_agent_less.yaml")
    result = ccsim.compare(
        base, scenario("one_agent_less.yaml", "agent_groups.team.agents=11"), 20, SEED
    )
    assert day(result, "service_level")["ci_high"] < 0
    assert day(result, "asa_s")["ci_low"] > 0
    # With confidence, the ASA more than 1.5 times as long: alt - 1.5 base > 0, paired.
    ratio_margin = per_replication(result.alt, "asa_s") - 1.5 * per_replication(
        result.base, "asa_s"
    )
    assert t_interval(ratio_margin)[1][0] > 0
    assert erlang_c_asa(11, 10, 180) / erlang_c_asa(12, 10, 180) > 2.5  # what theory says


def test_one_agent_less_agrees_with_erlang_c():
    """The docs' 12-agent row: 100 replications, seed 1, against Erlang C."""
    result = ccsim.run(scenario("one_agent_less.yaml"), 100, SEED)
    s = result.summary["summary"]
    assert covers(s["service_level"]["ci95"], erlang_c_service_level(12, 10, 180, 20))
    assert covers(s["asa_s"]["ci95"], erlang_c_asa(12, 10, 180))


# -- 2. pooling --------------------------------------------------------------------------


def test_pooling_two_queues_serves_better_with_the_same_agents():
    result = ccsim.compare(
        scenario("pooling_two_teams.yaml"), scenario("pooling_one_team.yaml"), 10, SEED
    )
    assert day(result, "service_level")["ci_low"] > 0
    assert day(result, "asa_s")["ci_high"] < 0
    assert day(result, "wait_p90_s")["ci_high"] < 0
    occupancy = day(result, "occupancy")
    assert occupancy["ci_low"] > -0.005 and occupancy["ci_high"] < 0.005  # the same work
    fewer = ccsim.compare(
        scenario("pooling_two_teams.yaml"),
        scenario("pooling_one_team.yaml", "agent_groups.one_team.agents=13"),
        10,
        SEED,
    )
    assert day(fewer, "service_level")["ci_low"] > 0  # 13 pooled beat 14 split


# -- 3. abandonment hides understaffing -----------------------------------------------


def test_abandonment_hides_understaffing():
    impatient = scenario("abandonment_hides_understaffing.yaml")
    assert impatient.service_level.definition == "answered"
    patient = scenario(
        "abandonment_hides_understaffing.yaml", "call_types.enquiries.patience.mean=30min"
    )
    result = ccsim.compare(impatient, patient, 10, SEED)
    s = result.base.summary["summary"]
    # The report looks fine ...
    assert s["service_level"]["ci95"][0] > 0.75
    assert s["asa_s"]["ci95"][1] < 15
    # ... because one caller in five hangs up, which the answered-calls SL ignores.
    assert s["abandon_rate"]["ci95"][0] > 0.15
    hidden = per_replication(result.base, "sl_answered") - per_replication(
        result.base, "sl_offered"
    )
    assert t_interval(hidden)[1][0] > 0.10
    # Erlang A (M/M/11+M) says the same.
    a = erlang_a(11, 240 / 3600, 180, 60)
    assert covers(s["abandon_rate"]["ci95"], a.p_abandon)
    # Patient callers, the same staffing: huge waits, and fewer abandons.
    assert day(result, "asa_s")["ci_low"] > 100
    assert day(result, "service_level")["ci_high"] < -0.5
    assert day(result, "abandon_rate")["ci_high"] < 0


# -- 4. variability of handle time --------------------------------------------------


def test_waiting_grows_with_the_variance_of_handle_time():
    name = "handle_time_variability.yaml"
    path = "call_types.enquiries.handle_time"
    runs = {
        label: ccsim.run(scenario(name, *sets), 50, SEED)
        for label, sets in (
            ("deterministic", [f"{path}=180s"]),
            ("exponential", []),
            ("lognormal", [f"{path}={{dist: lognormal, mean: 180s, cv: 2}}"]),
        )
    }
    kinds = {label: r.scenario.call_types[0].handle_time.kind for label, r in runs.items()}
    assert kinds == {label: label for label in runs}
    for lower, higher in (("deterministic", "exponential"), ("exponential", "lognormal")):
        table = compare_runs(runs[lower], runs[higher]).set_index(["scope", "kpi"])
        asa = table.loc[("day", "asa_s")]
        assert asa["ci_low"] > 0, (lower, higher, asa.to_dict())
        occupancy = table.loc[("day", "occupancy")]
        assert abs(occupancy["diff"]) < 0.02  # the same work: only the spread changed


# -- 5. the peak-hour surge -----------------------------------------------------------


def test_the_peak_collapses_and_its_backlog_carries_over():
    flat = ccsim.run(scenario("peak_hour_surge.yaml"), 50, SEED)
    starts, sl = interval_values(flat, "service_level")
    _, offered = interval_values(flat, "offered")
    peak = [starts.index(t) for t in ("10:00", "10:30", "11:00")]
    off_peak = [starts.index(t) for t in ("08:00", "08:30", "09:00", "12:30", "13:00", "13:30")]
    collapse = sl[:, peak].mean(axis=1) - sl[:, off_peak].mean(axis=1)
    assert t_interval(collapse)[1][1] < -0.4
    # 11:30, right after the peak, has the volume of 09:30 but a worse service level.
    before, after = starts.index("09:30"), starts.index("11:30")
    assert abs(offered[:, after].mean() - offered[:, before].mean()) < 3
    assert t_interval(sl[:, after] - sl[:, before])[1][1] < 0
    # The same agent hours shaped to the load do better over the day.
    line = scenario(
        "peak_hour_surge.yaml",
        "agent_groups.team.agents=[8, 9, 10, 11, 15, 16, 15, 11, 10, 9, 9, 9]",
    )
    result = ccsim.compare(scenario("peak_hour_surge.yaml"), line, 10, SEED)
    assert day(result, "scheduled_hours")["diff"] == pytest.approx(0)
    assert day(result, "service_level")["ci_low"] > 0
    assert day(result, "abandon_rate")["ci_high"] < 0


# -- 6. IVR self-service ---------------------------------------------------------------


def test_ivr_containment_relieves_the_agents():
    base = scenario("ivr_self_service.yaml")
    better = scenario(
        "ivr_self_service.yaml", "ivr.nodes.menu.branches={self_service: 0.3, enquiries: 0.7}"
    )
    result = ccsim.compare(base, better, 10, SEED)
    base_s, alt_s = result.base.summary["summary"], result.alt.summary["summary"]
    assert covers(base_s["containment_rate"]["ci95"], 0.10)
    assert covers(alt_s["containment_rate"]["ci95"], 0.30)
    assert day(result, "offered")["ci_high"] < 0
    assert day(result, "occupancy")["ci_high"] < 0
    assert day(result, "asa_s")["ci_high"] < 0
    assert day(result, "service_level")["ci_low"] > 0
