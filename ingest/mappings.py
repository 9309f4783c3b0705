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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.contracts import CONTRACTS
from ingest.settings import MAPPINGS_DIR


class MappingError(ValueError):
    """A mapping file is malformed."""


@dataclass(frozen=True)
class Layout:
    name: str
    source: str
    columns: dict[str, str]  # file header -> canonical name
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    path: Path | None = None


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
    columns = {str(k).strip(): str(v) for k, v in (doc["columns"] or {}).items()}
    unknown = sorted(set(columns.values()) - set(CONTRACTS[source].names))
    if unknown:
        raise MappingError(f"{path.name}: maps to columns the contract does not have: {unknown}")
    values = {
        str(col): {str(k).strip(): str(v) for k, v in (mapping or {}).items()}
        for col, mapping in (doc.get("values") or {}).items()
    }
    return Layout(str(doc["layout"]), source, columns, values, path)


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
) -> tuple[Layout | None, dict[str, str], list[str]]:
    """Choose how to rename `headers` to the contract.

    Returns (layout or None for canonical names, rename map, missing required columns). The
    canonical layout wins when it covers every required column.
    """
    contract = CONTRACTS[source]
    required = set(contract.required)
    canonical = {h: canonical_header(h) for h in headers if canonical_header(h) in contract.names}
    missing_canonical = sorted(required - set(canonical.values()))
    if not missing_canonical:
        return None, canonical, []
    best: tuple[int, Layout, dict[str, str]] | None = None
    for layout in layouts:
        if layout.source != source:
            continue
        rename = {h: layout.columns[h.strip()] for h in headers if h.strip() in layout.columns}
        if required - set(rename.values()):
            continue
        if best is None or len(rename) > best[0]:
            best = (len(rename), layout, rename)
    if best is not None:
        return best[1], best[2], []
    return None, canonical, missing_canonical
