"""The Vietnamese civil-service working-day calendar.

Public holidays and make-up working Saturdays come from the ``holidays`` package (read from the
table :mod:`dondoc.domain.holiday_table` ships, written from the installed version of it),
extended by data (an override file for each year's decisions). Civil servants do not
work Saturdays and Sundays (QĐ 188/1999) unless a Saturday is a declared make-up day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    """Working days, memoised: a sweep or a planner asks about the same days thousands of times."""

    extra_holidays: dict[date, str] = field(default_factory=dict)
    extra_workdays: frozenset[date] = frozenset()
    removed_holidays: frozenset[date] = frozenset()
    _working: dict[date, bool] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)
    _moved: dict[tuple[date, int], date] = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def holiday_name(self, day: date) -> str | None:
        if day in self.removed_holidays:
            return None
        if day in self.extra_holidays:
            return self.extra_holidays[day]
        return _vn_holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays or day in _vn_workdays(day.year):
            return self.holiday_name(day) is None
        if day.weekday() >= 5:
            return False
        return self.holiday_name(day) is None

    def previous_working_day(self, day: date) -> date:
        """The working day on or before ``day``."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def next_working_day(self, day: date) -> date:
        """The working day on or after ``day``."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """Move ``count`` working days from ``day`` (negative goes back); ``day`` itself is not counted."""
        key = (day, count)
        known = self._moved.get(key)
        if known is not None:
            return known
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        moved = day
        while remaining:
            moved += timedelta(days=step)
            if self.is_working_day(moved):
                remaining -= 1
        self._moved[key] = moved
        return moved

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=offset)))

    def working_days_in(self, start: date, end: date) -> list[date]:
        """The working days of [start, end], in order (empty when end is before start)."""
        return [start + timedelta(days=i) for i in range((end - start).days + 1) if self.is_working_day(start + timedelta(days=i))]

    def days_off(self, days: Iterable[date]) -> list[date]:
        return [d for d in days if not self.is_working_day(d)]


_cache: dict[int, dict[date, str]] = {}
_workdays: dict[int, frozenset[date]] = {}


def _vn_holidays(year: int) -> dict[date, str]:
    """The year's public holidays and their Vietnamese names: from the shipped table when it was
    written from the installed ``holidays`` version and holds the year, else from the package."""
    known = _cache.get(year)
    if known is None:
        from dondoc.domain import holiday_table

        table = holiday_table.load()
        if table is not None and year in table.holidays:
            known, workdays = table.holidays[year], table.workdays[year]
        else:
            import holidays as holidays_lib  # ~0.1 s: all ~250 country modules and the translations

            lib = holidays_lib.country_holidays("VN", years=year, language="vi")
            known = {day: str(name) for day, name in lib.items() if day.year == year and name}
            workdays = frozenset(d for d in getattr(lib, "weekend_workdays", set()) if d.year == year)
        _cache[year], _workdays[year] = known, workdays
    return known


def _vn_workdays(year: int) -> frozenset[date]:
    if year not in _workdays:
        _vn_holidays(year)
    return _workdays[year]
