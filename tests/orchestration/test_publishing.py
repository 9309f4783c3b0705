"""Publishing without copying history: the published file is the spare brought up to date with
the days that changed, and it must equal a whole copy of the store's marts."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest

from orchestration.publishing import WarehouseFiles, publish, read_status
from tests.conftest import copy_warehouse, store_of
from tests.orchestration.test_refresh import NEW_CALL, _refresh

pytestmark = pytest.mark.slow
NEW_TICKET = (
    "ticket_id,ticket_type,severity,reason_code,district,call_id,caller_number,created_at,department\n"
    "NT1,complaint,,repair_delay,shiqu,N1,13800000099,2024-03-09 12:05:00,customer_service\n"
)


_ANALYST = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from marts.fct_calls").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from marts.fct_calls").fetchone()[0], flush=True)
"""


def _tables(path) -> dict[str, list[tuple]]:
    """Every published table, its rows sorted (a table's identity for comparison)."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where schema_name in ('marts', 'meta') and table_name <> 'publish_state' order by 1"
        ).fetchall()
        return {name: sorted(con.execute(f"select * from {name}").fetchall(), key=repr) for (name,) in names}


def _whole_copy(store, folder):
    """What a publish from nothing gives for this store: every mart copied whole."""
    files = WarehouseFiles(folder / "fresh.duckdb")
    folder.mkdir()
    shutil.copyfile(store, files.store)
    report = publish(files)
    assert report.fresh_file and not report.days_replaced
    return files.published


def test_a_new_day_replaces_only_its_days_and_equals_a_whole_copy(
    center, published_fixture, tmp_path, smtp_server
):
    copy_warehouse(published_fixture, center["warehouse"])
    files = WarehouseFiles(center["warehouse"])
    shutil.copyfile(files.published, files.spare)  # the previous publish's file, as a refresh leaves it
    (center["landing"] / "calls" / "new.csv").write_text(NEW_CALL, encoding="utf-8")
    (center["landing"] / "tickets" / "new.csv").write_text(NEW_TICKET, encoding="utf-8")
    assert _refresh()

    with duckdb.connect(str(published_fixture), read_only=True) as con:
        (before,) = con.execute("select change_id from meta.publish_state").fetchone()
        open_before = {
            r[0]
            for r in con.execute("select ticket_id from marts.fct_tickets where not is_resolved").fetchall()
        }
    with duckdb.connect(str(files.published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_calls where call_id = 'N1'").fetchone()[0] == 1
        (after,) = con.execute("select change_id from meta.publish_state").fetchone()
    with duckdb.connect(str(files.store), read_only=True) as con:
        rebuilt = con.execute(
            "select model_name, rebuilt_from from meta.mart_changes where change_id > ? and change_id <= ?",
            [before, after],
        ).fetchall()
    # Every incremental model logged the days it rebuilt, none the whole table: the partition's
    # run rebuilds from the partition day less fcr_window_days + 1 (here the fixture's first day).
    daily = {"fct_calls", "fct_call_segments", "rpt_kpi_daily", "rpt_district_daily", "rpt_queue_interval",
             "int_calls_fcr_flagged", "int_calls_collapsed", "int_call_segments_classified"}  # fmt: skip
    # Surveys trail their own newest day (the fixture's were all sent on 1 March: from 22 Feb);
    # the QA sample rebuilds whole months (from the month of 22 Feb).
    others = {"fct_survey_responses": "2024-02-22", "rpt_qa_sample_monthly": "2024-02-01"}
    # Tickets are rebuilt by key: the new one (its call is new too) and the ones still open.
    with duckdb.connect(str(files.store), read_only=True) as con:
        keys = {
            r[0]
            for r in con.execute(
                "select key_value from meta.mart_changed_keys join meta.mart_changes using (change_id) "
                "where model_name = 'fct_tickets' and by_key and change_id > ? and change_id <= ?",
                [before, after],
            ).fetchall()
        }
    assert keys == {"NT1"} | open_before and open_before
    assert ("fct_tickets", None) in rebuilt
    rebuilt.remove(("fct_tickets", None))
    assert {model for model, _ in rebuilt} == daily | set(others)
    assert {str(day) for model, day in rebuilt if model in daily} == {"2024-03-01"}
    assert {model: str(day) for model, day in rebuilt if model in others} == others
    published = read_status(files)["last_success"]["published"]
    assert "fct_calls from 2024-03-01" in published and "new published file" not in published
    assert "fct_tickets: rows rebuilt" in published
    assert _tables(files.published) == _tables(_whole_copy(files.store, tmp_path / "fresh"))
    assert files.spare.exists() and not files.next.exists()
    # The refresh sent the day's report, made from what it published, to the managers.
    ((recipients, mail),) = smtp_server.messages
    assert recipients == ["boss@center.example", "ops@center.example"]
    assert "Daily report 日报 2024-03-09" in mail["Subject"]
    names = {part.get_filename() for part in mail.iter_attachments()}
    assert names == {"daily_report_2024-03-09.xlsx", "daily_report_2024-03-09.pdf"}
    assert (center["root"] / "reports" / "daily_report_2024-03-09.pdf").exists()


def test_a_reader_holding_the_spare_gets_a_new_file_written_instead(center, published_fixture, tmp_path):
    copy_warehouse(published_fixture, center["warehouse"])
    files = WarehouseFiles(center["warehouse"])
    shutil.copyfile(files.published, files.spare)
    # An old generation still open in an analyst's session: another process, as in life (DuckDB's
    # file locks do not stop a second connection of the same process).
    analyst = subprocess.Popen(
        [sys.executable, "-c", _ANALYST, str(files.spare)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    before = int(analyst.stdout.readline())
    (center["landing"] / "calls" / "new.csv").write_text(NEW_CALL, encoding="utf-8")
    assert _refresh()
    analyst.stdin.write("again\n")
    analyst.stdin.flush()
    assert int(analyst.stdout.readline()) == before  # its file was left alone
    analyst.wait(timeout=30)
    assert read_status(files)["last_success"]["published"].startswith("a new published file")
    with duckdb.connect(str(files.published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_calls").fetchone()[0] == before + 1
    assert _tables(files.published) == _tables(_whole_copy(store_of(files.published), tmp_path / "fresh"))


def test_readers_see_marts_only(published_fixture):
    with duckdb.connect(str(published_fixture), read_only=True) as con:
        schemas = {
            row[0] for row in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        }
    assert schemas == {"marts", "meta"}  # no raw rows, rejected lines or intermediate tables


def test_a_spare_mostly_of_freed_blocks_is_replaced_by_a_new_file(tmp_path):
    """Replaced days leave free blocks that DuckDB reuses but never returns: past MAX_FREE_SHARE
    the publish starts a new file instead of growing the old one."""
    from orchestration.publishing import MAX_FREE_SHARE, _prepare_next

    files = WarehouseFiles(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(files.spare)) as con:
        con.execute("create table kept as select range as n from range(100000)")
        con.execute("create table dropped as select range as n, md5(range::varchar) as t from range(2000000)")
        con.execute("checkpoint")
    assert _prepare_next(files) is False and files.next.exists()  # nearly all used: reused
    with duckdb.connect(str(files.next)) as con:
        con.execute("drop table dropped")
        con.execute("checkpoint")
        free, total = con.execute("select free_blocks, total_blocks from pragma_database_size()").fetchall()[
            0
        ]
    assert free / total > MAX_FREE_SHARE
    assert _prepare_next(files) is True and not files.next.exists()  # a new file, written whole
