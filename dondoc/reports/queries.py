"""Set-based SQL for a report: conditional counts per agency and per directive, the lists, and the
frozen period counts that all-time figures are summed from.

The counting rules are those of :mod:`dondoc.domain.report_math`. A report only ever looks at rows
that are unsettled (``completed_on`` empty) or settled since the window opened; both are ranges of
``ix_instance_agency_completed (agency_id, completed_on, …)`` per agency of the province, an index
that covers every column a report counts or lists, so a quarter costs in proportion to the
quarter's rows and the open backlog, not to the province's whole history (issue 13).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Select,
    String,
    TypeDecorator,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from dondoc.db import decode
from dondoc.domain.periods import Window
from dondoc.domain.report_math import CompletionRecord, Counts, KpiTarget, Settled, pick_target
from dondoc.domain.vocabulary import directive_label
from dondoc.errors import DondocError
from dondoc.models import (
    Agency,
    Assignment,
    AuditEvent,
    Directive,
    PeriodCountRow,
    ProvinceMerger,
    TaskInstance,
)
from dondoc.reports.model import ExtendedRow, KpiRow, OngoingRow, OverdueRow

T = TaskInstance.__table__  # type: ignore[attr-defined]
A = Agency.__table__  # type: ignore[attr-defined]
D = Directive.__table__  # type: ignore[attr-defined]
S = Assignment.__table__  # type: ignore[attr-defined]
M = ProvinceMerger.__table__  # type: ignore[attr-defined]
_K = TypeVar("_K")
_NOTHING = object()
# Inlined rather than bound, so that the planner sees constants (PERFORMANCE.md, SQLite traps), and
# written into the SQL once when it is compiled (``literal_execute`` re-rendered them on every execution).
CANCELLED = literal_column("'cancelled'", String)
ONGOING = literal_column("'ongoing'", String)


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


def _province_agencies(province: Any) -> Any:
    return select(A.c.id).where(A.c.province == province).scalar_subquery()


def _conditions(start: Any, as_of: Any, t: Any = T.c) -> dict[str, ColumnElement[bool]]:
    """The counting conditions over the columns ``t`` (the table's, or a subquery's of the same names),
    for a window opening on ``start`` evaluated as of ``as_of`` (values or bound parameters)."""
    dated = t.due_date.is_not(None)
    done_in = and_(t.completed_on >= start, t.completed_on <= as_of)
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


def _extended_when_dated(start: Any, as_of: Any) -> ColumnElement[bool]:
    """``_conditions()["extended"]`` without its ``due_date IS NOT NULL`` (implied by ``due_date <> original_due_date``):
    that term alone would lead SQLite to walk every dated row of the agency instead of the partial index."""
    done_in = and_(T.c.completed_on >= start, T.c.completed_on <= as_of)
    not_done = or_(T.c.completed_on.is_(None), T.c.completed_on > as_of)
    return or_(done_in, and_(not_done, T.c.due_date >= as_of, T.c.opens_on <= as_of), and_(not_done, T.c.due_date < as_of))


def _relevant(start: Any, as_of: Any, province: Any, columns: list[Any]) -> Any:
    """Rows of the province a report over a window opening on ``start`` as of ``as_of`` can count, as one UNION ALL of
    ranges of ``ix_instance_agency_completed (agency_id, completed_on, opens_on, due_date, …)`` per agency:

    - unsettled and open by ``as_of``;
    - unsettled, not open yet, but already past due (the due date is tested on the index entry);
    - settled since the window opened.

    Rows settled before the window are history, and unsettled rows that open after ``as_of`` and are
    not due before it count nothing: neither is read.
    """
    base = (T.c.agency_id.in_(_province_agencies(province)), T.c.state != CANCELLED)
    opened = select(*columns).where(*base, T.c.completed_on.is_(None), T.c.opens_on <= as_of)
    early_overdue = select(*columns).where(*base, T.c.completed_on.is_(None), T.c.opens_on > as_of, T.c.due_date < as_of)
    settled = select(*columns).where(*base, T.c.completed_on >= start)
    return union_all(opened, early_overdue, settled)


_BY_AGENCY, _BY_DIRECTIVE = 0, 1
# The categories of :class:`Counts` a counted row falls in (mutually exclusive), in its field order.
_ON_TIME, _LATE, _IN_PROGRESS, _OVERDUE, _ONGOING, _UNDATED = (literal_column(str(n), Integer) for n in range(6))
_CATEGORIES = 8  # room for the six categories in a grouping key
_EXTENDED = 6  # the field of Counts that the extended rows count (:func:`extended_found`)


def _categorised(start: Any, as_of: Any, province: Any) -> Any:
    """The rows of :func:`_relevant`, each with the one category of :func:`_conditions` it counts in
    (NULL: none; the conditions are mutually exclusive), as a single CASE per branch that tests only
    what the branch does not already know (each condition once per row, not once per count).

    Each row is one integer, ``(agency_id × M + directive_id) × 8 + category`` with ``M`` above every
    task's directive id: SQLite groups rows on a single integer key much faster than on several columns (the
    grouping sorts every relevant row). Exact while ``agency_id × M`` stays below 2⁶⁰."""
    t = T.c
    kind = case((t.kind == ONGOING, _ONGOING), (t.kind != ONGOING, _UNDATED))
    unsettled_dated = case((t.due_date < as_of, _OVERDUE), else_=_IN_PROGRESS)  # opened by as_of
    settled = case(
        (
            t.due_date.is_not(None),
            case(
                (t.completed_on <= as_of, case((t.completed_on <= t.due_date, _ON_TIME), else_=_LATE)),
                (t.due_date < as_of, _OVERDUE),  # settled after as_of: not done by then
                (t.opens_on <= as_of, _IN_PROGRESS),
            ),
        ),
        (t.opens_on <= as_of, kind),
    )
    opened = case((t.due_date.is_not(None), unsettled_dated), else_=kind)
    opened_rows, early_overdue, settled_rows = _relevant(start, as_of, province, []).selects
    pair = (t.agency_id * _directive_bound() + t.directive_id) * _WIDTH
    return union_all(
        opened_rows.with_only_columns((pair + opened).label("k")),
        early_overdue.with_only_columns(pair + _OVERDUE),
        settled_rows.with_only_columns(pair + settled),
    )


def _directive_bound() -> Any:
    """``M``: one more than the highest directive id of any task (one probe of ``ix_instance_directive_due``),
    a 64-bit integer on PostgreSQL too."""
    highest = func.coalesce(func.max(T.c.directive_id), literal_column("0", Integer))
    return cast(select(highest + literal_column("1", Integer)).scalar_subquery(), BigInteger)


_WIDTH = literal_column(str(_CATEGORIES), Integer)


@cache
def _counts() -> Any:
    """The counts statement, built once per process with bound parameters ``province``, ``start`` and
    ``as_of`` (building it and its cache key per report cost about as much as running it for a province).

    One row per (agency, directive, category) of the relevant rows (NULL: counted in none), then the two
    margins of those: ``(margin, key × 8 + category, n)``, the key an agency id or a directive id."""
    start, as_of = bindparam("start", type_=Date), bindparam("as_of", type_=Date)
    rows = _categorised(start, as_of, bindparam("province", type_=String)).subquery("relevant")
    pairs = select(rows.c.k, func.count().label("n")).group_by(rows.c.k).cte("pairs")
    per_agency = _directive_bound() * _WIDTH  # k // per_agency: the agency; k % per_agency: directive × 8 + category

    def margin(kind: int, key: Any) -> Select[Any]:
        keyed = select(key.label("key"), pairs.c.n).where(pairs.c.k.is_not(None)).subquery()
        return select(literal_column(str(kind)), keyed.c.key, func.sum(keyed.c.n)).group_by(keyed.c.key)

    return union_all(
        margin(_BY_AGENCY, pairs.c.k // per_agency * _WIDTH + pairs.c.k % _WIDTH),
        margin(_BY_DIRECTIVE, pairs.c.k % per_agency),
    )


def counts_statement(province: str, window: Window, as_of: date) -> Any:
    """The counts of :class:`Counts` but the extended ones per agency and per directive, in one statement:
    ``(0, agency_id × 8 + category, n)`` and ``(1, directive_id × 8 + category, n)`` rows, summed in SQL
    so that only the two margins reach Python. (With its values bound, e.g. to look at its plan.)"""
    return _counts().params(province=province, start=window.start, as_of=as_of)


def count_totals(
    province: str, window: Window, as_of: date, *, session: Session, extended: Sequence[Any] | None = None
) -> tuple[dict[int, Counts], dict[int, Counts]]:
    """Counts per agency and per directive (those with anything to count).

    The extended ones are the rows of :func:`extended_found` (the same condition; read here unless given)."""
    scope = Scope(province, window, as_of, session)
    sums: tuple[dict[int, list[int]], dict[int, list[int]]] = ({}, {})
    found_counts = scope.rows(_counts())
    if any(not isinstance(packed, int) for _kind, packed, _n in found_counts):  # SQLite turned an overflow into a REAL
        raise DondocError("report counts: agency and directive ids too large for the grouping key (agency_id × M ≥ 2⁶⁰)")
    counted = [(kind, *divmod(packed, _CATEGORIES), int(n)) for kind, packed, n in found_counts]
    # PostgreSQL sums a count as numeric: int(n)
    found = extended_found(scope) if extended is None else extended
    counted += [(margin, r[column], _EXTENDED, 1) for r in found for margin, column in _EXTENDED_KEYS]
    for kind, key, field, n in counted:
        values = sums[kind].get(key)
        if values is None:
            values = sums[kind][key] = [0] * 7
        values[field] += n
    return ({k: Counts(*v) for k, v in sums[0].items()}, {k: Counts(*v) for k, v in sums[1].items()})


_EXTENDED_KEYS = ((_BY_AGENCY, 2), (_BY_DIRECTIVE, 3))  # the columns of an extended row that name its agency and directive


def agencies(province: str, *, session: Session) -> dict[int, AgencyInfo]:
    rows = session.connection().execute(_agencies(), {"province": province}).all()
    return {r[0]: AgencyInfo(r[0], r[1], r[2], r[3]) for r in rows}


def directives(ids: set[int], *, session: Session) -> dict[int, ReportDirective]:
    if not ids:
        return {}
    rows = session.connection().execute(_directives(), {"ids": sorted(ids)}).all()
    return {r[0]: ReportDirective(r[0], r[1], directive_label(r[2], r[1]), r[3]) for r in rows}


# Built once per process with bound parameters, like every statement of a report.
@cache
def _agencies() -> Any:
    columns = (A.c.id, A.c.code, func.coalesce(A.c.short_name, A.c.name), A.c.kind)
    return select(*columns).where(A.c.province == bindparam("province", type_=String))


@cache
def _directives() -> Any:
    return select(D.c.id, D.c.code, D.c.number, D.c.title).where(D.c.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class Scope:
    """What one report reads: a province, the window and the day it is evaluated at, bound by name into
    every statement of the report (each takes the ones it names)."""

    province: str
    window: Window
    as_of: date
    session: Session

    def rows(self, statement: Any, **more: Any) -> Sequence[Any]:
        """The rows of ``statement``, fetched whole (``all()``: one driver call, not one per row)."""
        values = {"province": self.province, "start": self.window.start, "as_of": self.as_of, **more}
        return self.session.connection().execute(statement, values).all()


@dataclass(frozen=True)
class Clause:
    """What a list row shows of its assignment: the directive's label (number, else code), clause, summary."""

    directive: str
    clause: str
    summary: str
    position: int


