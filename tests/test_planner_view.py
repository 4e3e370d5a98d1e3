"""The planner's view: each queue per interval, floor-true over/under, Excel-ready
files (issue 17)."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from ccsim.cli import main
from ccsim.outputs.csvfiles import figure_text
from ccsim.runner import run
from ccsim.scenario import parse_scenario
from ccsim.staffing import with_required

# Two queues, 15-minute intervals, a shift with a fixed 30-minute lunch at 09:00.
TWO_QUEUES = """
    name: two queues
    seed: 5
    replications: 3
    horizon: {start: "08:00", end: "10:00", interval: 15min}
    service_level: {threshold: 20s, target: 0.8}
    call_types:
      billing:
        arrivals: {rate: 240/h}
        handle_time: {dist: exponential, mean: 120s}
        patience: {dist: exponential, mean: 300s}
      sales:
        arrivals: {rate: 120/h}
        handle_time: {dist: exponential, mean: 180s}
        patience: {dist: exponential, mean: 300s}
    agent_groups:
      team:
        skills: [billing, sales]
        shifts:
          - {start: "08:00", end: "10:00", agents: 6}
          - start: "08:00"
            end: "10:00"
            agents: 4
            breaks: [{at: "09:00", length: 30min, paid: false}]
"""


@pytest.fixture(scope="module")
def result():
    return run(parse_scenario(textwrap.dedent(TWO_QUEUES)), 3, 11)


def test_each_queue_per_interval_adds_up_to_the_interval(result):
    """Every typed live call is in exactly one queue's interval row: the queues' counts
    add up to the interval's, replication by replication (an independent sum)."""
    for rep in result.kpis:
        per_type = rep["by_call_type_interval"]
        assert set(per_type) == {"billing", "sales"}
        for i, row in enumerate(rep["by_interval"]):
            for kpi in ("offered", "answered", "abandoned"):
                assert sum(per_type[t][i][kpi] for t in per_type) == row[kpi]
            assert max(per_type[t][i]["max_queue"] for t in per_type) <= row["max_queue"]
        # and each queue's intervals add up to its day (no warm-up here)
        for name, rows in per_type.items():
            assert sum(r["answered"] for r in rows) == rep["by_call_type"][name]["answered"]
    # answered within T / offered, per queue and interval, from the counts
    summary = result.summary["by_call_type_interval"]["billing"][0]
    assert 0.0 <= summary["service_level"]["mean"] <= 1.0


def test_over_under_is_available_minus_required_at_lunch(result):
    """At the 09:00 lunch 4 of 10 agents are off the floor: scheduled 10, available 6;
    over/under is available − required, never scheduled − required."""
    req = pd.DataFrame(
        {"group": "team", "start": ["08:00", "08:15", "08:30", "08:45", "09:00", "09:15",
                                     "09:30", "09:45"], "required_agents": 7}
    )  # fmt: skip
    out = with_required(result, req)
    lunch = out.summary["by_interval"][4]
    assert lunch["start"] == "09:00"
    assert lunch["scheduled_agents"]["mean"] == pytest.approx(10.0)
    # an agent busy at 09:00 goes to lunch when the call ends: between 6 and 7 on the floor
    floor = lunch["available_agents"]["mean"]
    assert 6.0 <= floor < 7.0
    assert lunch["over_under"]["mean"] == pytest.approx(floor - 7.0)  # short, not +3
    low, high = lunch["available_agents"]["ci95"]
    assert lunch["over_under"]["ci95"] == pytest.approx([low - 7.0, high - 7.0])
    before = out.summary["by_interval"][0]
    assert before["over_under"]["mean"] == pytest.approx(10.0 - 7.0)
    group = out.summary["by_agent_group_interval"]["team"][4]
    assert group["over_under"]["mean"] == pytest.approx(floor - 7.0)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.823456, "0.8235"),
        (12.3456, "12.35"),
        (123.456, "123.5"),
        (3468.25, "3468"),
        (123456.7, "123457"),
        (0.000123, "0.0001"),
        (2.0, "2"),
        (float("nan"), ""),
        (None, ""),
        (7, "7"),
        ("08:00", "08:00"),
        (-0.25, "-0.25"),
    ],
)
def test_figures_have_at_most_four_significant_digits(value, text):
    assert figure_text(value) == text


def test_run_out_writes_queue_table_workbook_and_bom_csvs(tmp_path, capsys):
    path = tmp_path / "two.yaml"
    path.write_text(textwrap.dedent(TWO_QUEUES).replace("billing", "账单"))
    out = tmp_path / "out"
    args = ["run", str(path), "--reps", "2", "--workers", "1", "--out", str(out)]
    assert main([*args, "--queue", "sales"]) == 0
    printed = capsys.readouterr().out
    assert "Queue sales, per interval" in printed and "Queue 账单" not in printed
    raw = (out / "intervals_by_call_type.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "账单".encode() in raw
    table = pd.read_csv(out / "intervals_by_call_type.csv", encoding="utf-8-sig")
    assert list(table.columns[:5]) == ["call_type", "interval", "offered", "offered_ci_low",
                                       "offered_ci_high"]  # fmt: skip
    assert len(table) == 2 * 8
    doc = json.loads((out / "result.json").read_text())
    rows = doc["by_call_type_interval"]["sales"]
    assert [r["start"] for r in rows] == list(table[table.call_type == "sales"]["interval"])
    sl = np.array([r["service_level"]["mean"] for r in rows], dtype=float)
    np.testing.assert_allclose(table[table.call_type == "sales"]["service_level"], sl, atol=5e-5)

    from openpyxl import load_workbook

    book = load_workbook(out / "results.xlsx")
    assert "intervals_by_call_type" in book.sheetnames and "summary" in book.sheetnames
    ws = book["intervals_by_call_type"]
    header = [c.value for c in ws[1]]
    col = header.index("service_level") + 1
    assert ws.cell(2, col).number_format == "0.0%"
    assert ws.cell(2, header.index("asa_s") + 1).number_format == "0.0"
    assert ws.freeze_panes == "C2" and ws.column_dimensions["A"].width >= len("call_type")
    # the workbook keeps full precision (Excel rounds for display only)
    first = doc["by_call_type_interval"]["账单"][0]["service_level"]["mean"]
    assert ws.cell(2, col).value == pytest.approx(first, abs=1e-12)

    assert main([*args, "--queue", "nobody"]) == 2
    assert "no call type 'nobody'" in capsys.readouterr().err
