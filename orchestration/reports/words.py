"""The report's words: every header in English and Chinese, as the center's printed reports have
them. The dashboards' labels (dashboards/strings.py) are used where they exist."""

from __future__ import annotations

EDITION_TITLES = {
    "daily": "Daily report 日报",
    "weekly": "Weekly report 周报",
    "monthly": "Monthly report 月报",
}

# column → (English, 中文) where the report words it otherwise than the dashboards do
# (dashboards/strings.py has the rest): the printed daily report's 呼入, the health block's rows.
HEADERS: dict[str, tuple[str, str]] = {
    "inbound": ("Inbound", "呼入"),
    "value": ("Value", "数值"),
    "previous": ("Period before", "上期"),
    "last_week": ("Same weekday last week", "上周同日"),
    "target": ("Target", "目标"),
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
    "is_final": ("Final", "已定"),
    "created_at": ("Created (UTC)", "建单时间(UTC)"),
    "target_hours": ("Target (h)", "时限(小时)"),
    "hours_open": ("Open (h)", "已开(小时)"),
}


def header(column: str, between: str = " ") -> str:
    """'English 中文' for a column: the report's own words, else the dashboards' (a declared
    metric's names among them)."""
    from dashboards import strings

    if column in HEADERS:
        en, zh = HEADERS[column]
    elif column in strings.OWN_WORDS:
        en, zh = strings.OWN_WORDS[column]
    elif column in strings.LABELS:
        en, zh = strings.split(strings.LABELS[column])
    else:
        metric = strings.catalogue().get(column)
        if metric is None:
            return column
        en, zh = metric.short, metric.label_zh
    return en if en == zh else f"{en}{between}{zh}"


def by_unit(unit: str, value) -> str:
    """A KPI's figure as the pages show it: a count with thousands, a rate in %, seconds as m:ss."""
    from dashboards.components.formatting import fmt

    return fmt({"count": "inbound", "fraction": "connect_rate", "seconds": "asa_seconds"}[unit], value)


def kpi_label(kpi) -> str:
    return f"{kpi.label_en} {kpi.label_zh}"
