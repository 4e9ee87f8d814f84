"""Set-based SQL for a report: one row per (agency, directive) with conditional counts, plus the lists.

The counting rules are those of :mod:`dondoc.domain.report_math`. A report only ever looks at rows
that are unsettled (``completed_on`` empty) or settled since the window opened; both are ranges of
``ix_instance_agency_completed (agency_id, completed_on)`` per agency of the province, so a quarter
costs in proportion to the quarter's rows and the open backlog, not to the province's whole history
(issue 13). The overdue and extended lists use the same two ranges.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from dondoc.domain.periods import Window
from dondoc.domain.report_math import Counts, KpiTarget, pick_target
from dondoc.models import Agency, Assignment, Directive, ProvinceMerger, TaskInstance
from dondoc.reports.model import ExtendedRow, KpiRow, OngoingRow, OverdueRow

T = TaskInstance.__table__  # type: ignore[attr-defined]
A = Agency.__table__  # type: ignore[attr-defined]
D = Directive.__table__  # type: ignore[attr-defined]
S = Assignment.__table__  # type: ignore[attr-defined]
M = ProvinceMerger.__table__  # type: ignore[attr-defined]
# Inlined rather than bound, so that the planner sees constants (PERFORMANCE.md, SQLite traps).
CANCELLED = literal("cancelled", literal_execute=True)
ONGOING = literal("ongoing", literal_execute=True)


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class ReportDirective:
    id: int
    code: str
    label: str
    title: str


def _n(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _province_agencies(province: str) -> Any:
    return select(A.c.id).where(A.c.province == province).scalar_subquery()


def _conditions(window: Window, as_of: date, t: Any = T.c) -> dict[str, ColumnElement[bool]]:
    """The counting conditions over the columns ``t`` (the table's, or a subquery's of the same names)."""
    dated = t.due_date.is_not(None)
    done_in = and_(t.completed_on >= window.start, t.completed_on <= as_of)
    not_done = or_(t.completed_on.is_(None), t.completed_on > as_of)
    open_in_time = and_(dated, not_done, t.due_date >= as_of, t.opens_on <= as_of)
    overdue = and_(dated, not_done, t.due_date < as_of)
    return {
        "on_time": and_(dated, done_in, t.completed_on <= t.due_date),
        "late": and_(dated, done_in, t.completed_on > t.due_date),
        "in_progress": open_in_time,
        "overdue": overdue,
        "ongoing": and_(t.due_date.is_(None), t.kind == ONGOING, t.opens_on <= as_of),
        "undated": and_(t.due_date.is_(None), t.kind != ONGOING, t.opens_on <= as_of),
        "extended": and_(dated, t.due_date != t.original_due_date, or_(done_in, open_in_time, overdue)),
    }


def _extended_when_dated(window: Window, as_of: date) -> ColumnElement[bool]:
    """``_conditions()["extended"]`` without its ``due_date IS NOT NULL`` (implied by ``due_date <> original_due_date``):
    that term alone would lead SQLite to walk every dated row of the agency instead of the partial index."""
    done_in = and_(T.c.completed_on >= window.start, T.c.completed_on <= as_of)
    not_done = or_(T.c.completed_on.is_(None), T.c.completed_on > as_of)
    return or_(done_in, and_(not_done, T.c.due_date >= as_of, T.c.opens_on <= as_of), and_(not_done, T.c.due_date < as_of))


def _relevant(window: Window, as_of: date, province: str, columns: list[Any]) -> Any:
    """Rows of the province a report over ``window`` as of ``as_of`` can count, as one UNION ALL of
    ranges of ``ix_instance_agency_completed (agency_id, completed_on, opens_on, due_date)`` per agency:

    - unsettled and open by ``as_of``;
    - unsettled, not open yet, but already past due (the due date is tested on the index entry);
    - settled since the window opened.

    Rows settled before the window are history, and unsettled rows that open after ``as_of`` and are
    not due before it count nothing: neither is read.
    """
    base = (T.c.agency_id.in_(_province_agencies(province)), T.c.state != CANCELLED)
    opened = select(*columns).where(*base, T.c.completed_on.is_(None), T.c.opens_on <= as_of)
    early_overdue = select(*columns).where(*base, T.c.completed_on.is_(None), T.c.opens_on > as_of, T.c.due_date < as_of)
    settled = select(*columns).where(*base, T.c.completed_on >= window.start)
    return union_all(opened, early_overdue, settled)


_COUNTED = [T.c.agency_id, T.c.directive_id, T.c.due_date, T.c.original_due_date, T.c.opens_on, T.c.completed_on, T.c.kind]


def counts_statement(province: str, window: Window, as_of: date) -> Select[Any]:
    """One row per (agency, directive): the counts of :class:`Counts`, in its field order."""
    rows = _relevant(window, as_of, province, _COUNTED).subquery("relevant")
    conditions = _conditions(window, as_of, rows.c)
    return select(
        rows.c.agency_id, rows.c.directive_id, *(_n(conditions[name]).label(name) for name in Counts.__dataclass_fields__)
    ).group_by(rows.c.agency_id, rows.c.directive_id)


def count_rows(session: Session, province: str, window: Window, as_of: date) -> list[tuple[int, int, Counts]]:
    rows = session.connection().execute(counts_statement(province, window, as_of)).all()
    out = [(r[0], r[1], Counts(*(int(v) for v in r[2:]))) for r in rows]
    return [(a, d, c) for a, d, c in out if c != Counts()]


def agencies(session: Session, province: str) -> dict[int, AgencyInfo]:
    rows = session.connection().execute(
        select(A.c.id, A.c.code, func.coalesce(A.c.short_name, A.c.name), A.c.kind).where(A.c.province == province)
    )
    return {r[0]: AgencyInfo(r[0], r[1], r[2], r[3]) for r in rows}


def directives(session: Session, ids: set[int]) -> dict[int, ReportDirective]:
    if not ids:
        return {}
    rows = session.connection().execute(select(D.c.id, D.c.code, D.c.number, D.c.title).where(D.c.id.in_(sorted(ids))))
    return {r[0]: ReportDirective(r[0], r[1], r[2] or f"{r[1]} (chưa có số)", r[3]) for r in rows}


def _listing(province: str) -> Select[Any]:
    return (
        select(
            T.c.id,
            func.coalesce(D.c.number, D.c.code),
            S.c.clause,
            S.c.summary,
            A.c.code,
            func.coalesce(A.c.short_name, A.c.name),
            T.c.due_date,
            T.c.original_due_date,
            T.c.extended_reason,
            T.c.completed_on,
        )
        .join(S, S.c.id == T.c.assignment_id)
        .join(D, D.c.id == T.c.directive_id)
        .join(A, A.c.id == T.c.agency_id)
        .where(T.c.agency_id.in_(_province_agencies(province)), T.c.state != CANCELLED)
    )


def overdue_rows(session: Session, province: str, as_of: date) -> list[OverdueRow]:
    """Tasks not completed by ``as_of`` whose due date has passed: worst first.

    Two index ranges: the unsettled rows due before ``as_of``, and those settled after it.
    """
    unsettled = _listing(province).where(T.c.completed_on.is_(None), T.c.due_date < as_of)
    settled_later = _listing(province).where(T.c.completed_on > as_of, T.c.due_date < as_of)
    rows = [
        OverdueRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], (as_of - r[6]).days, r[6] != r[7])
        for stmt in (unsettled, settled_later)
        for r in session.connection().execute(stmt)
    ]
    return sorted(rows, key=lambda o: (-o.days_overdue, o.directive, o.clause, o.agency_name))


def extended_rows(session: Session, province: str, window: Window, as_of: date) -> list[ExtendedRow]:
    """Extended tasks that the window counts (settled in it, or open at its cut-off)."""
    # Find them through the small partial index of extended rows, then join the few found to their names.
    found = select(T.c.id).where(
        T.c.agency_id.in_(_province_agencies(province)),
        T.c.due_date != T.c.original_due_date,  # the partial index's own predicate
        T.c.state != CANCELLED,
        or_(T.c.completed_on.is_(None), T.c.completed_on >= window.start),
        _extended_when_dated(window, as_of),
    )
    ids = sorted(i for (i,) in session.connection().execute(found))
    if not ids:
        return []
    rows = [
        ExtendedRow(r[0], r[1], r[2], r[3], r[5], r[7], r[6], r[8] or "", r[9] if r[9] and r[9] <= as_of else None)
        for start in range(0, len(ids), 10_000)  # stay under the drivers' bound-parameter limits
        for r in session.connection().execute(_listing(province).where(T.c.id.in_(ids[start : start + 10_000])))
    ]
    return sorted(rows, key=lambda e: (e.directive, e.clause, e.agency_name))


def ongoing_rows(session: Session, province: str, window: Window, as_of: date) -> list[OngoingRow]:
    """Ongoing (Thường xuyên) tasks per clause: how many leads, how many reported in the window."""
    reported = and_(T.c.completed_on >= window.start, T.c.completed_on <= as_of)
    stmt = (
        select(
            func.coalesce(D.c.number, D.c.code),
            S.c.clause,
            S.c.summary,
            S.c.position,
            func.count(),
            _n(reported),
        )
        .join(S, S.c.id == T.c.assignment_id)
        .join(D, D.c.id == T.c.directive_id)
        .where(T.c.agency_id.in_(_province_agencies(province)), T.c.state != CANCELLED)
        .where(T.c.due_date.is_(None), T.c.kind == ONGOING, T.c.opens_on <= as_of)
        .group_by(D.c.number, D.c.code, S.c.clause, S.c.summary, S.c.position)
        .order_by(func.coalesce(D.c.number, D.c.code), S.c.position)
    )
    return [OngoingRow(r[0], r[1], r[2], int(r[4]), int(r[5])) for r in session.connection().execute(stmt)]


def kpi_rows(session: Session, province: str, window: Window, as_of: date, infos: dict[int, AgencyInfo]) -> list[KpiRow]:
    """KPI actuals reported with completions in the window, against the target for the agency's level.

    The latest report of an agency for a KPI of a task wins.
    """
    declared = session.connection().execute(
        select(S.c.id, S.c.kpis, D.c.kpis)
        .join(D, D.c.id == S.c.directive_id)
        # a province that merged in: its directives' KPIs count for the agencies that now lead them
        .where(or_(D.c.province == province, D.c.province.in_(select(M.c.from_province).where(M.c.into_province == province))))
    )
    targets: dict[int, list[KpiTarget]] = {}
    for assignment_id, own, inherited in declared:
        found = [KpiTarget.from_dict(k) for k in [*(own or []), *(inherited or [])]]
        if found:
            targets[assignment_id] = found
    if not targets:
        return []
    stmt = (
        select(
            T.c.assignment_id,
            T.c.agency_id,
            T.c.completed_on,
            T.c.id,
            T.c.kpi_values,
            func.coalesce(D.c.number, D.c.code),
            S.c.clause,
            S.c.position,
        )
        .join(S, S.c.id == T.c.assignment_id)
        .join(D, D.c.id == T.c.directive_id)
        .where(T.c.assignment_id.in_(sorted(targets)), T.c.state != CANCELLED)
        # Only the province's agencies are reported (``infos``): their settled range of the index.
        .where(T.c.agency_id.in_(_province_agencies(province)))
        .where(T.c.completed_on >= window.start, T.c.completed_on <= as_of)
        .order_by(T.c.completed_on, T.c.id)
    )
    latest: dict[tuple[int, int, str], KpiRow] = {}
    order: dict[tuple[int, int, str], tuple[str, int, str]] = {}
    for assignment_id, agency_id, done_on, _iid, values, dlabel, clause, position in session.connection().execute(stmt):
        info = infos.get(agency_id)
        if info is None or not values:
            continue
        for key, actual in dict(values).items():
            target = pick_target(targets[assignment_id], key, info.code, info.kind)
            if target is None:
                continue
            slot = (assignment_id, agency_id, key)
            latest[slot] = KpiRow(
                dlabel, clause, info.code, info.name, key, target.label, target.comparator, target.target, target.unit,
                float(actual), done_on,
            )
            order[slot] = (dlabel, position, info.name)
    return [latest[s] for s in sorted(latest, key=lambda s: (*order[s], s[2]))]


def roll_up(rows: list[tuple[int, int, Counts]]) -> tuple[dict[int, Counts], dict[int, Counts]]:
    """Counts per agency and per directive from the (agency, directive) rows."""
    by_agency: dict[int, Counts] = defaultdict(Counts)
    by_directive: dict[int, Counts] = defaultdict(Counts)
    for agency_id, directive_id, counts in rows:
        by_agency[agency_id] = by_agency[agency_id] + counts
        by_directive[directive_id] = by_directive[directive_id] + counts
    return dict(by_agency), dict(by_directive)
