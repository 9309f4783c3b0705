"""Dagster definitions for the daily refresh (see the refresh issue)."""
