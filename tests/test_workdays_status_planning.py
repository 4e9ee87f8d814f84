"""Working days, status as of a day, and planning — pure functions, as tables."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dondoc.domain.deadlines import Frequency, parse_deadline
from dondoc.domain.planning import plan_assignment, plan_occurrences
from dondoc.domain.policy import DeadlinePolicy, Policy
from dondoc.domain.recurrence import horizon_end, period_label
from dondoc.domain.status import Colour, InstanceFacts, Status, colour_of, rating_colour, status_of
from dondoc.domain.workdays import WorkCalendar

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2023, 12, 4), True),  # Monday
        (date(2023, 12, 9), False),  # Saturday
        (date(2023, 12, 10), False),  # Sunday
        (date(2024, 1, 1), False),  # Tết Dương lịch
        (date(2024, 2, 12), False),  # Tết Nguyên đán
        (date(2024, 4, 18), False),  # Giỗ Tổ Hùng Vương
        (date(2024, 4, 29), False),  # day off swapped ...
        (date(2024, 5, 4), True),  # ... with this make-up Saturday (làm bù)
        (date(2024, 9, 2), False),
        (date(2024, 9, 3), False),
    ],
)
def test_vietnamese_working_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_working_day_arithmetic() -> None:
    assert CAL.previous_working_day(date(2023, 12, 10)) == date(2023, 12, 8)
    assert CAL.next_working_day(date(2023, 12, 9)) == date(2023, 12, 11)
    assert CAL.add_working_days(date(2023, 12, 8), 1) == date(2023, 12, 11)
    assert CAL.add_working_days(date(2023, 12, 11), -3) == date(2023, 12, 6)
    assert CAL.working_days_between(date(2023, 12, 4), date(2023, 12, 11)) == 5
    assert CAL.working_days_between(date(2023, 12, 11), date(2023, 12, 4)) == -5


def test_holiday_calendar_is_extended_by_data() -> None:
    cal = WorkCalendar(extra_holidays={date(2023, 12, 5): "Nghỉ bổ sung"}, extra_workdays=frozenset({date(2023, 12, 9)}))
    assert not cal.is_working_day(date(2023, 12, 5))
    assert cal.holiday_name(date(2023, 12, 5)) == "Nghỉ bổ sung"
    assert cal.is_working_day(date(2023, 12, 9))


AS_OF = date(2023, 12, 6)


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (InstanceFacts("once", "done", date(2023, 11, 2), date(2023, 12, 4), date(2023, 12, 4)), Status.DONE_ON_TIME),
        (InstanceFacts("once", "done", date(2023, 11, 2), date(2023, 12, 4), date(2023, 12, 5)), Status.DONE_LATE),
        (InstanceFacts("once", "open", date(2023, 11, 2), date(2023, 12, 4), None), Status.OVERDUE),
        (InstanceFacts("once", "open", date(2023, 11, 2), date(2023, 12, 9), None), Status.IN_PROGRESS),
        (InstanceFacts("once", "open", date(2023, 11, 2), date(2023, 12, 6), None), Status.IN_PROGRESS),  # due today: in time
        (InstanceFacts("recurring", "open", date(2023, 12, 15), date(2024, 1, 14), None), Status.NOT_YET_OPEN),
        (InstanceFacts("ongoing", "open", date(2023, 11, 2), None, None), Status.ONGOING),
        (InstanceFacts("ongoing", "open", date(2024, 1, 18), None, None), Status.NOT_YET_OPEN),  # directive not started
        (InstanceFacts("ongoing", "done", date(2023, 11, 2), None, date(2023, 12, 1)), Status.ONGOING),  # a report, not an end
        (InstanceFacts("undated", "done", date(2023, 11, 2), None, date(2023, 12, 1)), Status.DONE_ON_TIME),
        (InstanceFacts("undated", "open", date(2023, 11, 2), None, None), Status.UNDATED),
        (InstanceFacts("once", "cancelled", date(2023, 11, 2), date(2023, 12, 4), None), Status.CANCELLED),
        # a completion recorded for a later day does not count yet (reports are reproducible)
        (InstanceFacts("once", "done", date(2023, 11, 2), date(2023, 12, 4), date(2023, 12, 20)), Status.OVERDUE),
    ],
)
def test_status_as_of_a_day(facts: InstanceFacts, status: Status) -> None:
    assert status_of(facts, AS_OF) is status


@pytest.mark.parametrize(
    ("due", "colour"),
    [
        (date(2023, 12, 8), Colour.VANG),  # 2 working days left
        (date(2023, 12, 11), Colour.VANG),  # 3 working days left (weekend skipped)
        (date(2023, 12, 12), Colour.XANH_DUONG),
    ],
)
def test_open_tasks_turn_yellow_within_three_working_days(due: date, colour: Colour) -> None:
    assert colour_of(Status.IN_PROGRESS, due, AS_OF, CAL, Policy()) is colour


@pytest.mark.parametrize(
    ("on_time", "total", "colour"),
    [(97, 100, Colour.XANH), (96, 100, Colour.VANG), (90, 100, Colour.VANG), (85, 100, Colour.CAM), (79, 100, Colour.DO), (0, 0, Colour.NONE)],
)
def test_rating_thresholds(on_time: int, total: int, colour: Colour) -> None:
    assert rating_colour(on_time, total, Policy()) is colour


def test_monthly_cycle_planned_over_the_rolling_horizon() -> None:
    deadline = parse_deadline("định kỳ trước ngày 15 hàng tháng", issued=date(2023, 8, 21))
    horizon = horizon_end(date(2023, 12, 6), 12)
    planned = plan_occurrences(deadline, start=date(2023, 8, 21), end=None, horizon_end=horizon, calendar=CAL, policy=Policy())
    assert [p.period for p in planned][:3] == ["2023-09", "2023-10", "2023-11"]
    assert planned[-1].due_date == date(2024, 11, 14)  # the horizon ends 06/12/2024
    assert len(planned) == 15  # Sept 2023 … Nov 2024
    # each period opens the day after the previous one is due
    assert planned[1].opens_on == date(2023, 9, 15)
    # 14/10/2023 is a Saturday: kept and flagged (rolling it is a policy, off by default)
    assert planned[1].due_date == date(2023, 10, 14)
    assert planned[1].due_on_day_off


def test_rolling_a_day_off_deadline_is_policy() -> None:
    deadline = parse_deadline("vào ngày 14/10/2023")
    rolled = Policy(deadline=DeadlinePolicy(roll_day_off_to_next_working_day=True))
    [occ] = plan_occurrences(deadline, start=date(2023, 9, 1), end=None, horizon_end=date(2024, 1, 1), calendar=CAL, policy=rolled)
    assert occ.due_date == date(2023, 10, 16)
    assert not occ.due_on_day_off


def test_fan_out_over_leads() -> None:
    deadline = parse_deadline("trước ngày 05/12/2023")
    planned = plan_assignment(deadline, ["a", "b", "c"], start=date(2023, 11, 2), end=None, horizon_end=date(2024, 11, 2), calendar=CAL, policy=Policy())
    assert [(p.agency_code, p.occurrence.due_date) for p in planned] == [(x, date(2023, 12, 4)) for x in "abc"]


def test_directive_end_bounds_cycles() -> None:
    deadline = parse_deadline("định kỳ hàng quý")
    planned = plan_occurrences(deadline, start=date(2024, 1, 18), end=date(2024, 12, 31), horizon_end=date(2030, 1, 1), calendar=CAL, policy=Policy())
    assert [p.period for p in planned] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


@pytest.mark.parametrize(
    ("frequency", "day", "label"),
    [
        (Frequency.MONTHLY, date(2023, 9, 14), "2023-09"),
        (Frequency.QUARTERLY, date(2023, 12, 15), "2023-Q4"),
        (Frequency.HALF_YEARLY, date(2024, 6, 15), "2024-H1"),
        (Frequency.YEARLY, date(2024, 12, 15), "2024"),
        (None, date(2024, 5, 31), "2024-05-31"),
    ],
)
def test_period_labels(frequency: Frequency | None, day: date, label: str) -> None:
    assert period_label(frequency, day) == label


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({Status.OVERDUE: 1, Status.DONE_ON_TIME: 29}, Status.OVERDUE),
        ({Status.IN_PROGRESS: 2, Status.DONE_LATE: 1}, Status.IN_PROGRESS),
        ({Status.DONE_LATE: 1, Status.DONE_ON_TIME: 5}, Status.DONE_LATE),
        ({Status.DONE_ON_TIME: 5, Status.ONGOING: 1}, Status.DONE_ON_TIME),
        ({Status.ONGOING: 3}, Status.ONGOING),
        ({Status.NOT_YET_OPEN: 3}, Status.NOT_YET_OPEN),
        ({}, Status.CANCELLED),
    ],
)
def test_assignment_status_is_the_worst_that_applies(counts: dict[Status, int], expected: Status) -> None:
    from dondoc.domain.status import assignment_status

    assert assignment_status(counts) == expected


def test_classify_gives_status_and_colour_together() -> None:
    from dondoc.domain.status import Colour, InstanceFacts, classify

    open_soon = InstanceFacts("once", "open", date(2023, 11, 2), date(2023, 12, 8), None)
    assert classify(open_soon, date(2023, 12, 6), CAL, Policy()) == (Status.IN_PROGRESS, Colour.VANG)
    assert classify(open_soon, date(2023, 12, 9), CAL, Policy()) == (Status.OVERDUE, Colour.DO)


def test_plan_assignment_hands_work_due_after_an_agency_ends_to_its_successor_once() -> None:
    from dondoc.domain.succession import Lifespan

    monthly = parse_deadline("trước ngày 15 hằng tháng", issued=date(2024, 10, 1), policy=Policy())
    lifespans = {"so-tttt": Lifespan(date(2024, 12, 31), ("so-khcn",)), "so-khcn": Lifespan(None)}
    planned = plan_assignment(
        monthly,
        ["so-tttt", "so-khcn"],
        start=date(2024, 10, 1),
        end=date(2025, 3, 31),
        horizon_end=date(2025, 3, 31),
        calendar=CAL,
        policy=Policy(),
        lifespans=lifespans,
        as_of=date(2024, 10, 1),
    )
    owners = sorted((p.occurrence.period, p.agency_code) for p in planned)
    periods = sorted({p for p, _ in owners})
    # both lead until the end of 2024; from 2025 only the successor, once per period
    assert [a for p, a in owners if p < "2025"] == ["so-khcn", "so-tttt"] * 3
    assert [a for p, a in owners if p >= "2025"] == ["so-khcn"] * 3
    assert len(periods) == 6


def test_the_shipped_holiday_table_is_what_the_installed_holidays_package_says() -> None:
    """Working days read from ``vn_holidays.json`` (no ``holidays`` import on a read command) only
    while it equals the package's answer for every year it holds; regenerate it after an upgrade."""
    from dondoc.domain import holiday_table

    table = holiday_table.load()
    assert table is not None, (
        "vn_holidays.json is missing or from another holidays version: python -m dondoc.domain.holiday_table"
    )
    fresh = holiday_table.from_package()
    assert table.version == fresh.version
    assert table.holidays == fresh.holidays
    assert table.workdays == fresh.workdays
    assert date(2024, 5, 4) in table.workdays[2024]
    assert table.holidays[2024][date(2024, 4, 18)] == "Ngày Giỗ Tổ Hùng Vương"


