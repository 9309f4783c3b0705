"""Loading twice changes nothing; re-exports are de-duplicated or reported; tickets keep history;
no caller number reaches the warehouse in clear."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from ingest.pii import caller_key, digits_of, mask_digits, redact_text
from tests.conftest import FIXTURES, SECRET, place

SOURCES = ["calls", "tickets", "surveys", "qa", "agents"]
TABLES = ["raw.calls", "raw.tickets", "raw.ticket_history", "raw.surveys", "raw.qa_evaluations",
          "raw.agents", "raw.agent_history", "raw.rejected_rows", "raw.loaded_files"]  # fmt: skip


def _counts(query) -> dict[str, int]:
    return {t: query(f"select count(*) from {t}")[0][0] for t in TABLES}


def test_loading_the_same_folder_twice_changes_nothing(landing, load, query):
    for source in SOURCES:
        place(landing, source, f"valid/{source}.csv")
        place(landing, source, f"invalid/{source}.csv", f"bad_{source}.csv")
    load()
    first = _counts(query)
    report = load()
    assert _counts(query) == first
    assert {f.status for f in report.files} == {"skipped"}


def test_same_content_under_another_name_is_not_loaded_again(landing, load, query):
    place(landing, "calls", "valid/calls.csv")
    load()
    place(landing, "calls", "valid/calls.csv", "calls_copy.csv")
    report = load()
    (copy,) = [f for f in report.files if f.path == "calls/calls_copy.csv"]
    assert copy.status == "skipped" and "same content as calls/calls.csv" in copy.message
    assert query("select count(*) from raw.calls") == [(11,)]


def test_a_loaded_file_unchanged_since_is_passed_over_without_reading_it(landing, load, query):

    path = place(landing, "calls", "valid/calls.csv")
    load()
    before = os.stat(path)
    # Same path, size and modification time, other bytes: had the loader read the file, it would
    # have loaded (or rejected) it as new content. It trusts the fingerprint, as make does.
    scrambled = bytes(reversed(path.read_bytes()))
    path.write_bytes(scrambled)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    (result,) = load().files
    assert (result.status, result.message) == ("skipped", "already loaded")
    assert query("select count(*) from raw.loaded_files") == [(1,)]
    # Any write moves the modification time: the content decides again, and is loaded.
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    (result,) = load().files
    assert result.status != "skipped"
    assert query("select count(*) from raw.loaded_files") == [(2,)]


def test_a_touched_file_with_the_same_content_is_skipped_and_its_time_kept(landing, load, query):

    path = place(landing, "calls", "valid/calls.csv")
    load()
    later = os.stat(path).st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    (result,) = load().files
    assert result.status == "skipped"
    assert query("select modified_ns from raw.loaded_files") == [(later,)]


def test_reexport_identical_rows_counted_once_conflicts_rejected(landing, load, query):
    place(landing, "calls", "valid/calls.csv")
    load()
    text = (FIXTURES / "valid" / "calls.csv").read_text(encoding="utf-8").splitlines()
    # A re-export: V001 identical, V002 with another end time (a conflict), one new call.
    v002 = text[2].replace("2024-03-01T09:00:19+08:00", "2024-03-01T09:00:29+08:00")
    new = text[1].replace("V001", "V099")
    (landing / "calls" / "reexport.csv").write_text(
        "\n".join([text[0], text[1], v002, new]) + "\n", encoding="utf-8"
    )
    report = load()
    (result,) = [f for f in report.files if f.path == "calls/reexport.csv"]
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_duplicate) == (
        3,
        2,
        1,
        1,
    )
    assert query("select count(*) from raw.calls") == [(12,)]
    assert query("select row_number, rule from raw.rejected_rows") == [(3, "conflicts_with_loaded_row")]


def test_a_row_lost_between_validation_and_the_table_shows_in_the_file_log(landing, load, query, monkeypatch):
    # Accepted rows are counted in the raw table, not as read - rejected: a loader that lost a
    # row on the way (here, an insert that drops the last row) leaves read != accepted +
    # rejected, which fct_loaded_files.is_accounted_for (tested true) makes the refresh fail on.
    from ingest import warehouse

    insert = warehouse.insert_rows
    monkeypatch.setattr(
        warehouse,
        "insert_rows",
        lambda con, source, rows, file_id: insert(con, source, rows.head(-1), file_id),
    )
    place(landing, "calls", "valid/calls.csv")
    (result,) = load().files
    assert result.rows_read == 11 and result.rows_rejected == 0
    assert result.rows_accepted == 10
    assert query("select rows_read = rows_accepted + rows_rejected from raw.loaded_files") == [(False,)]


def test_tickets_newest_state_wins_and_history_is_kept(landing, load, query):
    place(landing, "tickets", "valid/tickets.csv")
    load()
    # TV001 appears twice in the file: created only, then resolved + closed + called back.
    assert query("select resolved_at, callback_result from raw.tickets where ticket_id = 'TV001'") == [
        (dt.datetime(2024, 3, 1, 12, 0), "satisfied")
    ]
    assert query("select count(*) from raw.ticket_history where ticket_id = 'TV001'") == [(2,)]
    # A later export with an older state (no resolution yet) does not roll the ticket back.
    (landing / "tickets" / "late.csv").write_text(
        "ticket_id,ticket_type,district,created_at\nTV001,repair,shiqu,2024-03-01 08:36:00\n",
        encoding="utf-8",
    )
    load()
    assert query("select callback_result from raw.tickets where ticket_id = 'TV001'") == [("satisfied",)]
    assert query("select count(*) from raw.tickets") == [(4,)]


def test_roster_newest_file_wins(landing, load, query):
    place(landing, "agents", "valid/agents.csv", "roster_1.csv")
    load()
    (landing / "agents" / "roster_2.csv").write_text(
        "agent_id,agent_name,team,role\n1002,李强,Team 3,agent\n", encoding="utf-8"
    )
    load()
    assert query("select team from raw.agents where agent_id = '1002'") == [("Team 3",)]
    assert query("select count(*) from raw.agents") == [(7,)]


def test_caller_numbers_become_keys_and_masks():
    assert mask_digits("13812345678") == "138****5678"
    assert digits_of("anonymous") is None and digits_of("") is None and digits_of(None) is None
    assert digits_of("+86 138-1234-5678") == digits_of("13812345678") == "13812345678"
    assert caller_key("13812345678", b"a") != caller_key("13812345678", b"b")
    assert len(caller_key("13812345678", b"a")) == 64
    assert redact_text("请回电 13812345678，谢谢") == "请回电 138****5678，谢谢"
    assert redact_text("订单号 12345") == "订单号 12345"


def test_same_caller_same_key_anonymous_no_key(landing, load, query):
    place(landing, "calls", "valid/calls.csv")
    load()
    keys = dict(query("select call_id, caller_key from raw.calls where segment = 1"))
    assert keys["V003"] is None and keys["V004"] is None  # 'anonymous' and empty
    assert keys["V001"] == caller_key("13812345678", SECRET)
    assert keys["V006"] == caller_key("13900002222", SECRET)  # +86 prefix and spaces folded


def test_no_caller_number_in_clear_anywhere_in_the_file(landing, load, warehouse):
    for source in SOURCES:
        place(landing, source, f"valid/{source}.csv")
        place(landing, source, f"invalid/{source}.csv", f"bad_{source}.csv")
    load()
    numbers = set()
    for folder in ("valid", "invalid"):
        for path in (FIXTURES / folder).glob("*.csv"):
            numbers |= set(re.findall(rb"1[3-9]\d{9}|025-?\d{8}", path.read_bytes()))
    assert numbers, "the fixtures should contain caller numbers"
    data = warehouse.read_bytes()
    digits_only = {re.sub(rb"\D", b"", n) for n in numbers}
    leaked = [n for n in numbers | digits_only if n in data]
    assert leaked == []


def test_no_caller_number_in_any_text_column(landing, load, query):
    """The byte scan above can miss compressed strings; this one reads every text column."""
    for source in SOURCES:
        place(landing, source, f"valid/{source}.csv")
        place(landing, source, f"invalid/{source}.csv", f"bad_{source}.csv")
    load()
    columns = query(
        "select table_schema || '.' || table_name, column_name from information_schema.columns "
        "where data_type in ('VARCHAR', 'JSON')"
    )
    assert len(columns) > 40
    needles = ["13812345678", "13900002222", "52345678", "13700007777"]
    for table, column in columns:
        for needle in needles:
            hits = query(
                f'select count(*) from {table} where cast("{column}" as varchar) like ?', [f"%{needle}%"]
            )
            assert hits == [(0,)], f"{needle} in {table}.{column}"
    # ...and the masked form is there, so the scan reads real data.
    assert query("select count(*) > 0 from raw.calls where caller_number_masked = '138****5678'") == [(True,)]


def test_vectorised_keys_and_masks_equal_the_per_number_definition():
    """protect_numbers (Polars + precomputed HMAC pads) gives exactly caller_key() and
    mask_digits() of digits_of() for every kind of number, with a short and a long secret."""
    import random

    import polars as pl

    from ingest import pii

    rng = random.Random(7)
    values = [
        None,
        "",
        " ",
        "anonymous",
        "PRIVATE",
        "匿名",
        "+86 138 1234 5678",
        "0086 13812345678",
        "86-13812345678",
        "8613812345678",
        "(025) 8765-4321",
        "12",
        "5",
        "123",
        "abc",
        "13812345678",
        "#key:not-a-key:13812345678",
    ]  # fmt: skip  (a look-alike is a number)
    values += [f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}" for _ in range(2000)]
    for secret in (b"short", b"k" * 100):
        got = pii.protect_numbers(pl.Series(values, dtype=pl.String), secret)
        digits = [pii.digits_of(v) for v in values]
        assert got["caller_key"].to_list() == [pii.caller_key(d, secret) if d else None for d in digits]
        assert got["caller_number_masked"].to_list() == [
            pii.mask_digits(d) if d else ("anonymous" if v is not None else None)
            for v, d in zip(values, digits, strict=True)
        ]


@pytest.mark.parametrize(
    ("comment", "stored"),
    [
        ("我叫张三，电话13812345678", "我叫某某，电话138****5678"),
        ("我姓王，宽带又断了", "我姓某，宽带又断了"),
        ("张先生说宽带坏了", "某先生说宽带坏了"),
        ("客户姓名：李四", "客户姓名：某某"),
        ("联系人: 王五 138 1234 5678", "联系人: 某某 138****5678"),
        ("My name is John Smith, please call back", "My name is ***, please call back"),
        ("Mr. Smith was kind", "Mr. *** was kind"),
        # Without a cue a word is not taken for a name: the comment stays readable.
        ("服务很好，谢谢", "服务很好，谢谢"),
        ("The agent was great", "The agent was great"),
    ],
)
def test_names_written_in_comments_are_masked_after_their_cue(comment, stored):
    assert redact_text(comment) == stored


PLANTED = {
    "13912345678": "queue_log line with a bad time",
    "13712345678": "queue_log line without a call id",
    "13612345678": "CDR line with too few fields, with a caller name",
    "Li Si": "the caller name of that CDR line",
    "13512345678": "survey comment, written 135.1234.5678",
    "13412345678": "survey comment, written (134)1234-5678",
    "张三": "a name in a survey comment (我叫张三)",
    "13312345678": "caller of a queue_log call still open at the end of the file (held)",
    "13212345678": "canonical calls row with a bad time",
    "13112345678": "canonical tickets row with a bad time",
}


def plant_personal_data(landing: Path) -> None:
    """Bad lines of every switch format and a survey comment, each carrying a PLANTED value."""
    queue_log = landing / "calls" / "asterisk_queue_log"
    queue_log.mkdir(parents=True)
    (queue_log / "_format.yaml").write_text("format: asterisk_queue_log\ndistrict: shiqu\n")
    (queue_log / "queue_log-20240301").write_text(
        "notatime|1709251200.1|support|NONE|ENTERQUEUE||13912345678|1\n"
        "1709251201||support|NONE|ENTERQUEUE||13712345678|1\n"
        "1709251300|1709251300.5|support|NONE|ENTERQUEUE||13312345678|1\n"
    )
    cdr = landing / "calls" / "asterisk_cdr"
    cdr.mkdir(parents=True)
    (cdr / "_format.yaml").write_text("format: asterisk_cdr\ndistrict: shiqu\n")
    (cdr / "Master.csv").write_text('"","13612345678","96296","from-pstn","""Li Si"" <13612345678>"\n')
    (landing / "calls" / "planted.csv").write_text(
        "call_id,segment,caller_number,service_number,district,queue,started_at,queued_at,answered_at,ended_at\n"
        "P1,1,13212345678,96296,shiqu,repair,not a time,,,2024-03-01 08:35:00\n"
    )
    tickets = landing / "tickets"
    tickets.mkdir(exist_ok=True)
    (tickets / "planted.csv").write_text(
        "ticket_id,ticket_type,severity,reason_code,district,call_id,caller_number,created_at\n"
        "TP1,repair,general,signal_fault,shiqu,P1,13112345678,yesterday\n"
    )
    surveys = landing / "surveys"
    surveys.mkdir(exist_ok=True)
    (surveys / "planted.csv").write_text(
        "survey_id,call_id,channel,sent_at,responded_at,csat_score,comment\n"
        "S1,C1,sms,2024-03-01 10:00:00,2024-03-01 10:05:00,2,"
        "我叫张三 call me on 135.1234.5678 or (134)1234-5678\n"
    )


