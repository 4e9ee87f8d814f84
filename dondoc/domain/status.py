"""Status of a task instance as of a day, and its colour (DOMAIN.md §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dondoc.domain.policy import Policy
from dondoc.domain.vocabulary import InstanceKind, InstanceState
from dondoc.domain.workdays import WorkCalendar


class Status(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    ONGOING = "ongoing"
    NOT_YET_OPEN = "not_yet_open"
    UNDATED = "undated"
    CANCELLED = "cancelled"
    NOT_ISSUED = "not_issued"  # a directive's clause before the directive's issue date (never an instance's)


STATUS_VI: dict[Status, str] = {
    Status.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Status.DONE_LATE: "Hoàn thành quá hạn",
    Status.IN_PROGRESS: "Đang thực hiện trong hạn",
    Status.OVERDUE: "Quá hạn chưa hoàn thành",
    Status.ONGOING: "Thường xuyên",
    Status.NOT_YET_OPEN: "Chưa đến kỳ",
    Status.UNDATED: "Chưa xác định thời hạn",
    Status.CANCELLED: "Đã hủy",
    Status.NOT_ISSUED: "Chưa ban hành",
}

#: The official order in which statuses are listed and counted everywhere (tables, summaries,
#: JSON counts): the four categories of the Government Office's reports, then the uncounted ones.
OFFICIAL_ORDER: tuple[Status, ...] = (
    Status.DONE_ON_TIME,
    Status.DONE_LATE,
    Status.IN_PROGRESS,
    Status.OVERDUE,
    Status.ONGOING,
    Status.UNDATED,
    Status.NOT_YET_OPEN,
    Status.NOT_ISSUED,
    Status.CANCELLED,
)


def in_official_order(counts: dict[str, int]) -> dict[str, int]:
    """``{"overdue": 3, "done_on_time": 5}`` → the same counts keyed in the official order (zeros dropped).
    Raises ValueError on a key that is not a status."""
    known = {str(s) for s in Status}
    unknown = sorted(set(counts) - known)
    if unknown:
        raise ValueError(f"unknown status code(s): {', '.join(unknown)}")
    return {str(s): counts[str(s)] for s in OFFICIAL_ORDER if counts.get(str(s))}

#: The four categories of the Government Office's reports.
COUNTED = (Status.DONE_ON_TIME, Status.DONE_LATE, Status.IN_PROGRESS, Status.OVERDUE)


class Colour(StrEnum):
    XANH = "xanh"
    CAM = "cam"
    XANH_DUONG = "xanh dương"
    VANG = "vàng"
    DO = "đỏ"
    XAM = "xám"
    NONE = ""


#: Print colours, in the order of :class:`Colour` (xanh, cam, xanh dương, vàng, đỏ, xám, none).
COLOUR_HEX: dict[Colour, str] = dict(zip(Colour, ("#2e7d32", "#ef6c00", "#1565c0", "#f9a825", "#c62828", "#757575", "#bdbdbd"), strict=True))


@dataclass(frozen=True)
class InstanceFacts:
    kind: str
    state: str
    opens_on: date
    due_date: date | None
    completed_on: date | None


def status_of(facts: InstanceFacts, as_of: date) -> Status:
    """Status as of the end of ``as_of``; a completion recorded for a later day does not count yet."""
    if facts.state == InstanceState.CANCELLED:
        return Status.CANCELLED
    done = facts.completed_on is not None and facts.completed_on <= as_of
    if facts.due_date is None:
        if as_of < facts.opens_on:
            return Status.NOT_YET_OPEN  # the directive has not started yet
        if facts.kind == InstanceKind.ONGOING:
            return Status.ONGOING  # a recorded report does not end ongoing work; reports count it apart
        return Status.DONE_ON_TIME if done else Status.UNDATED
    if done:
        assert facts.completed_on is not None
        return Status.DONE_ON_TIME if facts.completed_on <= facts.due_date else Status.DONE_LATE
    if as_of > facts.due_date:
        return Status.OVERDUE
    if as_of < facts.opens_on:
        return Status.NOT_YET_OPEN
    return Status.IN_PROGRESS


def colour_of(status: Status, due: date | None, as_of: date, calendar: WorkCalendar, policy: Policy) -> Colour:
    match status:
        case Status.DONE_ON_TIME:
            return Colour.XANH
        case Status.DONE_LATE:
            return Colour.CAM
        case Status.OVERDUE:
            return Colour.DO
        case Status.ONGOING | Status.UNDATED:
            return Colour.XAM
        case Status.IN_PROGRESS:
            assert due is not None
            soon = calendar.working_days_between(as_of, due) <= policy.status.due_soon_working_days
            return Colour.VANG if soon else Colour.XANH_DUONG
        case _:
            return Colour.NONE


def classify(facts: InstanceFacts, as_of: date, calendar: WorkCalendar, policy: Policy) -> tuple[Status, Colour]:
    """An instance's status as of a day and the colour it is shown in (one decision for every view)."""
    status = status_of(facts, as_of)
    return status, colour_of(status, facts.due_date, as_of, calendar, policy)


#: The order in which one status stands for several instances: the worst one that applies.
_WORST_FIRST = (
    Status.OVERDUE,
    Status.IN_PROGRESS,
    Status.DONE_LATE,
    Status.DONE_ON_TIME,
    Status.ONGOING,
    Status.UNDATED,
    Status.NOT_YET_OPEN,
)


def assignment_status(counts: Mapping[Status, int]) -> Status:
    """One status for an assignment from its instances' statuses: the worst one that applies."""
    for status in _WORST_FIRST:
        if counts.get(status):
            return status
    return Status.CANCELLED


def rating_colour(on_time: int, due_total: int, policy: Policy) -> Colour:
    """Agency/directive rating: on-time rate = done on time / all due in the period."""
    if due_total == 0:
        return Colour.NONE
    rate = 100.0 * on_time / due_total
    if rate >= policy.rating.xanh:
        return Colour.XANH
    if rate >= policy.rating.vang:
        return Colour.VANG
    if rate >= policy.rating.cam:
        return Colour.CAM
    return Colour.DO


def days_overdue(due: date | None, as_of: date) -> int:
    return max(0, (as_of - due).days) if due else 0
