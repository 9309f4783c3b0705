"""Downloads never carry a live formula: a cell like =cmd|' /C calc'!A0 stays text."""

from __future__ import annotations

import io

import polars as pl

from dashboards.components.widgets import csv_bytes, excel_bytes

FRAME = pl.DataFrame(
    {"comment": ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "fine", None], "calls": [1, 2, 3, 4, 5, 6]}
)


def test_csv_prefixes_formula_like_text():
    text = csv_bytes(FRAME).decode("utf-8-sig").splitlines()
    assert text[1:6] == ["'=cmd|' /C calc'!A0,1", "'+1+1,2", "'-2,3", "'@SUM(A1),4", "fine,5"]
    assert text[6] == ",6"  # missing stays missing, numbers are untouched


def test_excel_keeps_formula_like_text_as_text():
    back = pl.read_excel(io.BytesIO(excel_bytes(FRAME)))
    assert back["comment"].to_list()[:5] == ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "fine"]