def test_a_table_from_another_holidays_version_or_outside_its_years_asks_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dondoc.domain import holiday_table, workdays

    stale = json.loads(holiday_table.TABLE_FILE.read_text(encoding="utf-8"))
    stale["holidays_version"] = "0.0-not-installed"
    stale["holidays"]["2024-12-25"] = "Ngày không có thật"  # would make 25/12/2024 a day off if it were read
    path = tmp_path / "vn_holidays.json"
    path.write_text(json.dumps(stale, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(holiday_table, "TABLE_FILE", path)
    holiday_table.load.cache_clear()
    monkeypatch.setattr(workdays, "_cache", {})
    monkeypatch.setattr(workdays, "_workdays", {})
    try:
        assert holiday_table.load() is None
        calendar = WorkCalendar()
        assert calendar.is_working_day(date(2024, 12, 25))
        assert calendar.is_working_day(date(2024, 5, 4))
        assert not calendar.is_working_day(date(2024, 4, 29))
        assert calendar.holiday_name(date(2050, 1, 1)) == "Tết Dương lịch"  # beyond the table's years
    finally:
        holiday_table.load.cache_clear()


@pytest.mark.parametrize(
    ("number", "code", "label"),
    [("11677/UBND-HCC", "11677/UBND-HCC", "11677/UBND-HCC"), (None, "dn-kh-2025-07", "dn-kh-2025-07 (chưa có số)"), ("", "x", "x (chưa có số)")],
)
def test_a_directive_is_named_by_its_number_else_its_code_marked_unnumbered(number: str | None, code: str, label: str) -> None:
    from dondoc.domain.vocabulary import directive_label

    assert directive_label(number, code) == label
