"""The long fuzz run: thousands of generated inputs through the real command line.

    python experiments/fuzz.py --n 2000            # ~20-40 min on 2 busy cores
    python experiments/fuzz.py --n 200 --seed 3    # a quick look

Each input is one file of one kind (a scenario, a forecast CSV or workbook, a
history, a call log, a sweep, shift templates, ``--set`` values, command-line
options), made by mutating a valid one: a value replaced by junk (huge, negative,
non-finite, text, nested, control characters), a key dropped or repeated, bytes
flipped, the file cut short, blown up or nested deep. Each runs ``ccsim`` in a forked
child (so imports and the compiled engine are paid once), with a 30 s limit, and is
classified:

- ``clean error``: exit 2 (or 1 for the environment), one ``error: …`` line, no traceback;
- ``accepted``: exit 0, and a run's ``--json`` is strict JSON whose numbers are finite
  and whose fractions lie in [0, 1] (conservation is checked inside every replication);
- failures: ``traceback`` (or an ``internal error``), ``accepted, not sensible``,
  ``hang`` (> 30 s), ``memory`` (peak RSS > 2 GB), ``crash`` (killed by a signal).

The table of outcomes per kind is printed (and written with ``--out FILE.csv``);
the failing inputs are kept in ``--keep DIR`` to become regression cases.
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import math
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIMEOUT_S = 30.0
MEMORY_LIMIT = 2 * 1024**3

JUNK = [
    "1e309",
    "-1e309",
    ".nan",
    ".inf",
    "-.inf",
    "1e300",
    "1e20",
    "-1",
    "0",
    "9223372036854775808",
    "1e3",
    "0x10",
    "''",
    "~",
    "yes",
    "[]",
    "{}",
    "[[[[[[1]]]]]]",
    "{a: {b: {c: 1}}}",
    '"\\x1b[31m"',
    '"\\0"',
    "&a [*a]",
    "!!python/object:os.system [ls]",
    "!!binary AAAA",
    "2026-12-01",
    "12:30",
    '"24:00"',
    '"99:99"',
    "1e9/h",
    "1e-300/h",
    "1e300h",
    "-5min",
    "0s",
    "self_service",
    "hang_up",
    "/proc/self/environ",
    "../../etc/passwd",
    "x" * 300,
    "{dist: lognormal, mu: 5, sigma: 1000}",
    "{dist: weibull, mean: 1e300, cv: 50}",
    "{dist: gamma, mean: 1s, cv: 1e-300}",
    "{dist: uniform, low: 0, high: 1e300}",
    "{dist: empirical, values: [0, 0]}",
    "{dist: empirical, file: /dev/zero}",
]


# ------------------------------------------------------------------- the inputs


def _yaml_mutants(rng: random.Random, text: str) -> str:
    """One YAML mutation: a value, a key, a line, the bytes or the shape changed."""
    lines = text.splitlines()
    how = rng.choice(["value", "value", "value", "drop", "repeat", "bytes", "cut", "deep", "big"])
    values = [i for i, ln in enumerate(lines) if ":" in ln and not ln.lstrip().startswith("#")]
    if how == "value" and values:
        i = rng.choice(values)
        key, _, rest = lines[i].partition(":")
        if rest.strip().startswith("{") and rng.random() < 0.5:  # inside a flow mapping
            parts = rest.split(",")
            j = rng.randrange(len(parts))
            k, _, _ = parts[j].partition(":")
            parts[j] = f"{k}: {rng.choice(JUNK)}" + ("}" if parts[j].rstrip().endswith("}") else "")
            lines[i] = f"{key}:{','.join(parts)}"
        else:
            lines[i] = f"{key}: {rng.choice(JUNK)}"
    elif how == "drop" and values:
        del lines[rng.choice(values)]
    elif how == "repeat" and values:
        i = rng.choice(values)
        lines.insert(i, lines[i])
    elif how == "bytes":
        data = bytearray("\n".join(lines).encode())
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.choice([0, 7, 27, 0xFF, 0xC3, ord("["), ord(":")])
        return data.decode("latin-1")
    elif how == "cut":
        joined = "\n".join(lines)
        return joined[: rng.randrange(len(joined))]
    elif how == "deep":
        depth = rng.choice([60, 500, 5000])
        lines.append("extra: " + "[" * depth + "]" * depth)
    elif how == "big":
        lines.append("description: " + "x" * rng.choice([10**5, 3 * 10**7]))
    return "\n".join(lines) + "\n"


def _csv_mutant(rng: random.Random, text: str) -> str:
    rows = text.splitlines()
    how = rng.choice(["cell", "cell", "row", "quote", "bytes", "big", "header", "cut"])
    if how == "cell" and len(rows) > 1:
        i = rng.randrange(len(rows))
        sep = ";" if ";" in rows[i] else ","
        cells = rows[i].split(sep)
        cells[rng.randrange(len(cells))] = rng.choice(
            ["1e20", "-3", "nan", "inf", "", "x", "25:00", "2026-13-01 08:00", "1e309", "\x00"]
        )
        rows[i] = sep.join(cells)
    elif how == "row" and len(rows) > 1:
        rows.insert(rng.randrange(1, len(rows) + 1), rows[rng.randrange(1, len(rows))])
    elif how == "quote":
        rows.insert(rng.randrange(len(rows) + 1), '"unclosed,' + "x" * 50)
    elif how == "bytes":
        data = bytearray("\n".join(rows).encode())
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.choice([0, 0xFF, 0xE9, ord('"'), ord(";")])
        return data.decode("latin-1")
    elif how == "big":
        rows += [rows[-1]] * rng.choice([10**3, 10**4, 10**5])
    elif how == "header":
        rows[0] = rng.choice(["", "a,b,c", rows[0].upper(), rows[0] + ",extra", "start"])
    elif how == "cut" and rows:
        joined = "\n".join(rows)
        return joined[: rng.randrange(max(1, len(joined)))]
    return "\n".join(rows) + "\n"


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


BASE = ROOT / "tests" / "data" / "fuzz_corpus" / "base.yaml"
BANK = ROOT / "tests" / "data" / "good" / "bank.yaml"
SCENARIOS = [BASE, BANK, *sorted((ROOT / "scenarios").glob("*.yaml"))]


def gen_scenario(rng: random.Random, work: Path) -> list[str]:
    source = rng.choice(SCENARIOS[:2] * 3 + SCENARIOS[2:])
    if source == BANK:
        shutil.copytree(BANK.parent / "forecasts", work / "forecasts")
    path = work / "scenario.yaml"
    text = _text(source)
    for _ in range(rng.choice([1, 1, 2, 3])):
        text = _yaml_mutants(rng, text)
    _write(path, text)
    return ["run", str(path), "--reps", "1", "--json", "--workers", "1", "--seed", "1"]


def gen_forecast_csv(rng: random.Random, work: Path) -> list[str]:
    shutil.copytree(BANK.parent / "forecasts", work / "forecasts")
    forecast = work / "forecasts" / "billing.csv"
    _write(forecast, _csv_mutant(rng, _text(forecast)))
    shutil.copy(BANK, work / "scenario.yaml")
    return ["validate", str(work / "scenario.yaml")]


def gen_forecast_xlsx(rng: random.Random, work: Path) -> list[str]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = [["start", "volume"], ["09:00", 50], ["09:30", 60]]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c, value)
    how = rng.choice(["far", "far", "junk", "wide", "many", "empty"])
    if how == "far":
        sheet.cell(rng.choice([1000, 300000, 1048576]), rng.choice([1, 300, 16384]), 1)
    elif how == "junk":
        sheet.cell(rng.randint(1, 3), rng.randint(1, 2), rng.choice([1e308, -1, "x", None, 1e20]))
    elif how == "wide":
        sheet.cell(1, 3, "extra")
    elif how == "many":
        for r in range(4, 4 + rng.choice([100, 5000])):
            sheet.cell(r, 1, "10:00")
            sheet.cell(r, 2, 1)
    elif how == "empty":
        sheet.delete_rows(1, 3)
    xlsx = work / "forecast.xlsx"
    book.save(xlsx)
    if rng.random() < 0.2:  # a damaged workbook
        data = bytearray(xlsx.read_bytes())
        for _ in range(8):
            data[rng.randrange(len(data))] = rng.randrange(256)
        xlsx.write_bytes(bytes(data))
    text = _text(BASE).replace("{rate: 200/h}", "{file: forecast.xlsx}")
    _write(work / "scenario.yaml", text)
    return ["validate", str(work / "scenario.yaml")]


HISTORY = ROOT / "tests" / "data" / "forecast" / "history_types.csv"


def gen_history(rng: random.Random, work: Path) -> list[str]:
    path = work / "history.csv"
    _write(path, _csv_mutant(rng, _text(HISTORY)))
    return ["forecast", str(path), "--for", rng.choice(["2026-12-01", "2026-11-30", "1900-01-01"])]


CALLLOG = ROOT / "tests" / "data" / "calllog" / "agents.csv"


def gen_calllog(rng: random.Random, work: Path) -> list[str]:
    path = work / "log.csv"
    _write(path, _csv_mutant(rng, _text(CALLLOG)))
    return ["calibrate", str(path), "-o", str(work / "cal.yaml")]


def gen_sweep(rng: random.Random, work: Path) -> list[str]:
    shutil.copy(BASE, work / "base.yaml")
    grid = rng.choice(
        [
            "{agent_groups.team.agents: [10, 12]}",
            "{agent_groups.team.agents: {from: 1, to: 1e9, step: 1}}",
            "{agent_groups.team.agents: {from: 1, to: 3, step: 0}}",
            "{scale_arrivals: [1e9]}",
            "{scale_arrivals: [.nan]}",
            "{call_types.enquiries.arrivals.rate: [1e9/h]}",
            "{nope.x: [1]}",
            "[]",
        ]
    )
    text = f"scenario: base.yaml\nreplications: 1\nseed: 1\ngrid: {grid}\n"
    if rng.random() < 0.5:
        text = _yaml_mutants(rng, text)
    _write(work / "sweep.yaml", text)
    return ["sweep", str(work / "sweep.yaml"), "--workers", "1", "--json"]


SMALL_DAY = ROOT / "tests" / "data" / "fuzz_corpus" / "schedule"


def gen_templates(rng: random.Random, work: Path) -> list[str]:
    path = work / "shifts.yaml"
    text = _text(SMALL_DAY / "shifts.yaml")
    if rng.random() < 0.4:
        text = text.replace("max: 20", f"min: {rng.choice(['1e9', '2000000000', '-1', '1e3'])}")
    else:
        text = _yaml_mutants(rng, text)
    _write(path, text)
    return [
        *("schedule", str(SMALL_DAY / "scenario.yaml"), "--templates", str(path)),
        *("--requirement", "erlang", "--time-limit", "10", "--json", "--workers", "1"),
    ]


SET_PATHS = [
    "agent_groups.team.agents",
    "call_types.enquiries.arrivals.rate",
    "call_types.enquiries.handle_time",
    "call_types.enquiries.handle_time.mean",
    "horizon.end",
    "replications",
    "seed",
    "service_level.target",
    "nope",
    "call_types.enquiries.patience",
    "a." * 300 + "b",
]


def gen_set(rng: random.Random, work: Path) -> list[str]:
    shutil.copy(BASE, work / "base.yaml")
    value = rng.choice(JUNK + ["20", "300/h", "{dist: exponential, mean: 3min}"])
    args = ["run", str(work / "base.yaml"), "--reps", "1", "--json", "--workers", "1"]
    return [*args, "--set", f"{rng.choice(SET_PATHS)}={value}"]


def gen_options(rng: random.Random, work: Path) -> list[str]:
    shutil.copy(BASE, work / "base.yaml")
    args = ["run", str(work / "base.yaml"), "--json", "--workers", "1"]
    pool = [
        ["--reps", rng.choice(["1", "0", "-1", "99999999999999999999", "1e3", "x", "2"])],
        ["--seed", rng.choice(["0", "-1", "2**64", "18446744073709551616", "x"])],
        ["--out", rng.choice([".", "/proc", "/proc/x", str(work / "base.yaml"), str(work / "o")])],
        ["-o", "."],
        ["--engine", rng.choice(["simpy", "fast", "warp"])],
        ["--precision", rng.choice(["0", "1e-300", "nan", "0.5"]), "--max-reps", "3"],
        ["--precision-kpi", "nope", "--precision", "0.1"],
        ["--max-calls", rng.choice(["0", "-3", "1", "x"])],
        ["--max-memory", rng.choice(["0", "1e-9", "nan"])],
        ["--scale-arrivals", rng.choice(["1e9", "-1", "nan", "enquiries=2", "x=1"])],
        ["--resume"],
        ["--trace"],
        ["--lang", rng.choice(["en", "zh", "xx"])],
    ]
    for extra in rng.sample(pool, rng.randint(1, 3)):
        args += extra
    return args


KINDS = {
    "scenario": (gen_scenario, 6),
    "forecast csv": (gen_forecast_csv, 3),
    "forecast xlsx": (gen_forecast_xlsx, 2),
    "history": (gen_history, 2),
    "call log": (gen_calllog, 2),
    "sweep": (gen_sweep, 1),
    "shift templates": (gen_templates, 1),
    "--set": (gen_set, 2),
    "options": (gen_options, 2),
}


# --------------------------------------------------------------- running one input


def run_one(argv: list[str], work: Path) -> dict:
    """Run ``ccsim argv`` in a forked child; its exit, output, time and peak memory."""
    out_path, err_path = work / "stdout", work / "stderr"
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: ccsim, its output to files, bounded memory
        try:
            resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))
            os.chdir(work)
            out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(out, 1)
            os.dup2(err, 2)
            from ccsim.cli import main

            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 99
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    status = usage = None
    while time.monotonic() - t0 < TIMEOUT_S:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.01)
    elapsed = time.monotonic() - t0
    if status is None or not done:
        os.kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        return {"outcome": "hang", "elapsed": elapsed, "rss": usage.ru_maxrss * 1024}
    out = out_path.read_text(errors="replace")
    err = err_path.read_text(errors="replace")
    rss = usage.ru_maxrss * 1024
    result = {"elapsed": elapsed, "rss": rss, "stderr": err[-2000:], "argv": argv}
    if os.WIFSIGNALED(status):
        result["outcome"] = "crash"
    elif rss > MEMORY_LIMIT:
        result["outcome"] = "memory"
    else:
        result["outcome"] = classify(os.WEXITSTATUS(status), out, err, argv)
    return result


FRACTIONS = ("service_level", "abandon_rate", "occupancy", "utilization", "containment_rate")


def classify(code: int, out: str, err: str, argv: list[str]) -> str:
    if "Traceback" in err or "internal error" in err or code == 99:
        return "traceback"
    if code != 0:
        lines = [line for line in err.splitlines() if line.strip()]
        said = any(line.startswith(("error: ", "ccsim: error:", "ccsim ")) for line in lines)
        if "usage:" in err and code == 2:
            return "clean error"
        return "clean error" if said and code in (1, 2) and len(lines) <= 2 else "unclear error"
    if "--json" in argv and argv[0] in ("run", "sweep"):
        return "accepted" if sensible(out) else "accepted, not sensible"
    return "accepted"


def sensible(out: str) -> bool:
    """Strict JSON, finite numbers, fractions in [0, 1]."""

    def refuse(token: str):
        raise ValueError(token)

    try:
        doc = json.loads(out, parse_constant=refuse)
    except ValueError:
        return False
    ok = True

    def walk(node, key=""):
        nonlocal ok
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k if k not in ("mean", "ci95") else key)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, float):
            if not math.isfinite(node):
                ok = False
            if key in FRACTIONS and not -1e-9 <= node <= 1 + 1e-9:
                ok = False

    walk(doc)
    return ok


# ------------------------------------------------------------------------ the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="inputs to generate")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--out", type=Path, help="write the outcome table as CSV here")
    parser.add_argument("--keep", type=Path, help="copy each failing input's folder here")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    names, weights = list(KINDS), [w for _, w in KINDS.values()]
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    worst = {"elapsed": 0.0, "rss": 0}
    failures = []
    _warm_up()
    t0 = time.monotonic()
    for i in range(args.n):
        kind = rng.choices(names, weights)[0]
        with tempfile.TemporaryDirectory(prefix="ccsim-fuzz-") as tmp:
            work = Path(tmp)
            argv = KINDS[kind][0](rng, work)
            result = run_one(argv, work)
            counts[kind][result["outcome"]] += 1
            worst["elapsed"] = max(worst["elapsed"], result["elapsed"])
            worst["rss"] = max(worst["rss"], result["rss"])
            if result["outcome"] not in ("clean error", "accepted"):
                failures.append((i, kind, result))
                if args.keep:
                    shutil.copytree(work, args.keep / f"{i:05d}-{kind.replace(' ', '_')}")
        if (i + 1) % 100 == 0:
            print(f"{i + 1} inputs, {time.monotonic() - t0:.0f} s", file=sys.stderr)
    _report(counts, worst, failures, args.out, time.monotonic() - t0)
    return 1 if failures else 0


def _warm_up() -> None:
    """Compile the engine once in this process, so every forked child has it."""
    from ccsim.batch.runner import run
    from ccsim.scenario import load_scenario

    run(load_scenario(BASE), 1, 1)


OUTCOMES = (
    "clean error",
    "accepted",
    "traceback",
    "accepted, not sensible",
    "unclear error",
    "hang",
    "memory",
    "crash",
)


def _report(counts, worst, failures, out: Path | None, elapsed: float) -> None:
    rows = [["kind", "inputs", *OUTCOMES]]
    for kind in KINDS:
        c = counts.get(kind, collections.Counter())
        rows.append([kind, sum(c.values()), *(c[o] for o in OUTCOMES)])
    total = collections.Counter()
    for c in counts.values():
        total.update(c)
    rows.append(["all", sum(total.values()), *(total[o] for o in OUTCOMES)])
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(str(v).rjust(w) for v, w in zip(r, widths, strict=True)))
    print(
        f"\nslowest input {worst['elapsed']:.1f} s, peak memory {worst['rss'] / 1024**2:,.0f} MB,"
        f" {elapsed / 60:.1f} min in all"
    )
    for i, kind, result in failures[:40]:
        last = (result.get("stderr") or "").strip().splitlines()[-1:] or [""]
        print(f"  #{i} {kind}: {result['outcome']}: {' '.join(result.get('argv', []))[:120]}")
        print(f"      {last[0][:200]}")
    if out is not None:
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        out.write_text(buf.getvalue())


if __name__ == "__main__":
    sys.exit(main())
