"""The files of ``ccsim schedule --out``: shifts.csv, coverage.csv, schedule.json and
coverage.png (scheduled.yaml is written by `ccsim.planning.scheduling.plan_schedule`,
which simulates it)."""

from __future__ import annotations

from pathlib import Path

from ccsim.atomic import write_text
from ccsim.outputs.csvfiles import write_frame
from ccsim.outputs.jsondoc import dumps
from ccsim.planning.scheduling import SchedulePlan, to_json

__all__ = ["write_outputs"]


def write_outputs(plan: SchedulePlan, out_dir: Path, lang: str | None = None) -> list[Path]:
    """Write ``shifts.csv``, ``coverage.csv``, ``schedule.json`` and ``coverage.png``
    (labels in ``lang``) in ``out_dir`` (``scheduled.yaml`` is written by
    `plan_schedule`)."""
    from ccsim.charts.planning import coverage_chart
    from ccsim.charts.style import save_figure

    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "shifts.csv", out_dir / "coverage.csv", out_dir / "schedule.json"]
    write_frame(plan.shifts_df(), written[0])
    write_frame(plan.coverage_df(), written[1])
    write_text(written[2], dumps(to_json(plan), indent=1))
    written.append(save_figure(coverage_chart(plan, lang or "en"), out_dir / "coverage.png"))
    return written
