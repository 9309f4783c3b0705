"""The report as a PDF of A4 pages: the KPI tiles against target in colour, the district table,
a chart of the last days' traffic and connect rate, the alerts, the top-5 repeat-call reasons,
tickets past SLA and the refresh's health. The CJK font (Noto Sans CJK SC, from the
noto-cjk-sans-otc package) is embedded, subset to the characters used, so the file reads the same
on any machine."""

from __future__ import annotations

import itertools
from pathlib import Path

import noto_cjk_sans_otc
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from dashboards.components.formatting import fmt
from orchestration.reports.content import Kpi, Report
from orchestration.reports.words import EDITION_TITLES, by_unit, header, kpi_label

FONT = Path(noto_cjk_sans_otc.__file__).with_name("NotoSansCJK-Regular.ttc")
SC_FACE = 2  # the collection's faces: JP, KR, SC, TC, HK, then the mono ones
GREEN, RED, GREY, BLUE = (46, 125, 50), (198, 40, 40), (110, 110, 110), (31, 119, 180)
LIGHT_GREEN, LIGHT_RED, HEAD = (232, 245, 233), (255, 235, 238), (221, 235, 247)


class _Pdf(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="landscape", format="A4")
        self.title_text = title
        self.add_font("cjk", "", str(FONT), collection_font_number=SC_FACE)
        self.set_auto_page_break(auto=True, margin=12)
        self.set_margins(12, 12, 12)
        self.set_title(title)
        self.set_creator("callcenter")

    def header(self):
        self.set_font("cjk", size=9)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.title_text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-10)
        self.set_font("cjk", size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")
        self.set_text_color(0, 0, 0)

    def room(self, height: float) -> None:
        """A new page unless `height` mm fit above the bottom margin."""
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()

    def heading(self, text: str, keep: float = 30):
        """A section title, kept on a page with at least `keep` mm of what follows."""
        self.room(keep + 10)
        self.ln(2)
        self.set_font("cjk", size=13)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("cjk", size=9)


def _tiles(pdf: _Pdf, kpis: list[Kpi], edition: str) -> None:
    per_row, gap, height = 5, 3, 22
    width = (pdf.w - pdf.l_margin - pdf.r_margin - gap * (per_row - 1)) / per_row
    top = pdf.get_y()
    for i, k in enumerate(kpis):
        x0, y0 = pdf.l_margin, top + (i // per_row) * (height + gap)
        x = x0 + (i % per_row) * (width + gap)
        fill = {True: LIGHT_GREEN, False: LIGHT_RED}.get(k.met, (245, 245, 245))
        pdf.set_fill_color(*fill)
        pdf.rect(x, y0, width, height, style="F")
        pdf.set_xy(x + 2, y0 + 1)
        pdf.set_font("cjk", size=8)
        pdf.cell(width - 4, 4, kpi_label(k))
        pdf.set_xy(x + 2, y0 + 6)
        pdf.set_font("cjk", size=15)
        pdf.set_text_color(*{True: GREEN, False: RED}.get(k.met, (0, 0, 0)))
        pdf.cell(width - 4, 7, by_unit(k.unit, k.value))
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", size=7)
        before = "prev. day 前日" if edition == "daily" else "prev. period 上期"
        lines = [f"{before}: {by_unit(k.unit, k.previous)}"]
        if edition == "daily":
            lines.append(f"last week 上周同日: {by_unit(k.unit, k.last_week)}")
        if k.target is not None:
            lines.append(f"target 目标: {by_unit(k.unit, k.target)}")
        for j, line in enumerate(lines):
            pdf.set_xy(x + 2, y0 + 13 + j * 3)
            pdf.cell(width - 4, 3, line)
    rows = (len(kpis) + per_row - 1) // per_row
    pdf.set_xy(pdf.l_margin, top + rows * (height + gap))


def _table(pdf: _Pdf, rows: list[dict], columns: list[str], widths: list[float], colour=None) -> None:
    """A table with bilingual headers; `colour(row, column)` → True / False / None per cell."""
    pdf.set_font("cjk", size=7)
    pdf.set_fill_color(*HEAD)
    x, y = pdf.get_x(), pdf.get_y()
    for column, width in zip(columns, widths, strict=True):
        # English over Chinese, so that narrow columns keep both.
        pdf.set_xy(x, y)
        pdf.multi_cell(width, 4, header(column, "\n"), border=1, fill=True, align="C", max_line_height=4)
        x += width
    pdf.set_xy(pdf.l_margin, y + 8)
    pdf.set_font("cjk", size=8)
    for row in rows:
        if pdf.get_y() > pdf.h - 20:
            pdf.add_page()
        for column, width in zip(columns, widths, strict=True):
            value = row.get(column)
            text = value if isinstance(value, str) else fmt(column, value)
            met = colour(row, column) if colour else None
            if met is not None:
                pdf.set_text_color(*(GREEN if met else RED))
            pdf.cell(width, 5.5, text, border=1, align="L" if isinstance(value, str) else "R")
            pdf.set_text_color(0, 0, 0)
        pdf.ln()


def _chart(pdf: _Pdf, report: Report) -> None:
    """Bars of offered calls per day, the connect rate as a line on its own 0–100 % axis, and
    the connect-rate target dashed."""
    days = report.daily.to_dicts()
    if not days:
        return
    pdf.set_font("cjk", size=7)
    pdf.cell(0, 3, "bars: offered 人工呼入 · line: connect rate 接通率 (0–100 %) · dashed: its target 目标",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    x0, y0, w, h = pdf.l_margin + 12, pdf.get_y() + 3, pdf.w - pdf.l_margin - pdf.r_margin - 24, 45
    peak = max((d["offered"] or 0) for d in days) or 1
    step = w / len(days)
    pdf.set_draw_color(*GREY)
    pdf.line(x0, y0 + h, x0 + w, y0 + h)
    pdf.set_font("cjk", size=6)
    pdf.set_fill_color(*BLUE)
    points = []
    for i, d in enumerate(days):
        bar = (d["offered"] or 0) / peak * h
        pdf.rect(x0 + i * step + step * 0.15, y0 + h - bar, step * 0.7, bar, style="F")
        pdf.set_xy(x0 + i * step, y0 + h + 0.5)
        pdf.cell(step, 3, f"{d['call_date']:%m-%d}", align="C")
        if d["connect_rate"] is not None:
            points.append((x0 + i * step + step / 2, y0 + h - d["connect_rate"] * h))
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.5)
    for a, b in itertools.pairwise(points):
        pdf.line(*a, *b)
    target = next((k.target for k in report.kpis if k.code == "connect_rate"), None)
    if target is not None:
        pdf.set_draw_color(*GREY)
        with pdf.local_context(dash_pattern={"dash": 1, "gap": 1}):
            pdf.set_line_width(0.2)
            pdf.line(x0, y0 + h - target * h, x0 + w, y0 + h - target * h)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    # The offered axis: 0 and the busiest day.
    pdf.set_font("cjk", size=6)
    for value, y in ((0, y0 + h), (peak, y0)):
        pdf.set_xy(pdf.l_margin, y - 1.5)
        pdf.cell(11, 3, f"{value:,}", align="R")
    pdf.set_xy(pdf.l_margin, y0 + h + 5)


def write(report: Report, path: Path) -> Path:
    period = report.period
    span = f"{period.first}" + (f" – {period.last}" if period.last != period.first else "")
    title = f"{report.center_name} {EDITION_TITLES[period.edition]} · {span}".strip()
    pdf = _Pdf(title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=9)
    missed = len(report.missed)
    pdf.cell(0, 5, f"KPIs missed 未达标指标: {missed} · alerts 告警: {report.alerts.height}",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    for note in report.notes:
        pdf.cell(0, 5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    _tiles(pdf, report.kpis, period.edition)

    def met(row, column):
        return report.judge(column, row.get(column))

    pdf.heading("District report 区域日报" if period.edition == "daily" else "Districts 区域")
    columns = ["district_name_zh", "inbound", "answered", "connect_rate", "offered", "abandoned",
               "service_level", "abandon_rate", "asa_seconds", "fcr_rate", "csat"]  # fmt: skip
    _table(pdf, report.districts.to_dicts(), columns, [30] + [24.7] * 10, colour=met)
    pdf.heading("Traffic and connect rate 话务与接通率", keep=58)
    _chart(pdf, report)

    pdf.heading(f"Alerts 告警 ({report.alerts.height})")
    if report.alerts.is_empty():
        pdf.cell(0, 5, "Every district and queue met its targets. 各区域、技能组均达标。",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    else:
        from dashboards.metrics import catalogue

        rows = [
            {"scope": header(a["scope"]), "name_zh": f"{a['name_zh']} {a['name_en']}",
             "kpi": f"{catalogue()[a['kpi_code']].short} {catalogue()[a['kpi_code']].label_zh}",
             "value": fmt(a["kpi_code"], a["value"]), "target": fmt(a["kpi_code"], a["target"])}
            for a in report.alerts.to_dicts()
        ]  # fmt: skip
        _table(pdf, rows, ["scope", "name_zh", "kpi", "value", "target"], [40, 60, 70, 40, 40],
               colour=lambda row, c: False if c == "value" else None)  # fmt: skip

    pdf.heading("Top-5 repeat-call reasons 重复来电前五原因")
    reasons = report.repeat_reasons.to_dicts()
    if reasons:
        columns = ["rank", "reason_name_zh", "reason_name_en", "department_name_zh", "repeat_calls", "share"]
        _table(pdf, reasons, columns, [15, 50, 70, 50, 35, 35])
    else:
        pdf.cell(0, 5, "No repeat call. 无重复来电。", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    sla = report.ticket_sla
    pdf.heading(f"Tickets past SLA 超时工单 ({sla['open_past_target_now']} open 未结)")
    pdf.cell(0, 5, f"SLA compliance 工单及时率: {fmt('sla_compliance', sla['sla_compliance'])} "
             f"(target 目标 {fmt('sla_compliance', sla['target'])}) · created 新建 {sla['created']:,}",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    past = report.tickets_past_sla.head(20).to_dicts()
    if past:
        for row in past:
            row["created_at"] = f"{row['created_at']:%Y-%m-%d %H:%M}"
        _table(pdf, past, ["ticket_id", "ticket_type", "district", "department", "created_at", "target_hours",
                           "hours_open"], [35, 35, 30, 45, 45, 30, 30])  # fmt: skip
        if report.tickets_past_sla.height > 20:
            pdf.cell(0, 5, f"… {report.tickets_past_sla.height - 20} more in the workbook 其余见表格",
                     new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip

    if report.appraisal is not None and not report.appraisal.is_empty():
        pdf.add_page()
        pdf.heading("Monthly appraisal 月度考核 (A–E)")
        _table(pdf, report.appraisal.to_dicts(), ["peer_group", "place", "agent_id", "agent_name", "team",
               "total_points", "places_gained", "tiers"], [25, 15, 25, 30, 25, 25, 25, 100])  # fmt: skip
    if report.qa is not None and not report.qa.is_empty():
        pdf.heading("Quality 质检")
        _table(
            pdf, report.qa.to_dicts(), ["team", "evaluations", "qa_score", "fatal_errors"], [40, 40, 40, 40]
        )

    pdf.heading("Refresh health 数据状态")
    for key, value in report.health.items():
        pdf.cell(
            0, 4.5, f"{header(key)}: {'—' if value is None else value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    tmp = path.with_name(path.name + ".tmp")
    pdf.output(str(tmp))
    tmp.replace(path)
    return path
