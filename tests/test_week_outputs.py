"""The week view (issue 18, part 4): heatmap, daily totals, agent-hours and cost,
the week sheet, ``ccsim report`` and ``ccsim plot`` on a week's folder, and the
per-day table in Chinese.

Oracles: the heatmap's cells are the per-interval SL that the run wrote to
intervals.csv (a second, independent path through the outputs); the days' counts,
hours and costs add up to the week's; with identical days (one replication, same
staffing) the paid hours and agent cost are the same every day, so one day × the
number of days is the week; the cost is paid hours × the hourly rate.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from ccsim.batch.week import run_week
from ccsim.charts.week import week_sl_chart, week_sl_matrix
from ccsim.cli import main
from ccsim.outputs.week import week_json
from ccsim.outputs.week_report import render_week_report, week_table_rows
from ccsim.outputs.week_sheets import week_sheet
from ccsim.scenario.week import week_from_dict
from ccsim.scenario.yamltree import load_yaml

ROOT = Path(__file__).resolve().parents[1]
DAY_FILE = ROOT / "scenarios" / "teaching_single_queue.yaml"
RATE = 24.0  # agent_hour


def _data(days=("mon", "tue", "wed"), **horizon) -> dict:
    data, _ = load_yaml(DAY_FILE.read_text())
    data["horizon"]["days"] = list(days)
    data["horizon"].update(horizon)
    data["costs"] = {"agent_hour": RATE}
    return data


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A three-day week (Wednesday short, Tuesday closed) run to --out."""
    tmp = tmp_path_factory.mktemp("week")
    path = tmp / "week.yaml"
    data = _data(open={"tue": "closed", "wed": {"start": "09:00", "end": "11:00"}})
    path.write_text(yaml.safe_dump(data))
    args = ["run", str(path), "--reps", "3", "--workers", "1", "--engine", "simpy"]
    assert main([*args, "--out", str(tmp / "out")]) == 0
    return tmp / "out"


def test_heatmap_cells_are_the_interval_sl_of_intervals_csv(folder):
    doc = json.loads((folder / "week.json").read_text())
    days, starts, sl = week_sl_matrix(doc)
    assert [d["day"] for d in days] == ["mon", "tue", "wed"]
    assert starts == [f"{h:02d}:{m:02d}" for h in range(9, 13) for m in (0, 30)]
    rows = list(csv.DictReader((folder / "intervals.csv").open(encoding="utf-8-sig")))
    written = {(r["name"], r["interval"]): r["mean"] for r in rows if r["kpi"] == "service_level"}
    for d, day in enumerate(days):
        for i, start in enumerate(starts):
            value = written.get((day["day"], start))
            if value in (None, ""):
                assert math.isnan(sl[d, i]), (day["day"], start)
            else:
                # the CSV holds figures to 4 significant digits, like every ccsim CSV
                assert sl[d, i] == pytest.approx(float(value), abs=5e-5)
    assert np.isnan(sl[1]).all()  # Tuesday closed
    assert np.isfinite(sl[2, :4]).all() and np.isnan(sl[2, 4:]).all()  # Wednesday to 11:00


def test_daily_totals_and_costs_add_up_to_the_week(folder):
    doc = json.loads((folder / "week.json").read_text())
    from ccsim.outputs.week_report import COST_COLUMNS, TOTAL_COLUMNS

    for columns in (TOTAL_COLUMNS, COST_COLUMNS):
        rows = week_table_rows(doc, columns)
        days, week = rows[:-1], rows[-1][2]
        for kpi in ("offered", "answered", "abandoned", "paid_hours", "cost", "agent_cost"):
            if kpi in week:
                total = sum(f[kpi] for _, is_open, f in days if is_open)
                assert week[kpi] == pytest.approx(total, rel=1e-9), kpi
    rows = week_table_rows(doc, COST_COLUMNS)
    for _, is_open, f in rows:
        if is_open:  # the day report's cost: paid hours at the hourly rate
            assert f["agent_cost"] == pytest.approx(f["paid_hours"] * RATE, rel=1e-9)
    week = rows[-1][2]
    answered = doc["summary"]["answered"]["mean"]
    assert week["cost_per_call"] == pytest.approx(week["cost"] / answered, rel=0.02)


