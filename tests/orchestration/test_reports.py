"""The managers' report: its numbers equal the marts' cell by cell, its periods and alerts are
worked out by hand, and it reaches people through a real SMTP server and a real HTTP server."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
import trustme
from pypdf import PdfReader

from orchestration.publishing import WarehouseFiles
from orchestration.reports import content, delivery
from orchestration.reports.run import announce_failure, delivery_log, report_and_send, write_edition
from tests.conftest import copy_warehouse
from tests.orchestration.conftest import free_port

D = dt.date


# -- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (D(2024, 3, 9), {"daily": (D(2024, 3, 9), D(2024, 3, 9))}),  # a Saturday
        (D(2024, 3, 10), {"daily": (D(2024, 3, 10),) * 2, "weekly": (D(2024, 3, 4), D(2024, 3, 10))}),
        (
            D(2024, 2, 29),
            {"daily": (D(2024, 2, 29),) * 2, "monthly": (D(2024, 2, 1), D(2024, 2, 29))},
        ),  # leap
        (
            D(2024, 3, 31),  # a Sunday that ends a month: all three
            {
                "daily": (D(2024, 3, 31),) * 2,
                "weekly": (D(2024, 3, 25), D(2024, 3, 31)),
                "monthly": (D(2024, 3, 1), D(2024, 3, 31)),
            },
        ),
    ],
)
def test_editions_due_on_a_day(day, due):
    assert {p.edition: (p.first, p.last) for p in content.periods_ending(day)} == due


def test_the_period_before_and_the_file_names():
    march = content.Period("monthly", D(2024, 3, 1), D(2024, 3, 31))
    assert (march.before().first, march.before().last) == (D(2024, 2, 1), D(2024, 2, 29))
    assert march.name == "2024-03"
    week = content.Period("weekly", D(2024, 12, 30), D(2025, 1, 5))
    assert (week.before().first, week.before().last) == (D(2024, 12, 23), D(2024, 12, 29))
    assert week.name == "2025-W01"  # ISO week of its Monday's year-week
    day = content.Period("daily", D(2024, 3, 1), D(2024, 3, 1))
    assert (day.before().first, day.week_before().first) == (D(2024, 2, 29), D(2024, 2, 23))


# -- alerts by hand --------------------------------------------------------------------------


def _marts(con, **tables: pl.DataFrame) -> None:
    con.execute("create schema marts")
    for name, frame in tables.items():
        con.register(f"_{name}", frame)
        con.execute(f"create table marts.{name} as select * from _{name}")


def test_a_queue_is_judged_by_its_own_target_and_a_district_by_the_centers():
    """Complaints answer 85 of 100 within 20 s: below its own 90 %, so an alert; billing does the
    same against the center's 80 %: no alert. District A connects 44 of 50 (88 % < 90 %), B
    45 of 50 (90 % meets >= 90 %); A's ASA 21 s is over 20 s (<=), B's 20 s meets it."""
    queue_rows = pl.DataFrame(
        {
            "queue": ["complaints", "billing"],
            "offered": [100, 100],
            "answered": [95, 95],
            "abandoned": [5, 5],
            "short_abandoned": [0, 0],
            "abandon_base": [100, 100],
            "service_level_base": [100, 100],
            "answered_within_sl": [85, 85],
            "answered_wait_seconds": [950, 950],
            "handle_seconds": [0, 0],
            "call_date": [D(2024, 3, 1)] * 2,
        }
    )
    targets = pl.DataFrame(
        {
            "kpi_code": ["connect_rate", "service_level", "abandon_rate", "asa_seconds"],
            "target_value": [0.90, 0.80, 0.05, 20.0],
            "comparison": [">=", ">=", "<=", "<="],
        }
    )
    own = pl.DataFrame({"kpi_code": ["service_level"], "queue": ["complaints"], "target_value": [0.90],
                        "comparison": [">="]})  # fmt: skip
    queues = pl.DataFrame({"queue": ["billing", "complaints"], "queue_name_zh": ["账务", "投诉"],
                           "queue_name_en": ["Billing", "Complaints"]})  # fmt: skip
    districts = pl.DataFrame(
        {
            "district": ["a", "b", "total"],
            "district_name_zh": ["甲", "乙", "合计"],
            "district_name_en": ["A", "B", "Total"],
            "connect_rate": [44 / 50, 45 / 50, 89 / 100],
            "service_level": [None, None, None],
            "abandon_rate": [0.0, 0.0, 0.0],
            "asa_seconds": [21.0, 20.0, 20.5],
            "fcr_rate": [None, None, None],
            "csat": [None, None, None],
        }
    )
    with duckdb.connect() as con:
        _marts(con, rpt_queue_interval=queue_rows, dim_kpi_targets=targets, dim_queue_targets=own,
               dim_queues=queues)  # fmt: skip
        found = content.alerts(con, content.Period("daily", D(2024, 3, 1), D(2024, 3, 1)), districts)
    assert sorted(zip(found["scope"], found["name"], found["kpi_code"], found["target"], strict=True)) == [
        ("district", "a", "asa_seconds", 20.0),
        ("district", "a", "connect_rate", 0.90),
        ("queue", "complaints", "service_level", 0.90),
    ]
    assert found.filter(pl.col("name") == "complaints")["value"].to_list() == [0.85]


# -- refresh health by hand --------------------------------------------------------------------


def _health_store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_loaded_files as select * from (values "
        # loaded a minute before the day before the refresh (04:00 UTC on 10 March): not recent
        "(timestamp '2024-03-09 03:59:00', 100, 98, 2, 'loaded'), "
        "(timestamp '2024-03-09 04:00:00', 10, 10, 0, 'loaded'), "  # exactly a day before: recent
        "(timestamp '2024-03-10 03:00:00', 7, 5, 2, 'loaded'), "
        "(timestamp '2024-03-10 03:30:00', 0, 0, 0, 'failed')"
        ") files(loaded_at, rows_read, rows_accepted, rows_rejected, status)"
    )
    con.execute(
        "create table marts.rpt_kpi_daily as select * from (values "
        "(date '2024-03-08', 5), (date '2024-03-09', 0)) days(call_date, inbound)"
    )
    return con


def test_the_health_block_counts_the_day_before_the_refresh_and_everything_rejected():
    success = {"at": "2024-03-10T04:00:00+00:00"}
    with _health_store() as con:
        earlier = {"at": "2024-03-09T04:00:00+00:00", "reason": "an old failure"}
        shown = content.health(con, {"last_success": success, "last_failure": earlier})
        assert shown == {
            "refreshed_at_utc": "2024-03-10T04:00:00+00:00",
            "newest_call_day": D(2024, 3, 8),  # 9 March had no calls
            "files_loaded": 3,  # the three files of the 24 hours before 04:00 on 10 March
            "rows_read": 17,  # 10 + 7 + 0
            "rows_accepted": 15,  # 10 + 5 + 0
            "rows_rejected": 4,  # 2 + 2: rejected rows so far, however old
            "files_failed": 1,
            "last_failure": None,  # it failed before the refresh that succeeded
        }
        later = {"at": "2024-03-10T05:00:00+00:00", "reason": "a blocking check failed"}
        again = content.health(con, {"last_success": success, "last_failure": later})
        assert again["last_failure"] == "a blocking check failed"


# -- the report against the marts, cell by cell ------------------------------------------------


@pytest.fixture(scope="module")
def reported(published_fixture, tmp_path_factory):
    """The fixture center's daily report for its last day and its March monthly report."""
    root = tmp_path_factory.mktemp("reported")
    copy_warehouse(published_fixture, root / "warehouse.duckdb")
    files = WarehouseFiles(root / "warehouse.duckdb")
    mp = pytest.MonkeyPatch()
    mp.setenv("REPORTS_DIR", str(root / "exports"))
    mp.setenv("CENTER_NAME", "测试中心")
    try:
        daily = write_edition(files, content.Period("daily", D(2024, 3, 9), D(2024, 3, 9)))
        monthly = write_edition(files, content.Period("monthly", D(2024, 3, 1), D(2024, 3, 31)))
    finally:
        mp.undo()
    return files, daily, monthly


