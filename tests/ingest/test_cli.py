"""The command line says what went wrong in words, never with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import TEST_SECRET, place

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "CALLER_KEY_SECRET": TEST_SECRET, **(env or {})}, timeout=120,
    )  # fmt: skip


def test_load_prints_a_summary_in_plain_words(landing, warehouse):
    place(landing, "calls", "valid/calls.csv")
    place(landing, "calls", "invalid/calls.csv", "bad.csv")
    done = _run("load", str(landing), "--database", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert "calls/bad.csv: 22 rows read, 1 accepted, 21 rejected" in done.stdout
    assert "32 rows read = 12 accepted + 21 rejected" not in done.stdout
    assert "33 rows read = 12 accepted + 21 rejected." in done.stdout


def test_missing_landing_folder(tmp_path):
    done = _run("load", str(tmp_path / "nowhere"), "--database", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2
    assert "does not exist" in done.stdout and "Traceback" not in done.stdout + done.stderr


def test_bad_time_zone_setting(landing, warehouse):
    done = _run("load", str(landing), "--database", str(warehouse), env={"CENTER_TIMEZONE": "Mars/Olympus"})
    assert done.returncode == 2
    assert "CENTER_TIMEZONE='Mars/Olympus' is not a known time zone" in done.stderr
    assert "Traceback" not in done.stderr


def test_warehouse_locked_by_another_writer(landing, warehouse):
    place(landing, "calls", "valid/calls.csv")
    with duckdb.connect(str(warehouse)):
        done = _run("load", str(landing), "--database", str(warehouse))
    assert done.returncode == 2
    assert "only one writer at a time" in done.stderr and "Traceback" not in done.stderr


def test_summary(landing, warehouse):
    place(landing, "calls", "valid/calls.csv")
    _run("load", str(landing), "--database", str(warehouse))
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.summary", "--database", str(warehouse)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0
    assert "11  call segments" in done.stdout


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        ("", "CALLER_KEY_SECRET is not set"),
        ("demo-secret-not-for-production", "is the published demo secret"),
        ("short-secret", "is shorter than 32 bytes"),
    ],
)
def test_a_weak_caller_key_secret_is_refused_before_anything_is_keyed(landing, warehouse, secret, says):
    place(landing, "calls", "valid/calls.csv")
    done = _run("load", str(landing), "--database", str(warehouse), env={"CALLER_KEY_SECRET": secret})
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert not warehouse.exists()


def test_the_demo_center_may_use_the_published_secret(landing, warehouse):
    place(landing, "calls", "valid/calls.csv")
    (landing / "_demo_center").write_text("demo")  # what `python -m ingest.demo` writes
    done = _run("load", str(landing), "--database", str(warehouse), env={"CALLER_KEY_SECRET": ""})
    assert done.returncode == 0, done.stderr
    assert "published demo secret (the demo center only)" in done.stdout
