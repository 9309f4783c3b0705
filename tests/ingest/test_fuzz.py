"""Property-based: whatever lands, the load ends in accepted + rejected rows or a file-level
rejection with a reason; never a traceback, never a row unaccounted for (reliability issue)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.loader import load_landing
from tests.conftest import FIXTURES

VALID_CALLS = (FIXTURES / "valid" / "calls.csv").read_text(encoding="utf-8")
SUFFIXES = [".csv", ".xlsx", ".parquet", ".txt"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load_one(name: str, data: bytes, fmt: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "landing" / "calls" / ("switch" if fmt else "")
        folder.mkdir(parents=True)
        if fmt:
            (folder / "_format.yaml").write_text(f"format: {fmt}\ndistrict: shiqu\n")
        (folder / name).write_bytes(data)
        report = load_landing(
            root / "landing", root / "w.duckdb", tz="Asia/Shanghai", secret=b"f", progress=None
        )
        (result,) = report.files
        if result.status == "failed":
            assert result.message, "a failed file says why"
            return
        assert result.rows_read == result.rows_accepted + result.rows_rejected
        with duckdb.connect(str(root / "w.duckdb"), read_only=True) as con:
            stored = con.execute("select count(*) from raw.calls").fetchall()[0][0]
            rejected = con.execute("select count(*) from raw.rejected_rows").fetchall()[0][0]
            lines = con.execute(
                "select source_lines + lines_carried_in, lines_in_records + lines_agent_events "
                "+ lines_ignored + lines_held + lines_rejected from raw.loaded_files"
            ).fetchall()[0]
        assert stored == result.rows_accepted - result.rows_duplicate
        assert rejected == result.rows_rejected
        if fmt:
            assert lines[0] is not None and lines[0] == lines[1], (
                "every line of a switch export is accounted for"
            )
        else:
            assert lines == (None, None), "a tabular file's rows are its lines: no line account"


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(data, suffix):
    _load_one(f"random{suffix}", data)


def _mutate(text: str, draw) -> str:
    lines = text.splitlines()
    kind = draw(
        st.sampled_from(["cell", "truncate", "drop_column", "dup_header", "formula", "huge", "ragged"])
    )
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    row = draw(st.integers(1, len(lines) - 1))
    cells = lines[row].split(",")
    col = draw(st.integers(0, len(cells) - 1))
    if kind == "cell":
        cells[col] = draw(st.text(alphabet=st.characters(blacklist_characters=',\n\r"'), max_size=30))
    elif kind == "formula":
        cells[col] = "=cmd|' /C calc'!A0"
    elif kind == "huge":
        cells[col] = "x" * draw(st.integers(10_000, 200_000))
    elif kind == "ragged":
        cells.append("extra")
    elif kind == "drop_column":
        header = lines[0].split(",")
        return "\n".join(
            ",".join(c for i, c in enumerate(line.split(",")) if i != col)
            for line in [",".join(header), *lines[1:]]
        )
    elif kind == "dup_header":
        header = lines[0].split(",")
        header[col] = header[(col + 1) % len(header)]
        lines[0] = ",".join(header)
    lines[row] = ",".join(cells)
    return "\n".join(lines) + "\n"


@FUZZ
@given(st.data())
def test_mutated_valid_files(data):
    text = _mutate(VALID_CALLS, data.draw)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "latin-1"]))
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    _load_one("mutated.csv", raw)


# -- the adapters: random bytes and mutated valid files of every switch format -------------------

ADAPTER_SAMPLES = {
    "asterisk_queue_log": (
        "1709280000|1.1|NONE|NONE|DID|96296\n"
        "1709280005|1.1|support|NONE|ENTERQUEUE||13912345678|1\n"
        "1709280006|1.1|support|PJSIP/1002|RINGNOANSWER|1000\n"
        "1709280017|1.1|support|PJSIP/1001|CONNECT|12|1.2|3\n"
        "1709280137|1.1|support|PJSIP/1001|COMPLETECALLER|12|120|1\n"
        "1709280140|NONE|support|PJSIP/1001|PAUSE|lunch\n"
        "1709280200|2.1|support|NONE|ENTERQUEUE||13800000000|1\n"
        "1709280240|2.1|support|NONE|ABANDON|1|1|40\n"
        "1709280300|3.1|sales|NONE|FULL\n"
    ),
    "asterisk_cdr": (
        '"","13912345678","96296","from-pstn","x","SIP/t-1","SIP/1001-1","Queue","support,t",'
        '"2024-03-01 16:00:00","2024-03-01 16:00:30","2024-03-01 16:02:30","150","120","ANSWERED",'
        '"DOCUMENTATION","A.1","","","A.1","1"\n'
        '"","13800000000","96296","from-pstn","x","SIP/t-2","","Queue","support,t",'
        '"2024-03-01 16:05:00","","2024-03-01 16:05:40","40","0","NO ANSWER",'
        '"DOCUMENTATION","B.1","","","B.1","1"\n'
    ),
    "technion_bank": (
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
        "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
        "AA0101\t1\t23317894\t2\tPS\t990201\t10:00:00\t10:00:10\t10\t10:00:10\t10:00:40\t30\t"
        "AGENT\t10:00:40\t10:03:00\t140\tDORIT\n"
        "AA0102\t3\t6.02701E+11\t1\tNE\t990201\t10:10:00\t10:10:05\t5\t10:10:05\t10:11:05\t60\t"
        "HANG\t0:00:00\t0:00:00\t0\tNO_SERVER\n"
        "AA0104\t5\t0\t2\tTT\t990201\t23:59:50\t23:59:58\t8\t23:59:58\t0:00:20\t22\t"
        "AGENT\t0:00:20\t0:02:00\t100\tGILI\n"
    ),
}
SEPARATORS = {"asterisk_queue_log": "|", "asterisk_cdr": ",", "technion_bank": "\t"}


@FUZZ
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(sorted(ADAPTER_SAMPLES)))
def test_random_bytes_to_every_adapter(data, fmt):
    _load_one("export", data, fmt)


@FUZZ
@given(st.data())
def test_mutated_switch_exports(data):
    fmt = data.draw(st.sampled_from(sorted(ADAPTER_SAMPLES)))
    lines = ADAPTER_SAMPLES[fmt].splitlines()
    sep = SEPARATORS[fmt]
    kind = data.draw(
        st.sampled_from(["field", "drop_line", "dup_line", "swap", "truncate", "huge", "formula"])
    )
    i = data.draw(st.integers(0, len(lines) - 1))
    if kind == "drop_line":
        del lines[i]
    elif kind == "dup_line":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "truncate":
        text = "\n".join(lines)
        lines = text[: data.draw(st.integers(0, len(text)))].splitlines()
    else:
        fields = lines[i].split(sep)
        k = data.draw(st.integers(0, len(fields) - 1))
        if kind == "field":
            fields[k] = data.draw(st.text(max_size=20))
        elif kind == "huge":
            fields[k] = "9" * data.draw(st.integers(1_000, 100_000))
        else:
            fields[k] = "=cmd|' /C calc'!A0"
        lines[i] = sep.join(fields)
    _load_one("export", ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"), fmt)
