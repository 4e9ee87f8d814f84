"""Vietnamese deadline phrases → structured deadlines (DOMAIN.md §3).

The parser keeps the original phrase, says which reading it applied, and flags what it
could not understand instead of guessing. Recurring deadlines become RFC 5545 rules
(expanded by :mod:`dondoc.domain.recurrence`).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from dondoc.domain.dates import vn_date
from dondoc.domain.policy import Policy, ReportingCalendar


class DeadlineKind(StrEnum):
    ONCE = "once"
    RECURRING = "recurring"
    MILESTONE = "milestone"
    ONGOING = "ongoing"
    EVENT = "event"
    UNKNOWN = "unknown"


class Frequency(StrEnum):
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

    @property
    def rule(self) -> str | None:
        return "\n".join(self.rules) if self.rules else None


def fmt(day: date) -> str:
    return vn_date(day)


def normalize(text: str) -> str:
    """NFC, lower case, unify spelling variants (hằng→hàng, quí→quý) and spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("hằng", "hàng").replace("quí", "quý").replace("qúy", "quý")
    text = re.sub(r"[*_()\[\]]", " ", text)
    text = re.sub(r"\s*([/\-.])\s*(?=\d)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DATE_NUM = r"(\d{1,2})[/\-.](\d{1,2})(?:[/\-.](\d{4}))?"
_DATE_WORDS = r"(\d{1,2}) tháng (\d{1,2})(?: năm (\d{4}))?"
_BEFORE = r"trước"
_ON = r"chậm nhất(?: là)?|vào|đến|hoàn thành|trong|đúng|tới"

_RE_ONGOING = re.compile(r"\b(thường xuyên|liên tục|hàng ngày)\b")
_RE_EVENT = re.compile(
    r"(khi có yêu cầu|theo yêu cầu|đột xuất|theo lộ trình|khi có văn bản|khi có hướng dẫn|sau khi|khi phát sinh|kịp thời)"
)
_RE_MONTHLY_DAY = re.compile(r"(?:(trước)|chậm nhất(?: là)?|vào|đến) ngày (\d{1,2}) (?:hàng|mỗi|các) tháng")
_RE_MONTHLY_WORD = re.compile(r"(?:hàng|mỗi|các) tháng|định kỳ tháng")
_RE_KEYED_DAY = re.compile(r"(?:(trước)|chậm nhất(?: là)?|vào|đến) ngày (\d{1,2})(?![/\-.\d])")
_RE_YEARLY_WORD = re.compile(r"(?:hàng|mỗi) năm|định kỳ (?:6 tháng|sáu tháng|năm)|6 tháng (?:một|1) lần")
_RE_DAY_MONTH = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?![/.\-]?\d)")
_RE_UNSPECIFIED_CYCLE = re.compile(r"(?:theo )?định kỳ(?: theo quy định)?")
_RE_FIRST_WEEK = re.compile(r"tuần(?: lễ)? (?:đầu(?: tiên)?|cao điểm)")
_RE_CYCLE = re.compile(r"(hàng|mỗi) (tháng|quý|năm)|định kỳ (6 tháng|sáu tháng|tháng|quý|năm)|6 tháng (một|1) lần")
_RE_START_MONTH = re.compile(r"(?:bắt đầu |kể )?từ tháng (\d{1,2})(?:/| năm )(\d{4})")
_RE_START_DAY = re.compile(rf"(?:bắt đầu |kể )?từ ngày (?:{_DATE_NUM}|{_DATE_WORDS})")
_RE_MONTH = re.compile(r"(?:trong |cuối |hết |trước hết |đến hết )?tháng (\d{1,2})(?:/| năm |-)(\d{4})")
_RE_QUARTER = re.compile(r"quý (iv|iii|ii|i|[1-4])\s*(?:/|-| năm )\s*(\d{4})")
_RE_HALF_YEAR = re.compile(r"6 tháng (đầu|cuối) năm (\d{4})")
_RE_YEAR = re.compile(r"(?:trong|cuối|hết|đến hết|từ nay đến hết|hoàn thành trong|hoàn thành|trước|đến)? ?năm (\d{4})")
_RE_KEYED_DATE = re.compile(rf"(?:({_BEFORE})|{_ON}) ngày (?:{_DATE_NUM}|{_DATE_WORDS})")
_RE_BARE_DATE = re.compile(rf"\b(?:ngày )?(?:{_DATE_NUM}|{_DATE_WORDS})\b")


class _BadDate(ValueError):
    pass


def _mkdate(day: str, month: str, year: str | None, default_year: int | None) -> date:
    y = int(year) if year else default_year
    if y is None:
        raise _BadDate(f"ngày {day}/{month} không ghi năm và văn bản không có năm ban hành")
    try:
        return date(y, int(month), int(day))
    except ValueError as exc:
        raise _BadDate(f"ngày {int(day):02d}/{int(month):02d}/{y} không tồn tại") from exc


