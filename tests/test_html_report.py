"""The one-file HTML report (`ccsim.outputs.html_report`, ``ccsim report``) and the results
folder it can be drawn from (`ccsim.batch.results`)."""

from __future__ import annotations

import base64
import glob
import json
import re
from pathlib import Path

import pytest

from ccsim import load_scenario
from ccsim.batch.results import ResultsError, load_results, read_scenario, write_scenario
from ccsim.batch.runner import run
from ccsim.cli import main
from ccsim.outputs.html_report import SECTIONS, available_charts, render_report, write_report
from ccsim.outputs.report import format_value
from ccsim.scenario.week import is_week_file

ROOT = Path(__file__).resolve().parent.parent
IVR_SCENARIO = ROOT / "tests/data/good/contact_center.yaml"  # IVR, two groups, 4 hours
SMALL_SCENARIO = ROOT / "scenarios/teaching_single_queue.yaml"
RUN_SECTIONS = [s for s in SECTIONS if s != "comparison"]


@pytest.fixture(scope="module")
def ivr_result():
    return run(load_scenario(IVR_SCENARIO), replications=3, seed=7)


@pytest.fixture(scope="module")
def ivr_html(ivr_result):
    return render_report(ivr_result)


@pytest.fixture(scope="module")
def ivr_html_zh(ivr_result):
    return render_report(ivr_result, lang="zh")


def section_ids(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z-]+)"', html)


def section(html: str, sid: str) -> str:
    """The HTML of one section."""
    start = html.index(f'<section id="{sid}"')
    return html[start : html.index("</section>", start)]


def assert_self_contained(html: str) -> None:
    for needle in ("http://", "https://", "//cdn", "<script", "<link", "@import"):
        assert needle not in html, needle
    sources = re.findall(r'src="([^"]*)"', html)
    assert sources, "no embedded image"
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources)


# --------------------------------------------------------------------------- content


def test_every_section_in_order_and_self_contained(ivr_result, ivr_html):
    assert section_ids(ivr_html) == RUN_SECTIONS
    assert_self_contained(ivr_html)
    assert ivr_html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in ivr_html
    # one figure per chart of ccsim.charts that a run alone can draw
    charts = section(ivr_html, "charts")
    for name, _ in available_charts():
        assert f'id="chart-{name}"' in charts
    assert charts.count("<img") == len(available_charts())


def test_scenario_summary_says_what_was_simulated(ivr_result, ivr_html):
    s = ivr_result.scenario
    summary = section(ivr_html, "summary")
    assert s.ivr is not None
    assert f"yes: {len(s.ivr.nodes)} menu nodes" in summary
    for c in s.call_types:
        assert f"<td>{c.name}</td>" in summary
    for g in s.agent_groups:
        assert f"<td>{g.name}</td>" in summary
    trunks = "unlimited" if s.trunks is None else str(s.trunks)
    assert f"<th>Trunks (lines)</th><td>{trunks}</td>" in summary
    assert "08:00–12:00, 8 intervals of 30min" in summary


def test_assumptions_name_the_sl_rule_seed_and_replications(ivr_result, ivr_html):
    text = section(ivr_html, "assumptions")
    sl = ivr_result.scenario.service_level
    assert f"SL({sl.threshold:g}s) ≥ {100 * sl.target:g}%" in text
    assert f"definition “{sl.definition}”" in text
    assert "in which it was offered to the queue" in text  # the attribution rule
    assert "3 independent simulated days" in text
    assert "<td>7 (the same seed" in text
    assert f"{ivr_result.engine} (" in text


def test_day_kpis_show_the_run_s_means_and_cis(ivr_result, ivr_html):
    kpis = section(ivr_html, "kpis")
    sl = ivr_result.summary["summary"]["service_level"]
    lo, hi = sl["ci95"]
    assert (
        f"<td>Service level</td><td>{format_value(sl['mean'], 'pct')}</td>"
        f"<td>[{format_value(lo, 'pct')}, {format_value(hi, 'pct')}]</td>"
    ) in kpis
    assert "<td>Containment rate</td>" in kpis  # the IVR's figures, as it has one


