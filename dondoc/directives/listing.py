"""Task rows and per-directive progress as of a day, read with Core selects over :mod:`dondoc.db.tables`.

``dondoc tasks``, ``deadlines``, ``directives`` and ``status`` (and every caller of :func:`queries.task_rows`
and of :func:`directive_progress`: the tracking flows) read through here: no SQLModel class is built,
so a read command pays for the query, not for the ORM models of every table. Each function takes an
ORM session or, from the read commands (:func:`dondoc.db.read_scope`), a bare Core connection: then
the ORM is not even imported.
"""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import date
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Select, func, select

from dondoc.configuration.files import load_calendar, load_policy
from dondoc.db import tables as t
from dondoc.directives.rows import ROLE_CO, ROLE_LEAD, AssignmentProgress, DirectiveHead, TaskRow
from dondoc.domain.reporting import report_targets
from dondoc.domain.status import STATUS_VI, InstanceFacts, Status, assignment_status, classify, in_official_order
from dondoc.domain.vocabulary import InstanceState
from dondoc.errors import NotFoundError

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

ti, d, a, ag, gr = t.task_instance.c, t.directive.c, t.assignment.c, t.agency.c, t.agency_group.c

#: The columns of a task row, labelled with the :class:`TaskRow` field they fill (or the name :func:`task_rows` reads).
_COLUMNS: dict[str, Any] = {
    "instance_id": ti.id, "directive": d.code, "directive_number": d.number,
    "province": d.province, "clause": a.clause, "summary": a.summary, "acode": ag.code,
    "ashort": ag.short_name, "aname": ag.name, "period": ti.period, "kind": ti.kind,
    "due": ti.due_date, "original_due": ti.original_due_date, "deadline_text": a.deadline_text,
    "report_to": a.report_to_codes, "state": ti.state, "opens": ti.opens_on,
    "done_on": ti.completed_on, "evidence": ti.completion_evidence,
    "extended_at": ti.extended_at, "due_on_day_off": ti.due_on_day_off,
    "co_agencies": a.co_agencies, "position": a.position, "report_via": a.report_via,
    "ad_hoc": a.ad_hoc,
}  # fmt: skip

#: Columns that reach :class:`TaskRow` unchanged.
_PASSED_THROUGH = (
    "instance_id", "directive", "directive_number", "province", "clause", "summary", "period", "kind", "due", "original_due",
    "deadline_text", "due_on_day_off", "ad_hoc",
)  # fmt: skip
#: Those columns of a result row, by position (a row's ``_mapping[name]`` costs ~2 µs, 13 of them a third of the loop).
_passed_through = itemgetter(*(list(_COLUMNS).index(name) for name in _PASSED_THROUGH))


class AgencyRef(NamedTuple):
    id: int
    code: str
    name: str
    short_name: str | None


def _base() -> Select[Any]:
    return (
        select(*(column.label(name) for name, column in _COLUMNS.items()))
        .select_from(t.task_instance)
        .join(t.assignment, a.id == ti.assignment_id)
        .join(t.directive, d.id == ti.directive_id)
        .join(t.agency, ag.id == ti.agency_id)
    )


def directive_not_found(code: str, *, session: Session | Connection) -> NotFoundError:
    known = [c for (c,) in session.execute(select(d.code)).all()]
    return NotFoundError(
        f"directive {code!r}: not imported; known: {', '.join(known) or 'none (run `dondoc import directives_seed`)'}"
    )


def agency_not_found(code: str, *, session: Session | Connection) -> NotFoundError:
    labels: dict[str, str] = {}
    for acode, name, short_name, aliases in session.execute(select(ag.code, ag.name, ag.short_name, ag.aliases).order_by(ag.id)):
        for label in [acode, name, short_name or "", *aliases]:
            labels.setdefault(label.lower(), acode)
    close = difflib.get_close_matches(code.lower(), list(labels), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(dict.fromkeys(labels[c] for c in close))}?" if close else "list codes with `dondoc agencies`"
    return NotFoundError(f"agency {code!r}: unknown; {hint}")


def directive_code(code: str, *, session: Session | Connection) -> str:
    found = session.execute(select(d.code).where(d.code == code).limit(1)).scalar()
    if found is None:
        raise directive_not_found(code, session=session)
    return str(found)


