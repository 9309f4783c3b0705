"""Every user-facing string of the dashboards in one place, in English and Chinese. A session shows
them side by side (the default, as the center's managers read them), or in one language: the
sidebar's language switch, its default from DASHBOARD_LANGUAGE (both, en or zh)."""

from __future__ import annotations

import os
import re

from dashboards.metrics import catalogue

LABELS: dict[str, str] = {
    # metrics
    "inbound": "Inbound 呼入总数",
    "ivr_contained": "IVR self-service 自助服务量",
    "offered": "Offered 人工呼入",
    "answered": "Connected 接通",
    "abandoned": "Abandoned 放弃",
    "short_abandoned": "Short abandons 短时放弃",
    "abandon_base": "Offered less short abandons 人工呼入(不含短时放弃)",
    "service_level_base": "Answered + abandoned 接通+放弃",
    "sla_base": "Resolved with a target 有时限已解决",
    "nps": "NPS 净推荐值",
    "phone_hours": "Phone time (h:mm) 通话时长",
    "qa_score": "QA score 质检成绩",
    "phone_orders": "Phone orders 电话订购",
    "agents_handling": "Agents handling 在线坐席",
    "required_agents": "Required agents (Erlang C) 需求坐席",
    "staffing_title": "Staffing: required vs handling 人力需求与实际",
    # columns of the tables
    "agent_id": "Agent ID 工号",
    "agent_name": "Name 姓名",
    "district_name_zh": "District 区域",
    "rank": "Rank 排名",
    "change": "Change 变化",
    "is_over_phone_cap": "Over 6 h 超时",
    "repeat_calls": "Repeat calls 重复来电",
    "unresolved_calls": "Unresolved calls 未解决来电",
    "share": "Share 占比",
    "reason_code": "Reason code 原因代码",
    "reason_name_zh": "Reason 原因",
    "reason_name_en": "Reason (English)",
    "department_name_zh": "Department 责任部门",
    "department_name_en": "Department (English)",
    "call_id": "Call ID 呼叫编号",
    # The same caller, the same code: the first 8 characters of the caller key (docs/metrics.md).
    "caller": "Caller (code) 来电人代码",
    "wait_seconds": "Wait (s) 等待",
    "handle_seconds": "Handle (s) 处理",
    "ticket_id": "Ticket 工单",
    "created": "Created 新建",
    "resolved": "Resolved 已处理",
    "resolved_within_target": "In time 及时",
    "resolved_late": "Late 超时",
    "open_past_target": "Open past target 超时未结",
    "still_open": "Open 未结",
    "target_hours": "Target (h) 时限",
    "compliance_target": "Compliance target 及时率目标",
    "callbacks_expected": "Callbacks due 应回访",
    "callbacks_made": "Called back 已回访",
    "callback_satisfied": "Satisfied 满意",
    "callback_unsatisfied": "Unsatisfied 不满意",
    "callback_answered": "Callbacks answered 回访有效",
    "created_at": "Created (UTC) 建单时间",
    "hours_open": "Open (h) 已开",
    "sample_number": "No. 序号",
    "evaluations": "Evaluations 质检数",
    "fatal_errors": "Fatal errors 致命错误",
    "evaluation_id": "Evaluation 质检编号",
    "evaluator_id": "Evaluator 质检员",
    "evaluated_date": "Evaluated 质检日期",
    "raw_score": "Score as given 原始分",
    "static_points": "Rank points 名次分",
    "dynamic_points": "Progress points 进步分",
    "total_points": "Total 总分",
    "place": "Place 名次",
    "places_gained": "Places gained 名次变化",
    "tiers": "Tiers 档次",
    "peer_group": "Group 考核组",
    "month_start": "Month 月份",
    "is_fcr_final": "FCR final 首解已定",
    "interval_start": "Interval 时段",
    "weekday": "Weekday (1 = Mon) 星期",
    "answered_within_sl": "Within 20 s 20秒内接通",
    "sl_base": "Answered + abandoned",
    "surveys_sent": "Surveys sent 发送",
    "survey_responses": "Responses 参评",
    "csat_scored": "Scored 有评分",
    "csat_satisfied": "Satisfied 满意",
    "nps_responses": "NPS responses",
    "nps_promoters": "Promoters 推荐者",
    "nps_detractors": "Detractors 贬损者",
    "source": "Source 来源",
    "file_path": "File 文件",
    "status": "Status 状态",
    "layout": "Layout 格式",
    "encoding": "Encoding 编码",
    "rows_read": "Rows read 读取",
    "rows_accepted": "Accepted 接收",
    "rows_rejected": "Rejected 拒收",
    "rows_duplicate": "Duplicates 重复",
    "source_lines": "Lines (switch files) 原始行数",
    "lines_held": "Lines held for next file 待续行",
    "is_accounted_for": "Accounted for 已核对",
    "message": "Note 说明",
    "loaded_at": "Loaded (UTC) 加载时间",
    "rule": "Rule 规则",
    "files": "Files 文件数",
    "example": "Example 示例",
    "example_values": "Example values 示例值",
    "label": "Label",
    "cumulative_share": "Cumulative share of unresolved calls 累计占比",
    # titles, notes and messages of the pages
    "scope_center": "Center 中心",
    "scope_team": "Team 班组",
    "ranking": "Ranking 排名",
    "phone_cap_title": "Phone time over the cap 通话超时 (> 6 h/day)",
    "phone_cap_none": "No agent over the phone-time cap in this period. 无超时坐席。",
    "agent_trend": "One agent's trend 坐席趋势",
    "appraisal_title": "Monthly appraisal 月度考核 (A–E)",
    "last_refresh": "Last refresh 最近刷新",
    "last_failure": "Last failure 最近失败",
    "none": "none 无",
    "files_title": "Files 文件",
    "rejected_title": "Rejected rows by rule 拒收行（按规则）",
    "rejected_none": "No row rejected. 无拒收行。",
    "queue_note": "Queue figures count queue passes (a transferred call counts in both queues); each queue is coloured by its own target where it has one. 技能组按段统计，按本组目标着色。",
    "heatmap_title": "Weekday × time of day 周内时段热力图",
    "intraday_title": "Intraday 日内曲线",
    "trends_title": "30-day trends 近30天趋势",
    "qa_sample_title": "QA sample 质检抽样 (7 calls per agent, reproducible)",
    "fatal_title": "Fatal errors 致命错误",
    "fatal_none": "No fatal error in this period. 无致命错误。",
    "period": "Period 周期",
    "top5_title": "Top-5 repeat-call reasons 重复来电前五原因",
    "calls_behind": "Calls behind a reason 原因明细",
    "open_late_title": "Open past target 超时未结工单",
    "open_late_none": "No open ticket past its target. 无超时工单。",
    "callbacks_title": "Callbacks 回访",
    "app_title": "Call center 呼叫中心",
    "csat_by_agent_title": "{csat} by agent and team 坐席与班组满意度",
    "daily_report_note": "呼入 = inbound, 接通 = connected, 接通率 = connect rate; one column group per day, as the center prints it.",
    "district_note": "District 区域: {district}. ",
    "provisional_note": "Counts are provisional 暂定: FCR windows still open.",
    "refresh_failed": "Last refresh failed 刷新失败: {reason}",
    "refresh_failed_long": "The last refresh failed: {reason}. The numbers shown are from the refresh before. 最近一次刷新失败，显示的是上一次的数据。",
    "files_caption": "{files:,} files · {read:,} rows read = {accepted:,} accepted + {rejected:,} rejected · {unaccounted} files not accounted for",
    # dimensions
    "call_date": "Date 日期",
    "district": "District 区域",
    "queue": "Queue 技能组",
    "team": "Team 班组",
    "agent": "Agent 坐席",
    "channel": "Channel 渠道",
    "ticket_type": "Ticket type 工单类型",
    "severity": "Severity 紧急程度",
    "reason": "Reason 原因",
    "department": "Department 责任部门",
    # pages
    "username": "Username 用户名",
    "password": "Password 密码",
    "log_in": "Log in 登录",
    "log_out": "Log out 退出",
    "login_failed": "Wrong username or password. 用户名或密码错误。",
    "no_users": "No dashboard users yet: add one with `python -m dashboards.users add NAME --role manager` ({path}).",
    "no_role": "{user} has no role on these dashboards: ask a manager to add it to the users file.",
    "logged_in_as": "{user} · {role} {scope}",
    "role_manager": "manager 经理",
    "role_team_leader": "team leader 班组长",
    "role_agent": "agent 坐席",
    "role_quality": "quality 质检",
    "role_analyst": "analyst 分析师",
    "audit_log": "Audit log 审计日志 (logins, failed logins, downloads)",
    "page_overview": "Overview 总览",
    "page_districts": "Districts and queues 区域与技能组",
    "page_agents": "Agents 坐席",
    "page_repeat": "Repeat calls 重复来电",
    "page_tickets": "Tickets 工单",
    "page_satisfaction": "Satisfaction 满意度",
    "page_quality": "Quality 质检",
    "page_health": "Data health 数据状态",
    "page_workforce": "Workforce 排班",
    # filters and words
    "filters": "Filters 筛选",
    "date_range": "Date range 日期范围",
    "newest_day": "Newest complete day of the data 数据最新完整日: {day}",
    "showing_newest": "Showing {day}, the newest complete day of the data. 显示数据最新完整日。",
    "showing_day": "Showing {day}. 显示所选日期。",
    "all": "All 全部",
    "day": "Day 日",
    "week": "Week 周",
    "month": "Month 月",
    "chart": "Chart 图表",
    "table": "Table 表格",
    "download_csv": "Download CSV",
    "download_xlsx": "Download Excel",
    "no_data": "No data for this selection. Widen the date range or clear a filter. 当前筛选无数据。",
    "no_warehouse": "No warehouse yet at {path}. Run `make refresh` (or `make demo`). 尚无数据。",
    "provisional": "provisional 暂定",
    "target": "target 目标",
    "vs_previous_day": "vs previous day",
    "vs_last_week": "vs same weekday last week",
    "data_as_of": "Data as of 数据截至",
    "daily_report": "Daily report by district 区域日报",
    "deliveries_title": "Report deliveries 报表发送",
    "deliveries_none": "No report sent yet: set SMTP_HOST or REPORT_WEBHOOK_URL to send the daily report (docs/reports.md). 尚未发送报表。",
    "deliveries_failed": "{count} message(s) not delivered after every retry; the newest reason: {detail}. 报表发送失败。",
    "sent_at": "Time 时间",
    "sent": "Message 消息",
    "attempt": "Attempt 尝试",
    "ok": "Sent 成功",
    "detail": "Detail 详情",
    "times_note": "Times in the center's time zone ({tz}). 时间为中心所在时区。",
    "drill_title": "Calls behind the figures 话务明细",
    "drill_note": "The day's queue passes of a district, a queue or an interval; callers as codes, never numbers. 来电人以代码显示。",
    "time_of_day": "Time 时段",
    "segment": "Segment 段",
    "outcome": "Outcome 结果",
    "kpis_missed": "**{missed} of {judged}** KPIs with a target missed 未达标指标",
    "target_met": "met 达标",
    "target_missed": "missed 未达标",
    "alerts_title": "Alerts: targets missed by district and queue 告警",
    "alerts_none": "Every district and queue met its targets on this day. 各区域、技能组均达标。",
    "alerts_note": "Queues are judged by their own target where one is set (service level of complaints, for instance). 技能组按其自身目标考核。",
    "overview_scope_district": "Figures of the districts picked in the sidebar: {picked}. 所选区域。",
    "overview_scope_queue": "Figures of the queues picked in the sidebar: {picked} (queue passes; the district filter does not split queues). 所选技能组。",
    "where": "District or queue 区域/技能组",
    "kpi": "KPI 指标",
    "figure": "Figure 数值",
    "target_shown": "Target 目标",
    "scope": "Scope 范围",
    # Workforce 排班
    "wf_day": "Day to plan or review 日期",
    "wf_series": "Forecast of 预测对象",
    "wf_forecast_title": "Forecast vs actual 预测与实际",
    "wf_forecast_note": "Model {model}: backtest WAPE {wape} against {baseline} for last week's values (same interval a week before). 模型回测误差。",
    "wf_day_error": "This day: forecast {forecast:,.0f} calls, actual {actual:,.0f}; WAPE {wape}. 当日误差。",
    "wf_no_forecast": "No forecast published: no model beat last week's values in the backtest, or the history is shorter than seven weeks. 无发布预测。",
    "wf_holiday": "A holiday of the center's calendar: the forecast does not lower it; plan this day by hand. 节假日：请人工调整。",
    "wf_agents_title": "Agents required vs logged in 需求与在线坐席",
    "wf_agents_note": "Required: Erlang C for the service-level target, then the occupancy cap ({cap:.0%}); headcount adds shrinkage ({shrinkage:.0%}). Logged in and available (not paused) from the switch's agent events. 需求按Erlang C计算。",
    "wf_short_title": "Understaffed intervals 人手不足时段",
    "wf_short_yesterday": "On {day}: available agents below the agents required. 实际不足。",
    "wf_short_next_week": "Next 7 days, if the same weekday of last week is staffed again: last week's available agents below the agents the forecast requires. 下周按上周排班的缺口。",
    "wf_team_only": "Logged-in agents count your team's agents only. 仅统计本班组坐席。",
    "wf_short_none": "No interval short. 无不足时段。",
    "wf_no_events": "No agent events: logged-in time needs a switch's queue_log with logins and pauses (docs/adapters.md). 无坐席状态数据。",
    "wf_occupancy_title": "Agent time 坐席工时 ({day})",
    "wf_pauses_title": "Pauses by reason 小休原因",
    "wf_whatif_title": "What if 假设分析",
    "wf_whatif_note": "The day's forecast (or, for a past day without one, its actual calls), re-staffed by the staffing calculator's rules (`uv run staffing`). 与排班计算器同一算法。",
    "wf_volume": "Volume change 话务量变化 (%)",
    "wf_aht": "AHT change 平均处理时长变化 (s)",
    "wf_backtest_title": "Forecast backtest 预测回测",
    "wf_seats_title": "Seats and staff 席位与人员",
    "wf_seats_note": "One seat per {per_seat:,} subscribers and {staff:g} staff per seat (the center's rules); the busiest interval of the last 28 days needed {peak} agents on the phones ({headcount} headcount), the forecast's busiest {forecast_peak}. 席位按用户数估算。",
    "forecast_calls": "Forecast calls 预测话务",
    "logged_in_agents": "Logged in 在线坐席",
    "available_agents": "Available (not paused) 可用坐席",
    "required_agents_capped": "Required (occupancy cap) 需求坐席(占用率上限)",
    "required_headcount": "Headcount to roster 排班人数",
    "short_by": "Short by 缺口",
    "logged_in_seconds": "Logged in 登录时长",
    "paused_seconds": "Paused 小休时长",
    "talk_seconds": "Talk 通话时长",
    "wrapup_seconds": "Wrap-up 话后处理",
    "idle_seconds": "Idle 空闲",
    "occupancy": "Occupancy 占用率",
    "utilisation": "Utilisation 利用率",
    "phone_seconds": "Phone time 通话时长",
    "is_session_closed_without_logoff": "No logoff 未签出",
    "pause_reason": "Pause reason 小休原因",
    "agents": "Agents 坐席数",
    "model": "Model 模型",
    "wape": "WAPE",
    "mase": "MASE",
    "baseline_wape": "WAPE of last week's values 基准误差",
    "is_chosen": "Published 已发布",
    "subscribers": "Subscribers 用户数",
    "seats_rule_of_thumb": "Seats 席位",
    "calls": "Calls 话务量",
    "series": "Series 预测对象",
    "interval_minutes": "Interval (min) 时段长度",
    "windows": "Cut-offs 回测次数",
    "horizon_days": "Horizon (days) 预测天数",
    "outlier_days": "Outlier days 异常日",
    "history_start": "History from 历史起",
    "history_end": "History to 历史止",
    "district_name_en": "District (English)",
    "staff_rule_of_thumb": "Staff 人员",
}


