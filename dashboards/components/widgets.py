"""Shared UI pieces: a chart with its table one click away, downloads, KPI tiles, empty states."""

from __future__ import annotations

import io

import plotly.graph_objects as go
import polars as pl
import streamlit as st
import xlsxwriter

from dashboards.components.formatting import HOURS_COLUMNS, RATE_COLUMNS, SECONDS_COLUMNS, fmt
from dashboards.metrics import Target, catalogue
from dashboards.strings import language, t


def empty(frame: pl.DataFrame) -> bool:
    if frame.is_empty():
        st.info(t("no_data"))
        return True
    return False


def excel_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    """XLSX bytes; text that looks like a formula (=cmd|…) stays text, never a formula."""
    buffer = io.BytesIO()
    # A rate over nothing (0 / 0) is NaN in a frame and an empty cell in the sheet.
    frame = frame.with_columns(pl.col(pl.Float32, pl.Float64).fill_nan(None))
    with xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False}) as workbook:
        frame.write_excel(workbook, worksheet=sheet[:31], autofit=True)
    return buffer.getvalue()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV for Excel users: UTF-8 with BOM, and text that a spreadsheet would run as a formula
    (=, +, -, @ first) prefixed with an apostrophe so it opens as text (CSV injection)."""
    safe = frame.with_columns(
        pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )
    return safe.write_csv().encode("utf-8-sig")


def audit_download(file_name: str, rows: int) -> None:
    from dashboards import users
    from dashboards.data.queries import viewer

    users.audit("download", viewer().username, file=file_name, rows=rows)


def downloads(frame: pl.DataFrame, name: str, key: str) -> None:
    left, right = st.columns(2)
    left.download_button(
        t("download_csv"),
        csv_bytes(frame),
        f"{name}.csv",
        "text/csv",
        key=f"{key}_csv",
        width="stretch",
        on_click=audit_download,
        args=(f"{name}.csv", frame.height),
    )
    right.download_button(
        t("download_xlsx"),
        excel_bytes(frame),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        width="stretch",
        on_click=audit_download,
        args=(f"{name}.xlsx", frame.height),
    )


def column_config(frame: pl.DataFrame) -> dict:
    """Each column labelled, and formatted as a manager reads it while staying a number, so that
    sorting a column sorts numbers, not text: rates as percentages, seconds and hours with their
    unit, counts with thousands separators, flags as ticks."""
    config = {}
    for column, dtype in frame.schema.items():
        label = t(column)
        if column in RATE_COLUMNS:
            config[column] = st.column_config.NumberColumn(label, format="percent")
        elif column in SECONDS_COLUMNS:
            config[column] = st.column_config.NumberColumn(label, format="%.0f s")
        elif column in HOURS_COLUMNS:
            config[column] = st.column_config.NumberColumn(label, format="%.2f h")
        elif dtype.is_integer():
            config[column] = st.column_config.NumberColumn(label, format="localized")
        elif dtype.is_float():
            config[column] = st.column_config.NumberColumn(label, format="%.1f")
        elif dtype == pl.Boolean:
            config[column] = st.column_config.CheckboxColumn(label)
        else:
            config[column] = st.column_config.Column(label)
    return config


GOOD, BAD = "color: #2e7d32", "color: #c62828; font-weight: 600"


def coloured(frame: pl.DataFrame, own_targets: dict[tuple[str, str], Target] | None = None, by: str = ""):
    """The frame as a pandas Styler whose rate cells are green where they meet the target and red
    where they miss it (by the metric's direction); the values stay numbers. The target is the
    row's own where `own_targets` has one for (rate, the row's `by` value) — a queue's service
    level target, for instance — else the center's declared one."""
    own_targets = own_targets or {}
    with_own = {rate for rate, _ in own_targets}
    judged = [
        c
        for c in frame.columns
        if ((m := catalogue().get(c)) is not None and m.target is not None) or c in with_own
    ]
    shown = frame.to_pandas()
    if not judged:
        return shown
    owners = list(shown[by]) if by in shown.columns else [None] * len(shown)

    def colour(column):
        metric = catalogue()[column.name]
        marks = []
        for owner, value in zip(owners, column, strict=True):
            value = None if value != value else value
            own = own_targets.get((column.name, owner))
            met = own.met(value) if own is not None else metric.meets_target(value)
            marks.append("" if met is None else GOOD if met else BAD)
        return marks

    return shown.style.apply(colour, subset=judged)


def table(
    frame: pl.DataFrame,
    name: str,
    key: str,
    own_targets: dict[tuple[str, str], Target] | None = None,
    by: str = "",
) -> None:
    """A table with its downloads; rate cells coloured by target (see `coloured`)."""
    # NaN (a rate over nothing) shows as an empty cell, like NULL.
    shown = frame.with_columns(pl.col(pl.Float32, pl.Float64).fill_nan(None))
    st.dataframe(
        coloured(shown, own_targets, by), hide_index=True, width="stretch", column_config=column_config(shown)
    )
    downloads(frame, name, key)


def chart_and_table(fig: go.Figure, frame: pl.DataFrame, name: str, key: str) -> None:
    chart_tab, table_tab = st.tabs([t("chart"), t("table")])
    with chart_tab:
        st.plotly_chart(fig, width="stretch", key=f"{key}_chart")
    with table_tab:
        table(frame, name, key)


def _delta(column: str, value, other) -> str | None:
    if value is None or other is None:
        return None
    chinese = language() == "zh"
    if column in RATE_COLUMNS:
        return f"{(value - other) * 100:+.1f} {'个百分点' if chinese else 'pts'}"
    if column in SECONDS_COLUMNS:
        return f"{value - other:+.0f} {'秒' if chinese else 's'}"
    return f"{(value - other) / other:+.1%}" if other else None


def kpi_tile(
    container,
    column: str,
    day: dict,
    previous: dict | None,
    last_week: dict | None,
    target: Target | None = None,
    note: str = "",
) -> None:
    """A KPI with its delta vs the previous day, coloured by the metric's good direction; a green
    or red mark for its target (met or missed, by the target's comparison); the same weekday last
    week, the target and the definition in the help."""
    value = day.get(column)
    metric = catalogue().get(column)
    helps = [f"{t('vs_last_week')}: {_delta(column, value, (last_week or {}).get(column)) or '—'}"]
    mark = ""
    if target is not None:
        helps.append(f"{t('target')}: {target.comparison} {fmt(column, target.value)}")
        met = target.met(value)
        if met is not None:  # green dot: met; red triangle: missed (the help says which target)
            mark = f":{'green' if met else 'red'}[{'●' if met else '▲'}] "
            helps.insert(0, t("target_met" if met else "target_missed"))
    if metric:
        helps.append(metric.definition)
    direction = metric.direction if metric else "higher"
    container.metric(
        mark + t(column) + (f" ({note})" if note else ""),
        fmt(column, value),
        delta=_delta(column, value, (previous or {}).get(column)),
        delta_color={"higher": "normal", "lower": "inverse"}.get(direction, "off"),
        help=" · ".join(helps),
        border=True,
    )
