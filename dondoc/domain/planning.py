"""Expanding one assignment into task instances: fan-out over lead agencies × periods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dondoc.domain.deadlines import DeadlineKind, ParsedDeadline
from dondoc.domain.policy import Policy
from dondoc.domain.recurrence import occurrences, period_label
from dondoc.domain.succession import Lifespan, owner_on
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
) -> list[PlannedInstance]:
    """One instance per lead agency and period (a group lead has fanned out into ``leads``).

    An agency that has ended hands the work due after its last day to its successor (undated work:
    from ``as_of``); when the successor already leads that period itself, one instance remains.
    """
    periods = plan_occurrences(deadline, start=start, end=end, horizon_end=horizon_end, calendar=calendar, policy=policy)
    planned: list[PlannedInstance] = []
    seen: set[tuple[str, str]] = set()
    for agency in leads:
        for occurrence in periods:
            owner = owner_on(agency, occurrence.due_date or as_of or start, lifespans or {})
            if (owner, occurrence.period) not in seen:
                seen.add((owner, occurrence.period))
                planned.append(PlannedInstance(owner, occurrence))
    return planned
