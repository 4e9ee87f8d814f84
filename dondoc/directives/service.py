"""Use cases shared by the CLI and the Prefect flows: one function per user action.

Each opens one transaction: it either fully happens or leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dondoc.configuration.settings import get_settings
from dondoc.db import session_scope
from dondoc.db.retry import retry_busy
from dondoc.directives.rows import AssignmentProgress, DirectiveHead, TaskRow
from dondoc.errors import InputError

# The writing side (validation of the YAML files, planning, the import lease) is imported by the
# functions that write, and the ORM models and their queries by the functions that use them:
# `dondoc tasks`, `deadlines`, `directives` and `status` read through :mod:`dondoc.directives.listing`
# (Core tables on a Core connection) and build no SQLModel class.
if TYPE_CHECKING:
    from sqlmodel import Session

    from dondoc.directives.store import ImportSummary, PlanResult
    from dondoc.directives.validation import Batch
    from dondoc.models import TaskInstance


def validate(paths: Sequence[Path]) -> Batch:
    from dondoc.directives.validation import stored_lookup, validate_paths

    with session_scope() as session:
        return validate_paths(paths, stored_lookup(session))


class _DryRun(Exception):
    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary


def import_paths(
    paths: Sequence[Path],
    *,
    as_of: date,
    actor: str,
    replace: str | None = None,
    wait: float | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportSummary:
    """Validate every file, then write registries, directives and planned instances in one transaction;
    ``progress(done, total, what)`` as each directive is planned.

    Refused (nothing written) when a registry change would take open work from an agency without a
    successor, unless ``replace`` confirms the fingerprint that :func:`check_import` showed.
    Imports are serialised by the ``import`` lease: a second import waits (``wait`` seconds, default
    ``DONDOC_BUSY_SECONDS``) for the first to finish, then validates against what it wrote.
    """
    from dondoc.db import lease
    from dondoc.directives.store import apply_batch
    from dondoc.directives.validation import stored_lookup, validate_paths

    def work() -> ImportSummary:
        with session_scope() as session:
            batch = validate_paths(paths, stored_lookup(session))
            return apply_batch(batch, as_of=as_of, actor=actor, replace=replace, progress=progress, session=session)

    budget = get_settings().busy_seconds if wait is None else wait
    with lease.hold(["import"], what="Một lượt nhập văn bản khác", wait=budget):
        return retry_busy(work, what="nhập văn bản")


def check_import(paths: Sequence[Path], *, as_of: date, actor: str) -> ImportSummary:
    """Everything an import would do (registry diff, replanning, open work lost), then roll it all back."""
    from dondoc.directives import queries
    from dondoc.directives.store import apply_batch
    from dondoc.directives.validation import stored_lookup, validate_paths

    try:
        with session_scope() as session:
            batch = validate_paths(paths, stored_lookup(session))
            summary = apply_batch(batch, as_of=as_of, actor=actor, check=True, session=session)
            summary.clauses = queries.planned_by_clause([d.code for d in batch.directives], session=session)
            raise _DryRun(summary)
    except _DryRun as done:
        return done.summary


def replan(directive: str, *, as_of: date, actor: str) -> PlanResult:
    """Extend a directive's rolling horizon to ``as_of`` (daily sweep)."""
    from dondoc.directives.queries import resolve_directive
    from dondoc.directives.store import plan_directive

    def work() -> PlanResult:
        with session_scope() as session:
            return plan_directive(resolve_directive(directive, session=session), as_of=as_of, actor=actor, session=session)[0]

    return retry_busy(work, what=f"lập kế hoạch {directive}")


@dataclass(frozen=True)
class Recorded:
    instance_id: int
    directive: str
    clause: str
    agency: str
    due: date | None
    completed_on: date | None
    kpis: dict[str, float]