# The English and the Chinese of the labels the split below cannot make: a sentence whose Chinese
# half was a short gloss, Chinese first, or one language only. Every other label is
# "English 中文" and splits at its first Chinese character.
OWN_WORDS: dict[str, tuple[str, str]] = {
    "reason_name_en": ("Reason (English)", "原因(英文)"),
    "department_name_en": ("Department (English)", "责任部门(英文)"),
    "district_name_en": ("District (English)", "区域(英文)"),
    "sl_base": ("Answered + abandoned", "接通+放弃"),
    "nps_responses": ("NPS responses", "NPS 回复数"),
    "label": ("Label", "标签"),
    "wape": ("WAPE", "WAPE 加权误差"),
    "mase": ("MASE", "MASE 相对误差"),
    "download_csv": ("Download CSV", "下载 CSV"),
    "download_xlsx": ("Download Excel", "下载 Excel"),
    "vs_previous_day": ("vs previous day", "与前一日比"),
    "vs_last_week": ("vs same weekday last week", "与上周同日比"),
    "logged_in_as": ("{user} · {role} {scope}", "{user} · {role} {scope}"),
    "csat_by_agent_title": ("{csat} by agent and team", "坐席与班组{csat}"),
    "refresh_failed_long": (
        "The last refresh failed: {reason}. The numbers shown are from the refresh before.",
        "最近一次刷新失败：{reason}。显示的是上一次刷新的数据。",
    ),
    "files_caption": (
        "{files:,} files · {read:,} rows read = {accepted:,} accepted + {rejected:,} rejected · "
        "{unaccounted} files not accounted for",
        "{files:,} 个文件 · 读取 {read:,} 行 = 接收 {accepted:,} + 拒收 {rejected:,} · {unaccounted} 个文件未核对",
    ),
    "no_users": (
        "No dashboard users yet: add one with `python -m dashboards.users add NAME --role manager` ({path}).",
        "尚无看板用户：用 `python -m dashboards.users add NAME --role manager` 添加（{path}）。",
    ),
    "no_role": (
        "{user} has no role on these dashboards: ask a manager to add it to the users file.",
        "{user} 在看板上没有角色：请经理将其加入用户文件。",
    ),
    "showing_newest": ("Showing {day}, the newest complete day of the data.", "显示 {day}，数据最新完整日。"),
    "showing_day": ("Showing {day}.", "显示 {day}。"),
    "no_warehouse": (
        "No warehouse yet at {path}. Run `make refresh` (or `make demo`).",
        "{path} 尚无数据仓库。请运行 `make refresh`（或 `make demo`）。",
    ),
    "deliveries_failed": (
        "{count} message(s) not delivered after every retry; the newest reason: {detail}.",
        "{count} 条消息重试后仍未送达；最近原因：{detail}。",
    ),
    "times_note": ("Times in the center's time zone ({tz}).", "时间为中心所在时区（{tz}）。"),
    "kpis_missed": (
        "**{missed} of {judged}** KPIs with a target missed",
        "有目标的指标中 **{missed} / {judged}** 项未达标",
    ),
    "overview_scope_district": (
        "Figures of the districts picked in the sidebar: {picked}.",
        "侧栏所选区域的数据：{picked}。",
    ),
    "overview_scope_queue": (
        "Figures of the queues picked in the sidebar: {picked} (queue passes; the district filter does "
        "not split queues).",
        "侧栏所选技能组的数据：{picked}（按技能组段统计；区域筛选不拆分技能组）。",
    ),
    "wf_forecast_note": (
        "Model {model}: backtest WAPE {wape} against {baseline} for last week's values (same interval a "
        "week before).",
        "模型 {model}：回测 WAPE {wape}，上周同时段基准为 {baseline}。",
    ),
    "wf_day_error": (
        "This day: forecast {forecast:,.0f} calls, actual {actual:,.0f}; WAPE {wape}.",
        "当日：预测 {forecast:,.0f} 通，实际 {actual:,.0f} 通；WAPE {wape}。",
    ),
    "wf_agents_note": (
        "Required: Erlang C for the service-level target, then the occupancy cap ({cap:.0%}); headcount adds "
        "shrinkage ({shrinkage:.0%}). Logged in and available (not paused) from the switch's agent events.",
        "需求坐席：按服务水平目标用 Erlang C 计算，再加占用率上限（{cap:.0%}）；排班人数另计缺勤率"
        "（{shrinkage:.0%}）。在线与可用坐席来自交换机的坐席事件。",
    ),
    "wf_short_yesterday": (
        "On {day}: available agents below the agents required.",
        "{day}：可用坐席少于需求坐席。",
    ),
    "wf_seats_note": (
        "One seat per {per_seat:,} subscribers and {staff:g} staff per seat (the center's rules); the busiest "
        "interval of the last 28 days needed {peak} agents on the phones ({headcount} headcount), the "
        "forecast's busiest {forecast_peak}.",
        "每 {per_seat:,} 用户一个席位，每席位 {staff:g} 人（中心规则）；近28天最忙时段需 {peak} 名坐席在线"
        "（排班 {headcount} 人），预测最忙时段 {forecast_peak}。",
    ),
    "wf_occupancy_title": ("Agent time ({day})", "坐席工时（{day}）"),
    "phone_cap_title": ("Phone time over the cap (> 6 h/day)", "通话超时（每日 > 6 小时）"),
    "qa_sample_title": ("QA sample (7 calls per agent, reproducible)", "质检抽样（每名坐席7通，可复现）"),
    "daily_report_note": (
        "Inbound, connected and connect rate; one column group per day, as the center prints it.",
        "呼入、接通、接通率；每日一组列，与中心打印的日报一致。",
    ),
    "district_note": ("District: {district}. ", "区域：{district}。"),
    "provisional_note": ("Counts are provisional: FCR windows still open.", "暂定：首解观察期未结束。"),
    "refresh_failed": ("Last refresh failed: {reason}", "刷新失败：{reason}"),
    "audit_log": ("Audit log (logins, failed logins, downloads)", "审计日志（登录、登录失败、下载）"),
    "newest_day": ("Newest complete day of the data: {day}", "数据最新完整日：{day}"),
    "language": ("Language", "语言"),
    "minutes": ("{minutes} min", "{minutes} 分钟"),
    "printable_title": ("Printable report", "打印版"),
    "printable_make": ("Make the PDF of this day", "生成当日 PDF"),
    "printable_download": ("Download the PDF", "下载 PDF"),
    "printable_note": (
        "The managers' report of this day for the whole center (the sidebar's filters do not apply), as the "
        "refresh sends it.",
        "当日全中心的管理日报（不受侧栏筛选影响），与刷新后发送的一致。",
    ),
}
LANGUAGES = {"both": "English 中文", "en": "English", "zh": "中文"}
_CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def split(text: str) -> tuple[str, str]:
    """'Connected 接通' → ('Connected', '接通'); digits just before the Chinese go with it
    ('Within 20 s 20秒内接通' → ('Within 20 s', '20秒内接通')). No Chinese: the text twice."""
    found = _CHINESE.search(text)
    if not found:
        return text, text
    i = found.start()
    while i > 0 and text[i - 1].isdigit():
        i -= 1
    return text[:i].rstrip() or text, text[i:].strip()


