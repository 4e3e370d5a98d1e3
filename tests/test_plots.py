"""Charts: every chart in both languages, on ordinary and awkward days (empty
intervals, one replication, zero staffing, 24 hours in 15-minute intervals), drawn
from a run and from a results folder; what they draw is what the run measured."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

import ccsim
from ccsim import charts as plots
from ccsim.batch.comparison import compare
from ccsim.charts.style import MAX_TICKS, steps, tick_step
from ccsim.cli import main
from ccsim.i18n import LANGS
from ccsim.scenario import ScenarioError
from ccsim.scenario.load import parse_scenario

# A 24-hour day in 96 quarter hours: nobody calls at night (empty intervals, SL
# undefined), the 'night' group has no agents at all (occupancy undefined) and
# nobody works 12:00-13:00 although calls come (zero staffing).
AWKWARD = """
name: Awkward day
horizon: {start: "00:00", end: "24:00", interval: 15min}
service_level: {threshold: 20s, target: 0.8}
call_types:
  calls:
    arrivals: {volumes: VOLUMES}
    handle_time: {dist: exponential, mean: 180s}
    patience: {dist: exponential, mean: 60s}
agent_groups:
  day:
    skills: [calls]
    agents: AGENTS
  night:
    skills: [calls]
    agents: 0
