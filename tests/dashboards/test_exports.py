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


def test_rate_cells_are_coloured_by_their_target_and_stay_numbers():
    from dashboards.components.widgets import BAD, GOOD, coloured

    # Connect rate >= 90 % (higher is better), abandonment <= 5 % (lower is better), no target: none.
    frame = pl.DataFrame(
        {"connect_rate": [0.95, 0.90, 0.5, None], "abandon_rate": [0.05, 0.06, None, 0.0],
         "offered": [10, 20, 0, 1]}
    )  # fmt: skip
    styler = coloured(frame)
    styles = styler._compute().ctx  # (row, column) -> [(property, value), ...]
    css = {key: "; ".join(f"{p}: {v}" for p, v in value) for key, value in styles.items()}
    assert [css.get((r, 0), "") for r in range(4)] == [GOOD, GOOD, BAD, ""]
    assert [css.get((r, 1), "") for r in range(4)] == [GOOD, BAD, "", GOOD]
    assert not any(col == 2 and text for (_, col), text in css.items())
    assert styler.data["connect_rate"].tolist()[:3] == [0.95, 0.90, 0.5]  # numbers, not text


def test_a_queue_is_coloured_by_its_own_target_where_it_has_one():
    from dashboards.components.widgets import BAD, GOOD, coloured
    from dashboards.metrics import Target

    # Service level: center target 80 % (>=); the VIP queue's own is 90 %, billing has none.
    frame = pl.DataFrame({"queue": ["vip", "vip", "billing"], "service_level": [0.85, 0.92, 0.85]})
    styler = coloured(frame, {("service_level", "vip"): Target(0.90, ">=")}, by="queue")
    css = {key: "; ".join(f"{p}: {v}" for p, v in value) for key, value in styler._compute().ctx.items()}
    assert [css.get((r, 1), "") for r in range(3)] == [BAD, GOOD, GOOD]
    assert coloured(frame)._compute().ctx[(0, 1)] == coloured(frame)._compute().ctx[(2, 1)]  # no own: alike
