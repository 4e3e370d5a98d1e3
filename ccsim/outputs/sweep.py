"""A sweep as people read it: the KPI table per point, the ``--json`` document and
the files of ``ccsim sweep --out`` (CSV, JSON, chart).

The sweep itself is `ccsim.batch.sweeps`; this module only shows it.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import Any

from ccsim.atomic import atomic_path
from ccsim.batch.sweeps import SL_KPIS, SweepResult
from ccsim.metrics.kinds import kpi_kind


def format_table(result: SweepResult, lang: str | None = None) -> str:
    """The sweep's KPI per point, mean and 95 % CI, as aligned text; parameters and
    the KPI in words, in ``lang`` (en, zh)."""
    from ccsim.i18n import check_lang, kpi_label, tr
    from ccsim.outputs.changes import parameter_label
    from ccsim.outputs.report import _left, _right, _width, format_ci, format_value

    lang = check_lang(lang)
    kind = kpi_kind(result.kpi)
    t = result.kpi_table()
    params = list(result.parameters)
    # English keeps the paths and the KPI's name as typed; Chinese says them in words
    heads = params if lang == "en" else [parameter_label(p, lang) for p in params]
    cells = [[str(v) for v in t[p]] for p in params]
    widths = [max(_width(h), *(len(c) for c in col)) for h, col in zip(heads, cells, strict=True)]
    kpi = result.kpi if lang == "en" else kpi_label(result.kpi, lang)
    lines = [
        tr("sweep.heading", lang, name=result.scenario_name, points=len(t),
           n=result.replications, seed=result.seed),
        "",
        "  ".join(_right(h, w) for h, w in zip(heads, widths, strict=True))
        + f"  {_right(kpi, 14)}   {tr('table.ci95', lang)}",
    ]  # fmt: skip
    for i, row in enumerate(t.itertuples(index=False)):
        mean, low, high = (getattr(row, c) for c in ("mean", "ci_low", "ci_high"))
        ci = format_ci({"ci95": None if math.isnan(low) else [low, high]}, kind)
        lines.append(
            "  ".join(
                _left(" " * (w - len(col[i])) + col[i], w)
                for col, w in zip(cells, widths, strict=True)
            )
            + f"  {format_value(mean, kind):>{max(14, _width(kpi))}}   {ci}"
        )
    return "\n".join(lines)


def to_json(result: SweepResult) -> dict[str, Any]:
    """The sweep as one JSON document: settings, the chosen KPI per point, the table."""
    return {
        "sweep": result.spec.source,
        "scenario": str(result.spec.scenario),
        "seed": result.seed,
        "replications": result.replications,
        "parameters": list(result.parameters),
        "kpi": result.kpi,
        "points": json.loads(result.kpi_table().to_json(orient="records")),
        "table": json.loads(result.table.to_json(orient="records")),
    }


def write_outputs(
    result: SweepResult, out_dir: Path, lang: str | None = None
) -> tuple[list[Path], list[str]]:
    """Write ``sweep.csv``, ``sweep.parquet`` and ``sweep_<kpi>.png`` (labels in
    ``lang``) in ``out_dir``.

    Returns the files written and notes on what was skipped (Parquet without pyarrow).
    """
    from ccsim.charts import sweep_chart
    from ccsim.i18n import check_lang, kpi_label, tr
    from ccsim.outputs.changes import parameter_label

    lang = check_lang(lang)

    out_dir.mkdir(parents=True, exist_ok=True)
    written, notes = [out_dir / "sweep.csv"], []
    from ccsim.outputs.csvfiles import write_frame

    write_frame(result.table, written[0])
    if importlib.util.find_spec("pyarrow") is not None:
        written.append(out_dir / "sweep.parquet")
        with atomic_path(written[-1]) as tmp:
            result.table.to_parquet(tmp, index=False)
    else:
        notes.append(tr("sweep.no_parquet", lang))
    figure = sweep_chart(
        result.table,
        result.kpi,
        result.x,
        result.parameters,
        target=result.target if result.kpi in SL_KPIS else None,
        title=result.scenario_name
        + ("：" if lang == "zh" else ": ")
        + tr(
            "chart.sweep_title",
            lang,
            kpi=kpi_label(result.kpi, lang),
            x=parameter_label(result.x, lang),
        ),
        lang=lang,
    )
    written.append(out_dir / f"sweep_{result.kpi}.png")
    with atomic_path(written[-1]) as tmp:
        figure.savefig(tmp, dpi=120)
    return written, notes
