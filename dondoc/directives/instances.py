"""Task instances in the database: set-based (re)planning, completion and extension.

Planning is idempotent: instances are keyed by (assignment, agency, period) and upserted
with one executemany per batch; an instance someone acted on (completed or extended) is
never re-planned or removed, and a planned period that disappears is cancelled, not deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from dondoc.clock import utc_now
from dondoc.configuration.files import load_calendar, load_policy
from dondoc.db import audit, upsert_insert
from dondoc.domain.dates import vn_date
from dondoc.domain.deadlines import parse_deadline
from dondoc.domain.planning import NamedLead, item_leads, plan_assignment
from dondoc.domain.recurrence import horizon_end
from dondoc.domain.succession import Lifespan
from dondoc.errors import InputError, NotFoundError
from dondoc.models import Agency, AgencyGroup, Assignment, Directive, GroupMember, InstanceState, TaskInstance

BATCH = 10_000
REPLANNED_AWAY = "Lập lại kế hoạch: văn bản hoặc danh mục cơ quan thay đổi (nhiệm vụ, kỳ hoặc cơ quan chủ trì không còn)"


@dataclass(frozen=True)
class PlanResult:
    planned: int
    inserted: int
    cancelled: int


_now = utc_now


def _leads(session: Session, assignment: Assignment, on: date) -> list[str]:
    """Codes of the agencies leading the item: each lead it names, groups fanned out minus its co-agencies."""
    named: list[NamedLead] = []
    for code in assignment.lead_codes or [assignment.lead_code]:
        is_group = session.exec(select(AgencyGroup.id).where(AgencyGroup.code == code)).first() is not None
        if not is_group:
            named.append(NamedLead(code, False, [code]))
            continue
        stmt = (
            select(Agency.code)
            .join(GroupMember, col(GroupMember.agency_id) == col(Agency.id))
            .join(AgencyGroup, col(AgencyGroup.id) == col(GroupMember.group_id))
            .where(AgencyGroup.code == code)
            .where(or_(col(Agency.valid_from).is_(None), col(Agency.valid_from) <= on))
            .where(or_(col(Agency.valid_to).is_(None), col(Agency.valid_to) >= on))
            .order_by(Agency.code)
        )
        named.append(NamedLead(code, True, list(session.exec(stmt))))
    return item_leads(named, assignment.co_agencies or [])


def _registry(session: Session, province: str) -> tuple[dict[str, Lifespan], dict[str, int], dict[int, str]]:
    """Lifespans and successors of the province's agencies, and code ↔ id maps."""
    lifespans: dict[str, Lifespan] = {}
    ids: dict[str, int] = {}
    codes: dict[int, str] = {}
    for agency_id, code, valid_to, successor in session.exec(
        select(col(Agency.id), col(Agency.code), col(Agency.valid_to), col(Agency.successor_code)).where(col(Agency.province) == province)
    ):
        assert agency_id is not None
        lifespans[code] = Lifespan(valid_to, successor)
        ids[code], codes[agency_id] = agency_id, code
    return lifespans, ids, codes



def plan_directive(session: Session, directive: Directive, *, as_of: date, actor: str) -> PlanResult:
    """(Re)plan every instance of a directive up to the rolling horizon after ``as_of``."""
    assert directive.id is not None
    policy = load_policy(directive.province, directive.number)
    calendar = load_calendar()
    horizon = horizon_end(max(as_of, directive.start_date), policy.horizon_months)
    issued = directive.start_date
    now = _now()
    rows: list[dict[str, Any]] = []
    lifespans, ids, _ = _registry(session, directive.province)
    assignments = list(session.exec(select(Assignment).where(Assignment.directive_id == directive.id, col(Assignment.active))))
    for assignment in assignments:
        if assignment.repeats:
            continue  # the same task stated again (body ↔ appendix): planned once, under the clause it repeats
        planned = plan_assignment(
            parse_deadline(assignment.deadline_text, issued=issued, policy=policy),
            _leads(session, assignment, issued),
            start=assignment.start_date or directive.start_date,
            start_stated=assignment.start_date is not None,
            end=directive.end_date,
            horizon_end=horizon,
            calendar=calendar,
            policy=policy,
            lifespans=lifespans,
            as_of=as_of,
        )
        rows.extend(
            {
                "assignment_id": assignment.id,
                "directive_id": directive.id,
                "agency_id": ids[p.agency_code],
                "period": p.occurrence.period,
                "kind": p.occurrence.kind,
                "opens_on": p.occurrence.opens_on,
                "due_date": p.occurrence.due_date,
                "original_due_date": p.occurrence.due_date,
                "due_on_day_off": p.occurrence.due_on_day_off,
                "state": InstanceState.OPEN,
                "updated_at": now,
                "kpi_values": {},
            }
            for p in planned
        )
    table = TaskInstance.__table__  # type: ignore[attr-defined]
    before = session.exec(select(func.count()).select_from(TaskInstance).where(TaskInstance.directive_id == directive.id)).one()
    insert = upsert_insert(session)
    for start in range(0, len(rows), BATCH):
        stmt = insert(table)
        untouched = and_(table.c.completed_on.is_(None), table.c.extended_at.is_(None), table.c.state == InstanceState.OPEN)
        differs = or_(
            table.c.due_date.is_distinct_from(stmt.excluded.due_date),
            table.c.opens_on.is_distinct_from(stmt.excluded.opens_on),
            table.c.kind.is_distinct_from(stmt.excluded.kind),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["assignment_id", "agency_id", "period"],
            set_={
                "due_date": stmt.excluded.due_date,
                "original_due_date": stmt.excluded.original_due_date,
                "opens_on": stmt.excluded.opens_on,
                "kind": stmt.excluded.kind,
                "due_on_day_off": stmt.excluded.due_on_day_off,
                "updated_at": stmt.excluded.updated_at,
            },
            where=and_(untouched, differs),
        )
        session.connection().execute(stmt, rows[start : start + BATCH])
    after = session.exec(select(func.count()).select_from(TaskInstance).where(TaskInstance.directive_id == directive.id)).one()
    cancelled = _cancel_unplanned(session, directive.id, rows, horizon, now)
    if after != before or cancelled:
        audit.record(
            session,
            "directive.planned",
            actor=actor,
            directive_id=directive.id,
            detail={"as_of": as_of.isoformat(), "horizon": horizon.isoformat(), "inserted": after - before, "cancelled": cancelled},
        )
    return PlanResult(planned=len(rows), inserted=after - before, cancelled=cancelled)