def find_instance_id(directive: str, clause: str, agency: str, period: str | None = None) -> int:
    """Resolve (directive, clause, agency[, period]) to one instance id: the earliest open one by default."""
    from sqlmodel import col, select

    from dondoc.directives.queries import resolve_agency, resolve_directive
    from dondoc.models import Assignment, TaskInstance

    with session_scope() as session:
        d = resolve_directive(directive, session=session)
        a = resolve_agency(agency, session=session)
        assignment = session.exec(
            select(Assignment).where(Assignment.directive_id == d.id, col(Assignment.clause) == clause)
        ).first()
        if assignment is None:
            raise InputError(f"clause {clause!r}: not in {d.code}; see `dondoc status {d.code}`")
        stmt = select(TaskInstance).where(TaskInstance.assignment_id == assignment.id, col(TaskInstance.agency_id) == a.id)
        if period:
            stmt = stmt.where(TaskInstance.period == period)
        candidates = sorted(session.exec(stmt), key=lambda i: (i.state != "open", i.due_date or date.max))
        if not candidates:
            raise InputError(f"{d.code} {clause}: {a.code} does not lead this task (or period {period!r} does not exist)")
        assert candidates[0].id is not None
        return candidates[0].id


def _recorded(session: Session, instance: TaskInstance) -> Recorded:
    from dondoc.directives import queries

    assignment, directive, agency = queries.instance_parents(instance, session=session)
    assert instance.id is not None
    return Recorded(
        instance.id,
        directive.code,
        assignment.clause,
        agency.code,
        instance.due_date,
        instance.completed_on,
        dict(instance.kpi_values or {}),
    )


def record_completion(
    instance_id: int,
    *,
    on: date,
    evidence: str,
    actor: str,
    today: date,
    kpis: dict[str, float] | None = None,
    force: bool = False,
) -> Recorded:
    """Complete an instance (``force`` to overwrite an earlier completion); retried while the database is busy."""
    from dondoc.directives.store import CompletionReport, complete_instance

    def work() -> Recorded:
        with session_scope() as session:
            report = CompletionReport(on, evidence, dict(kpis or {}))
            instance = complete_instance(instance_id, report, actor=actor, today=today, force=force, session=session)
            return _recorded(session, instance)

    return retry_busy(work, what=f"ghi nhận hoàn thành #{instance_id}")


def record_extension(instance_id: int, *, to: date, reason: str, actor: str) -> Recorded:
    from dondoc.directives.store import extend_instance

    def work() -> Recorded:
        with session_scope() as session:
            instance = extend_instance(instance_id, to=to, reason=reason, actor=actor, session=session)
            return _recorded(session, instance)

    return retry_busy(work, what=f"gia hạn #{instance_id}")


def list_directives() -> list[dict[str, Any]]:
    from dondoc.db import read_scope
    from dondoc.directives import listing

    with read_scope() as connection:
        return listing.directive_listing(session=connection)


def task_rows(as_of: date, **filters: Any) -> list[TaskRow]:
    """Task instances with their status as of a day (filters: see :func:`listing.task_rows`)."""
    from dondoc.db import read_scope
    from dondoc.directives import listing

    with read_scope() as connection:
        return listing.task_rows(as_of=as_of, **filters, session=connection)


def progress(
    directive: str | None, *, as_of: date, province: str | None = None, limit: int | None = None
) -> tuple[list[tuple[DirectiveHead, list[AssignmentProgress]]], int]:
    """Per-clause progress of one directive, or of every directive (of ``province``) in province and code order:
    the first ``limit`` of them (None: all), and how many there are."""
    from dondoc.db import read_scope
    from dondoc.directives import listing

    with read_scope() as connection:
        codes = [directive] if directive else listing.directive_codes(session=connection, province=province)
        if province and not codes:
            known = listing.directive_provinces(session=connection)
            raise InputError(f"--province {province!r}: chưa có văn bản nào của tỉnh này; các tỉnh có văn bản: {', '.join(known) or '(chưa có)'}")
        shown = codes if limit is None else codes[:limit]
        return [listing.directive_progress(code, as_of=as_of, session=connection) for code in shown], len(codes)
