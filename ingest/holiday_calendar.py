"""Write the holiday seeds from maintained libraries: `python -m ingest.holiday_calendar` (`make holidays`).

Two seed files, both generated, never typed by hand:

- `seeds/holidays.csv`: one row per country and date that is a public holiday (`is_day_off`) or,
  in China, a make-up workday (调休上班, a weekend day worked in exchange for a holiday).
- `seeds/holiday_calendars.csv`: one row per country with the years its rows cover and its
  weekend days. dbt flags a date outside those years `holiday_known = false`: the calendar
  does not say, so the date is never silently taken as a workday.

China comes from `chinese-calendar` (the State Council's notices, 2004 to the newest year the
library knows; make-up workdays included). Other countries come from `holidays` for
`--years` (default 1990–2040); their calendars have no make-up workdays. Re-run this after
upgrading either library, when a new year's Chinese notice is out, or to add a country
(`--countries CN,IL,US`); the center picks its country with CENTER_COUNTRY.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

from ingest.settings import SEEDS_DIR

DEFAULT_COUNTRIES = ("CN", "IL", "US", "GB", "HK", "SG")
DEFAULT_YEARS = (1990, 2040)

# chinese-calendar's English names -> the names a Chinese center prints.
_CN_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# Traditional or simplified Chinese names where `holidays` has them for the country.
_ZH_LANGUAGE = {"HK": "zh_CN", "TW": "zh_CN", "SG": "zh_SG", "MO": "zh_CN"}

HOLIDAY_COLUMNS = ["country_code", "holiday_date", "holiday_name_zh", "holiday_name_en", "is_day_off"]
CALENDAR_COLUMNS = ["country_code", "first_year", "last_year", "weekend_iso_days", "source"]


def china() -> tuple[list[dict], dict]:
    """Holidays and make-up workdays of mainland China, from chinese-calendar."""
    import chinese_calendar

    rows = []
    for day, name in sorted(chinese_calendar.holidays.items()):
        rows.append(_row("CN", day, name, is_day_off=True))
    for day, name in sorted(chinese_calendar.workdays.items()):
        rows.append(_row("CN", day, name, is_day_off=False))
    first = min(chinese_calendar.holidays).year
    last = max(chinese_calendar.holidays).year
    version = getattr(chinese_calendar, "__version__", "?")
    calendar = {
        "country_code": "CN", "first_year": first, "last_year": last, "weekend_iso_days": "6 7",
        "source": f"chinese-calendar {version} (State Council notices)",
    }  # fmt: skip
    return sorted(rows, key=lambda r: r["holiday_date"]), calendar


def _row(country: str, day: dt.date, name_en: str, *, is_day_off: bool, name_zh: str | None = None) -> dict:
    if country == "CN":
        base = _CN_NAMES_ZH.get(name_en, name_en)
        name_zh = base if is_day_off else f"{base}调休上班"
        name_en = name_en if is_day_off else f"{name_en} make-up workday"
    return {
        "country_code": country,
        "holiday_date": day.isoformat(),
        "holiday_name_zh": name_zh or "",
        "holiday_name_en": name_en,
        "is_day_off": "true" if is_day_off else "false",
    }


def other_country(country: str, first: int, last: int) -> tuple[list[dict], dict]:
    """Public holidays of any country `holidays` knows (no make-up workdays)."""
    import holidays

    years = range(first, last + 1)
    english = holidays.country_holidays(country, years=years, language="en_US")
    chinese = (
        holidays.country_holidays(country, years=years, language=_ZH_LANGUAGE[country])
        if country in _ZH_LANGUAGE
        else {}
    )
    rows = [
        _row(country, day, name, is_day_off=True, name_zh=chinese.get(day) if chinese else None)
        for day, name in sorted(english.items())
    ]
    weekend = " ".join(str(d + 1) for d in sorted(english.weekend))  # Python Monday = 0 -> ISO 1
    calendar = {
        "country_code": country, "first_year": first, "last_year": last, "weekend_iso_days": weekend,
        "source": f"holidays {holidays.__version__}",
    }  # fmt: skip
    return rows, calendar


def build(countries: list[str], first: int, last: int) -> tuple[list[dict], list[dict]]:
    holiday_rows: list[dict] = []
    calendars: list[dict] = []
    for country in countries:
        rows, calendar = china() if country == "CN" else other_country(country, first, last)
        holiday_rows += rows
        calendars.append(calendar)
    return holiday_rows, calendars


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.holiday_calendar", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--countries", default=",".join(DEFAULT_COUNTRIES), help="ISO codes, comma-separated")
    parser.add_argument("--years", default=f"{DEFAULT_YEARS[0]}-{DEFAULT_YEARS[1]}",
                        help="years for countries other than CN, e.g. 1990-2040")  # fmt: skip
    parser.add_argument("--out", type=Path, default=SEEDS_DIR, help="folder of the seeds")
    args = parser.parse_args(argv)
    try:
        first, last = (int(part) for part in args.years.split("-"))
        countries = [c.strip().upper() for c in args.countries.split(",") if c.strip()]
        holiday_rows, calendars = build(countries, first, last)
    except (ValueError, NotImplementedError) as exc:
        print(f"Holiday calendar not written: {exc}", file=sys.stderr)
        return 2
    _write(args.out / "holidays.csv", HOLIDAY_COLUMNS, holiday_rows)
    _write(args.out / "holiday_calendars.csv", CALENDAR_COLUMNS, calendars)
    for calendar in calendars:
        count = sum(1 for row in holiday_rows if row["country_code"] == calendar["country_code"])
        print(f"{calendar['country_code']}: {count} days, {calendar['first_year']}–{calendar['last_year']} "
              f"({calendar['source']})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
