"""Each queue's own interval table: service level, ASA and abandonment per call type
per interval (``by_call_type_interval``), the table planners live in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.i18n import tr
from ccsim.outputs.report import _left, _right, format_value, table_lang

if TYPE_CHECKING:
    from ccsim.batch.result import RunResult

__all__ = ["QUEUE_COLUMNS", "check_queue", "queue_interval_table", "queue_tables"]

#: Per-queue columns: (kpi, kind). Agent figures belong to groups, not queues.
QUEUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("offered", "count"),
    ("answered", "count"),
    ("abandoned", "count"),
    ("service_level", "pct"),
    ("asa_s", "sec"),
    ("abandon_rate", "pct"),
    ("aht_s", "sec"),
    ("wait_p90_s", "sec"),
    ("max_queue", "count"),
)


def check_queue(result: RunResult, name: str) -> None:
    """`ValueError` naming the queues when ``name`` is not a call type of the run."""
    names = [c.name for c in result.scenario.call_types]
    if name not in names:
        raise ValueError(f"--queue: no call type {name!r}; the scenario has {', '.join(names)}")


def queue_interval_table(result: RunResult, name: str, lang: str | None = None) -> str:
    """One queue's KPIs per planning interval (means), as aligned text."""
    lang = table_lang(result, lang)
    rows = result.summary["by_call_type_interval"][name]
    width = 10
    lines = [
        tr("table.queue_heading", lang, name=name),
        _left(tr("col.interval", lang), 9)
        + "".join(_right(tr(f"col.{k}", lang), width) for k, _ in QUEUE_COLUMNS),
    ]
    for row in rows:
        cells = "".join(
            _right(format_value((row.get(k) or {}).get("mean"), kind), width)
            for k, kind in QUEUE_COLUMNS
        )
        lines.append(f"{row['start']:<9}{cells}")
    return "\n".join(lines)


def queue_tables(result: RunResult, queue: str | None = None, lang: str | None = None) -> str:
    """The per-queue interval tables of every queue, or of ``queue`` only."""
    if queue is not None:
        check_queue(result, queue)
        names = [queue]
    else:
        names = [c.name for c in result.scenario.call_types]
    return "\n\n".join(queue_interval_table(result, n, lang) for n in names)
