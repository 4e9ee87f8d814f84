"""Set-based selection of the instances a sweep looks at (SQLAlchemy Core, columns only).

The planner tells which due dates can have a stage today (``candidate_due_dates``); the
database returns the open instances with those due dates through the partial index on open
rows (``ix_instance_open_agency_due``). The state literal is inlined in the SQL: SQLite
ignores a partial index when the value is a bound parameter.

A co-agency list may name a group (170/KH-VP PL 1.1: ``dn-g-vp-phong``); reminders go to
agencies, so the group is expanded to its members on the instance's due date, and an ended agency
to its successors. Only the part of the dated registry those co-agency lists reach is read
(``registry_for``: the codes named, their members, included groups and successors, with Core
tuples), not the nation's whole registry: a province's sweep reads a few dozen agencies.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select, String, and_, literal_column, or_, select, text, type_coerce
from sqlmodel import Session, col

from dondoc.db import decode
from dondoc.directives.queries import CoAgencyRegistry, instance_rows
from dondoc.domain.recurrence import is_monthly
from dondoc.domain.reminders import DueInstance
from dondoc.domain.reporting import report_targets
from dondoc.domain.succession import GroupSpan, Lifespan
from dondoc.models import Agency, AgencyGroup, AgencySuccession, Assignment, Directive, GroupMember, TaskInstance

_tuple = tuple.__new__  # a named tuple built from a tuple: ~2× faster than its class's __new__ (two per candidate)
_CHUNK = 500  # dates per IN list (SQLite's parameter limit is far above; keeps statements small)


class LineFacts(NamedTuple):
    """What a digest line shows about an instance (a tuple: one per candidate, tens of thousands a sweep)."""

    instance_id: int
    directive: str
    directive_number: str | None
    directive_title: str
    province: str
    clause: str
    summary: str
    deadline_text: str | None
    lead: str
    lead_name: str
    period: str
    report_to: tuple[str, ...] = ()  # the bodies the lead reports to (never itself)
    report_via: str | None = None


def _raw(column: Any) -> Any:
    """The column as the driver returns it (no SQLAlchemy result processing; the SQL is unchanged):
    ``dondoc.db.decode`` turns SQLite's ISO text and JSON text into dates and lists once per distinct value
    instead of once per row (the processors were ~40 % of the selection at 5M instances)."""
    return type_coerce(column, String)


def _columns() -> Select[*tuple[Any, ...]]:
    return instance_rows(
        col(TaskInstance.id),
        _raw(col(TaskInstance.due_date)),
        _raw(col(TaskInstance.opens_on)),
        col(TaskInstance.state),
        _raw(col(TaskInstance.completed_on)),
        col(TaskInstance.period),
        col(Assignment.clause),
        col(Assignment.summary),
        _raw(col(Assignment.co_agencies)),
        col(Assignment.deadline_rule),
        col(Assignment.deadline_text),
        col(Directive.code),
        col(Directive.number),
        col(Directive.title),
        col(Directive.province),
        col(Directive.coordinator_code),
        col(Agency.code),
        col(Agency.short_name),
        col(Agency.name),
        _raw(col(Assignment.report_to_codes)),
        col(Assignment.report_via),
    )


OPEN: Any = literal_column("task_instance.state = 'open'")  # inlined: lets SQLite use the partial index


def candidates_statement(due_dates: Collection[date], *, province: str | None, historical_as_of: date | None = None) -> Select[*tuple[Any, ...]]:
    """Open instances due on one of ``due_dates``.

    ``historical_as_of`` (replays of past days): also instances completed after that day, which
    were still open then. The daily sweep never needs it (a completion cannot be in the future).
    """
    stmt = _columns()
    in_dates = col(TaskInstance.due_date).in_(sorted(due_dates))
    if historical_as_of is None:
        stmt = stmt.where(OPEN, in_dates)
    else:
        later = and_(text("task_instance.state = 'done'"), col(TaskInstance.completed_on) > historical_as_of)
        stmt = stmt.where(or_(OPEN, later), in_dates)
    if province:
        stmt = stmt.where(col(Directive.province) == province)
    return stmt


def _rows(stmt: Select[*tuple[Any, ...]], *, session: Session) -> Iterable[Any]:
    return session.connection().execute(stmt).all()  # Core rows: nothing here is an ORM object


def select_candidates(
    due_dates: Collection[date],
    *,
    session: Session,
    province: str | None,
    historical_as_of: date | None = None,
    members: CoAgencyRegistry | None = None,
    day: date | None = None,
) -> tuple[list[DueInstance], dict[int, LineFacts]]:
    """The planner's input and the digest's facts for every candidate instance.

    ``members`` (the dated registry) expands group co-agencies as of each instance's due date;
    None reads the part of it that the candidates' co-agency lists and coordinating offices reach
    (``registry_for``). ``day`` (the sweep's): escalations go to the coordinating office in force
    that day (an office that ended hands over to its successor).
    """
    ordered = sorted(due_dates)
    rows: list[Any] = []
    for start in range(0, len(ordered), _CHUNK):
        stmt = candidates_statement(ordered[start : start + _CHUNK], province=province, historical_as_of=historical_as_of)
        rows.extend(_rows(stmt, session=session))
    return _collect(rows, historical_as_of, members, day, session=session)


def select_instances(
    ids: Collection[int],
    *,
    session: Session,
    historical_as_of: date | None = None,
    members: CoAgencyRegistry | None = None,
    day: date | None = None,
) -> tuple[list[DueInstance], dict[int, LineFacts]]:
    """The same facts for given instances (ledger retries); ``members`` and ``day`` as for ``select_candidates``."""
    ordered = sorted(ids)
    rows: list[Any] = []
    for start in range(0, len(ordered), _CHUNK):
        rows.extend(_rows(_columns().where(col(TaskInstance.id).in_(ordered[start : start + _CHUNK])), session=session))
    return _collect(rows, historical_as_of, members, day, session=session)


def _collect(
    rows: Sequence[Any], historical_as_of: date | None, members: CoAgencyRegistry | None, day: date | None = None,
    *,
    session: Session,
) -> tuple[list[DueInstance], dict[int, LineFacts]]:
    facts: list[DueInstance] = []
    lines: dict[int, LineFacts] = {}
    if members is None:  # co-agency lists and coordinating offices (for the one in force on ``day``)
        named = {code for listed in {decode.codes(r[8]) for r in rows} for code in listed}  # a few distinct lists
        named.update(r[15] for r in rows if r[15])
        members = registry_for(named, session=session)
    days: dict[Any, date] = {}  # raw date → date: a sweep's rows share a few hundred days
    expanded: dict[tuple[tuple[str, ...], date], tuple[str, ...]] = {}  # many instances share a list and a due date
    monthly: dict[str | None, bool] = {}
    offices: dict[str | None, str] = {}  # coordinating office → the one in force on ``day``
    targets: dict[tuple[str, tuple[str, ...], str | None], tuple[tuple[str, ...], str | None]] = {}  # (lead, report_to, via) → line's
    for r in rows:
        (iid, raw_due, raw_opens, state, raw_done, period, clause, summary, co, rule, dtext, dcode, dnum, title, prov, coord, acode, ashort, aname, rto, rvia) = r
        if raw_due is None:
            continue
        due = days.get(raw_due)
        if due is None:
            due = days[raw_due] = decode.day(raw_due)
        opens = days.get(raw_opens)
        if opens is None:
            opens = days[raw_opens] = decode.day(raw_opens)
        done_on = None if raw_done is None else decode.day(raw_done)
        if historical_as_of is not None and state == "done" and done_on is not None and done_on > historical_as_of:
            state, done_on = "open", None  # as it stood on that day
        co_agencies: tuple[str, ...] = ()
        listed = decode.codes(co)
        if listed:
            key = (listed, due)
            hit = expanded.get(key)
            if hit is None:
                hit = expanded[key] = tuple(members.expand(listed, due))
            co_agencies = hit
        is_monthly_rule = monthly.get(rule)
        if is_monthly_rule is None:
            is_monthly_rule = monthly[rule] = is_monthly(rule)
        office = offices.get(coord)
        if office is None:
            office = offices[coord] = members.in_force(coord, day) if coord and day is not None else coord or ""
        facts.append(_tuple(DueInstance, (iid, due, opens, is_monthly_rule, acode, co_agencies, office, prov, dcode, state, done_on)))
        to = decode.codes(rto)
        reports = targets.get((acode, to, rvia))
        if reports is None:
            reports = targets[(acode, to, rvia)] = (tuple(report_targets(acode, to)), rvia if rvia != acode else None)
        lines[iid] = _tuple(LineFacts, (iid, dcode, dnum, title, prov, clause, summary, dtext, acode, ashort or aname, period, *reports))
    return facts, lines


def registry_for(codes: Collection[str], *, session: Session) -> CoAgencyRegistry:
    """The dated registry reachable from ``codes`` (agencies or groups): their spans and lifespans, the
    members and included groups of the groups, the groups and agencies that succeed them, and so on
    until nothing new is named. ``CoAgencyRegistry.expand`` gives the same answer with it as with the
    whole registry for any list of those codes."""
    groups: dict[str, GroupSpan] = {}
    lives: dict[str, Lifespan] = {}
    asked: set[str] = set()
    todo = set(codes)
    while todo:
        batch = sorted(todo)
        asked.update(batch)
        found: set[str] = set()
        for start in range(0, len(batch), _CHUNK):
            found |= _registry_rows(batch[start : start + _CHUNK], groups, lives, session=session)
        todo = found - asked
    return CoAgencyRegistry(groups, lives)


def _registry_rows(codes: list[str], groups: dict[str, GroupSpan], lives: dict[str, Lifespan], *, session: Session) -> set[str]:
    """Load the groups and agencies among ``codes`` into ``groups``/``lives``; returns the codes they name."""
    named: set[str] = set()
    group_rows = session.execute(
        select(col(AgencyGroup.id), col(AgencyGroup.code), col(AgencyGroup.includes), col(AgencyGroup.valid_from),
               col(AgencyGroup.valid_to), col(AgencyGroup.successor_code))
        .where(col(AgencyGroup.code).in_(codes))
    ).all()  # fmt: skip
    if group_rows:
        members: dict[int, list[str]] = {}
        stmt = (
            select(col(GroupMember.group_id), col(Agency.code))
            .join(Agency, col(Agency.id) == col(GroupMember.agency_id))
            .where(col(GroupMember.direct), col(GroupMember.group_id).in_([g[0] for g in group_rows]))
        )
        for group_id, agency in session.execute(stmt).all():
            members.setdefault(group_id, []).append(agency)
        for gid, code, includes, valid_from, valid_to, successor in group_rows:
            span = GroupSpan(tuple(sorted(members.get(gid, []))), tuple(includes or ()), valid_from, valid_to, successor)
            groups[code] = span
            named.update(span.members, span.includes, [successor] if successor else [])
    successions = {
        code: [lead] if work == "lead" and lead else list(to or [])
        for code, work, lead, to in session.execute(
            select(col(AgencySuccession.from_code), col(AgencySuccession.work), col(AgencySuccession.lead_code), col(AgencySuccession.to_codes))
            .where(col(AgencySuccession.from_code).in_(codes))
        ).all()
    }  # fmt: skip
    stmt2 = select(col(Agency.code), col(Agency.valid_from), col(Agency.valid_to), col(Agency.successor_code)).where(col(Agency.code).in_(codes))
    for code, valid_from, valid_to, successor in session.execute(stmt2).all():
        receivers = successions[code] if code in successions else ([successor] if successor else [])
        lives[code] = Lifespan(valid_to, tuple(receivers), valid_from)
        named.update(receivers)
    return named


def agency_names(codes: Collection[str], *, session: Session) -> dict[str, str]:
    if not codes:
        return {}
    stmt = select(col(Agency.code), col(Agency.short_name), col(Agency.name)).where(col(Agency.code).in_(sorted(codes)))
    return {code: short or name for code, short, name in session.execute(stmt).all()}


def directives_in_scope(province: str | None, *, session: Session) -> list[tuple[str, str]]:
    """(directive code, province) of every directive a sweep may touch: their policies are loaded once."""
    stmt = select(col(Directive.code), col(Directive.province))
    if province:
        stmt = stmt.where(col(Directive.province) == province)
    return [(c, p) for c, p in session.connection().execute(stmt).all()]  # Core rows: a nation has thousands


def explain(stmt: Select[*tuple[Any, ...]], *, session: Session) -> list[str]:
    """SQLite's plan for a statement (tests check the hot query uses the partial index)."""
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return [str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()]
