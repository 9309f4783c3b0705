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
HOURS_COLUMNS = {"phone_hours"}


def hhmm(hours) -> str:
    """6:01 for 6.0167 hours."""
    if _missing(hours):
        return "—"
    minutes = round(hours * 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value) -> str:
    return "—" if _missing(value) else f"{value * 100:.1f}%"


def mmss(seconds) -> str:
    """4:49 for 289 s; 6:01:10 once it reaches an hour."""
    if _missing(seconds):
        return "—"
    total = round(seconds)
    if total >= 3600:
        return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return f"{total // 60}:{total % 60:02d}"


def thousands(value) -> str:
    return "—" if _missing(value) else f"{value:,.0f}"


def fmt(column: str, value) -> str:
    if column in RATE_COLUMNS:
        return pct(value)
    if column in SECONDS_COLUMNS:
        return mmss(value)
    if column in HOURS_COLUMNS:
        return hhmm(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return thousands(value) if float(value).is_integer() else f"{value:,.1f}"
    return "—" if _missing(value) else str(value)
