"""Periods, keys and the NĐ 09/2019 data cut-off (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dondoc.domain.periods import (
    Period,
    PeriodError,
    PeriodKind,
    Window,
    following,
    is_closed,
    last_closed,
    local_day,
    parse_period,
    period_of,
    previous,
    unreported,
    window,
)


@pytest.mark.parametrize(
    ("key", "kind", "index", "year", "canonical"),
    [
        ("2023-11", PeriodKind.MONTH, 11, 2023, "2023-11"),
        ("2024-1", PeriodKind.MONTH, 1, 2024, "2024-01"),
        ("2023-Q4", PeriodKind.QUARTER, 4, 2023, "2023-Q4"),
        ("2023-q1", PeriodKind.QUARTER, 1, 2023, "2023-Q1"),
        ("2024-H1", PeriodKind.HALF, 1, 2024, "2024-H1"),
        ("2024-h2", PeriodKind.HALF, 2, 2024, "2024-H2"),
        (" 2024 ", PeriodKind.YEAR, 1, 2024, "2024"),
    ],
)
def test_parse_period(key: str, kind: PeriodKind, index: int, year: int, canonical: str) -> None:
    period = parse_period(key)
    assert (period.kind, period.index, period.year, period.key) == (kind, index, year, canonical)


@pytest.mark.parametrize("key", ["2023-13", "2023-00", "2023-Q5", "2023-Q0", "2024-H3", "Q4-2023", "2023/11", "", "23-Q4", "2023-W48"])
def test_parse_period_rejects(key: str) -> None:
    with pytest.raises(PeriodError, match=r"2023-Q4|does not exist|quarters"):
        parse_period(key)


@pytest.mark.parametrize(
    ("key", "nd09", "calendar"),
    [
        # NĐ 09/2019 Điều 12: 15th of the previous period's last month → 14th of this period's last month.
        ("2023-11", (date(2023, 10, 15), date(2023, 11, 14)), (date(2023, 11, 1), date(2023, 11, 30))),
        ("2024-01", (date(2023, 12, 15), date(2024, 1, 14)), (date(2024, 1, 1), date(2024, 1, 31))),
        ("2024-03", (date(2024, 2, 15), date(2024, 3, 14)), (date(2024, 3, 1), date(2024, 3, 31))),
        ("2023-Q4", (date(2023, 9, 15), date(2023, 12, 14)), (date(2023, 10, 1), date(2023, 12, 31))),
        ("2024-Q1", (date(2023, 12, 15), date(2024, 3, 14)), (date(2024, 1, 1), date(2024, 3, 31))),
        ("2024-Q2", (date(2024, 3, 15), date(2024, 6, 14)), (date(2024, 4, 1), date(2024, 6, 30))),
        ("2024-H1", (date(2023, 12, 15), date(2024, 6, 14)), (date(2024, 1, 1), date(2024, 6, 30))),
        ("2024-H2", (date(2024, 6, 15), date(2024, 12, 14)), (date(2024, 7, 1), date(2024, 12, 31))),
        ("2024", (date(2023, 12, 15), date(2024, 12, 14)), (date(2024, 1, 1), date(2024, 12, 31))),
        ("2024-02", (date(2024, 1, 15), date(2024, 2, 14)), (date(2024, 2, 1), date(2024, 2, 29))),
    ],
)
def test_windows(key: str, nd09: tuple[date, date], calendar: tuple[date, date]) -> None:
    period = parse_period(key)
    assert window(period) == Window(*nd09)
    assert window(period, "calendar") == Window(*calendar)


def test_cutoff_day_is_policy() -> None:
    assert window(parse_period("2023-Q4"), "nd09", cutoff_day=20) == Window(date(2023, 9, 21), date(2023, 12, 20))


@pytest.mark.parametrize(
    ("key", "before", "after"),
    [
        ("2024-01", "2023-12", "2024-02"),
        ("2024-Q1", "2023-Q4", "2024-Q2"),
        ("2024-H1", "2023-H2", "2024-H2"),
        ("2024", "2023", "2025"),
        ("2023-12", "2023-11", "2024-01"),
    ],
)
def test_previous_and_following(key: str, before: str, after: str) -> None:
    assert previous(parse_period(key)).key == before
    assert following(parse_period(key)).key == after


@pytest.mark.parametrize(
    ("day", "kind", "mode", "expected"),
    [
        (date(2023, 12, 14), PeriodKind.QUARTER, "nd09", "2023-Q4"),
        (date(2023, 12, 15), PeriodKind.QUARTER, "nd09", "2024-Q1"),  # after the cut-off: next period
        (date(2023, 12, 15), PeriodKind.QUARTER, "calendar", "2023-Q4"),
        (date(2023, 9, 15), PeriodKind.QUARTER, "nd09", "2023-Q4"),
        (date(2023, 11, 20), PeriodKind.MONTH, "nd09", "2023-12"),
        (date(2023, 12, 31), PeriodKind.YEAR, "nd09", "2024"),
        (date(2024, 6, 14), PeriodKind.HALF, "nd09", "2024-H1"),
    ],
)
def test_period_of(day: date, kind: PeriodKind, mode: str, expected: str) -> None:
    assert period_of(day, kind, mode).key == expected  # type: ignore[arg-type]
    assert day in window(parse_period(expected), mode)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_of", "mode", "expected"),
    [
        (date(2023, 12, 15), "nd09", "2023-Q4"),  # the scheduled run the day after the cut-off
        (date(2023, 12, 14), "nd09", "2023-Q3"),  # cut-off day itself: Q4 still open
        (date(2024, 1, 1), "calendar", "2023-Q4"),
        (date(2023, 12, 31), "calendar", "2023-Q3"),
    ],
)
def test_last_closed(as_of: date, mode: str, expected: str) -> None:
    period = last_closed(as_of, PeriodKind.QUARTER, mode)  # type: ignore[arg-type]
    assert period.key == expected
    assert is_closed(period, as_of, mode)  # type: ignore[arg-type]
    assert not is_closed(following(period), as_of, mode)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("latest", "stored", "expected"),
    [
        ("2023-Q4", set(), ["2023-Q4"]),  # nothing stored yet: the last closed quarter, no backfill
        ("2023-Q4", {"2023-11", "2023"}, ["2023-Q4"]),  # other kinds do not count
        ("2023-Q4", {"2023-Q4"}, []),  # already frozen: nothing new
        ("2023-Q4", {"2023-Q3"}, ["2023-Q4"]),
        ("2024-Q2", {"2023-Q3", "2023-Q2"}, ["2023-Q4", "2024-Q1", "2024-Q2"]),  # missed runs, oldest first
        ("2026-Q1", {"2023-Q1"}, ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]),  # at most a year of catch-up
        ("2024-01", {"2023-10"}, ["2023-11", "2023-12", "2024-01"]),
    ],
)
def test_unreported(latest: str, stored: set[str], expected: list[str]) -> None:
    assert [p.key for p in unreported(parse_period(latest), stored)] == expected


@pytest.mark.parametrize(
    ("key", "label", "short"),
    [
        ("2023-Q4", "quý IV năm 2023", "Quý IV/2023"),
        ("2023-11", "tháng 11 năm 2023", "Tháng 11/2023"),
        ("2024-H1", "6 tháng đầu năm 2024", "6 tháng đầu 2024"),
        ("2024", "năm 2024", "Năm 2024"),
    ],
)
def test_labels(key: str, label: str, short: str) -> None:
    assert (parse_period(key).label_vi, parse_period(key).short_vi) == (label, short)


def test_local_day_is_viet_nam_not_utc() -> None:
    # 31/03 17:00 UTC is already 01/04 in Viet Nam: a completion then belongs to the next quarter.
    instant = datetime(2024, 3, 31, 17, 0, tzinfo=UTC)
    assert local_day(instant) == date(2024, 4, 1)
    assert period_of(local_day(instant), PeriodKind.QUARTER, "calendar").key == "2024-Q2"
    with pytest.raises(ValueError, match="naive"):
        local_day(datetime(2024, 3, 31, 17, 0))  # noqa: DTZ001 (the error under test)


def test_period_validation() -> None:
    with pytest.raises(PeriodError):
        Period(2024, PeriodKind.MONTH, 13)
