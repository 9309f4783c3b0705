"""The report as a workbook a manager prints: one sheet per section, Chinese and English headers,
frozen headers, number formats (counts with thousands, rates as 0.0 %, seconds as m:ss),
targets met in green and missed in red, landscape and one page wide."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

from orchestration.reports.content import Report
from orchestration.reports.words import EDITION_TITLES, header, kpi_label

GREEN, RED = "#C6EFCE", "#FFC7CE"


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "Microsoft YaHei", "font_size": 10, "border": 1, "valign": "vcenter"}
        self.title = book.add_format({"font_name": base["font_name"], "bold": True, "font_size": 14})
        self.note = book.add_format({"font_name": base["font_name"], "italic": True, "font_color": "#555555"})
        self.header = book.add_format(
            {**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center"}
        )
        self.text = book.add_format(base)
        self.formats = {}
        for unit, number in (
            ("count", "#,##0"),
            ("fraction", "0.0%"),
            ("seconds", "[m]:ss"),
            ("hours", "0.0"),
        ):
            for fill in (None, GREEN, RED):
                extra = {"bg_color": fill} if fill else {}
                self.formats[(unit, fill)] = book.add_format({**base, "num_format": number, **extra})
        self.bold = {
            key: book.add_format({**base, "num_format": f.num_format, "bold": True, "top": 2})
            for key, f in self.formats.items()
            if key[1] is None
        }

    def number(self, unit: str, met: bool | None = None, total: bool = False):
        if total:
            return self.bold[(unit, None)]
        return self.formats[(unit, {True: GREEN, False: RED}.get(met))]


def _unit(column: str) -> str:
    from dashboards.components.formatting import RATE_COLUMNS, SECONDS_COLUMNS

    if column in RATE_COLUMNS:
        return "fraction"
    if column in SECONDS_COLUMNS:
        return "seconds"
    return "hours" if column in {"hours_open", "target_hours"} else "count"


def _value(unit: str, value):
    """Seconds as a fraction of a day, so that Excel's [m]:ss shows them."""
    if value is None:
        return None
    return value / 86400 if unit == "seconds" else value


def _sheet(book, fmt: _Formats, name: str, title: str, frame: pl.DataFrame, notes=(), colour=None):
    """A titled table: headers on row 3 (frozen), then the rows, widths fitted to the headers."""
    sheet = book.add_worksheet(name[:31])
    sheet.write(0, 0, title, fmt.title)
    for i, note in enumerate(notes):
        sheet.write(1 + i, 0, note, fmt.note)
    top = 2 + len(notes)
    for col, column in enumerate(frame.columns):
        sheet.write(top, col, header(column), fmt.header)
        sheet.set_column(col, col, max(10, min(34, len(header(column)) * 0.9)))
    sheet.set_row(top, 30)
    for r, row in enumerate(frame.iter_rows(named=True), start=top + 1):
        last = r == top + frame.height and "district" in frame.columns and row.get("district") == "total"
        for col, column in enumerate(frame.columns):
            value = row[column]
            if isinstance(value, str | bool) or (value is None and column in _TEXT):
                sheet.write(r, col, "" if value is None else str(value), fmt.text)
                continue
            if hasattr(value, "isoformat"):
                sheet.write_string(
                    r,
                    col,
                    value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat(),
                    fmt.text,
                )
                continue
            unit = _unit(column)
            met = colour(row, column) if colour else None
            cell = fmt.number(unit, met, total=last)
            if value is None:
                sheet.write_blank(r, col, None, cell)
            else:
                sheet.write_number(r, col, _value(unit, value), cell)
    sheet.freeze_panes(top + 1, 0)
    sheet.repeat_rows(top)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    return sheet


_TEXT = {"district_name_zh", "district_name_en", "reason_name_zh", "reason_name_en", "name_zh", "name_en"}


