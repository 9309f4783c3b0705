"""Settings every tool shares: the DuckDB limits reach the loader's connections and dbt's."""

from __future__ import annotations

import pytest

from ingest import settings, warehouse


def test_duckdb_limits_apply_to_the_loaders_connections(tmp_path, monkeypatch):
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("DUCKDB_THREADS", "1")
    monkeypatch.setenv("DUCKDB_TEMP_DIR", str(tmp_path / "spill"))
    with warehouse.open_for_writing(tmp_path / "w.duckdb") as con:
        memory, threads, temp = con.execute(
            "select current_setting('memory_limit'), current_setting('threads'), "
            "current_setting('temp_directory')"
        ).fetchall()[0]
    assert (memory, threads, temp) == ("953.6 MiB", 1, str(tmp_path / "spill"))  # 1 GB = 953.6 MiB


def test_default_memory_limit_is_not_duckdbs_80_percent(monkeypatch):
    monkeypatch.delenv("DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("DUCKDB_THREADS", raising=False)
    monkeypatch.delenv("DUCKDB_TEMP_DIR", raising=False)
    assert settings.duckdb_config() == {"memory_limit": "4GB"}


@pytest.mark.parametrize(
    ("name", "value"),
    [("DUCKDB_MEMORY_LIMIT", "lots"), ("DUCKDB_MEMORY_LIMIT", "4"), ("DUCKDB_THREADS", "0")],
)
def test_a_wrong_limit_is_refused_in_words(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.SettingsError, match=name):
        settings.duckdb_config()


@pytest.mark.slow
def test_dbt_builds_under_the_same_limits(tmp_path, monkeypatch):
    """dbt's on-run-start applies them: a limit DuckDB refuses fails the build's hook."""
    from tests.dbt_helpers import run_dbt

    database = tmp_path / "w.duckdb"
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "1GB")
    run_dbt(database, "seed", "--select", "districts")
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "lots")  # dbt alone: no check of ours, DuckDB refuses it
    with pytest.raises(AssertionError, match="on-run-start"):
        run_dbt(database, "seed", "--select", "districts")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("value", "why"),
    [("Asia/Shanghai'; drop schema raw cascade; --", "not a time zone name"),
     ("Mars/Olympus_Mons", "not a time zone DuckDB knows")],
)  # fmt: skip
def test_dbt_checks_the_time_zone_before_writing_it_into_sql(tmp_path, monkeypatch, value, why):
    """dbt run alone (without the loader's check of CENTER_TIMEZONE) refuses a zone it cannot use."""
    from tests.dbt_helpers import run_dbt

    monkeypatch.setenv("CENTER_TIMEZONE", value)
    with pytest.raises(AssertionError, match=why):
        run_dbt(tmp_path / "w.duckdb", "seed", "--select", "districts")
