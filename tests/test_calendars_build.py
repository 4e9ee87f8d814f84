"""The pure iCal builder: alarm days from the reminder ladder, titles, revisions, a whole feed parsed back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar, vDuration

from dondoc.calendars import ical as build
from dondoc.calendars.ical import EventInput, FeedMeta, LeadLine, Revision
from dondoc.domain.policy import CalendarPolicy, ReminderPolicy
from dondoc.domain.recurrence import is_monthly
from dondoc.domain.reminders import ladder
from dondoc.domain.status import Status
from dondoc.domain.workdays import WorkCalendar

CAL = WorkCalendar()
LADDER = ReminderPolicy()
STAMP = datetime(2023, 12, 6, 1, 0, tzinfo=UTC)


def item(**changes: object) -> EventInput:
    base = EventInput(
        uid="instance-674-lead-dn-so-thong-tin-truyen-thong@dondoc",
        role="lead",
        agency="Sở TT&TT",
        directive="11677/UBND-HCC",
        clause="1.k",
        summary="Kết nối, tích hợp hệ thống thông tin giải quyết TTHC của tỉnh với Cổng Dịch vụ công quốc gia",
        text="Khẩn trương kết nối, tích hợp hệ thống…",
        deadline_text="trước ngày 05/12/2023",
        deadline_reading="trước ngày 05/12/2023 → hạn cuối 04/12/2023",
        due=date(2023, 12, 15),
        status=Status.IN_PROGRESS,
        instance_ids=(674,),
        report_to=("UBND tỉnh",),
        portal="https://dondoc.dongnai.gov.vn/portal",
        co_agencies=("Công an tỉnh",),
        deliverable="Báo cáo kết quả",
    )
    return EventInput(**{**base.__dict__, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("due", "role", "monthly", "expected"),
    [
        # Friday 15/12/2023: 7, 3, 1 working days before and the day itself
        (
            date(2023, 12, 15),
            "lead",
            False,
            [(7, date(2023, 12, 6)), (3, date(2023, 12, 12)), (1, date(2023, 12, 14)), (0, date(2023, 12, 15))],
        ),
        (date(2023, 12, 15), "lead", True, [(3, date(2023, 12, 12)), (1, date(2023, 12, 14)), (0, date(2023, 12, 15))]),
        (date(2023, 12, 15), "co", False, [(7, date(2023, 12, 6)), (3, date(2023, 12, 12))]),
        # Sunday 17/12/2023: the due-day stage is sent on Friday, which is also the 1-day stage: the more urgent stays
        (date(2023, 12, 17), "lead", True, [(3, date(2023, 12, 13)), (0, date(2023, 12, 15))]),
        # Monday 01/01/2024 is New Year's Day: counting skips it
        (date(2024, 1, 2), "lead", True, [(3, date(2023, 12, 27)), (1, date(2023, 12, 29)), (0, date(2024, 1, 2))]),
    ],
)
def test_alarm_days_follow_the_reminder_ladder(
    due: date, role: build.Audience, monthly: bool, expected: list[tuple[int, date]]
) -> None:
    assert build.alarm_days(due, role=role, monthly=monthly, policy=LADDER, calendar=CAL) == expected


@pytest.mark.parametrize("monthly", [False, True])
@pytest.mark.parametrize("role", ["lead", "co"])
def test_alarm_days_are_the_email_ladders_pre_due_send_days(role: build.Audience, monthly: bool) -> None:
    """Alarms and e-mails come from one ladder: every pre-due stage the sweep sends is an alarm, on its send day."""
    policy = ReminderPolicy(lead_before=[5, 2, 0], lead_before_monthly=[2, 0], co_agency_before=[5, 1])
    for offset in range(60):  # two months of due dates, across Christmas, New Year and weekends
        due = date(2023, 12, 1) + timedelta(days=offset)
        stages = ladder(due, audience=role, monthly=monthly, policy=policy, calendar=CAL, until=due + timedelta(days=30))
        sent = [(-s.offset, s.send_on) for s in stages if not s.overdue]
        assert build.alarm_days(due, role=role, monthly=monthly, policy=policy, calendar=CAL) == sent, due
        assert {s.key.split("-")[0] for s in stages if not s.overdue} <= ({"co"} if role == "co" else {"before", "due"})


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (None, False),
        ("", False),
        ("FREQ=MONTHLY;BYMONTHDAY=15", True),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", True),
        ("BYMONTHDAY=15;FREQ=MONTHLY", True),  # order of parts does not matter
        ("freq=monthly;bymonthday=5", True),
        ("FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15", True),
        ("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15", False),  # every second month is not a monthly cycle
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=20", False),
        ("FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15", False),  # quarterly
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15\nFREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15", False),  # half-yearly (two lines)
        ("FREQ=MONTHLY;BYMONTHDAY=15\nFREQ=MONTHLY;BYMONTHDAY=-1", True),
        ("FREQ=MONTHLY;BYMONTHDAY=15\nFREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", False),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31\nFREQ=MONTHLY;BYMONTHDAY=15", False),  # not only the first line counts
        ("DTSTART:20240101\nRRULE:FREQ=MONTHLY;BYMONTHDAY=15", True),
        ("FREQ=WEEKLY;BYDAY=FR", False),
    ],
)
def test_is_monthly(rule: str | None, expected: bool) -> None:
    assert is_monthly(rule) is expected


@pytest.mark.parametrize(
    ("due", "send", "expected"),
    [
        (date(2023, 12, 15), date(2023, 12, 15), timedelta(hours=7, minutes=30)),
        (date(2023, 12, 15), date(2023, 12, 14), -timedelta(hours=16, minutes=30)),
        (date(2023, 12, 15), date(2023, 12, 6), -timedelta(days=8, hours=16, minutes=30)),
    ],
)
def test_trigger_is_send_time_on_the_send_day(due: date, send: date, expected: timedelta) -> None:
    trigger = build.trigger_before_start(due, send, "07:30")
    assert trigger == expected
    assert datetime.combine(due, datetime.min.time()) + trigger == datetime.combine(send, datetime.min.time()) + timedelta(
        hours=7, minutes=30
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "[Chủ trì] 11677/UBND-HCC 1.k — Kết nối, tích hợp hệ thống thông tin giải quyết TTHC của tỉnh với…"),
        (
            {"status": Status.DONE_ON_TIME},
            "✓ [Chủ trì] 11677/UBND-HCC 1.k — Kết nối, tích hợp hệ thống thông tin giải quyết TTHC của tỉnh với…",
        ),
        ({"summary": "Ngắn gọn"}, "[Chủ trì] 11677/UBND-HCC 1.k — Ngắn gọn"),
        ({"role": "co", "summary": "Ngắn", "lead": "Sở Nội vụ"}, "[Phối hợp] 11677/UBND-HCC 1.k — Ngắn (chủ trì: Sở Nội vụ)"),
    ],
)
def test_title(changes: dict[str, object], expected: str) -> None:
    assert build.title(item(**changes), summary_chars=70) == expected


def test_revise_bumps_sequence_only_for_date_or_status() -> None:
    first = build.revise(None, "m1", "c1", STAMP)
    assert first == Revision(0, STAMP, "m1", "c1")
    later = STAMP + timedelta(days=1)
    assert build.revise(first, "m1", "c1", later) is first  # nothing changed: same stamp, feed stays byte-identical
    assert build.revise(first, "m1", "c2", later) == Revision(0, later, "m1", "c2")
    assert build.revise(first, "m2", "c2", later) == Revision(1, later, "m2", "c2")


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Status.CANCELLED, Status.CANCELLED], Status.CANCELLED),
        ([Status.DONE_ON_TIME, Status.CANCELLED], Status.DONE_ON_TIME),
        ([Status.DONE_ON_TIME, Status.DONE_LATE], Status.DONE_LATE),
        ([Status.DONE_ON_TIME, Status.IN_PROGRESS, Status.OVERDUE], Status.OVERDUE),
        ([Status.NOT_YET_OPEN, Status.IN_PROGRESS], Status.IN_PROGRESS),
    ],
)
def test_group_status(statuses: list[Status], expected: Status) -> None:
    assert build.group_status(statuses) is expected


def _feed(items: list[EventInput]) -> Calendar:
    meta = FeedMeta("agency:x", "Hạn nhiệm vụ — Sở TT&TT", "mô tả", timedelta(hours=6))
    text = build.build_feed(meta, items, stamp=STAMP, policy=CalendarPolicy(), reminders=LADDER, calendar=CAL)
    return Calendar.from_ical(text)


def test_feed_parses_back_with_calendar_properties_and_events() -> None:
    done = item(uid="done@dondoc", status=Status.DONE_ON_TIME, completed_on=date(2023, 12, 1), evidence="Báo cáo 12/BC-STTTT")
    cancelled = item(uid="gone@dondoc", status=Status.CANCELLED, cancelled_reason="Văn bản được sửa")
    co = item(
        uid="co@dondoc",
        role="co",
        lead="2 cơ quan",
        leads=(
            LeadLine(1, "Sở Nội vụ", date(2023, 12, 15), Status.OVERDUE),
            LeadLine(2, "Sở Tư pháp", date(2023, 12, 15), Status.IN_PROGRESS),
        ),
    )
    cal = _feed([item(), done, cancelled, co])
    assert str(cal["X-WR-CALNAME"]) == "Hạn nhiệm vụ — Sở TT&TT"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=6)
    assert vDuration.from_ical(str(cal["X-PUBLISHED-TTL"])) == timedelta(hours=6)  # "PT6H", not a DATE-TIME
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    lead = events["instance-674-lead-dn-so-thong-tin-truyen-thong@dondoc"]
    assert lead.start == date(2023, 12, 15)
    assert lead.end == date(2023, 12, 16)
    assert lead["STATUS"] == "CONFIRMED"
    assert lead.categories == ["11677/UBND-HCC", "Chủ trì"]
    assert "dondoc complete" not in lead["DESCRIPTION"]  # departments have no CLI: they report on the portal
    assert (
        "Báo cáo hoàn thành hoặc xin gia hạn (nhiệm vụ #674): trên cổng dondoc, mở đường dẫn cá nhân trong thư nhắc việc"
        in lead["DESCRIPTION"]
    )
    assert "https://dondoc.dongnai.gov.vn/portal/task/674." in lead["DESCRIPTION"]
    assert "Báo cáo về: UBND tỉnh\n" in lead["DESCRIPTION"]
    assert "Trạng thái: Đang thực hiện trong hạn" in lead["DESCRIPTION"]
    assert [a["TRIGGER"].dt for a in lead.walk("VALARM")] == [
        -timedelta(days=8, hours=16, minutes=30),
        -timedelta(days=2, hours=16, minutes=30),
        -timedelta(hours=16, minutes=30),
        timedelta(hours=7, minutes=30),
    ]
    assert str(events["done@dondoc"]["SUMMARY"]).startswith("✓ [Chủ trì]")
    assert events["done@dondoc"].walk("VALARM") == []
    assert events["gone@dondoc"]["STATUS"] == "CANCELLED"
    assert events["gone@dondoc"].walk("VALARM") == []
    assert (
        "Sở Nội vụ: hạn 15/12/2023, Quá hạn chưa hoàn thành (#1) — https://dondoc.dongnai.gov.vn/portal/task/1"
        in events["co@dondoc"]["DESCRIPTION"]
    )
    assert "“Gửi đầu vào”" in events["co@dondoc"]["DESCRIPTION"]
    assert "dondoc complete" not in events["co@dondoc"]["DESCRIPTION"]
    assert len(events["co@dondoc"].walk("VALARM")) == 2
    in_range = recurring_ical_events.of(cal).between(date(2023, 12, 15), date(2023, 12, 16))
    assert sorted(str(e["UID"]) for e in in_range) == sorted(events)
    assert recurring_ical_events.of(cal).between(date(2023, 12, 16), date(2024, 1, 1)) == []


def test_the_same_input_builds_the_same_bytes() -> None:
    meta = FeedMeta("agency:x", "x", "y", timedelta(hours=6))
    args = {"stamp": STAMP, "policy": CalendarPolicy(), "reminders": LADDER, "calendar": CAL}
    assert build.build_feed(meta, [item()], **args) == build.build_feed(meta, [item()], **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("names", "exclude", "expected"),
    [
        (("Sở TT&TT", "Sở Tư pháp", "Sở TT&TT"), None, ["Sở TT&TT", "Sở Tư pháp"]),
        (("Sở TT&TT", "Sở Tư pháp"), "Sở TT&TT", ["Sở Tư pháp"]),
        (("Sở TT&TT",), "Sở TT&TT", []),
    ],
)
def test_unique_names(names: tuple[str, ...], exclude: str | None, expected: list[str]) -> None:
    assert build.unique_names(names, exclude=exclude) == expected


@pytest.mark.parametrize(
    ("report_to", "report_via", "expected"),
    [
        (("UBND tỉnh", "Sở Nội vụ"), None, "Báo cáo về: UBND tỉnh, Sở Nội vụ\n"),
        (("UBND tỉnh", "Sở Nội vụ"), "Công an tỉnh", "Báo cáo về: UBND tỉnh, Sở Nội vụ (qua Công an tỉnh)\n"),
        ((), "Công an tỉnh", "Báo cáo về: — (qua Công an tỉnh)\n"),
    ],
)
def test_description_names_every_body_reported_to(report_to: tuple[str, ...], report_via: str | None, expected: str) -> None:
    assert expected in build.description(item(report_to=report_to, report_via=report_via))


def test_description_without_a_portal_address_still_says_how_to_report() -> None:
    text = build.description(item(portal=None))
    assert "mở đường dẫn cá nhân trong thư nhắc việc rồi chọn “Báo cáo hoàn thành” hoặc “Xin gia hạn”." in text
    assert "/task/" not in text
    assert "Báo cáo về" not in build.description(item(report_to=(), report_via=None))


def test_content_hash_moves_with_anything_shown_and_only_then() -> None:
    key = build.policy_key(CalendarPolicy())
    alarms = build.alarm_days(date(2023, 12, 15), role="lead", monthly=False, policy=LADDER, calendar=CAL)
    base = build.hashes(item(), alarms, key, "07:30")
    assert build.hashes(item(), alarms, key, "07:30") == base
    for changes in (
        {"agency": "Sở Thông tin và Truyền thông"},
        {"text": "Lời văn khác"},
        {"report_to": ("UBND tỉnh", "Sở Nội vụ")},
    ):
        major, content = build.hashes(item(**changes), alarms, key, "07:30")
        assert (major, content != base[1]) == (base[0], True), changes
    assert build.hashes(item(status=Status.OVERDUE), alarms, key, "07:30")[0] != base[0]
    assert build.hashes(item(), alarms, build.policy_key(CalendarPolicy(summary_chars=80)), "07:30")[1] != base[1]
