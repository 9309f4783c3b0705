"""Dagster definitions by concern: warehouse (resource), ingest, dbt, publish, automation."""
