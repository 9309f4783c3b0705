"""`make sql`: the analysts' SQL prompt on the published warehouse, read-only and sealed.

The file is opened read-only with external access off (no reading or writing other files, no
extensions, no ATTACH) and the configuration locked, so a query cannot undo either. One
statement per line (or end it with `;`); `.tables` lists the marts; Ctrl-D leaves.
"""

from __future__ import annotations

import sys

import duckdb

from ingest import settings


def connect(path=None) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(
        str(path or settings.warehouse_path()),
        read_only=True,
        config={"enable_external_access": False, "lock_configuration": True},
    )


def main(argv: list[str] | None = None) -> int:
    path = settings.warehouse_path()
    if not path.exists():
        print(f"No published warehouse at {path}: run `make refresh` first.", file=sys.stderr)
        return 2
    con = connect(path)
    print(f"{path} (read-only). Marts: .tables; leave with Ctrl-D.")
    buffer = ""
    while True:
        try:
            line = input("sql> " if not buffer else "...> ")
        except EOFError:
            print()
            return 0
        if line.strip() == ".tables":
            line = (
                "select schema_name, table_name, estimated_size as rows from duckdb_tables() order by 1, 2;"
            )
        buffer += line + "\n"
        if not buffer.strip().endswith(";") and sys.stdin.isatty():
            continue
        sql, buffer = buffer, ""
        if not sql.strip():
            continue
        try:
            result = con.sql(sql)
            if result is not None:
                result.show(max_rows=50)
        except duckdb.Error as exc:
            print(f"Error: {str(exc).splitlines()[0]}")


if __name__ == "__main__":
    sys.exit(main())