def write(report: Report, path: Path) -> Path:
    period = report.period
    title = f"{report.center_name} {EDITION_TITLES[period.edition]} · {period.first}" + (
        f" – {period.last}" if period.last != period.first else ""
    )
    tmp = path.with_name(path.name + ".tmp")
    with xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False}) as book:
        book.set_properties({"title": title.strip(), "subject": "call-center report", "author": "callcenter"})
        fmt = _Formats(book)

        def met(row, column):
            return report.judge(column, row.get(column))

        districts = report.districts.select(
            "district_name_zh", "district_name_en", "inbound", "answered", "connect_rate", "offered",
            "abandoned", "service_level", "abandon_rate", "asa_seconds", "fcr_rate", "csat",
        )  # fmt: skip
        _sheet(book, fmt, "区域日报 Districts", title, districts, report.notes, colour=met)
        tiles = pl.DataFrame(
            [
                {"kpi": kpi_label(k), "value": k.value, "previous": k.previous, "last_week": k.last_week,
                 "target": k.target, "status": {True: "✓ 达标 met", False: "✗ 未达标 missed"}.get(k.met, "")}
                for k in report.kpis
            ],
            schema={"kpi": pl.String, "value": pl.Float64, "previous": pl.Float64, "last_week": pl.Float64,
                    "target": pl.Float64, "status": pl.String},
        )  # fmt: skip
        sheet = _sheet(
            book, fmt, "指标 KPIs", title, tiles.drop("status").with_columns(pl.lit("").alias("status"))
        )
        # Each KPI row in its own unit, coloured by its target.
        for r, k in enumerate(report.kpis, start=3):
            for col, value in enumerate((k.value, k.previous, k.last_week, k.target), start=1):
                cell = fmt.number(k.unit, k.met if col == 1 else None)
                if value is None:
                    sheet.write_blank(r, col, None, cell)
                else:
                    sheet.write_number(r, col, _value(k.unit, value), cell)
            sheet.write(r, 5, {True: "✓ 达标 met", False: "✗ 未达标 missed"}.get(k.met, ""), fmt.text)
        sheet.set_column(0, 0, 30)
        missed = len(report.missed)
        sheet.write(2 + len(report.kpis) + 2, 0, f"KPIs missed 未达标指标: {missed}", fmt.title)
        alerts = report.alerts.select("scope", "name_zh", "name_en", "kpi_code", "value", "target")
        _alerts_sheet(book, fmt, title, alerts)
        _sheet(book, fmt, "重复来电 Repeat reasons", title, report.repeat_reasons)
        sla = report.ticket_sla
        compliance = (
            f"SLA compliance 工单及时率: {_pct(sla['sla_compliance'])} (target 目标 {_pct(sla['target'])}); "
            f"open past target now 当前超时未结: {sla['open_past_target_now']}"
        )
        _sheet(book, fmt, "超时工单 Past SLA", title, report.tickets_past_sla, [compliance])
        health = [
            {"item": header(k), "value": "—" if v is None else str(v)} for k, v in report.health.items()
        ]
        _sheet(book, fmt, "数据状态 Health", title, pl.DataFrame(health))
        if report.appraisal is not None:
            _sheet(book, fmt, "考核 Appraisal", title, report.appraisal)
        if report.qa is not None and not report.qa.is_empty():
            _sheet(book, fmt, "质检 QA", title, report.qa)
    tmp.replace(path)
    return path


def _alerts_sheet(book, fmt: _Formats, title: str, alerts: pl.DataFrame) -> None:
    """Breaches: value and target in the KPI's own unit, the value in red."""
    from dashboards.metrics import catalogue

    sheet = book.add_worksheet("告警 Alerts")
    sheet.write(0, 0, title, fmt.title)
    sheet.write(1, 0, f"Targets missed by district and queue 未达标: {alerts.height}", fmt.note)
    columns = ["scope", "name_zh", "name_en", "kpi", "value", "target"]
    for col, column in enumerate(columns):
        sheet.write(2, col, header(column), fmt.header)
        sheet.set_column(col, col, 18 if col != 3 else 30)
    for r, row in enumerate(alerts.iter_rows(named=True), start=3):
        metric = catalogue()[row["kpi_code"]]
        sheet.write(r, 0, header(row["scope"]), fmt.text)
        sheet.write(r, 1, row["name_zh"], fmt.text)
        sheet.write(r, 2, row["name_en"], fmt.text)
        sheet.write(r, 3, f"{metric.short} {metric.label_zh}", fmt.text)
        sheet.write_number(r, 4, _value(metric.unit, row["value"]), fmt.number(metric.unit, False))
        sheet.write_number(r, 5, _value(metric.unit, row["target"]), fmt.number(metric.unit))
    sheet.freeze_panes(3, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"
