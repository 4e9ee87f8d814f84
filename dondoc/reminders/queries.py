"""Set-based selection of the instances a sweep looks at (SQLAlchemy Core, columns only).

The planner tells which due dates can have a stage today (``candidate_due_dates``); the
database returns the open instances with those due dates through the partial index on open
rows (``ix_instance_open_agency_due``). The state literal is inlined in the SQL: SQLite
ignores a partial index when the value is a bound parameter.

A co-agency list may name a group (170/KH-VP PL 1.1: ``dn-g-vp-phong``); reminders go to
agencies, so the group is expanded to its members on the instance's due date, and an ended agency
to its successors (``co_agency_registry`` is loaded once per sweep and passed in).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, literal_column, or_, select, text
from sqlmodel import Session, col

from dondoc.directives.queries import CoAgencyRegistry, co_agency_registry, expand_co_agencies, instance_rows
from dondoc.domain.planning import report_targets
from dondoc.domain.recurrence import is_monthly
from dondoc.domain.reminders import DueInstance
from dondoc.models import Agency, Assignment, Directive, TaskInstance

_CHUNK = 500  # dates per IN list (SQLite's parameter limit is far above; keeps statements small)


@dataclass(frozen=True)
class LineFacts:
    """What a digest line shows about an instance."""

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


def _columns() -> Select[*tuple[Any, ...]]:
    return instance_rows(
        col(TaskInstance.id),
        col(TaskInstance.due_date),
        col(TaskInstance.opens_on),
        col(TaskInstance.state),
        col(TaskInstance.completed_on),
        col(TaskInstance.period),
        col(Assignment.clause),
        col(Assignment.summary),
        col(Assignment.co_agencies),
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
        col(Assignment.report_to_codes),
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


def _rows(session: Session, stmt: Select[*tuple[Any, ...]]) -> Iterable[Any]:
    return session.execute(stmt).all()


def select_candidates(
    session: Session,
    due_dates: Collection[date],
    *,
    province: str | None,
    historical_as_of: date | None = None,
    members: CoAgencyRegistry | None = None,
    day: date | None = None,
) -> tuple[list[DueInstance], dict[int, LineFacts]]:
    """The planner's input and the digest's facts for every candidate instance.

    ``members`` (the dated registry, from ``co_agency_registry``) expands group co-agencies as of
    each instance's due date; None loads it. ``day`` (the sweep's): escalations go to the
    coordinating office in force that day (an office that ended hands over to its successor).
    """
    if members is None:
        members = co_agency_registry(session)
    ordered = sorted(due_dates)
    facts: list[DueInstance] = []
    lines: dict[int, LineFacts] = {}
    for start in range(0, len(ordered), _CHUNK):
        stmt = candidates_statement(ordered[start : start + _CHUNK], province=province, historical_as_of=historical_as_of)
        _collect(_rows(session, stmt), facts, lines, historical_as_of, members, day)
    return facts, lines


def select_instances(
    session: Session,
    ids: Collection[int],
    *,
    historical_as_of: date | None = None,
    members: CoAgencyRegistry | None = None,
    day: date | None = None,
) -> tuple[list[DueInstance], dict[int, LineFacts]]:
    """The same facts for given instances (ledger retries); ``members`` and ``day`` as for ``select_candidates``."""
    facts: list[DueInstance] = []
    lines: dict[int, LineFacts] = {}
    ordered = sorted(ids)
    if not ordered:
        return facts, lines
    if members is None:
        members = co_agency_registry(session)
    for start in range(0, len(ordered), _CHUNK):
        stmt = _columns().where(col(TaskInstance.id).in_(ordered[start : start + _CHUNK]))
        _collect(_rows(session, stmt), facts, lines, historical_as_of, members, day)
    return facts, lines


def _office(memo: dict[str, str], members: CoAgencyRegistry, code: str | None, day: date | None) -> str:
    if not code or day is None:
        return code or ""
    if code not in memo:
        memo[code] = members.in_force(code, day)
    return memo[code]


def _collect(
    rows: Iterable[Any],
    facts: list[DueInstance],
    lines: dict[int, LineFacts],
    historical_as_of: date | None,
    members: CoAgencyRegistry,
    day: date | None = None,
) -> None:
    offices: dict[str, str] = {}  # coordinating office → the one in force on ``day``
    for r in rows:
        (iid, due, opens, state, done_on, period, clause, summary, co, rule, dtext, dcode, dnum, title, prov, coord, acode, ashort, aname, rto, rvia) = r
        if due is None:
            continue
        if historical_as_of is not None and state == "done" and done_on is not None and done_on > historical_as_of:
            state, done_on = "open", None  # as it stood on that day
        facts.append(
            DueInstance(
                iid,
                due,
                opens,
                monthly=is_monthly(rule),
                lead=acode,
                co_agencies=tuple(expand_co_agencies(co, members, due)),
                coordinator=_office(offices, members, coord, day),
                province=prov,
                directive=dcode,
                state=state,
                completed_on=done_on,
            )
        )
        report_to, report_via = tuple(report_targets(acode, rto or [])), (rvia if rvia != acode else None)
        lines[iid] = LineFacts(iid, dcode, dnum, title, prov, clause, summary, dtext, acode, ashort or aname, period, report_to, report_via)


def agency_names(session: Session, codes: Collection[str]) -> dict[str, str]:
    if not codes:
        return {}
    stmt = select(col(Agency.code), col(Agency.short_name), col(Agency.name)).where(col(Agency.code).in_(sorted(codes)))
    return {code: short or name for code, short, name in session.execute(stmt).all()}


def directives_in_scope(session: Session, province: str | None) -> list[tuple[str, str]]:
    """(directive code, province) of every directive a sweep may touch: their policies are loaded once."""
    stmt = select(col(Directive.code), col(Directive.province))
    if province:
        stmt = stmt.where(col(Directive.province) == province)
    return [(c, p) for c, p in session.execute(stmt).all()]


def explain(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[str]:
    """SQLite's plan for a statement (tests check the hot query uses the partial index)."""
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return [str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()]
