"""The metric catalogue (dashboards/metrics.py) over the declarations in dbt_project/models/semantic/:
what is generated from them is current, each rate is well formed, and a period's rate is the
summed numerator over the summed denominator (worked by hand below)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import yaml

from dashboards import metrics
from dashboards.components.formatting import RATE_COLUMNS, SECONDS_COLUMNS
from dashboards.strings import t


def test_generated_files_are_current():
    # docs/metrics.md's tables and dbt's copy for unit tests: `make metrics` rewrites them.
    assert metrics.main(["--check"]) == 0, "run `make metrics`"


def test_every_rate_is_a_ratio_of_two_counts_of_one_fact_table_with_names_and_direction():
    declared = metrics.catalogue()
    assert {"connect_rate", "abandon_rate", "service_level", "asa_seconds", "aht_seconds", "fcr_rate",
            "repeat_call_rate", "csat", "sla_compliance"} <= set(declared)  # fmt: skip
    for metric in declared.values():
        numerator, denominator = metrics.measures()[metric.numerator], metrics.measures()[metric.denominator]
        assert numerator.semantic_model == denominator.semantic_model == metric.semantic_model, metric.name
        assert metric.unit in ("fraction", "seconds") and metric.direction in ("higher", "lower", "none")
        assert metric.label and metric.label_zh and metric.definition, metric.name
        assert metric.name in (RATE_COLUMNS if metric.unit == "fraction" else SECONDS_COLUMNS)
        assert metric.label_zh in t(metric.name)  # the pages' label comes from the declaration


def test_meets_target_follows_the_good_direction():
    connect, abandon = metrics.catalogue()["connect_rate"], metrics.catalogue()["abandon_rate"]
    assert (connect.target, abandon.target) == (0.90, 0.05)
    assert connect.meets_target(0.90) is True and connect.meets_target(0.89) is False
    assert abandon.meets_target(0.05) is True and abandon.meets_target(0.051) is False
    assert connect.meets_target(None) is None
    assert metrics.catalogue()["aht_seconds"].meets_target(300) is None  # no target set


def test_a_period_rate_is_summed_numerator_over_summed_denominator():
    # Day 1: 9 of 10 answered (90 %); day 2: 1 of 2 (50 %). The week: 10 / 12 = 83.3 %, not the
    # mean of the daily rates (70 %). Day 3 in week 2 had no calls: counts 0, every rate NULL, and
    # a sum over no answered call stays NULL. Day 2's counts arrive as Decimals (DuckDB's 128-bit
    # sums): still divided as numbers, not as whole numbers.
    days = pl.DataFrame(
        {
            "week": [1, 1, 2],
            "offered": [10, 2, 0],
            "answered": [9, 1, 0],
            "abandoned": [1, 0, 0],
            "abandon_base": [1, 1, 0],
            "answered_wait_seconds": [90.0, 30.0, None],
            "acw_known_segments": [Decimal(7), Decimal(0), Decimal(0)],
            "answered_segments": [Decimal(8), Decimal(1), Decimal(0)],
        }
    )
    week = metrics.rates_over_period(days, ["week"]).sort("week").to_dicts()
    assert week[0]["offered"] == 12 and week[0]["answered"] == 10
    assert week[0]["connect_rate"] == pytest.approx(10 / 12)
    assert week[0]["abandon_rate"] == pytest.approx(1 / 2)
    assert week[0]["asa_seconds"] == pytest.approx(120 / 10)
    assert week[0]["acw_known_share"] == pytest.approx(7 / 9)
    assert week[1]["offered"] == 0 and week[1]["connect_rate"] is None and week[1]["abandon_rate"] is None
    assert week[1]["answered_wait_seconds"] is None and week[1]["asa_seconds"] is None
    # A rate whose denominator the frame lacks is not made up.
    assert "service_level" not in week[0]


def test_a_roll_up_keeps_other_aggregations_and_the_group_columns():
    frame = pl.DataFrame(
        {
            "day": [dt.date(2024, 3, 1)] * 2,
            "ticket_type": ["repair"] * 2,
            "target_hours": [24.0, 24.0],
            "resolved_within_target": [3, 1],
            "sla_base": [4, 0],
        }
    )
    rolled = metrics.rates_over_period(frame, ["ticket_type"], pl.col("target_hours").max()).to_dicts()
    assert rolled == [
        {
            "ticket_type": "repair",
            "resolved_within_target": 4,
            "sla_base": 4,
            "target_hours": 24.0,
            "sla_compliance": 1.0,
        }
    ]


def test_the_exposures_list_the_marts_each_page_reads():
    # A page's marts are those of the queries it calls (dashboards/data/queries.py).
    root = Path(__file__).resolve().parents[2]
    source = (root / "dashboards" / "data" / "queries.py").read_text(encoding="utf-8")
    bodies = {
        found.group(1): found.group(0)
        for found in re.finditer(r"^def (\w+)\(.*?(?=^def |\Z)", source, re.S | re.M)
    }

    def reads_of(name: str, seen: frozenset = frozenset()) -> set[str]:
        """The marts a query reads, and those of the queries it calls."""
        body = bodies.get(name, "")
        called = {c for c in re.findall(r"(?<![.\w])(\w+)\(", body) if c in bodies and c not in seen | {name}}
        return set(re.findall(r"marts\.(\w+)", body)).union(*(reads_of(c, seen | {name}) for c in called))

    reads = {name: reads_of(name) for name in bodies}
    exposures = yaml.safe_load((root / "dbt_project/models/marts/_dashboards__exposures.yml").read_text())
    declared = {
        e["name"]: {re.sub(r"ref\('(\w+)'\)", r"\1", d) for d in e["depends_on"]}
        for e in exposures["exposures"]
        if e["type"] == "dashboard"
    }
    pages = {p.stem: p for p in (root / "dashboards" / "app_pages").glob("*.py")}
    assert set(declared) == set(pages)
    for name, page in pages.items():
        calls = set(re.findall(r"queries\.(\w+)\(", page.read_text(encoding="utf-8")))
        assert set().union(*(reads.get(call, set()) for call in calls)) == declared[name], name


def _half_hours(rows: list[tuple]) -> pl.DataFrame:
    """(local start, UTC start, offered, answered, within SL, SL base, agents) per half hour."""
    return pl.DataFrame(
        [
            {"call_date": local.date(), "interval_start": local, "interval_start_utc": utc,
             "interval_minutes": 30, "queue": "repair", "offered": offered, "answered": answered,
             "answered_within_sl": within, "service_level_base": base, "agents_handling": agents}
            for local, utc, offered, answered, within, base, agents in rows
        ]
    )  # fmt: skip


def test_an_hour_sums_its_half_hours_and_keeps_the_busier_half_hours_agents():
    from dashboards.data.queries import by_hour

    at = dt.datetime
    hours = by_hour(
        _half_hours(
            [
                # Shanghai (UTC+8): 09:00 and 09:30 make the 09:00 hour; 10:00 is an hour alone.
                (at(2024, 3, 1, 9, 0), at(2024, 3, 1, 1, 0), 3, 2, 2, 3, 2),
                (at(2024, 3, 1, 9, 30), at(2024, 3, 1, 1, 30), 4, 4, 3, 4, 3),
                (at(2024, 3, 1, 10, 0), at(2024, 3, 1, 2, 0), 1, 0, 0, 1, 1),
            ]
        )
    ).sort("interval_start_utc")
    nine, ten = hours.to_dicts()
    assert (nine["interval_start"], nine["interval_start_utc"]) == (at(2024, 3, 1, 9), at(2024, 3, 1, 1))
    assert (nine["offered"], nine["answered"], nine["interval_minutes"]) == (7, 6, 60)
    assert nine["service_level"] == pytest.approx(5 / 7)  # (2 + 3) / (3 + 4), not the mean of 2/3 and 3/4
    assert nine["agents_handling"] == 3  # the busier half hour's 3, not 2 + 3
    assert (ten["offered"], ten["agents_handling"], ten["service_level"]) == (1, 1, 0.0)


def test_an_hour_is_the_centers_clock_hour_across_daylight_saving_and_half_hour_offsets():
    from dashboards.data.queries import by_hour

    at = dt.datetime
    # New York, 3 November 2024: the clock goes back at 02:00, so 01:00 and 01:30 come twice
    # (first at UTC-4, then at UTC-5): two hours both called 01:00, kept apart by their UTC start.
    fall_back = by_hour(
        _half_hours(
            [
                (at(2024, 11, 3, 1, 0), at(2024, 11, 3, 5, 0), 1, 1, 1, 1, 1),
                (at(2024, 11, 3, 1, 30), at(2024, 11, 3, 5, 30), 2, 2, 2, 2, 1),
                (at(2024, 11, 3, 1, 0), at(2024, 11, 3, 6, 0), 4, 4, 4, 4, 2),
                (at(2024, 11, 3, 1, 30), at(2024, 11, 3, 6, 30), 8, 8, 8, 8, 2),
            ]
        )
    ).sort("interval_start_utc")
    assert fall_back.select("interval_start_utc", "offered").rows() == [
        (at(2024, 11, 3, 5), 3), (at(2024, 11, 3, 6), 12)
    ]  # fmt: skip
    assert set(fall_back["interval_start"]) == {at(2024, 11, 3, 1)}
    # Kolkata (UTC+5:30): local 09:00 is 03:30 UTC; 09:00 and 09:30 are one hour starting 03:30.
    india = by_hour(
        _half_hours(
            [
                (at(2024, 3, 1, 9, 0), at(2024, 3, 1, 3, 30), 5, 5, 5, 5, 2),
                (at(2024, 3, 1, 9, 30), at(2024, 3, 1, 4, 0), 5, 4, 3, 5, 4),
            ]
        )
    )
    assert india.select("interval_start", "interval_start_utc", "offered", "agents_handling").rows() == [
        (at(2024, 3, 1, 9), at(2024, 3, 1, 3, 30), 10, 4)
    ]
