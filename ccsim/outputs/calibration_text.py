"""The calibration's fit report as text, in the user's language (`format_report`):
what was read and dropped, per call type the handle-time and patience fits,
busyness, IVR, time-of-day mixes, staffing; and what reading the log dropped,
skipped and corrected (`describe_reading`)."""

from __future__ import annotations

import re

from ccsim.data.calibration import Calibration
from ccsim.data.logcalls import CallLog
from ccsim.i18n import MESSAGES, tr


def format_report(cal: Calibration, lang: str = "en") -> str:
    """The fit report as text (in ``lang``): what was read and dropped, per call
    type the handle-time and patience fits, busyness, IVR, time-of-day mixes, staffing."""
    r = cal.report
    dates = r.get("dates")
    lines = [
        tr("cal.header", lang, source=r["source"], calls=r["calls"], days=r["days"])
        + (tr("cal.dates", lang, first=dates[0], last=dates[-1]) if dates else "")
        + tr("cal.horizon", lang, start=r["horizon"][0], end=r["horizon"][1],
             minutes=r["interval_s"] / 60)
    ]  # fmt: skip
    for key, counts in (("dropped", "dropped"), ("skipped", "bad"), ("corrected", "fixed")):
        lines += _count_lines(tr(f"cal.{key}", lang), r.get(counts), lang)
    for type_name, rep in r["call_types"].items():
        lines += _type_lines(type_name, rep, lang)
    lines += _busyness_lines(r.get("busyness"), lang)
    if "ivr" in r:
        ivr = r["ivr"]
        mix = _word("mix", ivr.get("mix", "day"), lang)
        lines.append(
            tr("cal.ivr", lang, calls=ivr["calls"], share=ivr["self_service_share"], mix=mix)
        )
        if "duration" in ivr:
            lines += _fit_lines(ivr["duration"]["fits"], lang)
    lines += _mix_lines(r.get("time_of_day"), lang)
    lines += _staffing_lines(r["staffing"], lang)
    for note in r["notes"]:
        lines.append(tr("cal.note", lang, note=_note(note, lang)))
    return "\n".join(lines)


def _staffing_lines(st: dict, lang: str) -> list[str]:
    lines = [tr("cal.staffing", lang, how=_how(st["inferred_from"], lang))]
    lines.append(
        "  " + " ".join(f"{s}:{a}" for s, a in zip(st["starts"], st["agents"], strict=True))
    )
    if "while_waiting" in st:
        lines.append(
            tr("cal.busy_waiting", lang)
            + " ".join(
                f"{_fmt(w)}({d})"
                for w, d in zip(st["while_waiting"], st["days_with_wait"], strict=True)
            )
        )
    return lines


def _word(kind: str, value: str, lang: str) -> str:
    """A distribution, parameter or mix name in ``lang`` (unknown names as they are)."""
    entry = MESSAGES.get(f"cal.{kind}.{value}")
    return entry[lang] if entry else value


#: The notes and staffing methods the report translates: pattern, catalogue key.
_NOTE_PATTERNS = (
    (r"(?P<n>\d+) bad row\(s\) skipped", "cal.note.bad_rows"),
    (r"(?P<type>.+): no abandoned calls, so no patience \(nobody abandons\)",
     "cal.note.no_abandons"),
    (r"(?P<n>\d+) day\(s\): too few to estimate busyness \(day-to-day variation\)",
     "cal.note.few_days"),
    (r"no agent ids: sessions cannot be formed; busy-while-waiting used", "cal.note.no_agent_ids"),
    (r"IVR: no IVR end times, so an IVR time of 0", "cal.note.no_ivr_end"),
)  # fmt: skip


def _note(note: str, lang: str) -> str:
    """A calibration note in ``lang``; a note without a translation stays as written."""
    if lang == "en":
        return note
    for pattern, key in _NOTE_PATTERNS:
        m = re.fullmatch(pattern, note)
        if m:
            return tr(key, lang, **m.groupdict())
    return note


def _how(how: str, lang: str) -> str:
    """How the staffing line was inferred (`_staffing`'s text), in ``lang``."""
    if lang == "en":
        return how
    if how.startswith("the staffing file"):
        return tr("cal.how_file", lang)
    m = re.search(r"less than (\S+) min apart", how)
    if how.startswith("agents logged in") and m:
        return tr("cal.how_sessions", lang, gap=float(m.group(1)))
    m = re.search(r"\(>= (\S+) s of waiting\)", how)
    return tr("cal.how_floor", lang, min_wait=float(m.group(1))) if m else how


def _count_lines(what: str, counts: dict[str, int] | None, lang: str = "en") -> list[str]:
    if not counts:
        return []
    total = sum(counts.values())
    return [tr("cal.count", lang, what=what, total=total)] + [
        f"    {n:>7}  {why}" for why, n in sorted(counts.items(), key=lambda x: -x[1])
    ]