def default_language() -> str:
    """DASHBOARD_LANGUAGE: both (English and Chinese side by side, the default), en or zh."""
    value = os.environ.get("DASHBOARD_LANGUAGE", "").strip().lower() or "both"
    return value if value in LANGUAGES else "both"


def language() -> str:
    """The language picked in the sidebar of this session, else the setting."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is not None:
        import streamlit as st

        picked = st.session_state.get("language")
        if picked in LANGUAGES:
            return picked
    return default_language()


def words(en: str, zh: str, lang: str | None = None) -> str:
    """The text in the session's language: one of the two, or both side by side."""
    lang = lang or language()
    if lang == "en":
        return en
    if lang == "zh":
        return zh
    return en if en == zh else f"{en} {zh}"


def day_text(day) -> str:
    """A date as the language writes it: 2024-03-09, or 2024年3月9日 in Chinese."""
    if language() == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day:%Y-%m-%d}"


WEEKDAYS = (("Mon", "周一"), ("Tue", "周二"), ("Wed", "周三"), ("Thu", "周四"), ("Fri", "周五"),
            ("Sat", "周六"), ("Sun", "周日"))  # fmt: skip


def weekday_text(iso_weekday: int) -> str:
    """An ISO weekday (1 = Monday) as the language names it: Mon, 周一, or Mon 周一."""
    return words(*WEEKDAYS[iso_weekday - 1])


def t(key: str, **values) -> str:
    lang = language()
    if key in OWN_WORDS:
        en, zh = OWN_WORDS[key]
        text = words(en, zh, lang) if lang != "both" or key not in LABELS else LABELS[key]
    elif key in LABELS:
        text = LABELS[key] if lang == "both" else words(*split(LABELS[key]), lang)
    else:
        text = metric_label(key, lang) or key
    return text.format(**values) if values else text


def metric_label(key: str, lang: str = "both") -> str | None:
    """A declared rate's name (models/semantic/_metrics.yml): short English name, then Chinese."""
    metric = catalogue().get(key)
    return words(metric.short, metric.label_zh, lang) if metric else None
