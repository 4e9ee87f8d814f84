"""Writes of the directives concern: an import batch (registry state, directives, assignments),
set-based (re)planning of task instances, and recording completions and extensions.

Planning is idempotent: instances are keyed by (assignment, agency, period) and upserted
with one executemany per batch; an instance someone acted on (completed or extended) is
never re-planned or removed, and a planned period that disappears is cancelled, not deleted (and
reopened if a later version of the directive or registry plans it again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from dondoc.clock import utc_now
from dondoc.configuration.files import load_calendar, load_policy
from dondoc.db import audit, upsert_insert
from dondoc.directives.queries import instance_by_id, instance_parents
from dondoc.directives.rows import ClausePlan
from dondoc.directives.validation import Batch, DirectiveFile, assignment_kpis, content_hash
from dondoc.domain.dates import VN_TZ, vn_date
from dondoc.domain.deadlines import parse_deadline
from dondoc.domain.planning import ad_hoc_part, plan_assignment, plan_occurrences
from dondoc.domain.recurrence import horizon_end
from dondoc.domain.succession import GroupSpan, Lifespan, owners_on
from dondoc.errors import ConflictError, InputError
from dondoc.models import Agency, AgencyGroup, Assignment, Directive, InstanceState, TaskInstance
from dondoc.models.portal import PortalSubmission, SubmissionState
from dondoc.registries.diff import RegistryDiff
from dondoc.registries.state import RegistryState
from dondoc.registries.store import write_state

_now = utc_now

BATCH = 10_000
REPLANNED_AWAY = "Lập lại kế hoạch: văn bản thay đổi (nhiệm vụ hoặc kỳ không còn)"
REPLACED = "Danh mục cơ quan được thay thế (điều phối viên đã xác nhận sau --check)"


@dataclass(frozen=True)
class PlanResult:
    planned: int
    inserted: int
    cancelled: int
    handed_over: int = 0  # of the cancelled: passed to a successor (the registry says how)
    kept: int = 0  # would have been cancelled by a registry change that says nothing about them: kept open
    notes: tuple[str, ...] = ()  # what the import summary must say (co-agency inputs left on cancelled tasks)
    reopened: int = 0  # cancelled by an earlier replanning, planned again: open again


@dataclass(frozen=True)
class Loss:
    """Open instances a registry change would take from an agency without naming who takes them over."""

    directive: str
    clause: str
    agency: str
    count: int


def registry_view(state: RegistryState, *, session: Session) -> tuple[dict[str, Lifespan], dict[str, GroupSpan], dict[str, int]]:
    """Lifespans, group spans and code → id of every stored agency (the state must already be written)."""
    ids = {code: i for code, i in session.exec(select(Agency.code, Agency.id)) if i is not None}
    return state.lifespans(), state.group_spans(), ids


def plan_directive(
    directive: Directive, *, session: Session, as_of: date, actor: str, state: RegistryState | None = None, cancel_lost: bool = False
) -> tuple[PlanResult, list[Loss]]:
    """Plan, and list the open work a registry change would take away without a successor.

    Each occurrence is led by the agencies the lead resolves to on its day (a group's members
    then; an ended agency's successors). An open, untouched instance that is no longer planned is
    cancelled when its clause or period went away (the directive changed) or when its agency ended
    and handed the work over; otherwise it is *lost* work: kept open and returned, unless
    ``cancel_lost`` (the coordinator confirmed the replacement).
    """
    from dondoc.registries.queries import stored_state

    assert directive.id is not None
    policy = load_policy(directive.province, directive.number)
    calendar = load_calendar()
    horizon = horizon_end(max(as_of, directive.start_date), policy.horizon_months)
    issued = directive.start_date
    now = _now()
    lifespans, spans, ids = registry_view(state if state is not None else stored_state(session=session), session=session)
    rows: list[dict[str, Any]] = []
    periods: dict[int, set[str]] = {}
    assignments = list(session.exec(select(Assignment).where(Assignment.directive_id == directive.id, col(Assignment.active))))
    for assignment in assignments:
        assert assignment.id is not None
        if assignment.repeats:
            continue  # the same task stated again (body ↔ appendix): planned once, under the clause it repeats
        parsed = parse_deadline(assignment.deadline_text, issued=issued, policy=policy)
        first, end = assignment.start_date or directive.start_date, directive.end_date
        stated = assignment.start_date is not None
        occurrences = plan_occurrences(
            parsed, start=first, end=end, horizon_end=horizon, calendar=calendar, policy=policy, start_stated=stated
        )
        periods[assignment.id] = {occ.period for occ in occurrences}  # those that exist, led by someone or not
        planned = plan_assignment(
            parsed,
            assignment.lead_codes or [assignment.lead_code],
            start=first,
            end=end,
            horizon_end=horizon,
            calendar=calendar,
            policy=policy,
            lifespans=lifespans,
            groups=spans,
            as_of=as_of,
            co_agencies=assignment.co_agencies or [],
            start_stated=stated,
        )
        rows.extend(
            {
                "assignment_id": assignment.id,
                "agency_id": ids[p.agency_code],
                "period": p.occurrence.period,
                "kind": p.occurrence.kind,
                "opens_on": p.occurrence.opens_on,
                "due_date": p.occurrence.due_date,
                "original_due_date": p.occurrence.due_date,
                "due_on_day_off": p.occurrence.due_on_day_off,
            }
            for p in planned
        )
    table = TaskInstance.__table__  # type: ignore[attr-defined]
    before = session.exec(select(func.count()).select_from(TaskInstance).where(TaskInstance.directive_id == directive.id)).one()
    reopened = _reopened(directive.id, rows, session=session) if before else 0  # a first planning has nothing to reopen
    insert = upsert_insert(session)
    for start in range(0, len(rows), BATCH):
        # what every row shares is bound once per statement, not once per row
        stmt = insert(table).values(directive_id=directive.id, state=InstanceState.OPEN, updated_at=now, kpi_values={})
        not_acted_on = and_(table.c.completed_on.is_(None), table.c.extended_at.is_(None))
        differs = or_(
            table.c.due_date.is_distinct_from(stmt.excluded.due_date),
            table.c.opens_on.is_distinct_from(stmt.excluded.opens_on),
            table.c.kind.is_distinct_from(stmt.excluded.kind),
        )
        # Work that planning cancelled (its clause, period or agency went away) and that is planned
        # again (the clause is back, the registry corrected) is open again, not left cancelled.
        stmt = stmt.on_conflict_do_update(
            index_elements=["assignment_id", "agency_id", "period"],
            set_={
                "due_date": stmt.excluded.due_date,
                "original_due_date": stmt.excluded.original_due_date,
                "opens_on": stmt.excluded.opens_on,
                "kind": stmt.excluded.kind,
                "due_on_day_off": stmt.excluded.due_on_day_off,
                "state": stmt.excluded.state,
                "cancelled_reason": None,
                "updated_at": stmt.excluded.updated_at,
            },
            where=and_(
                not_acted_on, or_(and_(table.c.state == InstanceState.OPEN, differs), table.c.state == InstanceState.CANCELLED)
            ),
        )
        session.connection().execute(stmt, rows[start : start + BATCH])
    after = session.exec(select(func.count()).select_from(TaskInstance).where(TaskInstance.directive_id == directive.id)).one()
    codes = {i: c for c, i in ids.items()}
    gone = _unplanned(directive.id, rows, horizon, session=session) if before else []  # nothing planned before: nothing unplanned
    clauses = {a.id: a.clause for a in assignments}
    replanned_away: list[int] = []
    handed: dict[str, list[int]] = {}
    lost: dict[tuple[str, str], list[int]] = {}
    for instance_id, assignment_id, agency_id, period, due in gone:
        if period not in periods.get(assignment_id, set()):
            replanned_away.append(instance_id)  # the directive no longer has this clause or period
            continue
        code = codes[agency_id]
        day = due or as_of
        life = lifespans.get(code)
        owners = owners_on(code, day, lifespans)
        if life is not None and life.valid_to is not None and life.valid_to < day and owners != (code,):
            handed.setdefault(_handover_reason(owners, life.valid_to, session=session), []).append(instance_id)
        else:
            lost.setdefault((clauses.get(assignment_id, "?"), code), []).append(instance_id)
    lost_ids = [i for ids_ in lost.values() for i in ids_]
    doomed = [*replanned_away, *(i for ids_ in handed.values() for i in ids_), *(lost_ids if cancel_lost else [])]
    notes = _submissions_kept_on(directive.code, doomed, session=session)  # refuses while a submission awaits the Office
    _cancel(replanned_away, REPLANNED_AWAY, now, session=session)
    for reason, instance_ids in handed.items():
        _cancel(instance_ids, reason, now, session=session)
    if cancel_lost:
        _cancel(lost_ids, REPLACED, now, session=session)
    cancelled = len(replanned_away) + sum(map(len, handed.values())) + (len(lost_ids) if cancel_lost else 0)
    if after != before or cancelled or reopened:
        audit.record(
            session,
            "directive.planned",
            actor=actor,
            directive_id=directive.id,
            detail={
                "as_of": as_of.isoformat(),
                "horizon": horizon.isoformat(),
                "inserted": after - before,
                "cancelled": cancelled,
                "handed_over": sum(map(len, handed.values())),
                "replaced": len(lost_ids) if cancel_lost else 0,
                "reopened": reopened,
            },
        )
    losses = [Loss(directive.code, clause, agency, len(v)) for (clause, agency), v in sorted(lost.items())]
    result = PlanResult(
        planned=len(rows),
        inserted=after - before,
        cancelled=cancelled,
        handed_over=sum(map(len, handed.values())),
        kept=0 if cancel_lost else len(lost_ids),
        notes=tuple(notes),
        reopened=reopened,
    )
    return result, losses


def _reopened(directive_id: int, rows: Sequence[dict[str, Any]], *, session: Session) -> int:
    """How many cancelled instances nobody acted on are planned again (the upsert reopens them)."""
    planned = {(r["assignment_id"], r["agency_id"], r["period"]) for r in rows}
    t = TaskInstance.__table__.c  # type: ignore[attr-defined]
    cancelled = session.execute(
        sa_select(t.assignment_id, t.agency_id, t.period)
        .where(t.directive_id == directive_id, t.state == InstanceState.CANCELLED)
        .where(t.completed_on.is_(None), t.extended_at.is_(None))
    ).all()
    return sum(1 for key in cancelled if tuple(key) in planned)


def _submissions_kept_on(directive: str, ids: Sequence[int], *, session: Session) -> list[str]:
    """Portal submissions on the instances about to be cancelled: refused while one awaits a decision.

    A department's completion report or extension request that the Office has not decided would
    otherwise hang on a cancelled task that can no longer be approved (lost). A co-agency's input
    (nothing to decide) stays stored with the cancelled task: returned as a note for the import summary.
    """
    rows: list[Any] = []
    for start in range(0, len(ids), BATCH):
        rows.extend(
            session.execute(
                sa_select(col(PortalSubmission.id), col(PortalSubmission.state), col(PortalSubmission.agency_code), col(Assignment.clause))
                .join(TaskInstance, col(TaskInstance.id) == col(PortalSubmission.instance_id))
                .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
                .where(col(PortalSubmission.instance_id).in_(ids[start : start + BATCH]))
                .where(col(PortalSubmission.state).in_([SubmissionState.PENDING, SubmissionState.RECEIVED]))
                .order_by(col(PortalSubmission.id))
            ).all()
        )

    def listed(chosen: list[Any]) -> str:
        shown = ", ".join(f"#{r.id} mục {r.clause} · {r.agency_code}" for r in chosen[:5])
        return shown + (f" và {len(chosen) - 5} đề nghị khác" if len(chosen) > 5 else "")

    pending = [r for r in rows if r.state == SubmissionState.PENDING]
    if pending:
        raise InputError(
            f"{directive}: lần nhập này sẽ hủy {len(pending)} nhiệm vụ có đề nghị gửi qua cổng đang chờ Văn phòng duyệt "
            f"({listed(pending)}); duyệt hoặc từ chối các đề nghị đó trước (trang Văn phòng trên cổng, hoặc deployment "
            "review-submission), rồi nhập lại; chưa ghi gì"
        )
    inputs = [r for r in rows if r.state == SubmissionState.RECEIVED]
    if not inputs:
        return []
    return [
        f"{directive}: {len(inputs)} đầu vào của cơ quan phối hợp ({listed(inputs)}) thuộc nhiệm vụ bị hủy khi lập lại kế hoạch; "
        "vẫn lưu cùng nhiệm vụ đã hủy, không chuyển sang nhiệm vụ mới; cơ quan phối hợp gửi lại nếu nhiệm vụ mới còn cần"
    ]


def _handover_reason(owners: Sequence[str], last_day: date, *, session: Session) -> str:
    names = dict(session.exec(select(Agency.code, Agency.short_name).where(col(Agency.code).in_(list(owners)))).all())
    shown = [names.get(o) or o for o in owners]
    listed = ", ".join(shown[:5]) + (f" và {len(shown) - 5} cơ quan khác" if len(shown) > 5 else "")
    return f"Chuyển giao cho cơ quan kế thừa từ {vn_date(last_day + timedelta(days=1))}: {listed}"


def _unplanned(
    directive_id: int, rows: Sequence[dict[str, Any]], horizon: date,
    *,
    session: Session,
) -> list[tuple[int, int, int, str, date | None]]:
    """Open, untouched instances whose (assignment, agency, period) is no longer planned."""
    planned = {(r["assignment_id"], r["agency_id"], r["period"]) for r in rows}
    t = TaskInstance.__table__.c  # type: ignore[attr-defined]
    candidates = session.execute(
        sa_select(t.id, t.assignment_id, t.agency_id, t.period, t.due_date)
        .where(t.directive_id == directive_id, t.state == InstanceState.OPEN)
        .where(t.completed_on.is_(None), t.extended_at.is_(None))
        .where(or_(t.due_date.is_(None), t.due_date <= horizon))
    ).all()
    return [(i or 0, a, g, p, d) for i, a, g, p, d in candidates if (a, g, p) not in planned]


def _cancel(ids: Sequence[int], reason: str, now: datetime, *, session: Session) -> None:
    for start in range(0, len(ids), BATCH):
        session.exec(
            update(TaskInstance)
            .where(col(TaskInstance.id).in_(ids[start : start + BATCH]))
            .values(state=InstanceState.CANCELLED, cancelled_reason=reason, updated_at=now)
        )


def _check_kpis(instance: TaskInstance, kpis: dict[str, float], *, session: Session) -> None:
    if not kpis:
        return
    assignment, directive, _agency = instance_parents(instance, session=session)
    known = {k["key"] for k in [*assignment.kpis, *directive.kpis]}
    unknown = sorted(set(kpis) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none declared for this task or directive"
        raise InputError(f"--kpi {', '.join(unknown)}: not a KPI of {directive.code} {assignment.clause}; known keys: {listed}")


def already_completed_message(instance: TaskInstance) -> str:
    """Who recorded the existing completion, and when, in one line with what to do."""
    recorded = instance.completion_recorded_at
    when = _aware(recorded).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y") if recorded else "không rõ lúc nào"
    on = instance.completed_on.strftime("%d/%m/%Y") if instance.completed_on else "?"
    return (
        f"nhiệm vụ #{instance.id} đã được ghi nhận hoàn thành ngày {on} (căn cứ: {instance.completion_evidence or '—'}) "
        f"bởi {instance.completed_by or 'không rõ'} lúc {when}; thêm --force nếu muốn ghi đè (bản cũ vẫn lưu trong nhật ký)"
    )


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@dataclass(frozen=True)
class CompletionReport:
    """What an agency reports: the day it fulfilled the task, the evidence (the report's number and
    date) and the KPI actuals it reports with it (e.g. digitized_rate=72.5)."""

    on: date
    evidence: str
    kpis: dict[str, float] = field(default_factory=dict)


def complete_instance(
    instance_id: int, report: CompletionReport, *, session: Session, actor: str, today: date, force: bool = False
) -> TaskInstance:
    """Record that an instance was fulfilled as ``report`` says.

    An instance already completed is overwritten only with ``force``. The write is guarded by the completion
    that was read, so of two concurrent completions exactly one wins and the other gets a
    :class:`ConflictError` saying who completed it and when.
    """
    instance = instance_by_id(instance_id, session=session)
    on, evidence, kpis = report.on, report.evidence, report.kpis
    _check_kpis(instance, kpis, session=session)
    if on > today:
        raise InputError(
            f"--on {vn_date(on)}: completion date is in the future (today is {vn_date(today)}); record it on or after the day it happens"
        )
    if instance.state == InstanceState.CANCELLED:
        raise InputError(f"instance {instance_id}: cancelled ({instance.cancelled_reason}); nothing to complete")
    if not evidence.strip():
        raise InputError("--evidence: say what fulfilled the task (e.g. 'Báo cáo số 123/BC-STTTT ngày 04/12/2023')")
    if instance.completed_on is not None and not force:
        raise ConflictError(already_completed_message(instance))
    previous = {
        "on": instance.completed_on.isoformat() if instance.completed_on else None,
        "evidence": instance.completion_evidence,
        "by": instance.completed_by,
        "recorded_at": instance.completion_recorded_at.isoformat() if instance.completion_recorded_at else None,
    }
    seen = instance.completion_recorded_at
    now = _now()
    values: dict[str, Any] = {
        "state": InstanceState.DONE,
        "completed_on": on,
        "completion_evidence": evidence.strip(),
        "completed_by": actor,
        "completion_recorded_at": now,
        "updated_at": now,
    }
    if kpis:
        values["kpi_values"] = {**(instance.kpi_values or {}), **kpis}
    unchanged = (
        col(TaskInstance.completion_recorded_at).is_(None) if seen is None else col(TaskInstance.completion_recorded_at) == seen
    )
    result: Any = session.execute(
        update(TaskInstance)
        .where(col(TaskInstance.id) == instance_id, unchanged)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(instance)
    if result.rowcount != 1:  # another completion was recorded after we read the instance
        raise ConflictError(already_completed_message(instance))
    audit.record_on(
        session,
        "instance.completed",
        instance,
        actor=actor,
        detail={
            "on": on.isoformat(),
            "evidence": evidence,
            "kpis": kpis,
            "previous": previous["on"],
            "overwritten": previous if seen is not None else None,
        },
    )
    session.flush()
    return instance


def extend_instance(instance_id: int, *, session: Session, to: date, reason: str, actor: str) -> TaskInstance:
    """Approve an extension: the due date moves, the original is kept, lateness counts from the new date."""
    instance = instance_by_id(instance_id, session=session)
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
    detail = {"from": previous.isoformat(), "to": to.isoformat(), "reason": reason}
    audit.record_on(session, "instance.extended", instance, actor=actor, detail=detail)
    session.flush()
    return instance


@dataclass
class ImportSummary:
    provinces: list[str] = field(default_factory=list)
    agencies: int = 0
    groups: int = 0
    directives: list[str] = field(default_factory=list)
    assignments: int = 0
    plans: dict[str, PlanResult] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    diff: RegistryDiff = field(default_factory=RegistryDiff)
    unchanged: list[str] = field(default_factory=list)  # directives neither edited nor touched by a registry change
    losses: list[Loss] = field(default_factory=list)  # kept open (refused) or cancelled (confirmed replace)
    clauses: list[ClausePlan] = field(default_factory=list)  # --check: what each clause would plan

    @property
    def changed_nothing(self) -> bool:
        return self.diff.empty and not self.plans


_now = utc_now


def _acted_on_note(directive: str, gone: Assignment, *, session: Session) -> list[str]:
    """A clause dropped by the new version whose tasks someone completed or extended: say where they stay.

    They are kept (never cancelled) under the old clause, which no longer shows in ``dondoc status``;
    a clause that was only renumbered comes back, with them, when the file keeps its old number.
    """
    acted = session.exec(
        select(func.count())
        .select_from(TaskInstance)
        .where(TaskInstance.assignment_id == gone.id)
        .where(or_(col(TaskInstance.completed_on).is_not(None), col(TaskInstance.extended_at).is_not(None)))
    ).one()
    if not acted:
        return []
    return [
        f"{directive}: mục {gone.clause} không còn trong tệp; {acted} nhiệm vụ đã ghi nhận hoàn thành hoặc gia hạn của mục này "
        "được giữ nguyên dưới mục cũ (không hiện trong `dondoc status`); nếu chỉ đổi số mục, giữ số cũ "
        f"({gone.clause}) trong tệp rồi nhập lại để chúng hiện lại"
    ]


def _write_directive(item: DirectiveFile, actor: str, notes: list[str], *, session: Session) -> tuple[Directive, int, bool]:
    """Write one directive and its clauses; ``notes`` gets what the import summary must say."""
    m = item.model
    digest = content_hash(m)
    directive = session.exec(select(Directive).where(Directive.code == item.code)).first()
    changed = directive is None or directive.content_hash != digest
    parts = [int(p) for p in m.issued.split("-")]
    if directive is None:
        directive = Directive(
            code=item.code,
            province=m.province,
            issuer_code=item.issuer,
            kind=m.kind.value,
            issued_year=parts[0],
            title=m.title,
            source_file=m.source_file,
            seed_file=item.doc.path.name,
            coordinator_code=item.coordinator,
            start_date=m.start or item.issued,
            content_hash=digest,
            imported_at=_now(),
        )
    directive.number, directive.province, directive.issuer_code, directive.kind = m.number, m.province, item.issuer, m.kind.value
    directive.issued_year = parts[0]
    directive.issued_month = parts[1] if len(parts) > 1 else None
    directive.issued_day = parts[2] if len(parts) > 2 else None
    directive.title, directive.source_file, directive.seed_file, directive.signer = (
        m.title,
        m.source_file,
        item.doc.path.name,
        m.signer,
    )
    directive.coordinator_code, directive.start_date, directive.end_date = item.coordinator, m.start or item.issued, m.end
    directive.recipients, directive.kpis, directive.note = list(m.recipients), [k.model_dump(mode="json") for k in m.kpis], m.note
    if changed:
        directive.content_hash, directive.imported_at = digest, _now()
    session.add(directive)
    session.flush()
    assert directive.id is not None

    existing = {a.clause: a for a in session.exec(select(Assignment).where(Assignment.directive_id == directive.id))}
    group_codes = set(session.exec(select(AgencyGroup.code)))
    for position, a in enumerate(m.assignments):
        parsed = item.deadlines[a.clause]
        refs = item.refs[a.clause]
        row = existing.pop(a.clause, None) or Assignment(
            directive_id=directive.id,
            position=position,
            clause=a.clause,
            text=a.text,
            summary=a.summary,
            lead_code=refs.leads[0],
            lead_is_group=False,
            deadline_kind=parsed.kind.value,
            deadline_reading=parsed.reading,
        )
        row.position, row.text, row.summary, row.lead_code = position, a.text, a.summary, refs.leads[0]
        row.lead_is_group, row.lead_codes = refs.leads[0] in group_codes, list(refs.leads)
        row.co_agencies, row.deliverable, row.deadline_text = list(refs.co_agencies), a.deliverable, a.deadline
        row.deadline_kind, row.deadline_reading, row.deadline_rule = parsed.kind.value, parsed.reading, parsed.rule
        row.deadline_understood = parsed.understood
        row.report_to, row.report_to_codes = (refs.report_to[0] if refs.report_to else None), list(refs.report_to)
        row.report_via, row.depends_on = refs.report_via, list(a.depends_on)
        row.start_date, row.ad_hoc, row.repeats = a.start, ad_hoc_part(parsed), a.repeats
        row.kpis, row.note, row.active = assignment_kpis(a), a.note, True
        session.add(row)
    for gone in existing.values():
        if gone.active:
            notes.extend(_acted_on_note(item.code, gone, session=session))
        gone.active = False
        session.add(gone)
    if changed:
        audit.record(
            session,
            "directive.imported",
            actor=actor,
            directive_id=directive.id,
            detail={"file": item.doc.path.name, "assignments": len(m.assignments), "removed_clauses": sorted(existing)},
        )
    session.flush()
    return directive, len(m.assignments), changed


def apply_batch(
    batch: Batch, *, session: Session, as_of: date, actor: str, replace: str | None = None, check: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportSummary:  # fmt: skip
    """Write a validated batch in the caller's transaction and (re)plan the directives it affects.

    A directive is replanned when its file changed or its province's registry did (a province that
    merged into another counts as touched too). Open work that a registry change would take from an
    agency without a successor is refused (:class:`InputError` listing directives and clauses) unless
    ``replace`` equals the fingerprint of this very change, shown by ``dondoc import --check``.
    With ``check`` the losses are only listed (the caller rolls the transaction back).
    """
    diff = batch.diff
    summary = ImportSummary(warnings=batch.warnings, diff=diff)
    summary.provinces = sorted({reg.model.province for reg in batch.registries})
    summary.agencies = sum(len(reg.model.agencies) for reg in batch.registries)
    summary.groups = sum(len(reg.model.groups) for reg in batch.registries)
    write_state(batch.stored, batch.state, set(diff.provinces), session=session)
    if not diff.empty:
        audit.record(
            session,
            "registry.imported",
            actor=actor,
            detail={
                "files": [reg.doc.path.name for reg in batch.registries],
                "fingerprint": diff.fingerprint(),
                "added": len(diff.added),
                "ended": len(diff.ended),
                "renamed": len(diff.renamed),
                "memberships_added": len(diff.memberships_added),
                "memberships_removed": len(diff.memberships_removed),
                "successions": len(diff.successions),
            },
        )
    session.flush()
    confirmed = replace is not None and replace == diff.fingerprint()
    if replace is not None and not confirmed:
        raise InputError(
            f"--replace {replace}: does not match this change ({diff.fingerprint()}); run `dondoc import --check` on the same files "
            "and confirm what it shows"
        )
    touched = set(diff.provinces)
    written: list[tuple[Directive, bool]] = []
    for item in batch.directives:
        directive, count, changed = _write_directive(item, actor, summary.warnings, session=session)
        summary.directives.append(directive.code)
        summary.assignments += count
        written.append((directive, changed))
    # the batch's directives in file order (instance ids follow it), then the stored ones a registry change touches
    in_batch = {d.code for d, _ in written}
    others = session.exec(select(Directive).where(col(Directive.province).in_(touched)).order_by(col(Directive.code))).all()
    to_plan = [*written, *((d, False) for d in others if d.code not in in_batch)]
    for done, (directive, changed) in enumerate(to_plan, 1):
        if progress:  # ``progress(done, total, what)`` as each directive is (re)planned
            progress(done, len(to_plan), directive.number or directive.code)
        if changed or directive.province in touched:
            result, losses = plan_directive(
                directive, as_of=as_of, actor=actor, state=batch.state, cancel_lost=confirmed, session=session
            )
            summary.plans[directive.code] = result
            summary.losses.extend(losses)
            summary.warnings.extend(result.notes)
        else:
            summary.unchanged.append(directive.code)
    if summary.losses and not confirmed and not check:
        raise InputError(
            f"refused: this import would take {sum(x.count for x in summary.losses)} open task instance(s) from their agencies "
            "without a successor; nothing was imported",
            problems=[
                "refused: this import would take open work from agencies without naming who takes it over; nothing was imported",
                *(f"  {x.directive} mục {x.clause}: {x.agency} — {x.count} nhiệm vụ đang mở" for x in summary.losses),
                "Say how in the registry file (end the agency with a succession: effective date and successors), or run "
                f"`dondoc import --check` and confirm this exact replacement with `--replace {diff.fingerprint()}`.",
            ],
        )
    return summary
