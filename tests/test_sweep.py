"""Sweeps: the grid, its validation, common random numbers, the table and its files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

import ccsim
from ccsim.batch.sweeps import MAX_POINTS, grid_points, load_sweep, sweep
from ccsim.cli import main
from ccsim.outputs.sweep import write_outputs
from ccsim.scenario import ScenarioError
from ccsim.scenario.overrides import load_with_overrides

ROOT = Path(__file__).resolve().parent.parent
TEACHING = ROOT / "scenarios" / "teaching_single_queue.yaml"
REPS, SEED = 3, 11


def sweep_file(tmp_path: Path, body: str, scenario: Path = TEACHING) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(f"scenario: {scenario}\n{body}")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        sweep(path)
    return str(info.value)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "sweep.yaml"
    path.write_text(
        f"scenario: {TEACHING}\n"
        f"replications: {REPS}\n"
        f"seed: {SEED}\n"
        "grid:\n"
        "  agent_groups.team.agents: {from: 12, to: 15, step: 1}\n"
        "  scale_arrivals: [1.0, 1.1]\n"
    )
    return sweep(path)


# --------------------------------------------------------------------------- the grid


def test_grid_expansion(tmp_path):
    spec = load_sweep(
        sweep_file(
            tmp_path,
            "grid:\n"
            "  agent_groups.team.agents: {from: 12, to: 15, step: 1}\n"
            "  scale_arrivals: {from: 0.9, to: 1.1, step: 0.1}\n"
            "  call_types.enquiries.handle_time.mean: [170s, 3min]\n",
        )
    )
    assert spec.grid["agent_groups.team.agents"] == (12, 13, 14, 15)
    assert all(type(v) is int for v in spec.grid["agent_groups.team.agents"])
    assert spec.grid["scale_arrivals"] == (0.9, 1.0, 1.1)
    assert spec.scenario == TEACHING and spec.n_points == 24
    points = grid_points(spec)
    assert len(points) == 24
    assert points[0] == {
        "agent_groups.team.agents": 12,
        "scale_arrivals": 0.9,
        "call_types.enquiries.handle_time.mean": "170s",
    }
    assert points[1]["call_types.enquiries.handle_time.mean"] == "3min"  # last varies fastest
    assert spec.kpi == "service_level" and spec.x is None


def test_scenario_is_relative_to_the_sweep_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "s.yaml"
    path.write_text(f"scenario: ../{TEACHING.name}\ngrid: {{scale_arrivals: [1.0]}}\n")
    (tmp_path / TEACHING.name).write_text(TEACHING.read_text())
    assert load_sweep(path).scenario.resolve() == (tmp_path / TEACHING.name).resolve()


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        (
            "grid:\n  agent_groups.team.agents: [12]\nreplicatons: 3\n",
            4,
            "replicatons: unknown key 'replicatons'; did you mean 'replications'?",
        ),
        (
            "grid:\n  agent_groups.team.agents: {from: 12, to: 10, step: 1}\n",
            3,
            "grid.agent_groups.team.agents.to: must be >= from (12), got 10",
        ),
        (
            "grid:\n  agent_groups.team.agents: {from: 12, to: 14}\n",
            3,
            "grid.agent_groups.team.agents.step: is missing",
        ),
        (
            "grid:\n  scale_arrivals: [1.0,\n    0]\n",
            4,
            "grid.scale_arrivals[1]: must be > 0, got 0",
        ),
        ("grid:\n  agent_groups.team.agents: 12\n", 3, "must be a non-empty list of values"),
        ("grid:\n  agent_groups.team.agents: [12, 12]\n", 3, "repeats the value 12"),
        ("grid:\n  seed: [1, 2]\n", 3, "grid.seed: seed cannot be swept"),
        (
            "grid:\n  agent_groups.team.agents: [12]\nplot: {x: agents}\n",
            4,
            "plot.x: unknown grid key 'agents'",
        ),
        (
            "grid:\n  agent_groups.team.agents: [12]\nplot: {kpi: servce_level}\n",
            4,
            "plot.kpi: unknown KPI 'servce_level'; did you mean 'service_level'?",
        ),
        (
            "grid:\n  agent_groups.team.agents: {from: 0, to: 1000000, step: 1}\n",
            3,
            f"at most {MAX_POINTS:,}",
        ),
    ],
)
def test_sweep_file_errors_name_file_line_and_field(tmp_path, body, line, expected):
    path = sweep_file(tmp_path, body)
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: ")
    assert expected in message


def test_missing_scenario_file(tmp_path):
    path = sweep_file(tmp_path, "grid: {scale_arrivals: [1.0]}\n", scenario=tmp_path / "no.yaml")
    assert "scenario: no such scenario file" in error_of(path)


def test_a_grid_value_the_scenario_refuses_is_located_in_both_files(tmp_path):
    path = sweep_file(tmp_path, "grid:\n  agent_groups.team.agents:\n    - 12\n    - -1\n")
    message = error_of(path)
    agents_line = next(
        i for i, text in enumerate(TEACHING.read_text().splitlines(), 1) if "agents: 14" in text
    )
    assert message == (
        f"{path}:5: grid.agent_groups.team.agents[1]: with -1: "
        f"{TEACHING}:{agents_line}: agent_groups.team.agents: must be >= 0, got -1"
    )


def test_unknown_names_in_grid_keys_have_did_you_mean(tmp_path):
    message = error_of(sweep_file(tmp_path, "grid:\n  agent_groups.tem.agents: [12]\n"))
    assert message.startswith(f"{tmp_path / 'sweep.yaml'}:3: grid.agent_groups.tem.agents")
    assert "unknown agent group 'tem'; did you mean 'team'?" in message
    message = error_of(sweep_file(tmp_path, "grid:\n  scale_arrivals.enquirie: [1.1]\n"))
    assert "unknown call type 'enquirie'; did you mean 'enquiries'?" in message


# --------------------------------------------------------------------------- the runs


def test_service_level_increases_with_agents(result):
    table = result.kpi_table()
    assert len(table) == 8 and result.replications == REPS and result.seed == SEED
    for factor in (1.0, 1.1):
        sl = table[table["scale_arrivals"] == factor].sort_values("agent_groups.team.agents")
        assert list(sl["agent_groups.team.agents"]) == [12, 13, 14, 15]
        assert sl["mean"].is_monotonic_increasing and sl["mean"].iloc[-1] > sl["mean"].iloc[0]
    # more calls on the same agents: a lower service level at every staffing
    by = table.set_index(["agent_groups.team.agents", "scale_arrivals"])["mean"]
    assert all(by[(n, 1.1)] < by[(n, 1.0)] for n in (12, 13, 14, 15))


def test_a_point_equals_a_plain_run_of_its_scenario(result):
    """Common random numbers: every point is the overridden scenario run with the sweep's
    seed, so it matches a plain run exactly, KPI by KPI."""
    scenario = load_with_overrides(
        TEACHING, {"agent_groups.team.agents": 13}, scale_arrivals={None: 1.1}
    )
    plain = ccsim.run(scenario, REPS, SEED).summary
    t = result.table
    rows = t[(t["agent_groups.team.agents"] == 13) & (t["scale_arrivals"] == 1.1)]
    day = rows[rows["scope"] == "day"].set_index("kpi")
    for kpi in ("offered", "service_level", "asa_s", "occupancy"):
        assert day.loc[kpi, "mean"] == plain["summary"][kpi]["mean"]
        assert [day.loc[kpi, "ci_low"], day.loc[kpi, "ci_high"]] == plain["summary"][kpi]["ci95"]
    group = rows[(rows["scope"] == "agent_group") & (rows["name"] == "team")].set_index("kpi")
    assert group.loc["answered", "mean"] == plain["by_agent_group"]["team"]["answered"]["mean"]
    # Same seed at every point: the points at scale 1.0 offer the same calls.
    offered = t[(t["scope"] == "day") & (t["kpi"] == "offered") & (t["scale_arrivals"] == 1.0)]
    assert offered["mean"].nunique() == 1


def test_the_table_is_tidy(result):
    t = result.table
    assert list(t.columns) == [
        "point",
        "agent_groups.team.agents",
        "scale_arrivals",
        "scope",
        "name",
        "kpi",
        "mean",
        "ci_low",
        "ci_high",
        "replications",
        "seed",
    ]
    assert set(t["scope"]) == {"day", "call_type", "agent_group"}
    assert set(t.loc[t["scope"] == "call_type", "name"]) == {"enquiries"}
    assert (t["replications"] == REPS).all() and (t["seed"] == SEED).all()
    assert not t.duplicated(["point", "scope", "name", "kpi"]).any()
    assert "answered_by_type.enquiries" in set(t.loc[t["scope"] == "agent_group", "kpi"])


def test_python_api_takes_sweep_data(tmp_path):
    out = ccsim.sweep(
        {"scenario": str(TEACHING), "grid": {"agent_groups.team.agents": [13, 14]}},
        replications=2,
        seed=SEED,
        kpi="asa_s",
    )
    assert out.kpi == "asa_s" and list(out.kpi_table()["agent_groups.team.agents"]) == [13, 14]
    asa = out.kpi_table()["mean"]
    assert asa.iloc[0] > asa.iloc[1]


def test_base_overrides_apply_before_each_points_values():
    """``--set`` / ``--scale-arrivals`` change the base; a point's values then apply on
    top (its scaling multiplies the base's)."""
    data = {
        "scenario": str(TEACHING),
        "grid": {"agent_groups.team.agents": [13, 14], "scale_arrivals": [1.1]},
    }
    base = {"call_types.enquiries.handle_time.mean": "200s"}
    out = ccsim.sweep(data, replications=2, seed=SEED, overrides=base, scale_arrivals={None: 0.9})
    scenario = load_with_overrides(
        TEACHING,
        {**base, "agent_groups.team.agents": 14},
        scale_arrivals={None: 0.9 * 1.1},
    )
    plain = ccsim.run(scenario, 2, SEED).summary["summary"]
    t = out.table
    day = t[(t["agent_groups.team.agents"] == 14) & (t["scope"] == "day")].set_index("kpi")
    for kpi in ("offered", "service_level", "aht_s"):
        assert day.loc[kpi, "mean"] == pytest.approx(plain[kpi]["mean"], rel=1e-12)


def test_cli_set_on_the_sweep_base_gives_the_files_error(tmp_path, capsys):
    path = sweep_file(tmp_path, "grid:\n  agent_groups.team.agents: [13, 14]\n")
    assert main(["sweep", str(path), "--set", "call_types.enquiries.patience.mean=-1min"]) == 2
    err = capsys.readouterr().err
    assert "patience.mean" in err and "--set" in err


# --------------------------------------------------------------------------- files and CLI


def test_csv_and_parquet_are_written_and_read_back(result, tmp_path):
    written, notes = write_outputs(result, tmp_path)
    assert [p.name for p in written] == ["sweep.csv", "sweep.parquet", "sweep_service_level.png"]
    assert notes == []
    parquet = pd.read_parquet(tmp_path / "sweep.parquet")
    pd.testing.assert_frame_equal(parquet, result.table)
    csv = pd.read_csv(tmp_path / "sweep.csv", keep_default_na=False, na_values=[""])
    assert csv.shape == result.table.shape and list(csv.columns) == list(result.table.columns)
    # the CSV gives 4 significant digits (the Parquet file keeps every digit)
    assert csv["mean"].to_numpy() == pytest.approx(
        result.table["mean"].to_numpy(), rel=5e-4, abs=5e-5, nan_ok=True
    )
    png = (tmp_path / "sweep_service_level.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_without_pyarrow_parquet_is_skipped_and_said(result, tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    written, notes = write_outputs(result, tmp_path)
    assert not (tmp_path / "sweep.parquet").exists() and len(written) == 2
    assert notes == ["sweep.parquet skipped: pyarrow is not installed (pip install pyarrow)"]


def test_cli_prints_the_table_and_writes_files(tmp_path, capsys):
    path = sweep_file(tmp_path, "grid:\n  agent_groups.team.agents: [13, 14]\n")
    args = ["sweep", str(path), "--reps", "2", "--seed", "5", "--workers", "1"]
    assert main([*args, "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "2 point(s) × 2 replication(s), seed 5" in out
    assert "agent_groups.team.agents" in out and "service_level" in out and "%" in out
    assert (tmp_path / "out" / "sweep.csv").exists()
    assert main([*args, "--json", "--kpi", "asa_s"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kpi"] == "asa_s" and doc["seed"] == 5 and len(doc["points"]) == 2
    assert doc["points"][0]["agent_groups.team.agents"] == 13


def test_cli_errors_exit_2(tmp_path, capsys):
    path = sweep_file(tmp_path, "grid:\n  agent_groups.team.agents: [13, -2]\n")
    assert main(["sweep", str(path), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:3: grid.agent_groups.team.agents[1]: with -2:")
    assert "Traceback" not in err
    good = sweep_file(tmp_path, "grid:\n  agent_groups.team.agents: [13]\n")
    assert main(["sweep", str(good), "--kpi", "servce_level", "--workers", "1"]) == 2
    assert "did you mean 'service_level'?" in capsys.readouterr().err
    assert main(["sweep", str(tmp_path / "none.yaml")]) == 2
    assert "no such sweep file" in capsys.readouterr().err
