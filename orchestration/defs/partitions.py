"""One daily partitions definition, in the center's time zone, shared by every asset of the refresh."""

from __future__ import annotations

import dagster as dg

# Backfills can reach back to this date; a partition is a local day of the center.
FIRST_DAY = "2020-01-01"


def daily_partitions(timezone: str) -> dg.DailyPartitionsDefinition:
    return dg.DailyPartitionsDefinition(start_date=FIRST_DAY, timezone=timezone)