_CHUNK = 10_000  # stay under the drivers' bound-parameter limits


def clauses(ids: set[int], *, session: Session) -> dict[int, Clause]:
    """The assignments a report's lists name, looked up once per report (not joined per listed row)."""
    wanted, known = sorted(ids), dict[int, Clause]()
    for start in range(0, len(wanted), _CHUNK):
        found = session.connection().execute(_clauses(), {"ids": wanted[start : start + _CHUNK]})
        known.update((r[0], Clause(r[1], r[2], r[3], r[4])) for r in found.all())
    return known


@dataclass(frozen=True)
class Lists:
    overdue: list[OverdueRow]
    extended: list[ExtendedRow]
    ongoing: list[OngoingRow]
    kpis: list[KpiRow]


def report_lists(scope: Scope, infos: dict[int, AgencyInfo], extended: Sequence[Any]) -> Lists:
    """A report's four lists: every list read first, then the clauses they name in one look-up.

    ``extended``: the rows of :func:`extended_found` (read once for the counts and the list)."""
    overdue = scope.rows(_overdue())
    ongoing = [r for r in scope.rows(_ongoing()) if r[1]]  # (assignment, leads, reported)
    declared = {r[0]: r for r in scope.rows(_assignments())}
    targets = _kpi_targets_of(declared.values())
    reported = _kpi_reported_rows(scope, targets, infos)
    ids = {r[1] for rows in (overdue, extended) for r in rows} | {r[0] for rows in (ongoing, reported) for r in rows}
    # Named from the province's own assignments (read for their KPIs anyway); any other looked up.
    names = {i: Clause(*declared[i][1:5]) for i in ids if i in declared}
    names |= clauses(ids - names.keys(), session=scope.session)
    return Lists(
        _overdue_rows(overdue, scope.as_of, infos, names),
        _extended_rows(extended, scope.as_of, infos, names),
        _ongoing_rows(ongoing, names),
        _kpi_rows(reported, targets, infos, names),
    )