"""


def _awkward() -> ccsim.Scenario:
    volumes = [0] * 32 + [20] * 16 + [30] * 8 + [25] * 8 + [15] * 16 + [0] * 16
    agents = [0] * 28 + [6] * 20 + [0] * 4 + [6] * 28 + [0] * 16
    text = AWKWARD.replace("VOLUMES", str(volumes)).replace("AGENTS", str(agents))
    return parse_scenario(text, "awkward.yaml")


@pytest.fixture(scope="module")
def demo() -> ccsim.RunResult:
    scenario = ccsim.load_scenario("scenarios/demo_two_types.yaml")
    return ccsim.run(scenario, replications=4, seed=3, keep_observations=True)


@pytest.fixture(scope="module")
def awkward() -> ccsim.RunResult:
    return ccsim.run(_awkward(), replications=1, seed=1, keep_observations=True)


CHARTS = {
    "sl": plots.service_level_chart,
    "volumes": plots.volumes_chart,
    "staffing": plots.staffing_chart,
    "asa": plots.asa_abandon_chart,
    "occupancy": plots.occupancy_chart,
    "waits": plots.waiting_time_chart,
    "fan": plots.fan_chart,
}


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["demo", "awkward"])
def test_every_chart_renders_without_warnings_or_missing_glyphs(case, lang, request, tmp_path):
    result = request.getfixturevalue(case)
    with warnings.catch_warnings():
        # a missing glyph (an empty box), a NaN or division warning: a failure
        warnings.simplefilter("error")
        for name, chart in CHARTS.items():
            fig = chart(result, lang)
            path = plots.save_figure(fig, tmp_path / f"{name}.png", dpi=50)
            assert path.stat().st_size > 5_000, name
            texts = _texts(fig)
            if lang == "zh":
                assert any("\u4e00" <= c <= "\u9fff" for c in texts), name
    svg = plots.save_figure(plots.service_level_chart(result, lang), tmp_path / "sl.svg")
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()


def test_chinese_labels_follow_the_glossary(demo):
    texts = _texts(plots.service_level_chart(demo, "zh"))
    assert "服务水平" in texts and "时段开始" in texts
    assert "平均应答速度" in _texts(plots.asa_abandon_chart(demo, "zh"))
    assert "占用率" in _texts(plots.occupancy_chart(demo, "zh"))
    assert "话务量" in _texts(plots.staffing_chart(demo, "zh"))


@pytest.mark.parametrize(
    ("n", "per_hour", "step"),
    [(24, 2, 2), (96, 4, 8), (48, 4, 4), (12, 1, 1), (24, 1, 2), (4, 1, 1)],
)
def test_tick_step_keeps_labels_few_and_on_the_hour(n, per_hour, step):
    assert tick_step(n, per_hour) == step
    assert -(-(n + 1) // step) <= MAX_TICKS


def test_quarter_hours_over_a_day_are_labelled_every_two_hours(awkward):
    fig = plots.service_level_chart(awkward)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [f"{h:02d}:00" for h in range(0, 25, 2)]
    # a small tick on every other boundary (matplotlib hides those under a label)
    ticks = {*ax.get_xticks(minor=True), *ax.get_xticks()}
    assert ticks == {i - 0.5 for i in range(97)}


def test_step_lines_hold_each_value_over_its_interval_with_gaps():
    x, y = steps(np.array([0.5, np.nan, 0.8]))
    assert list(x) == [-0.5, 0.5, 0.5, 1.5, 1.5, 2.5]
    assert y[0] == y[1] == 0.5 and np.isnan(y[2:4]).all() and y[4] == y[5] == 0.8


def test_the_service_level_line_is_the_runs_per_interval_mean(demo):
    ax = plots.service_level_chart(demo).axes[0]
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "service level (mean)")
    means = [row["service_level"]["mean"] for row in demo.summary["by_interval"]]
    np.testing.assert_allclose(line.get_ydata()[::2], means)


def test_one_replication_draws_no_ci_band_and_says_so(awkward):
    fig = plots.service_level_chart(awkward)
    assert "1 replication, no CI" in fig._suptitle.get_text()
    assert "95% CI" not in _texts(fig)


def test_empty_intervals_are_shaded_and_have_no_line(awkward):
    ax = plots.service_level_chart(awkward).axes[0]
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "service level (mean)")
    y = line.get_ydata()[::2]
    assert np.isnan(y[:32]).all() and np.isfinite(y[32:48]).all()
    assert "no calls offered" in _texts(ax.figure)


def test_occupancy_matrix_is_the_group_summary_and_nan_without_agents(awkward):
    names, occ = plots.occupancy_matrix(awkward)
    assert names == ["day", "night"] and occ.shape == (2, 96)
    assert np.isnan(occ[1]).all()  # no agents: undefined, not 0 %
    day = awkward.summary["by_agent_group_interval"]["day"]
    np.testing.assert_allclose(occ[0, 40], day[40]["occupancy"]["mean"])
    assert "no agents" in _texts(plots.occupancy_chart(awkward))


def test_the_waiting_time_curve_crosses_the_threshold_at_the_service_level(awkward):
    # one replication: the share of offered calls answered within T is the SL
    answered, abandoned = plots.call_waits(awkward)
    threshold = awkward.scenario.service_level.threshold
    share = np.sum(answered <= threshold) / (len(answered) + len(abandoned))
    assert share == pytest.approx(awkward.summary["summary"]["service_level"]["mean"])
    assert f"{share:.1%}" in _texts(plots.waiting_time_chart(awkward))


def test_without_observations_the_waits_chart_shows_each_intervals_percentiles(demo):
    """No call-by-call record: not a dot at 0 s, but the waits per interval."""
    bare = dataclasses.replace(demo, observations=[])
    fig = plots.waiting_time_chart(bare)
    assert "waiting time of answered calls per interval" in fig._suptitle.get_text()
    ax = fig.axes[0]
    p90 = next(ln for ln in ax.get_lines() if ln.get_label() == "90th percentile")
    want = [r["wait_p90_s"]["mean"] for r in demo.summary["by_interval"]]
    want = np.array([np.nan if v is None else v for v in want], dtype=float)
    np.testing.assert_allclose(p90.get_ydata()[::2], want)
    threshold = demo.scenario.service_level.threshold
    assert any(np.allclose(ln.get_ydata(), threshold) for ln in ax.get_lines())


def test_the_fan_median_is_the_median_over_replications(demo):
    ax = plots.fan_chart(demo).axes[0]
    median = next(ln for ln in ax.get_lines() if ln.get_label() == "median").get_ydata()[::2]
    starts = [r["start"] for r in demo.summary["by_interval"]]
    matrix = plots.interval_matrix(demo.replications_df, "service_level", starts)
    assert matrix.shape == (len(starts), 4)
    np.testing.assert_allclose(median, np.nanmedian(matrix, axis=1))


def test_staffing_draws_the_required_agents_when_given(demo):
    n = len(demo.summary["by_interval"])
    fig = plots.staffing_chart(demo, required=np.full(n, 20.0))
    assert "required" in _texts(fig)
    with pytest.raises(ValueError, match="required: 3 values for 24 intervals"):
        plots.staffing_chart(demo, required=[1, 2, 3])
    load = plots.offered_load(demo)
    row = demo.summary["by_interval"][5]
    assert load[5] == pytest.approx(row["offered"]["mean"] * row["aht_s"]["mean"] / 1800)


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_chart_in_percentage_points(lang):
    base = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    alt = dataclasses.replace(
        base,
        name="one agent more",
        agent_groups=tuple(dataclasses.replace(g, agents=g.agents + 1) for g in base.agent_groups),
    )
    result = compare(base, alt, replications=3, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.comparison_chart(result, lang=lang)
        fig.savefig(pd.io.common.BytesIO(), format="png", dpi=40)
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    rows = result.table.query("scope == 'interval' and kpi == 'service_level'")
    np.testing.assert_allclose(line.get_ydata()[::2], 100 * rows["diff"].to_numpy(float))
    assert "one agent more" in _texts(fig)
    # the function the comparison module calls keeps working
    assert plots.sl_difference_chart(result.table, title="t").axes


def test_sweep_chart_keeps_working():
    table = pd.DataFrame(
        {
            "scope": "day",
            "kpi": "service_level",
            "agents": [10, 11, 12],
            "mean": [0.6, 0.75, 0.85],
            "ci_low": [0.55, 0.7, 0.8],
            "ci_high": [0.65, 0.8, 0.9],
        }
    )
    fig = plots.sweep_chart(table, "service_level", "agents", ["agents"], target=0.8, lang="zh")
    assert "服务水平" in _texts(fig)


# ----------------------------------------------------------------- results folders


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    code = main(
        ["run", "scenarios/teaching_single_queue.yaml", "--reps", "3", "--seed", "1"]
        + ["--out", str(out), "--trace", "--lang", "zh"]
    )
    assert code == 0
    return out


def test_run_out_draws_its_charts_in_the_language_asked(run_dir, capsys):
    for name in ("service_level.png", "volumes.png", "staffing.png"):
        assert (run_dir / name).stat().st_size > 10_000


def test_plot_draws_every_kind_from_a_run_folder(run_dir, capsys):
    assert main(["plot", str(run_dir), "--lang", "zh", "--format", "svg"]) == 0
    out = capsys.readouterr()
    for name in plots.CHART_FILES.values():
        if name != "comparison_sl":
            assert (run_dir / f"{name}.svg").is_file(), name
    assert "note:" not in out.err  # calls.csv was there: the full distribution


def test_plot_without_calls_csv_falls_back_and_says_so(run_dir, tmp_path, capsys):
    folder = tmp_path / "copy"
    folder.mkdir()
    for f in run_dir.iterdir():
        if f.suffix in (".json", ".csv", ".jsonl") and f.name != "calls.csv":
            (folder / f.name).write_bytes(f.read_bytes())
    assert main(["plot", str(folder), "--kind", "waits", "--kind", "fan"]) == 0
    out = capsys.readouterr()
    assert "no calls.csv" in out.err and "--trace" in out.err
    assert (folder / "waits.png").is_file() and (folder / "sl_fan.png").is_file()
    # without the store of replications, replications.csv serves
    (folder / "replications.jsonl").unlink(missing_ok=True)
    plotted = plots.plot_results(folder, ["fan"], lang="en")
    assert [p.name for p in plotted.written] == ["sl_fan.png"]


def test_plot_errors_are_one_line_and_exit_2(run_dir, tmp_path, capsys):
    assert main(["plot", str(tmp_path / "nowhere")]) == 2
    assert main(["plot", str(tmp_path)]) == 2
    assert main(["plot", str(run_dir), "--kind", "compare"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)
    assert "ccsim compare --out" in err[2]
    with pytest.raises(plots.PlotError, match="unknown chart kind 'pie'"):
        plots.plot_results(run_dir, ["pie"])


def test_plot_draws_the_comparison_of_a_compare_folder(tmp_path, capsys):
    out = tmp_path / "cmp"
    args = ["compare", "scenarios/teaching_single_queue.yaml", "--reps", "2"]
    assert main([*args, "--set", "agent_groups.team.agents=15", "--out", str(out)]) == 0
    assert main(["plot", str(out), "--lang", "zh"]) == 0
    assert (out / "comparison_sl.png").stat().st_size > 10_000


# ------------------------------------------------------------- tables and lang:


def test_run_tables_in_chinese(capsys):
    assert main(["run", "scenarios/teaching_single_queue.yaml", "--reps", "2", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    for word in ("服务水平", "平均应答速度", "放弃率", "占用率", "座席组", "时段", "95% 置信区间"):
        assert word in out
    assert "Service level" not in out


def test_english_tables_use_the_catalogue_labels(demo):
    from ccsim.i18n import kpi_label
    from ccsim.outputs.report import BEHAVIOUR_ROWS, DAY_ROWS, IVR_ROWS, day_table

    for key, label, _ in (*DAY_ROWS, *BEHAVIOUR_ROWS, *IVR_ROWS):
        assert kpi_label(key, "en") == label
    assert "Service level" in day_table(demo)


def test_chinese_columns_line_up():
    from ccsim.outputs.report import _width

    assert _width("服务水平") == 8 and _width("SL") == 2 and _width("—") == 1


def test_scenario_lang_setting():
    text = _yaml_with("lang: zh")
    assert parse_scenario(text).lang == "zh"
    assert parse_scenario(_yaml_with("")).lang == "en"
    with pytest.raises(ScenarioError, match=r"lang: must be one of en, zh, got 'fr'"):
        parse_scenario(_yaml_with("lang: fr"))


def _yaml_with(line: str) -> str:
    return (
        f"name: x\n{line}\nhorizon: {{start: '08:00', end: '09:00', interval: 30min}}\n"
        "call_types: {a: {arrivals: {rate: 10/h}, handle_time: 60s}}\n"
        "agent_groups: {g: {skills: [a], agents: 1}}\n"
    )
