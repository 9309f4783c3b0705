"""Type and check landing rows against the contract; split them into accepted and rejected.

Every rule has a name. A rejected row keeps its file row number, the first rule it broke (in the
order below), every rule it broke, the column concerned and its raw values (with caller numbers
masked), so nothing disappears and nothing is silently fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingest.contracts import CONTRACTS, Contract
from ingest.pii import protect_numbers, redact_series
from ingest.readers import ROW_NUMBER

_TS_PATTERN = (
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
_INT_PATTERN = r"^[+-]?\d+$"
_DECIMAL_PATTERN = r"^[+-]?(?:\d+\.?\d*|\.\d+)$"
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00:00(?:\.0+)?)?$"
_TRUE = ["true", "t", "yes", "y", "1", "是"]
_FALSE = ["false", "f", "no", "n", "0", "否"]


@dataclass(frozen=True)
class Reference:
    """Lookups from the seeds: accepted spellings -> code."""

    districts: dict[str, str]
    reasons: dict[str, str]

    @classmethod
    def from_seeds(cls, seeds_dir) -> Reference:
        districts = pl.read_csv(seeds_dir / "districts.csv", infer_schema=False)
        reasons = pl.read_csv(seeds_dir / "call_reasons.csv", infer_schema=False)
        return cls(
            _spellings(districts, "district_code", ["district_name_zh", "district_name_en"]),
            _spellings(reasons, "reason_code", ["reason_name_zh", "reason_name_en"]),
        )


def _spellings(frame: pl.DataFrame, code: str, names: list[str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for row in frame.iter_rows(named=True):
        for column in [code, *names]:
            lookup[row[column].strip().lower()] = row[code]
    return lookup


@dataclass
class Validated:
    accepted: pl.DataFrame
    rejected: pl.DataFrame  # _row_number, rule, rules, column_name, message, raw_values


_PLAIN_FORMAT = "%Y-%m-%d %H:%M:%S"  # what most exports write: local time, whole seconds


_PLAIN_PATTERN = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"


def is_plain_local(values: pl.Series) -> bool:
    """True when every value is `YYYY-MM-DD HH:MM:SS` (or empty): parse_timestamp's fast path.
    The shape is checked by pattern: the parser alone would also take `8:30:00` or `2024-3-01`."""
    return bool(values.drop_nulls().str.contains(_PLAIN_PATTERN).all())


def _to_utc(naive: pl.Expr, tz: str) -> pl.Expr:
    return (
        naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
    )


def parse_timestamp(raw: pl.Expr, tz: str, plain: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """(UTC naive timestamp, is-nonexistent-local-time) from ISO 8601 / RFC 3339 text.

    Without an offset the text is local time of the center; in a daylight-saving fall-back hour
    the earlier of the two instants is taken (decision log), and a spring-forward gap time is
    rejected rather than shifted. `plain`: every value is known to be `YYYY-MM-DD HH:MM:SS`
    (is_plain_local), a subset of the pattern read the same way, parsed without the pattern.
    """
    if plain:
        naive = raw.str.to_datetime(_PLAIN_FORMAT, strict=False, time_unit="us")
        utc = _to_utc(naive, tz)
        return utc, naive.is_not_null() & utc.is_null()
    parts = raw.str.extract_groups(_TS_PATTERN)
    naive = pl.concat_str([parts.struct.field("1"), pl.lit(" "), parts.struct.field("2")]).str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"
    )
    offset = parts.struct.field("3")
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    digits = offset.str.replace_all(r"[^0-9]", "")
    offset_minutes = sign * (
        digits.str.slice(0, 2).cast(pl.Int64, strict=False) * 60
        + pl.when(digits.str.len_chars() >= 4)
        .then(digits.str.slice(2, 2).cast(pl.Int64, strict=False))
        .otherwise(0)
    )
    from_offset = naive - pl.duration(
        minutes=pl.when(offset.str.to_lowercase() == "z").then(0).otherwise(offset_minutes)
    )
    from_local = _to_utc(naive, tz)
    utc = pl.when(offset.is_null()).then(from_local).otherwise(from_offset)
    nonexistent = naive.is_not_null() & offset.is_null() & from_local.is_null()
    return utc, nonexistent


def _typed(
    contract: Contract, ref: Reference, tz: str, plain: frozenset[str] = frozenset()
) -> tuple[list[pl.Expr], list[tuple]]:
    """Typed column expressions and (rule, column, failed-expression) type checks; `plain`: the
    timestamp columns whose every value is `YYYY-MM-DD HH:MM:SS` in this file."""
    exprs: list[pl.Expr] = []
    checks: list[tuple[str, str, pl.Expr]] = []
    for column in contract.columns:
        raw = pl.col(column.name)
        name = column.name
        if column.kind == "timestamp":
            typed, nonexistent = parse_timestamp(raw, tz, plain=name in plain)
            checks.append(("nonexistent_local_time", name, nonexistent))
            checks.append(("invalid_timestamp", name, raw.is_not_null() & typed.is_null() & ~nonexistent))
        elif column.kind == "int":
            typed = raw.str.replace(r"^\+", "").cast(pl.Int64, strict=False)
            bad = raw.is_not_null() & (~raw.str.contains(_INT_PATTERN) | typed.is_null())
            checks.append(("invalid_integer", name, bad))
        elif column.kind == "decimal":
            typed = raw.cast(pl.Decimal(18, 4), strict=False)
            bad = raw.is_not_null() & (~raw.str.contains(_DECIMAL_PATTERN) | typed.is_null())
            checks.append(("invalid_decimal", name, bad))
        elif column.kind == "bool":
            lowered = raw.str.to_lowercase()
            typed = pl.when(lowered.is_in(_TRUE)).then(True).when(lowered.is_in(_FALSE)).then(False)
            checks.append(("invalid_boolean", name, raw.is_not_null() & typed.is_null()))
        elif column.kind == "date":
            typed = raw.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
            bad = raw.is_not_null() & (~raw.str.contains(_DATE_PATTERN) | typed.is_null())
            checks.append(("invalid_date", name, bad))
        elif column.kind in ("district", "reason"):
            lookup = ref.districts if column.kind == "district" else ref.reasons
            typed = raw.str.to_lowercase().replace_strict(lookup, default=None, return_dtype=pl.String)
            rule = "unknown_district" if column.kind == "district" else "unknown_reason_code"
            checks.append((rule, name, raw.is_not_null() & typed.is_null()))
        elif column.allowed:
            typed = raw.str.to_lowercase()
            checks.append(("invalid_value", name, raw.is_not_null() & ~typed.is_in(column.allowed)))
        else:
            typed = raw
        exprs.append(typed.alias(name))
    return exprs, checks


def _row_rules(source: str) -> list[tuple[str, str, pl.Expr]]:
    """Rules across columns, evaluated on typed columns."""
    c = pl.col
    rules: list[tuple[str, str, pl.Expr]] = []

    def order(earlier: str, later: str) -> tuple[str, str, pl.Expr]:
        return ("timestamp_order", f"{earlier}<={later}", c(earlier) > c(later))

    if source == "calls":
        rules += [
            ("out_of_range", "segment", c("segment") < 1),
            ("out_of_range", "hold_seconds", c("hold_seconds") < 0),
            (
                "answered_without_queued",
                "queued_at",
                c("answered_at").is_not_null() & c("queued_at").is_null(),
            ),
            ("answered_without_agent", "agent_id", c("answered_at").is_not_null() & c("agent_id").is_null()),
        ]
        # The chain started <= queued <= answered <= ended <= wrapup_ended, where present.
        chain = ["started_at", "queued_at", "answered_at", "ended_at", "wrapup_ended_at"]
        rules += [order(a, b) for i, a in enumerate(chain) for b in chain[i + 1 :]]
    elif source == "tickets":
        rules += [order("created_at", later) for later in ("resolved_at", "closed_at", "callback_at")]
        rules.append(("out_of_range", "order_amount", c("order_amount") < 0))
    elif source == "surveys":
        rules += [
            order("sent_at", "responded_at"),
            ("out_of_range", "csat_score", ~c("csat_score").is_between(1, 5)),
            ("out_of_range", "nps_score", ~c("nps_score").is_between(0, 10)),
            (
                "score_without_response",
                "responded_at",
                c("responded_at").is_null() & (c("csat_score").is_not_null() | c("nps_score").is_not_null()),
            ),
        ]
    elif source == "qa":
        rules.append(("out_of_range", "score", ~c("score").is_between(0, 100)))
    elif source == "agents":
        rules.append(("left_before_hired", "left_on", c("left_on") < c("hired_on")))
    return rules


MESSAGES = {
    "required": "a required value is empty",
    "invalid_timestamp": "not an ISO 8601 timestamp (e.g. 2024-03-01 08:30:00 or 2024-03-01T08:30:00+08:00)",
    "nonexistent_local_time": "this local time does not exist (skipped by a daylight-saving change)",
    "invalid_integer": "not a whole number",
    "invalid_decimal": "not a number",
    "invalid_boolean": "not true/false",
    "invalid_date": "not a date (YYYY-MM-DD)",
    "unknown_district": "district is not a code or name in seeds/districts.csv",
    "unknown_reason_code": "reason is not a code or name in seeds/call_reasons.csv",
    "invalid_value": "value is not one of the allowed values of this column",
    "out_of_range": "value is outside its allowed range",
    "timestamp_order": "timestamps are out of order",
    "answered_without_queued": "answered_at is set but queued_at is empty",
    "answered_without_agent": "answered_at is set but agent_id is empty",
    "call_or_ticket_required": "neither call_id nor ticket_id is given",
    "score_without_response": "a score is given but responded_at is empty",
    "left_before_hired": "left_on is before hired_on",
    "duplicate_key_in_file": "the same key appears earlier in this file",
}


def validate(frame: pl.DataFrame, source: str, ref: Reference, tz: str, secret: bytes) -> Validated:
    """Split an all-text frame with canonical column names into accepted and rejected rows."""
    contract = CONTRACTS[source]
    # Text hygiene: surrounding blanks are not data; an empty cell is a missing value.
    present = [n for n in contract.names if n in frame.columns]
    frame = frame.select(
        ROW_NUMBER,
        *[pl.col(n).cast(pl.String).str.strip_chars().replace("", None).alias(n) for n in present],
        *[pl.lit(None, pl.String).alias(n) for n in contract.names if n not in present],
    )
    # Documented defaults of optional columns (segment 1, hold 0, not fatal).
    frame = frame.with_columns(
        pl.col(col.name).fill_null(col.default) for col in contract.columns if col.default
    )
    raw_cols = contract.names
    plain = frozenset(
        c.name for c in contract.columns if c.kind == "timestamp" and is_plain_local(frame[c.name])
    )
    type_exprs, checks = _typed(contract, ref, tz, plain)
    # An empty caller number is an anonymous caller (allowed); the column itself is required.
    checks = [
        ("required", c.name, pl.col(c.name).is_null())
        for c in contract.columns
        if c.required and c.kind != "phone"
    ] + checks
    for group in contract.one_of:
        checks.append(
            (
                "call_or_ticket_required",
                "/".join(group),
                pl.all_horizontal(pl.col(g).is_null() for g in group),
            )
        )

    raw_frame = frame
    row_checks = _row_rules(source)
    if source != "tickets":  # tickets: several states of one ticket in a file are history
        row_checks.append(
            (
                "duplicate_key_in_file",
                ",".join(contract.key),
                pl.struct(contract.key).is_first_distinct().not_(),
            )
        )
    # One lazy query: the typed columns and the checks on the raw text share their parsing
    # (common subexpressions, e.g. a timestamp's pattern match, are computed once), then the
    # cross-column rules run on the typed columns.
    all_checks = [(r, col) for r, col, _ in checks] + [(r, col) for r, col, _ in row_checks]
    flags = [f"_f{i}" for i in range(len(all_checks))]
    result = (
        frame.lazy()
        .select(
            ROW_NUMBER,
            *type_exprs,
            *[chk.fill_null(False).alias(flag) for flag, (_, _, chk) in zip(flags, checks, strict=False)],
        )
        .with_columns(
            chk.fill_null(False).alias(flag)
            for flag, (_, _, chk) in zip(flags[len(checks) :], row_checks, strict=True)
        )
        .select(
            ROW_NUMBER,
            *contract.names,
            pl.concat_list(
                [
                    pl.when(pl.col(flag)).then(pl.lit(f"{rule}|{col}"))
                    for flag, (rule, col) in zip(flags, all_checks, strict=True)
                ]
            )
            .list.drop_nulls()
            .alias("_labels"),
        )
        .collect()
    )
    labels = result["_labels"]
    typed = result.drop("_labels")
    is_bad = labels.list.len() > 0

    # Caller numbers are replaced before anything is stored, rejected rows included.
    extra: list[pl.Series] = []
    if "caller_number" in raw_cols:
        protected = protect_numbers(raw_frame["caller_number"], secret)
        extra = [protected["caller_key"], protected["caller_number_masked"]]
        raw_frame = raw_frame.with_columns(caller_number=protected["caller_number_masked"])
    if "comment" in raw_cols:
        redacted = redact_series(raw_frame["comment"])
        raw_frame = raw_frame.with_columns(comment=redacted)
        typed = typed.with_columns(comment=redacted)

    accepted = typed.with_columns(extra).filter(~is_bad)
    if "caller_number" in accepted.columns:
        accepted = accepted.drop("caller_number")

    bad_labels = labels.filter(is_bad)
    first = bad_labels.list.first().str.split_exact("|", 1)
    rejected = pl.DataFrame(
        {
            ROW_NUMBER: raw_frame[ROW_NUMBER].filter(is_bad),
            "rule": first.struct.field("field_0"),
            "column_name": first.struct.field("field_1"),
            "rules": bad_labels.list.eval(pl.element().str.split("|").list.first())
            .list.unique(maintain_order=True)
            .list.join(","),
            "raw_values": raw_frame.filter(is_bad)
            .select(raw_cols)
            .select(pl.struct(raw_cols).struct.json_encode().alias("raw_values"))["raw_values"],
        }
    ).with_columns(pl.col("rule").replace_strict(MESSAGES, default="").alias("message"))
    return Validated(accepted, rejected)
