"""Use cases for reminders shared by the CLI and the Prefect task."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from dondoc.configuration.files import load_calendar
from dondoc.errors import InputError
from dondoc.reminders.sweep import SweepResult, run_sweep


def remind(as_of: date, *, province: str | None = None, dry_run: bool = False) -> SweepResult:
    return run_sweep(as_of, province=province, dry_run=dry_run)


def working_days(start: date, end: date) -> Iterator[date]:
    calendar = load_calendar()
    day = start
    while day <= end:
        if calendar.is_working_day(day):
            yield day
        day += timedelta(days=1)


def replay(start: date, end: date, *, province: str | None = None, dry_run: bool = False) -> list[SweepResult]:
    """Run the sweep for every working day from ``start`` to ``end``, in order (a directive's real timeline)."""
    if end < start:
        raise InputError(f"--to {end:%d/%m/%Y} is before --from {start:%d/%m/%Y}")
    if (end - start).days > 3 * 366:
        raise InputError("--from/--to: replay at most three years at a time")
    return [run_sweep(day, province=province, dry_run=dry_run) for day in working_days(start, end)]
