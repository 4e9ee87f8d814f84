"""The Vietnamese public holidays and make-up working Saturdays as a table shipped with dondoc.

``holidays.country_holidays("VN")`` imports every country module of the ``holidays`` package and
its translations (~0.1 s), and every command that colours a task asks about working days. The
table ``vn_holidays.json`` beside this file holds what that package says for the years 2000–2045,
and :func:`load` returns it only when it was written from the ``holidays`` version installed;
otherwise (or for a year outside it) :mod:`dondoc.domain.workdays` asks the package, as before.
A test checks the table equals the package's answer for every year it holds.

Regenerate after upgrading ``holidays``::

    .venv/bin/python -m dondoc.domain.holiday_table
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("vn_holidays.json")
FIRST_YEAR, LAST_YEAR = 2000, 2045


@dataclass(frozen=True)
class HolidayTable:
    """Per year: holiday → its Vietnamese name (names of one day joined by "; "), and make-up working days."""

    version: str
    holidays: dict[int, dict[date, str]]
    workdays: dict[int, frozenset[date]]


def installed_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        return None


def from_package(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> HolidayTable:
    """What the installed ``holidays`` package says for the years ``first``–``last``."""
    import holidays as holidays_lib

    by_year: dict[int, dict[date, str]] = {}
    workdays: dict[int, frozenset[date]] = {}
    for year in range(first, last + 1):
        lib = holidays_lib.country_holidays("VN", years=year, language="vi")
        by_year[year] = {day: str(name) for day, name in sorted(lib.items()) if day.year == year}
        workdays[year] = frozenset(d for d in getattr(lib, "weekend_workdays", set()) if d.year == year)
    return HolidayTable(installed_version() or "unknown", by_year, workdays)


def to_json(table: HolidayTable) -> str:
    data = {
        "holidays_version": table.version,
        "years": [min(table.holidays), max(table.holidays)],
        "holidays": {day.isoformat(): name for year in sorted(table.holidays) for day, name in table.holidays[year].items()},
        "workdays": sorted(day.isoformat() for days in table.workdays.values() for day in days),
    }
    return json.dumps(data, ensure_ascii=False, indent=0) + "\n"


@lru_cache(maxsize=1)
def load() -> HolidayTable | None:
    """The shipped table, or None when it is missing or was written from another ``holidays`` version."""
    try:
        data = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("holidays_version") != installed_version():
        return None
    first, last = data["years"]
    by_year: dict[int, dict[date, str]] = {year: {} for year in range(first, last + 1)}
    for iso, name in data["holidays"].items():
        day = date.fromisoformat(iso)
        by_year[day.year][day] = name
    workdays: dict[int, set[date]] = {year: set() for year in by_year}
    for iso in data["workdays"]:
        day = date.fromisoformat(iso)
        workdays[day.year].add(day)
    return HolidayTable(data["holidays_version"], by_year, {year: frozenset(days) for year, days in workdays.items()})


def main() -> int:
    TABLE_FILE.write_text(to_json(from_package()), encoding="utf-8")
    load.cache_clear()
    print(f"wrote {TABLE_FILE} (holidays {installed_version()}, {FIRST_YEAR}–{LAST_YEAR})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
