"""Vietnamese deadline phrases → structured deadlines (DOMAIN.md §3), as an ordered rule table.

The parser keeps the original phrase, says which reading it applied and which rule of
``RULES`` gave it, and flags what it could not understand instead of guessing. Recurring
deadlines become RFC 5545 rules (expanded by :mod:`dondoc.domain.recurrence`).

Three promises (issue 10 §5), each tested: no exception escapes ``parse_deadline`` (an
impossible date is returned in ``errors``); the time is linear in the text (every pattern is
bounded, see :mod:`dondoc.domain.deadline_text`); no date is produced that the text does
not write, except from the province's reporting calendar for cycles that name no day,
which the reading says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cached_property
from itertools import pairwise
from typing import Any

from dondoc.domain.dates import vn_date
from dondoc.domain.deadline_text import (
    BadDate,
    Mention,
    MentionKind,
    find_time,
    fold,
    is_relative,
    normalize,
    scan,
    time_before,
    year_of,
)
from dondoc.domain.policy import Policy, ReportingCalendar

__all__ = [
    "RULES",
    "DeadlineKind",
    "Frequency",
    "ParsedDeadline",
    "Rule",
    "fmt",
    "normalize",
    "parse_deadline",
    "reading_json",
]


class DeadlineKind(StrEnum):
    ONCE = "once"
    RECURRING = "recurring"
    MILESTONE = "milestone"
    ONGOING = "ongoing"
    EVENT = "event"
    UNKNOWN = "unknown"


class Frequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


@dataclass(frozen=True)
class ParsedDeadline:
    text: str | None
    kind: DeadlineKind
    understood: bool
    reading: str
    due: date | None = None
    stated_date: date | None = None
    rules: tuple[str, ...] = ()
    frequency: Frequency | None = None
    starts: date | None = None
    not_understood: str | None = None
    errors: tuple[str, ...] = field(default_factory=tuple)
    #: Last day of a recurring window ("từ 16/4/2025 - 31/10/2025, … hằng tuần"); also in the rules' UNTIL.
    ends: date | None = None
    #: Time of day written with the deadline ("trước 16h00 thứ Sáu hàng tuần"); the date keeps the day.
    time_of_day: time | None = None
    #: The ad hoc part of "… hoặc đột xuất khi có yêu cầu": recorded, not planned.
    ad_hoc: str | None = None
    #: Which entry of ``RULES`` produced this reading.
    matched_rule: str | None = None
    #: Notes on the reading for people ("several_dates", "calendar_day", "start", …).
    flags: tuple[str, ...] = ()

    @property
    def rule(self) -> str | None:
        return "\n".join(self.rules) if self.rules else None


def fmt(day: date) -> str:
    return vn_date(day)


# ---------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    text: str
    t: str  # folded
    strict: bool
    default_year: int | None
    policy: Policy

    @cached_property
    def mentions(self) -> list[Mention]:
        return [m for m in scan(self.t) if not is_relative(self.t, m)]

    @cached_property
    def last_keyed_date(self) -> int:
        """Where the last date introduced by a deadline word starts (-1 if none)."""
        found = [x.start for x in self.mentions if x.kind is MentionKind.DATE and _keyed(self, x)[0]]
        return max(found, default=-1)

    @cached_property
    def first_time(self) -> tuple[time | None, bool]:
        return find_time(self.t)

    @cached_property
    def relative_mentions(self) -> bool:
        return any(is_relative(self.t, m) for m in scan(self.t))

    def lead(self, at: int) -> str:
        """The folded words just before position ``at`` (bounded window: linear overall)."""
        return self.t[max(0, at - 48) : at]


_BEFORE_LEAD = re.compile(r"\b(?:truoc|han chot truoc)(?: (?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat),?)?(?: ngay)? ?$")
_TIMED_LEAD = re.compile(
    r"\b(?:truoc|cham nhat) \d{1,2}(?: ?(?:gio|h|g) ?(?:\d{2})?(?: phut)?|:\d{2}),?(?: ngay)?(?: mai)?(?: thu \w+)?,?(?: ngay)? ?$"
)
_AT_LEAD = re.compile(
    r"\b(?:cham nhat|vao|den|hoan thanh|trong|dung|toi|xong|han|la|truoc)(?: la)?(?: vao)?(?: het)?(?: ngay)? ?$"
)


def _keyed(ctx: _Ctx, mention: Mention) -> tuple[bool, bool]:
    """(is the mention introduced by a deadline word, does 'trước' bind its day)."""
    lead = ctx.lead(mention.start)
    if _TIMED_LEAD.search(lead):
        return True, False  # "trước 15 giờ ngày 02/02/2025": the hour is bounded, not the day
    if _BEFORE_LEAD.search(lead):
        return True, True
    return _AT_LEAD.search(lead) is not None, False


def _due(ctx: _Ctx, stated: date, before: bool) -> tuple[date, str]:
    if before and ctx.strict:
        due = stated - timedelta(days=1)
        return due, f"trước ngày {fmt(stated)} → hạn cuối {fmt(due)} (đọc chặt)"
    return stated, f"hạn cuối {fmt(stated)}"


def _time_of(ctx: _Ctx, at: int | None = None) -> time | None:
    if at is not None:
        found, _ = time_before(ctx.t, at)
        if found is not None:
            return found
    return ctx.first_time[0]


def _time_note(at: time | None) -> str:
    return f", trước {at.hour:02d}:{at.minute:02d}" if at else ""


# --------------------------------------------------------------------------- cycles

_WEEKDAY = re.compile(r"\b(?:thu (?P<name>hai|ba|tu|nam|sau|bay|[2-7])|(?P<sun>chu nhat))\b")
_WEEKDAY_JOIN = re.compile(r",? (?:va|hoac|den) |, ")
_BYDAY = {"hai": "MO", "ba": "TU", "tu": "WE", "nam": "TH", "sau": "FR", "bay": "SA", "2": "MO", "3": "TU", "4": "WE"}
_BYDAY |= {"5": "TH", "6": "FR", "7": "SA"}
_DAY_ORDER = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_VN_DAY = {"MO": "thứ Hai", "TU": "thứ Ba", "WE": "thứ Tư", "TH": "thứ Năm", "FR": "thứ Sáu", "SA": "thứ Bảy", "SU": "Chủ nhật"}

_MONTH_DAY = re.compile(
    r"(?:(?P<before>\btruoc)|\bcham nhat(?: la)?|\bvao|\bden|\bdinh ky|\bhan|\btu|\bgui|\bngay)(?: (?:het|ca))?"
    r" ngay (?P<day>\d{1,2})(?![\d/.-])(?! thang \d)(?!,? nam \d)"
)
_MONTHLY_DAY_BEFORE_WORD = re.compile(r"\bngay (?P<day>\d{1,2}) (?:cua )?(?:hang|moi|cac) thang\b")
_MONTH_END = re.compile(r"\bngay (?:cuoi cung|cuoi) (?:cua )?(?:hang |moi )?thang\b(?! (?:tiep theo|ke tiep|sau)\b)")
_LAST_WORKDAY = re.compile(r"\bngay lam viec cuoi cung (?:cua )?(?:hang |moi )?thang\b")
_FIRST_WEEK = re.compile(r"\btuan(?: le)? (?:dau(?: tien)?|cao diem)")
_QUARTER_MONTH = re.compile(r"\bthang (?P<which>cuoi|dau(?: tien)?) (?:cua )?(?:moi |hang )?quy\b")
_YEARLY_WORD = re.compile(
    r"\bbao cao (?:0?6 thang|nam)\b(?! \d)|\b(?:hang|moi) nam\b|\bdinh ky (?:toi thieu |it nhat )?(?:hang |moi )?(?:0?6 (?:sau )?thang|sau thang|nam)\b(?! \d)|\b0?6 thang (?:mot|1) lan\b|\b0?6 thang/lan\b"
)
_UNIT = r"(?:tuan|thang|quy|nam|0?6 (?:sau )?thang|sau thang)"
_CYCLE = re.compile(
    rf"\b(?:(?:dinh ky )?(?:hang|moi) |dinh ky ){_UNIT}(?P<more>(?:(?:,| va| hoac|/) ?(?:hang |moi )?{_UNIT}\b(?! \d))+)"
    rf"|\b(?:hang|moi) (?P<a>tuan|thang|quy|nam)\b"
    rf"|\bdinh ky (?:toi thieu |it nhat )?(?:hang |moi )?(?P<b>0?6 (?:sau )?thang|sau thang|tuan|thang|quy|nam)\b(?! \d)"
    rf"|\b(?P<c>0?6) thang (?:mot|1) lan\b|\b(?P<d>0?6) thang/lan\b"
)
_UNIT_WORD = re.compile(r"0?6 (?:sau )?thang|sau thang|tuan|thang|quy|nam")
_UNSPECIFIED = re.compile(r"\b(?:theo )?dinh ky\b")
#: "trong năm 2023, 2024": the text before a year that follows another one in a list.
_AFTER_A_LISTED_YEAR = re.compile(r"\b(?:19|20)\d{2} ?(?:,|va) ?$")
_ONGOING = re.compile(
    r"\b(?:thuong xuyen|lien tuc|hang ngay|moi ngay)\b|^trong (?:suot )?qua trinh (?:to chuc )?(?:thuc hien|trien khai)\b(?!.*\d)"
)
_ONGOING_EVERY = re.compile(r"\bthuong xuyen,? (?:hang|moi|trong) (?:nam|thang|quy)\b")
_RELATIVE = re.compile(
    r"\b(?:trong (?:vong |thoi han |thoi gian )?(?:cham nhat |toi da |khong qua )?|khong qua |sau |truoc |it nhat |cham nhat (?:la )?)"
    r"(?P<n>\d{1,3})(?: \w+)? (?P<unit>ngay lam viec|ngay|thang|gio|tuan)\b"
)
# Words that tie the work to an event rather than a date ("khi có yêu cầu", "đột xuất", "sau khi …").
_EVENT_WORDS = (
    "khi co yeu cau, theo yeu cau, dot xuat, theo lo trinh, khi co van ban, khi co huong dan, sau khi, khi phat sinh, "
    "kip thoi, ke tu ngay, ke tu khi, ngay sau khi, truoc ngay bau cu, truoc khi, "
    # a table's time cell that points to a plan still to be made: "Bộ Công an xây dựng kế hoạch triển khai"
    "xay dung ke hoach trien khai, theo ke hoach trien khai"
).split(", ")
_EVENT = re.compile(r"\b(?:" + "|".join(_EVENT_WORDS) + r")\b")
_AD_HOC = re.compile(r"(?:(?:hoặc|hoac|và|va) )?(?:báo cáo |bao cao )?(?:đột xuất|dot xuat)[^;.,)]*")
_RANGE_LINK = re.compile(
    r" ?(?:-|–|den(?: het)?(?: ngay)?|toi(?: ngay)?|den truoc ngay|cho den(?: het)?(?: ngay)?)"
    r"(?: cham nhat)?(?: \d{1,2} ?(?:gio|h|g) ?(?:\d{2})?)? ?(?:thang |ngay )?$"
)
_START_LEAD = re.compile(r"\b(?:tu|bat dau tu|ke tu|bat dau|ap dung tu|hieu luc tu|hieu luc ke tu)(?: ngay| thang)? ?$")


def _monthly_rule(day: int) -> str:
    if day <= 28:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    # Clamp to the month's end in short months (RFC 5545 would skip them).
    days = ",".join(str(d) for d in range(28, day + 1))
    return f"FREQ=MONTHLY;BYMONTHDAY={days};BYSETPOS=-1"


def _until(rules: tuple[str, ...], ends: date | None) -> tuple[str, ...]:
    if ends is None:
        return rules
    return tuple(f"{rule};UNTIL={ends:%Y%m%d}" for rule in rules)


def _window(ctx: _Ctx) -> tuple[date | None, date | None]:
    """A recurring task's window: "từ 16/4/2025 - 31/10/2025", "bắt đầu từ tháng 6 năm 2022"."""
    mentions = [m for m in ctx.mentions if m.kind is not MentionKind.DATE or m.year is not None]
    for first, second in pairwise(mentions):
        if _RANGE_LINK.match(ctx.t[first.end : second.start]) and _START_LEAD.search(ctx.lead(first.start)):
            return first.first_day(ctx.default_year), second.last_day(ctx.default_year)
    for mention in mentions:
        if _START_LEAD.search(ctx.lead(mention.start)):
            return mention.first_day(ctx.default_year), None
    return None, None


