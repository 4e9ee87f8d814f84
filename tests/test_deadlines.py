"""Deadline phrases → structured deadlines (DOMAIN.md §3), as a table."""

from __future__ import annotations

from datetime import date

import pytest

from dondoc.domain.deadlines import DeadlineKind, normalize, parse_deadline
from dondoc.domain.policy import DeadlinePolicy, Policy, ReportingCalendar

ISSUED = date(2023, 11, 2)

ONE_DAY = [
    # phrase, last on-time day
    ("trước ngày 05/12/2023", date(2023, 12, 4)),
    ("Công việc hoàn thành báo cáo UBND tỉnh trước ngày 10/12/2023", date(2023, 12, 9)),
    ("Trước ngày 14/3/2024", date(2024, 3, 13)),
    ("chậm nhất ngày 20/12/2023", date(2023, 12, 20)),
    ("chậm nhất là ngày 31/12/2025", date(2025, 12, 31)),
    ("vào ngày 15/01/2024", date(2024, 1, 15)),
    ("đến ngày 30/06/2024", date(2024, 6, 30)),
    ("hoàn thành ngày 20/12/2023", date(2023, 12, 20)),
    ("ngày 31 tháng 12 năm 2025", date(2025, 12, 31)),
    ("trước ngày 15 tháng 12 năm 2025", date(2025, 12, 14)),
    ("vào ngày 15/12", date(2023, 12, 15)),  # missing year: the issue date's
    ("trong tháng 6/2022", date(2022, 6, 30)),
    ("Tháng 2/2024", date(2024, 2, 29)),
    ("hoàn thành trong tháng 6/2022", date(2022, 6, 30)),
    ("Quý III/2024", date(2024, 9, 30)),
    ("Quí IV-2025", date(2025, 12, 31)),
    ("Quý III Năm 2026", date(2026, 9, 30)),
    ("trong quý III năm 2024", date(2024, 9, 30)),
    ("Quý 1/2024", date(2024, 3, 31)),
    ("trong năm 2024", date(2024, 12, 31)),
    ("cuối năm 2023", date(2023, 12, 31)),
    ("từ nay đến hết năm 2025", date(2025, 12, 31)),
    ("6 tháng đầu năm 2024", date(2024, 6, 30)),
]


@pytest.mark.parametrize(("phrase", "due"), ONE_DAY)
def test_one_day_deadlines(phrase: str, due: date) -> None:
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert parsed.kind is DeadlineKind.ONCE
    assert parsed.understood
    assert parsed.due == due
    assert parsed.text == phrase  # the original phrase is kept verbatim