def test_risk_and_interval_tables_follow_result_risk(ivr_result, ivr_html):
    risk = ivr_result.risk
    text = section(ivr_html, "risk")
    assert format_value(risk["day"]["p_meet_target"], "pct") in text
    rows = re.findall(r"<tr><td>(\d\d:\d\d)</td>(.*?)</tr>", section(ivr_html, "intervals"))
    assert [start for start, _ in rows] == [r["start"] for r in risk["by_interval"]]
    for (_, cells), r in zip(rows, risk["by_interval"], strict=True):
        assert format_value(r["p_meet_target"], "pct") in cells


def test_interval_below_target_is_marked(ivr_result, ivr_html):
    target = ivr_result.scenario.service_level.target
    table = section(ivr_html, "intervals")
    for row in ivr_result.summary["by_interval"]:
        sl = row["service_level"]["mean"]
        marked = f'<span class="miss">{format_value(sl, "pct")}</span>' in table
        if sl is not None and sl < target - 1e-9:
            assert marked, row["start"]


def test_per_type_group_and_cost_tables(ivr_result, ivr_html):
    types = section(ivr_html, "call-types")
    for name, figures in ivr_result.summary["by_call_type"].items():
        assert f"<td>{name}</td><td>{format_value(figures['offered']['mean'], 'count')}" in types
    groups = section(ivr_html, "agent-groups")
    for name, figures in ivr_result.summary["by_agent_group"].items():
        assert f"<td>{name}</td>" in groups
        assert format_value(figures["occupancy"]["mean"], "pct") in groups
    cost = section(ivr_html, "cost")
    for kpi, label in (("agent_cost", "Agent cost"), ("cost_per_call", "Cost per answered call")):
        value = format_value(ivr_result.summary["summary"][kpi]["mean"], "money")
        assert f"<td>{label}</td><td>{value}</td>" in cost


def test_prints_on_a4(ivr_html):
    assert "@page { size: A4;" in ivr_html
    assert "@media print" in ivr_html
    assert "thead { display: table-header-group; }" in ivr_html  # headers repeat per page
    assert 'section id="intervals" class="break"' in ivr_html  # big tables start a page
    assert "img.chart { width: 100%" in ivr_html


# --------------------------------------------------------------------------- Chinese


def test_chinese_report(ivr_html_zh):
    assert section_ids(ivr_html_zh) == RUN_SECTIONS
    assert_self_contained(ivr_html_zh)
    assert '<html lang="zh-CN">' in ivr_html_zh
    assert '<meta charset="utf-8">' in ivr_html_zh
    for heading in (
        "场景概要",
        "假设与方法",
        "全天关键指标",
        "服务水平风险",
        "分时段指标",
        "成本",
        "图表",
    ):
        assert f"<h2>{heading}</h2>" in ivr_html_zh
    assert "<td>服务水平</td>" in section(ivr_html_zh, "kpis")
    assert "Scenario" not in re.sub(r"base64,[^\"')]*", "", ivr_html_zh)


def test_chinese_text_comes_with_its_font(ivr_html_zh, ivr_html):
    """The Chinese characters are embedded as a font subset (no empty boxes on a machine
    without a Chinese font) when ccsim has one; an English report embeds none."""
    from ccsim.i18n import cjk_font

    if cjk_font() is not None:
        assert '@font-face { font-family: "ccsim CJK"' in ivr_html_zh
        assert "data:font/" in ivr_html_zh
    assert "@font-face" not in ivr_html


# --------------------------------------------------------------------------- edge cases


ODD_NAMES = """
name: "A <b> & C"
description: '<script>alert("x")</script> & "quotes"'
horizon: {start: "09:00", end: "10:00", interval: 30min}
call_types:
  "calls & <co>":
    arrivals: {rate: 100/h}
    handle_time: {dist: exponential, mean: 3min}
agent_groups:
  "team <1>":
    skills: ["calls & <co>"]
    agents: 6
"""