def _cycle(
    ctx: _Ctx, rules: tuple[str, ...], frequency: Frequency, reading: str, *, at: time | None = None, flags: tuple[str, ...] = ()
) -> ParsedDeadline:
    starts, ends = _window(ctx)
    if ends is not None:
        reading += f"; từ {fmt(starts) if starts else '…'} đến {fmt(ends)}"
    elif starts is not None:
        reading += f"; bắt đầu từ {fmt(starts)}"
    return ParsedDeadline(
        ctx.text,
        DeadlineKind.RECURRING,
        True,
        reading,
        rules=_until(tuple(dict.fromkeys(rules)), ends),
        frequency=frequency,
        starts=starts,
        ends=ends,
        time_of_day=at,
        flags=flags,
    )


def _weekly(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    days: list[str] = []
    before = False
    first_at: int | None = None
    last_end = -1
    for found in _WEEKDAY.finditer(ctx.t):
        if last_end >= 0 and not _WEEKDAY_JOIN.fullmatch(ctx.t[last_end : found.start()]):
            break  # "… trước 15 giờ ngày thứ 4 hằng tuần, để … báo cáo … vào thứ 6 hằng tuần": the first group is the deadline
        last_end = found.end()
        code = "SU" if found.group("sun") else _BYDAY[found.group("name")]
        if code not in days:
            days.append(code)
        if first_at is None:
            first_at = found.start()
            lead = ctx.lead(found.start())
            before = re.search(r"\btruoc(?: ngay)? ?$", lead) is not None
    if not days:
        return ParsedDeadline(
            ctx.text,
            DeadlineKind.UNKNOWN,
            False,
            "Hằng tuần nhưng không nêu thứ nào: lịch báo cáo của tỉnh chưa có ngày cho kỳ tuần, cần người điều phối ghi rõ.",
            not_understood=ctx.text,
            frequency=Frequency.WEEKLY,
        )
    at = _time_of(ctx, first_at)
    if before and ctx.strict and at is None:
        days = [_DAY_ORDER[(_DAY_ORDER.index(d) - 1) % 7] for d in days]
    ordered = sorted(days, key=_DAY_ORDER.index)
    names = " và ".join(_VN_DAY[d] for d in ordered)
    reading = f"hằng tuần, hạn cuối {names}{_time_note(at)}" + (
        " (trước thứ được nêu: đọc chặt)" if before and ctx.strict and at is None else ""
    )
    return _cycle(ctx, (f"FREQ=WEEKLY;BYDAY={','.join(ordered)}",), Frequency.WEEKLY, reading, at=at)


def _monthly(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    if _LAST_WORKDAY.search(ctx.t):
        reading = "hàng tháng, hạn cuối ngày làm việc cuối cùng của tháng (thứ Hai–thứ Sáu; ngày lễ không được trừ)"
        return _cycle(
            ctx, ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",), Frequency.MONTHLY, reading, flags=("weekdays_only",)
        )
    if _MONTH_END.search(ctx.t):
        return _cycle(ctx, ("FREQ=MONTHLY;BYMONTHDAY=-1",), Frequency.MONTHLY, "hàng tháng, hạn cuối ngày cuối cùng của tháng")
    if _QUARTER_MONTH.search(ctx.t):
        return None  # "ngày 20 tháng cuối quý": a quarterly day
    found = _MONTHLY_DAY_BEFORE_WORD.search(ctx.t)
    before = False
    if found is not None:
        before = _BEFORE_LEAD.search(ctx.lead(found.start())) is not None
    else:
        found = _MONTH_DAY.search(ctx.t)
        if found is None:
            return None
        before = found.group("before") is not None
    # "từ ngày 25 đến ngày 30 hằng tháng": the window's last day is the due day.
    span = re.search(r"\btu ngay (\d{1,2}) den(?: het)? ngay (?P<day>\d{1,2})\b", ctx.t)
    if span is not None:
        found, before = span, False
    stated = int(found.group("day"))
    if not 1 <= stated <= 31:
        raise BadDate(f"ngày {stated} hàng tháng không tồn tại")
    at = _time_of(ctx, found.start())
    strict = before and ctx.strict and at is None
    due_day = stated - 1 if strict else stated
    if due_day == 0:
        rule = "FREQ=MONTHLY;BYMONTHDAY=-1"
        reading = f"hàng tháng, trước ngày {stated} → hạn cuối ngày cuối cùng của tháng trước (đọc chặt)"
    else:
        rule = _monthly_rule(due_day)
        reading = f"hàng tháng, hạn cuối ngày {due_day}{_time_note(at)}" + (f" (trước ngày {stated}: đọc chặt)" if strict else "")
    return _cycle(ctx, (rule,), Frequency.MONTHLY, reading, at=at)


def _quarter_day(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    found = _MONTH_DAY.search(ctx.t)
    if found is None:
        return None
    stated = int(found.group("day"))
    if not 1 <= stated <= 31:
        raise BadDate(f"ngày {stated} hàng quý không tồn tại")
    first = m.group("which") != "cuoi"
    months = "1,4,7,10" if first else "3,6,9,12"
    strict = found.group("before") is not None and ctx.strict
    due_day = stated - 1 if strict else stated
    if due_day == 0:
        months = "12,3,6,9" if first else "2,5,8,11"
        rule = f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY=-1"
        reading = f"hàng quý, trước ngày {stated} tháng {'đầu' if first else 'cuối'} quý → hạn cuối ngày cuối cùng của tháng trước (đọc chặt)"
    else:
        rule = (
            f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={due_day}"
            if due_day <= 28
            else (f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={','.join(str(d) for d in range(28, due_day + 1))};BYSETPOS=-1")
        )
        reading = f"hàng quý, hạn cuối ngày {due_day} tháng {'đầu quý sau' if first else 'cuối quý'}" + (
            f" (trước ngày {stated}: đọc chặt)" if strict else ""
        )
    return _cycle(ctx, (rule,), Frequency.QUARTERLY, reading)


_NEXT_YEAR_TAIL = re.compile(r" (?:cua )?nam (?:sau|tiep theo|ke tiep|lien sau)\b")


def _yearly_days(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    # A day "của năm sau" is still a day of the year in a yearly cycle ("báo cáo năm: ngày 31 tháng 01 năm sau").
    days = [
        x
        for x in scan(ctx.t)
        if x.kind is MentionKind.DATE and x.year is None and (not is_relative(ctx.t, x) or _NEXT_YEAR_TAIL.match(ctx.t, x.end))
    ]
    if not days:
        return None
    # "từ ngày 01 tháng 11 đến hết ngày 31 tháng 12 hằng năm": a yearly window is due on its last day.
    days = [a for a, b in zip(days, [*days[1:], None], strict=True) if b is None or not _RANGE_LINK.match(ctx.t[a.end : b.start])]
    rules: list[str] = []
    parts: list[str] = []
    before = False
    for mention in days:
        keyed, own_before = _keyed(ctx, mention)
        before = own_before if keyed else before  # "trước ngày 01/6 và 15/11": the second inherits 'trước'
        strict = before and ctx.strict
        stated = date(2024, mention.month, mention.day)  # a leap year: 29/02 is valid
        due = stated - timedelta(days=1) if strict else stated
        rules.append(f"FREQ=YEARLY;BYMONTH={due.month};BYMONTHDAY={due.day}")
        parts.append(
            f"{due.day:02d}/{due.month:02d}" + (f" (trước {stated.day:02d}/{stated.month:02d}: đọc chặt)" if strict else "")
        )
    unique = tuple(dict.fromkeys(rules))
    half = (
        re.search(r"\b(?:0?6|sau) thang\b", m.group(0)) is not None
        or re.search(r"\bdinh ky (?:0?6|sau) thang\b", ctx.t) is not None
    )
    frequency = Frequency.HALF_YEARLY if half and len(unique) == 2 else Frequency.YEARLY
    reading = (
        ("6 tháng một lần" if frequency is Frequency.HALF_YEARLY else "hàng năm") + ", hạn cuối các ngày " + " và ".join(parts)
    )
    if len(unique) == 1:
        reading = reading.replace("các ngày ", "ngày ")
    return _cycle(ctx, unique, frequency, reading)


_PERIOD_OFFSET = re.compile(
    r"\b(?:trong (?:thoi han |vong )?|cham nhat (?:la )?(?:trong )?|khong (?:vuot )?qua )(?P<n>\d{1,3}) ngay,? (?:ke )?tu (?:ngay )?"
    r"(?:ket thuc|cuoi) (?:ky ke toan |ky tinh thue |ky bao cao )?(?P<p>quy|thang|nam)\b"
    r"|\bngay (?:thu )?(?P<m>\d{1,2}) (?:cua )?thang (?:tiep theo|ke tiep|lien sau)\b"
    r"|\bngay cuoi cung (?:cua )?thang dau(?: tien)? (?:cua )?quy (?:tiep theo|lien sau|ke tiep)\b"
)


def _period_offset(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    """Days counted from the end of a period: "20 ngày kể từ ngày kết thúc quý", "ngày 20 của tháng tiếp theo"."""
    if m.group("m"):
        day = int(m.group("m"))
        if not 1 <= day <= 31:
            raise BadDate(f"ngày {day} hàng tháng không tồn tại")
        if _BEFORE_LEAD.search(ctx.lead(m.start())) and ctx.strict:
            day -= 1
            if day == 0:
                reading = "hàng tháng, trước ngày 01 của tháng tiếp theo → hạn cuối ngày cuối cùng của tháng (đọc chặt)"
                return _cycle(ctx, ("FREQ=MONTHLY;BYMONTHDAY=-1",), Frequency.MONTHLY, reading)
        return _cycle(ctx, (_monthly_rule(day),), Frequency.MONTHLY, f"hàng tháng, hạn cuối ngày {day} của tháng tiếp theo kỳ")
    if m.group("p") is None:
        reading = "hàng quý, hạn cuối ngày cuối cùng của tháng đầu quý tiếp theo"
        return _cycle(ctx, ("FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=-1",), Frequency.QUARTERLY, reading)
    n = int(m.group("n"))
    match m.group("p"):
        case "thang" if 1 <= n <= 28:
            return _cycle(
                ctx, (_monthly_rule(n),), Frequency.MONTHLY, f"hàng tháng, {n} ngày sau ngày cuối tháng → ngày {n} tháng sau"
            )
        case "quy" if 1 <= n <= 28:
            reading = f"hàng quý, {n} ngày sau ngày cuối quý → ngày {n} tháng đầu quý sau"
            return _cycle(ctx, (f"FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY={n}",), Frequency.QUARTERLY, reading)
        case "nam" if 1 <= n <= 365:
            # N days after 31/12 is the N-th day of the next year, leap or not.
            return _cycle(ctx, (f"FREQ=YEARLY;BYYEARDAY={n}",), Frequency.YEARLY, f"hàng năm, {n} ngày sau ngày cuối năm")
    return None


_SPLIT = re.compile(r";|, (?=(?:cham nhat|truoc ngay|han chot|dinh ky|hang (?:thang|quy|nam)|vao ngay)\b)")


def _combined(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    """Several cycles in one phrase, each with its own day: "… ngày 15 tháng đầu tiên của quý liền sau đối với
    báo cáo quý, chậm nhất là ngày 31 tháng 01 năm sau đối với báo cáo năm" → both rules."""
    parts = [p.strip() for p in _SPLIT.split(ctx.t) if p.strip()]
    if len(parts) < 2:
        return None
    cycles: list[ParsedDeadline] = []
    for part in parts:
        sub = _Ctx(ctx.text, part, ctx.strict, ctx.default_year, ctx.policy)
        for rule in RULES[1:]:
            found = rule.pattern.search(sub.t)
            if found is None:
                continue
            read = rule.build(sub, found)
            if read is not None:
                if read.kind is DeadlineKind.RECURRING and not read.flags:
                    cycles.append(read)
                break
    rules = tuple(dict.fromkeys(r for c in cycles for r in c.rules))
    if len(cycles) < 2 or len(rules) < 2:
        return None
    frequency = min((c.frequency for c in cycles if c.frequency), key=_FINEST.index)
    at = next((c.time_of_day for c in cycles if c.time_of_day), None)
    return _cycle(ctx, rules, frequency, "; ".join(c.reading for c in cycles), at=at, flags=("combined",))


def _calendar_cycle(unit: str, cal: ReportingCalendar, first_week: bool) -> tuple[Frequency, str, str]:
    """A cycle that names no day: the province's reporting calendar gives it (frequency, RRULE, reading)."""
    policy_note = "theo lịch báo cáo của tỉnh"
    match unit:
        case "tháng":
            day = cal.first_week_day if first_week else cal.monthly_day
            note = "tuần đầu tiên của tháng" if first_week else policy_note
            return Frequency.MONTHLY, _monthly_rule(day), f"hàng tháng, hạn cuối ngày {day} ({note})"
        case "quý":
            day = cal.quarterly_day
            reading = f"hàng quý, hạn cuối ngày {day} tháng cuối quý ({policy_note})"
            return Frequency.QUARTERLY, f"FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY={day}", reading
        case "sáu tháng":
            day = cal.half_yearly_day
            reading = f"6 tháng một lần, hạn cuối ngày {day}/06 và {day}/12 ({policy_note})"
            return Frequency.HALF_YEARLY, f"FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY={day}", reading
        case _:
            day = cal.yearly_day
            return (
                Frequency.YEARLY,
                f"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY={day}",
                f"hàng năm, hạn cuối ngày {day}/12 ({policy_note})",
            )


_UNIT_NAME = {
    "6 sau thang": "sáu tháng",
    "06 sau thang": "sáu tháng",
    "thang": "tháng",
    "quy": "quý",
    "nam": "năm",
    "6 thang": "sáu tháng",
    "06 thang": "sáu tháng",
    "sau thang": "sáu tháng",
}
_FINEST = [Frequency.WEEKLY, Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY]


def _cycles(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    units: list[str] = []
    for found in _CYCLE.finditer(ctx.t):
        words = [found.group(g) for g in ("a", "b") if found.group(g)]
        if found.group("c") or found.group("d"):
            words.append("6 thang")
        if found.group("more"):
            words += _UNIT_WORD.findall(found.group(0))
        for word in words:
            name = _UNIT_NAME.get(word, word)
            if name not in units:
                units.append(name)
    if "tuan" in units:
        return None  # weekly is its own rule
    if not units:
        return None
    first_week = _FIRST_WEEK.search(ctx.t) is not None
    found_rules: list[tuple[Frequency, str, str]] = [
        _calendar_cycle(u, ctx.policy.reporting_calendar, first_week and u == "tháng") for u in units
    ]
    frequency = min((f for f, _, _ in found_rules), key=_FINEST.index)
    reading = "; ".join(r for _, _, r in found_rules)
    return _cycle(ctx, tuple(r for _, r, _ in found_rules), frequency, reading, flags=("calendar_day",))


def _unspecified(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    chosen_key = ctx.policy.reporting_calendar.unspecified_cycle
    if chosen_key is None or ctx.relative_mentions or _PERIOD_OF_REPORT.search(ctx.t):
        return None  # "định kỳ … trước ngày 05 của tháng đầu tiên sau kỳ báo cáo": the period is not named
    words = {"monthly": "hàng tháng", "quarterly": "hàng quý", "half_yearly": "định kỳ 6 tháng", "yearly": "hàng năm"}
    chosen = words[chosen_key]
    inner = _cycles(replace(ctx, t=fold(chosen)), m)
    assert inner is not None
    starts, ends = _window(ctx)
    return ParsedDeadline(
        ctx.text,
        inner.kind,
        True,
        f"định kỳ, không nêu kỳ → đọc là {chosen} (chính sách của tỉnh); {inner.reading}",
        rules=_until(inner.rules, ends),
        frequency=inner.frequency,
        starts=starts,
        ends=ends,
        flags=("calendar_day", "unspecified_cycle"),
    )


# ------------------------------------------------------------------------- one date


def _ongoing_work(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    """ "Thực hiện thường xuyên hằng năm": continuous work, every year; not a yearly report (that says "báo cáo")."""
    if "bao cao" in ctx.t:
        return None
    return _ongoing(ctx, m)


def _ongoing(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    if ctx.last_keyed_date >= 0:
        return None  # "báo cáo hằng ngày …, tổng hợp trước ngày 24/10/2025": the written day is the deadline
    daily = m.group(0) in {"hang ngay", "moi ngay"}
    reading = (
        "hằng ngày: theo dõi thường xuyên, không có hạn cuối riêng"
        if daily
        else "thường xuyên: không có hạn cuối, báo cáo theo kỳ"
    )
    return ParsedDeadline(
        ctx.text, DeadlineKind.ONGOING, True, reading, time_of_day=_time_of(ctx), flags=("daily",) if daily else ()
    )


def _range(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    """ "từ ngày A đến ngày B", "Quý IV/2025 - Quý II/2026": due at the range's end, the start kept."""
    mentions = ctx.mentions
    for first, second in pairwise(mentions):
        link = ctx.t[first.end : second.start]
        if len(link) > 34 or not _RANGE_LINK.match(link):
            continue
        if first.kind is MentionKind.DATE and second.kind is not MentionKind.DATE:
            continue
        if first.kind is MentionKind.YEAR and second.kind is not MentionKind.YEAR:
            continue
        end_year = second.year if second.year is not None else ctx.default_year
        start_year = first.year if first.year is not None else end_year
        start = first.first_day(start_year)
        end = second.last_day(end_year)
        if end < start:
            raise BadDate(f"khoảng thời gian từ {fmt(start)} đến {fmt(end)} kết thúc trước khi bắt đầu")
        before = "truoc" in link and ctx.strict
        if ctx.last_keyed_date > second.start:
            return None  # "từ ngày A đến ngày B và hoàn thành trước ngày C": the dates rule reads C
        due = end - timedelta(days=1) if before else end
        reading = f"thực hiện từ {fmt(start)} đến {fmt(end)} → hạn cuối {fmt(due)}" + (" (đọc chặt)" if before else "")
        return ParsedDeadline(
            ctx.text, DeadlineKind.ONCE, True, reading, due=due, stated_date=end, starts=start, flags=("range",)
        )
    return None


_DUE_LEAD = re.compile(r"\b(?:truoc|cham nhat|hoan thanh|xong|den het|han)\b[^;]{0,12}$")


def _start(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    due_leads = [x.start for x in ctx.mentions if _DUE_LEAD.search(ctx.lead(x.start))]
    last_due = max(due_leads, default=-1)
    for mention in ctx.mentions:
        if last_due > mention.start:
            return None  # "từ năm 2025, hoàn thành chậm nhất vào năm 2030": the deadline is the later one
        if mention.kind is MentionKind.DATE and mention.year is None and ctx.default_year is None:
            continue
        if _START_LEAD.search(ctx.lead(mention.start)):
            start = mention.first_day(ctx.default_year)
            return ParsedDeadline(
                ctx.text,
                DeadlineKind.MILESTONE,
                True,
                f"mốc bắt đầu: phải triển khai từ ngày {fmt(start)}",
                due=start,
                stated_date=start,
                flags=("start",),
            )
    return None


def _dates(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    """Days written in full or in part: the keyed ones, else bare ones that carry a year."""
    keyed: list[tuple[Mention, bool]] = []
    bare: list[Mention] = []
    for mention in ctx.mentions:
        if mention.kind is not MentionKind.DATE:
            continue
        if _START_LEAD.search(ctx.lead(mention.start)):
            continue  # "có hiệu lực từ ngày …": a start, not the deadline
        is_keyed, before = _keyed(ctx, mention)
        if is_keyed or mention.iso:
            keyed.append((mention, before))
        elif mention.year is not None:
            bare.append(mention)
    chosen = keyed or [(b, "truoc" in ctx.lead(b.start)) for b in bare]
    if not chosen:
        return None
    dues: list[tuple[date, date, str, time | None]] = []
    for mention, before in chosen:
        stated = mention.last_day(ctx.default_year)
        at = _time_of(ctx, mention.start)
        due, reading = _due(ctx, stated, before)
        dues.append((due, stated, reading + _time_note(at), at))
    due, stated, reading, at = max(dues, key=lambda x: x[0])
    flags: tuple[str, ...] = ()
    if len({d[0] for d in dues}) > 1:
        flags = ("several_dates",)
        reading += " (mốc muộn nhất trong các ngày: " + ", ".join(fmt(d[1]) for d in dues) + ")"
    return ParsedDeadline(ctx.text, DeadlineKind.ONCE, True, reading, due=due, stated_date=stated, time_of_day=at, flags=flags)


_PERIOD_LEAD = re.compile(
    r"(?:^|\b(?:trong|cuoi|het|den het|tu nay den het|hoan thanh(?: trong)?|truoc|den|xong|vao|han|trong ca|trong nam|ca|thuc hien|"
    r"thoi gian thuc hien|thoi gian hoan thanh|tien do|phan dau|ngay|muc tieu|chuyen sang|dua vao|thuong tuan|trung tuan|ha tuan|"
    r"giai doan))"
    r":? ?(?:het )?(?:thang |quy |nam )?$"
)


_DEKAD = re.compile(r"\b(thuong|trung|ha) tuan (?:cua )?(?:thang )?$")
_YEAR_SPAN = re.compile(r" ?[-–] ?(\d{4,})(?![\d/])")


def _periods(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    """ "Quý III/2024", "trong tháng 6/2022", "6 tháng đầu năm 2024", "trong năm 2024": the period's last day."""
    if ctx.relative_mentions:
        return None  # "báo cáo quý 2 … chậm nhất ngày 20 tháng 9 của năm báo cáo": not a fixed date
    found: list[tuple[date, date, str, bool]] = []
    listed = False  # the mention before was a year read as a period: "trong năm 2023, 2024" lists two
    for mention in ctx.mentions:
        if mention.kind is MentionKind.DATE:
            continue
        lead = ctx.lead(mention.start)
        in_list = listed and _AFTER_A_LISTED_YEAR.search(lead) is not None
        listed = False
        if mention.kind is MentionKind.YEAR and not _PERIOD_LEAD.search(lead) and not in_list:
            continue
        if mention.kind is MentionKind.MONTH and mention.year is None and not _PERIOD_LEAD.search(lead):
            continue
        before = re.search(r"\btruoc (?:het )?$", lead) is not None and ctx.strict
        end = mention.last_day(ctx.default_year)
        start = mention.first_day(ctx.default_year)
        tenth = _DEKAD.search(lead) if mention.kind is MentionKind.MONTH else None
        if tenth is not None:  # "trung tuần tháng 4/2025": the middle ten days end on the 20th
            end = {"thuong": start.replace(day=10), "trung": start.replace(day=20)}.get(tenth.group(1), end)
        span = _YEAR_SPAN.match(ctx.t, mention.end) if mention.kind is MentionKind.YEAR else None
        if span is not None:
            end = date(year_of(span.group(1)), 12, 31)  # "trong năm 2026 - 2027", "2026 - 2030"
            if end.year < start.year:
                raise BadDate(f"khoảng năm {start.year}–{end.year} kết thúc trước khi bắt đầu")
        due = start - timedelta(days=1) if before else end
        label = {
            MentionKind.MONTH: f"tháng {mention.month:02d}/{end.year}",
            MentionKind.QUARTER: f"quý {mention.number}/{end.year}",
            MentionKind.HALF: f"6 tháng {'đầu' if mention.number == 1 else 'cuối'} năm {end.year}",
            MentionKind.YEAR: f"giai đoạn {start.year}–{end.year}" if span is not None else f"năm {end.year}",
        }[mention.kind]
        if tenth is not None:
            label = {"thuong": "thượng tuần", "trung": "trung tuần", "ha": "hạ tuần"}[tenth.group(1)] + " " + label
        reading = f"trước {label} → hạn cuối {fmt(due)} (đọc chặt)" if before else f"trong {label} → hạn cuối {fmt(due)}"
        found.append((due, end, reading, before))
        listed = mention.kind is MentionKind.YEAR
    if not found:
        return None
    due, end, reading, _ = max(found, key=lambda x: x[0])
    flags: tuple[str, ...] = ("several_dates",) if len({f[0] for f in found}) > 1 else ()
    return ParsedDeadline(ctx.text, DeadlineKind.ONCE, True, reading, due=due, stated_date=end, flags=flags)


def _relative(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    unit = {"ngay lam viec": "ngày làm việc", "ngay": "ngày", "thang": "tháng", "gio": "giờ", "tuan": "tuần"}[m.group("unit")]
    reading = f"{int(m.group('n'))} {unit} tính từ một sự kiện (nhận hồ sơ, có văn bản…): không có ngày tính trước được, ghi nhận và theo dõi"
    return ParsedDeadline(ctx.text, DeadlineKind.EVENT, True, reading, flags=("relative",))


_PERIOD_OF_REPORT = re.compile(
    r"\bngay \d{1,2} (?:cua )?thang (?:cuoi|dau)(?: cung| tien)? (?:cua |thuoc |sau )+ky bao cao\b"
    r"|\bngay cuoi cung (?:cua )?thang (?:tiep theo|ke tiep|sau)\b"
)


def _relative_period(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    if not ctx.relative_mentions and not _PERIOD_OF_REPORT.search(ctx.t):
        return None
    reading = "ngày nêu theo một kỳ tương đối (năm trước, năm kế hoạch, kỳ báo cáo): không có ngày tính trước được"
    return ParsedDeadline(ctx.text, DeadlineKind.EVENT, True, reading, flags=("relative",))


def _event(ctx: _Ctx, m: re.Match[str]) -> ParsedDeadline | None:
    return ParsedDeadline(
        ctx.text, DeadlineKind.EVENT, True, "theo sự kiện / khi có yêu cầu: không có ngày tính được, ghi nhận và báo cáo như vậy"
    )


# --------------------------------------------------------------------------- the table

Builder = Callable[[_Ctx, "re.Match[str]"], ParsedDeadline | None]


@dataclass(frozen=True)
class Rule:
    """One entry of the table: when ``pattern`` is found, ``build`` reads the phrase or declines (None)."""

    name: str
    pattern: re.Pattern[str]
    build: Builder


#: Tried in order; the first rule whose pattern is found and whose builder accepts wins.
#: Cycles come before single dates (a day written next to a cycle word belongs to the cycle),
#: ranges before their ends, and events last (a dated phrase that also says "đột xuất" is dated).
RULES: tuple[Rule, ...] = (
    Rule("combined_cycles", _SPLIT, _combined),
    Rule("weekly", re.compile(r"\b(?:hang|moi) tuan\b|\bdinh ky (?:hang )?tuan\b"), _weekly),
    Rule("period_offset", _PERIOD_OFFSET, _period_offset),
    Rule("quarterly_day", _QUARTER_MONTH, _quarter_day),
    Rule(
        "monthly_day",
        re.compile(
            r"\b(?:hang|moi|cac) thang\b|\bdinh ky (?:hang )?thang\b|\bngay (?:lam viec )?cuoi(?: cung)? (?:cua )?thang\b(?! ?\d)"
        ),
        _monthly,
    ),
    Rule("yearly_days", _YEARLY_WORD, _yearly_days),
    Rule("ongoing_every_period", _ONGOING_EVERY, _ongoing_work),
    Rule("calendar_cycle", _CYCLE, _cycles),
    Rule("unspecified_cycle", _UNSPECIFIED, _unspecified),
    Rule("ongoing", _ONGOING, _ongoing),
    Rule("range", re.compile(r"\d"), _range),
    Rule("start", re.compile(r"\b(?:tu|bat dau|ap dung|hieu luc)\b"), _start),
    Rule("dates", re.compile(r"\d"), _dates),
    # a period word, or a bare year a table's time column prints ("2026 - 2030", "Đến 2025")
    Rule("periods", re.compile(r"\b(?:quy|thang|nam)\b|\b(?:19|20)\d{2} ?[-–] ?(?:19|20)\d{2}\b|\bden (?:het )?(?:19|20)\d{2}\b"), _periods),
    Rule("relative", _RELATIVE, _relative),
    Rule("relative_period", re.compile(r"\d|\bngay cuoi cung\b"), _relative_period),
    Rule("event", _EVENT, _event),
)


#: A deadline is a phrase or a table cell, not a document: longer text (after spaces are
#: collapsed) is returned "not understood" without being read, which bounds the work per call.
MAX_PHRASE_CHARS = 2000
_RUNS = re.compile(r"\s+")


def parse_deadline(text: str | None, *, issued: date | None = None, policy: Policy | None = None) -> ParsedDeadline:
    """Read a deadline phrase. ``issued`` supplies a missing year; ``policy`` the strictness and calendar.

    Never raises for any text: an impossible date comes back in ``errors`` (kind unknown).
    """
    policy = policy or Policy()
    if text is None or not text.strip():
        return ParsedDeadline(
            text, DeadlineKind.ONGOING, True, "Văn bản không nêu thời hạn: theo dõi thường xuyên, báo cáo theo kỳ."
        )
    stripped = text.strip()
    if len(stripped) > MAX_PHRASE_CHARS and len(_RUNS.sub(" ", stripped)) > MAX_PHRASE_CHARS:
        return ParsedDeadline(
            text,
            DeadlineKind.UNKNOWN,
            False,
            f"Cụm thời hạn dài {len(stripped):,} ký tự (tối đa {MAX_PHRASE_CHARS:,}): không đọc; "
            "cần tách riêng cụm thời hạn.".replace(",", "."),
            not_understood=stripped[:200],
            flags=("too_long",),
        )
    ctx = _Ctx(text, fold(stripped), policy.deadline.strict_truoc_ngay, issued.year if issued else None, policy)
    try:
        for rule in RULES:
            match = rule.pattern.search(ctx.t)
            if match is None:
                continue
            parsed = rule.build(ctx, match)
            if parsed is not None:
                return _finish(ctx, replace(parsed, matched_rule=rule.name))
    except BadDate as exc:
        return ParsedDeadline(
            text,
            DeadlineKind.UNKNOWN,
            False,
            f"Không đọc được thời hạn: {exc}.",
            not_understood=text,
            errors=(str(exc),),
        )
    return ParsedDeadline(
        text,
        DeadlineKind.UNKNOWN,
        False,
        "Chưa hiểu cụm thời hạn này: giữ nguyên văn và cần người điều phối xem lại.",
        not_understood=text,
    )


def _finish(ctx: _Ctx, parsed: ParsedDeadline) -> ParsedDeadline:
    if parsed.kind is DeadlineKind.EVENT:
        return parsed
    found = _AD_HOC.search(normalize(ctx.text))
    if found is None:
        return parsed
    ad_hoc = found.group(0).strip()
    return replace(parsed, ad_hoc=ad_hoc, reading=f"{parsed.reading}; phần đột xuất ({ad_hoc}) được ghi nhận, không lập lịch")


# --------------------------------------------------------------------------- JSON


def public_kind(parsed: ParsedDeadline) -> str:
    """The public vocabulary: once | recurring | ongoing | event | unknown (a milestone is "once" + flag "start")."""
    return "once" if parsed.kind is DeadlineKind.MILESTONE else str(parsed.kind)


def reading_json(parsed: ParsedDeadline, dates: list[date]) -> dict[str, Any]:
    """The object ``dondoc explain-deadline --format json`` prints for one phrase.

    ``dates`` are the computed due dates (the caller expands cycles with
    :func:`dondoc.domain.recurrence.occurrences`, since that needs a window).
    """
    flags = list(parsed.flags)
    if parsed.kind is DeadlineKind.MILESTONE and "start" not in flags:
        flags.append("start")
    if parsed.ad_hoc and "ad_hoc" not in flags:
        flags.append("ad_hoc")
    return {
        "text": parsed.text,
        "kind": public_kind(parsed),
        "dates": [d.isoformat() for d in dates],
        "reading": parsed.reading,
        "understood": parsed.understood,
        "flags": flags,
        "errors": list(parsed.errors),
        "rule": parsed.rule,
        "frequency": str(parsed.frequency) if parsed.frequency else None,
        "stated_date": parsed.stated_date.isoformat() if parsed.stated_date else None,
        "starts": parsed.starts.isoformat() if parsed.starts else None,
        "ends": parsed.ends.isoformat() if parsed.ends else None,
        "time": parsed.time_of_day.strftime("%H:%M") if parsed.time_of_day else None,
        "ad_hoc": parsed.ad_hoc,
        "not_understood": parsed.not_understood,
        "matched_rule": parsed.matched_rule,
    }
