"""Deadline phrases → structured deadlines (DOMAIN.md §3), as a table."""

from __future__ import annotations

from datetime import date, time

import pytest

from dondoc.domain.deadlines import RULES, DeadlineKind, normalize, parse_deadline, reading_json
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
    # A list of quarters shares the year written after the last one (was read as quarter II of the
    # issue year, 2023): the work is due at the end of the last quarter.
    ("Quý II, III/2024", date(2024, 9, 30)),
    ("quý III và IV/2024", date(2024, 12, 31)),
    ("trong quý I, II năm 2025", date(2025, 6, 30)),
    ("trong năm 2024", date(2024, 12, 31)),
    # NQ 175/NQ-CP (2023), V.1.a: a list of years is due at the end of the last one
    ("Trong năm 2023, 2024.", date(2024, 12, 31)),
    ("trong năm 2023 và 2024", date(2024, 12, 31)),
    ("cuối năm 2023", date(2023, 12, 31)),
    ("từ nay đến hết năm 2025", date(2025, 12, 31)),
    ("6 tháng đầu năm 2024", date(2024, 6, 30)),
    # a table's time column prints bare years (Lai Châu KH 3473/KH-UBND, 2025: "Đến 2025" | "2026 – 2030")
    ("2026 – 2030", date(2030, 12, 31)),
    ("2025-2030", date(2030, 12, 31)),
    ("Giai đoạn 2026 - 2030", date(2030, 12, 31)),
    ("Đến 2025", date(2025, 12, 31)),
    ("đến hết 2025", date(2025, 12, 31)),
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
        # Kon Tum QĐ 435/QĐ-UBND (2020): regular work every year, no report due.
        ("Thực hiện thường xuyên hằng năm.", DeadlineKind.ONGOING, None),
        ("Thường xuyên hằng năm.", DeadlineKind.ONGOING, None),
        ("Thực hiện thường xuyên trong năm.", DeadlineKind.ONGOING, None),
        (None, DeadlineKind.ONGOING, None),
        ("theo lộ trình của Bộ", DeadlineKind.EVENT, None),
        # NQ 175/NQ-CP (2023), appendix table: throughout the work is ongoing; "Từ Quý IV/2023" starts then
        ("Trong quá trình thực hiện Đề án", DeadlineKind.ONGOING, None),
        ("Từ Quý IV/2023", DeadlineKind.MILESTONE, date(2023, 10, 1)),
        ("Từ tháng 8/2023", DeadlineKind.MILESTONE, date(2023, 8, 1)),
        ("Bộ Công an xây dựng kế hoạch triển khai", DeadlineKind.EVENT, None),
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


# ------------------------------------------------------------------ issue 10 §5 and issue 14 §2–3


@pytest.mark.parametrize(
    ("phrase", "issued", "due"),
    [
        ("2024-12-05", ISSUED, date(2024, 12, 5)),  # regression: was read as 12 May
        ("Hạn hoàn thành: 2025-10-23", ISSUED, date(2025, 10, 23)),
        ("trước ngày 15/12 năm 2024", date(2025, 3, 1), date(2024, 12, 14)),  # a written year is kept
        ("trước ngày 15 tháng 12 năm 2024", date(2026, 1, 1), date(2024, 12, 14)),
        ("trước năm 2025", ISSUED, date(2024, 12, 31)),
        ("trước 15 giờ ngày 02/02/2025", ISSUED, date(2025, 2, 2)),  # 'trước' binds the hour, not the day
        ("trước 12h ngày mai 6-10-2025", ISSUED, date(2025, 10, 6)),
        ("Trước ngày 1/10/2025", ISSUED, date(2025, 9, 30)),
        ("chậm nhất trước ngày 15/02/2025", ISSUED, date(2025, 2, 14)),
        (
            "trước ngày 31/5/2025 Quyết định 962/QĐ-UBND ngày 15/8/2024",
            ISSUED,
            date(2025, 5, 30),
        ),  # a cited date is not a deadline
        ("trong năm 2026- 2027", ISSUED, date(2027, 12, 31)),
        ("TRUOC NGAY 05/12/2023", ISSUED, date(2023, 12, 4)),  # typed without diacritics
    ],
)
def test_written_dates(phrase: str, issued: date, due: date) -> None:
    parsed = parse_deadline(phrase, issued=issued)
    assert (parsed.kind, parsed.due, parsed.errors) == (DeadlineKind.ONCE, due, ())


@pytest.mark.parametrize(
    "phrase",
    ["20234", "trong năm 20234", "trước ngày 01/01/20234", "năm 0000", "trước ngày 01/01/0001", "ngày 00/00/0000", "Quý I/0000"],
)
def test_five_digit_and_out_of_range_years_are_errors(phrase: str) -> None:
    """Regressions: "20234" was read as 2023; year 0000 and 01/01/0001 raised out of the parser."""
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert parsed.due is None
    if phrase != "20234":  # a bare number is not a year: simply not understood
        assert parsed.errors, phrase
    assert not parsed.understood