def _sheet_rows(path: Path, sheet: str) -> tuple[list[str], list[tuple]]:
    """The header row (the first with a fill) and the rows under it."""
    ws = openpyxl.load_workbook(path)[sheet]
    top = int(ws.freeze_panes[1:]) - 1
    rows = list(ws.iter_rows(min_row=top, values_only=True))
    return list(rows[0]), rows[1:]


def _close(a, b) -> bool:
    """Equal to 1e-9; a cell shown as m:ss is read back as a duration, compared in seconds."""
    a, b = (v.total_seconds() if isinstance(v, dt.timedelta) else v for v in (a, b))
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


def test_daily_workbook_equals_the_marts_cell_by_cell(reported):
    files, daily, _ = reported
    assert (
        daily.xlsx.name == "daily_report_2024-03-09.xlsx" and daily.pdf.name == "daily_report_2024-03-09.pdf"
    )
    header, rows = _sheet_rows(daily.xlsx, "区域日报 Districts")
    assert header[:5] == ["District 区域", "District (English) 区域(英文)", "Inbound 呼入", "Connected 接通",
                          "Connect rate 接通率"]  # fmt: skip
    columns = ["inbound", "answered", "connect_rate", "offered", "abandoned", "service_level", "abandon_rate",
               "asa_seconds", "fcr_rate", "csat"]  # fmt: skip
    with duckdb.connect(str(files.published), read_only=True) as con:
        mart = {
            r[0]: r[1:]
            for r in con.execute(
                f"select d.district_name_zh, {', '.join('r.' + c for c in columns)} "
                "from marts.dim_districts as d left join marts.rpt_district_daily as r "
                "on r.district = d.district and r.call_date = '2024-03-09' order by d.sort_order"
            ).fetchall()
        }
        total = con.execute(
            "select sum(inbound), sum(answered), sum(answered) / nullif(sum(offered), 0), sum(offered), "
            "sum(abandoned) from marts.rpt_district_daily where call_date = '2024-03-09'"
        ).fetchall()[0]
    assert [r[0] for r in rows] == [*mart, "合计"]
    for row in rows[:-1]:
        for i, column in enumerate(columns):
            cell, expected = row[2 + i], mart[row[0]][i]
            if column in {"inbound", "answered", "offered", "abandoned"} and expected is None:
                expected = None if cell is None else 0
            assert _close(cell, expected), (row[0], column, cell, expected)
    assert [rows[-1][2], rows[-1][3], rows[-1][5], rows[-1][6]] == [total[0], total[1], total[3], total[4]]
    assert _close(rows[-1][4], total[2])


