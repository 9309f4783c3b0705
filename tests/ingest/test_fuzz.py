"""Property-based: whatever lands, the load ends in accepted + rejected rows or a file-level
rejection with a reason; never a traceback, never a row unaccounted for (reliability issue)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.loader import load_landing
from tests.conftest import FIXTURES

VALID_CALLS = (FIXTURES / "valid" / "calls.csv").read_text(encoding="utf-8")
SUFFIXES = [".csv", ".xlsx", ".parquet", ".txt"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load_one(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "landing" / "calls").mkdir(parents=True)
        (root / "landing" / "calls" / name).write_bytes(data)
        report = load_landing(
            root / "landing", root / "w.duckdb", tz="Asia/Shanghai", secret=b"f", progress=None
        )
        (result,) = report.files
        if result.status == "failed":
            assert result.message, "a failed file says why"
            return
        assert result.rows_read == result.rows_accepted + result.rows_rejected
        with duckdb.connect(str(root / "w.duckdb"), read_only=True) as con:
            stored = con.execute("select count(*) from raw.calls").fetchall()[0][0]
            rejected = con.execute("select count(*) from raw.rejected_rows").fetchall()[0][0]
        assert stored == result.rows_accepted - result.rows_duplicate
        assert rejected == result.rows_rejected


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(data, suffix):
    _load_one(f"random{suffix}", data)


def _mutate(text: str, draw) -> str:
    lines = text.splitlines()
    kind = draw(
        st.sampled_from(["cell", "truncate", "drop_column", "dup_header", "formula", "huge", "ragged"])
    )
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    row = draw(st.integers(1, len(lines) - 1))
    cells = lines[row].split(",")
    col = draw(st.integers(0, len(cells) - 1))
    if kind == "cell":
        cells[col] = draw(st.text(alphabet=st.characters(blacklist_characters=',\n\r"'), max_size=30))
    elif kind == "formula":
        cells[col] = "=cmd|' /C calc'!A0"
    elif kind == "huge":
        cells[col] = "x" * draw(st.integers(10_000, 200_000))
    elif kind == "ragged":
        cells.append("extra")
    elif kind == "drop_column":
        header = lines[0].split(",")
        return "\n".join(
            ",".join(c for i, c in enumerate(line.split(",")) if i != col)
            for line in [",".join(header), *lines[1:]]
        )
    elif kind == "dup_header":
        header = lines[0].split(",")
        header[col] = header[(col + 1) % len(header)]
        lines[0] = ",".join(header)
    lines[row] = ",".join(cells)
    return "\n".join(lines) + "\n"


@FUZZ
@given(st.data())
def test_mutated_valid_files(data):
    text = _mutate(VALID_CALLS, data.draw)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "latin-1"]))
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    _load_one("mutated.csv", raw)