def agency_ref(code: str, *, session: Session | Connection) -> AgencyRef:
    row = session.execute(select(ag.id, ag.code, ag.name, ag.short_name).where(ag.code == code).limit(1)).first()
    if row is None:
        raise agency_not_found(code, session=session)
    return AgencyRef(*row)


def answers_to(agency_id: int, agency_code: str, *, session: Session | Connection) -> set[str]:
    """The codes an agency is addressed by: its own and every group it belongs to (co-agency lists name either)."""
    groups = session.execute(
        select(t.agency_group.c.code)
        .join(t.group_member, t.group_member.c.group_id == t.agency_group.c.id)
        .where(t.group_member.c.agency_id == agency_id)
    )
    return {agency_code, *(g for (g,) in groups)}


def issued_iso(year: int, month: int | None, day: int | None) -> str:
    """An issue date whose day or month may be blank: 2023-11-02, 2022-05 or 2023."""
    return "-".join([f"{year:04d}", *([f"{month:02d}"] if month else []), *([f"{day:02d}"] if month and day else [])])


def directive_listing(*, session: Session | Connection) -> list[dict[str, Any]]:
    """Imported directives with their count of active assignments, by province and code."""
    counts: dict[int, int] = dict(session.execute(select(a.directive_id, func.count()).where(a.active).group_by(a.directive_id)).tuples().all())
    listed = select(d.id, d.code, d.number, d.province, d.kind, d.issued_year, d.issued_month, d.issued_day, d.title,
                    d.coordinator_code, d.source_file).order_by(d.province, d.code)  # fmt: skip
    return [
        {
            "code": r.code,
            "number": r.number,
            "province": r.province,
            "kind": r.kind,
            "issued": issued_iso(r.issued_year, r.issued_month, r.issued_day),
            "title": r.title,
            "coordinator": r.coordinator_code,
            "assignments": counts.get(r.id, 0),
            "source_file": r.source_file,
        }
        for r in session.execute(listed)
    ]


def task_rows(
    *,
    session: Session | Connection,
    as_of: date,
    directive: str | None = None,
    agency: str | None = None,
    province: str | None = None,
    statuses: set[Status] | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    include_co_agency: bool = False,
    include_cancelled: bool = False,
) -> list[TaskRow]:
    """Task instances with their status as of ``as_of``, optionally as co-agency too."""
    stmt = _base()
    if directive:
        stmt = stmt.where(d.code == directive_code(directive, session=session))
    if province:
        stmt = stmt.where(d.province == province)
    if due_from:
        stmt = stmt.where(ti.due_date >= due_from)
    if due_to:
        stmt = stmt.where(ti.due_date <= due_to)
    lead_stmt = stmt
    agency_row: AgencyRef | None = None
    if agency:
        agency_row = agency_ref(agency, session=session)
        lead_stmt = stmt.where(ti.agency_id == agency_row.id)
    order = (d.code, a.position, ti.due_date, ag.code)
    results = [(ROLE_LEAD, r) for r in session.execute(lead_stmt.order_by(*order)).all()]
    if include_co_agency and agency_row is not None:
        co_rows = session.execute(stmt.order_by(*order)).all()
        names = answers_to(agency_row.id, agency_row.code, session=session)
        results.extend((ROLE_CO, r) for r in co_rows if names & set(r.co_agencies or []) and r.acode != agency_row.code)
    calendar = load_calendar()
    policies: dict[str, Any] = {}
    rows: list[TaskRow] = []
    for role, r in results:
        if r.state == InstanceState.CANCELLED and not include_cancelled:
            continue
        policy = policies.get(r.province)
        if policy is None:  # once per province (setdefault built and validated it for every row)
            policy = policies[r.province] = load_policy(r.province)
        done_on = r.done_on if r.done_on and r.done_on <= as_of else None  # a completion recorded ahead is not seen yet
        status, colour = classify(InstanceFacts(r.kind, r.state, r.opens, r.due, r.done_on), as_of, calendar, policy)
        if statuses and status not in statuses:
            continue
        lead_code, lead_name = r.acode, r.ashort or r.aname
        shown = agency_row if role == ROLE_CO and agency_row is not None else None
        rows.append(
            TaskRow(
                **dict(zip(_PASSED_THROUGH, _passed_through(r), strict=True)),
                agency=shown.code if shown else r.acode,
                agency_name=(shown.short_name or shown.name) if shown else lead_name,
                role=role,
                lead_agency=lead_code,
                lead_name=lead_name,
                report_to=tuple(report_targets(lead_code, r.report_to or [])),
                status=str(status),
                status_vi=STATUS_VI[status],
                colour=str(colour),
                completed_on=done_on,
                evidence=r.evidence if done_on else None,
                extended=r.extended_at is not None,
                report_via=r.report_via if r.report_via != lead_code else None,
            )
        )
    return rows