def test_daily_kpis_against_the_previous_day_last_week_and_target(reported):
    files, daily, _ = reported
    header, rows = _sheet_rows(daily.xlsx, "指标 KPIs")
    assert header[:5] == [
        "KPI 指标",
        "Value 数值",
        "Period before 上期",
        "Same weekday last week 上周同日",
        "Target 目标",
    ]
    tiles = {k.code: k for k in daily.report.kpis}
    with duckdb.connect(str(files.published), read_only=True) as con:
        for code, row in zip(tiles, rows, strict=False):
            values = dict(
                con.execute(
                    f"select call_date, {code} from marts.rpt_kpi_daily "
                    "where call_date in ('2024-03-09', '2024-03-08', '2024-03-02')"
                ).fetchall()
            )
            (target,) = con.execute(
                "select max(target_value) from marts.dim_kpi_targets where kpi_code = ?", [code]
            ).fetchall()[0]
            expected = [values.get(D(2024, 3, d)) for d in (9, 8, 2)] + [target]
            assert all(_close(a, b) for a, b in zip(row[1:5], expected, strict=True)), (code, row, expected)
    # Colour follows the comparison: a met target is green, a missed one red.
    ws = openpyxl.load_workbook(daily.xlsx)["指标 KPIs"]
    top = int(ws.freeze_panes[1:])
    for i, kpi in enumerate(daily.report.kpis):
        fill = ws.cell(top + i, 2).fill.fgColor.rgb
        assert fill == {True: "FFC6EFCE", False: "FFFFC7CE"}.get(kpi.met, "00000000"), kpi.code
    assert ws.cell(top + 3, 2).number_format == "0.0%"  # connect rate
    assert any(k.met is not None for k in daily.report.kpis)