def test_leading_whitespace_is_linear() -> None:
    """Regression: run time grew with the square of leading whitespace (100 kB took 210 s)."""
    parsed = parse_deadline(" " * 100_000 + "vào ngày 15/01/2024", issued=ISSUED)
    assert parsed.due == date(2024, 1, 15)


@pytest.mark.parametrize(
    ("phrase", "rule", "at"),
    [
        ("gửi báo cáo: trước 16h00 thứ Sáu hàng tuần", "FREQ=WEEKLY;BYDAY=FR", time(16, 0)),
        ("trước 12h00 thứ Năm hằng tuần", "FREQ=WEEKLY;BYDAY=TH", time(12, 0)),
        ("báo cáo Thủ tướng Chính phủ vào 15:00 ngày Chủ nhật hàng tuần", "FREQ=WEEKLY;BYDAY=SU", time(15, 0)),
        ("Định kỳ thứ 4 hàng tuần, báo cáo kết quả", "FREQ=WEEKLY;BYDAY=WE", None),
        ("trước thứ Sáu hằng tuần", "FREQ=WEEKLY;BYDAY=TH", None),  # strict: before Friday is Thursday
        ("thứ Hai và thứ Năm hằng tuần", "FREQ=WEEKLY;BYDAY=MO,TH", None),
        # the assignee's weekday, not the one on which the consolidating office reports upward
        (
            "trước 15 giờ ngày thứ 4 hằng tuần, để Ban Tổ chức Trung ương tổng hợp, báo cáo Bộ Chính trị vào thứ 6 hằng tuần",
            "FREQ=WEEKLY;BYDAY=WE",
            time(15, 0),
        ),
    ],
)
def test_weekly_cycles_name_a_weekday_and_often_an_hour(phrase: str, rule: str, at: time | None) -> None:
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert (parsed.kind, parsed.rule, parsed.time_of_day) == (DeadlineKind.RECURRING, rule, at)


def test_weekly_without_a_weekday_is_not_guessed() -> None:
    parsed = parse_deadline("thực hiện hàng tuần, báo cáo UBND Thành phố", issued=ISSUED)
    assert not parsed.understood
    assert not parsed.rules


def test_a_weekly_cycle_inside_a_window() -> None:
    parsed = parse_deadline(
        "Từ 16/4/2025 - 31/10/2025, định kỳ báo cáo tiến độ trước 15 giờ ngày thứ 4 hằng tuần", issued=date(2025, 4, 12)
    )
    assert parsed.rule == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20251031"
    assert (parsed.starts, parsed.ends, parsed.time_of_day) == (date(2025, 4, 16), date(2025, 10, 31), time(15, 0))


@pytest.mark.parametrize(
    ("phrase", "rules"),
    [
        (
            "Định kỳ 06 tháng (trước ngày 05 tháng 6) và hằng năm (trước ngày 05 tháng 12)",
            ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=4", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=4"),
        ),
        (
            "Báo cáo 06 tháng gửi trước ngày 20 tháng 6 và báo cáo năm gửi trước ngày 20 tháng 12",
            ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=19", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=19"),
        ),
        (
            "định kỳ hàng tháng, quý, năm hoặc đột xuất báo cáo",
            ("FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"),
        ),
        ("trước ngày 20 tháng cuối quý", ("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=19",)),
        ("Chậm nhất là ngày 15 tháng đầu tiên của quý liền sau", ("FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=15",)),
        (
            "công bố báo cáo tài chính quý trong thời hạn 20 ngày kể từ ngày kết thúc quý",
            ("FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=20",),
        ),
        ("không vượt quá 90 ngày, kể từ ngày kết thúc năm tài chính", ("FREQ=YEARLY;BYYEARDAY=90",)),
        ("chậm nhất là ngày thứ 20 của tháng tiếp theo tháng phát sinh", ("FREQ=MONTHLY;BYMONTHDAY=20",)),
        ("trước ngày 01 của tháng tiếp theo sau tháng kỳ báo cáo", ("FREQ=MONTHLY;BYMONTHDAY=-1",)),
        ("ngày cuối cùng của tháng đầu của quý tiếp theo", ("FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=-1",)),
        ("báo cáo vào ngày làm việc cuối cùng của tháng", ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",)),
        ("định kỳ ngày 05 hằng tháng", ("FREQ=MONTHLY;BYMONTHDAY=5",)),  # the written day wins over the calendar
        ("Từ ngày 25 đến ngày 30 hằng tháng", ("FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1",)),
        ("Hàng năm, trước ngày 25 tháng 12", ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24",)),
        ("dinh ky hang quy", ("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15",)),
    ],
)
def test_cycles_combined_and_counted_within_or_from_a_period(phrase: str, rules: tuple[str, ...]) -> None:
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert (parsed.kind, parsed.rules) == (DeadlineKind.RECURRING, rules)


