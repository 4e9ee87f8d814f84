"""ORM reads for the writing side and the flows: a directive or agency by code, the dated co-agency
registry, what an import plans, an instance's parents.

Task rows and per-directive progress are read by :mod:`dondoc.directives.listing` (Core selects,
also from a bare connection); :func:`task_rows` is that one, re-exported for its callers here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session, col

from dondoc.directives.listing import agency_not_found, directive_not_found
from dondoc.directives.listing import task_rows as task_rows
from dondoc.directives.rows import ClausePlan
from dondoc.domain.succession import GroupSpan, Lifespan, leads_on, owner_on
from dondoc.domain.vocabulary import InstanceState
from dondoc.errors import NotFoundError
from dondoc.models import Agency, AgencyGroup, Assignment, Directive, GroupMember, TaskInstance


def resolve_directive(code: str, *, session: Session) -> Directive:
    directive = session.scalars(select(Directive).where(col(Directive.code) == code)).first()
    if directive is None:
        raise directive_not_found(code, session=session)
    return directive


def resolve_agency(code: str, *, session: Session) -> Agency:
    agency = session.scalars(select(Agency).where(col(Agency.code) == code)).first()
    if agency is None:
        raise agency_not_found(code, session=session)
    return agency


def answers_to(agency: Agency, *, session: Session) -> set[str]:
    """The codes an agency is addressed by: its own and every group it belongs to (co-agency lists name either)."""
    groups = session.execute(
        select(col(AgencyGroup.code))
        .join(GroupMember, col(GroupMember.group_id) == col(AgencyGroup.id))
        .where(col(GroupMember.agency_id) == agency.id)
    )
    return {agency.code, *(g for (g,) in groups)}


def group_members(province: str | None = None, *, session: Session) -> dict[str, list[str]]:
    """Group code → member agency codes (flattened), to expand a co-agency list that names a group."""
    stmt = (
        select(col(AgencyGroup.code), col(Agency.code))
        .join(GroupMember, col(GroupMember.group_id) == col(AgencyGroup.id))
        .join(Agency, col(Agency.id) == col(GroupMember.agency_id))
        .order_by(col(Agency.code))
    )
    if province:
        stmt = stmt.where(col(AgencyGroup.province) == province)
    members: dict[str, list[str]] = {}
    for group, agency in session.execute(stmt):
        members.setdefault(group, []).append(agency)
    return members


@dataclass(frozen=True)
class CoAgencyRegistry:
    """The dated registry, to expand a co-agency list as of an instance's due date (issue 11 §2)."""

    groups: Mapping[str, GroupSpan]
    lifespans: Mapping[str, Lifespan]

    def expand(self, codes: Sequence[str] | None, on: date) -> list[str]:
        """Agency codes of a co-agency list on ``on``: a group stands for its members then, an ended agency for its successors."""
        out: dict[str, None] = {}
        for code in codes or []:
            found = leads_on(code, on, on, self.groups, self.lifespans)
            for agency in found or (code,):  # a group with no known members stays named, as before
                out[agency] = None
        return list(out)

    def in_force(self, code: str, on: date) -> str:
        """The agency doing ``code``'s work on ``on``: itself while it exists, then its successor (an office
        that merged: the merged office). For a split the first successor (offices are not split)."""
        return owner_on(code, on, self.lifespans)


def co_agency_registry(*, session: Session) -> CoAgencyRegistry:
    """Loaded once per sweep."""
    from dondoc.registries.queries import stored_state

    state = stored_state(session=session)
    return CoAgencyRegistry(state.group_spans(), state.lifespans())


def expand_co_agencies(codes: Sequence[str] | None, registry: CoAgencyRegistry, on: date) -> list[str]:
    """Agency codes of a co-agency list as of ``on``."""
    return registry.expand(codes, on)


def planned_by_clause(directive_codes: Sequence[str], *, session: Session) -> list[ClausePlan]:
    """Per clause of the given directives: who leads, which periods, how many open instances."""
    out: list[ClausePlan] = []
    for code in directive_codes:
        directive = resolve_directive(code, session=session)
        assignments = session.scalars(
            select(Assignment)
            .where(col(Assignment.directive_id) == directive.id, col(Assignment.active))
            .order_by(col(Assignment.position))
        ).all()
        planned: dict[int, list[tuple[str, str, date | None]]] = {}
        for assignment_id, agency, period, due in session.execute(
            select(col(TaskInstance.assignment_id), col(Agency.code), col(TaskInstance.period), col(TaskInstance.due_date))
            .join(Agency, col(Agency.id) == col(TaskInstance.agency_id))
            .where(col(TaskInstance.directive_id) == directive.id, col(TaskInstance.state) == InstanceState.OPEN)
        ):
            planned.setdefault(assignment_id, []).append((agency, period, due))
        for a in assignments:
            assert a.id is not None
            rows = planned.get(a.id, [])
            dues = sorted(d for _, _, d in rows if d is not None)
            out.append(
                ClausePlan(
                    directive=code,
                    clause=a.clause,
                    leads=tuple(sorted({agency for agency, _, _ in rows})),
                    periods=tuple(sorted({period for _, period, _ in rows})),
                    instances=len(rows),
                    first_due=dues[0] if dues else None,
                    last_due=dues[-1] if dues else None,
                    repeats=a.repeats,
                    ad_hoc=a.ad_hoc,
                )
            )
    return out


def instance_by_id(instance_id: int, *, session: Session) -> TaskInstance:
    instance = session.get(TaskInstance, instance_id)
    if instance is None:
        raise NotFoundError(f"instance {instance_id}: no such task instance; list them with `dondoc tasks`")
    return instance


def instance_parents(instance: TaskInstance, *, session: Session) -> tuple[Assignment, Directive, Agency]:
    """The assignment, directive and agency an instance belongs to."""
    assignment = session.get(Assignment, instance.assignment_id)
    directive = session.get(Directive, instance.directive_id)
    agency = session.get(Agency, instance.agency_id)
    assert assignment is not None
    assert directive is not None
    assert agency is not None
    return assignment, directive, agency


def instance_rows(*columns: Any, agency: Any = Agency) -> Select[*tuple[Any, ...]]:
    """A select of ``columns`` over task instances with their assignment, directive and agency joined
    (``agency``: an alias when the caller also joins agencies for something else)."""
    stmt: Select[*tuple[Any, ...]] = (
        select(*columns)
        .select_from(TaskInstance)
        .join(Assignment, col(Assignment.id) == col(TaskInstance.assignment_id))
        .join(Directive, col(Directive.id) == col(TaskInstance.directive_id))
        .join(agency, col(agency.id) == col(TaskInstance.agency_id))
    )
    return stmt
