"""One self-contained HTML report of a run, for a manager's screen or an A4 printout.

The report holds the scenario's summary, the assumptions behind the numbers, the
day's KPIs with their 95 % confidence intervals, the service-level risk, tables per
interval, call type and agent group, the cost, and the charts of `ccsim.charts`
embedded as SVG images — CSS inline, no script and no external URL, so it opens
offline, can be mailed as one file, and prints on A4. ``lang="zh"`` writes it in
Chinese.

Every text the scenario's author wrote (names, descriptions, labels) is escaped.
Nothing here simulates or computes a KPI: it formats `RunResult.summary` and
`RunResult.risk`, like `ccsim.outputs.report`.
"""

from __future__ import annotations

import base64
import datetime
import io
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.atomic import write_text
from ccsim.batch.result import RunResult
from ccsim.i18n import LANGS, check_lang, cjk_font, tr
from ccsim.outputs.html_charts import _chart_section, _comparison_section, available_charts
from ccsim.outputs.html_kpis import (
    _call_type_section,
    _cost_section,
    _group_section,
    _interval_section,
    _kpi_section,
    _queue_interval_section,
    _risk_section,
)
from ccsim.outputs.html_pieces import _e
from ccsim.outputs.html_scenario import _assumptions_section, _summary_section
from ccsim.version import __version__

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.batch.comparison import ComparisonResult

__all__ = ["LANGUAGES", "SECTIONS", "available_charts", "render_report", "write_report"]

#: The report's languages (those of `ccsim.i18n`).
LANGUAGES: tuple[str, ...] = LANGS

#: The HTML ids of the report's sections, in order; ``comparison`` only with a
#: comparison.
SECTIONS: tuple[str, ...] = (
    "summary",
    "assumptions",
    "kpis",
    "risk",
    "intervals",
    "queue-intervals",
    "call-types",
    "agent-groups",
    "cost",
    "charts",
    "comparison",
)

# --------------------------------------------------------------------------- HTML pieces


# --------------------------------------------------------------------------- sections


# --------------------------------------------------------------------------- charts


# --------------------------------------------------------------------------- the page

_CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --line: #d5dae3; --head: #eef2f8; --miss: #b3261e; }
* { box-sizing: border-box; }
body { font-family: "ccsim CJK", "Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC",
  "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  color: var(--ink);
  margin: 0 auto; max-width: 1100px; padding: 24px 28px; font-size: 14px; line-height: 1.45; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 3px;
  margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 6px 0; }
