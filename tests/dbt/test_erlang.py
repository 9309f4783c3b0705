"""Erlang C of rpt_interval_staffing against published and independently computed cases
(shared erlang-oracles data: pyworkforce's test assertions, callcentrehelper's worked example)."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "dbt_project" / "models" / "marts" / "calls" / "rpt_interval_staffing.py"
# Copied from the shared erlang-oracles data (provenance and licences in SOURCE.md beside it).
ORACLES = ROOT / "tests" / "fixtures" / "erlang" / "erlang_cases.csv"

spec = importlib.util.spec_from_file_location("rpt_interval_staffing", MODEL)
erlang = importlib.util.module_from_spec(spec)
spec.loader.exec_module(erlang)


def _cases() -> list[dict]:
    if not ORACLES.exists():
        return []
    with ORACLES.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["model"] == "erlang_c"]


def _value(case: dict) -> float:
    calls, interval, aht = float(case["calls"]), float(case["interval_min"]) * 60, float(case["aht_s"])
    traffic = erlang.traffic_erlangs(calls, aht, interval)
    agents = int(case["agents"]) if case["agents"] else None
    target_s = float(case["answer_target_s"]) if case["answer_target_s"] else None
    metric = case["metric"]
    if metric == "traffic_erlangs":
        return traffic
    if metric == "p_wait":
        return erlang.wait_probability(traffic, agents)
    if metric == "service_level":
        return erlang.service_level(traffic, agents, aht, target_s)
    if metric == "asa_s":
        return erlang.average_speed_of_answer(traffic, agents, aht)
    if metric == "occupancy":
        return erlang.occupancy(traffic, agents)
    occupancy = float(case["max_occupancy"]) if case["max_occupancy"] else None
    if metric in ("raw_agents_required", "agents_required_for_sl"):
        return erlang.required_agents(calls, aht, interval, target_s, float(case["target_sl"]), occupancy)
    if metric == "agents_after_shrinkage":
        raw = erlang.required_agents(calls, aht, interval, target_s, float(case["target_sl"]), occupancy)
        return erlang.with_shrinkage(raw, float(case["shrinkage"]))
    asa_target = re.fullmatch(r"agents_required_for_asa_le_(\d+)s", metric)
    if asa_target:
        return erlang.agents_for_asa(traffic, aht, float(asa_target.group(1)))
    raise AssertionError(f"no warehouse function for the Erlang C case metric {metric}")


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c['case_id']}-{c['metric']}")
def test_erlang_c_matches_the_reference_cases(case):
    decimals = int(case["decimals"])
    assert round(_value(case), decimals) == pytest.approx(round(float(case["expected"]), decimals))


def test_the_oracle_file_is_there():
    assert len(_cases()) >= 20, f"expected the shared Erlang cases at {ORACLES}"


def test_no_calls_no_agents_and_unknown_handle_time():
    assert erlang.required_agents(0, None, 1800, 20, 0.8) == 0
    assert erlang.required_agents(2, None, 1800, 20, 0.8) is None
    # 3 calls in 30 min at 330 s: A = 0.55 Erlang; 1 agent gives SL 0.465, 2 agents 0.891.
    assert erlang.required_agents(3, 330, 1800, 20, 0.8) == 2