# The statements of the lists are built once per process with bound parameters, like the counts (building a
# statement and its cache key on every report cost more than running it on a province of the nation).
_PROVINCE, _START, _AS_OF = bindparam("province", type_=String), bindparam("start", type_=Date), bindparam("as_of", type_=Date)


@cache
def _clauses() -> Any:
    return (
        select(S.c.id, func.coalesce(D.c.number, D.c.code), S.c.clause, S.c.summary, S.c.position)
        .join(D, D.c.id == S.c.directive_id)
        .where(S.c.id.in_(bindparam("ids", expanding=True)))
    )


def _overdue_rows(
    found: Sequence[Any], as_of: date, infos: dict[int, AgencyInfo], names: dict[int, Clause]
) -> list[OverdueRow]:
    """Tasks not completed by ``as_of`` whose due date has passed: worst first."""
    shown = {i: (names[i].directive, names[i].clause, names[i].summary) for i in {r[1] for r in found}}
    agencies = {i: (a.code, a.name) for i, a in infos.items()}
    # The dates as the driver hands them (ISO text on SQLite): parsed once per distinct day, not per row.
    days = {raw: (due := decode.day(raw), (as_of - due).days) for raw in {r[3] for r in found}}
    # Worst first: the earliest due date is the most days overdue, then directive, clause and agency name.
    # Sorted (stable, as before) on one integer per row, made of the dense ranks of those values.
    by_due = _dense_ranks(days, lambda raw: days[raw][0])
    by_clause = _dense_ranks(shown, lambda i: shown[i][:2])
    by_agency = _dense_ranks(agencies, lambda i: agencies[i][1])
    width_clause, width_agency = len(by_clause) + 1, len(by_agency) + 1
    ordered = sorted(found, key=lambda r: (by_due[r[3]] * width_clause + by_clause[r[1]]) * width_agency + by_agency[r[2]])
    new = tuple.__new__
    return [
        new(OverdueRow, (iid, *shown[assignment_id], *agencies[agency_id], *days[due_raw], due_raw != original))
        for iid, assignment_id, agency_id, due_raw, original in ordered
    ]


