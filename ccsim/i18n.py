"""English and Chinese words for what people read: KPI names, table headers, chart
titles and axis labels, units.

One catalogue, `MESSAGES`, maps a key to its text in every language of `LANGS`; a
test checks that no key lacks a language, so nothing silently falls back to
English. The Chinese follows the glossary of design.md (服务水平, 平均应答速度,
放弃率, 占用率, 座席员, 话务量, 班次 …).

Chinese labels need a font with Chinese glyphs; matplotlib's own (DejaVu Sans) has
none and would draw empty boxes. `use_font` finds one and makes matplotlib use it:
``CCSIM_CJK_FONT`` (a font file), else the Noto Sans CJK SC that the `mplfonts`
package ships (a dependency of ccsim), else a Chinese font installed on the system.
Without any, it warns (`ChineseFontMissing`) and says how to get one.

Nothing here imports matplotlib until `use_font` / `cjk_font` is called.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

__all__ = [
    "LANGS",
    "MESSAGES",
    "ChineseFontMissing",
    "check_lang",
    "cjk_font",
    "font_families",
    "kpi_label",
    "tr",
    "use_font",
]

#: The languages of every message: English and (simplified) Chinese.
LANGS: tuple[str, ...] = ("en", "zh")

#: Environment variable naming a font file with Chinese glyphs (``.otf``, ``.ttf``,
#: ``.ttc``), used before any other.
FONT_ENV = "CCSIM_CJK_FONT"

#: Chinese fonts looked for among the system's fonts when no font file is given and
#: mplfonts is not installed (Linux, macOS, Windows names).
SYSTEM_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "PingFang SC",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
    "Noto Sans CJK JP",
    "AR PL UMing CN",
)

#: key -> {lang: text}. Keys: ``kpi.*`` KPI names (as the tables show them),
#: ``col.*`` short column headers, ``table.*`` table titles and words, ``chart.*``
#: chart titles, axis labels and legend entries, ``unit.*`` units. ``{name}``
#: placeholders are filled by `tr`'s keyword arguments.
MESSAGES: dict[str, dict[str, str]] = {
    # --- KPIs: calls ---------------------------------------------------------------
    "kpi.offered": {"en": "Offered calls", "zh": "呼入量"},
    "kpi.answered": {"en": "Answered", "zh": "接通量"},
    "kpi.abandoned": {"en": "Abandoned", "zh": "放弃量"},
    "kpi.blocked": {"en": "Blocked (all trunks busy)", "zh": "阻塞量（中继全忙）"},
    "kpi.service_level": {"en": "Service level", "zh": "服务水平"},
    "kpi.sl_offered": {"en": "Service level (of offered)", "zh": "服务水平（按呼入量）"},
    "kpi.sl_answered": {"en": "Service level (of answered)", "zh": "服务水平（按接通量）"},
    "kpi.sl_exclude_short_abandons": {
        "en": "Service level (short abandons excluded)",
        "zh": "服务水平（不计短时放弃）",
    },
    "kpi.sl_short_abandons_as_met": {
        "en": "Service level (short abandons as met)",
        "zh": "服务水平（短时放弃计为达标）",
    },
    "kpi.asa_s": {"en": "ASA", "zh": "平均应答速度"},
    "kpi.abandon_time_s": {"en": "Average abandon time", "zh": "平均放弃时长"},
    "kpi.abandon_rate": {"en": "Abandon rate", "zh": "放弃率"},
    "kpi.aht_s": {"en": "AHT (talk + wrap-up)", "zh": "平均处理时长（通话 + 话后处理）"},
    "kpi.wait_p50_s": {"en": "Wait, median", "zh": "等待时长中位数"},
    "kpi.wait_p90_s": {"en": "Wait, 90th percentile", "zh": "等待时长第 90 百分位"},
    "kpi.wait_p95_s": {"en": "Wait, 95th percentile", "zh": "等待时长第 95 百分位"},
    "kpi.max_queue": {"en": "Max queue length", "zh": "最大排队长度"},
    # redials, transfers, callbacks
    "kpi.attempts": {"en": "Attempts (calls incl. redials)", "zh": "呼叫次数（含重拨）"},
    "kpi.retrials": {"en": "Redials", "zh": "重拨次数"},
    "kpi.unique_callers": {"en": "Unique callers", "zh": "来电客户数"},
    "kpi.sl_per_caller": {"en": "Service level per caller", "zh": "按客户计的服务水平"},
    "kpi.caller_abandon_rate": {"en": "Callers never answered", "zh": "始终未接通的客户比例"},
    "kpi.transfers": {"en": "Transfers", "zh": "转接次数"},
    "kpi.time_in_system_s": {"en": "Time in system per caller", "zh": "客户平均在系统时长"},
    "kpi.callback_offers": {"en": "Callbacks offered", "zh": "提供回拨次数"},
    "kpi.callback_accepts": {"en": "Callbacks accepted", "zh": "接受回拨次数"},
    "kpi.callbacks_completed": {"en": "Callbacks completed", "zh": "完成回拨次数"},
    "kpi.callbacks_not_reached": {"en": "Callbacks not reached", "zh": "回拨未联系上"},
    "kpi.callback_delay_s": {"en": "Callback delay", "zh": "平均回拨等待时长"},
    "kpi.callbacks_handled": {"en": "Callbacks handled", "zh": "处理回拨次数"},
    # outbound
    "kpi.outbound_dials": {"en": "Outbound dials", "zh": "外呼拨打次数"},
    "kpi.outbound_connects": {"en": "Outbound connects", "zh": "外呼接通次数"},
    "kpi.outbound_connect_rate": {"en": "Outbound connect rate", "zh": "外呼接通率"},
    "kpi.outbound_connects_per_hour": {
        "en": "Outbound connects per hour",
        "zh": "每小时外呼接通次数",
    },
    # IVR
    "kpi.ivr_arrivals": {"en": "IVR arrivals", "zh": "IVR 进线量"},
    "kpi.self_served": {"en": "Self-served", "zh": "自助服务量"},
    "kpi.ivr_hang_ups": {"en": "Hung up in the IVR", "zh": "IVR 中挂机"},
    "kpi.containment_rate": {"en": "Containment rate", "zh": "IVR 自助解决率"},
    "kpi.ivr_time_s": {"en": "Mean time in the IVR", "zh": "IVR 平均停留时长"},
    # agents
    "kpi.occupancy": {"en": "Occupancy", "zh": "占用率"},
    "kpi.utilization": {"en": "Utilization", "zh": "利用率"},
    "kpi.staffed_hours": {"en": "Staffed hours", "zh": "在岗时长"},
    "kpi.scheduled_hours": {"en": "Scheduled hours", "zh": "排班时长"},
    "kpi.busy_hours": {"en": "Busy hours", "zh": "忙碌时长"},
    "kpi.scheduled_agents": {"en": "Scheduled agents", "zh": "排班座席员"},
    "kpi.on_break_agents": {"en": "Agents on break", "zh": "休息中座席员"},
    "kpi.absent_agents": {"en": "Absent agents", "zh": "缺勤座席员"},
    "kpi.available_agents": {"en": "Available agents", "zh": "可用座席员"},
    "kpi.busy_agents": {"en": "Busy agents", "zh": "忙碌座席员"},
    "kpi.on_break_hours": {"en": "Break hours", "zh": "休息时长"},
    "kpi.absent_hours": {"en": "Absent hours", "zh": "缺勤时长"},
    "kpi.overtime_hours": {"en": "Overtime hours", "zh": "加班时长"},
    "kpi.paid_hours": {"en": "Paid hours", "zh": "计薪时长"},
    "kpi.answered_by_type": {"en": "Answered by call type", "zh": "按呼叫类型的接通量"},
    # staffing requirement (ccsim.planning.staffing, `ccsim run --required`)
    "kpi.required": {"en": "required", "zh": "需求人数"},
    "kpi.over_under": {"en": "over/under", "zh": "富余/缺口"},
    # cost
    "kpi.agent_cost": {"en": "Agent cost", "zh": "座席员成本"},
    "kpi.telecom_cost": {"en": "Telecom cost", "zh": "通信费用"},
    "kpi.cost": {"en": "Cost", "zh": "成本"},
    "kpi.cost_per_call": {"en": "Cost per answered call", "zh": "每通接通电话成本"},
    "kpi.outsourced_cost": {"en": "Outsourced cost", "zh": "外包成本"},
    # --- short column headers of the interval and group tables ---------------------
    "col.interval": {"en": "interval", "zh": "时段"},
    "col.offered": {"en": "offered", "zh": "呼入"},
    "col.answered": {"en": "answered", "zh": "接通"},
    "col.abandoned": {"en": "abandoned", "zh": "放弃"},
    "col.service_level": {"en": "SL", "zh": "服务水平"},
    "col.asa_s": {"en": "ASA s", "zh": "应答秒"},
    "col.abandon_rate": {"en": "aband.", "zh": "放弃率"},
    "col.occupancy": {"en": "occ.", "zh": "占用率"},
    "col.max_queue": {"en": "max q", "zh": "最长队列"},
    "col.available_agents": {"en": "avail.", "zh": "可用座席"},
    "col.p_meet_target": {"en": "P(SL met)", "zh": "达标概率"},
    "col.sl_p10": {"en": "SL p10", "zh": "SL 10分位"},
    "col.agent_group": {"en": "agent group", "zh": "座席组"},
    "col.scheduled_hours": {"en": "sched. h", "zh": "排班小时"},
    "col.aht_s": {"en": "AHT", "zh": "处理时长"},
    "col.utilization": {"en": "utiliz.", "zh": "利用率"},
    "col.on_break_hours": {"en": "break h", "zh": "休息小时"},
    "col.overtime_hours": {"en": "overtime h", "zh": "加班小时"},
    "col.cost": {"en": "cost", "zh": "成本"},
    # --- table titles and words ----------------------------------------------------
    "table.kpi": {"en": "KPI", "zh": "指标"},
    "table.mean": {"en": "mean", "zh": "均值"},
    "table.ci95": {"en": "95% CI", "zh": "95% 置信区间"},
    "table.heading": {
        "en": "{scenario} — {n} replication(s), seed {seed}, SL target {sl}",
        "zh": "{scenario} — {n} 次重复仿真，随机种子 {seed}，服务水平目标 {sl}",
    },
    "table.p_day_sl": {"en": "P(day SL >= {target}%)", "zh": "全天服务水平 ≥ {target}% 的概率"},
    "table.p10": {"en": "10th percentile {value}", "zh": "第 10 百分位 {value}"},
    "table.callers_channels": {"en": "Callers and channels", "zh": "客户与渠道"},
    "table.ivr": {"en": "IVR", "zh": "自动语音应答 (IVR)"},
    "table.precision": {
        "en": "precision: 95% CI half-width of {kpi} {half} (target {target}: {state})",
        "zh": "精度：{kpi} 的 95% 置信区间半宽 {half}（目标 {target}：{state}）",
    },
    "table.precision_met": {"en": "met", "zh": "已达到"},
    "table.precision_not_met": {
        "en": "NOT met after {n} replications",
        "zh": "{n} 次重复后仍未达到",
    },
    # --- charts --------------------------------------------------------------------
    "chart.interval_start": {"en": "interval start", "zh": "时段开始"},
    "chart.sl_title": {
        "en": "{scenario}: service level {sl} per interval",
        "zh": "{scenario}：各时段服务水平 {sl}",
    },
    "chart.replications": {"en": "{n} replications", "zh": "{n} 次重复仿真"},
    "chart.one_replication": {"en": "1 replication, no CI", "zh": "1 次仿真，无置信区间"},
    "chart.sl_mean": {"en": "service level (mean)", "zh": "服务水平（均值）"},
    "chart.ci95": {"en": "95% CI", "zh": "95% 置信区间"},
    "chart.target": {"en": "target {target}", "zh": "目标 {target}"},
    "chart.below_target": {"en": "below target", "zh": "低于目标"},
    "chart.no_calls": {"en": "no calls offered", "zh": "无呼入"},
    "chart.volumes_title": {
        "en": "{scenario}: offered, answered and abandoned calls per interval",
        "zh": "{scenario}：各时段呼入、接通与放弃量",
    },
    "chart.calls_per_interval": {"en": "calls per interval", "zh": "每时段呼叫量（通）"},
    "chart.offered": {"en": "offered", "zh": "呼入"},
    "chart.answered": {"en": "answered", "zh": "接通"},
    "chart.abandoned": {"en": "abandoned", "zh": "放弃"},
    "chart.staffing_title": {
        "en": "{scenario}: staffing per interval against the offered load",
        "zh": "{scenario}：各时段人员配置与话务量",
    },
    "chart.agents": {"en": "agents (mean over the interval)", "zh": "座席员人数（时段平均）"},
    "chart.busy": {"en": "busy", "zh": "忙碌"},
    "chart.idle": {"en": "idle on the floor", "zh": "在岗空闲"},
    "chart.away": {"en": "on break / absent", "zh": "休息 / 缺勤"},
    "chart.scheduled": {"en": "scheduled (on shift)", "zh": "排班人数（在班）"},
    "chart.available": {"en": "available", "zh": "可用人数"},
    "chart.required": {"en": "required", "zh": "需求人数"},
    "chart.load": {"en": "offered load (Erlangs)", "zh": "话务量（爱尔兰）"},
    "chart.asa_title": {
        "en": "{scenario}: ASA and abandon rate per interval",
        "zh": "{scenario}：各时段平均应答速度与放弃率",
    },
    "chart.asa_axis": {"en": "ASA (seconds)", "zh": "平均应答速度（秒）"},
    "chart.abandon_axis": {"en": "abandon rate", "zh": "放弃率"},
    "chart.occupancy_title": {
        "en": "{scenario}: occupancy per agent group and interval",
        "zh": "{scenario}：各座席组各时段占用率",
    },
    "chart.agent_group": {"en": "agent group", "zh": "座席组"},
    "chart.no_agents": {"en": "no agents", "zh": "无座席员"},
    "chart.waits_title": {
        "en": "{scenario}: distribution of waiting times",
        "zh": "{scenario}：等待时长分布",
    },
    "chart.waits_title_pct": {
        "en": "{scenario}: waiting-time percentiles per replication",
        "zh": "{scenario}：各次仿真的等待时长百分位",
    },
    "chart.wait_axis": {"en": "waiting time (seconds)", "zh": "等待时长（秒）"},
    "chart.share_within": {"en": "share of calls waiting at most", "zh": "等待不超过该时长的比例"},
    "chart.answered_calls": {"en": "answered calls", "zh": "接通的呼叫"},
    "chart.mean_of_reps": {"en": "mean of the replications", "zh": "各次仿真的均值"},
    "chart.abandoned_calls": {"en": "abandoned calls", "zh": "放弃的呼叫"},
    "chart.all_calls": {"en": "all offered calls", "zh": "全部呼入"},
    "chart.threshold": {"en": "SL threshold {t}", "zh": "服务水平阈值 {t}"},
    "chart.percentile": {"en": "percentile of answered calls", "zh": "接通呼叫的百分位"},
    "chart.waits_note": {
        "en": "dots: replications; the full distribution needs calls.csv (ccsim run --trace)",
        "zh": "圆点：各次仿真；完整分布需要 calls.csv（ccsim run --trace）",
    },
    "chart.no_waits": {"en": "no waiting times recorded", "zh": "没有等待时长记录"},
    "chart.fan_title": {
        "en": "{scenario}: service level per interval across {n} replications",
        "zh": "{scenario}：{n} 次重复仿真中各时段服务水平的分布",
    },
    "chart.median": {"en": "median", "zh": "中位数"},
    "chart.band": {"en": "{lo}–{hi}th percentile", "zh": "第 {lo}–{hi} 百分位"},
    "chart.compare_title": {
        "en": "{kpi}: alternative − base per interval",
        "zh": "{kpi}：方案 − 基准（各时段）",
    },
    "chart.compare_names": {
        "en": "base: {base}\nalternative: {alt}",
        "zh": "基准：{base}\n方案：{alt}",
    },
    "chart.difference": {"en": "difference (alternative − base)", "zh": "差值（方案 − 基准）"},
    "chart.paired_ci": {"en": "paired 95% CI", "zh": "配对 95% 置信区间"},
    "chart.no_difference": {"en": "no difference", "zh": "无差异"},
    "chart.diff_axis": {"en": "{kpi} difference", "zh": "{kpi}差值"},
    "chart.diff_axis_pp": {
        "en": "{kpi} difference (percentage points)",
        "zh": "{kpi}差值（百分点）",
    },
    "chart.sweep_axis": {"en": "{kpi} (mean, 95% CI band)", "zh": "{kpi}（均值，95% 置信带）"},
    "chart.sweep_title": {"en": "{kpi} over {x}", "zh": "{kpi}随 {x} 的变化"},
    # --- the queue animation (ccsim animate) ---------------------------------------
    "anim.waiting": {"en": "Callers waiting", "zh": "排队等待的来电"},
    "anim.waiting_bar": {"en": "callers waiting", "zh": "排队来电"},
    "anim.waiting_so_far": {"en": "Callers waiting, so far", "zh": "排队来电（至今）"},
    "anim.agents": {"en": "Agents", "zh": "座席员"},
    "anim.busy": {"en": "busy", "zh": "通话中"},
    "anim.idle": {"en": "idle", "zh": "空闲"},
    "anim.on_break": {"en": "on break", "zh": "休息"},
    "anim.absent": {"en": "absent", "zh": "缺勤"},
    "anim.off_shift": {"en": "off shift", "zh": "未上班"},
    "anim.service_level": {"en": "Service level so far", "zh": "累计服务水平"},
    "anim.target": {"en": "target", "zh": "目标"},
    "anim.calls": {"en": "calls", "zh": "通"},
    "anim.abandoned": {"en": "Abandoned so far", "zh": "累计放弃"},
    "anim.waited": {"en": "waited", "zh": "等待"},
    "anim.seed": {"en": "seed", "zh": "随机种子"},
    "anim.replication": {"en": "replication", "zh": "重复仿真"},
    "anim.video_second": {"en": "1 s of video", "zh": "视频 1 秒"},
    "anim.compare_title": {"en": "Same callers, two staffings", "zh": "相同来电，两种排班"},
    # --- units ---------------------------------------------------------------------
    "unit.s": {"en": "s", "zh": "秒"},
    "unit.min": {"en": "min", "zh": "分钟"},
    "unit.h": {"en": "h", "zh": "小时"},
    "unit.calls": {"en": "calls", "zh": "通"},
    "unit.agents": {"en": "agents", "zh": "名座席员"},
    "unit.erlangs": {"en": "Erlangs", "zh": "爱尔兰"},
    "unit.pp": {"en": "pp", "zh": "个百分点"},
    # --- domain words --------------------------------------------------------------
    "word.agent": {"en": "agent", "zh": "座席员"},
    "word.shift": {"en": "shift", "zh": "班次"},
    "word.schedule": {"en": "schedule", "zh": "排班"},
    "word.traffic": {"en": "call volume", "zh": "话务量"},
    "word.forecast": {"en": "forecast of call volume", "zh": "话务量预测"},
    "word.shrinkage": {"en": "shrinkage", "zh": "缩减率"},
    "word.wrap_up": {"en": "after-call work", "zh": "话后处理"},
    "word.ivr": {"en": "IVR", "zh": "自动语音应答 (IVR)"},
    "word.acd": {"en": "ACD", "zh": "自动呼叫分配 (ACD)"},
    "word.skill_routing": {"en": "skill-based routing", "zh": "技能路由"},
    "word.call_type": {"en": "call type", "zh": "呼叫类型"},
    "word.agent_group": {"en": "agent group", "zh": "座席组"},
    "word.interval": {"en": "interval", "zh": "时段"},
    "word.day": {"en": "day", "zh": "全天"},
    "word.replication": {"en": "replication", "zh": "重复仿真"},
    "word.seed": {"en": "seed", "zh": "随机种子"},
    "word.surge": {"en": "surge", "zh": "话务高峰"},
    "word.outage": {"en": "outage", "zh": "系统故障"},
    "word.contact_center": {"en": "contact center", "zh": "呼叫中心"},
}

#: The HTML report's own words (`ccsim.outputs.html_report`), as (English, Chinese).
_REPORT: dict[str, tuple[str, str]] = {
    "title": ("Contact-center simulation report", "呼叫中心仿真报告"),
    "contents": ("Contents", "目录"),
    "sec.summary": ("Scenario", "场景概要"),
    "sec.assumptions": ("Assumptions", "假设与方法"),
    "sec.kpis": ("Day KPIs", "全天关键指标"),
    "sec.risk": ("Service-level risk", "服务水平风险"),
    "sec.intervals": ("Per interval", "分时段指标"),
    "sec.call-types": ("Per call type", "按呼叫类型"),
    "sec.agent-groups": ("Per agent group", "按座席组"),
    "sec.cost": ("Cost", "成本"),
    "sec.charts": ("Charts", "图表"),
    "sec.comparison": ("Comparison", "方案对比"),
    "name": ("Name", "名称"),
    "description": ("Description", "说明"),
    "source": ("Scenario file", "场景文件"),
    "horizon": ("Horizon", "时间范围"),
    "horizon.value": (
        "{start}–{end}, {n} intervals of {size}",
        "{start}–{end}，{n} 个时段，每段 {size}",
    ),
    "trunks": ("Trunks (lines)", "中继线路"),
    "unlimited": ("unlimited", "不限"),
    "ivr.yes": ("yes: {n} menu nodes, entry “{entry}”", "有：{n} 个菜单节点，入口“{entry}”"),
    "no": ("no", "无"),
    "none": ("none", "无"),
    "events": ("Crisis events", "危机事件"),
    "outbound": ("Outbound campaigns", "呼出活动"),
    "outbound.value": ("{customers} customers, {start}–{end}", "{customers} 位客户，{start}–{end}"),
    "costs.inputs": ("Cost inputs", "成本参数"),
    "costs.value": (
        "{hour} per agent hour, {minute} per telecom minute",
        "每座席小时 {hour}，每通信分钟 {minute}",
    ),
    "call_types": ("Call types", "呼叫类型"),
    "agent_groups": ("Agent groups and staffing", "座席组与排班"),
    "ct.channel": ("channel", "渠道"),
    "channel.voice": ("voice", "语音"),
    "channel.chat": ("chat", "在线聊天"),
    "ct.priority": ("priority", "优先级"),
    "ct.volume": ("forecast calls", "预测呼叫量"),
    "ct.via_ivr": ("via IVR", "经 IVR"),
    "ct.handle": ("handle time (mean)", "通话时长（均值）"),
    "ct.wrap": ("wrap-up (mean)", "话后处理（均值）"),
    "ct.patience": ("patience (mean)", "耐心时长（均值）"),
    "ct.overflow": ("overflow", "溢出"),
    "ct.no_abandon": ("no abandonment", "不放弃"),
    "ag.skills": ("skills (priority)", "技能（优先级）"),
    "ag.staffing": ("staffing", "排班"),
    "ag.cost": ("cost", "成本"),
    "ag.all_day": ("{n} agents all day", "全天 {n} 名座席员"),
    "ag.line": (
        "staffing line, {low}–{high} agents per interval",
        "排班线，每时段 {low}–{high} 名座席员",
    ),
    "ag.shifts": (
        "{n} shift(s), {agents} agents: {list}",
        "{n} 个班次，共 {agents} 名座席员：{list}",
    ),
    "ag.shrinkage": ("shrinkage {p}", "缩减率 {p}"),
    "ag.reserve": ("keeps {n} in reserve", "预留 {n} 名"),
    "ag.chat": ("up to {n} chats at once", "最多同时 {n} 个会话"),
    "ag.per_hour": ("{v} per hour", "每小时 {v}"),
    "ag.per_call": ("{v} per call (outsourced)", "每通 {v}（外包）"),
    "sl.def": ("Service level", "服务水平"),
    "sl.value": (
        "SL({t}) ≥ {target} — definition “{definition}”: {text}",
        "SL({t}) ≥ {target}——定义“{definition}”：{text}",
    ),
    "sl.offered": (
        "answered within T / offered (abandoned calls count against)",
        "T 秒内接通量 / 呼入量（放弃的呼叫计为未达标）",
    ),
    "sl.answered": ("answered within T / answered", "T 秒内接通量 / 接通量"),
    "sl.exclude_short_abandons": (
        "answered within T / (offered − abandoned within T)",
        "T 秒内接通量 / （呼入量 − T 秒内放弃量）",
    ),
    "sl.short_abandons_as_met": (
        "(answered within T + abandoned within T) / offered",
        "（T 秒内接通量 + T 秒内放弃量）/ 呼入量",
    ),
    "sl.within": ("“Within T” is wait ≤ T.", "“T 秒内”指等待时长 ≤ T。"),
    "attribution": ("Interval attribution", "时段归属"),
    "attribution.text": (
        "A call belongs to the planning interval in which it was offered to the queue "
        "(the WFM convention); a call that never reached a queue (blocked, self-served, "
        "hung up in the IVR) to the interval of its arrival. IVR figures go by the "
        "interval of arrival. Busy time is split exactly across the intervals it spans. "
        "Agent time after the end of the horizon (the drain) is not counted in occupancy.",
        "呼叫归入其进入队列（呼入）时所在的计划时段（劳动力管理惯例）；未进入队列的呼叫"
        "（被阻塞、自助服务完成、在 IVR 中挂机）归入其到达时所在的时段。IVR 指标按到达时段统计。"
        "座席忙碌时间按其跨越的时段精确拆分。时间范围结束后的收尾时间不计入占用率。",
    ),
    "warmup": ("Warm-up", "预热期"),
    "warmup.value": (
        "{w}: calls offered before {t} (and agent time before it) are left out of the "
        "day's, call types' and groups' figures",
        "{w}：{t} 之前呼入的呼叫（及此前的座席时间）不计入全天、呼叫类型和座席组指标",
    ),
    "replications": ("Replications", "重复次数"),
    "replications.value": (
        "{n} independent simulated days; every figure is the mean over them with a 95 % "
        "Student-t confidence interval (t quantile with n − 1 degrees of freedom × "
        "sample standard deviation / √n)",
        "{n} 个独立的仿真日；每个数值为其均值，附 95 % Student-t 置信区间"
        "（自由度 n − 1 的 t 分位数 × 样本标准差 / √n）",
    ),
    "replications.one": (
        "1 simulated day: no confidence intervals (they need at least 2 replications)",
        "1 个仿真日：无置信区间（至少需要 2 次重复）",
    ),
    "seed": ("Seed", "随机种子"),
    "seed.value": (
        "{seed} (the same seed gives the same numbers)",
        "{seed}（相同种子得到相同结果）",
    ),
    "engine": ("Engine", "仿真引擎"),
    "version": ("ccsim version", "ccsim 版本"),
    "no_ci": (
        "One replication: no confidence intervals (they need at least 2).",
        "单次重复：无置信区间（至少需要 2 次重复）。",
    ),
    "risk.intro": (
        "How often the service-level target {target} was met across the {n} replications: "
        "planners are judged on each interval's attainment, not on its mean.",
        "在 {n} 次重复中服务水平目标 {target} 的达成频率：计划人员按每个时段的达成情况"
        "而非均值接受考核。",
    ),
    "risk.day": ("P(day SL ≥ target)", "全天服务水平达标概率"),
    "risk.day_p10": ("Day SL, 10th percentile", "全天服务水平第 10 百分位"),
    "risk.counts": (
        "{met} of {n} intervals met the target in at least 90 % of the replications; "
        "{risky} in fewer than half of them:",
        "{n} 个时段中有 {met} 个在至少 90 % 的重复中达标；{risky} 个在不到一半的重复中达标：",
    ),
    "risk.none_risky": (
        "No interval met the target in fewer than half of them.",
        "没有时段的达标概率低于一半。",
    ),
    "risk.one": (
        "Risk needs at least 2 replications; this run has 1. Run more (--reps) to see how "
        "often the target is met.",
        "风险分析至少需要 2 次重复，本次只有 1 次。请增加重复次数（--reps）。",
    ),
    "events.col": ("events", "事件"),
    "miss.note": (
        "Values in red: mean service level below the target, or the target met in fewer "
        "than half of the replications.",
        "红色数值：平均服务水平低于目标，或在不到一半的重复中达标。",
    ),
    "cost.none": (
        "The scenario gives no costs (costs: agent_hour, telecom_minute): every cost is 0.",
        "场景未给出成本参数（costs: agent_hour, telecom_minute）：所有成本为 0。",
    ),
    "cost.share": ("share of agent cost", "占座席成本比例"),
    "cost.paid_hours": ("paid hours", "计薪工时"),
    "charts.none": ("No chart could be drawn.", "无法绘制图表。"),
    "charts.failed": (
        "Chart “{name}” could not be drawn: {error}",
        "图表“{name}”绘制失败：{error}",
    ),
    "cmp.intro": (
        "Base “{base}” against alternative “{alt}”: {n} paired replication(s), seed {seed} "
        "(common random numbers). The difference is alt − base with its paired 95 % CI.",
        "基准方案“{base}”与备选方案“{alt}”：{n} 次配对重复，种子 {seed}（公共随机数）。"
        "差值为备选 − 基准，附配对 95 % 置信区间。",
    ),
    "cmp.base": ("base", "基准"),
    "cmp.alt": ("alt", "备选"),
    "cmp.diff": ("difference [95% CI]", "差值 [95% 置信区间]"),
    "generated": ("Generated by ccsim {version} on {date}.", "由 ccsim {version} 于 {date} 生成。"),
    "run.line": (
        "{reps} replication(s), seed {seed}, SL target {sl}",
        "{reps} 次重复，种子 {seed}，服务水平目标 {sl}",
    ),
}
MESSAGES.update({key: {"en": en, "zh": zh} for key, (en, zh) in _REPORT.items()})
#: P(wait) and the two estimators of a rate over replications (ccsim.batch.ratios).
MESSAGES.update(
    {
        "kpi.p_wait": {"en": "Waited (P(wait > 0))", "zh": "需等待比例 P(等待 > 0)"},
        "col.p_wait": {"en": "P(wait)", "zh": "等待率"},
        "table.ratio_of_totals": {
            "en": "Ratio of totals (expected totals over replications; the means above "
            "are of daily ratios)",
            "zh": "总量之比（各次重复总量的期望之比；上表均值为每日比率的均值）",
        },
        "table.mean_of_daily_ratios": {"en": "mean of daily ratios", "zh": "每日比率均值"},
        "table.ratio_of_totals_col": {"en": "ratio of totals", "zh": "总量之比"},
        "table.exact": {"en": "exact", "zh": "精确值"},
        "table.theory": {
            "en": "{model}, exact steady state (queueing theory)",
            "zh": "{model}，精确稳态值（排队论）",
        },
    }
)

#: The planner's view: per-queue tables, coverage, exports, the Erlang calculator.
_PLANNER: dict[str, tuple[str, str]] = {
    "table.queue_heading": ("Queue {name}, per interval", "队列 {name}：各时段"),
    "col.wait_p90_s": ("wait p90", "等待90分位"),
    "col.scheduled_agents": ("sched.", "在班"),
    "col.required": ("required", "需求"),
    "col.over_under": ("over/under", "富余/缺口"),
    "erlang.heading": (
        "Erlang {model}: {lam:g} calls/h, AHT {aht:g} s, {load:.2f} Erlangs",
        "Erlang {model}：每小时 {lam:g} 通，平均处理 {aht:g} 秒，话务量 {load:.2f} 爱尔兰",
    ),
    "erlang.agents": ("agents", "座席员"),
    "erlang.interval": ("interval", "时段"),
    "erlang.calls": ("calls", "呼入量"),
    "erlang.aht": ("AHT s", "处理秒"),
    "erlang.load": ("Erlangs", "话务量"),
    "erlang.scheduled": ("scheduled (shrinkage)", "排班人数（含缩减）"),
    "erlang.p_block": ("P(blocked)", "阻塞概率"),
    "erlang.p_wait": ("P(wait)", "等待概率"),
    "erlang.service_level": ("SL", "服务水平"),
    "erlang.asa_s": ("ASA s", "平均应答秒"),
    "erlang.abandon_rate": ("aband.", "放弃率"),
    "erlang.occupancy": ("occ.", "占用率"),
    "erlang.goal": ("goal: {goal}", "目标：{goal}"),
    "chart.sl_by_queue": (
        "Queue {name}: service level per interval",
        "队列 {name}：各时段服务水平",
    ),
    "sec.queue-intervals": ("Each queue per interval", "各队列分时段"),
    "chart.over": ("over (available − required)", "富余（可用 − 需求）"),
    "chart.under": ("under", "缺口"),
    "ag.break": ("{at} {length}", "{at} 起 {length}"),
    "ag.break_window": ("{start}–{end}: {length}", "{start}–{end} 内 {length}"),
    "ag.unpaid": ("unpaid", "不带薪"),
    "ag.breaks": ("breaks {list}", "休息 {list}"),
    "chart.sl_both_rosters": (
        "Service level per interval, both rosters",
        "两个排班的各时段服务水平",
    ),
    "chart.sl_target": ("target {target}", "目标 {target}"),
    "chart.no_call_data": (
        "the mean over replications of each interval's percentiles; the shaded band "
        "spans the 50th to the 95th",
        "各次仿真中各时段百分位的均值；阴影为第 50 至第 95 百分位",
    ),
    "chart.waits_by_interval": (
        "{scenario}: waiting time of answered calls per interval",
        "{scenario}：各时段接通呼叫的等待时长",
    ),
    "chart.wait_pct": ("{p}th percentile", "第 {p} 百分位"),
    "report.agent_hours": ("agent-hours on the floor", "在席工时"),
    "report.paid_hours": ("paid hours", "带薪工时"),
    "report.roster_cost": ("cost", "成本"),
}
MESSAGES.update({key: {"en": en, "zh": zh} for key, (en, zh) in _PLANNER.items()})

#: The classroom playground's words (`ccsim playground`, its web page), as (English,
#: Chinese); keys ``play.*``.
_PLAYGROUND: dict[str, tuple[str, str]] = {
    "title": ("ccsim classroom playground", "ccsim 课堂演练：排队现场"),
    "lesson": ("Lesson", "课程"),
    "play": ("Play", "播放"),
    "pause": ("Pause", "暂停"),
    "restart": ("Restart", "重新开始"),
    "speed": ("Speed", "速度"),
    "speed_value": ("{n} min per second", "每秒 {n} 分钟"),
    "clock": ("Time of day", "时刻"),
    "setting_a": ("Setting A", "方案 A"),
    "setting_b": ("Setting B", "方案 B"),
    "copy": ("Copy A to B", "复制 A 到 B"),
    "calls_per_hour": ("Calls per hour", "每小时呼入量"),
    "aht_s": ("Average handle time", "平均处理时长"),
    "agents": ("Agents: {group}", "座席员：{group}"),
    "patience_s": ("Callers' patience", "来电者平均耐心"),
    "never": ("never hang up", "从不挂断"),
    "self_service": ("IVR self-service share", "自助服务比例"),
    "pooled": ("Pool the teams into one", "合并为一个座席组"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "so_far": ("so far today", "当天截至此刻"),
    "whole_day": ("whole day", "全天"),
    "average": ("{n} days", "{n} 天"),
    "average_help": (
        "the mean of {n} simulated days, ± the half-width of its 95 % interval",
        "{n} 个仿真日的均值，± 为 95 % 置信区间的半宽",
    ),
    "updated": ("updated in {s} s", "{s} 秒完成更新"),
    "computing": ("computing...", "计算中..."),
    "same_callers": (
        "Both settings meet the same callers (same seed {seed}): what differs is what "
        "the setting changes.",
        "两个方案面对完全相同的来电（同一随机种子 {seed}）：差别只来自方案本身的改动。",
    ),
    "waiting": ("Waiting", "排队"),
    "abandoned": ("Abandoned", "放弃"),
    "agents_title": ("Agents", "座席员"),
    "busy": ("busy", "通话中"),
    "idle": ("idle", "空闲"),
    "on_break": ("on break", "休息"),
    "away": ("away", "不在岗"),
    "sl": ("SL", "服务水平"),
    "asa": ("ASA", "平均应答速度"),
    "abandon": ("Abandon", "放弃率"),
    "occupancy": ("Occupancy", "占用率"),
    "unit_s": ("s", "秒"),
    "unit_min": ("min", "分钟"),
    "unit_per_hour": ("per hour", "通/小时"),
    "unit_agents": ("agents", "名"),
    "language": ("中文", "English 英文"),
    "error": ("The server could not play this setting: {error}", "服务器无法运行该方案：{error}"),
    "engine": ("engine: {engine}, seed {seed}", "引擎：{engine}，随机种子 {seed}"),
    "serving": (
        "ccsim playground: {n} lesson(s), open {url}  (Ctrl+C stops it)",
        "ccsim 课堂演练：{n} 堂课，请打开 {url}（按 Ctrl+C 停止）",
    ),
    "open_network": (
        "warning: listening on {host}: anyone on this network can open the page and run "
        "simulations on this computer; use it only on a network you trust",
        "警告：正在 {host} 上监听：同一网络中的任何人都能打开此页面并在本机运行仿真；"
        "只在可信的网络中使用",
    ),
    "stopped": ("stopped", "已停止"),
}
MESSAGES.update({f"play.{key}": {"en": en, "zh": zh} for key, (en, zh) in _PLAYGROUND.items()})

#: Scenario fields and values in words, for what-if changes shown to people
#: (`ccsim.outputs.changes`: "team: agents" instead of agent_groups.team.agents), as
#: (English, Chinese); keys ``field.*``.
_FIELDS: dict[str, tuple[str, str]] = {
    "ivr_node": ("IVR node {name}", "语音菜单 {name}"),
    "scale_arrivals": ("arrivals ×", "来电量倍数"),
    "agents": ("agents", "座席员人数"),
    "agents_per_interval": ("agents per interval", "各时段座席员人数"),
    "handle_time": ("AHT", "平均处理时长"),
    "handle_time_factor": ("AHT factor", "处理时长系数"),
    "wrap_up": ("after-call work", "话后处理"),
    "patience": ("patience", "耐心时长"),
    "mean": ("mean", "均值"),
    "cv": ("cv", "变异系数"),
    "dist": ("distribution", "分布"),
    "arrivals": ("arrivals", "来电"),
    "rate": ("arrival rate", "来电速率"),
    "volumes": ("call volumes", "来电量"),
    "service_level": ("service level", "服务水平"),
    "threshold": ("threshold", "阈值"),
    "target": ("target", "目标"),
    "definition": ("definition", "口径"),
    "offered": ("of offered calls", "按呼入量"),
    "answered": ("of answered calls", "按接通量"),
    "exclude_short_abandons": ("short abandons excluded", "不计短时放弃"),
    "short_abandons_as_met": ("short abandons as met", "短时放弃计为达标"),
    "branches": ("branches", "分支"),
    "self_service": ("self-service", "自助服务"),
    "hang_up": ("hang up", "挂断"),
    "shrinkage": ("shrinkage", "缩减率"),
    "reserve": ("reserve", "预留座席"),
    "skills": ("skills", "技能"),
    "priority": ("priority", "优先级"),
    "trunks": ("trunks", "中继线"),
    "shifts": ("shifts", "班次"),
    "duration": ("duration", "时长"),
    "exponential": ("exponential", "指数分布"),
    "lognormal": ("lognormal", "对数正态分布"),
    "deterministic": ("fixed", "定值"),
    "gamma": ("gamma", "伽马分布"),
    "uniform": ("uniform", "均匀分布"),
    "weibull": ("Weibull", "韦布尔分布"),
}
MESSAGES.update({f"field.{key}": {"en": en, "zh": zh} for key, (en, zh) in _FIELDS.items()})

#: The text tables of the commands that had none in Chinese (compare, sweep, staff,
#: schedule, forecast …), as (English, Chinese); keys ``<command>.*``.
_COMMAND_TEXT: dict[str, tuple[str, str]] = {
    "compare.base_line": ("base: {name}", "基准方案：{name}"),
    "compare.alt_line": ("alt:  {name}", "备选方案：{name}"),
    "compare.paired": (
        "{n} paired replication(s), seed {seed} (common random numbers)",
        "{n} 次配对重复仿真，随机种子 {seed}（公共随机数）",
    ),
    "compare.base": ("base", "基准"),
    "compare.alt": ("alt", "备选"),
    "compare.diff": ("difference [95% CI]", "差值 [95% 置信区间]"),
    "compare.width_ratio": ("CI width vs unpaired", "置信区间宽度（对比非配对）"),
    "compare.interval_title": ("{kpi} per interval", "分时段{kpi}"),
    "cli.wrote": ("wrote {path}", "已写入 {path}"),
    "btc.sl": ("Service level", "服务水平"),
    "btc.asa": ("ASA (s)", "平均应答速度（秒）"),
    "btc.abandon": ("Abandon rate", "放弃率"),
    "btc.answered": ("Answered calls", "接通量"),
    "btc.title": (
        "Back-test: {n} real day(s) against {reps} replications; "
        "{inside} of {pairs} day × KPI pairs inside the 95 % range",
        "回测：{n} 个真实日对比 {reps} 次重复模拟；"
        "{pairs} 个“日 × 指标”组合中有 {inside} 个落在 95% 范围内",
    ),
    "btc.range": ("simulated 95 % range", "模拟 95% 范围"),
    "btc.sim_mean": ("simulated mean", "模拟均值"),
    "btc.real_days": ("real days", "各真实日"),
    "btc.real_mean": ("real mean", "真实均值"),
    "btc.panel": (
        "{label}: real day inside on {inside} of {days} days",
        "{label}：{days} 天中有 {inside} 天真实值落在范围内",
    ),
    "warmup.compiling": (
        "compiling the fast engine, once, ~{seconds} s",
        "正在编译快速引擎（仅此一次，约 {seconds} 秒）",
    ),
    "warmup.compiled": (
        "compiled and cached in {seconds:.1f} s",
        "已编译并缓存，用时 {seconds:.1f} 秒",
    ),
    "warmup.cached": (
        "the fast engine was already compiled (loaded in {seconds:.1f} s)",
        "快速引擎此前已编译（载入用时 {seconds:.1f} 秒）",
    ),
    "staff.head": (
        "{name}: staffing for {goal}\n{n} replications, seed {seed} (check on fresh "
        "numbers: seed {check_seed}); {sims} simulations in {steps} step(s){converged}\n",
        "{name}：满足 {goal} 的人员需求\n{n} 次重复仿真，随机种子 {seed}（用新随机数复核："
        "随机种子 {check_seed}）；{steps} 步共 {sims} 次仿真{converged}\n",
    ),
    "staff.not_converged": (" (NOT converged)", "（未收敛）"),
    "staff.goal_sl": (
        "SL {target}/{threshold}s ({definition})",
        "服务水平 {target}/{threshold}s（{definition}）",
    ),
    "staff.goal_abandon": (", abandon rate <= {value}%", "，放弃率 ≤ {value}%"),
    "staff.goal_mean": (
        ", in expectation (mean over replications)",
        "，按期望值（各次重复仿真的均值）",
    ),
    "staff.goal_confidence": (
        ", met in >= {value}% of replications",
        "，至少 {value}% 的重复仿真达标",
    ),
    "staff.col_group": ("group", "座席组"),
    "staff.col_interval": ("interval", "时段"),
    "staff.col_load": ("load", "话务量"),
    "staff.col_erlang": ("Erlang", "Erlang 人数"),
    "staff.col_sim": ("sim", "仿真"),
    "staff.col_diff": ("diff", "差"),
    "staff.col_sl": ("SL", "服务水平"),
    "staff.col_ci": ("  95% CI", "  95% 置信区间"),
    "staff.col_abandon": ("aband.", "放弃率"),
    "staff.col_p_met": ("P(met)", "达标概率"),
    "staff.col_check_sl": ("check SL", "复核服务水平"),
    "staff.col_erlang_sl": ("Erlang SL", "Erlang 服务水平"),
    "staff.misses": ("misses", "未达标"),
    "staff.totals": (
        "agent hours: Erlang {erlang}, simulated {sim}; the Erlang staffing misses the goal "
        "in {erlang_misses} interval(s), the simulated one in {sim_misses}",
        "座席工时：Erlang {erlang}，仿真 {sim}；Erlang 排班有 {erlang_misses} 个时段未达目标，"
        "仿真排班有 {sim_misses} 个",
    ),
    "staff.note": ("note: {note}", "注：{note}"),
    "sched.head": (
        "{name}: shifts for group {group} from {source}",
        "{name}：座席组 {group} 的班次，模板来自 {source}",
    ),
    "sched.requirement": (
        "requirement: {source}; time grid {slot}",
        "人员需求：{source}；时间粒度 {slot}",
    ),
    "sched.solver": (
        "solver: {solver}, {status}, objective {objective}, gap {gap}, {time} s, "
        "{variables} variables, {constraints} constraints",
        "求解器：{solver}，{status}，目标值 {objective}，差距 {gap}，{time} 秒，"
        "{variables} 个变量，{constraints} 个约束",
    ),
    "sched.status_optimal": ("optimal", "最优"),
    "sched.status_time_limit": ("time limit", "达到时间上限"),
    "sched.status_feasible": ("feasible", "可行"),
    "sched.status_within_gap": ("within gap", "在差距范围内"),
    "sched.status_infeasible": ("infeasible", "不可行"),
    "sched.col_template": ("template", "班次模板"),
    "sched.col_start": ("start", "开始"),
    "sched.col_interval": ("interval", "时段"),
    "sched.col_end": ("end", "结束"),
    "sched.col_breaks": ("breaks", "休息"),
    "sched.col_agents": ("agents", "人数"),
    "sched.col_cost": ("cost", "成本"),
    "sched.unpaid": ("unpaid", "无薪"),
    "sched.total": (
        "total: {agents} agents, cost {cost} (baseline, full-time shifts placed greedily: "
        "{base_agents} agents, {base_cost}; {saved}% saved)",
        "合计：{agents} 名座席员，成本 {cost}（基准：贪心排布的全职班次 {base_agents} 名，"
        "{base_cost}；节省 {saved}%）",
    ),
    "sched.col_required": ("required", "需求"),
    "sched.col_planned": ("planned", "计划"),
    "sched.col_scheduled": ("scheduled", "排班"),
    "sched.col_available": ("available", "可用"),
    "sched.col_over_under": ("over/under", "多/缺"),
    "sched.col_sl": ("SL", "服务水平"),
    "sched.col_ci": ("95% CI", "95% 置信区间"),
    "sched.col_target": ("target", "目标"),
    "sched.met": ("met", "达标"),
    "sched.missed": ("MISSED", "未达标"),
    "sched.none": ("none", "无"),
    "sched.round": (
        "round {n}: cost {cost}, {agents} agents, solver {status}; below target: {missed}",
        "第 {n} 轮：成本 {cost}，{agents} 名座席员，求解器{status}；未达标时段：{missed}",
    ),
    "sched.verified": (
        "verified: the simulation ({n} replications, seed {seed}) meets the target in "
        "every interval",
        "已验证：仿真（{n} 次重复仿真，随机种子 {seed}）在每个时段都达到目标",
    ),
    "sched.not_verified": (
        "NOT verified: after {rounds} round(s) the simulation still misses the target at "
        "{missed} (try --rounds, or more replications)",
        "未通过验证：{rounds} 轮后仿真在 {missed} 仍未达标（可增加 --rounds 或重复仿真次数）",
    ),
    "wroster.head": (
        "{name}: weekly roster for group {group} from {source}",
        "{name}：座席组 {group} 的周排班，模板来自 {source}",
    ),
    "wroster.requirement": ("requirement: {source}", "需求：{source}"),
    "wroster.solver": (
        "solver: {solver}, {status}, objective {objective}, gap {gap}, dual bound {dual}, "
        "{time} s, {variables} variables, {constraints} constraints ({classes} kinds of "
        "working week)",
        "求解器：{solver}，{status}，目标值 {objective}，间隙 {gap}，对偶界 {dual}，"
        "{time} s，{variables} 个变量，{constraints} 个约束（{classes} 种工作周）",
    ),
    "wroster.col_agent": ("agent", "座席员"),
    "wroster.col_hours": ("hours", "工时"),
    "wroster.col_cost": ("cost", "成本"),
    "wroster.off": ("off", "休息"),
    "wroster.total": (
        "total: {agents} agents, {shifts} shifts, cost {cost}",
        "合计：{agents} 名座席员，{shifts} 个班次，成本 {cost}",
    ),
    "wroster.total_base": (
        " (baseline, day by day with fixed days off: {agents} agents, {shifts} shifts, "
        "{cost}; {saved}% saved)",
        "（基准：固定休息日、逐日排班 {agents} 名座席员，{shifts} 个班次，{cost}；节省 {saved}%）",
    ),
    "wroster.total_no_base": (" (baseline: {note})", "（基准：{note}）"),
    "wroster.baseline": ("baseline: {note}", "基准：{note}"),
    "wroster.verified": (
        "verified: the simulation of the week ({n} replications, seed {seed}) meets the "
        "target in every interval of every day",
        "已验证：全周仿真（{n} 次重复仿真，随机种子 {seed}）在每一天的每个时段都达到目标",
    ),
    "wroster.not_verified": (
        "NOT verified: after {rounds} round(s) {n} interval(s) still miss the target "
        "(listed above; try --rounds, or more replications)",
        "未通过验证：{rounds} 轮后仍有 {n} 个时段未达标（见上；可增加 --rounds 或重复仿真次数）",
    ),
    "cov.scheduled": ("scheduled (on shift)", "排班（在班）"),
    "cov.available": ("available (on the floor)", "可用（在岗）"),
    "cov.over": ("over (available − required)", "超出（可用 − 需求）"),
    "cov.under": ("under", "不足"),
    "cov.required": ("required", "需求"),
    "cov.planned": ("planned (shrinkage, absences, repairs)", "计划（含缩减、缺勤、修补）"),
    "cov.agents": ("agents", "座席员"),
    "cov.sim_sl": ("simulated service level", "仿真服务水平"),
    "cov.target": ("target {target}", "目标 {target}"),
    "cov.below": ("below target", "低于目标"),
    "cov.title": (
        "{name}: group {group}, agents on the floor vs required",
        "{name}：座席组 {group}，在岗人数与需求",
    ),
    "stchart.erlang": ("Erlang per interval", "逐时段 Erlang"),
    "stchart.required": ("simulated (required)", "仿真（所需人数）"),
    "stchart.load": ("offered load (Erlangs)", "话务量（爱尔兰）"),
    "stchart.difference": ("difference", "差值"),
    "stchart.sl_erlang": ("SL with Erlang staffing", "Erlang 排班的服务水平"),
    "stchart.sl_sim": ("SL with simulated staffing", "仿真排班的服务水平"),
    "stchart.misses": ("Erlang misses", "Erlang 未达标"),
    "stchart.title": (
        "{name}: agents needed per interval, Erlang vs simulation ({n} replications)",
        "{name}：各时段所需座席员，Erlang 与仿真对比（{n} 次重复仿真）",
    ),
    "fc.title": ("Forecast for {day} ({weekday})", "{day}（{weekday}）的来电量预测"),
    "fc.of_type": (", type {type}", "，呼叫类型 {type}"),
    "fc.total": (", {method}: {n} calls", "，{method}：共 {n} 通"),
    "fc.method_seasonal_average": ("seasonal_average", "同期平均法"),
    "fc.method_holt_winters": ("holt_winters", "霍尔特-温特斯法"),
    "fc.weekday0": ("Monday", "星期一"),
    "fc.weekday1": ("Tuesday", "星期二"),
    "fc.weekday2": ("Wednesday", "星期三"),
    "fc.weekday3": ("Thursday", "星期四"),
    "fc.weekday4": ("Friday", "星期五"),
    "fc.weekday5": ("Saturday", "星期六"),
    "fc.weekday6": ("Sunday", "星期日"),
    "fc.accuracy": (
        "\nAccuracy on {n} held-back days ({first} to {last}), each forecast from the days "
        "before it:",
        "\n预留 {n} 天（{first} 至 {last}）检验准确度，每天只用此前的数据预测：",
    ),
    "fc.scores": (
        "  WMAPE {wmape}   MAPE {mape}   naive 'same day last week' WMAPE {naive}",
        "  WMAPE {wmape}   MAPE {mape}   朴素预测（上周同日）WMAPE {naive}",
    ),
    "fc.zero": (
        "  ({n} held-back intervals had no calls: left out of MAPE, counted in WMAPE)",
        "  （{n} 个预留时段没有来电：不计入 MAPE，计入 WMAPE）",
    ),
    "fc.col_day": ("day", "日期"),
    "fc.col_actual": ("actual", "实际"),
    "fc.col_forecast": ("forecast", "预测"),
    "sweep.heading": (
        "{name} — {points} point(s) × {n} replication(s), seed {seed} (common random numbers)",
        "{name} — {points} 个方案 × {n} 次重复仿真，随机种子 {seed}（公共随机数）",
    ),
    "sweep.no_parquet": (
        "sweep.parquet skipped: pyarrow is not installed (pip install pyarrow)",
        "未写入 sweep.parquet：未安装 pyarrow（pip install pyarrow）",
    ),
    "cli.valid": (
        "{path}: ok — {name!r}, {types} call type(s), {groups} agent group(s), "
        "{intervals} intervals",
        "{path}：通过 — “{name}”，{types} 个呼叫类型，{groups} 个座席组，{intervals} 个时段",
    ),
    "cli.run_footer": (
        "{calls:,} calls in {seconds:.2f} s ({rate:,.0f} calls/s, {engine} engine, {backend})",
        "{calls:,} 通来电，用时 {seconds:.2f} 秒（每秒 {rate:,.0f} 通，{engine}，{backend}）",
    ),
    "cli.animate_wrote": (
        "wrote {path}: {frames} frames, {seconds} s of video at {fps} fps, {kb} KB, in "
        "{render} s (seed {seed}, replication {replication})",
        "已写入 {path}：{frames} 帧，视频 {seconds} 秒（每秒 {fps} 帧），{kb} KB，用时 {render} 秒"
        "（随机种子 {seed}，第 {replication} 次重复仿真）",
    ),
    "cli.engine_fast": ("fast", "编译引擎"),
    "cli.engine_simpy": ("simpy", "SimPy 引擎"),
}
MESSAGES.update({key: {"en": en, "zh": zh} for key, (en, zh) in _COMMAND_TEXT.items()})

#: The planning commands' notes (`ccsim.outputs.notes`): the English text is the
#: note's template as the code writes it; keys ``note.*``.
_NOTES: dict[str, tuple[str, str]] = {
    "erlang_model": ("{group}: Erlang {model}", "{group}：按 Erlang {model} 模型"),
    "model_a_mean": (
        "A (patience not exponential: Erlang A with its mean)",
        "A（耐心时长非指数分布：按其均值使用 Erlang A）",
    ),
    "zero": (
        "intervals without offered calls get 0 agents; any interval with calls at least 1",
        "没有来电的时段配 0 名座席员；有来电的时段至少 1 名",
    ),
    "warmup": (
        "warm-up intervals keep the Erlang staffing (they are not searched)",
        "预热时段沿用 Erlang 排班（不参与搜索）",
    ),
    "several_groups": (
        "several groups: the Erlang start splits each call type's load over the groups "
        "answering it first at its best priority; the search decides on the interval's "
        "SL over all call types",
        "多个座席组：Erlang 初始解把每个呼叫类型的话务量分给以最高优先级首先接听它的座席组；"
        "搜索按该时段全部呼叫类型的服务水平决定",
    ),
    "redials": (
        "Erlang start: redials, transfers and callbacks are not in the offered load",
        "Erlang 初始解：重拨、转接和回呼不计入话务量",
    ),
    "shrinkage": (
        "shrinkage: the simulated answer is scheduled agents (absences included); "
        "the Erlang answer is agents on the floor",
        "缩减率：仿真结果为排班人数（含缺勤）；Erlang 结果为在岗人数",
    ),
    "not_feasible": (
        "NOT FEASIBLE: some interval still missed the goal after {n} iterations; "
        "the table shows the last staffing tried",
        "无可行解：经过 {n} 次迭代仍有时段未达目标；表中为最后一次尝试的排班",
    ),
    "not_converged": (
        "stopped after {n} iterations: every interval meets the goal, but some may still "
        "be able to drop an agent",
        "{n} 次迭代后停止：各时段均达目标，但部分时段可能还能减少一名座席员",
    ),
    "rechecked": (
        "the check on fresh random numbers (seed {seed}) added agents where the first "
        "answer missed",
        "用新的随机数（随机种子 {seed}）复核时，在初次结果未达标的时段增加了座席员",
    ),
    "uncosted": (
        "templates without a cost are costed at 1 per paid hour (the group has no "
        "agent_hour): the schedule minimises paid hours",
        "未给出成本的班次模板按每计薪小时 1 计（座席组没有小时成本）：排班使计薪工时最少",
    ),
    "starts_left_out": (
        "template {name}: starts {starts} left out (the shift would not lie within the horizon)",
        "班次模板 {name}：开始时间 {starts} 被舍去（班次会超出时间范围）",
    ),
    "sim_staffing": (
        "simulation-based staffing (ccsim staff: {n} replications, seed {seed})",
        "基于仿真的人员需求（ccsim staff：{n} 次重复仿真，随机种子 {seed}）",
    ),
    "sim_staffing_nc": (
        "simulation-based staffing (ccsim staff: {n} replications, seed {seed}, not converged)",
        "基于仿真的人员需求（ccsim staff：{n} 次重复仿真，随机种子 {seed}，未收敛）",
    ),
    "erlang_source": ("Erlang C / A per interval", "逐时段 Erlang C / A"),
    "erlang_source_week": ("Erlang C / A per interval, each day", "逐日逐时段 Erlang C / A"),
    "given": ("given", "给定"),
    "from_file": ("from {path}", "来自 {path}"),
    # a weekly roster (ccsim.planning.week_problem, week_baseline)
    "week_unused": (
        "templates {names} belong to no contract: not used",
        "模板 {names} 不属于任何合同：未使用",
    ),
    "week_base": (
        "each day solved alone, days off fixed to cover it, then shifts day by day",
        "每天单独求解，据此固定休息日，再逐日排班",
    ),
    "week_base_margin": (
        "each day solved alone, days off fixed to cover it, {margin} more agent(s) a day "
        "per contract for the rest rules, then shifts day by day",
        "每天单独求解，据此固定休息日（为满足休息规则，每个合同每天多 {margin} 名座席员），"
        "再逐日排班",
    ),
    "week_base_stuck": (
        "each day solved alone, days off fixed to cover it; shifts day by day got stuck on "
        "{day} (rest or weekly hours), so they were solved for the week together",
        "每天单独求解并据此固定休息日；逐日排班在 {day} 受阻（休息或周工时规则），"
        "因此班次改为按全周一起求解",
    ),
    "week_base_margin_stuck": (
        "each day solved alone, days off fixed to cover it, {margin} more agent(s) a day "
        "per contract for the rest rules; shifts day by day got stuck on {day} (rest or "
        "weekly hours), so they were solved for the week together",
        "每天单独求解并据此固定休息日（为满足休息规则，每个合同每天多 {margin} 名座席员）；"
        "逐日排班在 {day} 受阻（休息或周工时规则），因此班次改为按全周一起求解",
    ),
    "week_base_none": (
        "no roster with days off fixed, even with {n} more agents a day",
        "即使每天多 {n} 名座席员，固定休息日后也没有可行的排班",
    ),
    "week_base_not_built": ("not built", "未生成"),
}
MESSAGES.update({f"note.{key}": {"en": en, "zh": zh} for key, (en, zh) in _NOTES.items()})

#: `ccsim calibrate`'s fit report (`ccsim.outputs.calibration_text.format_report`) and `ccsim
#: backtest`'s verdict (`ccsim.data.backtest`): keys ``cal.*`` and ``bt.*``.
_CALIBRATION: dict[str, tuple[str, str]] = {
    "cal.header": (
        "calibrated from {source}: {calls} calls over {days} day(s)",
        "校准数据来源 {source}：{calls} 通来电，共 {days} 天",
    ),
    "cal.dates": (" ({first} … {last})", "（{first} 至 {last}）"),
    "cal.horizon": (
        ", {start}–{end} in {minutes:g}-min intervals",
        "，{start}–{end}，每 {minutes:g} min 一个时段",
    ),
    "cal.dropped": ("dropped", "已剔除"),
    "cal.skipped": ("skipped (bad)", "已跳过（无法读取）"),
    "cal.corrected": ("corrected", "已更正"),
    "cal.count": ("  {what}: {total} row(s)", "  {what}：{total} 行"),
    "cal.type": ("\n{type}: {offered:g} offered per day", "\n{type}：每天呼入量 {offered:g}"),
    "cal.handle": (
        "  handle time: n={n}, sample mean {mean:g}s cv {cv:g}; chosen {chosen} (lowest AIC)",
        "  处理时长：样本数 {n}，样本均值 {mean:g}s，变异系数 {cv:g}；选用{chosen}（AIC 最低）",
    ),
    "cal.no_patience": (
        "  patience: no abandoned calls — none written (nobody abandons)",
        "  耐心：没有放弃的来电 — 未写入耐心（无人放弃）",
    ),
    "cal.why_survival": (
        "the Kaplan–Meier curve: the best fit strays from it",
        "Kaplan–Meier 曲线：最佳拟合偏离该曲线",
    ),
    "cal.why_aic": ("lowest AIC, close to Kaplan–Meier", "AIC 最低，且接近 Kaplan–Meier"),
    "cal.patience": (
        "  patience: {abandoned} abandoned (exact), {censored} answered (censored: patience > "
        "wait); chosen {chosen} ({why})",
        "  耐心：{abandoned} 通放弃（精确值），{censored} 通接通（删失：耐心 > 等待时长）；"
        "选用{chosen}（{why}）",
    ),
    "cal.km_gap": (
        "    best fit vs Kaplan–Meier: sup |ΔS| {gap:g} up to {up_to:g}s (95th percentile "
        "wait); poor above {bound:g}",
        "    最佳拟合与 Kaplan–Meier 之差：{up_to:g}s（等待时长第 95 百分位）以内最大 |ΔS| 为 "
        "{gap:g}；超过 {bound:g} 即为欠佳",
    ),
    "cal.curve": (
        "    survival curve written: {knots} knots up to {last:g}s, then an exponential tail "
        "of mean {tail:g}s (the hazard of the latest quarter of the data); its mean {mean:g}s, "
        "{share:.0%} of it from the tail",
        "    已写入生存曲线：{last:g}s 以内 {knots} 个节点，之后为均值 {tail:g}s 的指数尾部"
        "（取数据最后四分之一的风险率）；曲线均值 {mean:g}s，其中 {share:.0%} 来自尾部",
    ),
    "cal.km": (
        "    Kaplan–Meier: median {median}s, restricted mean {rmean:g}s up to {up_to:g}s; ",
        "    Kaplan–Meier：中位数 {median}s，{up_to:g}s 以内的限制均值 {rmean:g}s；",
    ),
    "cal.naive": (
        "    naive mean wait of abandoned calls: {naive:g}s (biased low: it ignores the "
        "callers who were answered before giving up)",
        "    放弃来电的朴素平均等待时长：{naive:g}s（偏低：忽略了在放弃之前已被接通的客户）",
    ),
    "cal.busyness": (
        "\nbusyness (day-to-day variation): cv {cv:g} from {days} days — daily calls "
        "{mean:g} ± {sd:g} (Poisson alone: ± {psd:g})",
        "\n话务量日间波动：变异系数 {cv:g}，基于 {days} 天 — 每日来电 {mean:g} ± {sd:g}"
        "（仅泊松波动：± {psd:g}）",
    ),
    "cal.ivr": (
        "\nIVR: {calls} calls, self-service share {share:g} over the day ({mix} mix)",
        "\nIVR：{calls} 通来电，全天自助服务比例 {share:g}（{mix}）",
    ),
    "cal.mix.by_interval": ("by_interval", "按时段的组合"),
    "cal.mix.day": ("day", "全天组合"),
    "cal.by_hour": (
        "\nby hour (shares pooled toward the day where an hour has few calls):",
        "\n按小时（来电少的小时，其比例向全天值收缩）：",
    ),
    "cal.col_hour": ("  hour    queued", "  小时      排队"),
    "cal.col_ivr": ("   IVR  self-served", "   IVR         自助"),
    "cal.col_type": ("  {type:>12} share  AHT s", "  {type:>12}  比例  AHT s"),
    "cal.staffing": ("\nstaffing: {how}", "\n座席员人数：{how}"),
    "cal.how_file": ("the staffing file given (--staffing)", "给定的排班文件（--staffing）"),
    "cal.how_sessions": (
        "agents logged in: an agent's calls less than {gap:g} min apart form one session from "
        "the first answer to the last end; agent-seconds of sessions per interval / interval "
        "length, rounded up (at least the busy agents)",
        "已登录的座席员：同一座席员相隔不足 {gap:g} min 的来电构成一次登录，从首次应答到最后"
        "结束；每时段登录的座席员秒数 ÷ 时段长度，向上取整（不少于忙碌的座席员数）",
    ),
    "cal.how_floor": (
        "busy while waiting: while callers wait, a work-conserving center has no idle agent, "
        "so the agents busy then are on the floor — per day and interval the mean busy over "
        "the seconds someone waited (>= {min_wait:g} s of waiting), median over days, rounded; "
        "intervals where nobody waited: the peak busy (a lower bound). Exact for one pool of "
        "agents serving every queue; low when after-call work is not in the logged service "
        "times or agents serve only some queues; within ±1 agent on simulated logs "
        "(docs/calibration.md)",
        "有客户等待时的忙碌座席员：客户等待时，不留空闲的中心没有空闲座席员，此时忙碌的座席员"
        "即在岗人数 — 每天每时段取有客户等待（至少 {min_wait:g} s）的各秒忙碌人数的均值，"
        "再取各天中位数并取整；无人等待的时段取忙碌人数峰值（下限）。一组座席员服务所有队列时"
        "准确；话后处理不在记录的服务时长中或座席员只服务部分队列时偏低；在仿真记录上误差在 "
        "±1 名座席员以内（docs/calibration.md）",
    ),
    "cal.busy_waiting": (
        "  busy while waiting (median over days; days with waiting): ",
        "  有客户等待时忙碌的座席员（各天中位数；括号内为有等待的天数）：",
    ),
    "cal.note": ("note: {note}", "说明：{note}"),
    "cal.not_supported": (
        " (NOT supported: extrapolated past the longest wait)",
        "（无数据支持：外推超出最长等待时长）",
    ),
    "cal.fit": (
        "    {dist:<11} mean {mean:g}s{se} cv {cv:g} ({params}); AIC {aic:.1f}{ks}",
        "    {dist:<11} 均值 {mean:g}s{se}，变异系数 {cv:g}（{params}）；AIC {aic:.1f}{ks}",
    ),
    "cal.dist.exponential": ("exponential", "指数分布"),
    "cal.dist.gamma": ("gamma", "伽马分布"),
    "cal.dist.lognormal": ("lognormal", "对数正态分布"),
    "cal.dist.weibull": ("weibull", "韦布尔分布"),
    "cal.dist.survival": ("survival", "生存曲线"),
    "cal.param.mean": ("mean", "均值"),
    "cal.param.shape": ("shape", "形状"),
    "cal.param.scale": ("scale", "尺度"),
    "cal.param.mu": ("mu", "对数均值 μ"),
    "cal.param.sigma": ("sigma", "对数标准差 σ"),
    "cal.note.bad_rows": ("{n} bad row(s) skipped", "跳过了 {n} 行无法读取的数据"),
    "cal.note.no_abandons": (
        "{type}: no abandoned calls, so no patience (nobody abandons)",
        "{type}：没有放弃的来电，因此没有耐心（无人放弃）",
    ),
    "cal.note.few_days": (
        "{n} day(s): too few to estimate busyness (day-to-day variation)",
        "{n} 天：天数太少，无法估计话务量的日间波动",
    ),
    "cal.note.no_agent_ids": (
        "no agent ids: sessions cannot be formed; busy-while-waiting used",
        "没有座席员编号：无法构成登录时段；改用有客户等待时的忙碌座席员数",
    ),
    "cal.note.no_ivr_end": (
        "IVR: no IVR end times, so an IVR time of 0",
        "IVR：没有 IVR 结束时间，因此 IVR 时长为 0",
    ),
    "bt.title.service_level": ("SL", "服务水平"),
    "bt.title.asa_s": ("ASA", "平均应答速度"),
    "bt.title.abandon_rate": ("Abandon", "放弃率"),
    "bt.title.answered": ("Answered", "接通量"),
    "bt.title.occupancy": ("Occupancy", "占用率"),
    "bt.title.offered": ("Offered", "呼入量"),
    "bt.days_header": (
        "back-test over {n} day(s): each real day against the 95 % range of {reps} "
        "replications (seed {seed}); * = outside",
        "回测 {n} 天：每个真实日对照 {reps} 次重复仿真的 95% 范围（随机种子 {seed}）；* = 超出范围",
    ),
    "bt.col_day": ("day", "日期"),
    "bt.range": ("range 95 %", "95% 范围"),
    "bt.day_verdict": (
        "{title}: the real day inside the range on {inside} of {days} days",
        "{title}：{days} 天中有 {inside} 天的真实值在范围内",
    ),
    "bt.all": (
        "all: {inside} of {pairs} day × KPI pairs inside ({share:.0%})",
        "合计：{pairs} 个“日 × KPI”组合中有 {inside} 个在范围内（{share:.0%}）",
    ),
    "bt.worst": (
        "intervals where fewer than 80 % of days are inside: ",
        "在范围内的天数不足 80% 的时段：",
    ),
    "bt.occupancy": ("occupancy: {text}", "占用率：{text}"),
    "bt.occ_measured": ("measured against the staffing file", "按排班文件测量"),
    "bt.occ_not_measured": (
        "not measured: a call log does not say how many agents were logged in "
        "(give --staffing FILE to measure it)",
        "未测量：呼叫记录不含登录的座席员人数（用 --staffing 给出排班文件即可测量）",
    ),
    "bt.header": (
        "back-test: measured / simulated mean over {reps} replications (seed {seed}); SL at "
        "{threshold:g}s ({definition}); * = measured outside the replications' 95 % range",
        "回测：实测值 / {reps} 次重复仿真的均值（随机种子 {seed}）；服务水平阈值 {threshold:g}s"
        "（{definition}）；* = 实测值超出重复仿真的 95% 范围",
    ),
    "bt.col_interval": ("interval", "时段"),
    "bt.col_whole_day": ("day", "全天"),
    "bt.fit": (
        "{title}: measured within the 95 % range in {share:.0%} of {n} intervals; mean "
        "absolute error {mae}{mape}",
        "{title}：{n} 个时段中 {share:.0%} 的实测值在 95% 范围内；平均绝对误差 {mae}{mape}",
    ),
}
MESSAGES.update({key: {"en": en, "zh": zh} for key, (en, zh) in _CALIBRATION.items()})

#: A week (a scenario whose horizon names days): ``ccsim run``'s per-day table, the
#: week report, its heatmap and the week sheet (``week.*``).
_WEEK: dict[str, tuple[str, str]] = {
    "week.day": ("day", "日期"),
    "week.week": ("week", "全周"),
    "week.closed": ("closed", "停业"),
    "week.title": ("Week report", "周报告"),
    "week.header": (
        "{name}: {days} days, {reps} replications, seed {seed}",
        "{name}：{days} 天，{reps} 次重复仿真，随机种子 {seed}",
    ),
    "week.calls_in": (
        "{calls:,} calls in {seconds:.2f} s",
        "{calls:,} 通来电，用时 {seconds:.2f} 秒",
    ),
    "week.heatmap_title": (
        "{scenario}: service level by day and interval (target {target})",
        "{scenario}：各日各时段的服务水平（目标 {target}）",
    ),
    "week.no_value": ("closed, or no calls", "停业或无来电"),
    "week.sec.summary": ("The week", "本周概况"),
    "week.sec.heatmap": ("Service level by day and interval", "各日各时段的服务水平"),
    "week.sec.days": ("Daily totals", "每日合计"),
    "week.sec.cost": ("Agent-hours and cost", "座席工时与成本"),
    "week.sec.call-types": ("The week per call type", "全周按呼叫类型"),
    "week.sec.comparison": ("Comparison, per day and for the week", "方案对比：逐日与全周"),
    "week.open_days": ("Open days", "营业日"),
    "week.closed_days": ("Closed days", "停业日"),
    "week.sl_goal": ("Service-level goal", "服务水平目标"),
    "week.replications": ("Replications", "重复仿真次数"),
    "week.seed": ("Random seed", "随机种子"),
    "week.note": (
        "Each day is its own run (means over the replications). The week's counts, hours "
        "and costs are the sums of its days; its rates (service level, abandon rate, "
        "occupancy) are ratios of the days' totals.",
        "每天单独仿真（各次重复仿真的均值）。全周的呼叫量、工时与成本为各日之和；"
        "全周的比率（服务水平、放弃率、占用率）为各日合计之比。",
    ),
    "week.sweep_header": (
        "{kpi} of the week per point: {reps} replications, seed {seed}",
        "各方案全周的{kpi}：{reps} 次重复仿真，随机种子 {seed}",
    ),
    "week.col_paid_hours": ("paid h", "计薪小时"),
    "week.staff_totals": (
        "The week: {erlang} agent-hours by Erlang, {sim} simulated",
        "全周：按 Erlang 计 {erlang} 座席工时，仿真所需 {sim} 座席工时",
    ),
    "fc.week_title": (
        "Forecast for the week {first} to {last}",
        "{first} 至 {last} 一周的来电量预测",
    ),
    "fc.total_row": ("total", "合计"),
    "fc.week_no_history": (
        "  no history on the weekday of {days}: no rows for it (a closed day)",
        "  历史数据中没有 {days} 对应的星期：不输出该日（停业日）",
    ),
    "fc.week_lead": (
        "  (held-back days each forecast a week ahead, as the week's last day is)",
        "  （每个保留日均提前一周预测，与本周最后一天相同）",
    ),
}
MESSAGES.update({key: {"en": en, "zh": zh} for key, (en, zh) in _WEEK.items()})


class ChineseFontMissing(UserWarning):
    """No font with Chinese glyphs was found: Chinese labels would be empty boxes."""


def check_lang(lang: str | None) -> str:
    """``lang`` if it is one of `LANGS` (``None`` is English), else `ValueError`."""
    if lang is None:
        return "en"
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}")
    return lang


def tr(key: str, lang: str = "en", **fields: object) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` placeholders filled from
    ``fields``. An unknown key is a `KeyError` (every key has every language)."""
    text = MESSAGES[key][check_lang(lang)]
    return text.format(**fields) if fields else text


