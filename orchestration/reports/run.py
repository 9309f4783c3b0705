"""Generate the editions due for a day and send them; announce a failed refresh.

`python -m orchestration.reports.run [--day YYYY-MM-DD] [--edition daily|weekly|monthly] [--no-send]`
writes the report again from the published warehouse (the newest complete day by default), as
the refresh does after each publish.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from dashboards.components.formatting import fmt
from orchestration.publishing import WarehouseFiles, read_status
from orchestration.reports import content, delivery, pdf, xlsx
from orchestration.reports.words import EDITION_TITLES, by_unit


def exports_dir(files: WarehouseFiles) -> Path:
    """REPORTS_DIR, or a `reports` folder beside the warehouse."""
    configured = os.environ.get("REPORTS_DIR", "").strip()
    return Path(configured) if configured else files.published.parent / "reports"


def delivery_log(files: WarehouseFiles) -> Path:
    return files.published.with_name(files.published.name + ".deliveries.jsonl")


def center_name() -> str:
    return os.environ.get("CENTER_NAME", "").strip()


@dataclass(frozen=True)
class Written:
    period: content.Period
    xlsx: Path
    pdf: Path
    report: content.Report


def write_edition(files: WarehouseFiles, period: content.Period) -> Written:
    report = content.build(files.published, period, read_status(files), center_name())
    folder = exports_dir(files)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{period.edition}_report_{period.name}"
    return Written(
        period,
        xlsx.write(report, folder / f"{stem}.xlsx"),
        pdf.write(report, folder / f"{stem}.pdf"),
        report,
    )


def printable_pdf(published: Path, day: dt.date) -> bytes:
    """The daily report of `day` as PDF bytes (the Overview's printable view): the same content
    and layout as the refresh sends, made from the published file on demand."""
    import tempfile

    files = WarehouseFiles(published)
    report = content.build(published, content.Period("daily", day, day), read_status(files), center_name())
    with tempfile.TemporaryDirectory() as folder:
        return pdf.write(report, Path(folder) / "report.pdf").read_bytes()


def summary_text(report: content.Report) -> str:
    """The message body: what a manager reads on a phone before opening the attachments."""
    p = report.period
    lines = [f"{EDITION_TITLES[p.edition]} {p.first}" + (f" – {p.last}" if p.last != p.first else ""), ""]
    for note in report.notes:
        lines.append(note)
    for k in report.kpis:
        mark = {True: "✓", False: "✗"}.get(k.met, "·")
        target = f" (target 目标 {by_unit(k.unit, k.target)})" if k.target is not None else ""
        lines.append(f"{mark} {k.label_en} {k.label_zh}: {by_unit(k.unit, k.value)}{target}")
    lines += ["", f"KPIs missed 未达标指标: {len(report.missed)}", f"Alerts 告警: {report.alerts.height}"]
    for a in report.alerts.head(10).to_dicts():
        lines.append(
            f"  {a['name_zh']} {a['name_en']} · {a['kpi_code']}: {fmt(a['kpi_code'], a['value'])} "
            f"(target 目标 {fmt(a['kpi_code'], a['target'])})"
        )
    if report.alerts.height > 10:
        lines.append(f"  … {report.alerts.height - 10} more 其余见附件")
    reasons = report.repeat_reasons.to_dicts()
    if reasons:
        lines += ["", "Top repeat-call reasons 重复来电前五原因:"]
        lines += [
            f"  {r['rank']}. {r['reason_name_zh']} {r['reason_name_en']} — {r['department_name_zh']}: "
            f"{r['repeat_calls']:,}"
            for r in reasons
        ]
    sla = report.ticket_sla
    lines += [
        "",
        f"Tickets past SLA now 当前超时工单: {sla['open_past_target_now']:,} · "
        f"SLA compliance 工单及时率 {fmt('sla_compliance', sla['sla_compliance'])}",
    ]
    health = report.health
    lines.append(
        f"Data 数据: refreshed 刷新 {health['refreshed_at_utc'] or '—'} UTC · "
        f"{health['rows_accepted']:,} rows accepted, {health['rows_rejected']:,} rejected"
    )
    return "\n".join(lines)


def report_and_send(
    files: WarehouseFiles, periods: list[content.Period], say=print, send: bool = True
) -> list[Written]:
    """Each period's edition (content.periods_ending: those due on a day) written to the exports
    folder, then sent where delivery is configured."""
    written = []
    for period in periods:
        item = write_edition(files, period)
        written.append(item)
        say(f"Report written: {item.xlsx} and {item.pdf.name}.")
        if send and delivery.channels():
            subject = f"{center_name()} {EDITION_TITLES[period.edition]} {period.name}".strip()
            message = delivery.Message(
                key=f"{period.edition} {period.name}",
                subject=subject + f" · {len(item.report.missed)} KPI(s) missed 未达标",
                body=summary_text(item.report),
                attachments=(item.xlsx, item.pdf),
            )
            delivery.deliver(message, delivery_log(files), say=say)
    return written


def announce_failure(
    files: WarehouseFiles, run_id: str, reason: str, partition: str | None, say=print
) -> None:
    """A failed refresh, sent the same way as the report (once per run)."""
    log = delivery_log(files)
    key = f"failure {run_id}"
    if not delivery.channels() or delivery.already_sent(log, key):
        return
    subject = f"{center_name()} refresh FAILED 数据刷新失败 {partition or ''}".strip()
    body = (
        f"The refresh for {partition or 'the newest day'} failed: {reason}\n"
        "The dashboards and yesterday's report keep the numbers of the refresh before.\n"
        f"数据刷新失败：{reason}\n看板与报表仍为上一次刷新的数据。\nRun 运行编号: {run_id}"
    )
    delivery.deliver(delivery.Message(key, subject, body), log, say=say)


def main(argv: list[str] | None = None) -> int:
    from orchestration.settings import warehouse_files

    parser = argparse.ArgumentParser(prog="python -m orchestration.reports.run", description=__doc__)
    parser.add_argument(
        "--day", help="the day the report is for (YYYY-MM-DD); default: the newest with calls"
    )
    parser.add_argument("--edition", choices=content.EDITIONS, help="only this edition (default: those due)")
    parser.add_argument("--no-send", action="store_true", help="write the files, send nothing")
    args = parser.parse_args(argv)
    files = warehouse_files()
    if not files.published.exists():
        print(f"No published warehouse at {files.published}: run `make refresh` first.", file=sys.stderr)
        return 2
    if args.day:
        try:
            day = dt.date.fromisoformat(args.day)
        except ValueError:
            print(f"--day {args.day!r} is not a date (write it as YYYY-MM-DD).", file=sys.stderr)
            return 2
    else:
        import duckdb

        with duckdb.connect(str(files.published), read_only=True) as con:
            day = con.execute("select max(call_date) from marts.rpt_kpi_daily where inbound > 0").fetchall()[
                0
            ][0]
        if day is None:
            print("The warehouse has no calls yet: nothing to report.", file=sys.stderr)
            return 2
    periods = content.periods_ending(day)
    if args.edition:
        due = {p.edition: p for p in periods}
        periods = [due.get(args.edition) or _period_containing(args.edition, day)]
    report_and_send(files, periods, send=not args.no_send)
    return 0


def _period_containing(edition: str, day: dt.date) -> content.Period:
    if edition == "weekly":
        first = day - dt.timedelta(days=day.isoweekday() - 1)
        return content.Period("weekly", first, first + dt.timedelta(days=6))
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return content.Period("monthly", first, following - dt.timedelta(days=1))


if __name__ == "__main__":
    sys.exit(main())
