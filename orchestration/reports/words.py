"""The report's words: every header in English and Chinese, as the center's printed reports have
them. The dashboards' labels (dashboards/strings.py) are used where they exist."""

from __future__ import annotations

EDITION_TITLES = {
    "daily": "Daily report 日报",
    "weekly": "Weekly report 周报",
    "monthly": "Monthly report 月报",
}

# column → (English, 中文) for the columns the dashboards do not label.
HEADERS: dict[str, tuple[str, str]] = {
    "district_name_zh": ("District", "区域"),
    "district_name_en": ("District (English)", "区域(英文)"),
    "inbound": ("Inbound", "呼入"),
    "answered": ("Connected", "接通"),
    "offered": ("Offered", "人工呼入"),
    "abandoned": ("Abandoned", "放弃"),
    "kpi": ("KPI", "指标"),
    "value": ("Value", "数值"),
    "previous": ("Period before", "上期"),
    "last_week": ("Same weekday last week", "上周同日"),
    "target": ("Target", "目标"),
    "status": ("Status", "状态"),
    "scope": ("Scope", "范围"),
    "district": ("District", "区域"),
    "queue": ("Queue", "技能组"),
    "name_zh": ("Name", "名称"),
    "name_en": ("Name (English)", "名称(英文)"),
    "item": ("Item", "项目"),
    "refreshed_at_utc": ("Refreshed (UTC)", "刷新时间(UTC)"),
    "newest_call_day": ("Newest day with calls", "最新来电日"),
    "files_loaded": ("Files loaded in the day before the refresh", "刷新前一日加载文件"),
    "rows_read": ("Rows read from them", "读取行数"),
    "rows_accepted": ("Rows accepted from them", "接收行数"),
    "rows_rejected": ("Rows rejected so far (quarantined)", "累计拒收行数"),
    "files_failed": ("Files that failed so far", "累计失败文件"),
    "last_failure": ("Failure since", "此后失败"),
    "rank": ("Rank", "排名"),
    "reason_code": ("Reason code", "原因代码"),
    "reason_name_zh": ("Reason", "原因"),
    "reason_name_en": ("Reason (English)", "原因(英文)"),
    "department_name_zh": ("Department", "责任部门"),
    "department_name_en": ("Department (English)", "责任部门(英文)"),
    "repeat_calls": ("Repeat calls", "重复来电"),
    "share": ("Share", "占比"),
    "is_final": ("Final", "已定"),
    "ticket_id": ("Ticket", "工单"),
    "ticket_type": ("Ticket type", "工单类型"),
    "severity": ("Severity", "紧急程度"),
    "department": ("Department", "责任部门"),
    "created_at": ("Created (UTC)", "建单时间(UTC)"),
    "target_hours": ("Target (h)", "时限(小时)"),
    "hours_open": ("Open (h)", "已开(小时)"),
    "peer_group": ("Group", "考核组"),
    "place": ("Place", "名次"),
    "agent_id": ("Agent ID", "工号"),
    "agent_name": ("Name", "姓名"),
    "team": ("Team", "班组"),
    "total_points": ("Total", "总分"),
    "places_gained": ("Places gained", "名次变化"),
    "tiers": ("Tiers", "档次"),
    "evaluations": ("Evaluations", "质检数"),
    "qa_score": ("QA score", "质检成绩"),
    "fatal_errors": ("Fatal errors", "致命错误"),
}


def header(column: str, between: str = " ") -> str:
    """'English 中文' for a column: the report's own words, else a declared metric's names."""
    from dashboards.metrics import catalogue

    if column in HEADERS:
        en, zh = HEADERS[column]
        return f"{en}{between}{zh}"
    metric = catalogue().get(column)
    return f"{metric.short}{between}{metric.label_zh}" if metric else column


def kpi_label(kpi) -> str:
    return f"{kpi.label_en} {kpi.label_zh}"