def directive_head(code: str, *, session: Session | Connection) -> DirectiveHead:
    row = session.execute(
        select(d.id, d.code, d.number, d.province, d.title, d.issued_year, d.issued_month, d.issued_day).where(d.code == code).limit(1)
    ).first()
    if row is None:
        raise directive_not_found(code, session=session)
    return DirectiveHead(*row)


def directive_codes(*, session: Session | Connection, province: str | None = None) -> list[str]:
    """Every directive's code (of ``province``), in province and code order."""
    stmt = select(d.code).order_by(d.province, d.code)
    if province:
        stmt = stmt.where(d.province == province)
    return list(session.execute(stmt).scalars())


def directive_provinces(*, session: Session | Connection) -> list[str]:
    """The provinces that have at least one directive, in code order."""
    return list(session.execute(select(d.province).distinct().order_by(d.province)).scalars())


def lead_label(first: str, leads: int) -> str:
    """The first lead's name, and how many more the item names ("Sở Tư pháp và 1 cơ quan chủ trì khác")."""
    return f"{first} và {leads - 1} cơ quan chủ trì khác" if leads > 1 else first


#: The statuses a clause's "Xong/Tổng" counts.
_PROGRESS_COUNTED = frozenset({Status.DONE_ON_TIME, Status.DONE_LATE, Status.IN_PROGRESS, Status.OVERDUE, Status.ONGOING, Status.UNDATED})


def directive_progress(code: str, *, session: Session | Connection, as_of: date) -> tuple[DirectiveHead, list[AssignmentProgress]]:
    """Per assignment: counts by status as of a day, and for consolidations how many inputs arrived.

    Before the directive's issue date every clause is "Chưa ban hành"; a clause whose instances all
    open later is "Chưa đến kỳ"; "Hạn kế tiếp" is the first open due date on or after ``as_of``."""
    directive = directive_head(code, session=session)
    not_issued = as_of < directive.issued_on_or_after
    rows = task_rows(as_of=as_of, directive=code, session=session)
    assignments = session.execute(
        select(a.clause, a.summary, a.lead_code, a.lead_codes, a.deadline_text, a.deadline_reading, a.depends_on,
               func.coalesce(ag.short_name, ag.name, gr.name).label("lead_short"))
        .select_from(t.assignment)
        .outerjoin(t.agency, ag.code == a.lead_code)
        .outerjoin(t.agency_group, gr.code == a.lead_code)
        .where(a.directive_id == directive.id, a.active)
        .order_by(a.position)
    ).all()  # fmt: skip
    by_clause: dict[str, list[TaskRow]] = {}
    for row in rows:
        by_clause.setdefault(row.clause, []).append(row)
    out: list[AssignmentProgress] = []
    for assignment in assignments:
        every = by_clause.get(assignment.clause, [])
        mine = [r for r in every if Status(r.status) in _PROGRESS_COUNTED]
        counts = Counter(Status(r.status) for r in mine)
        upcoming = sorted(r.due for r in every if r.due and not r.completed_on)
        horizon = upcoming[0] if upcoming else None
        next_due = next((due for due in upcoming if due >= as_of), None)
        status = Status.NOT_ISSUED if not_issued else assignment_status(Counter(Status(r.status) for r in every))
        inputs = [
            r
            for dep in assignment.depends_on
            for r in by_clause.get(dep, [])
            if horizon is None or r.due is None or r.due <= horizon
        ]
        done_inputs = sum(1 for r in inputs if r.completed_on)
        out.append(
            AssignmentProgress(
                assignment.clause,
                assignment.summary,
                lead_label(assignment.lead_short or assignment.lead_code, len(assignment.lead_codes or [])),
                assignment.deadline_text,
                assignment.deadline_reading,
                next_due,
                in_official_order({str(k): v for k, v in counts.items()}),
                len(mine),
                counts[Status.DONE_ON_TIME] + counts[Status.DONE_LATE],
                done_inputs if assignment.depends_on else None,
                len(inputs) if assignment.depends_on else None,
                list(assignment.depends_on),
                status,
            )
        )
    return directive, out
