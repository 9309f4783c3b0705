"""Load whatever is new in the landing folder into the raw schema of the warehouse.

One file at a time, each in its own transaction: its accepted rows, its rejected rows and its
line in raw.loaded_files land together or not at all. A file is identified by its content hash,
so landing it again (under any name) changes nothing; a file that failed is tried again. A file
loaded before from the same path, with the same size and modification time, is passed over
without being read.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ingest import settings, warehouse
from ingest.adapters import Adapted, adapt, folder_format
from ingest.contracts import CONTRACTS
from ingest.faults import crash_point
from ingest.mappings import Layout, MappingError, apply_layout, load_layouts, resolve_layout
from ingest.readers import SUPPORTED_SUFFIXES, FileRejected, read_file
from ingest.settings import SEEDS_DIR
from ingest.validate import Reference, validate

# Roster first so a person reading the load log sees agents before their calls.
LOAD_ORDER = ("agents", "calls", "tickets", "surveys", "qa")
MAPPINGS_SUBDIR = "_mappings"


@dataclass
class FileResult:
    source: str
    path: str
    status: str  # loaded | failed | skipped
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    layout: str = ""
    message: str = ""
    rules: dict[str, int] = field(default_factory=dict)


@dataclass
class LoadReport:
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def of(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    def totals(self) -> dict[str, int]:
        loaded = self.of("loaded")
        return {
            "files_loaded": len(loaded),
            "files_failed": len(self.of("failed")),
            "files_skipped": len(self.of("skipped")),
            "rows_read": sum(f.rows_read for f in loaded),
            "rows_accepted": sum(f.rows_accepted for f in loaded),
            "rows_rejected": sum(f.rows_rejected for f in loaded),
            "rows_duplicate": sum(f.rows_duplicate for f in loaded),
        }


def discover(landing: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """Files per source folder, in name order; and what was ignored, with why."""
    found: dict[str, list[Path]] = {s: [] for s in LOAD_ORDER}
    ignored: list[str] = []
    if not landing.is_dir():
        return found, [f"{landing}: the landing folder does not exist"]
    for entry in sorted(landing.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file():
            ignored.append(f"{entry.name}: files belong in a source folder ({', '.join(LOAD_ORDER)})")
        elif entry.name not in found:
            ignored.append(f"{entry.name}/: not a source folder ({', '.join(LOAD_ORDER)})")
    inside = landing.resolve()
    for source in LOAD_ORDER:
        folder = landing / source
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            # Hidden files, Excel lock files (~$...) and partial downloads are not deliveries.
            # _format.yaml and other files starting with "_" configure a folder.
            if path.name.startswith((".", "~$", "_")) or path.suffix in (".part", ".tmp"):
                continue
            # Links are never followed: a link in the landing folder could make the loader read
            # (and store) any file the refresh's account can read.
            rel = path.relative_to(landing).as_posix()
            if path.is_symlink():
                ignored.append(f"{rel}: a link; links are not loaded, copy the file in instead")
                continue
            if not path.is_file():
                continue
            if not path.resolve().is_relative_to(inside):
                ignored.append(f"{rel}: resolves outside the landing folder; not loaded")
                continue
            found[source].append(path)
    return found, ignored


def load_file(
    con: duckdb.DuckDBPyConnection,
    source: str,
    path: Path,
    landing: Path,
    *,
    layouts: list[Layout],
    ref: Reference,
    tz: str,
    secret: bytes,
    seen: set[tuple[str, str, int, int]] = frozenset(),
) -> FileResult:
    rel = path.relative_to(landing).as_posix()
    stat = path.stat()
    size, cap = stat.st_size, settings.landing_max_bytes()
    # Loaded before from this path, and not written to since: passed over without reading it (a
    # year of daily files is gigabytes, read again by every refresh otherwise). Any write changes
    # the modification time, and then the content hash decides, as below.
    if (source, rel, size, stat.st_mtime_ns) in seen:
        return FileResult(source, rel, "skipped", message="already loaded")
    if size > cap:
        return _too_big(con, source, path, rel, size, cap)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    previous = warehouse.find_loaded(con, sha, source)
    if previous is not None and previous[2] == "loaded":
        if previous[1] == rel:  # loaded before the modification time was kept, or touched since
            con.execute(
                "update raw.loaded_files set modified_ns = ? where file_id = ?",
                [stat.st_mtime_ns, previous[0]],
            )
        same = "" if previous[1] == rel else f" (same content as {previous[1]})"
        return FileResult(source, rel, "skipped", message=f"already loaded{same}")

    result = FileResult(source, rel, "loaded")
    file_format = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    encoding = layout_name = None
    adapted: Adapted | None = None
    stream = path.parent.relative_to(landing).as_posix()
    try:
        fmt = folder_format(path, landing, source)
        if fmt is not None:
            try:
                adapted = adapt(fmt, path, data, warehouse.held_lines(con, stream), tz, secret)
            except FileRejected:
                raise
            except Exception as exc:  # a file this adapter cannot make sense of: fail it, with why
                raise FileRejected(
                    f"the {fmt.name} reader could not read this file ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0][:200] if str(exc) else ''})"
                ) from None
            file_format, layout_name = adapted.file_format, fmt.name
            frame, notes, ignored_cols = adapted.frame, list(adapted.notes), []
        else:
            read = read_file(path, data, lambda names: not resolve_layout(source, names, layouts)[2])
            encoding = read.encoding
            headers = [c for c in read.frame.columns if c != "_row_number"]
            layout, rename, missing = resolve_layout(source, headers, layouts)
            if missing:
                raise FileRejected(
                    f"missing required column(s) {', '.join(missing)}; the file has "
                    f"{', '.join(headers[:20])}{' …' if len(headers) > 20 else ''}. Rename the "
                    f"columns or add a mapping file in {MAPPINGS_SUBDIR}/ (see docs/data-contracts.md)"
                )
            layout_name = layout.name if layout else "canonical"
            used = {v for spec in (layout.derive.values() if layout else []) for v in spec.values()}
            ignored_cols = [h for h in headers if h not in rename and h.strip() not in used]
            frame = read.frame.select(
                "_row_number", *[pl.col(h).alias(c) for h, names in rename.items() for c in names]
            )
            frame = apply_layout(frame, read.frame, layout)
            notes = list(read.notes)
        checked = validate(frame, source, ref, tz, secret)
    except FileRejected as exc:
        result.status, result.message = "failed", str(exc)
        _record_failure(
            con, previous, source, rel, sha, len(data), file_format, encoding, layout_name, str(exc)
        )
        return result

    if ignored_cols:
        notes.append(f"ignored extra column(s): {', '.join(ignored_cols)}")
    with _transaction(con):
        if previous is not None:
            con.execute("delete from raw.loaded_files where file_id = ?", [previous[0]])
        file_id = warehouse.next_file_id(con)
        new, conflicts, duplicates = warehouse.split_against_loaded(con, source, checked.accepted)
        rejected = checked.rejected
        if adapted is not None and adapted.rejected.height:
            rejected = pl.concat([adapted.rejected, rejected], how="diagonal_relaxed")
        if not conflicts.is_empty():
            rejected = pl.concat([rejected, _conflict_rejections(source, conflicts)], how="diagonal")
        warehouse.insert_rows(con, source, new, file_id)
        warehouse.insert_rejected(con, source, file_id, rel, rejected)
        result.rows_read = frame.height + (adapted.rejected.height if adapted is not None else 0)
        result.rows_rejected = rejected.height
        # Counted where the rows went, not as read - rejected: a row that validation, the key
        # split or the insert lost would make read != accepted + rejected, which the
        # is_accounted_for test of fct_loaded_files catches.
        result.rows_accepted = warehouse.rows_stored(con, source, file_id) + duplicates
        result.rows_duplicate = duplicates
        result.layout = layout_name
        result.rules = dict(rejected.group_by("rule").len().iter_rows()) if rejected.height else {}
        if duplicates:
            notes.append(f"{duplicates:,} row(s) identical to rows loaded from earlier files")
        result.message = "; ".join(notes)
        warehouse.record_file(
            con, file_id=file_id, source=source, file_path=rel, content_sha256=sha,
            size_bytes=len(data), file_format=file_format, encoding=encoding, layout=layout_name,
            status="loaded", rows_read=result.rows_read, rows_accepted=result.rows_accepted,
            rows_rejected=result.rows_rejected, rows_duplicate=duplicates, message=result.message,
            modified_ns=stat.st_mtime_ns,
        )  # fmt: skip
        if adapted is not None:
            warehouse.record_adapted(con, file_id, stream, adapted)
        crash_point("load.before_commit")
    return result


def _record_failure(con, previous, source, rel, sha, size, file_format, encoding, layout, message) -> None:
    with _transaction(con):
        if previous is not None:  # failed before: replace its record, keep one line per file
            con.execute("delete from raw.loaded_files where file_id = ?", [previous[0]])
        warehouse.record_file(
            con, file_id=warehouse.next_file_id(con), source=source, file_path=rel,
            content_sha256=sha, size_bytes=size, file_format=file_format, encoding=encoding,
            layout=layout, status="failed", rows_read=0, rows_accepted=0, rows_rejected=0,
            rows_duplicate=0, message=message,
        )  # fmt: skip


def _too_big(con, source: str, path: Path, rel: str, size: int, cap: int) -> FileResult:
    digest = hashlib.sha256()
    with path.open("rb") as handle:  # hashed in pieces, never read whole
        while chunk := handle.read(2**24):
            digest.update(chunk)
    sha = digest.hexdigest()
    previous = warehouse.find_loaded(con, sha, source)
    if previous is not None and previous[2] == "loaded":  # loaded when the limit was higher
        return FileResult(source, rel, "skipped", message="already loaded")
    message = (
        f"the file is {size / 2**20:,.0f} MB, over the limit of {cap / 2**20:,.0f} MB "
        "(LANDING_MAX_FILE_MB); split it by day, or raise the limit if the machine has the memory"
    )
    file_format = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    _record_failure(con, previous, source, rel, sha, size, file_format, None, None, message)
    return FileResult(source, rel, "failed", message=message)


def _conflict_rejections(source: str, conflicts: pl.DataFrame) -> pl.DataFrame:
    key = CONTRACTS[source].key
    values = [c for c in conflicts.columns if c != "_row_number"]
    return conflicts.select(
        "_row_number",
        pl.lit("conflicts_with_loaded_row").alias("rule"),
        pl.lit(",".join(key)).alias("column_name"),
        pl.lit("conflicts_with_loaded_row").alias("rules"),
        pl.lit("this key was loaded from an earlier file with other values").alias("message"),
        pl.struct(values).struct.json_encode().alias("raw_values"),
    )


class _transaction:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def __enter__(self):
        self.con.execute("begin transaction")

    def __exit__(self, exc_type, exc, tb):
        self.con.execute("rollback" if exc_type else "commit")
        return False


def load_landing(
    landing: Path,
    database: Path,
    *,
    tz: str,
    secret: bytes,
    progress: Callable[[str], None] | None = print,
) -> LoadReport:
    """Load every new file under `landing` into `database`; returns what happened per file."""
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    report = LoadReport()
    found, report.ignored = discover(landing)
    for line in report.ignored:
        say(f"  ignored {line}")
    try:
        layouts = load_layouts(landing / MAPPINGS_SUBDIR)
    except MappingError as exc:
        raise LoadError(f"a mapping file is invalid: {exc}") from None
    ref = Reference.from_seeds(SEEDS_DIR)
    try:
        settings.landing_max_bytes()
    except settings.SettingsError as exc:
        raise LoadError(str(exc)) from None
    with warehouse.connect(database) as con:
        # Checkpoint once at the end, not every few files: a commit then writes the WAL only (the
        # default 16MB threshold rewrote the tables after nearly every file). Still one
        # transaction per file, replayed from the WAL if the process dies.
        con.execute("set checkpoint_threshold = '1GB'")
        seen = warehouse.loaded_fingerprints(con)
        for source in LOAD_ORDER:
            paths = found[source]
            if not paths:
                continue
            say(f"{source}: {len(paths)} file(s) in {landing / source}")
            last_report = time.perf_counter()
            for i, path in enumerate(paths, 1):
                result = load_file(
                    con, source, path, landing, layouts=layouts, ref=ref, tz=tz, secret=secret, seen=seen
                )
                report.files.append(result)
                if result.status == "loaded":
                    crash_point("load.between_files")
                if result.status == "failed" or result.rows_rejected:
                    say("  " + describe(result))
                if time.perf_counter() - last_report > 5 and i < len(paths):
                    say(f"  … {i} of {len(paths)} {source} files done")
                    last_report = time.perf_counter()
            done = [f for f in report.files if f.source == source]
            say("  " + summarise(done))
        con.execute("checkpoint")
    report.seconds = time.perf_counter() - started
    return report


class LoadError(Exception):
    """The load as a whole cannot start (bad settings or mapping files)."""


def describe(result: FileResult) -> str:
    if result.status == "failed":
        return f"{result.path}: NOT LOADED — {result.message}"
    if result.status == "skipped":
        return f"{result.path}: skipped, {result.message}"
    text = (
        f"{result.path}: {result.rows_read:,} rows read, {result.rows_accepted:,} accepted, "
        f"{result.rows_rejected:,} rejected"
    )
    if result.rules:
        text += " (" + ", ".join(f"{n:,} {rule}" for rule, n in sorted(result.rules.items())) + ")"
    return text


def summarise(results: list[FileResult]) -> str:
    loaded = [r for r in results if r.status == "loaded"]
    parts = [
        f"{len(loaded)} loaded",
        f"{sum(r.status == 'skipped' for r in results)} already loaded",
        f"{sum(r.status == 'failed' for r in results)} failed",
    ]
    rows = (
        f"{sum(r.rows_read for r in loaded):,} rows read, "
        f"{sum(r.rows_accepted for r in loaded):,} accepted, "
        f"{sum(r.rows_rejected for r in loaded):,} rejected"
    )
    return f"files: {', '.join(parts)}; {rows}"
