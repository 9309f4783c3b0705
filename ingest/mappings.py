"""Vendor layouts: mapping files that rename a vendor's columns (and values) to the contract.

A mapping is a YAML file written once per export layout. The project ships its own under
`ingest/mappings/`; a center adds its own in `<LANDING_DIR>/_mappings/`. A file is matched to
the layout that covers all required columns of its source with the most of its headers.

    layout: demo_zh_calls          # a name shown in raw.loaded_files
    source: calls                  # which landing folder it applies to
    columns:                       # vendor header -> canonical column
      呼叫编号: call_id
    values:                        # optional: vendor value -> canonical value, per column
      end_reason:
        客户挂机: caller_hangup

Report-style exports (a spreadsheet made for a dashboard, not a switch's record) often lack a
column the contract needs or split one in two. Three optional sections cover them; each says in
the file what was assumed, and docs/adapters.md shows the shipped examples:

    columns:
      call_id: [survey_id, call_id]   # one vendor column may feed several canonical ones
    constants:                        # the same value on every row (e.g. a one-site center's district)
      district: shiqu
    derive:                           # canonical timestamps built from other columns, in this order
      started_at: {date: date, time: time}                  # "2021-01-01" + "09:12:58"
      created_at: {date: Date_month_year, time: Time, format: "%d-%b-%y %I:%M:%S %p"}
      answered_at: {after: started_at, seconds: speed_of_answer_s}   # empty when either is empty
      ended_at: {after: answered_at, seconds: talk_duration_s, otherwise: started_at}
      responded_at: {after: sent_at, when: satisfaction_rating}     # only where the rating is given

A value that cannot be read (a date that does not fit `format`, seconds that are not a number)
is passed on as written, so the contract's timestamp rule rejects the row with that value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml

from ingest.contracts import CONTRACTS
from ingest.settings import MAPPINGS_DIR


class MappingError(ValueError):
    """A mapping file is malformed."""


_DERIVE_KEYS = {"date", "time", "format", "after", "seconds", "when", "otherwise"}


@dataclass(frozen=True)
class Layout:
    name: str
    source: str
    columns: dict[str, tuple[str, ...]]  # file header -> canonical name(s)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    path: Path | None = None
    constants: dict[str, str] = field(default_factory=dict)
    derive: dict[str, dict[str, str]] = field(default_factory=dict)

    def provides(self) -> set[str]:
        """Canonical columns a file of this layout gets without having them as headers."""
        return set(self.constants) | set(self.derive)


def canonical_header(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def _parse(path: Path) -> Layout:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path.name}: not valid UTF-8 YAML ({exc})") from None
    if not isinstance(doc, dict) or not {"layout", "source", "columns"} <= doc.keys():
        raise MappingError(f"{path.name}: needs the keys layout, source and columns")
    source = doc["source"]
    if source not in CONTRACTS:
        raise MappingError(f"{path.name}: source {source!r} is not one of {sorted(CONTRACTS)}")
    columns = {
        str(k).strip(): tuple(str(n) for n in v) if isinstance(v, list) else (str(v),)
        for k, v in (doc["columns"] or {}).items()
    }
    constants = {str(k): "" if v is None else str(v) for k, v in (doc.get("constants") or {}).items()}
    derive = {}
    for name, spec in (doc.get("derive") or {}).items():
        if (
            not isinstance(spec, dict)
            or not spec.keys() <= _DERIVE_KEYS
            or not ({"date", "after"} & spec.keys())
        ):
            raise MappingError(
                f"{path.name}: derive.{name} needs either date (+ time, format) or after "
                f"(+ seconds, when, otherwise); it has {spec!r}"
            )
        derive[str(name)] = {str(k): str(v) for k, v in spec.items()}
    targets = {n for names in columns.values() for n in names} | set(constants) | set(derive)
    unknown = sorted(targets - set(CONTRACTS[source].names))
    if unknown:
        raise MappingError(f"{path.name}: maps to columns the contract does not have: {unknown}")
    values = {
        str(col): {str(k).strip(): str(v) for k, v in (mapping or {}).items()}
        for col, mapping in (doc.get("values") or {}).items()
    }
    return Layout(str(doc["layout"]), source, columns, values, path, constants, derive)


def load_layouts(extra_dir: Path | None = None) -> list[Layout]:
    """All mapping files: the project's own, then the center's (which may add or override)."""
    layouts: dict[str, Layout] = {}
    for folder in (MAPPINGS_DIR, extra_dir):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.y*ml")):
            layout = _parse(path)
            layouts[layout.name] = layout
    return list(layouts.values())


def resolve_layout(
    source: str, headers: list[str], layouts: list[Layout]
) -> tuple[Layout | None, dict[str, tuple[str, ...]], list[str]]:
    """Choose how to rename `headers` to the contract.

    Returns (layout or None for canonical names, rename map header -> canonical name(s), missing
    required columns). The canonical layout wins when it covers every required column.
    """
    contract = CONTRACTS[source]
    required = set(contract.required)
    canonical = {h: (canonical_header(h),) for h in headers if canonical_header(h) in contract.names}
    missing_canonical = sorted(required - {names[0] for names in canonical.values()})
    if not missing_canonical:
        return None, canonical, []
    best: tuple[int, Layout, dict[str, tuple[str, ...]]] | None = None
    for layout in layouts:
        if layout.source != source:
            continue
        rename = {h: layout.columns[h.strip()] for h in headers if h.strip() in layout.columns}
        derived_from = {
            spec.get(k) for spec in layout.derive.values() for k in ("date", "time", "seconds", "when")
        }
        if layout.derive and not (derived_from - {None} - set(layout.derive)) <= {h.strip() for h in headers}:
            continue
        if required - {n for names in rename.values() for n in names} - layout.provides():
            continue
        if best is None or len(rename) > best[0]:
            best = (len(rename), layout, rename)
    if best is not None:
        return best[1], best[2], []
    return None, canonical, missing_canonical


def apply_layout(frame: pl.DataFrame, source_frame: pl.DataFrame, layout: Layout | None) -> pl.DataFrame:
    """Values mapped, constants and derived columns added (all text, before any contract rule).

    `frame` holds the renamed canonical columns, `source_frame` the file as read (same rows)."""
    if layout is None:
        return frame
    if layout.values:
        frame = frame.with_columns(
            pl.col(col).str.strip_chars().replace(mapping)
            for col, mapping in layout.values.items()
            if col in frame.columns
        )
    frame = frame.with_columns(
        pl.lit(value, pl.String).alias(name) for name, value in layout.constants.items()
    )
    context = pl.concat([frame, source_frame.drop([c for c in source_frame.columns if c in frame.columns])],
                        how="horizontal")  # fmt: skip
    for name, spec in layout.derive.items():
        context = context.with_columns(_derived(spec).alias(name))
    return context.select(*frame.columns, *[n for n in layout.derive if n not in frame.columns])


_ISO = "%Y-%m-%d %H:%M:%S"


def _blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")


def _derived(spec: dict[str, str]) -> pl.Expr:
    if "date" in spec:
        text = pl.col(spec["date"]).str.strip_chars()
        if "time" in spec:
            text = pl.concat_str(text, pl.lit(" "), pl.col(spec["time"]).str.strip_chars())
        if "format" not in spec:
            return text  # ISO date and time: the contract's own timestamp parser reads it
        parsed = text.str.to_datetime(spec["format"], strict=False).dt.strftime(_ISO)
        return pl.coalesce(parsed, text)  # unreadable: passed on as written, rejected by the rule
    base = pl.col(spec["after"]).str.strip_chars()
    out = base
    if "seconds" in spec:
        seconds = pl.col(spec["seconds"]).str.strip_chars()
        number = seconds.cast(pl.Float64, strict=False)
        moved = (
            base.str.to_datetime(strict=False)
            + pl.duration(microseconds=(number * 1_000_000).round().cast(pl.Int64))
        ).dt.strftime(_ISO)
        out = (
            pl.when(_blank(spec["after"]) | _blank(spec["seconds"])).then(None)
            .when(number.is_null()).then(seconds)  # not a number: rejected by the timestamp rule
            .otherwise(pl.coalesce(moved, base))
        )  # fmt: skip
    if "when" in spec:
        out = pl.when(_blank(spec["when"])).then(None).otherwise(out)
    if "otherwise" in spec:
        out = pl.coalesce(out, pl.col(spec["otherwise"]))
    return out
