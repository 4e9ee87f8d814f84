"""Expanding one assignment into task instances: fan-out over lead agencies × periods."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dondoc.domain.deadlines import DeadlineKind, ParsedDeadline
from dondoc.domain.policy import Policy
from dondoc.domain.recurrence import occurrences, period_label
from dondoc.domain.reporting import report_targets as report_targets
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
    """One task instance to plan: who leads it, for which occurrence."""

    agency_code: str
    occurrence: PlannedOccurrence


@dataclass(frozen=True)
class NamedLead:
    """One lead an item names, and the agencies it stands for (a group's members; an agency itself)."""

    code: str
    is_group: bool
    agencies: Sequence[str]


def item_leads(named: Sequence[NamedLead], co_agencies: Collection[str]) -> list[str]:
    """The agencies that each lead their own instance of one item.

    Every lead the item names leads ("Sở Tư pháp, Sở Nội vụ chủ trì": two instances). A group fans
    out to its members except the agencies the same item names as co-agencies ("Chủ trì: Các Sở, ban,
    ngành; Phối hợp: Sở KH&CN": Sở KH&CN contributes, it does not also lead). An agency named as a
    lead in its own right still leads even when a group it belongs to is also named.
    """
    explicit = {lead.code for lead in named if not lead.is_group}
    excluded = set(co_agencies) - explicit
    out: dict[str, None] = {}
    for lead in named:
        for agency in lead.agencies:
            if not lead.is_group or agency not in excluded:
                out.setdefault(agency, None)
    return list(out)


def ad_hoc_part(deadline: ParsedDeadline) -> str | None:
    """"… hoặc đột xuất khi có yêu cầu": the part of a phrase that is recorded and shown, never planned."""
    return deadline.ad_hoc or None


def first_cycle_start(start: date, *, stated: bool, min_days: int) -> date:
    """The earliest due day a cycle's first period may have.

    A directive issued on 12/9 with "trước ngày 15 hàng tháng" does not owe a report on 14/9: unless
    the text (or the reviewer, with ``start:``) says when the cycle starts, its first period is due at
    least ``min_days`` after the start (*policy* ``deadline.first_cycle_min_days``).
    """
    return start if stated else start + timedelta(days=min_days)


def plan_occurrences(
    deadline: ParsedDeadline,
    *,
    start: date,
    end: date | None,
    horizon_end: date,
    calendar: WorkCalendar,
    policy: Policy,
    start_stated: bool = False,
) -> list[PlannedOccurrence]:
    """The periods one lead agency owes for ``deadline`` within the planning window.

    ``start_stated``: the start was written for this item (its ``start:``), so a cycle's first
    period may fall right after it.
    """

    def due(day: date) -> tuple[date, bool]:
        off = not calendar.is_working_day(day)
        if off and policy.deadline.roll_day_off_to_next_working_day:
            return calendar.next_working_day(day), False
        return day, off

    match deadline.kind:
        case DeadlineKind.ONCE | DeadlineKind.MILESTONE:
            assert deadline.due is not None
            day, off = due(deadline.due)
            # "Quý IV/2025 - Quý II/2026", "từ ngày A đến ngày B": due at the end, the start kept
            opens = deadline.starts if deadline.kind is DeadlineKind.ONCE and deadline.starts else start
            return [PlannedOccurrence(ONCE_PERIOD, str(deadline.kind), min(opens, day), day, off)]
        case DeadlineKind.RECURRING:
            first = max(start, deadline.starts) if deadline.starts else start
            last = min(end, horizon_end) if end else horizon_end
            earliest = first_cycle_start(
                first, stated=start_stated or deadline.starts is not None, min_days=policy.deadline.first_cycle_min_days
            )
            planned = []
            opens = first
            for occurrence in occurrences(deadline.rules, start=first, end=last):
                if occurrence < earliest:
                    continue
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
    co_agencies: Collection[str] = (),
    start_stated: bool = False,
) -> list[PlannedInstance]:
    """One instance per leading agency and period.

    Each code in ``leads`` is an agency or a group of ``groups``; it is resolved as of each period's
    day (its due date; undated work: ``as_of``) by :func:`leads_on`: a group to the agencies that
    were its members since ``start``, and an agency that has ended to its successors. A group's
    members named in ``co_agencies`` contribute and do not also lead (:func:`item_leads`). When an
    agency would lead a period twice (a successor that already leads it itself), one instance remains.
    Instances come agency by agency (in the order of ``leads``), then period by period.
    """
    periods = plan_occurrences(
        deadline, start=start, end=end, horizon_end=horizon_end, calendar=calendar, policy=policy, start_stated=start_stated
    )
    registry, spans = lifespans or {}, groups or {}
    resolved: dict[tuple[str, date], tuple[str, ...]] = {}
    by_day: dict[date, frozenset[str]] = {}  # who leads on a day: looked up once per (agency, occurrence)
    for occurrence in periods:
        day = occurrence.due_date or as_of or start
        if day not in by_day:
            for code in leads:
                resolved[code, day] = leads_on(code, start, day, spans, registry)
            by_day[day] = frozenset(item_leads([NamedLead(code, code in spans, resolved[code, day]) for code in leads], co_agencies))
    order: dict[str, None] = {}
    for lead in leads:
        found = {agency for (code, _), agencies in resolved.items() if code == lead for agency in agencies}
        order.update(dict.fromkeys(sorted(found)))
    planned: list[PlannedInstance] = []
    for agency in order:
        for occurrence in periods:
            if agency in by_day[occurrence.due_date or as_of or start]:
                planned.append(PlannedInstance(agency, occurrence))
    return planned