def _type_lines(type_name: str, rep: dict, lang: str = "en") -> list[str]:
    ht = rep["handle_time"]
    lines = [tr("cal.type", lang, type=type_name, offered=rep["offered_per_day"])]
    lines.append(
        tr("cal.handle", lang, n=ht["n"], mean=ht["sample_mean_s"], cv=ht["sample_cv"],
           chosen=_word("dist", ht["chosen"], lang))
    )  # fmt: skip
    lines += _fit_lines(ht["fits"], lang)
    pat = rep["patience"]
    if pat is None:
        return [*lines, tr("cal.no_patience", lang)]
    return lines + _patience_lines(pat, lang)


def _patience_lines(pat: dict, lang: str) -> list[str]:
    km = pat["kaplan_meier"]
    why = tr("cal.why_survival" if pat["chosen"] == "survival" else "cal.why_aic", lang)
    lines = [
        tr("cal.patience", lang, abandoned=pat["abandoned"], censored=pat["answered_censored"],
           chosen=_word("dist", pat["chosen"], lang), why=why)
    ]  # fmt: skip
    if "km_gap" in pat:
        lines.append(
            tr("cal.km_gap", lang, gap=pat["km_gap"], up_to=pat["up_to_s"],
               bound=pat["km_gap_bound"])
        )  # fmt: skip
    lines += _fit_lines(pat["fits"], lang)
    if pat.get("curve"):
        c = pat["curve"]
        lines.append(
            tr("cal.curve", lang, knots=c["knots"], last=c["last_knot_s"], tail=c["tail_mean_s"],
               mean=c["mean_s"], share=c["tail_share_of_mean"])
        )  # fmt: skip
    lines.append(
        tr("cal.km", lang, median=_fmt(km["median_s"]), rmean=km["restricted_mean_s"],
           up_to=km["up_to_s"])
        + ", ".join(f"S({k})={v:g}" for k, v in km["survival"].items())
    )  # fmt: skip
    lines.append(tr("cal.naive", lang, naive=pat["naive_mean_s"]))
    return lines


def _busyness_lines(b: dict | None, lang: str = "en") -> list[str]:
    if not b:
        return []
    return [
        tr("cal.busyness", lang, cv=b["cv"], days=b["days"], mean=b["calls_per_day"],
           sd=b["daily_sd"], psd=b["poisson_sd"])
    ]  # fmt: skip


def _mix_lines(mix: dict | None, lang: str = "en") -> list[str]:
    if not mix:
        return []
    lines = [tr("cal.by_hour", lang)]
    ivr = "ivr_calls" in mix
    types = list(mix["call_type_mix"])
    head = tr("cal.col_hour", lang) + (tr("cal.col_ivr", lang) if ivr else "")
    head += "".join(tr("cal.col_type", lang, type=t[:12]) for t in types)
    lines.append(head)
    for i, h in enumerate(mix["hours"]):
        row = f"  {h}  {mix['queued_calls'][i]:>6}"
        if ivr:
            row += f"  {mix['ivr_calls'][i]:>5}  {_fmt(mix['self_service_share'][i]):>11}"
        for t in types:
            share, aht = mix["call_type_mix"][t][i], mix["handle_mean_s"][t][i]
            row += f"  {_fmt(share):>18}  {_fmt(aht):>5}"
        lines.append(row)
    return lines


def _fit_lines(fits: list[dict], lang: str = "en") -> list[str]:
    out = []
    for f in fits:
        se = f" ± {f['mean_se_s']:g}" if f.get("mean_se_s") is not None else ""
        if f.get("mean_supported") is False:
            se += tr("cal.not_supported", lang)
        ks = f", KS {f['ks']:.3f}" if f.get("ks") is not None else ""
        params = ", ".join(f"{_word('param', k, lang)} {v:g}" for k, v in f["params"].items())
        out.append(
            tr("cal.fit", lang, dist=_word("dist", f["dist"], lang), mean=f["mean_s"], se=se,
               cv=f["cv"], params=params, aic=f["aic"], ks=ks)
        )  # fmt: skip
    return out


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def describe_reading(log: CallLog) -> str:
    """One line per reason: rows dropped, bad rows skipped, values corrected."""
    lines = [f"{log.source}: {log.n_calls} calls read over {log.days.size} day(s)"]
    for what, counts in (("dropped", log.dropped), ("skipped", log.bad), ("corrected", log.fixed)):
        for why, n in sorted(counts.items(), key=lambda x: -x[1]):
            lines.append(f"  {what} {n}: {why}")
    lines += [f"  {r}" for r in log.reasons[:3]] if log.bad else []
    return "\n".join(lines)
