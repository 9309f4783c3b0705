"""No caller number or name in clear after a real refresh: bad lines of every switch format and a
comment carrying known numbers and names go through load, dbt, checks and publish; then every
table and column of the published file and of the store, the status file, the refresh's output
and everything the Dagster instance wrote (its event log and captured logs) are scanned."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.ingest.test_idempotency_and_pii import plant_personal_data, planted_in
from tests.orchestration.conftest import PARTITION

pytestmark = pytest.mark.slow


def _columns_holding_planted(database: Path) -> list[tuple[str, str]]:
    found = []
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        for schema, table, column in columns:
            values = con.execute(
                f'select distinct cast("{column}" as varchar) from {schema}."{table}"'
            ).fetchall()
            found += [
                (f"{schema}.{table}.{column}", what) for (value,) in values for what in planted_in(str(value))
            ]
    return found


def test_a_refresh_with_planted_personal_data_keeps_none_of_it_in_clear(center, tmp_path, capsys):
    from orchestration.refresh import run_refresh

    plant_personal_data(center["landing"])
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        assert run_refresh(PARTITION, instance=instance)
    warehouse = center["warehouse"]

    with duckdb.connect(str(warehouse), read_only=True) as con:  # the bad lines did arrive
        assert (
            con.execute("select sum(rows_rejected) from marts.rpt_rejected_rows_by_rule").fetchall()[0][0]
            >= 3
        )
    assert _columns_holding_planted(warehouse) == []
    assert _columns_holding_planted(warehouse.with_name(warehouse.name + ".store")) == []

    written = [warehouse.with_name(warehouse.name + ".status.json"), *home.rglob("*")]
    texts = [(str(p), p.read_bytes().decode("utf-8", "ignore")) for p in written if p.is_file()]
    output = capsys.readouterr()
    texts += [("stdout", output.out), ("stderr", output.err)]
    assert len(texts) > 3  # the status file, the instance's storage and the output were read
    assert [(name, what) for name, text in texts for what in planted_in_logs(text)] == []


def planted_in_logs(text: str) -> list[str]:
    """planted_in, line by line: a log is long, and its digits run together across lines."""
    return sorted({what for line in text.splitlines() for what in planted_in(line)})