def planted_in(text: str) -> list[str]:
    """What of PLANTED a stored value or a log holds (numbers with any separators between digits)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return [
        what
        for planted, what in PLANTED.items()
        if (planted in digits if planted.isdigit() else planted in text)
    ]


def test_bad_lines_of_every_format_store_no_number_or_name_in_clear(landing, load, query):
    """Rejected switch lines are kept for the record, redacted: every column of every table of
    the warehouse is scanned for the planted numbers (digits only, separators dropped) and names."""
    plant_personal_data(landing)
    report = load()
    # The two queue_log lines, the CDR line, the canonical calls and tickets rows.
    assert report.totals()["rows_rejected"] == 5
    tables = query(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_schema not in ('information_schema', 'pg_catalog')"
    )
    found = []
    for schema, table, column in tables:
        values = query(f'select distinct cast("{column}" as varchar) from {schema}.{table}')
        found += [
            (f"{schema}.{table}.{column}", what) for (value,) in values for what in planted_in(str(value))
        ]
    assert found == []
    assert query("select count(*) from raw.queue_log_held") == [(1,)]  # the open call is held
    # What is kept stays useful: the rule, the line number, the time and call id of the line.
    (line,) = query("select raw_values->>'line' from raw.rejected_rows where rule = 'missing_callid'")[0]
    assert line == "1709251201||support|NONE|ENTERQUEUE||137****5678|1"