def test_monthly_rolls_up_sums_and_adds_appraisal_and_qa(reported):
    files, _, monthly = reported
    _, rows = _sheet_rows(monthly.xlsx, "区域日报 Districts")
    with duckdb.connect(str(files.published), read_only=True) as con:
        expected = dict(
            (name, (inbound, rate))
            for name, inbound, rate in con.execute(
                "select d.district_name_zh, sum(r.inbound), sum(r.answered) / nullif(sum(r.offered), 0) "
                "from marts.rpt_district_daily as r join marts.dim_districts as d using (district) "
                "where r.call_date between '2024-03-01' and '2024-03-31' group by all"
            ).fetchall()
        )
        (months,) = con.execute(
            "select count(*) from marts.rpt_appraisal_monthly where month_start = '2024-03-01'"
        ).fetchall()[0]
    for row in rows[:-1]:
        if row[0] in expected:
            assert row[2] == expected[row[0]][0] and _close(row[4], expected[row[0]][1]), row
    assert sum(r[2] or 0 for r in rows[:-1]) == rows[-1][2]
    sheets = openpyxl.load_workbook(monthly.xlsx).sheetnames
    assert "考核 Appraisal" in sheets and (months == 0 or monthly.report.appraisal.height > 0)
    assert monthly.xlsx.name == "monthly_report_2024-03.xlsx"


def test_pdf_embeds_its_cjk_font_and_says_the_numbers(reported):
    _, daily, _ = reported
    reader = PdfReader(daily.pdf)
    # pypdf reads fpdf2's two-byte codes with a NUL between characters (PDF viewers do not).
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "").replace(" ", "")
    assert "测试中心" in text and "区域日报" in text and "接通率" in text
    for row in daily.report.districts.to_dicts():
        assert row["district_name_zh"] in text
    connect = next(k for k in daily.report.kpis if k.code == "connect_rate")
    assert f"{connect.value * 100:.1f}%" in text
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]  # embedded, not referenced


# -- delivery through real servers -----------------------------------------------------------


def _center(reported, tmp_path, monkeypatch) -> WarehouseFiles:
    files, _, _ = reported
    target = tmp_path / "warehouse.duckdb"
    shutil.copyfile(files.published, target)
    shutil.copyfile(files.status, WarehouseFiles(target).status)
    monkeypatch.setenv("REPORTS_DIR", str(tmp_path / "exports"))
    return WarehouseFiles(target)


def test_email_arrives_with_both_files_for_every_recipient(reported, smtp_server, tmp_path, monkeypatch):
    files = _center(reported, tmp_path, monkeypatch)
    (written,) = report_and_send(files, content.periods_ending(D(2024, 3, 9)), say=lambda _: None)
    ((recipients, mail),) = smtp_server.messages
    assert recipients == ["boss@center.example", "ops@center.example"]
    assert mail["From"] == "wh@center.example" and "Daily report 日报 2024-03-09" in mail["Subject"]
    attached = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert attached == {
        written.xlsx.name: written.xlsx.read_bytes(),
        written.pdf.name: written.pdf.read_bytes(),
    }
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Connect rate 接通率" in body and "KPIs missed 未达标指标" in body
    (entry,) = delivery.read_log(delivery_log(files))
    assert entry["ok"] and entry["channel"] == "email" and entry["key"] == "daily 2024-03-09"


def test_the_weekly_edition_arrives_over_tls(reported, tls_smtp_server, tmp_path, monkeypatch):
    """Sunday's weekly report, sent through a mail server that speaks only TLS (STARTTLS before
    login, or TLS from the first byte), its certificate checked."""
    files = _center(reported, tmp_path, monkeypatch)
    week = content.Period("weekly", D(2024, 3, 4), D(2024, 3, 10))
    report_and_send(files, [week], say=lambda _: None)
    ((recipients, mail),) = tls_smtp_server.messages
    assert recipients == ["boss@center.example", "ops@center.example"]
    assert "Weekly report 周报 2024-W10" in mail["Subject"]
    assert {part.get_filename() for part in mail.iter_attachments()} == {
        "weekly_report_2024-W10.xlsx", "weekly_report_2024-W10.pdf"
    }  # fmt: skip
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Weekly report 周报 2024-03-04 – 2024-03-10")
    with duckdb.connect(str(files.published), read_only=True) as con:
        (offered,) = con.sql(
            "select sum(offered) from marts.rpt_district_daily "
            "where call_date between '2024-03-04' and '2024-03-10'"
        ).fetchall()[0]
    assert f"· Offered 人工呼入: {offered:,}" in body  # the week's sum, no target
    (entry,) = delivery.read_log(delivery_log(files))
    assert entry["ok"] and entry["key"] == "weekly 2024-W10"


