"""Every user-facing string of the dashboards in one place: English with the Chinese name beside
it, as the center's managers read them. A full language switch is a change to this file."""

from __future__ import annotations

LABELS: dict[str, str] = {
    # metrics
    "inbound": "Inbound 呼入总数",
    "ivr_contained": "IVR self-service 自助服务量",
    "offered": "Offered 人工呼入",
    "answered": "Connected 接通",
    "abandoned": "Abandoned 放弃",
    "short_abandoned": "Short abandons 短时放弃",
    "connect_rate": "Connect rate 接通率",
    "service_level": "Service level 服务水平",
    "abandon_rate": "Abandonment 放弃率",
    "asa_seconds": "ASA 平均应答速度",
    "aht_seconds": "AHT 平均处理时长",
    "acw_seconds": "ACW 话后处理时长",
    "fcr_rate": "FCR 首次解决率",
    "repeat_call_rate": "Repeat calls 重复来电率",
    "csat": "CSAT 满意度",
    "nps": "NPS 净推荐值",
    "survey_participation_rate": "Participation 参评率",
    "transfer_rate": "Transfer rate 转接率",
    "sla_compliance": "SLA compliance 工单及时率",
    "phone_hours": "Phone time (h) 通话时长",
    "qa_score": "QA score 质检成绩",
    "phone_orders": "Phone orders 电话订购",
    "agents_handling": "Agents handling 在线坐席",
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
    "page_overview": "Overview 总览",
    "page_districts": "Districts and queues 区域与技能组",
    "page_agents": "Agents 坐席",
    "page_repeat": "Repeat calls 重复来电",
    "page_tickets": "Tickets 工单",
    "page_satisfaction": "Satisfaction 满意度",
    "page_quality": "Quality 质检",
    "page_health": "Data health 数据状态",
    # filters and words
    "filters": "Filters 筛选",
    "date_range": "Date range 日期范围",
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
}


def t(key: str, **values) -> str:
    text = LABELS.get(key, key)
    return text.format(**values) if values else text
