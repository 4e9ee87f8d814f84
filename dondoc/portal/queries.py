"""Reads of the portal: an agency's tasks (as lead and as co-agency), one task with access checked, the Office's queue.

Core selects over columns. The agency page's hot query walks the partial index on open rows
``(agency_id, due_date) WHERE state = 'open'`` (state inlined so SQLite uses it) and stops at a
limit: its cost does not grow with the table (benchmarks/bench_portal.py, 1M instances).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from dondoc.directives.queries import answers_to, instance_rows
from dondoc.models import Agency, AgencyGroup, Assignment, AuditEvent, Directive, TaskInstance
from dondoc.models.portal import PortalLink, PortalSubmission, SubmissionKind, SubmissionState
from dondoc.portal.facts import QueueItem, SubmissionFacts, TaskFacts
from dondoc.portal.freshness import Change, instance_audience

OPEN: Any = literal_column("task_instance.state = 'open'")
DATED_LIMIT = 100
UNDATED_LIMIT = 30
CO_LIMIT = 60
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class AgencyPage:
    agency_code: str
    agency_name: str
    province: str
    lead_open: list[TaskFacts]
    co_open: list[TaskFacts]
    done: list[TaskFacts]
    extended: list[TaskFacts]
    submissions: dict[int, list[SubmissionFacts]]  # by instance: pending requests and received inputs
    decided: list[SubmissionFacts]  # this agency's recent decisions (a rejection shows its reason)
    waits: dict[int, tuple[int, int]]  # consolidation instance → (inputs done, inputs due)
    truncated: bool
    reads: frozenset[str]  # the codes this page shows work for: the agency's own and its groups'


@lru_cache(maxsize=1)
def _columns() -> Select[*tuple[Any, ...]]:
    """The columns every portal task row needs (built once: constructing it costs more than running it)."""
    lead = aliased(Agency)
    return instance_rows(
        col(TaskInstance.id),
        col(TaskInstance.directive_id),
        col(Directive.code),
        col(Directive.number),
        col(Directive.title),
        col(Directive.coordinator_code),
        col(Directive.province),
        col(Assignment.id),
        col(Assignment.clause),
        col(Assignment.summary),
        col(Assignment.text),
        col(Assignment.deadline_text),
        col(Assignment.kpis),
        col(Directive.kpis),
        col(Assignment.depends_on),
        col(lead.code),
        func.coalesce(lead.short_name, lead.name),
        col(TaskInstance.kind),
        col(TaskInstance.state),
        col(TaskInstance.opens_on),
        col(TaskInstance.due_date),
        col(TaskInstance.original_due_date),
        col(TaskInstance.completed_on),
        col(TaskInstance.completion_evidence),
        col(TaskInstance.extended_reason),
        col(TaskInstance.period),
        agency=lead,
    )


def _facts(row: Any, role: str) -> TaskFacts:
    (iid, did, dcode, dnum, dtitle, coord, prov, aid, clause, summary, text, dtext, akpis, dkpis, deps, lcode, lname,
     kind, state, opens, due, odue, done, evidence, ext, period) = row  # fmt: skip
    kpis = [k for k in [*(akpis or []), *(dkpis or [])] if not k.get("agency") or k.get("agency") == lcode]
    return TaskFacts(
        iid, role, did, dcode, dnum, dtitle, coord, prov, aid, clause, summary, text, dtext, kpis, list(deps or []), lcode, lname,
        kind, state, opens, due, odue, done, evidence, ext, period,
    )  # fmt: skip


def _submission(s: PortalSubmission) -> SubmissionFacts:
    assert s.id is not None
    return SubmissionFacts(
        s.id, s.instance_id, s.agency_code, s.kind, s.state, s.report_number, s.report_date, s.note, dict(s.kpis or {}),
        s.new_due_date, s.file_name, s.file_type, s.file_size, s.submitted_at, s.decided_at, s.decided_by, s.decision_reason,
    )  # fmt: skip


class _CoAssignments:
    """Per process: which assignments name an agency (or one of its groups) as co-agency.

    Co-agency lists are JSON, so they are scanned in Python once per province and kept until the
    province's assignments change (one aggregate query per request tells).
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[Any, ...], list[tuple[int, frozenset[str]]]]] = {}
        self._lock = threading.Lock()

    def ids(self, session: Session, province: str, names: set[str]) -> list[int]:
        stamp = tuple(
            session.execute(
                select(func.count(col(Assignment.id)), func.max(col(Assignment.id)), func.max(col(Directive.imported_at)))
                .join(Directive, col(Directive.id) == col(Assignment.directive_id))
                .where(col(Directive.province) == province)
            ).one()
        )
        with self._lock:
            cached = self._cache.get(province)
        if cached is None or cached[0] != stamp:
            rows = session.execute(
                select(col(Assignment.id), col(Assignment.co_agencies))
                .join(Directive, col(Directive.id) == col(Assignment.directive_id))
                .where(col(Directive.province) == province, col(Assignment.active))
            ).all()
            cached = (stamp, [(aid, frozenset(co or [])) for aid, co in rows if co])
            with self._lock:
                self._cache[province] = cached
        return [aid for aid, co in cached[1] if co & names]


