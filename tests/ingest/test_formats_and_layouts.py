"""The same rows in every accepted encoding and format, and through vendor mapping files."""

from __future__ import annotations

import polars as pl
import pytest

from ingest.readers import FileRejected, decode_text
from tests.conftest import FIXTURES, place

CONTENT_COLUMNS = (
    "call_id, segment, caller_key, district, queue, "
    "started_at, answered_at, ended_at, hold_seconds, reason_code"
)


def _calls(query) -> list[tuple]:
    return query(f"select {CONTENT_COLUMNS} from raw.calls order by call_id, segment")


@pytest.fixture
def reference(tmp_path_factory):
    """raw.calls from the canonical UTF-8 CSV fixture."""
    from ingest.loader import load_landing

    root = tmp_path_factory.mktemp("reference")
    place(root / "landing", "calls", "valid/calls.csv")
    load_landing(
        root / "landing", root / "w.duckdb", tz="Asia/Shanghai", secret=b"test-secret", progress=None
    )
    import duckdb

    with duckdb.connect(str(root / "w.duckdb"), read_only=True) as con:
        return con.execute(f"select {CONTENT_COLUMNS} from raw.calls order by call_id, segment").fetchall()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_encodings_give_the_same_rows(encoding, reference, landing, load, query):
    text = (FIXTURES / "valid" / "calls.csv").read_text(encoding="utf-8")
    (landing / "calls").mkdir()
    (landing / "calls" / "calls.csv").write_bytes(text.encode(encoding))
    report = load()
    assert report.files[0].rows_rejected == 0
    assert query("select encoding from raw.loaded_files") == [(encoding,)]
    assert _calls(query) == reference


def test_undecodable_bytes_reject_the_file_with_a_reason():
    with pytest.raises(FileRejected, match="neither UTF-8 nor GB18030"):
        decode_text(b"call_id\n\x81\x30\xff\xff")


def _typed_frame() -> pl.DataFrame:
    """The valid CSV fixture as a typed frame, as a user's Parquet or XLSX export would be."""
    frame = pl.read_csv(FIXTURES / "valid" / "calls.csv", infer_schema=False)
    # Naive local datetimes; offset rows keep their text so their instant is unchanged.
    return frame.with_columns(
        pl.col("segment").cast(pl.Int64),
        pl.col("hold_seconds").cast(pl.Int64),
    )


def test_parquet_gives_the_same_rows(reference, landing, load, query):
    (landing / "calls").mkdir()
    _typed_frame().write_parquet(landing / "calls" / "calls.parquet")
    report = load()
    assert report.files[0].rows_rejected == 0, report.files[0].rules
    assert _calls(query) == reference


def test_parquet_with_real_datetime_columns(landing, load, query):
    import datetime as dt

    (landing / "calls").mkdir()
    pl.DataFrame(
        {
            "call_id": ["P1", "P2"],
            "caller_number": ["13800000000", "13800000001"],
            "district": ["shiqu", "shiqu"],
            # naive = local time; time-zone aware = that instant
            "started_at": [dt.datetime(2024, 3, 1, 8, 30), dt.datetime(2024, 3, 1, 8, 30)],
            "ended_at": [dt.datetime(2024, 3, 1, 8, 31), dt.datetime(2024, 3, 1, 8, 31)],
        }
    ).with_columns(pl.when(pl.col("call_id") == "P2").then(pl.col("started_at")).alias("started_tmp")).drop(
        "started_tmp"
    ).write_parquet(landing / "calls" / "naive.parquet")
    pl.DataFrame(
        {
            "call_id": ["P3"],
            "caller_number": ["13800000002"],
            "district": ["shiqu"],
            "started_at": [dt.datetime(2024, 3, 1, 0, 30, tzinfo=dt.UTC)],
            "ended_at": [dt.datetime(2024, 3, 1, 0, 31, tzinfo=dt.UTC)],
        }
    ).write_parquet(landing / "calls" / "aware.parquet")
    load()
    assert query("select call_id, started_at from raw.calls order by call_id") == [
        ("P1", dt.datetime(2024, 3, 1, 0, 30)),
        ("P2", dt.datetime(2024, 3, 1, 0, 30)),
        ("P3", dt.datetime(2024, 3, 1, 0, 30)),
    ]


def test_xlsx_first_sheet_gives_the_same_rows(reference, landing, load, query):
    (landing / "calls").mkdir()
    _typed_frame().write_excel(landing / "calls" / "calls.xlsx")
    report = load()
    assert report.files[0].rows_rejected == 0, report.files[0].rules
    assert _calls(query) == reference


def test_xlsx_datetime_cells_are_local_time(landing, load, query):
    import datetime as dt

    (landing / "calls").mkdir()
    pl.DataFrame(
        {
            "call_id": ["X1"],
            "caller_number": ["13800000000"],
            "district": ["市区"],
            "started_at": [dt.datetime(2024, 3, 1, 8, 30)],
            "ended_at": [dt.datetime(2024, 3, 1, 8, 31, 30)],
            "hold_seconds": [15],
        }
    ).write_excel(landing / "calls" / "cells.xlsx")
    load()
    assert query("select started_at, ended_at, hold_seconds, district from raw.calls") == [
        (dt.datetime(2024, 3, 1, 0, 30), dt.datetime(2024, 3, 1, 0, 31, 30), 15, "shiqu")
    ]


