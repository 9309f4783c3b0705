"""Plotly figure factories: pure functions from a frame to a figure (no Streamlit, no queries)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.strings import t

_LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "legend": {"orientation": "h", "y": -0.2},
    "hovermode": "x unified",
    "template": "plotly_white",
}


def trend(
    frame: pl.DataFrame,
    x: str,
    columns: list[str],
    title: str,
    percent: bool = True,
    targets: dict[str, float] | None = None,
    by: str | None = None,
) -> go.Figure:
    fig = go.Figure()
    for column in columns:
        if by is None:
            fig.add_scatter(
                x=frame[x].to_list(), y=frame[column].to_list(), mode="lines+markers", name=t(column)
            )
        else:  # one line per series (a channel, a queue), never one line through all of them
            for (name,), part in frame.sort(x).partition_by(by, as_dict=True, maintain_order=True).items():
                label = f"{t(column)} · {name}" if len(columns) > 1 else str(name)
                fig.add_scatter(
                    x=part[x].to_list(), y=part[column].to_list(), mode="lines+markers", name=label
                )
        if targets and column in targets:
            fig.add_hline(y=targets[column], line_dash="dot", annotation_text=f"{t('target')} {t(column)}")
    fig.update_layout(title=title, **_LAYOUT)
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def bars(
    frame: pl.DataFrame, x: str, y: str, title: str, color: str | None = None, percent: bool = False
) -> go.Figure:
    fig = go.Figure()
    if color:
        for name, part in frame.partition_by(color, as_dict=True, maintain_order=True).items():
            fig.add_bar(x=part[x].to_list(), y=part[y].to_list(), name=str(name[0]))
        fig.update_layout(barmode="group")
    else:
        fig.add_bar(x=frame[x].to_list(), y=frame[y].to_list(), name=t(y))
    fig.update_layout(title=title, **_LAYOUT)
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def pareto(frame: pl.DataFrame, label: str, count: str, title: str, share: str | None = None) -> go.Figure:
    """Bars by count, descending, with the cumulative share on a second axis. With `share` (each
    bar's share of the whole, not only of the bars shown) the line tells how much the bars cover."""
    ordered = frame.sort(count, descending=True)
    parts = ordered[share] if share else ordered[count] / (ordered[count].sum() or 1)
    fig = go.Figure()
    fig.add_bar(x=ordered[label].to_list(), y=ordered[count].to_list(), name=t(count))
    fig.add_scatter(
        x=ordered[label].to_list(),
        y=parts.cum_sum().to_list(),
        yaxis="y2",
        mode="lines+markers",
        name=t("cumulative_share"),
    )
    fig.update_layout(
        title=title,
        yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "range": [0, 1.02], "dtick": 0.2},
        **_LAYOUT,
    )
    return fig


def heatmap(
    frame: pl.DataFrame, x: str, y: str, z: str, title: str, percent: bool = False, y_names=None
) -> go.Figure:
    """z by x (columns) and y (rows, in y's order from the top; `y_names` names them)."""
    pivot = frame.pivot(on=x, index=y, values=z, aggregate_function="sum", sort_columns=True).sort(y)
    columns = [c for c in pivot.columns if c != y]
    fig = go.Figure(
        go.Heatmap(
            z=pivot.select(columns).to_numpy(),
            x=columns,
            y=[y_names(v) if y_names else v for v in pivot[y].to_list()],
            colorscale="Blues",
            zmin=0 if percent else None,
            zmax=1 if percent else None,
            hoverongaps=False,
        )
    )
    fig.update_layout(title=title, **{k: v for k, v in _LAYOUT.items() if k != "hovermode"})
    fig.update_yaxes(autorange="reversed", type="category")
    return fig