@pytest.mark.parametrize(
    ("phrase", "due", "starts"),
    [
        ("Quý IV/2025 - Quý II/2026", date(2026, 6, 30), date(2025, 10, 1)),
        ("Từ quý IV/2025 đến quý II/2027", date(2027, 6, 30), date(2025, 10, 1)),
        ("từ ngày 01/9/2025 đến ngày 30/11/2025", date(2025, 11, 30), date(2025, 9, 1)),
        ("từ ngày 15/5 đến ngày 19/5/2025", date(2025, 5, 19), date(2025, 5, 15)),
        ("Từ tháng 6/2025 đến tháng 12/2025", date(2025, 12, 31), date(2025, 6, 1)),
    ],
)
def test_windows_are_due_at_their_end_and_keep_their_start(phrase: str, due: date, starts: date) -> None:
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert (parsed.kind, parsed.due, parsed.starts) == (DeadlineKind.ONCE, due, starts)


def test_several_cycles_in_one_phrase_each_keep_their_day() -> None:
    parsed = parse_deadline(
        "Thời hạn gửi báo cáo: Chậm nhất là ngày 15 tháng đầu tiên của quý liền sau đối với báo cáo quý, "
        "chậm nhất là ngày 31 tháng 01 năm sau đối với báo cáo năm",
        issued=ISSUED,
    )
    assert parsed.rules == ("FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=15", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31")
    weekly_and_monthly = parse_deadline("trước 16h00 thứ Sáu hàng tuần; báo cáo tháng trước ngày 25 hằng tháng", issued=ISSUED)
    assert weekly_and_monthly.rules == ("FREQ=WEEKLY;BYDAY=FR", "FREQ=MONTHLY;BYMONTHDAY=24")
    assert weekly_and_monthly.time_of_day == time(16, 0)


def test_a_range_followed_by_a_later_deadline_reads_the_deadline() -> None:
    parsed = parse_deadline(
        "từ ngày 05/6/2025 đến ngày 07/6/2025 và hoàn thành công tác tuyển sinh trước ngày 31/7/2025", issued=ISSUED
    )
    assert parsed.due == date(2025, 7, 30)


def test_the_ad_hoc_part_is_recorded_and_the_periodic_part_planned() -> None:
    parsed = parse_deadline("báo cáo Thủ tướng Chính phủ định kỳ hằng năm hoặc đột xuất theo yêu cầu", issued=ISSUED)
    assert parsed.rule == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    assert parsed.ad_hoc == "hoặc đột xuất theo yêu cầu"


@pytest.mark.parametrize(
    "phrase",
    [
        "Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
        "thời gian ban hành trước ngày 30 tháng 11 năm trước của năm kế hoạch",
        "chậm nhất là ngày 20 tháng 9 của năm báo cáo",
        "báo cáo đột xuất khi có yêu cầu",
    ],
)
def test_relative_deadlines_are_events_never_a_guessed_date(phrase: str) -> None:
    parsed = parse_deadline(phrase, issued=ISSUED)
    assert (parsed.kind, parsed.due, parsed.rules) == (DeadlineKind.EVENT, None, ())


def test_every_rule_of_the_table_is_exercised() -> None:
    examples = [
        "trước 16h00 thứ Sáu hàng tuần; báo cáo tháng trước ngày 25 hằng tháng",
        "trước 16h00 thứ Sáu hàng tuần",
        "trong thời hạn 20 ngày kể từ ngày kết thúc quý",
        "trước ngày 20 tháng cuối quý",
        "trước ngày 15 hằng tháng",
        "trước ngày 15 tháng 12 hằng năm",
        "định kỳ hằng quý",
        "định kỳ theo quy định",
        "Thực hiện thường xuyên hằng năm",
        "Thường xuyên",
        "Quý IV/2025 - Quý II/2026",
        "từ ngày 01/6/2022",
        "trước ngày 05/12/2023",
        "Quý III/2024",
        "Trong thời hạn 05 ngày làm việc",
        "trước ngày 30 tháng 11 năm trước của năm kế hoạch",
        "khi có yêu cầu",
    ]
    used = {parse_deadline(e, issued=ISSUED).matched_rule for e in examples}
    assert used == {rule.name for rule in RULES}


def test_reading_json_uses_the_public_vocabulary() -> None:
    milestone = parse_deadline("từ ngày 01/6/2022", issued=ISSUED)
    data = reading_json(milestone, [date(2022, 6, 1)])
    assert (data["kind"], data["dates"], data["flags"], data["understood"]) == ("once", ["2022-06-01"], ["start"], True)
    cycle = parse_deadline("trước 16h00 thứ Sáu hàng tuần hoặc đột xuất khi có yêu cầu", issued=ISSUED)
    data = reading_json(cycle, [date(2023, 11, 3)])
    assert data["kind"] == "recurring"
    assert data["time"] == "16:00"
    assert "ad_hoc" in data["flags"]
    bad = reading_json(parse_deadline("trước ngày 31/02/2024", issued=ISSUED), [])
    assert (bad["kind"], bad["understood"], bad["dates"]) == ("unknown", False, [])
    assert bad["errors"] == ["ngày 31/02/2024 không tồn tại"]
    assert {"text", "kind", "dates", "reading", "understood", "flags", "errors"} <= set(data)