def test_chinese_vendor_layout_through_the_shipped_mapping(landing, load, query):
    """The generator's Chinese layout (GB18030, Chinese headers and values) maps to the contract."""
    from ingest.demo import ZH_CALLS, ZH_VALUES

    frame = pl.read_csv(FIXTURES / "valid" / "calls.csv", infer_schema=False)
    zh = frame.with_columns(pl.col("end_reason").replace(ZH_VALUES["end_reason"])).rename(ZH_CALLS)
    (landing / "calls").mkdir()
    (landing / "calls" / "话务明细.csv").write_bytes(zh.write_csv().encode("gb18030"))
    report = load()
    assert report.files[0].rows_rejected == 0, report.files[0].rules
    assert query("select layout, encoding from raw.loaded_files") == [("demo_zh_calls", "gb18030")]
    assert query("select end_reason, count(*) from raw.calls group by all order by all") == [
        ("agent_hangup", 1), ("callback", 1), ("caller_exit", 1), ("caller_hangup", 3),
        ("queue_full", 1), ("queue_timeout", 1), ("system", 1), ("transfer", 1), (None, 1),
    ]  # fmt: skip


def test_a_centers_own_mapping_in_the_landing_folder(landing, load, query):
    (landing / "_mappings").mkdir()
    (landing / "_mappings" / "acme.yaml").write_text(
        "layout: acme_cdr\nsource: calls\ncolumns:\n  CallRef: call_id\n  ANI: caller_number\n"
        "  Area: district\n  Start: started_at\n  End: ended_at\n",
        encoding="utf-8",
    )
    (landing / "calls").mkdir()
    (landing / "calls" / "acme.csv").write_text(
        "CallRef,ANI,Area,Start,End,Colour\n"
        "A1,13800000000,Urban,2024-03-01 08:30:00,2024-03-01 08:31:00,blue\n",
        encoding="utf-8",
    )
    report = load()
    assert report.files[0].layout == "acme_cdr"
    assert "ignored extra column(s): Colour" in report.files[0].message
    assert query("select call_id, district from raw.calls") == [("A1", "shiqu")]


def test_unknown_layout_names_the_missing_columns(landing, load, query):
    (landing / "calls").mkdir()
    (landing / "calls" / "vendor.csv").write_text("编号,电话\n1,13800000000\n", encoding="utf-8")
    report = load()
    (failed,) = report.of("failed")
    assert (
        "missing required column(s) call_id, caller_number, district, ended_at, started_at" in failed.message
    )
    assert "the file has 编号, 电话" in failed.message


def test_vendor_xlsx_with_title_merged_header_rows_and_totals(reference, landing, load, query):
    """A CTI report as managers export it: a title row, a two-row header whose group cells are
    merged (呼叫信息 over several columns, 呼叫编号 merged down two rows), the data, then a 合计
    row. The header is found, the totals row is skipped with a note, and the rows are the same as
    the canonical file's."""
    import xlsxwriter

    from ingest.demo import ZH_CALLS, ZH_VALUES

    frame = pl.read_csv(FIXTURES / "valid" / "calls.csv", infer_schema=False)
    zh = frame.with_columns(pl.col("end_reason").replace(ZH_VALUES["end_reason"])).rename(ZH_CALLS)
    (landing / "calls").mkdir()
    path = landing / "calls" / "话务明细报表.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("话务明细")
        last = zh.width - 1
        sheet.merge_range(0, 0, 0, last, "2024年3月 话务明细报表（导出时间 2024-03-02 08:00）")
        sheet.merge_range(1, 0, 2, 0, zh.columns[0])  # 呼叫编号, merged down over both header rows
        sheet.merge_range(1, 1, 1, 5, "呼叫信息")
        sheet.merge_range(1, 6, 1, last, "时间与处理")
        for j, name in enumerate(zh.columns[1:], start=1):
            sheet.write_string(2, j, name)
        for i, row in enumerate(zh.rows(), start=3):
            for j, value in enumerate(row):
                if value is not None:
                    sheet.write_string(i, j, value)
        sheet.write_string(3 + zh.height, 0, "合计")
        sheet.write_number(3 + zh.height, 1, zh.height)
    report = load()
    result = report.files[0]
    assert result.layout == "demo_zh_calls"
    assert "skipped 1 title row(s) above the header" in result.message
    assert "header read from 2 rows" in result.message
    assert "skipped 1 totals row(s) at the bottom" in result.message
    assert result.rows_read == zh.height
    assert _calls(query) == reference
    # Row numbers are the spreadsheet's: the first data row is row 4.
    assert query("select min(_row_number) from raw.calls") == [(4,)]