def test_identical_days_cost_one_day_times_the_days():
    result = run_week(week_from_dict(_data(("mon", "tue", "wed", "thu"))), 1, 3, engine="simpy")
    doc = week_json(result)
    days = [e for e in doc["by_day"]]
    hours = {e["scheduled_hours"]["mean"] for e in days}
    assert hours == {14 * 4.0}  # 14 agents × 4 h, each day
    week = doc["summary"]
    assert week["scheduled_hours"]["mean"] == pytest.approx(4 * 56.0)
    paid = [e["paid_hours"]["mean"] for e in days]
    assert week["paid_hours"]["mean"] == pytest.approx(sum(paid))
    costs = [e["agent_cost"]["mean"] for e in days]
    assert week["agent_cost"]["mean"] == pytest.approx(sum(costs))
    # overtime (the drain after closing) is all that differs between the days
    assert max(costs) - min(costs) <= RATE * max(e["overtime_hours"]["mean"] for e in days) + 1e-9
    assert costs[0] * 4 == pytest.approx(week["agent_cost"]["mean"], rel=0.02)


def test_week_sheet_is_the_days_and_the_week(folder):
    doc = json.loads((folder / "week.json").read_text())
    sheet = week_sheet(doc)
    assert [r[0] for r in sheet.rows] == ["mon", "tue", "wed", "week"]
    col = sheet.columns.index("service_level")
    assert sheet.rows[0][col] == doc["by_day"][0]["service_level"]["mean"]
    assert sheet.rows[1][col] is None  # closed
    assert sheet.cell_kind(sheet.rows[0], col) == "pct"
    assert sheet.cell_kind(sheet.rows[0], sheet.columns.index("cost")) == "money"
    from openpyxl import load_workbook

    book = load_workbook(folder / "week.xlsx")
    assert book.sheetnames[0] == "week"
    ws = book["week"]
    assert ws.cell(2, col + 1).value == pytest.approx(sheet.rows[0][col])
    assert ws.cell(2, col + 1).number_format == "0.0%"


def test_report_on_a_week_folder_writes_the_week_view(folder, capsys):
    assert main(["report", str(folder), "--lang", "zh"]) == 0
    html = (folder / "report.html").read_text()
    assert 'id="chart-week-sl"' in html and "每日合计" in html and "座席工时与成本" in html
    assert html.count("<tr>") >= 2 * 4  # days + week in the two tables
    assert "停业" in html  # Tuesday
    assert main(["report", str(folder), "--reps", "2"]) == 2  # a folder is not run again


def test_plot_on_a_week_folder_draws_the_heatmap(folder, tmp_path):
    assert main(["plot", str(folder), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "week_sl.png").stat().st_size > 10_000
    assert main(["plot", str(folder), "--kind", "sl", "--out", str(tmp_path)]) == 2


def test_the_heatmap_in_chinese_has_chinese_day_names(folder):
    doc = json.loads((folder / "week.json").read_text())
    fig = week_sl_chart(doc, "zh")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["星期一", "星期二", "星期三"]


def test_run_of_a_week_in_chinese_has_no_english_words(tmp_path, capsys):
    from tests.test_chinese_everywhere import assert_chinese

    path = tmp_path / "week.yaml"
    data = _data(open={"tue": "closed"})
    data["name"] = "周"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    args = ["run", str(path), "--reps", "2", "--workers", "1", "--engine", "simpy"]
    assert main([*args, "--lang", "zh", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert_chinese(out)
    assert "停业" in out and "全周" in out


def test_the_report_html_has_every_heading_in_its_language(folder):
    doc = json.loads((folder / "week.json").read_text())
    html = render_week_report(doc, lang="zh")
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings and all(not re.search(r"[A-Za-z]", h) for h in headings)


def test_report_of_a_week_with_compare_has_the_paired_differences(tmp_path, capsys):
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(_data(("mon", "tue"))))
    out = tmp_path / "r.html"
    args = ["report", str(path), "--compare", "--set", "agent_groups.team.agents=15"]
    args += ["--reps", "2", "--workers", "1", "--engine", "simpy", "-o", str(out)]
    assert main(args) == 0
    html = out.read_text()
    assert 'id="comparison"' in html and "difference [95% CI]" in html
    section = html[html.index('id="comparison"') :]
    assert section.count("<tr>") == 6 * (1 + 3)  # 6 KPIs: header, mon, tue, week
    assert main(["report", str(path), "--compare", "--reps", "2"]) == 2  # no alternative
    assert "--compare needs an alternative" in capsys.readouterr().err