def _dense_ranks(keys: Iterable[_K], value: Callable[[_K], Any]) -> dict[_K, int]:
    """Each key's rank by ``value``, keys of equal value sharing one: sorting on the ranks orders
    as sorting on the values would, ties included."""
    ranks: dict[_K, int] = {}
    previous, rank = _NOTHING, -1
    for key, v in sorted(((k, value(k)) for k in keys), key=itemgetter(1)):
        if v != previous:
            previous, rank = v, rank + 1
        ranks[key] = rank
    return ranks


@cache
def _overdue() -> Any:
    """Two ranges of the covering report index: the unsettled rows due before ``as_of``, and those settled after it."""
    columns = (T.c.id, T.c.assignment_id, T.c.agency_id, _raw(T.c.due_date), _raw(T.c.original_due_date))
    base = (T.c.agency_id.in_(_province_agencies(_PROVINCE)), T.c.state != CANCELLED, T.c.due_date < _AS_OF)
    return union_all(
        select(*columns).where(*base, T.c.completed_on.is_(None)),
        select(*columns).where(*base, T.c.completed_on > _AS_OF),
    )


def _raw(column: Any) -> Any:
    """``column`` without SQLAlchemy's result processing (a date arrives as ISO text on SQLite, as a date on PostgreSQL)."""
    return type_coerce(column, _Raw()).label(column.name)