CO_ASSIGNMENTS = _CoAssignments()


def agency_page(agency: Agency, *, session: Session, as_of: date) -> AgencyPage:
    assert agency.id is not None
    started = col(TaskInstance.opens_on) <= as_of
    dated = session.execute(
        _columns()
        .where(col(TaskInstance.agency_id) == agency.id, OPEN, col(TaskInstance.due_date).is_not(None), started)
        .order_by(col(TaskInstance.due_date), col(TaskInstance.id))
        .limit(DATED_LIMIT + 1)
    ).all()
    undated = session.execute(
        _columns()
        .where(col(TaskInstance.agency_id) == agency.id, OPEN, col(TaskInstance.due_date).is_(None), started)
        .order_by(col(TaskInstance.id))
        .limit(UNDATED_LIMIT + 1)
    ).all()
    truncated = len(dated) > DATED_LIMIT or len(undated) > UNDATED_LIMIT
    lead_open = [_facts(r, "lead") for r in [*dated[:DATED_LIMIT], *undated[:UNDATED_LIMIT]]]

    reads = frozenset(answers_to(agency, session=session))
    co_ids = CO_ASSIGNMENTS.ids(session, agency.province, set(reads))
    co_open: list[TaskFacts] = []
    if co_ids:
        rows = session.execute(
            _columns()
            .where(col(TaskInstance.assignment_id).in_(co_ids), OPEN, started, col(TaskInstance.agency_id) != agency.id)
            .order_by(col(TaskInstance.due_date), col(TaskInstance.id))
            .limit(CO_LIMIT + 1)
        ).all()
        truncated = truncated or len(rows) > CO_LIMIT
        co_open = [_facts(r, "co") for r in rows[:CO_LIMIT]]

    done = [
        _facts(r, "lead")
        for r in session.execute(
            _columns()
            .where(col(TaskInstance.agency_id) == agency.id, col(TaskInstance.state) == "done")
            .order_by(col(TaskInstance.completion_recorded_at).desc(), col(TaskInstance.id).desc())
            .limit(HISTORY_LIMIT)
        ).all()
    ]
    extended = [
        _facts(r, "lead")
        for r in session.execute(
            _columns()
            .where(col(TaskInstance.agency_id) == agency.id, col(TaskInstance.extended_at).is_not(None))
            .order_by(col(TaskInstance.extended_at).desc())
            .limit(HISTORY_LIMIT)
        ).all()
    ]
    shown = [t.instance_id for t in [*lead_open, *co_open]]
    submissions: dict[int, list[SubmissionFacts]] = {}
    if shown:
        for s in session.execute(
            select(PortalSubmission).where(
                col(PortalSubmission.state).in_([SubmissionState.PENDING, SubmissionState.RECEIVED]),
                col(PortalSubmission.instance_id).in_(shown),
            )
        ).scalars():
            submissions.setdefault(s.instance_id, []).append(_submission(s))
    decided = [
        _submission(s)
        for s in session.execute(
            select(PortalSubmission)
            .where(
                col(PortalSubmission.agency_code) == agency.code,
                col(PortalSubmission.state).in_([SubmissionState.APPROVED, SubmissionState.REJECTED]),
            )
            .order_by(col(PortalSubmission.decided_at).desc())
            .limit(HISTORY_LIMIT)
        ).scalars()
    ]
    return AgencyPage(
        agency.code,
        agency.display_name,
        agency.province,
        lead_open,
        co_open,
        done,
        extended,
        submissions,
        decided,
        consolidation_waits(lead_open, session=session),
        truncated,
        reads,
    )


