"""Numbers as a manager reads them: percentages with one decimal, seconds as m:ss, thousands."""

from __future__ import annotations

import math

from dashboards.metrics import catalogue
from dashboards.strings import language

# The declared rates by unit (models/semantic/_metrics.yml), and the marts' other shares.
RATE_COLUMNS = {m.name for m in catalogue().values() if m.unit == "fraction"} | {
    "share", "compliance_target", "occupancy", "utilisation", "wape", "baseline_wape", "backtest_wape",
}  # fmt: skip
SECONDS_COLUMNS = {m.name for m in catalogue().values() if m.unit == "seconds"} | {
    "logged_in_seconds", "paused_seconds", "talk_seconds", "wrapup_seconds", "idle_seconds", "phone_seconds",
}  # fmt: skip
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
    """12,345 — or in Chinese, from ten thousand on, in 万 and 亿 as Chinese reports print counts:
    1.23万, 12.35万, 1.2亿."""
    if _missing(value):
        return "—"
    if language() == "zh" and abs(value) >= 10_000:
        unit, size = ("亿", 100_000_000) if abs(value) >= 100_000_000 else ("万", 10_000)
        return f"{value / size:,.2f}".rstrip("0").rstrip(".") + unit
    return f"{value:,.0f}"


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
