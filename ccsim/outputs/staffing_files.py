"""The files of ``ccsim staff --out``: staffing.csv (the table), staffing.json (the
``--json`` document), staffing.png (the chart) and staffed.yaml (the scenario with
the found staffing lines, `ccsim.scenario.writing`)."""

from __future__ import annotations

from pathlib import Path

from ccsim.atomic import write_text
from ccsim.outputs.csvfiles import write_frame
from ccsim.outputs.jsondoc import dumps
from ccsim.outputs.staffing_text import to_json
from ccsim.planning.staffing import StaffingResult
from ccsim.scenario.writing import write_staffed

__all__ = ["staffed_lines", "write_outputs"]


def staffed_lines(found: StaffingResult) -> dict[str, list[int]]:
    """Each group's found staffing line (required agents per interval)."""
    return {
        g: part["required_agents"].tolist() for g, part in found.table.groupby("group", sort=False)
    }


def write_outputs(
    found: StaffingResult, out: Path, staffed: dict, lang: str | None = None
) -> list[Path]:
    """Write staffing.csv, staffing.json, staffing.png (labels in ``lang``) and
    ``staffed`` (the scenario's data with the found lines) as staffed.yaml in ``out``."""
    from ccsim.charts import required_staffing_chart, save_figure

    out.mkdir(parents=True, exist_ok=True)
    written = []
    path = out / "staffing.csv"
    write_frame(found.table, path)
    written.append(path)
    path = out / "staffing.json"
    write_text(path, dumps(to_json(found), indent=1))
    written.append(path)
    chart = required_staffing_chart(found, lang=lang or "en")
    written.append(save_figure(chart, out / "staffing.png"))
    note = (
        f"{found.scenario.name}: staffing found by `ccsim staff` ({found.goal.describe()};\n"
        f"{found.replications} replications, seed {found.seed}). Run it with "
        f"`ccsim run {out / 'staffed.yaml'}`."
    )
    written.append(write_staffed(out / "staffed.yaml", staffed, note))
    return written