def _date_from_groups(groups: tuple[str | None, ...], default_year: int | None) -> date:
    d1, m1, y1, d2, m2, y2 = groups
    if d1 is not None and m1 is not None:
        return _mkdate(d1, m1, y1, default_year)
    assert d2 is not None
    assert m2 is not None
    return _mkdate(d2, m2, y2, default_year)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _monthly_rule(day: int) -> str:
    if day <= 28:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    # Clamp to the month's end in short months (RFC 5545 would skip them).
    days = ",".join(str(d) for d in range(28, day + 1))
    return f"FREQ=MONTHLY;BYMONTHDAY={days};BYSETPOS=-1"


def parse_deadline(text: str | None, *, issued: date | None = None, policy: Policy | None = None) -> ParsedDeadline:
    """Read a deadline phrase. ``issued`` supplies a missing year; ``policy`` the strictness and calendar."""
    policy = policy or Policy()
    strict = policy.deadline.strict_truoc_ngay
    default_year = issued.year if issued else None
    if text is None or not text.strip():
        return ParsedDeadline(
            text, DeadlineKind.ONGOING, True, "Văn bản không nêu thời hạn: theo dõi thường xuyên, báo cáo theo kỳ."
        )
    t = normalize(text)
    try:
        return _parse(text, t, strict=strict, default_year=default_year, policy=policy)
    except _BadDate as exc:
        return ParsedDeadline(
            text,
            DeadlineKind.UNKNOWN,
            False,
            f"Không đọc được thời hạn: {exc}.",
            not_understood=text,
            errors=(str(exc),),
        )


def _strict_due(stated: date, before: bool, strict: bool) -> tuple[date, str]:
    if before and strict:
        return stated - timedelta(days=1), f"trước ngày {fmt(stated)} → hạn cuối {fmt(stated - timedelta(days=1))} (đọc chặt)"
    return stated, f"hạn cuối {fmt(stated)}"