def test_a_mail_server_whose_certificate_is_not_trusted_gets_nothing(
    reported, tls_smtp_server, tmp_path, monkeypatch
):
    files = _center(reported, tmp_path, monkeypatch)
    stranger = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    monkeypatch.setenv("SSL_CERT_FILE", str(stranger))
    report_and_send(files, content.periods_ending(D(2024, 3, 9)), say=lambda _: None)
    assert tls_smtp_server.messages == []
    log = delivery.read_log(delivery_log(files))
    assert not any(e["ok"] for e in log) and "CERTIFICATE_VERIFY_FAILED" in log[0]["detail"]


def test_a_wrong_password_is_logged_retried_and_never_raised(reported, smtp_server, tmp_path, monkeypatch):
    files = _center(reported, tmp_path, monkeypatch)
    monkeypatch.setenv("SMTP_PASSWORD", "wrong")
    said: list[str] = []
    report_and_send(files, content.periods_ending(D(2024, 3, 9)), say=said.append)
    assert smtp_server.messages == []
    log = delivery.read_log(delivery_log(files))
    assert [e["attempt"] for e in log] == [3, 2, 1] and not any(e["ok"] for e in log)
    assert "SMTPAuthenticationError" in log[0]["detail"]
    assert any("NOT sent" in line for line in said)
    assert (
        tmp_path / "exports" / "daily_report_2024-03-09.pdf"
    ).exists()  # the files are written all the same


def test_wecom_robot_gets_markdown_and_a_failed_post_is_retried(
    reported, webhook_server, tmp_path, monkeypatch
):
    files = _center(reported, tmp_path, monkeypatch)
    monkeypatch.setenv("REPORT_WEBHOOK_KIND", "wecom")
    webhook_server.answers = [(500, {}), (200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    report_and_send(files, content.periods_ending(D(2024, 3, 9)), say=lambda _: None)
    assert len(webhook_server.received) == 3  # HTTP 500, then the robot's own error, then sent
    payload = webhook_server.received[-1]
    assert (
        payload["msgtype"] == "markdown" and "Daily report 日报 2024-03-09" in payload["markdown"]["content"]
    )
    log = delivery.read_log(delivery_log(files))
    assert [(e["attempt"], e["ok"]) for e in log] == [(3, True), (2, False), (1, False)]
    assert "HTTP 500" in log[2]["detail"] and "45009" in log[1]["detail"]


def test_a_failure_is_announced_once_with_its_reason(reported, webhook_server, tmp_path, monkeypatch):
    files = _center(reported, tmp_path, monkeypatch)
    for _ in range(2):  # the runner and the failure sensor both see the run: one message
        announce_failure(files, "run-1", "load_landing_files: disk full", "2024-03-10", say=lambda _: None)
    (payload,) = webhook_server.received
    assert (
        payload["key"] == "failure run-1"
        and "disk full" in payload["text"]
        and "FAILED" in payload["subject"]
    )


def test_unreachable_servers_and_bad_settings_are_said_in_words(reported, tmp_path, monkeypatch):
    files = _center(reported, tmp_path, monkeypatch)
    monkeypatch.setenv("REPORT_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/hook")
    monkeypatch.setenv("REPORT_DELIVERY_ATTEMPTS", "two")
    monkeypatch.setenv("REPORT_RETRY_SECONDS", "0")
    monkeypatch.delenv("SMTP_HOST", raising=False)
    said: list[str] = []
    report_and_send(files, content.periods_ending(D(2024, 3, 9)), say=said.append)
    assert any("REPORT_DELIVERY_ATTEMPTS='two' is not a usable number" in line for line in said)
    log = delivery.read_log(delivery_log(files))
    assert len(log) == 3 and all("cannot reach the server" in e["detail"] for e in log)
