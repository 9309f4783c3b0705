"""One daily partitions definition, in the center's time zone, shared by every asset of the refresh."""

from __future__ import annotations

import dagster as dg

# Backfills can reach back to this date; a partition is a local day of the center. Real histories
# go back decades (the Technion bank log is from 1999): any day from 1990 on is a partition.
FIRST_DAY = "1990-01-01"


def daily_partitions(timezone: str) -> dg.DailyPartitionsDefinition:
    return dg.DailyPartitionsDefinition(start_date=FIRST_DAY, timezone=timezone)