class _Raw(TypeDecorator[Any]):
    impl = String
    cache_ok = True

    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


def extended_found(scope: Scope) -> Sequence[Any]:
    """Extended tasks that the window counts (settled in it, or open at its cut-off), found through the
    small partial index of extended rows (it carries every column tested: the table is read for the
    listed rows alone)."""
    return scope.rows(_extended())


@cache
def _extended() -> Any:
    return select(
        T.c.id,
        T.c.assignment_id,
        T.c.agency_id,
        T.c.directive_id,
        T.c.original_due_date,
        T.c.due_date,
        T.c.extended_reason,
        T.c.completed_on,
    ).where(
        T.c.agency_id.in_(_province_agencies(_PROVINCE)),
        T.c.due_date != T.c.original_due_date,  # the partial index's own predicate
        T.c.state != CANCELLED,
        or_(T.c.completed_on.is_(None), T.c.completed_on >= _START),
        _extended_when_dated(_START, _AS_OF),
    )


def _extended_rows(found: Sequence[Any], as_of: date, infos: dict[int, AgencyInfo], names: dict[int, Clause]) -> list[ExtendedRow]:
    """By directive, clause and agency name; then by agency and instance id (the order the rows were once read in)."""
    rows = []
    for iid, assignment_id, agency_id, _directive, original, due, reason, done_on in found:
        c = names[assignment_id]
        done = done_on if done_on and done_on <= as_of else None
        row = ExtendedRow(iid, c.directive, c.clause, c.summary, infos[agency_id].name, original, due, reason or "", done)
        rows.append(((c.directive, c.clause, row.agency_name, agency_id, iid), row))
    return [row for _, row in sorted(rows, key=itemgetter(0))]


@cache
def _ongoing() -> Any:
    """Ongoing (Thường xuyên) tasks per clause: how many leads, how many reported in the window.

    Counted per assignment on the partial index of ongoing rows, then named once per clause. "Undated"
    is a counted condition, not a filter: as a filter SQLite would read the rows through
    ``ix_instance_report (agency_id, due_date)``, whose statistics take ``due_date IS NULL`` for a few rows."""
    undated = T.c.due_date.is_(None)
    reported = and_(undated, T.c.completed_on >= _START, T.c.completed_on <= _AS_OF)
    return (
        select(T.c.assignment_id, _n(undated).label("leads"), _n(reported).label("reported"))
        .where(T.c.agency_id.in_(_province_agencies(_PROVINCE)), T.c.kind == ONGOING)
        .where(T.c.opens_on <= _AS_OF, T.c.state != CANCELLED)
        .group_by(T.c.assignment_id)
    )


def _ongoing_rows(counted: Sequence[Any], names: dict[int, Clause]) -> list[OngoingRow]:
    rows = sorted(counted, key=lambda r: (names[r[0]].directive, names[r[0]].position))
    return [OngoingRow(names[a].directive, names[a].clause, names[a].summary, int(n), int(k)) for a, n, k in rows]


@cache
def _assignments() -> Any:
    """The assignments of the province's directives: how a list names them (as :func:`_clauses`), their KPIs and their directive's."""
    return (
        select(
            S.c.id, func.coalesce(D.c.number, D.c.code), S.c.clause, S.c.summary, S.c.position, _raw(S.c.kpis), _raw(D.c.kpis)
        )
        .join(D, D.c.id == S.c.directive_id)
        # a province that merged in: its directives' KPIs count for the agencies that now lead them
        .where(or_(D.c.province == _PROVINCE, D.c.province.in_(select(M.c.from_province).where(M.c.into_province == _PROVINCE))))
    )