def _parse(text: str, t: str, *, strict: bool, default_year: int | None, policy: Policy) -> ParsedDeadline:
    cal = policy.reporting_calendar

    # Recurring, with an explicit day of the month.
    m = _RE_MONTHLY_DAY.search(t)
    if m:
        stated_day = int(m.group(2))
        before = m.group(1) is not None
        if not 1 <= stated_day <= 31:
            raise _BadDate(f"ngày {stated_day} hàng tháng không tồn tại")
        due_day = stated_day - 1 if before and strict else stated_day
        starts = _start_bound(t, default_year)
        if due_day == 0:
            rule = "FREQ=MONTHLY;BYMONTHDAY=-1"
            reading = f"hàng tháng, trước ngày {stated_day} → hạn cuối ngày cuối cùng của tháng trước (đọc chặt)"
        else:
            rule = _monthly_rule(due_day)
            reading = f"hàng tháng, hạn cuối ngày {due_day}" + (
                f" (trước ngày {stated_day}: đọc chặt)" if before and strict else ""
            )
        return ParsedDeadline(
            text, DeadlineKind.RECURRING, True, reading, rules=(rule,), frequency=Frequency.MONTHLY, starts=starts
        )

    # A cycle with an explicit day of the month written elsewhere in the phrase ("hàng tháng trước ngày 20").
    if _RE_MONTHLY_WORD.search(t):
        m = _RE_KEYED_DAY.search(t)
        if m:
            stated_day = int(m.group(2))
            if not 1 <= stated_day <= 31:
                raise _BadDate(f"ngày {stated_day} hàng tháng không tồn tại")
            before = m.group(1) is not None and strict
            due_day = stated_day - 1 if before else stated_day
            rule = "FREQ=MONTHLY;BYMONTHDAY=-1" if due_day == 0 else _monthly_rule(due_day)
            reading = f"hàng tháng, hạn cuối ngày {due_day if due_day else 'cuối tháng trước'}" + (
                f" (trước ngày {stated_day}: đọc chặt)" if before else ""
            )
            return ParsedDeadline(
                text,
                DeadlineKind.RECURRING,
                True,
                reading,
                rules=(rule,),
                frequency=Frequency.MONTHLY,
                starts=_start_bound(t, default_year),
            )

    # Yearly or half-yearly cycles with their days written out ("trước ngày 01/6 và 15/11 hằng năm").
    yearly = _RE_YEARLY_WORD.search(t)
    days = list(_RE_DAY_MONTH.finditer(t)) if yearly else []
    if yearly and days:
        before = "trước" in t[: days[0].start()] and strict
        rules = []
        parts = []
        for found in days:
            try:
                stated = _mkdate(found.group(1), found.group(2), "2024", None)  # a leap year: 29/02 is valid
            except _BadDate as exc:
                raise _BadDate(f"ngày {found.group(1)}/{found.group(2)} hàng năm không tồn tại") from exc
            due = stated - timedelta(days=1) if before else stated
            rules.append(f"FREQ=YEARLY;BYMONTH={due.month};BYMONTHDAY={due.day}")
            parts.append(f"{due.day:02d}/{due.month:02d}")
        half = "6 tháng" in yearly.group(0) or "sáu tháng" in yearly.group(0)
        reading = (
            ("6 tháng một lần" if half else "hàng năm")
            + ", hạn cuối các ngày "
            + " và ".join(parts)
            + (" (đọc chặt)" if before else "")
        )
        return ParsedDeadline(
            text,
            DeadlineKind.RECURRING,
            True,
            reading,
            rules=tuple(dict.fromkeys(rules)),
            frequency=Frequency.HALF_YEARLY if half and len(rules) == 2 else Frequency.YEARLY,
        )

    m = _RE_CYCLE.search(t)
    if m:
        unit = m.group(2) or m.group(3) or ("6 tháng" if m.group(0).startswith("6 tháng") else "")
        first_week = unit == "tháng" and _RE_FIRST_WEEK.search(t) is not None
        frequency, rule, reading = _calendar_cycle("sáu tháng" if unit == "6 tháng" else unit, cal, first_week)
        return ParsedDeadline(
            text, DeadlineKind.RECURRING, True, reading, rules=(rule,), frequency=frequency, starts=_start_bound(t, default_year)
        )

    if _RE_UNSPECIFIED_CYCLE.search(t) and cal.unspecified_cycle:
        words = {"monthly": "hàng tháng", "quarterly": "hàng quý", "half_yearly": "định kỳ 6 tháng", "yearly": "hàng năm"}
        chosen = words[cal.unspecified_cycle]
        inner = _parse(text, chosen, strict=strict, default_year=default_year, policy=policy)
        return ParsedDeadline(
            text,
            inner.kind,
            True,
            f"định kỳ, không nêu kỳ → đọc là {chosen} (chính sách của tỉnh); {inner.reading}",
            rules=inner.rules,
            frequency=inner.frequency,
            starts=_start_bound(t, default_year),
        )

    if _RE_ONGOING.search(t):
        return ParsedDeadline(text, DeadlineKind.ONGOING, True, "thường xuyên: không có hạn cuối, báo cáo theo kỳ")

    # Start-date milestones: "từ ngày D", "bắt đầu từ tháng M/Y".
    start = _start_bound(t, default_year)
    if start is not None:
        return ParsedDeadline(
            text, DeadlineKind.MILESTONE, True, f"mốc bắt đầu: phải triển khai từ ngày {fmt(start)}", due=start, stated_date=start
        )

    # One date with its keyword.
    m = _RE_KEYED_DATE.search(t)
    if m:
        stated = _date_from_groups(m.groups()[1:], default_year)
        due, reading = _strict_due(stated, m.group(1) is not None, strict)
        return ParsedDeadline(text, DeadlineKind.ONCE, True, reading, due=due, stated_date=stated)

    m = _RE_BARE_DATE.search(t)
    if m:
        stated = _date_from_groups(m.groups(), default_year)
        due, reading = _strict_due(stated, "trước" in t[: m.start()], strict)
        return ParsedDeadline(text, DeadlineKind.ONCE, True, reading, due=due, stated_date=stated)

    m = _RE_QUARTER.search(t)
    if m:
        q = _ROMAN.get(m.group(1)) or int(m.group(1))
        year = int(m.group(2))
        due = _month_end(year, q * 3)
        return ParsedDeadline(text, DeadlineKind.ONCE, True, f"quý {q}/{year} → hạn cuối {fmt(due)}", due=due, stated_date=due)

    m = _RE_HALF_YEAR.search(t)
    if m:
        year = int(m.group(2))
        due = date(year, 6, 30) if m.group(1) == "đầu" else date(year, 12, 31)
        return ParsedDeadline(text, DeadlineKind.ONCE, True, f"hạn cuối {fmt(due)}", due=due, stated_date=due)

    m = _RE_MONTH.search(t)
    if m:
        month, year = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise _BadDate(f"tháng {month}/{year} không tồn tại")
        due = _month_end(year, month)
        return ParsedDeadline(
            text, DeadlineKind.ONCE, True, f"trong tháng {month:02d}/{year} → hạn cuối {fmt(due)}", due=due, stated_date=due
        )

    m = _RE_YEAR.search(t)
    if m:
        year = int(m.group(1))
        due = date(year, 12, 31)
        return ParsedDeadline(text, DeadlineKind.ONCE, True, f"trong năm {year} → hạn cuối {fmt(due)}", due=due, stated_date=due)

    if _RE_EVENT.search(t):
        return ParsedDeadline(
            text, DeadlineKind.EVENT, True, "theo sự kiện / khi có yêu cầu: không có ngày tính được, ghi nhận và báo cáo như vậy"
        )

    return ParsedDeadline(
        text,
        DeadlineKind.UNKNOWN,
        False,
        "Chưa hiểu cụm thời hạn này: giữ nguyên văn và cần người điều phối xem lại.",
        not_understood=text,
    )


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


def _start_bound(t: str, default_year: int | None) -> date | None:
    m = _RE_START_MONTH.search(t)
    if m:
        return _mkdate("1", m.group(1), m.group(2), None)
    m = _RE_START_DAY.search(t)
    if m:
        return _date_from_groups(m.groups(), default_year)
    return None
