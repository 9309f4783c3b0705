"""What a landing folder cannot make the loader do: follow a link out of the folder, read a file
bigger than the machine can hold, unpack a workbook bomb, or hang on an agent pattern."""

from __future__ import annotations

import io
import zipfile

import polars as pl

from tests.conftest import FIXTURES, place
from tests.ingest.test_queue_log import land, log


def _files(query) -> list[tuple]:
    return query("select file_path, status, message from raw.loaded_files order by file_path")


def test_links_are_not_followed_inside_or_out(tmp_path, landing, load, query):
    secret = tmp_path / "outside" / "payroll.csv"
    secret.parent.mkdir()
    secret.write_bytes((FIXTURES / "valid" / "calls.csv").read_bytes())
    place(landing, "calls", FIXTURES / "valid" / "calls.csv", "real.csv")
    (landing / "calls" / "outside.csv").symlink_to(secret)
    (landing / "calls" / "inside.csv").symlink_to(landing / "calls" / "real.csv")
    (landing / "calls" / "linked_folder").symlink_to(secret.parent, target_is_directory=True)

    report = load()

    assert [f.path for f in report.files] == ["calls/real.csv"]
    assert any(line.startswith("calls/outside.csv: a link") for line in report.ignored)
    assert any(line.startswith("calls/inside.csv: a link") for line in report.ignored)
    assert [row[0] for row in _files(query)] == ["calls/real.csv"]


def test_a_file_over_the_size_limit_fails_with_why_and_the_rest_loads(landing, load, query, monkeypatch):
    monkeypatch.setenv("LANDING_MAX_FILE_MB", "1")
    place(landing, "calls", FIXTURES / "valid" / "calls.csv", "small.csv")
    header = (FIXTURES / "valid" / "calls.csv").read_text().splitlines()[0]
    (landing / "calls" / "huge.csv").write_text(header + "\n" + "x" * (3 * 2**20) + "\n")

    report = load()

    assert {(f.path, f.status) for f in report.files} == {
        ("calls/huge.csv", "failed"),
        ("calls/small.csv", "loaded"),
    }
    huge = next(row for row in _files(query) if row[0] == "calls/huge.csv")
    assert "is 3 MB, over the limit of 1 MB (LANDING_MAX_FILE_MB)" in huge[2]
    # Raising the limit loads it next time (it fails on its content then, not on its size).
    monkeypatch.setenv("LANDING_MAX_FILE_MB", "10")
    again = load()
    assert "LANDING_MAX_FILE_MB" not in next(f.message for f in again.files if f.path == "calls/huge.csv")


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(
    landing, load, query, monkeypatch
):
    monkeypatch.setenv("LANDING_MAX_FILE_MB", "1")
    buffer = io.BytesIO()
    pl.DataFrame({"call_id": ["C1"]}).write_excel(buffer)
    bomb = io.BytesIO()
    with zipfile.ZipFile(buffer) as workbook, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in workbook.infolist():
            out.writestr(info, workbook.read(info))
        out.writestr("xl/media/padding.bin", b"\0" * (5 * 2**20))  # 5 MB of zeros, a few kB packed
    (landing / "calls").mkdir()
    (landing / "calls" / "bomb.xlsx").write_bytes(bomb.getvalue())
    assert len(bomb.getvalue()) < 2**20

    (result,) = load().files

    assert result.status == "failed"
    assert "unpacks to more than the limit of 1 MB (LANDING_MAX_FILE_MB)" in result.message


def test_an_agent_pattern_cannot_hang_the_load(landing, load, query):
    """`^PJSIP/((a+)+)$` backtracks exponentially in Python's re on 'aaa…a!'; Polars' engine
    answers at once (no match: the field is kept as it is)."""
    field = "PJSIP/" + "a" * 40 + "!"
    land(
        landing,
        log(
            (5, "1.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (17, "1.1", "support", field, "CONNECT", "12", "1.2", "3"),
            (137, "1.1", "support", field, "COMPLETECALLER", "12", "120", "1"),
        ),
        fmt="format: asterisk_queue_log\ndistrict: shiqu\nagent_pattern: '^PJSIP/((a+)+)$'\n",
    )
    (result,) = load().files  # Python's re: hours
    assert result.status == "loaded", result.message
    assert query("select agent_id from raw.calls") == [(field,)]


def test_an_agent_pattern_the_engine_cannot_use_fails_the_file_with_why(landing, load):
    land(
        landing,
        log((5, "1.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1")),
        fmt="format: asterisk_queue_log\ndistrict: shiqu\nagent_pattern: '^(a)\\1'\n",
    )
    (result,) = load().files
    assert result.status == "failed"
    assert "agent_pattern '^(a)\\1' in calls/pbx/_format.yaml is not usable: backreferences" in result.message
