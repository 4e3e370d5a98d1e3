"""A large batch's workbook (`ccsim.outputs.xlsx.for_workbook`): the long table of
every replication's KPIs keeps its day rows in the workbook, all of them in the CSV."""

from __future__ import annotations

from ccsim.outputs import xlsx
from ccsim.outputs.sheets import Sheet

COLUMNS = ["replication", "scope", "name", "interval", "kpi", "value"]
KINDS = ["num", "text", "text", "text", "text", "kpi"]


def _long(reps: int) -> Sheet:
    """Per replication: 2 day rows and 3 interval rows (hand-made)."""
    rows = []
    for r in range(reps):
        rows += [[r, "day", "", "", "offered", 10.0], [r, "day", "", "", "service_level", 0.8]]
        rows += [[r, "interval", "", f"0{h}:00", "offered", 2.0] for h in range(3)]
    return Sheet("replications", COLUMNS, KINDS, rows)


def test_a_sheet_within_the_limit_is_written_whole(monkeypatch):
    monkeypatch.setattr(xlsx, "WORKBOOK_ROWS", 50)
    sheet = _long(10)  # 50 rows
    assert xlsx.for_workbook(sheet) is sheet


def test_a_longer_one_keeps_its_day_kpis_one_row_per_replication(monkeypatch):
    monkeypatch.setattr(xlsx, "WORKBOOK_ROWS", 50)
    cut = xlsx.for_workbook(_long(11))  # 55 rows: 11 replications
    assert cut.name == "replications_day"
    assert cut.columns == ["replication", "offered", "service_level"]
    assert cut.kinds == ["num", "num", "pct"]
    assert cut.rows[0] == [0, 10.0, 0.8] and [row[0] for row in cut.rows] == list(range(11))
    # never more rows than the limit
    assert len(xlsx.for_workbook(_long(60)).rows) == 50
    # a table without replications is never cut
    wide = Sheet("summary", ["kpi", "mean"], ["text", "kpi"], [["offered", 1.0]] * 60)
    assert xlsx.for_workbook(wide) is wide


def test_the_workbook_and_the_csv_of_a_cut_table(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from ccsim.outputs.csvfiles import write_sheet

    monkeypatch.setattr(xlsx, "WORKBOOK_ROWS", 50)
    sheet = _long(11)
    xlsx.write_workbook([sheet], tmp_path / "results.xlsx")
    csv = write_sheet(sheet, tmp_path)
    ws = load_workbook(tmp_path / "results.xlsx")["replications_day"]
    assert ws.max_row == 1 + 11 and [c.value for c in ws[1]][:2] == ["replication", "offered"]
    assert ws.cell(2, 3).number_format == "0.0%"  # service level, as everywhere
    assert ws.freeze_panes == "A2"
    assert len(csv.read_text(encoding="utf-8-sig").splitlines()) == 1 + 55
