"""The pandas tables of the Python API agree with the nested summary they come from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ccsim import load_scenario
from ccsim.batch.runner import run
from ccsim.outputs.report import write_outputs

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def result():
    return run(load_scenario(ROOT / "scenarios" / "demo_two_types.yaml"), 4, 8)


def test_replications_frame_means_are_the_summary_means(result):
    df = result.replications_df
    assert set(df["scope"]) == {"day", "interval", "call_type", "agent_group"}
    assert sorted(df["replication"].unique()) == [0, 1, 2, 3]
    day = df[(df.scope == "day") & (df.kpi == "service_level")]["value"]
    assert day.mean() == pytest.approx(result.summary["summary"]["service_level"]["mean"])
    billing = df[(df.scope == "call_type") & (df.name == "billing") & (df.kpi == "asa_s")]
    want = result.summary["by_call_type"]["billing"]["asa_s"]["mean"]
    assert billing["value"].mean() == pytest.approx(want)


def test_intervals_frame_has_every_interval_and_kpi(result):
    df = result.intervals_df
    n = result.scenario.horizon.n_intervals
    assert df["interval"].nunique() == n
    sl = df[df.kpi == "service_level"].reset_index(drop=True)
    for i, entry in enumerate(result.summary["by_interval"]):
        assert sl.loc[i, "interval"] == entry["start"]
        mean = entry["service_level"]["mean"]
        assert (mean is None and np.isnan(sl.loc[i, "mean"])) or sl.loc[i, "mean"] == mean


def test_summary_frame_is_what_summary_csv_holds(result, tmp_path):
    write_outputs(result, tmp_path)
    on_disk = pd.read_csv(tmp_path / "summary.csv", keep_default_na=False, na_values=[""])
    df = result.summary_df
    assert list(on_disk.columns) == list(df.columns)
    # The file leaves out the KPIs of features the scenario does not use, and rounds
    # to 4 significant digits.
    on_disk["name"] = on_disk["name"].fillna("")
    merged = on_disk.merge(df, on=["scope", "name", "kpi"], suffixes=("_file", ""))
    assert len(merged) == len(on_disk) and len(on_disk) < len(df)
    np.testing.assert_allclose(
        merged["mean_file"].to_numpy(float), merged["mean"].to_numpy(float), rtol=5e-4, atol=5e-5
    )
    assert set(df["scope"]) == {"day", "call_type", "agent_group"}
    # Nested figures get dotted names.
    assert df["kpi"].str.startswith("answered_by_type.").any()


def test_risk_frame_leads_with_the_day(result):
    df = result.risk_df
    assert df.loc[0, "scope"] == "day"
    assert len(df) == result.scenario.horizon.n_intervals + 1
    assert df["p_meet_target"].dropna().between(0, 1).all()


def test_a_batchs_rows_give_the_table_of_its_documents(result):
    """The batch's table is read off its rows at once (one walk of the layout); it is
    the table of walking each replication's document, cell for cell."""
    from ccsim.batch.tables import tidy_replications
    from ccsim.metrics.compact import KpiRows

    assert isinstance(result.kpis, KpiRows)
    at_once = tidy_replications(result.kpis, result.scenario)
    one_by_one = tidy_replications(list(result.kpis), result.scenario)
    pd.testing.assert_frame_equal(at_once, one_by_one)
    # and a hand-picked cell: replication 2's day service level, from its document
    row = at_once[(at_once.replication == 2) & (at_once.scope == "day")]
    sl = row[row.kpi == "service_level"]["value"].item()
    assert sl == result.kpis[2]["summary"]["service_level"]
