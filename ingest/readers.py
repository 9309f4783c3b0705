"""Read a landing file (CSV, Parquet or XLSX) into an all-text Polars frame with row numbers.

Everything is read as text so that one bad value rejects one row (with its rule) instead of
failing the whole file; typing happens in `validate.py`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest import settings

SUPPORTED_SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
ROW_NUMBER = "_row_number"


class FileRejected(Exception):
    """The whole file cannot be loaded; the message says why in words a user can act on."""


@dataclass
class ReadResult:
    frame: pl.DataFrame  # all columns text (or null), plus _row_number
    file_format: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM) or GB18030, the encodings of the contract."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "the file is neither UTF-8 nor GB18030 text "
            f"(undecodable byte at position {exc.start}); re-export it as UTF-8 CSV"
        ) from None


def _check_header(header: list[str]) -> list[str]:
    names = [h.strip().lstrip("\ufeff") for h in header]
    if not any(names):
        raise FileRejected("the first line (the header) is empty")
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise FileRejected(f"the header names column {name!r} twice")
        seen.add(name)
    if "" in names:
        raise FileRejected(f"column {names.index('') + 1} of the header has no name")
    return names


def read_csv(data: bytes) -> ReadResult:
    text, encoding = decode_text(data)
    if not text.strip():
        raise FileRejected("the file is empty")
    try:
        header = next(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FileRejected(f"the header line is not valid CSV ({exc})") from None
    names = _check_header(header)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            skip_rows=1,
            new_columns=names,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as exc:
        raise FileRejected(f"the file is not valid CSV: {str(exc).splitlines()[0]}") from None
    if frame.width != len(names):
        raise FileRejected("rows have more or fewer fields than the header")
    # Spreadsheet row numbering: the header is row 1, the first data row is row 2.
    frame = frame.with_row_index(ROW_NUMBER, offset=2)
    return ReadResult(frame, "csv", encoding)


def _to_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast typed Parquet columns to text the validator parses like CSV text.

    Time-zone-aware datetimes keep their offset (as +00:00) so they are not taken for local time;
    naive ones stay naive (local time of the center, per the contract).
    """
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone:
                col = col.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.f+00:00")
            else:
                col = col.dt.strftime("%Y-%m-%d %H:%M:%S%.f")
        elif dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        elif dtype == pl.Boolean:
            col = col.cast(pl.String).str.to_lowercase()
        elif dtype.is_float():
            # 12.0 from a float column is the integer 12, not a decimal the int parser rejects.
            col = (
                pl.when(col == col.round(0))
                .then(col.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(col.cast(pl.String))
            )
        elif dtype != pl.String:
            col = col.cast(pl.String)
        exprs.append(col.alias(name))
    return frame.select(exprs)


def read_parquet(data: bytes) -> ReadResult:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise FileRejected(f"the file is not a readable Parquet file ({type(exc).__name__})") from None
    _check_header(frame.columns)
    frame = _to_text(frame).with_row_index(ROW_NUMBER, offset=1)
    return ReadResult(frame, "parquet")


TOTALS = re.compile(
    r"^\s*(合计|总计|小计|总数|汇总|total|totals|grand total|sum|subtotal)\s*[:：]?\s*$", re.IGNORECASE
)
MAX_TITLE_ROWS = 8


def _header_from(rows: list[tuple], start: int, depth: int) -> list[str]:
    """One name per column from `depth` header rows: the lowest non-empty cell wins, so a merged
    group title above the real names (or a name merged down over two rows) both work."""
    names = []
    for j in range(len(rows[0])):
        cells = [
            str(r[j]).strip() for r in rows[start : start + depth] if r[j] is not None and str(r[j]).strip()
        ]
        names.append(cells[-1] if cells else "")
    return names


def _check_unpacked_size(data: bytes) -> None:
    """An XLSX is a zip: a small file can unpack to gigabytes. Refuse one whose parts unpack to
    more than LANDING_MAX_FILE_MB, counted as they unpack (a declared size can lie), in pieces."""
    cap = settings.landing_max_bytes()
    unpacked = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                with archive.open(info) as part:
                    while unpacked <= cap and (chunk := part.read(2**20)):
                        unpacked += len(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        return  # not a workbook the reader can open either: it says so
    if unpacked > cap:
        raise FileRejected(
            f"the workbook unpacks to more than the limit of {cap / 2**20:,.0f} MB "
            "(LANDING_MAX_FILE_MB); export it as CSV or split it"
        )


def read_xlsx(data: bytes, header_ok: Callable[[list[str]], bool] | None = None) -> ReadResult:
    """First sheet. Title rows and merged two-row headers above the table are found by trying
    where the header could be (`header_ok` says whether names fit a layout); totals rows at the
    bottom (合计, Total, …) are skipped with a note, never loaded as data."""
    _check_unpacked_size(data)
    try:
        grid = pl.read_excel(io.BytesIO(data), sheet_id=1, has_header=False, infer_schema_length=0)
    except Exception as exc:
        raise FileRejected(
            f"the file is not a readable XLSX workbook ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:200] if str(exc) else ''})"
        ) from None
    rows = grid.rows()
    if not rows:
        raise FileRejected("the first sheet is empty")
    start, depth = 0, 1
    if header_ok is not None and not header_ok(_header_from(rows, 0, 1)):
        # The fewest rows above the data first, then the shallowest header.
        spans = sorted(
            ((s, d) for s in range(min(MAX_TITLE_ROWS, len(rows))) for d in (1, 2, 3) if s + d <= len(rows)),
            key=lambda span: (span[0] + span[1], span[1]),
        )
        start, depth = next(((s, d) for s, d in spans if header_ok(_header_from(rows, s, d))), (0, 1))
    names = _header_from(rows, start, depth)
    body = rows[start + depth :]
    notes = ["first sheet read"]
    if start:
        notes.append(f"skipped {start} title row(s) above the header")
    if depth > 1:
        notes.append(f"header read from {depth} rows (merged header cells)")
    end = len(body)
    totals = 0
    while end and (all(v is None or not str(v).strip() for v in body[end - 1]) or _is_totals(body[end - 1])):
        totals += _is_totals(body[end - 1])
        end -= 1
    if totals:
        notes.append(f"skipped {totals} totals row(s) at the bottom (not data)")
    keep = [j for j, name in enumerate(names) if name or any(r[j] is not None for r in body[:end])]
    names = _check_header([names[j] for j in keep])
    frame = pl.DataFrame(
        {
            name: [None if r[j] is None else str(r[j]) for r in body[:end]]
            for name, j in zip(names, keep, strict=True)
        },
        schema={name: pl.String for name in names},
    ).with_row_index(ROW_NUMBER, offset=start + depth + 1)
    return ReadResult(frame, "xlsx", notes=notes)


def _is_totals(row: tuple) -> bool:
    cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
    return bool(cells) and any(TOTALS.match(c) for c in cells[:3])


def read_file(
    path: Path, data: bytes | None = None, header_ok: Callable[[list[str]], bool] | None = None
) -> ReadResult:
    suffix = path.suffix.lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    if kind is None:
        raise FileRejected(
            f"files ending in {suffix or '(no extension)'!r} are not supported; "
            "land CSV, Parquet or XLSX files"
        )
    if data is None:
        data = path.read_bytes()
    if not data:
        raise FileRejected("the file is empty")
    if kind == "xlsx":
        return read_xlsx(data, header_ok)
    return {"csv": read_csv, "parquet": read_parquet}[kind](data)