@cache
def _kpi_reported() -> Any:
    return (
        select(T.c.assignment_id, T.c.agency_id, _raw(T.c.completed_on), T.c.id, _raw(T.c.kpi_values))
        # ``+ 0``: not an index term, so that SQLite reads the settled range of the covering report index
        # rather than every row of each KPI assignment (``uq_instance_assignment_agency_period``).
        .where((T.c.assignment_id + 0).in_(bindparam("assignments", expanding=True)), T.c.state != CANCELLED)
        # Only the province's agencies are reported (``infos``): their settled range of the index.
        .where(T.c.agency_id.in_(_province_agencies(_PROVINCE)))
        .where(T.c.completed_on >= _START, T.c.completed_on <= _AS_OF)
        .order_by(T.c.completed_on, T.c.id)
    )


def _kpi_items(values: Any) -> tuple[tuple[str, Any], ...]:
    """The reported KPI values of a :func:`_raw` JSON column: JSON text on SQLite (the same few texts recur:
    decoded once each), already decoded on PostgreSQL."""
    return _decoded_items(values) if isinstance(values, str) else tuple(dict(values).items())


def _kpi_targets(declared: Any) -> tuple[KpiTarget, ...]:
    """The KPI targets a :func:`_raw` JSON column declares (most are ``[]``; the same texts recur: decoded once each)."""
    if isinstance(declared, str):
        return _decoded_targets(declared)
    return tuple(KpiTarget.from_dict(k) for k in declared or [])


@lru_cache(maxsize=4096)
def _decoded_targets(text: str) -> tuple[KpiTarget, ...]:
    return tuple(KpiTarget.from_dict(k) for k in json.loads(text) or [])


@lru_cache(maxsize=4096)
def _decoded_items(text: str) -> tuple[tuple[str, Any], ...]:
    return tuple(dict(json.loads(text)).items())


def _kpi_targets_of(declared: Iterable[Any]) -> dict[int, list[KpiTarget]]:
    """The KPI targets of the assignments the province's agencies lead (its directives' and a merged province's),
    from the rows of :func:`_assignments`."""
    targets: dict[int, list[KpiTarget]] = {}
    for row in declared:
        found = [*_kpi_targets(row[5]), *_kpi_targets(row[6])]
        if found:
            targets[row[0]] = found
    return targets


class _Reported(NamedTuple):
    assignment_id: int
    agency_id: int
    done_on: Any  # raw
    items: tuple[tuple[str, Any], ...]


def _kpi_reported_rows(scope: Scope, targets: dict[int, list[KpiTarget]], infos: dict[int, AgencyInfo]) -> list[_Reported]:
    """KPI values reported with completions in the window by the province's agencies, oldest first."""
    if not targets:
        return []
    found = scope.rows(_kpi_reported(), assignments=sorted(targets))
    return [
        _Reported(assignment_id, agency_id, done_on, items)
        for assignment_id, agency_id, done_on, _iid, values in found
        if agency_id in infos and (items := _kpi_items(values))
    ]


def _kpi_rows(
    reported: list[_Reported], targets: dict[int, list[KpiTarget]], infos: dict[int, AgencyInfo], names: dict[int, Clause]
) -> list[KpiRow]:
    """KPI actuals reported with completions in the window, against the target for the agency's level.

    The latest report of an agency for a KPI of a task wins.
    """
    latest: dict[tuple[int, int, str], tuple[float, date]] = {}  # rows come oldest first: the last one wins
    for assignment_id, agency_id, done_on, items in reported:
        for key, actual in items:
            latest[(assignment_id, agency_id, key)] = (float(actual), decode.day(done_on))
    out: list[tuple[tuple[str, int, str, str], KpiRow]] = []
    # The target depends on the agency's code only when a target names an agency, on its kind only when a
    # target has a level other than "any": picked once per distinct answer, not per reporting agency.
    by_agency = {a for a, found in targets.items() if any(t.agency is not None for t in found)}
    by_level = {a for a, found in targets.items() if any(t.level != "any" for t in found)}
    picked: dict[tuple[int, str, str | None, str | None], KpiTarget | None] = {}
    for (assignment_id, agency_id, key), (actual, done_on) in latest.items():
        info, c = infos[agency_id], names[assignment_id]
        memo = (
            assignment_id,
            key,
            info.code if assignment_id in by_agency else None,
            info.kind if assignment_id in by_level else None,
        )
        if memo in picked:
            target = picked[memo]
        else:
            target = picked[memo] = pick_target(targets[assignment_id], key, info.code, info.kind)
        if target is not None:
            row = KpiRow(
                c.directive,
                c.clause,
                info.code,
                info.name,
                key,
                target.label,
                target.comparator,
                target.target,
                target.unit,
                actual,
                done_on,
            )
            out.append(((c.directive, c.position, info.name, key), row))
    return [row for _, row in sorted(out, key=lambda o: o[0])]


