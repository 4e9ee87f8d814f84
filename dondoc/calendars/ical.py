"""iCalendar (RFC 5545) feeds of task deadlines, as pure functions over plain data.

One all-day VEVENT per task instance on its last on-time day (subscribed feeds in Google,
Outlook and Apple show events, not VTODOs). No clock and no database here: the instant
stamped on an event (DTSTAMP, LAST-MODIFIED) and its SEQUENCE are parameters decided by
the caller from the per-event revision state (:func:`revise`).

icalendar 7 facts this module relies on: ``Event.new``/``Calendar.new`` default to a
random UID and a "now" DTSTAMP, so both are always passed; a bare ``timedelta`` for
X-PUBLISHED-TTL is written as a DATE-TIME, so durations are wrapped in ``vDuration``;
REFRESH-INTERVAL needs ``VALUE=DURATION`` (RFC 7986), which ``Calendar.new`` omits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from icalendar import Alarm, Calendar, Event, Timezone, vDuration
from icalendar.enums import STATUS, TRANSP

from dondoc.domain.dates import TIMEZONE_NAME, vn_date
from dondoc.domain.policy import CalendarPolicy, ReminderPolicy
from dondoc.domain.reminders import Audience
from dondoc.domain.reminders import ladder as reminder_ladder
from dondoc.domain.status import STATUS_VI, Status
from dondoc.domain.workdays import WorkCalendar

ROLE_VI: dict[Audience, str] = {"lead": "Chủ trì", "co": "Phối hợp"}
PRODID = "-//dondoc//Lich han nhiem vu//VI"
#: Bump when the event layout changes: every cached event and feed is then rebuilt once.
LAYOUT_VERSION = "2"
DONE = (Status.DONE_ON_TIME, Status.DONE_LATE)


@dataclass(frozen=True)
class LeadLine:
    """One lead instance a co-agency contributes to (co-agency events list them)."""

    instance_id: int
    agency: str
    due: date
    status: Status


@dataclass(frozen=True)
class EventInput:
    """Everything one event shows. ``agency`` is the feed agency's name in this role."""

    uid: str
    role: Audience
    agency: str
    directive: str
    clause: str
    summary: str
    text: str
    deadline_text: str | None
    deadline_reading: str
    due: date
    status: Status
    instance_ids: tuple[int, ...]
    monthly: bool = False
    original_due: date | None = None
    report_to: tuple[str, ...] = ()  # every body the item reports to, by name
    report_via: str | None = None
    portal: str | None = None  # the portal's root URL (``…/portal``): where a department reports
    lead: str | None = None
    co_agencies: tuple[str, ...] = ()
    leads: tuple[LeadLine, ...] = ()
    deliverable: str | None = None
    completed_on: date | None = None
    evidence: str | None = None
    cancelled_reason: str | None = None
    due_on_day_off: bool = False

    @property
    def done(self) -> bool:
        return self.status in DONE

    @property
    def cancelled(self) -> bool:
        return self.status is Status.CANCELLED


@dataclass(frozen=True)
class FeedMeta:
    key: str
    name: str
    description: str
    refresh: timedelta


@dataclass(frozen=True)
class Revision:
    sequence: int
    last_modified: datetime
    major_hash: str
    content_hash: str


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


#: The ladder stages that come before the deadline (alarms); overdue stages are e-mail only.
_PRE_DUE = ("before-", "co-before-")


def alarm_days(
    due: date, *, role: Audience, monthly: bool, policy: ReminderPolicy, calendar: WorkCalendar
) -> list[tuple[int, date]]:
    """The reminder ladder's pre-due stages as (working days before, send day), earliest first.

    Taken from :func:`dondoc.domain.reminders.ladder` (the stages the e-mail reminders send),
    so alarms and e-mails cannot diverge: its ``before-*``/``due-day`` stages for a lead event,
    its ``co-before-*`` stages for a co-agency event, each at its send day.
    """
    stages = reminder_ladder(due, audience=role, monthly=monthly, policy=policy, calendar=calendar, until=due)
    return [(-s.offset, s.send_on) for s in stages if s.key == "due-day" or s.key.startswith(_PRE_DUE)]


