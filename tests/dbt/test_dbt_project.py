"""The dbt project parses, seeds and builds (with its source tests) on a real fixture warehouse."""

from __future__ import annotations

import pytest

from tests.conftest import place
from tests.dbt_helpers import connect, run_dbt

pytestmark = pytest.mark.slow


def test_seed_and_build_on_the_fixture_warehouse(landing, load, warehouse, monkeypatch):
    for source in ("calls", "tickets", "surveys", "qa", "agents"):
        place(landing, source, f"valid/{source}.csv")
    load()
    run_dbt(warehouse, "build")
    with connect(warehouse) as con:
        assert con.execute("select count(*) from seeds.districts").fetchall() == [(5,)]
        assert con.execute("select district_name_zh from seeds.districts order by sort_order").fetchall() == [
            ("市区",),
            ("江宁",),
            ("浦口",),
            ("六合",),
            ("高淳",),
        ]
        assert con.execute("select count(*) from seeds.call_reasons").fetchall()[0][0] >= 30
        schemas = {
            r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()
        }
        assert {"raw", "seeds"} <= schemas and not any(s.startswith("main_") for s in schemas)
