"""Every contract rule: valid files load without a single rejection, and each broken row of the
invalid fixtures is rejected with exactly the rule written in its `expected_rule` column."""

from __future__ import annotations

import csv

import pytest

from tests.conftest import FIXTURES, place

SOURCES = ["calls", "tickets", "surveys", "qa", "agents"]
RAW_COUNTS = {
    "calls": ("raw.calls", 11),
    "tickets": ("raw.ticket_history", 5),
    "surveys": ("raw.surveys", 4),
    "qa": ("raw.qa_evaluations", 4),
    "agents": ("raw.agent_history", 7),
}


def test_valid_files_load_without_rejections(landing, load, query):
    for source in SOURCES:
        place(landing, source, f"valid/{source}.csv")
    report = load()
    assert [f.message for f in report.files if f.status == "failed"] == []
    assert query("select count(*) from raw.rejected_rows") == [(0,)]
    for source, (table, expected) in RAW_COUNTS.items():
        assert query(f"select count(*) from {table}") == [(expected,)], source
    totals = report.totals()
    assert totals["rows_read"] == totals["rows_accepted"] == sum(n for _, n in RAW_COUNTS.values())


def _expected_rules(source: str) -> dict[int, str]:
    with open(FIXTURES / "invalid" / f"{source}.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Row 1 is the header, so the first data row is row 2 (as a spreadsheet numbers it).
    return {i: row["expected_rule"] for i, row in enumerate(rows, start=2) if row["expected_rule"]}


@pytest.mark.parametrize("source", SOURCES)
def test_each_broken_row_is_rejected_with_its_rule(source, landing, load, query):
    place(landing, source, f"invalid/{source}.csv")
    report = load()
    (result,) = report.files
    expected = _expected_rules(source)
    got = dict(query("select row_number, rule from raw.rejected_rows order by row_number"))
    assert got == expected
    assert result.rows_read == result.rows_accepted + result.rows_rejected
    assert result.rows_rejected == len(expected)
    # The extra `expected_rule` column is ignored, and said so.
    assert "ignored extra column(s): expected_rule" in result.message


def test_rejected_rows_keep_file_rule_column_and_masked_values(landing, load, query):
    place(landing, "calls", "invalid/calls.csv")
    load()
    rows = query(
        "select file_path, column_name, message, raw_values->>'call_id', raw_values->>'caller_number' "
        "from raw.rejected_rows where row_number = 11"
    )
    assert rows == [
        (
            "calls/calls.csv",
            "district",
            "district is not a code or name in seeds/districts.csv",
            "I009",
            "138****5678",
        )
    ]


def test_a_row_breaking_several_rules_lists_them_all(landing, load, query):
    (landing / "calls").mkdir()
    (landing / "calls" / "multi.csv").write_text(
        "call_id,caller_number,district,started_at,answered_at,ended_at\n"
        "M1,1380000,nowhere,2024-03-01 08:30:00,2024-03-01 08:31:00,2024-03-01 08:29:00\n",
        encoding="utf-8",
    )
    load()
    ((rule, rules),) = query("select rule, rules from raw.rejected_rows")
    assert rule == "unknown_district"
    assert set(rules.split(",")) == {
        "unknown_district", "answered_without_queued", "answered_without_agent", "timestamp_order",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("calls_missing_district.csv", "missing required column(s) district"),
        ("calls_duplicate_header.csv", "names column 'call_id' twice"),
        ("calls_empty.csv", "the file is empty"),
        ("calls_random_bytes.csv", ""),
    ],
)
def test_unreadable_files_are_recorded_and_the_load_goes_on(fixture, reason, landing, load, query):
    place(landing, "calls", f"invalid/{fixture}")
    place(landing, "calls", "valid/calls.csv")
    report = load()
    failed = report.of("failed")
    assert [f.path for f in failed] == [f"calls/{fixture}"]
    assert reason in failed[0].message
    assert query("select file_path, status, rows_read from raw.loaded_files order by file_path") == [
        ("calls/calls.csv", "loaded", 11),
        (f"calls/{fixture}", "failed", 0),
    ]
    assert query("select count(*) from raw.calls") == [(11,)]


def test_missing_optional_columns_take_their_defaults(landing, load, query):
    (landing / "calls").mkdir()
    (landing / "calls" / "minimal.csv").write_text(
        "call_id,caller_number,district,started_at,ended_at\n"
        "MIN1,13800000000,shiqu,2024-03-01 08:30:00,2024-03-01 08:31:00\n",
        encoding="utf-8",
    )
    load()
    assert query("select segment, hold_seconds, queue from raw.calls") == [(1, 0, None)]
