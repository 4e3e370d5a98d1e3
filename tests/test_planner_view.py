"""The planner's view: each queue per interval, floor-true over/under, Excel-ready
files (issue 17)."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from ccsim.batch.runner import run
from ccsim.cli import main
from ccsim.outputs.csvfiles import figure_text
from ccsim.planning.staffing import with_required
from ccsim.scenario import parse_scenario

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
    assert list(table.columns[:4]) == ["call_type", "interval", "offered", "answered"]
    assert {"service_level_ci_low", "service_level_ci_high"} <= set(table.columns)
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


DATED = """
    name: dated forecast
    horizon: {start: "08:00", end: "09:00", interval: 30min}
    call_types:
      calls:
        arrivals: ARRIVALS
        handle_time: {dist: exponential, mean: 100s}
    agent_groups:
      team: {skills: [calls], agents: 3}
"""


@pytest.mark.parametrize(
    ("dates", "arrivals", "error"),
    [
        (("13/12/2026", "13/12/2026"), "{file: f.csv}", None),  # day first: 13 > 12
        (("12/13/2026", "12/13/2026"), "{file: f.csv}", None),  # month first
        (("13.12.2026", "13.12.2026"), "{file: f.csv}", None),
        (("05/03/2026", "05/03/2026"), "{file: f.csv}", "day-first or month-first"),
        (("05/03/2026", "05/03/2026"), '{file: f.csv, date_format: "%d/%m/%Y"}', None),
        (("05/03/2026", "05/03/2026"), "{file: f.csv, date_format: day-first}", None),
        (("05/03/2026", "06/03/2026"), "{file: f.csv, date_format: day-first}", "one day"),
        (("2026-03-05", "05/03/2026"), '{file: f.csv, date_format: "%d/%m/%Y"}', None),
        (("05/03/2026", "05/03/2026"), '{file: f.csv, date_format: "%H"}', "date_format"),
        (("05/03/2026", "05/03/2026"), '{file: f.csv, date_format: "%m/%d/%Y"}', None),
        (("13/03/2026", "13/03/2026"), '{file: f.csv, date_format: "%m/%d/%Y"}', "match"),
    ],
)
def test_forecast_dates_day_first_or_refused_when_ambiguous(tmp_path, dates, arrivals, error):
    from ccsim.scenario import ScenarioError, load_scenario

    (tmp_path / "f.csv").write_text(
        f"start,volume\n{dates[0]} 08:00,30\n{dates[1]} 08:30,60\n", encoding="utf-8"
    )
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(DATED).replace("ARRIVALS", arrivals))
    if error is None:
        s = load_scenario(path)
        assert [r * 1800 for r in s.call_types[0].rates] == pytest.approx([30, 60])
    else:
        with pytest.raises(ScenarioError, match=error) as info:
            load_scenario(path)
        assert "f.csv" in str(info.value) or "date_format" in str(info.value)


def test_did_you_mean_for_an_abbreviation():
    from ccsim.scenario.fields import did_you_mean

    dists = ["exponential", "deterministic", "lognormal", "gamma", "weibull", "uniform"]
    assert did_you_mean("expo", dists) == " did you mean 'exponential'?"
    assert did_you_mean("lognormall", dists) == " did you mean 'lognormal'?"
    assert did_you_mean("zz", dists) == ""


DEDICATED = """
    name: dedicated and shared
    seed: 2
    horizon: {start: "08:00", end: "09:00", interval: 30min}
    call_types:
      billing: {arrivals: {rate: 120/h}, handle_time: {dist: exponential, mean: 100s}}
      sales: {arrivals: {rate: 60/h}, handle_time: {dist: exponential, mean: 100s}}
      tech: {arrivals: {rate: 60/h}, handle_time: {dist: exponential, mean: 100s},
             overflow: [{after: 30s, groups: [sellers]}]}
    agent_groups:
      billers: {skills: [billing], agents: 4}
      sellers: {skills: [sales, tech], agents: 2}
      techs: {skills: [tech], agents: 2}
