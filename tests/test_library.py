"""A researcher's session, in the style of a notebook: load → change in code → run on
2 workers → compare → sweep → per-call table, each checked against what the CLI gives
for the same scenario, changes and seed (the CLI is the independent reference: it
reads the changes as --set texts and runs in one process)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ccsim
from ccsim.batch.store import fingerprint
from ccsim.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUEUE = ROOT / "scenarios" / "teaching_single_queue.yaml"
REPS, SEED = 6, 5


def cli_json(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert main([*argv, "--json", "--workers", "1"]) == 0
    return json.loads(capsys.readouterr().out)


def plain(doc):
    """A document as JSON would give it back (tuples as lists, NaN as NaN)."""
    return json.loads(json.dumps(doc))


@pytest.fixture(scope="module")
def scenario():
    return ccsim.load_scenario(QUEUE)


@pytest.fixture(scope="module")
def alt(scenario):
    return scenario.with_changes({"agent_groups.team.agents": 13})


def test_run_on_two_workers_equals_the_cli(alt, capsys):
    result = ccsim.run(alt, REPS, SEED, backend=ccsim.Backend.local(2))
    doc = cli_json(
        capsys, "run", str(QUEUE), "--set", "agent_groups.team.agents=13",
        "--reps", str(REPS), "--seed", str(SEED),
    )  # fmt: skip
    assert plain(result.summary)["summary"] == doc["summary"]
    assert plain(result.summary)["by_interval"] == doc["by_interval"]
    assert result.backend == "2 local processes"


def test_scale_arrivals_equals_the_cli(scenario, capsys):
    result = ccsim.run(scenario.scale_arrivals(1.1), REPS, SEED)
    doc = cli_json(
        capsys, "run", str(QUEUE), "--scale-arrivals", "1.1", "--reps", str(REPS),
        "--seed", str(SEED),
    )  # fmt: skip
    assert plain(result.summary)["summary"] == doc["summary"]


def test_compare_equals_the_cli(scenario, alt, capsys):
    from ccsim.outputs.comparison import to_json

    comparison = ccsim.compare(scenario, alt, REPS, SEED)
    doc = cli_json(
        capsys, "compare", str(QUEUE), "--set", "agent_groups.team.agents=13",
        "--reps", str(REPS), "--seed", str(SEED),
    )  # fmt: skip
    ours = plain(to_json(comparison))
    assert ours["summary"] == doc["summary"]
    assert ours["by_interval"] == doc["by_interval"]
    # One agent less: SL falls, and Erlang C (88.8 % -> 79.6 %) agrees in sign.
    assert comparison.day.loc["service_level", "diff"] < 0


def test_sweep_equals_the_cli_and_pairs_points_like_compare(scenario, alt, capsys, tmp_path):
    sweep = ccsim.sweep(
        scenario, {"agent_groups.team.agents": [13, 14]}, replications=REPS, seed=SEED
    )
    spec = tmp_path / "sweep.yaml"
    spec.write_text(f"scenario: {QUEUE}\ngrid:\n  agent_groups.team.agents: [13, 14]\n")
    doc = cli_json(capsys, "sweep", str(spec), "--reps", str(REPS), "--seed", str(SEED))
    ours = json.loads(sweep.kpi_table().to_json(orient="records"))
    assert ours == doc["points"]
    assert json.loads(sweep.table.to_json(orient="records")) == doc["table"]
    # The per-replication table gives compare's paired difference, without a re-run.
    comparison = ccsim.compare(alt, scenario, REPS, SEED)  # 14 agents - 13 agents
    pair = sweep.paired_difference(0, 1)
    day = comparison.day.loc["service_level"]
    assert pair["diff"] == pytest.approx(day["diff"], abs=1e-15)
    assert (pair["ci_low"], pair["ci_high"]) == pytest.approx(
        (day["ci_low"], day["ci_high"]), abs=1e-15
    )
    assert pair["n"] == REPS
    at_ten = sweep.paired_difference(0, 1, kpi="asa_s", scope="interval", interval="10:00")
    row = comparison.intervals.loc[("10:00", "asa_s")]
    assert at_ten["diff"] == pytest.approx(row["diff"], abs=1e-12)


def test_per_call_table_equals_the_cli_trace(alt, tmp_path):
    calls = ccsim.run(alt, 2, SEED, keep_calls=True).calls_df
    out = tmp_path / "run"
    argv = ["run", str(QUEUE), "--set", "agent_groups.team.agents=13", "--reps", "2"]
    assert main([*argv, "--seed", str(SEED), "--trace", "--out", str(out), "--workers", "1"]) == 0
    trace = pd.read_csv(out / "calls.csv", keep_default_na=False, na_values=[""])
    assert list(calls.columns) == list(trace.columns)
    assert len(calls) == len(trace) > 1000
    for column in calls.columns:
        if pd.api.types.is_numeric_dtype(calls[column]):  # the CSV keeps 3 decimals
            np.testing.assert_allclose(calls[column], trace[column], atol=5e-4, err_msg=column)
        else:
            assert (calls[column].fillna("") == trace[column].fillna("")).all(), column
    # Every caller of an M/M/n queue without abandonment is answered.
    assert set(calls["outcome"]) == {"answered"}


def test_with_changes_gives_the_message_of_set(scenario, capsys):
    with pytest.raises(ccsim.ScenarioError) as err:
        scenario.with_changes(["agent_groups.team.agents=-1"])
    capsys.readouterr()
    assert main(["run", str(QUEUE), "--set", "agent_groups.team.agents=-1"]) == 2
    assert capsys.readouterr().err.strip() == f"error: {err.value}"
    assert ":27: agent_groups.team.agents: must be >= 0, got -1" in str(err.value)


def test_changes_and_scaling_compose_in_any_order(scenario):
    a = scenario.scale_arrivals(1.1).with_changes({"agent_groups.team.agents": 13})
    b = scenario.with_changes({"agent_groups.team.agents": 13}).scale_arrivals(1.1)
    assert a == b
    assert a.agent_groups[0].agents == 13
    assert a.call_types[0].rates[0] == pytest.approx(1.1 * 200 / 3600)
    assert scenario.agent_groups[0].agents == 14  # the original is unchanged


def test_replace_is_refused_by_with_changes_and_leaves_the_fingerprint(scenario):
    replaced = dataclasses.replace(scenario, agent_groups=())
    with pytest.raises(ccsim.ScenarioError, match="dataclasses.replace"):
        replaced.with_changes({"agent_groups.team.agents": 12})
    # The YAML data a scenario keeps is not part of what identifies its numbers.
    assert fingerprint(scenario, 1) == fingerprint(dataclasses.replace(scenario), 1)


def test_notebook_displays_are_short_tables(scenario, alt):
    result = ccsim.run(scenario, 3, SEED)
    comparison = ccsim.compare(scenario, alt, 3, SEED)
    sweep = ccsim.sweep(scenario, {"agent_groups.team.agents": [13, 14]}, replications=3)
    for obj in (scenario, result, comparison, sweep):
        text = repr(obj)
        assert len(text) < 300 and "\n" not in text, text
        html = obj._repr_html_()
        assert html.count("<table>") >= 1
    assert "Service level" in result._repr_html_() and "95% CI" in result._repr_html_()
    sl = result.summary["summary"]["service_level"]
    assert f"{100 * sl['mean']:.1f}%" in repr(result)
    assert "pp" in comparison._repr_html_()


def test_backend_takes_a_dask_client_or_cluster(scenario):
    distributed = pytest.importorskip("distributed")
    local = ccsim.run(scenario, 8, SEED)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        by_client = ccsim.run(scenario, 8, SEED, backend=ccsim.Backend(scheduler=client))
        assert client.status == "running"  # the caller's client is left open
        by_cluster = ccsim.run(scenario, 8, SEED, backend=ccsim.Backend.dask(cluster))
        address = cluster.scheduler_address
    for result in (by_client, by_cluster):
        assert result.summary == local.summary
        assert address in result.backend


def test_top_level_names(scenario):
    assert ccsim.Backend is ccsim.batch.parallel.Backend
    assert callable(ccsim.run) and callable(ccsim.compare) and callable(ccsim.sweep)
    assert ccsim.Backend().workers == 1  # the documented Python default
    assert ccsim.Backend.local().workers == ccsim.batch.parallel.cpu_count()
    assert not math.isnan(ccsim.run(scenario, 2, 1).summary["summary"]["offered"]["mean"])


def test_package_declares_its_types():
    # PEP 561: the marker ships in the wheel (hatch packages every file of ccsim/).
    assert (ROOT / "ccsim" / "py.typed").is_file()


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"ccsim {ccsim.__version__}"
