"""Real data sets through the whole refresh: load, dbt build and its tests, the blocking checks, the
publish, and every dashboard page. Expected counts are worked out here from the source files with
plain Python (csv and datetime), never read back from the models.

- Technion "Anonymous Bank" call log, February and August 1999 (Asia/Jerusalem, Israeli calendar);
- PwC call-centre export, January-March 2021, through the shipped mapping files (calls and surveys);
- Comcast complaints 2015 as tickets, through the shipped mapping file.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import datetime as dt
import io
import lzma
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import FIXTURES, TEST_SECRET

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboards" / "streamlit_app.py")
PAGES = ["overview", "districts_queues", "agents", "repeat_calls", "tickets", "satisfaction", "quality",
         "data_health"]  # fmt: skip


def _land(fixture: str, *folders: Path) -> str:
    """Decompress a committed copy of a real data set (tests/fixtures/*/SOURCE.md) into folders."""
    data = lzma.decompress((FIXTURES / fixture).with_suffix(Path(fixture).suffix + ".xz").read_bytes())
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / Path(fixture).name).write_bytes(data)
    return data.decode("utf-8")


def _refresh(root: Path, monkeypatch, tz: str, country: str) -> Path:
    monkeypatch.setenv("DUCKDB_DATABASE", str(root / "warehouse.duckdb"))
    monkeypatch.setenv("LANDING_DIR", str(root / "landing"))
    monkeypatch.setenv("CENTER_TIMEZONE", tz)
    monkeypatch.setenv("CENTER_COUNTRY", country)
    monkeypatch.setenv("CALLER_KEY_SECRET", TEST_SECRET)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    from orchestration.refresh import run_refresh

    assert run_refresh(instance=dg.DagsterInstance.ephemeral()), "the refresh failed"
    return root / "warehouse.duckdb"


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


_PAGES_CHECK = """
import datetime as dt, sys
from streamlit.testing.v1 import AppTest
from dashboards.access import Viewer
app, newest, pages = sys.argv[1], dt.date.fromisoformat(sys.argv[2]), sys.argv[3].split(",")
at = AppTest.from_file(app, default_timeout=90)
at.session_state["viewer"] = Viewer("test-manager", "manager")
at.run()
assert not at.exception, [e.value for e in at.exception]
assert at.date_input(key="filter_dates").value[1] == newest, at.date_input(key="filter_dates").value
assert at.date_input(key="overview_day").value == newest
assert any(newest.isoformat() in c.value and "newest" in c.value for c in at.caption)
for page in pages:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, (page, [e.value for e in at.exception])
print("pages ok")
"""


def _pages_render(warehouse: Path, monkeypatch, newest: dt.date) -> None:
    """Every page opens with no exception, on the newest complete day of the data. In a child
    process: Streamlit compiles the pages there, clear of the Dagster and dbt runs of this one
    (CPython 3.11.7 once failed to compile a page after them: "AST constructor recursion depth
    mismatch")."""
    env = {**os.environ, "DUCKDB_DATABASE": str(warehouse)}
    done = subprocess.run(
        [sys.executable, "-c", _PAGES_CHECK, APP, newest.isoformat(), ",".join(PAGES[1:])],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "pages ok" in done.stdout, done.stderr[-3000:]


# -- Technion 1999 --------------------------------------------------------------------------------


def _seconds(clock: str) -> int:
    h, m, s = (int(p) for p in clock.split(":"))
    return h * 3600 + m * 60 + s


def _technion_expected(texts: list[str]) -> dict[dt.date, collections.Counter]:
    """Per local date of attribution: inbound, offered and answered calls, by the log's own fields.

    Rows the product rejects, by the documented rules (docs/adapters.md): PHANTOM calls, negative
    VRU time, AGENT without a server or without a service start, service starting before the queue.
    A call belongs to the date it entered the queue (served from the VRU: when it was answered;
    never queued: its VRU entry); clock times wrap past midnight."""
    per_day: dict[dt.date, collections.Counter] = collections.defaultdict(collections.Counter)
    for text in texts:
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        for row in csv.DictReader(io.StringIO(text), delimiter=delimiter):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            raw_date = row["date"]
            day = (
                dt.date(1900 + int(raw_date[:2]), int(raw_date[2:4]), int(raw_date[4:6]))
                if raw_date.isdigit()
                else dt.date(1999, int(raw_date[5:7]), int(raw_date[8:10]))  # the ODS copy's 2010
            )
            entry = _seconds(row["vru_entry"])

            def after_entry(clock: str, entry: int = entry) -> int:
                t = _seconds(clock)
                return t + 86400 if t < entry else t

            queued = row["q_start"] != "0:00:00"
            agent = row["outcome"] == "AGENT"
            if (
                row["outcome"] == "PHANTOM"
                or int(row["vru_time"]) < 0
                or (agent and (row["server"] == "NO_SERVER" or row["ser_start"] == "0:00:00"))
                or (
                    queued
                    and row["ser_start"] != "0:00:00"  # any outcome: a HANG may carry a service start too
                    and after_entry(row["ser_start"]) < after_entry(row["q_start"])
                )
            ):
                continue
            # Attributed at the queue entry; a call served straight from the VRU entered the queue
            # when it was answered; an IVR-only call at its VRU entry.
            at = row["q_start"] if queued else row["ser_start"] if agent else row["vru_entry"]
            attributed = day + dt.timedelta(days=1 if after_entry(at) >= 86400 else 0)
            counts = per_day[attributed]
            counts["inbound"] += 1
            counts["offered"] += queued or agent  # served straight from the VRU: queued on answer
            counts["answered"] += agent
    return per_day


@pytest.fixture(scope="module")
def technion(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("technion")
    folder = root / "landing" / "calls" / "technion"
    texts = [_land(f"technion/{name}", folder) for name in ("data_anonymous_bank_february.txt",
                                                            "august1999_from_ods.csv")]  # fmt: skip
    (folder / "_format.yaml").write_text("format: technion_bank\ndistrict: shiqu\nyear: 1999\n")
    try:
        yield _refresh(root, mp, "Asia/Jerusalem", "IL"), _technion_expected(texts)
    finally:
        mp.undo()


def test_technion_1999_every_day_and_every_count(technion):
    warehouse, expected = technion
    marts = {
        day: collections.Counter(inbound=i, offered=o, answered=a)
        for day, i, o, a in _query(
            warehouse,
            "select call_date, inbound, offered, answered from marts.rpt_kpi_daily where inbound > 0",
        )
    }
    assert len(expected) == 28 + 31  # every day of both months, none outside them
    assert marts == expected
    assert sum(c["answered"] for c in expected.values()) == 26550 + 30913  # as tests/ingest/test_technion.py


def test_technion_1999_calendar_is_israels(technion):
    warehouse, _ = technion
    rows = dict(_query(warehouse, "select call_date, (iso_weekday, day_type) from marts.rpt_kpi_daily"))
    assert rows[dt.date(1999, 2, 1)] == (1, "ordinary")  # a Monday
    assert rows[dt.date(1999, 8, 1)] == (7, "ordinary")  # a Sunday: a workday in Israel
    weekend = _query(warehouse, "select is_weekend from marts.dim_dates where date_day = '1999-02-05'")
    assert weekend == [(True,)]  # a Friday


def test_technion_1999_partition_refreshes_by_its_own_date(technion, monkeypatch):
    """A refresh (a backfill) for a day of 1999: the partition exists, the run publishes and records
    it, and the rebuild of its window leaves the marts as they were."""
    warehouse, _ = technion
    before = _query(warehouse, "select * from marts.rpt_kpi_daily order by call_date")
    monkeypatch.setenv("DUCKDB_DATABASE", str(warehouse))
    monkeypatch.setenv("LANDING_DIR", str(warehouse.parent / "landing"))
    monkeypatch.setenv("CENTER_TIMEZONE", "Asia/Jerusalem")
    monkeypatch.setenv("CENTER_COUNTRY", "IL")
    from orchestration.publishing import WarehouseFiles, read_status
    from orchestration.refresh import run_refresh

    assert run_refresh("1999-02-28", instance=dg.DagsterInstance.ephemeral())
    assert read_status(WarehouseFiles(warehouse))["last_success"]["partition"] == "1999-02-28"
    assert _query(warehouse, "select * from marts.rpt_kpi_daily order by call_date") == before


def test_technion_1999_report_is_of_its_newest_day_and_counts_its_calls(technion):
    """The refresh (of yesterday's partition) reported the newest day with calls, 31 August 1999
    (a Tuesday), and the month that day completes; the workbook's figures are the source's."""
    import openpyxl

    warehouse, expected = technion
    newest = max(expected)
    folder = warehouse.parent / "reports"
    written = {p.name for p in folder.iterdir()}  # (a test below refreshes February's last day too)
    assert {
        f"daily_report_{newest}.pdf", f"daily_report_{newest}.xlsx",
        f"monthly_report_{newest:%Y-%m}.pdf", f"monthly_report_{newest:%Y-%m}.xlsx",
    } <= written  # fmt: skip
    assert not any(str(dt.date.today().year) in name for name in written)  # never an empty "yesterday"
    sheet = openpyxl.load_workbook(folder / f"daily_report_{newest}.xlsx")["指标 KPIs"]
    shown = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert (shown["Inbound 呼入"], shown["Offered 人工呼入"], shown["Connected 接通"]) == (
        expected[newest]["inbound"], expected[newest]["offered"], expected[newest]["answered"],
    )  # fmt: skip
    month = openpyxl.load_workbook(folder / f"monthly_report_{newest:%Y-%m}.xlsx")["指标 KPIs"]
    shown = {row[0]: row[1] for row in month.iter_rows(min_row=4, values_only=True) if row[0]}
    august = [c for day, c in expected.items() if day.month == 8]
    assert shown["Connected 接通"] == sum(c["answered"] for c in august) == 30913


def test_technion_1999_pages_open_on_its_newest_day(technion, monkeypatch):
    warehouse, expected = technion
    _pages_render(warehouse, monkeypatch, max(d for d in expected if d.month == 8))


# -- PwC 2021, calls and surveys through mapping files ---------------------------------------------


@contextlib.contextmanager
def _report_export(tmp_path_factory, fixture: str, folders: tuple[str, ...], tz: str, country: str):
    """A published warehouse of one real CSV export landed in `folders`, and the file's rows."""
    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp(Path(fixture).parent.name)
    text = _land(fixture, *(root / "landing" / folder for folder in folders))
    try:
        yield _refresh(root, mp, tz, country), list(csv.DictReader(io.StringIO(text)))
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def pwc(tmp_path_factory):
    with _report_export(
        tmp_path_factory, "pwc/call_centre_dataset.csv", ("calls", "surveys"), "Europe/Zurich", "CN"
    ) as published:
        yield published


def test_pwc_calls_every_day_and_every_count(pwc):
    warehouse, rows = pwc
    expected = collections.defaultdict(lambda: [0, 0, 0, 0.0])
    for row in rows:
        day = expected[dt.date.fromisoformat(row["date"])]
        day[0] += 1
        if row["answered"] == "Y":
            day[1] += 1
            day[3] += float(row["speed_of_answer_s"])
        else:
            day[2] += 1  # unanswered, wait not recorded: an abandon, never a short one
    marts = {
        day: [offered, answered, abandoned, wait]
        for day, offered, answered, abandoned, short, wait in _query(
            warehouse,
            "select call_date, offered, answered, abandoned, short_abandoned, answered_wait_seconds "
            "from marts.rpt_kpi_daily",
        )
        if short == 0
    }
    assert len(marts) == len(expected) == 90
    assert marts == {day: list(v) for day, v in expected.items()}
    # The source's own dashboard figures: 4,054 of 5,000 answered (81.1 %), ASA 67.5 s.
    (connect, asa) = _query(
        warehouse, "select sum(answered) / sum(offered), sum(answered_wait_seconds) / sum(answered) "
        "from marts.rpt_kpi_daily"
    )[0]  # fmt: skip
    assert (round(connect, 4), round(asa, 2)) == (0.8108, 67.52)


def test_pwc_satisfaction_through_the_surveys_mapping(pwc):
    warehouse, rows = pwc
    ratings = [int(r["satisfaction_rating"]) for r in rows if r["satisfaction_rating"]]
    (sent, responses, scored, mean) = _query(
        warehouse,
        "select count(*), count(responded_at), count(csat_score), avg(csat_score) "
        "from marts.fct_survey_responses",
    )[0]
    assert (sent, responses, scored) == (5000, len(ratings), len(ratings)) == (5000, 4054, 4054)
    assert mean == pytest.approx(sum(ratings) / len(ratings))  # 3.40 in the source's dashboard


def test_pwc_pages_open_on_its_newest_day(pwc, monkeypatch):
    _pages_render(pwc[0], monkeypatch, dt.date(2021, 3, 31))


# -- Comcast 2015 complaints as tickets ------------------------------------------------------------


@pytest.fixture(scope="module")
def comcast(tmp_path_factory):
    with _report_export(
        tmp_path_factory,
        "comcast/Comcast_telecom_complaints_data.csv",
        ("tickets",),
        "America/New_York",
        "US",
    ) as published:
        yield published


def test_comcast_tickets_every_day_and_every_count(comcast):
    warehouse, rows = comcast
    # Date_month_year is unambiguous (22-Apr-15); the Date column mixes two orders.
    expected = collections.Counter(
        dt.datetime.strptime(r["Date_month_year"], "%d-%b-%y").date() for r in rows
    )
    marts = dict(
        _query(warehouse, "select created_date, sum(created) from marts.rpt_ticket_sla_daily group by 1")
    )
    assert sum(expected.values()) == len(rows) == 2224
    assert marts == dict(expected)
    assert _query(warehouse, "select count(*), count(distinct ticket_id) from marts.fct_tickets") == [
        (2224, 2224)
    ]


def test_comcast_pages_open_on_its_newest_day(comcast, monkeypatch):
    _pages_render(comcast[0], monkeypatch, dt.date(2015, 12, 6))