.sub, .note, footer { color: var(--muted); }
.note { font-size: 12px; }
nav ol { columns: 3; margin: 8px 0 0; padding-left: 20px; }
a { color: #1f5fa8; text-decoration: none; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; }
thead th { background: var(--head); text-align: center; font-weight: 600;
  word-break: keep-all; overflow-wrap: normal; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td:first-child { text-align: left; }
table.text td { white-space: normal; text-align: left; }
table.kv th { text-align: left; background: var(--head); font-weight: 600; width: 13em; }
table.kv td { text-align: left; white-space: normal; }
table.wide { width: 100%; }
.miss { color: var(--miss); font-weight: 600; }
figure { margin: 10px 0 18px; }
img.chart { width: 100%; height: auto; display: block; }
footer { margin-top: 28px; font-size: 12px; border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { margin-top: 0; }
  section { margin-top: 14pt; }
  section.break { break-before: page; page-break-before: always; margin-top: 0; }
  section.keep { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8pt; }
  th, td { padding: 1.5pt 4pt; }
  thead { display: table-header-group; }
  tr, figure, img.chart, table.kv { break-inside: avoid; page-break-inside: avoid; }
  figure { margin: 4pt 0 10pt; }
  img.chart { max-height: 125mm; width: 100%; object-fit: contain; }
  a { color: inherit; }
}
"""


def render_report(
    result: RunResult,
    *,
    lang: str = "en",
    comparison: ComparisonResult | None = None,
    calls: pd.DataFrame | None = None,
) -> str:
    """The report of ``result`` as one HTML document (see `write_report`)."""
    lang = check_lang(lang)
    sections = [
        _summary_section(result, lang),
        _assumptions_section(result, lang),
        _kpi_section(result, lang),
        _risk_section(result, lang),
        _interval_section(result, lang),
        _queue_interval_section(result, lang),
        _call_type_section(result, lang),
        _group_section(result, lang),
        _cost_section(result, lang),
        _chart_section(result, lang, calls),
    ]
    ids = [sid for sid in SECTIONS if sid != "comparison"]
    if comparison is not None:
        sections.append(_comparison_section(comparison, lang))
        ids.append("comparison")
    toc = "".join(f'<li><a href="#{sid}">{_e(tr("sec." + sid, lang))}</a></li>' for sid in ids)
    title = f"{tr('title', lang)}: {result.scenario.name}"
    generated = tr(
        "generated",
        lang,
        version=__version__,
        date=datetime.date.today().isoformat(),
    )
    html_lang = "zh-CN" if lang == "zh" else "en"
    body = (
        f"<header>\n<h1>{_e(tr('title', lang))}</h1>\n"
        f'<p class="sub">{_e(result.scenario.name)}</p>\n'
        f"<nav><ol>{toc}</ol></nav>\n</header>\n"
        + "".join(sections)
        + f"<footer>{_e(generated)}</footer>\n"
    )
    fonts = _cjk_font_face(title + body)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{fonts}{_CSS}</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )


def _is_cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


def _cjk_font_face(text: str) -> str:
    """A CSS ``@font-face`` "ccsim CJK" with the Chinese (CJK) characters of ``text``
    from the font `ccsim.i18n` uses for the charts, subset to those characters and
    embedded, so the page shows them on a machine without a Chinese font (a few
    hundred kB instead of the font's 16 MB); empty without CJK text or a font.

    It comes first in the page's font list: it holds only those characters, so Latin
    text still falls through to the next fonts, and a browser waits for a first web
    font before drawing (a fallback web font would show empty boxes until loaded)."""
    chars = "".join(sorted({c for c in text if _is_cjk(c)}))
    if not chars:
        return ""
    try:
        from fontTools import subset  # comes with matplotlib
        from matplotlib import font_manager

        family = cjk_font()
        if family is None:
            return ""
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        options = subset.Options()
        options.font_number = 0  # the first face of a collection (.ttc)
        font = subset.load_font(path, options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, options)
    except Exception as err:  # the viewer's own Chinese font is the fallback
        warnings.warn(f"no Chinese font embedded in the report: {err!r}", stacklevel=3)
        return ""
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    kind = "opentype" if buf.getvalue()[:4] == b"OTTO" else "truetype"
    return (
        f'@font-face {{ font-family: "ccsim CJK"; font-display: block; '
        f"src: url(data:font/{'otf' if kind == 'opentype' else 'ttf'};base64,{data}) "
        f'format("{kind}"); }}\n'
    )


def write_report(
    result: RunResult,
    path: str | Path,
    *,
    lang: str = "en",
    comparison: ComparisonResult | None = None,
    calls: pd.DataFrame | None = None,
) -> Path:
    """Write the run's report to ``path``: one self-contained UTF-8 HTML file.

    Sections (HTML ids of `SECTIONS`): the scenario, the assumptions (SL definition,
    interval attribution, warm-up, replications, seed, engine, version), the day's
    KPIs with 95 % CIs, the SL risk, tables per interval, call type and agent group,
    the cost, the charts of `ccsim.charts`, and with ``comparison`` (a
    `ComparisonResult` whose base is ``result``) the paired differences. ``lang``:
    ``"en"`` or ``"zh"``. ``calls``: the ``calls.csv`` table of ``ccsim run --trace``,
    for charts that draw every call (the waiting-time distribution) of a run whose
    observations were not kept.
    """
    path = Path(path)
    html = render_report(result, lang=lang, comparison=comparison, calls=calls)
    write_text(path, html)
    return path