# --- all-time figures: frozen period counts + the live part ---------------------------------------

PR = PeriodCountRow.__table__  # type: ignore[attr-defined]
E = AuditEvent.__table__  # type: ignore[attr-defined]
_SETTLED = list(Settled.__dataclass_fields__)


def earliest_completion(province: str, *, session: Session) -> date | None:
    """The first day any task of the province was completed: one index probe per agency, not a scan."""
    per_agency = (
        select(func.min(T.c.completed_on)).where(T.c.agency_id == A.c.id, T.c.completed_on.is_not(None)).scalar_subquery()
    )
    first = session.connection().execute(select(func.min(per_agency)).where(A.c.province == province)).scalar()
    return _as_date(first)


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite hands an aggregate back as text


def settled_in(province: str, window: Window, *, session: Session) -> dict[int, Settled]:
    """Per agency, the tasks settled inside ``window`` (its settled range of the covering index), counted
    by the rules of :func:`_conditions` for a day after the window."""
    dated, undated = T.c.due_date.is_not(None), T.c.due_date.is_(None)
    stmt = (
        select(
            T.c.agency_id,
            _n(and_(dated, T.c.completed_on <= T.c.due_date)),
            _n(and_(dated, T.c.completed_on > T.c.due_date)),
            _n(and_(dated, T.c.due_date != T.c.original_due_date)),
            _n(and_(undated, T.c.kind == ONGOING, T.c.opens_on <= window.end)),
            _n(and_(undated, T.c.kind != ONGOING, T.c.opens_on <= window.end)),
        )
        .where(T.c.agency_id.in_(_province_agencies(province)), T.c.state != CANCELLED)
        .where(T.c.completed_on >= window.start, T.c.completed_on <= window.end)
        .group_by(T.c.agency_id)
    )
    return {r[0]: Settled(*map(int, r[1:])) for r in session.connection().execute(stmt) if any(r[1:])}


def frozen_settled(snapshot_ids: list[int], *, session: Session) -> dict[int, Settled]:
    """The frozen periods' settled counts, summed per agency in SQL."""
    if not snapshot_ids:
        return {}
    stmt = (
        select(PR.c.agency_id, *(func.sum(PR.c[name]) for name in _SETTLED))
        .where(PR.c.snapshot_id.in_(snapshot_ids))
        .group_by(PR.c.agency_id)
    )
    return {r[0]: Settled(*map(int, r[1:])) for r in session.connection().execute(stmt)}


def snapshot_rows(snapshot_id: int, *, session: Session) -> dict[int, Settled]:
    stmt = select(PR.c.agency_id, *(PR.c[name] for name in _SETTLED)).where(PR.c.snapshot_id == snapshot_id)
    return {r[0]: Settled(*r[1:]) for r in session.connection().execute(stmt)}


def completion_records(province: str, since: datetime, *, session: Session) -> list[CompletionRecord]:
    """Completions of the province's tasks recorded after ``since``, from the audit trail (indexed by time)."""
    stmt = (
        select(E.c.instance_id, E.c.at, E.c.detail)
        .join(T, T.c.id == E.c.instance_id)
        .where(E.c.at > since, E.c.action == literal("instance.completed", literal_execute=True))
        .where(T.c.agency_id.in_(_province_agencies(province)))
    )
    out = []
    for instance_id, at, detail in session.connection().execute(stmt):
        on, previous = (detail or {}).get("on"), (detail or {}).get("previous")
        out.append(
            CompletionRecord(
                instance_id,
                at if at.tzinfo else at.replace(tzinfo=UTC),
                date.fromisoformat(on) if on else None,
                date.fromisoformat(previous) if previous else None,
            )
        )
    return out
