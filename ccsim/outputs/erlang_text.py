"""``ccsim erlang``'s table as aligned text, in the user's language (`format_rows`):
per interval the calls, AHT, load and the model's figures."""

from __future__ import annotations

from ccsim.i18n import tr
from ccsim.outputs.report import _left, _right, _width, format_value
from ccsim.planning.erlang import ErlangGoal

__all__ = ["format_rows"]


#: Columns of the text table: (row key, i18n key, kind).
_COLUMNS = (
    ("agents", "erlang.agents", "int"),
    ("scheduled_agents", "erlang.scheduled", "int"),
    ("p_block", "erlang.p_block", "pct"),
    ("p_wait", "erlang.p_wait", "pct"),
    ("service_level", "erlang.service_level", "pct"),
    ("asa_s", "erlang.asa_s", "sec"),
    ("abandon_rate", "erlang.abandon_rate", "pct"),
    ("occupancy", "erlang.occupancy", "pct"),
)


def format_rows(model: str, rows: list[dict], goal: ErlangGoal, given: bool, lang: str) -> str:
    """The rows as an aligned text table, headed by the model and the goal."""

    skip = {
        "B": {"p_wait", "service_level", "asa_s", "abandon_rate"},
        "C": {"p_block", "abandon_rate"},
        "A": {"p_block"},
    }[model]
    if given or not goal.shrinkage:
        skip = skip | {"scheduled_agents"}
    cols = [c for c in _COLUMNS if c[0] not in skip]
    labels = {k: tr(key, lang) for k, key, _ in cols}
    width = {k: max(9, _width(labels[k]) + 2) for k, _, _ in cols}
    lines = []
    if not given:
        lines.append(tr("erlang.goal", lang, goal=goal.describe()))
    lines.append(
        _left(tr("erlang.interval", lang), 9)
        + _right(tr("erlang.calls", lang), 8)
        + _right(tr("erlang.aht", lang), 8)
        + _right(tr("erlang.load", lang), 9)
        + "".join(_right(labels[k], width[k]) for k, _, _ in cols)
    )
    for row in rows:
        cells = "".join(
            _right(str(row[k]) if kind == "int" else format_value(row[k], kind), width[k])
            for k, _, kind in cols
        )
        lines.append(
            _left(row["interval"] or "-", 9)
            + _right(f"{row['calls']:g}", 8)
            + _right(f"{row['aht_s']:.0f}", 8)
            + _right(f"{row['load']:.2f}", 9)
            + cells
        )
    return f"Erlang {model}\n" + "\n".join(lines)
