"""Turn a run's summary into what people read: text tables, JSON, CSV files.

The text tables are in `ccsim.outputs.report_text` (re-exported here); this module
writes the JSON document and the files of ``ccsim run --out``.
Nothing here simulates or computes a KPI; it only formats `RunResult.summary`.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from ccsim.atomic import atomic_open, write_text
from ccsim.batch.result import RunResult
from ccsim.outputs.jsondoc import dumps
from ccsim.outputs.report_text import (  # noqa: F401 (re-exported: the text tables)
    BEHAVIOUR_ROWS,
    DAY_ROWS,
    GROUP_COLUMNS,
    INTERVAL_COLUMNS,
    IVR_ROWS,
    RATIO_ROWS,
    _kpi_rows,
    _left,
    _ratio_lines,
    _right,
    _width,
    behaviour_table,
    day_table,
    format_ci,
    format_value,
    group_table,
    interval_table,
    intervals,
    ivr_table,
    run_footer,
    sl_label,
    table_lang,
    uses_behaviours,
)


def to_json(result: RunResult) -> dict:
    """The `--json` document of scenario-format.md."""
    return {
        "scenario": result.scenario.name,
        "replications": result.replications,
        "seed": result.seed,
        "engine": result.engine,
        "service_level": {
            "threshold_s": result.scenario.service_level.threshold,
            "target": result.scenario.service_level.target,
            "definition": result.scenario.service_level.definition,
        },
        "summary": result.summary["summary"],
        "by_interval": intervals(result),
        "by_call_type": result.summary["by_call_type"],
        "by_call_type_interval": result.summary.get("by_call_type_interval", {}),
        "by_agent_group": result.summary["by_agent_group"],
        "by_agent_group_interval": result.summary["by_agent_group_interval"],
        # The rates as ratios of expected totals (ccsim.batch.ratios); the figures
        # above are means of daily ratios, as "rate_estimator" says.
        "rate_estimator": "mean_of_daily_ratios",
        "ratio_of_totals": result.ratio_of_totals,
        "theory": _theory_json(result),
        "risk": result.risk,
        "precision": result.precision,
        "backend": result.backend,
        "resumed": result.resumed,
    }


def _theory_json(result: RunResult) -> dict | None:
    """The exact steady-state Erlang C / A figures, when the scenario is that queue."""
    from ccsim.planning.theory import theory_reference

    theory = theory_reference(result.scenario)
    return None if theory is None else theory.as_dict()


def write_outputs(
    result: RunResult, out_dir: Path, lang: str | None = None, charts: bool = True
) -> list[Path]:
    """Write the tables (summary, per interval, per queue and interval, per group and
    interval, per replication, the rates as ratios of totals) as CSVs and as one
    workbook ``results.xlsx``, the JSON and (unless ``charts`` is False: batch work,
    ``--no-charts``) the charts of service level, volumes and staffing (labels in
    ``lang``, default the scenario's)."""
    from ccsim.outputs.csvfiles import write_sheet
    from ccsim.outputs.sheets import run_sheets
    from ccsim.outputs.xlsx import write_workbook

    out_dir.mkdir(parents=True, exist_ok=True)
    sheets = run_sheets(result)
    written = [write_sheet(sheet, out_dir) for sheet in sheets]
    written.append(write_workbook(sheets, out_dir / "results.xlsx"))

    path = out_dir / "result.json"
    write_text(path, dumps(to_json(result), indent=1))
    written.append(path)

    from ccsim.batch.results import SCENARIO_FILE, write_scenario  # what `load_results` reads back

    written.append(write_scenario(result.scenario, out_dir / SCENARIO_FILE))

    if not charts:
        return written
    from ccsim.charts import (  # matplotlib only when asked for
        save_figure,
        service_level_chart,
        staffing_chart,
        volumes_chart,
    )
    from ccsim.planning.staffing import required_line

    lang = table_lang(result, lang)
    for name, chart in (
        ("service_level.png", service_level_chart),
        ("volumes.png", volumes_chart),
        ("staffing.png", staffing_chart),
    ):
        # the required agents of `ccsim run --required` (None without) on the staffing chart
        more = {"required": required_line(result)} if chart is staffing_chart else {}
        written.append(save_figure(chart(result, lang, **more), out_dir / name))
    return written


def write_trace(result: RunResult, path: Path) -> Path:
    """The call-by-call trace: one row per leg of every kept replication."""
    from ccsim.observations import CALL_COLUMNS, OUTCOMES
    from ccsim.observations import LEGS as legs

    types = [c.name for c in result.scenario.call_types]
    groups = [g.name for g in result.scenario.agent_groups]
    with atomic_open(path, "w", newline="", encoding="utf-8-sig") as f:  # BOM: Excel reads it
        w = csv.writer(f)
        w.writerow(CALL_COLUMNS)
        for r, obs in enumerate(result.observations):
            for i in range(obs.n_calls):
                k, g = int(obs.call_type[i]), int(obs.group[i])
                w.writerow(
                    [
                        r,
                        int(obs.caller[i]),
                        legs[int(obs.leg[i])],
                        int(obs.attempt[i]),
                        types[k] if k >= 0 else "",
                        f"{obs.arrival[i]:.3f}",
                        f"{obs.ivr_time[i]:.3f}",
                        _num(obs.offered[i]),
                        OUTCOMES[int(obs.outcome[i])],
                        _num(obs.wait[i]),
                        f"{obs.talk[i]:.3f}",
                        f"{obs.wrap[i]:.3f}",
                        groups[g] if g >= 0 else "",
                    ]
                )
    return path


def _num(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.3f}"
