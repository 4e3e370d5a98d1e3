"""Reading real-world logs: the log format file and the reader's answers to bad
files — one line each, naming the file (and line where it can) with a count, never
a traceback."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.cli import main
from ccsim.data.calllog import read_call_log
from ccsim.data.logformat import SHIPPED, load_log_format
from ccsim.scenario import ScenarioError

FORMAT = """\
columns:
  arrival: vru_entry
  queue: q_start
  exit: q_exit
  service_start: ser_start
  end: ser_exit
  call_type: type
date: {column: date, format: "%d/%m/%Y"}
missing: ["0:00:00", "-"]
outcome: {column: outcome, answered: [AGENT], abandoned: [HANG], ignore: [PHANTOM]}
skew_tolerance: 2s
bad_rows: skip
"""
HEADER = "date,vru_entry,q_start,q_exit,outcome,ser_start,ser_exit,type\n"
GOOD = [
    "02/03/2026,8:00:00,8:00:10,8:00:40,AGENT,8:00:39,8:04:39,retail",  # skew 1 s
    "02/03/2026,8:01:00,8:01:05,8:01:50,HANG,0:00:00,0:00:00,retail",
    "02/03/2026,8:02:00,0:00:00,-,HANG,-,-,",  # hung up before the queue
    "03/03/2026,8:00:00,8:00:00,8:00:00,AGENT,8:00:00,8:03:00,retail",
    "03/03/2026,9:00:00,9:00:00,0:00:00,PHANTOM,0:00:00,0:00:00,retail",
]


def write(tmp_path, lines, header=HEADER, name="log.csv", fmt=FORMAT):
    (tmp_path / "fmt.yaml").write_text(fmt)
    f = tmp_path / name
    f.write_text(header + "\n".join(lines) + "\n")
    return f, load_log_format(tmp_path / "fmt.yaml")


def test_a_messy_log_reads_with_everything_counted(tmp_path):
    f, fmt = write(tmp_path, GOOD)
    log = read_call_log(f, fmt=fmt)
    assert log.n_calls == 4 and log.days.tolist() == [0, 1]
    assert log.dates == {0: "2026-03-02", 1: "2026-03-03"}
    assert log.dropped == {"outcome PHANTOM (outcome.ignore)": 1}
    assert log.answered.tolist() == [True, False, False, True]
    assert log.queued.tolist() == [True, True, False, True]
    assert log.wait[0] == 30 and log.handle[0] == 240  # service clock: 4:00 of service
    assert log.arrival[3] == 86400 + 8 * 3600  # the second date is a day later


def test_skew_beyond_the_tolerance_is_rejected_and_counted(tmp_path):
    rows = [*GOOD, "02/03/2026,8:10:00,8:10:30,8:10:20,HANG,-,-,retail"]
    f, fmt = write(tmp_path, rows)
    log = read_call_log(f, fmt=fmt)
    assert log.bad == {"abandon before queue beyond the skew tolerance": 1}
    rows = [*GOOD, "02/03/2026,8:10:00,8:10:30,8:10:29,HANG,-,-,retail"]  # 1 s: clamped
    f, fmt = write(tmp_path, rows)
    log = read_call_log(f, fmt=fmt)
    assert log.fixed == {"abandon before queue by <= 2s: clamped": 1, **_service_skew(1)}
    assert np.nanmin(log.wait) >= 0


def _service_skew(n):
    return {"service start differs from the queue exit (two clocks): answered at the exit": n}


def test_days_selection(tmp_path):
    fmt = FORMAT + "days: {weekdays: [tue]}\n"
    f, fmt = write(tmp_path, GOOD, fmt=fmt)
    log = read_call_log(f, fmt=fmt)
    assert log.n_calls == 1 and log.dropped["mon not in days.weekdays"] == 3


def bad(tmp_path, lines, match, header=HEADER, fmt=FORMAT, raw: bytes | None = None):
    f, fmt = write(tmp_path, lines, header=header, fmt=fmt)
    if raw is not None:
        f.write_bytes(raw)
    with pytest.raises(ScenarioError, match=match) as err:
        read_call_log(f, fmt=fmt)
    text = str(err.value)
    assert "\n" not in text and text.startswith(str(f))
    return text


def test_empty_file(tmp_path):
    bad(tmp_path, [], "empty", raw=b"")


def test_a_time_without_a_date_among_dated_times_is_one_error(tmp_path):
    f = tmp_path / "mixed.csv"
    f.write_text(
        "arrival,answer,end\n2026-12-01 08:00:00,2026-12-01 08:00:10,2026-12-01 08:02:00\n"
        "08:05:00,08:05:10,08:07:00\n"
    )
    with pytest.raises(ScenarioError, match="'08:05:00' has no date") as err:
        read_call_log(f)
    assert err.value.line == 3
    log = read_call_log(f, skip_bad_rows=True)
    assert log.n_calls == 1 and log.bad == {"time without a date": 1}


def test_non_utf8_byte(tmp_path):
    raw = (HEADER + GOOD[0] + "\n").encode() + "02/03/2026,8:00:00,,,HANG,,,caf\xe9\n".encode(
        "latin-1"
    )
    text = bad(tmp_path, [], r"log.csv:3: byte 0xe9 is not utf-8-sig \(1 line", raw=raw)
    assert "encoding: latin-1" in text


def test_unclosed_quote_in_a_long_file(tmp_path):
    rows = [GOOD[0]] * 3000 + ['02/03/2026,"8:00:00,8:00:10'] + [GOOD[0]] * 30000
    text = bad(tmp_path, rows, "CSV cannot be read past here")
    assert "3000 row(s) read before it" in text and "unclosed quote" in text


def test_wrong_delimiter(tmp_path):
    header = HEADER.replace(",", ";")
    fmt = FORMAT + "delimiter: ','\n"
    bad(tmp_path, [r.replace(",", ";") for r in GOOD], r"separated by ';'", header, fmt)


def test_mixed_date_formats(tmp_path):
    rows = [*GOOD, "2026-03-02,8:00:00,,,HANG,,,", "2026-03-03,8:00:00,,,HANG,,,"]
    text = bad(tmp_path, rows, "not a date", fmt=FORMAT.replace("bad_rows: skip", "bad_rows: stop"))
    assert "2 row(s) with this problem" in text and "list them all" in text


def test_mixed_time_zones(tmp_path):
    header = "arrival,answer,end\n"
    rows = ["2026-03-02T08:00:00+01:00,2026-03-02T08:00:10+01:00,2026-03-02T08:02:00+01:00"]
    rows += ["2026-03-02T09:00:00,2026-03-02T09:00:10,2026-03-02T09:02:00"] * 2
    f = tmp_path / "tz.csv"
    f.write_text(header + "\n".join(rows) + "\n")
    with pytest.raises(ScenarioError, match="has no time zone, unlike the first") as err:
        read_call_log(f)
    assert "2 row(s) with this problem" in str(err.value)


def test_a_missing_column(tmp_path):
    text = bad(
        tmp_path,
        GOOD,
        r"log.csv:1: no column 'ser_exit' \(end\)",
        HEADER.replace("ser_exit", "finish"),
    )
    assert "'finish'" in text


def test_all_rows_filtered_out(tmp_path):
    fmt = FORMAT + "days: {only: [2026-04-01]}\n"
    text = bad(tmp_path, GOOD, "no call rows left", fmt=fmt)
    assert "5 row(s) read" in text and "4 dropped: day not in days.only" in text


def test_times_without_dates_that_go_back_would_stack_days(tmp_path):
    f = tmp_path / "nodates.csv"
    f.write_text("arrival,answer,end\n08:00,08:01,08:05\n17:00,17:01,17:05\n08:00,08:01,08:05\n")
    with pytest.raises(ScenarioError, match="several days, which would be stacked"):
        read_call_log(f)


def test_format_file_errors_name_file_line_and_field(tmp_path):
    p = tmp_path / "f.yaml"
    p.write_text("columns:\n  arrival: a\n  answr: b\n")
    with pytest.raises(
        ScenarioError, match=r"f.yaml:3: columns.answr: unknown key 'answr'; did you mean 'answer'"
    ):
        load_log_format(p)
    p.write_text("columns: {arrival: a, answer: b}\ndays:\n  weekdays: [mon, fiday]\n")
    with pytest.raises(ScenarioError, match=r"f.yaml:3: days.weekdays\[1\]: must be one of"):
        load_log_format(p)
    p.write_text("columns: {arrival: a, answer: b}\nskew_tolerance: -1s\n")
    with pytest.raises(ScenarioError, match=r"f.yaml:2: skew_tolerance: must be >= 0"):
        load_log_format(p)


def test_shipped_formats_load():
    assert set(SHIPPED) >= {"ccsim-trace", "generic-acd"}
    for name in SHIPPED:
        load_log_format(name)


def test_cli_prints_one_line_not_a_traceback(tmp_path, capsys):
    f, _ = write(tmp_path, GOOD, header=HEADER.replace(",", ";"))
    code = main(
        [
            "calibrate",
            str(f),
            "-o",
            str(tmp_path / "s.yaml"),
            "--format",
            str(tmp_path / "fmt.yaml"),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and err.count("\n") == 1
    assert "no call rows left: 5 row(s) read; 5 bad: date not in the format" in err


BANK_HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
    "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
)
BANK_ROWS = [  # made-up calls in the layout of the public 1999 bank log (Mon 1 March 1999)
    "AA0201\t1\t0\t0\tPS\t990301\t7:10:00\t7:10:09\t9\t0:00:00\t0:00:00\t0\tAGENT\t7:10:08\t7:12:08\t120\tRINA",
    "AA0201\t2\t55\t2\tPS\t990301\t8:00:00\t8:00:06\t6\t8:00:06\t8:01:06\t60\tAGENT\t8:01:05\t8:03:05\t120\tRINA",
    "AA0201\t3\t56\t1\tPS\t990301\t8:05:00\t8:05:06\t6\t8:05:06\t8:05:40\t34\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    "AA0201\t4\t0\t0\tPS\t990301\t8:07:00\t8:07:07\t7\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    "AA0201\t5\t57\t2\tPS\t990301\t8:09:00\t8:09:06\t6\t8:09:06\t8:09:30\t24\tPHANTOM\t8:09:05\t8:09:40\t35\tNO_SERVER",
    "AA0201\t6\t58\t2\tPS\t990301\t8:11:00\t8:11:06\t6\t8:11:06\t8:11:19\t13\tAGENT\t0:00:00\t0:00:00\t0\tRINA",
    "AA0201\t7\t0\t0\tNW\t990305\t9:00:00\t9:00:09\t9\t0:00:00\t0:00:00\t0\tAGENT\t9:00:09\t9:02:00\t111\tRINA",
]


def test_the_public_bank_log_layout(tmp_path):
    f = tmp_path / "bank.txt"
    f.write_text(BANK_HEADER + "\n".join(BANK_ROWS) + "\n")
    log = read_call_log(f, fmt=load_log_format("anonymous-bank"))
    assert log.n_calls == 4 and log.dates == {0: "1999-03-01"}
    assert log.dropped == {"outcome PHANTOM (outcome.ignore)": 1, "fri not in days.weekdays": 1}
    assert log.bad == {"answered without an end time": 1}
    # answered straight from the VRU, service clock a second early: no negative wait
    assert log.wait[0] == 0 and log.handle[0] == 120 and log.queue[0] == 7 * 3600 + 10 * 60 + 9
    assert log.wait[1] == 60 and log.abandoned.tolist() == [False, False, True, False]
    assert not log.queued[3]  # HANG in the VRU: never queued
    assert log.types == ["PS.p0", "PS.p2", "PS.p1"] and log.agents == ["RINA"]


def test_unclosed_quote_in_a_short_file_is_not_swallowed(tmp_path):
    rows = [GOOD[0], '02/03/2026,"8:00:00,8:00:10', GOOD[1], GOOD[3]]
    text = bad(tmp_path, rows, r"log.csv:3: a quoted field runs from here over 3 lines")
    assert "1 row(s) read before it" in text


def test_days_need_dates(tmp_path):
    (tmp_path / "f.yaml").write_text("columns: {arrival: a, answer: b}\ndays: {weekdays: [mon]}\n")
    f = tmp_path / "log.csv"
    f.write_text("a,b\n08:00,08:01\n")
    with pytest.raises(ScenarioError, match="f.yaml: days: selects calendar days"):
        read_call_log(f, fmt=load_log_format(tmp_path / "f.yaml"))