def test_user_text_is_escaped_and_a_failing_chart_is_a_note(monkeypatch):
    from ccsim import charts as plots
    from ccsim import parse_scenario

    def broken_chart(result, lang="en"):
        raise RuntimeError("no data <here>")

    monkeypatch.setattr(plots, "service_level_chart", broken_chart)
    scenario = parse_scenario(ODD_NAMES)
    with pytest.warns(UserWarning, match="service_level_chart"):
        html = render_report(run(scenario, replications=2, seed=1))
    assert "A &lt;b&gt; &amp; C" in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert "team &lt;1&gt;" in html and "calls &amp; &lt;co&gt;" in html
    for raw in ("<b>", "<script", "team <1>", "<co>", "<here>"):
        assert raw not in html
    assert section_ids(html) == RUN_SECTIONS
    # one chart's failure is a line in the report, not a lost report
    charts = section(html, "charts")
    assert "Chart “service_level_chart” could not be drawn: no data &lt;here&gt;" in charts
    assert charts.count("<img") == len(available_charts()) - 1


def test_one_replication_has_no_cis_and_no_risk(tmp_path):
    result = run(load_scenario(SMALL_SCENARIO), replications=1, seed=3)
    html = render_report(result)
    assert section_ids(html) == RUN_SECTIONS
    assert_self_contained(html)
    kpis = section(html, "kpis")
    assert "One replication: no confidence intervals" in kpis
    assert "95% CI" not in kpis
    assert "[" not in kpis  # no interval anywhere
    assert "Risk needs at least 2 replications" in section(html, "risk")
    assert "SL 95% CI" not in section(html, "intervals")
    assert "1 simulated day: no confidence intervals" in section(html, "assumptions")
    path = write_report(result, tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == html


def test_available_charts_are_the_run_charts_of_plots():
    from ccsim import charts as plots

    names = [name for name, _ in available_charts()]
    assert names[0] == "service_level_chart"
    assert "staffing_chart" in names
    for name in names:
        assert name.endswith("_chart") and callable(getattr(plots, name))
    assert "sl_difference_chart" not in names  # takes a comparison table, not a run


def test_compare_with_overrides_changes_the_alternative(tmp_path, capsys):
    out = tmp_path / "what_if.html"
    args = [str(SMALL_SCENARIO), "--set", "agent_groups.team.agents=13", "--compare"]
    assert main(["report", *args, "--reps", "2", "--workers", "1", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "14 agents all day" in section(html, "summary")  # the base is reported
    assert "(--set agent_groups.team.agents=13)”" in section(html, "comparison")


def test_unknown_language_is_refused(ivr_result):
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        render_report(ivr_result, lang="fr")


# --------------------------------------------------------------------------- results folder


def test_every_shipped_scenario_survives_scenario_json(tmp_path):
    files = sorted(glob.glob(str(ROOT / "scenarios/**/*.yaml"), recursive=True))
    files += sorted(glob.glob(str(ROOT / "tests/data/good/*.yaml")))
    files = [f for f in files if not is_week_file(f)]  # a week: tests/test_week.py
    assert len(files) > 10
    for f in files:
        scenario = load_scenario(f)
        path = write_scenario(scenario, tmp_path / "scenario.json")
        assert read_scenario(path) == scenario, f


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """What ``ccsim run --out`` writes for the run of `ivr_result`."""
    out = tmp_path_factory.mktemp("results") / "run"
    args = ["run", str(IVR_SCENARIO), "--reps", "3", "--seed", "7", "--out", str(out)]
    assert main([*args, "--workers", "1"]) == 0
    return out


def test_report_from_folder_equals_report_of_the_run(run_dir, ivr_result, ivr_html, capsys):
    """`ccsim run --out` then `ccsim report DIR`: the same report as from the run itself,
    chart for chart, without simulating again."""
    assert (run_dir / "scenario.json").is_file()
    loaded = load_results(run_dir)
    assert loaded.scenario == load_scenario(IVR_SCENARIO)
    assert loaded.kpis == json.loads(json.dumps(list(ivr_result.kpis)))
    assert loaded.summary == json.loads(json.dumps(ivr_result.summary))

    capsys.readouterr()
    assert main(["report", str(run_dir)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {run_dir / 'report.html'}"
    assert (run_dir / "report.html").read_text(encoding="utf-8") == ivr_html


def test_report_from_scenario_cli(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["report", str(SMALL_SCENARIO), "--reps", "2", "--seed", "5", "--workers",
                 "1", "--set", "agent_groups.team.agents=15", "--lang", "zh"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert section_ids(html) == RUN_SECTIONS
    assert "15 名座席员" in section(html, "summary")  # the --set value was run
    assert "种子 5" in section(html, "kpis")
    # the run kept its calls: the waiting-time chart is the full distribution
    assert 'id="chart-waiting_time_chart"' in html


def test_comparison_section(tmp_path, capsys):
    """``--compare ALT``: the report of the base run, with the paired differences."""
    alt = tmp_path / "alt.yaml"
    text = SMALL_SCENARIO.read_text().replace("agents: 14", "agents: 13")
    alt.write_text(text.replace("name: Teaching example", "name: One agent less"))
    out = tmp_path / "cmp.html"
    code = main(["report", str(SMALL_SCENARIO), "--compare", str(alt), "--reps", "3", "--seed",
                 "2", "--workers", "1", "-o", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    assert section_ids(html) == [*RUN_SECTIONS, "comparison"]
    assert_self_contained(html)
    cmp = section(html, "comparison")
    assert "One agent less" in cmp and "3 paired replication(s), seed 2" in cmp
    assert "<td>Service level</td>" in cmp and " pp" in cmp
    assert 'id="chart-comparison_chart"' in cmp
    assert "14 agents all day" in section(html, "summary")  # the base is reported


@pytest.mark.parametrize(
    "args, message",
    [
        (["no/such/place"], "no such scenario file or results folder"),
        (["{tmp}"], "has no result.json"),
        (["{run}", "--reps", "3"], "--reps: a results folder is reported as it was run"),
        (["{run}", "--set", "seed=1"], "--set: a results folder"),
        ([str(SMALL_SCENARIO), "--scenario", str(SMALL_SCENARIO)], "--scenario goes with"),
        ([str(SMALL_SCENARIO), "--compare"], "--compare needs an alternative"),
        ([str(ROOT / "tests/data/bad/bad_clock.yaml")], "bad_clock.yaml:"),
        ([str(SMALL_SCENARIO), "-o", "{tmp}/no/such/dir/r.html"], "cannot write"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, args, message):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "result.json").write_text("{}")
    args = [a.replace("{tmp}", str(tmp_path)).replace("{run}", str(run_dir)) for a in args]
    assert main(["report", *args, "--workers", "1"] if "--reps" in args else ["report", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert message in err


def test_broken_result_json(tmp_path):
    (tmp_path / "result.json").write_text('{"summary": ')
    with pytest.raises(ResultsError, match="not a ccsim result"):
        load_results(tmp_path)


def chart_svg(html: str, name: str) -> str:
    """The SVG text of one embedded chart (its texts are in comments)."""
    m = re.search(rf'id="chart-{name}"><img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert m, name
    return base64.b64decode(m.group(1)).decode("utf-8")


def test_traced_folder_gives_the_full_waiting_time_distribution(ivr_html, tmp_path, capsys):
    """With calls.csv (``ccsim run --trace``) the waiting-time chart draws every call;
    without it, each replication's percentiles. A folder without scenario.json (an
    older ccsim) is reported with ``--scenario``."""
    traced = tmp_path / "traced"
    args = ["run", str(SMALL_SCENARIO), "--reps", "2", "--out", str(traced), "--trace"]
    assert main([*args, "--workers", "1"]) == 0
    (traced / "scenario.json").unlink()
    capsys.readouterr()
    assert main(["report", str(traced)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "--scenario FILE" in err

    assert main(["report", str(traced), "--scenario", str(SMALL_SCENARIO), "--lang", "zh"]) == 0
    html = (traced / "report.html").read_bytes().decode("utf-8")  # strict: raises if not UTF-8
    assert section_ids(html) == RUN_SECTIONS and "<h2>场景概要</h2>" in html
    assert "等待时长分布" in chart_svg(html, "waiting_time_chart")
    # ivr_html: the report of a run that kept no calls (= the report of its folder)
    assert "waiting time of answered calls per interval" in chart_svg(
        ivr_html, "waiting_time_chart"
    )