def _cancel_unplanned(session: Session, directive_id: int, rows: Sequence[dict[str, Any]], horizon: date, now: datetime) -> int:
    """Cancel open, untouched instances whose (assignment, agency, period) is no longer planned."""
    planned = {(r["assignment_id"], r["agency_id"], r["period"]) for r in rows}
    candidates = session.exec(
        select(TaskInstance.id, TaskInstance.assignment_id, TaskInstance.agency_id, TaskInstance.period)
        .where(TaskInstance.directive_id == directive_id, col(TaskInstance.state) == InstanceState.OPEN)
        .where(col(TaskInstance.completed_on).is_(None), col(TaskInstance.extended_at).is_(None))
        .where(or_(col(TaskInstance.due_date).is_(None), col(TaskInstance.due_date) <= horizon))
    ).all()
    gone = [i for i, a, g, p in candidates if (a, g, p) not in planned]
    for start in range(0, len(gone), BATCH):
        session.exec(
            update(TaskInstance)
            .where(col(TaskInstance.id).in_(gone[start : start + BATCH]))
            .values(state=InstanceState.CANCELLED, cancelled_reason=REPLANNED_AWAY, updated_at=now)
        )
    return len(gone)


def get_instance(session: Session, instance_id: int) -> TaskInstance:
    instance = session.get(TaskInstance, instance_id)
    if instance is None:
        raise NotFoundError(f"instance {instance_id}: no such task instance; list them with `dondoc tasks`")
    return instance


def _check_kpis(session: Session, instance: TaskInstance, kpis: dict[str, float]) -> None:
    if not kpis:
        return
    assignment = session.get(Assignment, instance.assignment_id)
    directive = session.get(Directive, instance.directive_id)
    assert assignment is not None
    assert directive is not None
    known = {k["key"] for k in [*assignment.kpis, *directive.kpis]}
    unknown = sorted(set(kpis) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none declared for this task or directive"
        raise InputError(f"--kpi {', '.join(unknown)}: not a KPI of {directive.code} {assignment.clause}; known keys: {listed}")


def complete_instance(
    session: Session,
    instance_id: int,
    *,
    on: date,
    evidence: str,
    actor: str,
    today: date,
    kpis: dict[str, float] | None = None,
) -> TaskInstance:
    """Record that an instance was fulfilled on ``on`` (evidence: the report's number and date).

    ``kpis`` are the actuals the agency reports with it (e.g. digitized_rate=72.5).
    """
    instance = get_instance(session, instance_id)
    _check_kpis(session, instance, kpis or {})
    if on > today:
        raise InputError(
            f"--on {vn_date(on)}: completion date is in the future (today is {vn_date(today)}); record it on or after the day it happens"
        )
    if instance.state == InstanceState.CANCELLED:
        raise InputError(f"instance {instance_id}: cancelled ({instance.cancelled_reason}); nothing to complete")
    if not evidence.strip():
        raise InputError("--evidence: say what fulfilled the task (e.g. 'Báo cáo số 123/BC-STTTT ngày 04/12/2023')")
    previous = instance.completed_on
    instance.state, instance.completed_on, instance.completion_evidence = InstanceState.DONE, on, evidence.strip()
    instance.completed_by, instance.completion_recorded_at, instance.updated_at = actor, _now(), _now()
    if kpis:
        instance.kpi_values = {**(instance.kpi_values or {}), **kpis}
    session.add(instance)
    audit.record(
        session,
        "instance.completed",
        actor=actor,
        directive_id=instance.directive_id,
        instance_id=instance.id,
        detail={"on": on.isoformat(), "evidence": evidence, "kpis": kpis or {}, "previous": previous.isoformat() if previous else None},
    )
    session.flush()
    return instance


def extend_instance(session: Session, instance_id: int, *, to: date, reason: str, actor: str) -> TaskInstance:
    """Approve an extension: the due date moves, the original is kept, lateness counts from the new date."""
    instance = get_instance(session, instance_id)
    if instance.state != InstanceState.OPEN:
        raise InputError(f"instance {instance_id}: already {instance.state}; only open tasks can be extended")
    if instance.due_date is None:
        raise InputError(f"instance {instance_id}: has no due date (ongoing); nothing to extend")
    if to <= instance.due_date:
        raise InputError(f"--to {vn_date(to)}: must be after the current due date {vn_date(instance.due_date)}")
    if not reason.strip():
        raise InputError("--reason: give the reason and the approving document")
    previous = instance.due_date
    instance.due_date, instance.extended_reason, instance.extended_at, instance.updated_at = to, reason.strip(), _now(), _now()
    session.add(instance)
    audit.record(
        session,
        "instance.extended",
        actor=actor,
        directive_id=instance.directive_id,
        instance_id=instance.id,
        detail={"from": previous.isoformat(), "to": to.isoformat(), "reason": reason},
    )
    session.flush()
    return instance