CYCLES = [
    # phrase, rule, first occurrences from the issue date
    ("trước ngày 15 hàng tháng", "FREQ=MONTHLY;BYMONTHDAY=14", [date(2023, 11, 14), date(2023, 12, 14)]),
    ("định kỳ trước ngày 15 hằng tháng", "FREQ=MONTHLY;BYMONTHDAY=14", [date(2023, 11, 14), date(2023, 12, 14)]),
    ("vào ngày 25 mỗi tháng", "FREQ=MONTHLY;BYMONTHDAY=25", [date(2023, 11, 25), date(2023, 12, 25)]),
    ("trước ngày 1 hàng tháng", "FREQ=MONTHLY;BYMONTHDAY=-1", [date(2023, 11, 30), date(2023, 12, 31)]),
    ("vào ngày 31 mỗi tháng", "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1", [date(2023, 11, 30), date(2023, 12, 31)]),
    ("định kỳ hàng tháng", "FREQ=MONTHLY;BYMONTHDAY=15", [date(2023, 11, 15), date(2023, 12, 15)]),
    ("định kỳ hàng quý", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15", [date(2023, 12, 15), date(2024, 3, 15)]),
    ("định kỳ hằng quý", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15", [date(2023, 12, 15), date(2024, 3, 15)]),
    ("định kỳ 6 tháng", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15", [date(2023, 12, 15), date(2024, 6, 15)]),
    ("định kỳ hằng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15", [date(2023, 12, 15), date(2024, 12, 15)]),
    (
        "trước ngày 01/6 và 15/11 hằng năm",
        "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=31\nFREQ=YEARLY;BYMONTH=11;BYMONTHDAY=14",
        [date(2023, 11, 14), date(2024, 5, 31)],
    ),
    ("định kỳ theo quy định", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15", [date(2023, 12, 15), date(2024, 3, 15)]),
    # a day written in the phrase wins over the reporting calendar (regression: it was ignored)
    ("trước ngày 20/6 hàng năm", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=19", [date(2024, 6, 19)]),
    ("hàng tháng trước ngày 20", "FREQ=MONTHLY;BYMONTHDAY=19", [date(2023, 11, 19), date(2023, 12, 19)]),
    ("báo cáo hàng tháng vào ngày 5", "FREQ=MONTHLY;BYMONTHDAY=5", [date(2023, 11, 5), date(2023, 12, 5)]),
    (
        "định kỳ 6 tháng, trước ngày 15/6 và 15/12",
        "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14\nFREQ=YEARLY;BYMONTH=12;BYMONTHDAY=14",
        [date(2023, 12, 14), date(2024, 6, 14)],
    ),
]


@pytest.mark.parametrize(("phrase", "rule", "first"), CYCLES)
def test_cycles_are_rfc5545_rules(phrase: str, rule: str, first: list[date]) -> None:
    from dondoc.domain.recurrence import occurrences

    parsed = parse_deadline(phrase, issued=ISSUED)
    assert parsed.kind is DeadlineKind.RECURRING
    assert parsed.rule == rule
    assert occurrences(parsed.rules, start=ISSUED, end=date(2024, 12, 31))[:2] == first


def test_cycle_with_a_start_month_and_first_week() -> None:
    parsed = parse_deadline("Định kỳ hàng tháng, chọn tuần lễ đầu tiên (bắt đầu từ tháng 6 năm 2022)", issued=date(2022, 5, 1))
    assert parsed.rule == "FREQ=MONTHLY;BYMONTHDAY=7"
    assert parsed.starts == date(2022, 6, 1)


@pytest.mark.parametrize(
    ("phrase", "kind", "due"),
    [
        ("từ ngày 01/6/2022", DeadlineKind.MILESTONE, date(2022, 6, 1)),
        ("bắt đầu từ tháng 6 năm 2022", DeadlineKind.MILESTONE, date(2022, 6, 1)),
        ("Thường xuyên", DeadlineKind.ONGOING, None),
        ("thường xuyên, liên tục", DeadlineKind.ONGOING, None),
        (None, DeadlineKind.ONGOING, None),
        ("theo lộ trình của Bộ", DeadlineKind.EVENT, None),
        ("khi có yêu cầu", DeadlineKind.EVENT, None),
    ],
)
def test_milestones_ongoing_and_events(phrase: str | None, kind: DeadlineKind, due: date | None) -> None:
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert (parsed.kind, parsed.due, parsed.understood) == (kind, due, True)


def test_unknown_phrase_is_kept_and_flagged_never_guessed() -> None:
    parsed = parse_deadline("sớm nhất có thể", issued=ISSUED)
    assert parsed.kind is DeadlineKind.UNKNOWN
    assert not parsed.understood
    assert parsed.not_understood == "sớm nhất có thể"
    assert parsed.due is None


@pytest.mark.parametrize(
    "phrase",
    ["trước ngày 31/02/2024", "31/02/2024", "vào ngày 30 tháng 2 năm 2023", "trong tháng 13/2024", "trước ngày 30/02 hàng năm"],
)
def test_impossible_dates_are_errors(phrase: str) -> None:
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert parsed.errors
    assert not parsed.understood
    assert "không tồn tại" in parsed.errors[0]


def test_strictness_is_policy() -> None:
    lenient = Policy(deadline=DeadlinePolicy(strict_truoc_ngay=False))
    assert parse_deadline("trước ngày 05/12/2023", policy=lenient).due == date(2023, 12, 5)
    assert parse_deadline("trước ngày 15 hàng tháng", policy=lenient).rule == "FREQ=MONTHLY;BYMONTHDAY=15"


def test_reporting_calendar_is_policy() -> None:
    policy = Policy(reporting_calendar=ReportingCalendar(quarterly_day=10, unspecified_cycle=None))
    assert parse_deadline("định kỳ hàng quý", policy=policy).rule == "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=10"
    assert not parse_deadline("định kỳ theo quy định", policy=policy).understood


def test_spelling_variants_are_normalised() -> None:
    assert normalize("Định kỳ HẰNG quí") == "định kỳ hàng quý"
