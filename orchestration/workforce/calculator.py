"""The staffing calculator for what-if questions (`uv run staffing --help`).

Reads a CSV of `interval_start,calls` (calls arriving in that interval; interval_start a time of
day such as 09:30 or a timestamp such as 2026-12-01 09:30) and prints, per interval, the agents
the target needs on the phones and the headcount to roster:

    interval_start,calls,agents,headcount,p_wait,service_level,asa_seconds,occupancy

Erlang C unless --patience-seconds is given (then Erlang A, with abandonment). The Workforce
page's what-if runs the same `staff` function (orchestration/workforce/erlang.py).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from datetime import datetime, time
from pathlib import Path

import polars as pl

from orchestration.workforce.erlang import ImpossibleTarget, Staffing, Target, figures, staff

COLUMNS = [
    "interval_start",
    "calls",
    "agents",
    "headcount",
    "p_wait",
    "service_level",
    "asa_seconds",
    "occupancy",
]


class BadInput(ValueError):
    """A mistake in the arrivals file or the options: printed as one line, no traceback."""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="staffing",
        description="Agents and headcount per interval for a service target (Erlang C, or Erlang A "
        "with --patience-seconds). Prints CSV to stdout.",
    )
    parser.add_argument("--arrivals", required=True, type=Path, metavar="FILE.csv",
                        help="CSV with columns interval_start,calls")  # fmt: skip
    parser.add_argument("--interval-minutes", required=True, type=float, help="length of each interval")
    parser.add_argument("--aht-seconds", required=True, type=float, help="average handle time, seconds")
    goal = parser.add_mutually_exclusive_group(required=True)
    goal.add_argument("--max-wait-probability", type=float, help="at most this share of calls wait (0-1)")
    goal.add_argument("--service-level", type=float, help="share answered within --answer-seconds (0-1)")
    goal.add_argument("--max-asa-seconds", type=float, help="average speed of answer at most this")
    parser.add_argument("--answer-seconds", type=float,
                        help="answer-time threshold of the service level (required with --service-level; "
                        "with another target it only adds the service-level column)")  # fmt: skip
    parser.add_argument("--max-occupancy", type=float, help="occupancy cap, e.g. 0.85")
    parser.add_argument("--shrinkage", type=float, default=0.0,
                        help="share of paid time off the phones (breaks, training, absence)")  # fmt: skip
    parser.add_argument("--patience-seconds", type=float,
                        help="mean caller patience: Erlang A (callers abandon), not Erlang C")  # fmt: skip
    return parser.parse_args(argv)


def _interval(text: str) -> None:
    """Accept a time of day (09:30, 09:30:00) or a timestamp (2026-12-01 09:30, ISO 8601)."""
    for parse in (time.fromisoformat, datetime.fromisoformat):
        try:
            parse(text)
            return
        except ValueError:
            continue
    raise ValueError


def read_arrivals(path: Path) -> list[tuple[str, float]]:
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as error:
        raise BadInput(f"{path}: not a readable CSV file ({error})") from None
    names = {name.strip().lstrip("\ufeff").lower(): name for name in frame.columns}
    missing = [name for name in ("interval_start", "calls") if name not in names]
    if missing:
        raise BadInput(f"{path}: needs the columns interval_start,calls; missing {', '.join(missing)}")
    rows, seen = [], {}
    for number, (start, calls) in enumerate(
        zip(frame[names["interval_start"]], frame[names["calls"]], strict=True), start=2
    ):
        start = (start or "").strip()
        try:
            _interval(start)
        except ValueError:
            raise BadInput(
                f"{path}, row {number}: interval_start {start!r} is not a time of day (09:30) or a timestamp"
            ) from None
        if start in seen:
            raise BadInput(
                f"{path}, row {number}: interval {start} is listed twice (first at row {seen[start]})"
            )
        seen[start] = number
        try:
            value = float((calls or "").strip())
        except ValueError:
            raise BadInput(f"{path}, row {number}: calls {calls!r} is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise BadInput(f"{path}, row {number}: calls must be 0 or more, got {calls}")
        rows.append((start, value))
    if not rows:
        raise BadInput(f"{path}: no intervals (the file has a header and no rows)")
    return rows


def _number(value: float | None, decimals: int) -> str:
    if value is None:
        return ""
    if math.isinf(value):
        return "inf"
    return f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".") or "0"


def _row(start: str, answer: Staffing) -> list[str]:
    return [
        start,
        _number(answer.calls, 6),
        str(answer.agents),
        str(answer.headcount),
        _number(answer.p_wait, 6),
        _number(answer.service_level, 6),
        _number(answer.asa_seconds, 3),
        _number(answer.occupancy, 6),
    ]


def run(argv: list[str] | None = None) -> list[list[str]]:
    args = _arguments(argv)
    if args.interval_minutes <= 0 or args.aht_seconds <= 0:
        raise BadInput("--interval-minutes and --aht-seconds must be above 0")
    if args.service_level is not None and args.answer_seconds is None:
        raise BadInput("--service-level needs --answer-seconds (the answer-time threshold, e.g. 20)")
    if not 0 <= args.shrinkage < 1:
        raise BadInput(f"--shrinkage must be at least 0 and below 1, got {args.shrinkage}")
    try:
        target = Target(
            service_level=args.service_level,
            answer_seconds=args.answer_seconds,
            max_asa_seconds=args.max_asa_seconds,
            max_wait_probability=args.max_wait_probability,
        )
    except ValueError as error:
        raise BadInput(str(error)) from None
    rows = [COLUMNS]
    for start, calls in read_arrivals(args.arrivals):
        try:
            answer = staff(calls, args.interval_minutes * 60, args.aht_seconds, target,
                           args.max_occupancy, args.shrinkage, args.patience_seconds)  # fmt: skip
        except ImpossibleTarget as error:
            raise BadInput(f"interval {start}: {error}") from None
        except ValueError as error:
            raise BadInput(str(error)) from None
        if answer.service_level is None and args.answer_seconds is not None:
            found = figures(calls, args.interval_minutes * 60, args.aht_seconds, answer.agents,
                            args.answer_seconds, args.patience_seconds)  # fmt: skip
            answer = Staffing(**{**answer.__dict__, "service_level": found["service_level"]})
        rows.append(_row(start, answer))
    return rows


def main(argv: list[str] | None = None) -> int:
    try:
        rows = run(argv)
    except BadInput as error:
        print(f"staffing: {error}", file=sys.stderr)
        return 2
    csv.writer(sys.stdout, lineterminator="\n").writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