def consolidation_waits(tasks: list[TaskFacts], *, session: Session) -> dict[int, tuple[int, int]]:
    """For a consolidating task: how many of its inputs have arrived.

    A recurring consolidation counts the inputs of its own period (this month's reports for this
    month's summary); a one-off counts the inputs due by its date, as the tracking view does.
    """
    out: dict[int, tuple[int, int]] = {}
    for task in tasks:
        if not task.depends_on:
            continue
        ids = [
            i
            for (i,) in session.execute(
                select(col(Assignment.id)).where(
                    col(Assignment.directive_id) == task.directive_id, col(Assignment.clause).in_(task.depends_on)
                )
            ).all()
        ]
        if not ids:
            continue
        base = select(
            func.count(col(TaskInstance.id)),
            func.count(col(TaskInstance.completed_on)),
        ).where(col(TaskInstance.assignment_id).in_(ids), col(TaskInstance.state) != "cancelled")
        total, done = 0, 0
        if task.period not in ("once", "ongoing"):
            total, done = session.execute(base.where(col(TaskInstance.period) == task.period)).one()
        if not total:  # a one-off, or recurring inputs keyed differently: those due by this task's date
            stmt = base
            if task.due is not None:
                stmt = stmt.where(or_(col(TaskInstance.due_date).is_(None), col(TaskInstance.due_date) <= task.due))
            total, done = session.execute(stmt).one()
        out[task.instance_id] = (int(done), int(total))
    return out


def task_for(instance_id: int, *, session: Session, agency_code: str, office: bool) -> TaskFacts | None:
    """One task, only if this link may see it: the agency leads it or contributes, or (Office) coordinates it."""
    row = session.execute(_columns().where(col(TaskInstance.id) == instance_id)).first()
    if row is None:
        return None
    facts = _facts(row, "lead")
    if office:
        return _facts(row, "office") if facts.coordinator == agency_code else None
    if facts.lead_code == agency_code:
        return facts
    agency = session.execute(select(Agency).where(col(Agency.code) == agency_code)).scalars().first()
    if agency is None:
        return None
    co = session.execute(select(col(Assignment.co_agencies)).where(col(Assignment.id) == facts.assignment_id)).scalar_one()
    return _facts(row, "co") if set(co or []) & answers_to(agency, session=session) else None


def submissions_of(instance_id: int, *, session: Session) -> list[SubmissionFacts]:
    rows = session.execute(
        select(PortalSubmission).where(col(PortalSubmission.instance_id) == instance_id).order_by(col(PortalSubmission.id).desc())
    ).scalars()
    return [_submission(s) for s in rows]


def submission(submission_id: int, *, session: Session) -> PortalSubmission | None:
    return session.get(PortalSubmission, submission_id)


def office_queue(office_code: str, *, session: Session, decided: bool = False, limit: int = 200) -> list[QueueItem]:
    """Submissions on the directives this office coordinates: pending (oldest first) or recently decided."""
    states = [SubmissionState.APPROVED, SubmissionState.REJECTED] if decided else [SubmissionState.PENDING]
    stmt = (
        select(PortalSubmission, func.coalesce(Agency.short_name, Agency.name))
        .join(TaskInstance, col(TaskInstance.id) == col(PortalSubmission.instance_id))
        .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
        .outerjoin(Agency, col(Agency.code) == col(PortalSubmission.agency_code))
        .where(col(PortalSubmission.state).in_(states), col(Directive.coordinator_code) == office_code)
        .where(col(PortalSubmission.kind) != SubmissionKind.INPUT)
        .order_by(col(PortalSubmission.decided_at).desc() if decided else col(PortalSubmission.submitted_at))
        .limit(limit)
    )
    items: list[QueueItem] = []
    for s, name in session.execute(stmt).all():
        task = session.execute(_columns().where(col(TaskInstance.id) == s.instance_id)).one()
        items.append(QueueItem(_submission(s), _facts(task, "office"), name or s.agency_code))
    return items


