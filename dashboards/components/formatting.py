"""Numbers as a manager reads them: percentages with one decimal, seconds as m:ss, thousands."""

from __future__ import annotations

import math

RATE_COLUMNS = {
    "connect_rate",
    "service_level",
    "abandon_rate",
    "fcr_rate",
    "repeat_call_rate",
    "csat",
    "survey_participation_rate",
    "transfer_rate",
    "sla_compliance",
    "share",
    "acw_known_share",
    "callback_rate",
    "callback_satisfaction",
}
SECONDS_COLUMNS = {"asa_seconds", "aht_seconds", "acw_seconds", "talk_seconds_per_call"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value) -> str:
    return "—" if _missing(value) else f"{value * 100:.1f}%"


def mmss(seconds) -> str:
    if _missing(seconds):
        return "—"
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def thousands(value) -> str:
    return "—" if _missing(value) else f"{value:,.0f}"


def fmt(column: str, value) -> str:
    if column in RATE_COLUMNS:
        return pct(value)
    if column in SECONDS_COLUMNS:
        return mmss(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return thousands(value) if float(value).is_integer() else f"{value:,.1f}"
    return "—" if _missing(value) else str(value)