def kpi_label(kpi: str, lang: str = "en") -> str:
    """The name of a KPI (``"service_level"`` -> Service level / 服务水平); a KPI
    without an entry keeps its identifier, with spaces for underscores."""
    entry = MESSAGES.get(f"kpi.{kpi}")
    return entry[check_lang(lang)] if entry else kpi.replace("_", " ")


# --------------------------------------------------------------------------- fonts


def _mplfonts_file() -> Path | None:
    """Noto Sans CJK SC as shipped in the mplfonts wheel (found without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=4)
def _find_cjk_font(env_path: str | None) -> str | None:
    from matplotlib import font_manager

    candidates = [Path(env_path)] if env_path else []
    shipped = _mplfonts_file()
    if shipped is not None:
        candidates.append(shipped)
    for path in candidates:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in SYSTEM_CJK_FAMILIES if family in installed), None)


def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, registered with matplotlib, or
    ``None``: the file in ``CCSIM_CJK_FONT``, else mplfonts' Noto Sans CJK SC, else
    the first of `SYSTEM_CJK_FAMILIES` installed."""
    return _find_cjk_font(os.environ.get(FONT_ENV) or None)


MISSING_FONT_MESSAGE = (
    "no font with Chinese glyphs found, Chinese labels will show as empty boxes: "
    "install mplfonts (pip install mplfonts, it ships Noto Sans CJK SC) or a system "
    "font such as Noto Sans CJK (Debian: apt-get install fonts-noto-cjk), or set "
    f"{FONT_ENV}=/path/to/a/chinese/font.otf"
)


def font_families(lang: str = "en") -> list[str]:
    """matplotlib's ``font.family`` for ``lang``: in Chinese the Chinese font first
    (DejaVu Sans behind it for the few symbols it lacks); in English DejaVu Sans
    first, the Chinese font behind it so Chinese names (a group called 热线) still
    render. Warns `ChineseFontMissing` for Chinese without a font."""
    font = cjk_font()
    if font is None:
        if check_lang(lang) == "zh":
            warnings.warn(MISSING_FONT_MESSAGE, ChineseFontMissing, stacklevel=3)
        return ["DejaVu Sans"]
    return [font, "DejaVu Sans"] if check_lang(lang) == "zh" else ["DejaVu Sans", font]


@contextlib.contextmanager
def use_font(lang: str = "en") -> Iterator[None]:
    """Within the block, matplotlib draws text in `font_families` (``lang``).

    Fonts are fixed when a text is created, and tick labels are created when a
    figure is first drawn: build the figure *and* draw it (``savefig`` or
    ``fig.draw_without_rendering()``) inside the block. ccsim's chart functions
    do this themselves.
    """
    from matplotlib import rc_context

    with rc_context({"font.family": font_families(lang), "axes.unicode_minus": False}):
        yield