"""


def test_staff_answers_per_queue_only_where_a_group_is_the_queues_own():
    from types import SimpleNamespace

    from ccsim.planning.queue_staffing import queue_groups, queue_staffing

    s = parse_scenario(textwrap.dedent(DEDICATED))
    assert queue_groups(s) == {
        "billing": ["billers"],
        "sales": ["sellers"],
        "tech": ["sellers", "techs"],  # tech shares the sellers (after 30 s)
    }
    result = run(s, 2, 3)
    table = pd.DataFrame(
        [(g, t, n) for g, n in (("billers", 4), ("sellers", 2), ("techs", 2))
         for t in ("08:00", "08:30")],
        columns=["group", "start", "required_agents"],
    )  # fmt: skip
    found = SimpleNamespace(scenario=s, result=result, table=table)
    per_queue = queue_staffing(found)
    assert per_queue["billing"]["dedicated"] and not per_queue["tech"]["dedicated"]
    # sellers also take tech calls: sales does not have its own agents either
    assert not per_queue["sales"]["dedicated"]
    assert [r["required_agents"] for r in per_queue["billing"]["by_interval"]] == [4, 4]
    assert [r["required_agents"] for r in per_queue["tech"]["by_interval"]] == [None, None]
    want = result.summary["by_call_type_interval"]["tech"][1]["service_level"]
    assert per_queue["tech"]["by_interval"][1]["service_level"] == want


def test_comparison_shows_both_rosters_sl_and_what_each_costs(tmp_path):
    from ccsim.batch.comparison import compare
    from ccsim.charts.rosters import both_rosters_chart
    from ccsim.outputs.comparison import day_table, write_outputs

    base = parse_scenario(textwrap.dedent(TWO_QUEUES))
    more = TWO_QUEUES.replace("agents: 6}", "agents: 8}").replace("two queues", "8 all day")
    alt = parse_scenario(textwrap.dedent(more))
    result = compare(base, alt, 2, 4)
    text = day_table(result)
    for label in ("Staffed hours", "Paid hours", "Agent cost", "Scheduled hours"):
        assert label in text
    day = result.day
    paid = [r.summary["summary"]["paid_hours"]["mean"] for r in (result.base, result.alt)]
    assert day.loc["paid_hours", "base"] == pytest.approx(paid[0])
    # two more agents for the 2-hour day: 4 more scheduled hours (paid adds overtime)
    assert day.loc["scheduled_hours", "diff"] == pytest.approx(4.0)
    assert day.loc["paid_hours", "diff"] >= 4.0
    fig = both_rosters_chart(result)
    lines = {ln.get_label(): ln.get_ydata()[::2] for ln in fig.axes[0].get_lines()}
    for run_ in (result.base, result.alt):
        want = [r["service_level"]["mean"] for r in run_.summary["by_interval"]]
        np.testing.assert_allclose(lines[run_.scenario.name], np.array(want, dtype=float))
    written = write_outputs(result, tmp_path)
    assert (tmp_path / "comparison_rosters.png") in written


def test_report_has_each_queue_the_lunches_and_unbroken_chinese_headers(result):
    import re

    from ccsim.outputs.html_report import render_report

    page = render_report(result, lang="zh")
    sec = page[page.index('<section id="queue-intervals"') :]
    sec = sec[: sec.index("</section>")]
    assert "<h3>billing</h3>" in sec and "<h3>sales</h3>" in sec
    assert 'id="chart-queue-billing"' in sec and 'id="chart-queue-sales"' in sec
    # the queue table shows the same figure as the per-queue table of `ccsim run`
    sl = result.summary["by_call_type_interval"]["sales"][0]["service_level"]["mean"]
    assert f"{100 * sl:.1f}%" in sec.split("<h3>sales</h3>")[1].split("</tr>")[1]
    # the roster: the lunch at 09:00, unpaid
    assert "09:00 起 30min 不带薪" in page
    # Chinese headers break only between words (服务水/平 never)
    assert re.search(r"thead th \{[^}]*word-break: keep-all", page)


@pytest.mark.parametrize(
    ("kpi", "kind"),
    [
        ("service_level", "pct"),
        ("p_wait", "pct"),
        ("abandon_rate_ci_low", "pct"),
        ("asa_s", "sec"),
        ("cost", "money"),
        ("offered", "num"),
        ("answered_by_type.billing", "num"),
    ],
)
def test_each_column_is_shown_as_its_kind(kpi, kind):
    from ccsim.outputs.sheets import kpi_kind

    assert kpi_kind(kpi) == kind