def all_pending(*, session: Session) -> list[QueueItem]:
    """Every pending submission (the Prefect artifact shows the whole queue, per office)."""
    stmt = (
        select(PortalSubmission, func.coalesce(Agency.short_name, Agency.name))
        .outerjoin(Agency, col(Agency.code) == col(PortalSubmission.agency_code))
        .where(col(PortalSubmission.state) == SubmissionState.PENDING)
        .order_by(col(PortalSubmission.submitted_at))
    )
    items: list[QueueItem] = []
    for s, name in session.execute(stmt).all():
        task = session.execute(_columns().where(col(TaskInstance.id) == s.instance_id)).one()
        items.append(QueueItem(_submission(s), _facts(task, "office"), name or s.agency_code))
    return items


@lru_cache(maxsize=1)
def link_and_stamp_statement() -> Select[*tuple[Any, ...]]:
    """A link's row and the change stamp (below) in one statement, for a bare connection."""
    stamp = select(func.max(col(AuditEvent.id))).scalar_subquery().label("stamp")
    return select(*PortalLink.__table__.columns, stamp).where(col(PortalLink.id) == bindparam("link_id"))  # type: ignore[attr-defined]


def changes(*, session: Session, since: int, upto: int, limit: int = 500) -> list[Change] | None:
    """The audit rows after ``since`` up to ``upto`` (primary-key range), or None when more than ``limit``."""
    rows = session.execute(
        select(col(AuditEvent.id), col(AuditEvent.action), col(AuditEvent.instance_id))
        .where(col(AuditEvent.id) > since, col(AuditEvent.id) <= upto)
        .order_by(col(AuditEvent.id))
        .limit(limit + 1)
    ).all()
    return None if len(rows) > limit else [Change(int(i), str(a), n) for i, a, n in rows]


def instance_audiences(instance_ids: Collection[int], *, session: Session) -> dict[int, frozenset[str]]:
    """Instance → the codes whose pages show it (see :func:`dondoc.portal.freshness.instance_audience`)."""
    if not instance_ids:
        return {}
    rows = session.execute(
        instance_rows(
            col(TaskInstance.id),
            col(Agency.code),
            col(Assignment.co_agencies),
            col(Assignment.clause),
            col(Assignment.directive_id),
            col(Directive.coordinator_code),
        ).where(col(TaskInstance.id).in_(sorted(instance_ids)))
    ).all()
    directives = sorted({r[4] for r in rows})
    consolidating: dict[tuple[int, str], list[int]] = {}  # (directive, clause consolidated) → consolidating assignments
    for aid, did, deps in session.execute(
        select(col(Assignment.id), col(Assignment.directive_id), col(Assignment.depends_on)).where(
            col(Assignment.directive_id).in_(directives)
        )
    ).all():
        for clause in deps or []:
            consolidating.setdefault((did, clause), []).append(aid)
    wanted = sorted({a for r in rows for a in consolidating.get((r[4], r[3]), [])})
    leads: dict[int, set[str]] = {}
    if wanted:
        for aid, code in session.execute(
            select(col(TaskInstance.assignment_id), col(Agency.code))
            .distinct()
            .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
            .where(col(TaskInstance.assignment_id).in_(wanted))
        ).all():
            leads.setdefault(aid, set()).add(code)
    return {
        iid: instance_audience(
            lead=lead,
            co_agencies=co or [],
            coordinator=coordinator,
            consolidators={c for a in consolidating.get((did, clause), []) for c in leads.get(a, ())},
        )
        for iid, lead, co, clause, did, coordinator in rows
    }


def change_stamp(*, session: Session) -> int:
    """The newest audit row's id: every write of dondoc's use cases (completion, extension, planning,
    import, portal submission and decision) adds one, so an unchanged stamp means an unchanged page."""
    return int(session.execute(select(func.max(col(AuditEvent.id)))).scalar_one() or 0)


def agency_name(code: str, *, session: Session) -> str:
    row = session.execute(select(func.coalesce(Agency.short_name, Agency.name)).where(col(Agency.code) == code)).first()
    if row is not None:
        return str(row[0])
    group = session.execute(select(col(AgencyGroup.name)).where(col(AgencyGroup.code) == code)).first()
    return str(group[0]) if group else code
