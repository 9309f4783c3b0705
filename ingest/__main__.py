"""Command line: `python -m ingest load [LANDING_DIR]`.

It works on the refresh's store (`<DUCKDB_DATABASE>.store`): the loader writes raw there, and
`make refresh` publishes the marts built from it to DUCKDB_DATABASE (`python -m
orchestration.summary` prints what the store holds)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from ingest import settings
from ingest.loader import LoadError, load_landing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="load new landing files into the warehouse")
    load.add_argument("landing_dir", nargs="?", type=Path, help="default: $LANDING_DIR")
    load.add_argument("--database", type=Path, help="default: $DUCKDB_DATABASE.store")
    args = parser.parse_args(argv)

    try:
        database = args.database or settings.store_path()
        landing = args.landing_dir or settings.landing_dir()
        if not landing.is_dir():
            print(f"The landing folder {landing} does not exist (set LANDING_DIR or pass a folder).")
            return 2
        settings.require_secret(landing)
        if settings.using_demo_secret():
            print("Note: caller keys use the published demo secret (the demo center only).")
        print(f"Loading {landing} into {database}")
        report = load_landing(
            landing, database, tz=settings.center_timezone(), secret=settings.caller_key_secret()
        )
    except (LoadError, settings.SettingsError) as exc:
        print(f"Load stopped: {exc}", file=sys.stderr)
        return 2
    except duckdb.IOException as exc:
        print(
            f"Cannot open the warehouse {database}: {str(exc).splitlines()[0]}\n"
            "Another process may be writing to it; only one writer at a time.",
            file=sys.stderr,
        )
        return 2
    totals = report.totals()
    print(
        f"Done in {report.seconds:.1f} s: {totals['files_loaded']} file(s) loaded, "
        f"{totals['files_skipped']} already loaded, {totals['files_failed']} failed; "
        f"{totals['rows_read']:,} rows read = {totals['rows_accepted']:,} accepted + "
        f"{totals['rows_rejected']:,} rejected."
    )
    if totals["rows_rejected"] or totals["files_failed"]:
        print("Rejected rows and failed files are listed in raw.rejected_rows and raw.loaded_files.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