def _send_clock(send_time: str) -> time:
    hours, minutes = send_time.split(":")
    return time(int(hours), int(minutes))


def trigger_before_start(due: date, send_day: date, send_time: str) -> timedelta:
    """Relative TRIGGER from the all-day event's start (local midnight) to ``send_day`` at ``send_time``.

    All-day events have no time zone, so the trigger is local to whoever sees it: 07:30 in
    Asia/Ho_Chi_Minh for the departments these feeds are for.
    """
    clock = _send_clock(send_time)
    return timedelta(days=(send_day - due).days, hours=clock.hour, minutes=clock.minute)


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head[limit // 2 :]:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-—") + "…"


def title(item: EventInput, *, summary_chars: int = 60) -> str:
    """``[Chủ trì] 11677/UBND-HCC 1.k — Kết nối…``; "✓ " in front once done."""
    head = f"[{ROLE_VI[item.role]}] {item.directive} {item.clause} — {_cut(item.summary, summary_chars)}"
    if item.role == "co" and item.lead:
        head += f" (chủ trì: {item.lead})"
    return ("✓ " if item.done else "") + head


def _status_line(item: EventInput) -> str:
    line = f"Trạng thái: {STATUS_VI[item.status]}"
    if item.done and item.completed_on:
        line += f" — hoàn thành ngày {vn_date(item.completed_on)}"
        if item.evidence:
            line += f" ({item.evidence})"
    if item.cancelled and item.cancelled_reason:
        line += f" — {item.cancelled_reason}"
    return line


def unique_names(names: Sequence[str], *, exclude: str | None = None) -> list[str]:
    """Each name once, in the given order, without ``exclude`` (a co-agency's own feed names it already)."""
    return [name for name in dict.fromkeys(names) if name != exclude]


def _task_link(item: EventInput, instance_id: int) -> str:
    return f" — {item.portal.rstrip('/')}/task/{instance_id}" if item.portal else ""


def _portal_how(item: EventInput, instance_id: int) -> str:
    """How a department reports on the portal: its personal link first (it signs in), then the task's page."""
    how = "trên cổng dondoc, mở đường dẫn cá nhân trong thư nhắc việc rồi chọn “Báo cáo hoàn thành” hoặc “Xin gia hạn”"
    if item.portal:
        how += f"; sau khi đã mở đường dẫn đó, trang của nhiệm vụ là {item.portal.rstrip('/')}/task/{instance_id}"
    return how + "."


def description(item: EventInput) -> str:
    """What a department needs without opening dondoc: wording, deadline, whom to report to, how."""
    lines = [f"Nhiệm vụ ({item.directive}, mục {item.clause}): {item.text.strip()}", ""]
    phrase = f"“{item.deadline_text}”" if item.deadline_text else "(văn bản không ghi)"
    lines.append(f"Thời hạn: {phrase} — hạn cuối đúng hạn: {vn_date(item.due)}. Cách hiểu: {item.deadline_reading}")
    if item.original_due and item.original_due != item.due:
        lines.append(f"Đã gia hạn: hạn ban đầu {vn_date(item.original_due)}, hạn mới {vn_date(item.due)}.")
    if item.due_on_day_off:
        lines.append("Lưu ý: hạn rơi vào ngày nghỉ; hạn vẫn giữ nguyên ngày ghi trong văn bản.")
    lines.append(f"Cơ quan {'chủ trì' if item.role == 'lead' else 'phối hợp'}: {item.agency}")
    if item.role == "co" and item.lead:
        lines.append(f"Cơ quan chủ trì: {item.lead}")
    if item.report_to or item.report_via:
        bodies = ", ".join(item.report_to) or "—"
        lines.append(f"Báo cáo về: {bodies}" + (f" (qua {item.report_via})" if item.report_via else ""))
    others = unique_names(item.co_agencies, exclude=item.agency if item.role == "co" else None)
    if others:
        lines.append(f"{'Cơ quan phối hợp khác' if item.role == 'co' else 'Cơ quan phối hợp'}: {', '.join(others)}")
    if item.deliverable:
        lines.append(f"Kết quả/sản phẩm: {item.deliverable}")
    lines.append(_status_line(item))
    lines.append("")
    if item.role == "lead":
        lines.append(
            f"Báo cáo hoàn thành hoặc xin gia hạn (nhiệm vụ #{item.instance_ids[0]}): {_portal_how(item, item.instance_ids[0])}"
        )
    else:
        lines.append(
            "Phối hợp: gửi ý kiến, số liệu cho cơ quan chủ trì trước hạn của cơ quan chủ trì, bằng nút “Gửi đầu vào” "
            "trên trang nhiệm vụ của cơ quan chủ trì ở cổng dondoc (mở đường dẫn cá nhân trong thư nhắc việc)."
        )
        if item.leads:
            lines.append(f"Các cơ quan chủ trì ({len(item.leads)}):")
            lines.extend(
                f"- {lead.agency}: hạn {vn_date(lead.due)}, {STATUS_VI[lead.status]} (#{lead.instance_id}){_task_link(item, lead.instance_id)}"
                for lead in item.leads
            )
    return "\n".join(lines)


def hashes(item: EventInput, alarms: Sequence[tuple[int, date]], policy: str, send_time: str) -> tuple[str, str]:
    """(major, content): major = what moves SEQUENCE (date, status); content = everything shown.

    ``policy`` is :func:`policy_key` of the calendar policy (computed once per feed, not per event).
    """
    major = _digest([item.due.isoformat(), str(item.status)])
    content = hashlib.sha256(repr((LAYOUT_VERSION, _shown(item), tuple(alarms), policy, send_time)).encode()).hexdigest()
    return major, content


_FIELDS = tuple(f.name for f in fields(EventInput))


def _shown(item: EventInput) -> tuple[Any, ...]:
    """Every field of the item as plain values (dates, strings, tuples, StrEnums): their repr is stable."""
    return tuple(getattr(item, name) for name in _FIELDS)


def policy_key(policy: CalendarPolicy) -> str:
    """The calendar policy as text, for :func:`hashes`."""
    return repr(sorted(policy.model_dump().items()))


def revise(previous: Revision | None, major: str, content: str, now: datetime) -> Revision:
    """The next revision of an event: SEQUENCE +1 when date or status changed, LAST-MODIFIED on any change."""
    if previous is None:
        return Revision(0, now, major, content)
    if previous.major_hash != major:
        return Revision(previous.sequence + 1, now, major, content)
    if previous.content_hash != content:
        return Revision(previous.sequence, now, major, content)
    return previous


def _alarm(item: EventInput, n: int, send_day: date, send_time: str, summary: str) -> Alarm:
    alarm = Alarm()  # not Alarm.new: that adds a random UID and the feed must be byte-stable
    alarm.add("ACTION", "DISPLAY")
    if n:
        when = f"Còn {n} ngày làm việc đến hạn {vn_date(item.due)}"
    elif send_day == item.due:
        when = "Hôm nay là hạn cuối"
    else:
        when = f"Hạn cuối {vn_date(item.due)} là ngày nghỉ; hôm nay là ngày làm việc cuối trước hạn"
    alarm.add("DESCRIPTION", f"{when}: {summary}")
    alarm.add("TRIGGER", trigger_before_start(item.due, send_day, send_time))
    return alarm


def event(
    item: EventInput,
    *,
    revision: Revision,
    alarms: Sequence[tuple[int, date]],
    policy: CalendarPolicy,
    send_time: str,
) -> Event:
    """The VEVENT of one item. DTSTAMP = LAST-MODIFIED = the revision's instant (stable across rebuilds)."""
    summary = title(item, summary_chars=policy.summary_chars)
    component = Event.new(
        uid=item.uid,
        stamp=revision.last_modified,
        last_modified=revision.last_modified,
        sequence=revision.sequence,
        start=item.due,
        end=item.due + timedelta(days=1),
        summary=summary,
        description=description(item),
        categories=[item.directive, ROLE_VI[item.role]],
        status=STATUS.CANCELLED if item.cancelled else STATUS.CONFIRMED,
        transparency=TRANSP.TRANSPARENT,
    )
    if policy.alarms and not item.done and not item.cancelled:
        for n, send_day in alarms:
            component.add_component(_alarm(item, n, send_day, send_time, summary))
    return component


def serialize(component: Event) -> str:
    return str(component.to_ical().decode("utf-8"))


@lru_cache(maxsize=1)
def _vtimezone() -> str:
    return str(Timezone.from_tzid(TIMEZONE_NAME).to_ical().decode("utf-8"))


def header(meta: FeedMeta, *, last_modified: datetime) -> str:
    """The VCALENDAR head (everything before the events), with the Asia/Ho_Chi_Minh VTIMEZONE."""
    cal = Calendar.new(
        prodid=PRODID,
        uid=f"feed-{meta.key.replace(':', '-')}@dondoc",
        name=meta.name,
        description=meta.description,
        last_modified=last_modified,
        calscale="GREGORIAN",
    )
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-TIMEZONE", TIMEZONE_NAME)
    cal.add("REFRESH-INTERVAL", vDuration(meta.refresh), parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", vDuration(meta.refresh))
    cal.add_missing_timezones()  # none needed by all-day events today; keeps any future TZID valid
    text = str(cal.to_ical().decode("utf-8"))
    end = "END:VCALENDAR\r\n"
    assert text.endswith(end)
    body = text[: -len(end)]
    if "BEGIN:VTIMEZONE" not in body:  # X-WR-TIMEZONE names it; clients that honour VTIMEZONE get its rules
        body += _vtimezone()
    return body


def assemble(meta: FeedMeta, events: Iterable[str], *, last_modified: datetime) -> str:
    """A whole feed from serialised events (the cache keeps events serialised; this only joins text)."""
    return header(meta, last_modified=last_modified) + "".join(events) + "END:VCALENDAR\r\n"


def build_feed(
    meta: FeedMeta,
    items: Sequence[EventInput],
    *,
    stamp: datetime,
    policy: CalendarPolicy,
    reminders: ReminderPolicy,
    calendar: WorkCalendar,
    revisions: dict[str, Revision] | None = None,
) -> str:
    """A feed built from scratch (tests, one-off files); the store uses the same pieces with its cache."""
    revisions = revisions or {}
    parts: list[str] = []
    key = policy_key(policy)
    for item in items:
        alarms = alarm_days(item.due, role=item.role, monthly=item.monthly, policy=reminders, calendar=calendar)
        major, content = hashes(item, alarms, key, reminders.send_time)
        revision = revise(revisions.get(item.uid), major, content, stamp)
        parts.append(serialize(event(item, revision=revision, alarms=alarms, policy=policy, send_time=reminders.send_time)))
    return assemble(meta, parts, last_modified=stamp)


def group_status(statuses: Iterable[Status]) -> Status:
    """One status for a co-agency event from its leads: cancelled only if all are, done only if all are."""
    live = [s for s in statuses if s is not Status.CANCELLED]
    if not live:
        return Status.CANCELLED
    if all(s in DONE for s in live):
        return Status.DONE_LATE if Status.DONE_LATE in live else Status.DONE_ON_TIME
    for status in (Status.OVERDUE, Status.IN_PROGRESS, Status.NOT_YET_OPEN):
        if status in live:
            return status
    return Status.IN_PROGRESS


def feed_description(scope_label: str, *, as_of: date, events: int, undated: int) -> str:
    """X-WR-CALDESC: what the feed holds and what it leaves out (tasks without a date)."""
    text = f"Hạn nhiệm vụ của {scope_label} theo dõi bằng dondoc; trạng thái tính đến ngày {vn_date(as_of)}. {events} sự kiện."
    if undated:
        text += (
            f" {undated} nhiệm vụ thường xuyên hoặc chưa xác định thời hạn không có ngày nên không hiển thị trên lịch"
            " (xem bằng `dondoc tasks`)."
        )
    return text
