"""Expanding one assignment into task instances: fan-out over lead agencies × periods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dondoc.domain.deadlines import DeadlineKind, ParsedDeadline
from dondoc.domain.policy import Policy
from dondoc.domain.recurrence import occurrences, period_label
from dondoc.domain.succession import GroupSpan, Lifespan, leads_on
from dondoc.domain.workdays import WorkCalendar

ONCE_PERIOD = "once"
ONGOING_PERIOD = "ongoing"


@dataclass(frozen=True)
class PlannedOccurrence:
    period: str
    kind: str
    opens_on: date
    due_date: date | None
    due_on_day_off: bool


@dataclass(frozen=True)
class PlannedInstance:
    agency_code: str
    occurrence: PlannedOccurrence


def plan_occurrences(
    deadline: ParsedDeadline,
    *,
    start: date,
    end: date | None,
    horizon_end: date,
    calendar: WorkCalendar,
    policy: Policy,
) -> list[PlannedOccurrence]:
    """The periods one lead agency owes for ``deadline`` within the planning window."""

    def due(day: date) -> tuple[date, bool]:
        off = not calendar.is_working_day(day)
        if off and policy.deadline.roll_day_off_to_next_working_day:
            return calendar.next_working_day(day), False
        return day, off

    match deadline.kind:
        case DeadlineKind.ONCE | DeadlineKind.MILESTONE:
            assert deadline.due is not None
            day, off = due(deadline.due)
            return [PlannedOccurrence(ONCE_PERIOD, str(deadline.kind), min(start, day), day, off)]
        case DeadlineKind.RECURRING:
            first = max(start, deadline.starts) if deadline.starts else start
            last = min(end, horizon_end) if end else horizon_end
            planned = []
            opens = first
            for occurrence in occurrences(deadline.rules, start=first, end=last):
                day, off = due(occurrence)
                planned.append(PlannedOccurrence(period_label(deadline.frequency, occurrence), "recurring", opens, day, off))
                opens = occurrence + timedelta(days=1)
            return planned
        case DeadlineKind.ONGOING:
            return [PlannedOccurrence(ONGOING_PERIOD, "ongoing", start, None, False)]
        case _:
            return [PlannedOccurrence(ONGOING_PERIOD, "undated", start, None, False)]


def plan_assignment(
    deadline: ParsedDeadline,
    leads: Sequence[str],
    *,
    start: date,
    end: date | None,
    horizon_end: date,
    calendar: WorkCalendar,
    policy: Policy,
    lifespans: Mapping[str, Lifespan] | None = None,
    as_of: date | None = None,
    groups: Mapping[str, GroupSpan] | None = None,
) -> list[PlannedInstance]:
    """One instance per leading agency and period.

    Each code in ``leads`` is an agency or a group of ``groups``; it is resolved as of each period's
    day (its due date; undated work: ``as_of``) by :func:`leads_on`: a group to the agencies that
    were its members since ``start``, and an agency that has ended to its successors. When an agency
    would lead a period twice (a successor that already leads it itself), one instance remains.
    Instances come agency by agency (in the order of ``leads``), then period by period.
    """
    periods = plan_occurrences(deadline, start=start, end=end, horizon_end=horizon_end, calendar=calendar, policy=policy)
    registry, spans = lifespans or {}, groups or {}
    by_day: dict[tuple[str, date], tuple[str, ...]] = {}
    order: dict[str, None] = {}
    for lead in leads:
        found: set[str] = set()
        for occurrence in periods:
            day = occurrence.due_date or as_of or start
            if (lead, day) not in by_day:
                by_day[lead, day] = leads_on(lead, start, day, spans, registry)
            found.update(by_day[lead, day])
        order.update(dict.fromkeys(sorted(found)))
    planned: list[PlannedInstance] = []
    for agency in order:
        for occurrence in periods:
            day = occurrence.due_date or as_of or start
            if any(agency in by_day[lead, day] for lead in leads):
                planned.append(PlannedInstance(agency, occurrence))
    return planned
