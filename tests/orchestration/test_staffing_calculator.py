"""The staffing calculator as a planner runs it: the `staffing` console script installed by
`make install` (pyproject.toml), reading a CSV and printing CSV. Expected values are the
callcentrehelper worked example (100 calls per 30 min at 180 s, 80/20, occupancy 85 %,
shrinkage 30 %: 14 agents, 20 headcount, P(wait) 0.174, SL 0.888, occupancy 0.714) and the
EC-A0 rows of tests/fixtures/erlang."""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.workforce import calculator

SCRIPT = Path(sys.executable).parent / "staffing"
HEADER = "interval_start,calls,agents,headcount,p_wait,service_level,asa_seconds,occupancy"


def run(*args: str) -> subprocess.CompletedProcess:
    """The calculator on `args`, in this process (its `main`, as the console script calls it)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = calculator.main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_the_console_script_is_installed_and_runs(arrivals):
    path = arrivals("interval_start,calls\n09:00,100\n")
    result = subprocess.run(
        [str(SCRIPT), "--arrivals", path, "--interval-minutes", "30", "--aht-seconds", "180",
         "--max-wait-probability", "0.5"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [HEADER, "09:00,100,12,12,0.449388,,40.445,0.833333"]
    missing = [str(SCRIPT), "--arrivals", path + ".missing", "--interval-minutes", "30",
               "--aht-seconds", "180", "--max-asa-seconds", "20"]  # fmt: skip
    bad = subprocess.run(missing, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "no such file" in bad.stderr and "Traceback" not in bad.stderr


def rows(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == HEADER
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.fixture
def arrivals(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "arrivals.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_the_worked_example_with_occupancy_cap_and_shrinkage(arrivals):
    path = arrivals("interval_start,calls\n09:00,100\n09:30,0\n")
    out = rows(run("--arrivals", path, "--interval-minutes", "30", "--aht-seconds", "180",
                   "--service-level", "0.8", "--answer-seconds", "20",
                   "--max-occupancy", "0.85", "--shrinkage", "0.3"))  # fmt: skip
    busy, empty = out
    assert (busy["interval_start"], busy["calls"], busy["agents"], busy["headcount"]) == (
        "09:00",
        "100",
        "14",
        "20",
    )
    assert round(float(busy["p_wait"]), 3) == 0.174
    assert round(float(busy["service_level"]), 3) == 0.888
    assert round(float(busy["occupancy"]), 3) == 0.714
    assert round(float(busy["asa_seconds"]), 2) == 7.84  # 0.17413 × 180 ÷ (14 − 10)
    # An interval without calls needs no one.
    assert (empty["agents"], empty["headcount"], empty["occupancy"]) == ("0", "0", "0")


def test_wait_probability_and_asa_targets_with_timestamps(arrivals):
    path = arrivals("interval_start,calls\n2026-12-01 09:00,100\n2026-12-01T09:30:00,200\n")
    common = ("--arrivals", path, "--interval-minutes", "30", "--aht-seconds", "180")
    by_wait = rows(run(*common, "--max-wait-probability", "0.5"))
    by_asa = rows(run(*common, "--max-asa-seconds", "20"))
    # A = 10: 12 agents (P(wait) 0.4494, 11 give 0.6821); ASA 20 s: 13 agents (17.12 s, 12 give
    # 40.44 s). The second interval (A = 20) only shows that timestamps pass through as written.
    assert (by_wait[0]["agents"], by_wait[0]["p_wait"]) == ("12", "0.449388")
    assert (by_asa[0]["agents"], by_asa[0]["asa_seconds"]) == ("13", "17.116")
    assert by_wait[1]["interval_start"] == "2026-12-01T09:30:00"
    assert int(by_wait[1]["agents"]) > 20  # more traffic than agents never carries it


def test_patience_switches_to_erlang_a(arrivals):
    path = arrivals("interval_start,calls\n09:00,100\n")
    common = ("--arrivals", path, "--interval-minutes", "30", "--aht-seconds", "180",
              "--service-level", "0.8", "--answer-seconds", "20")  # fmt: skip
    erlang_c = rows(run(*common))[0]
    erlang_a = rows(run(*common, "--patience-seconds", "300"))[0]
    # pyworkforce's ErlangA snapshot: 14 agents give SL 0.916792 with mean patience 5 min; with
    # 13 the chain gives 0.8582 ≥ 0.8, so Erlang A rosters 13 where Erlang C needs 14.
    assert (erlang_c["agents"], erlang_a["agents"]) == ("14", "13")
    assert round(float(erlang_a["service_level"]), 4) == 0.8582


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("interval,calls\n09:00,3\n", (), "missing interval_start"),
        ("interval_start,calls\n9h,3\n", (), "row 2: interval_start '9h'"),
        ("interval_start,calls\n09:00,3\n09:30,many\n", (), "row 3: calls 'many' is not a number"),
        ("interval_start,calls\n09:00,-1\n", (), "row 2: calls must be 0 or more"),
        ("interval_start,calls\n09:00,3\n09:00,4\n", (), "listed twice"),
        ("interval_start,calls\n", (), "no intervals"),
        ("interval_start,calls\n09:00,3\n", ("--shrinkage", "1"), "--shrinkage"),
        ("interval_start,calls\n09:00,3\n", ("--max-occupancy", "1.5"), "occupancy cap"),
    ],
)
def test_bad_files_and_options_get_one_clear_line(arrivals, text, args, message):
    result = run("--arrivals", arrivals(text), "--interval-minutes", "30", "--aht-seconds", "180",
                 "--max-wait-probability", "0.5", *args)  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr


def test_impossible_targets_and_missing_files(arrivals, tmp_path):
    path = arrivals("interval_start,calls\n09:00,3\n")
    full = run("--arrivals", path, "--interval-minutes", "30", "--aht-seconds", "180",
               "--service-level", "1", "--answer-seconds", "20")  # fmt: skip
    assert full.returncode == 2 and "below 1" in full.stderr
    no_answer_time = run("--arrivals", path, "--interval-minutes", "30", "--aht-seconds", "180",
                         "--service-level", "0.8")  # fmt: skip
    assert no_answer_time.returncode == 2 and "--answer-seconds" in no_answer_time.stderr
    missing = run("--arrivals", str(tmp_path / "nope.csv"), "--interval-minutes", "30",
                  "--aht-seconds", "180", "--max-asa-seconds", "30")  # fmt: skip
    assert missing.returncode == 2 and "no such file" in missing.stderr
